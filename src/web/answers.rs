//! The client's answer to a quote on the web: the form, the e-mailed code, the code
//! typed. The right code prints the quote as it stands, keeps that PDF and records the
//! proof (who, when, from which address and browser, which PDF) through the services.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::errors::{blocking, page_for_back};
use super::forms::{Posted, shown_status};
use super::parse::field;
use super::session::Reader;
use crate::app::App;
use crate::domain::{
    CodeCheck, Confirmation, Decision, Document, DocumentId, Dossier, DossierNumber,
};
use crate::error::{Error, Refusal, Result};
use crate::service::AnswerRequest;
use crate::templates::dossier as views;
use crate::templates::fields::{Again, Fields, Typed};

fn number(text: &str) -> Result<DossierNumber> {
    DossierNumber::parse(text).ok_or(Error::NotFound)
}

fn document_path(dossier: &Dossier, id: DocumentId) -> String {
    format!("/dossiers/{}/documents/{id}", dossier.number)
}

/// What the pages show: the dossier, the quote, and a code waiting, if any.
async fn load(
    app: &App,
    reader: &Reader,
    n: String,
    id: DocumentId,
) -> Result<(Dossier, Document, Option<Confirmation>)> {
    let (services, user) = (app.services.clone(), reader.user.clone());
    blocking(move || {
        let dossier = services.find_dossier(&user, number(&n)?)?;
        let doc = services.answerable(&user, dossier.id, id)?;
        let pending = services.pending_answer(&user, dossier.id, id)?;
        Ok((dossier, doc, pending))
    })
    .await
}

/// Shows the answer form, fresh or `again`.
async fn show_form(
    app: &App,
    reader: &Reader,
    n: String,
    id: DocumentId,
    again: Option<Again>,
) -> Response {
    match load(app, reader, n.clone(), id).await {
        Ok((dossier, doc, _)) => {
            let typed = Typed::of(reader.user.lang, again.as_ref());
            let page = views::answer_form(&app.config, reader, &dossier, &doc, typed);
            (shown_status(again.as_ref()), page).into_response()
        }
        Err(err) => back_to_quote(reader, &n, id, err),
    }
}

/// Shows the code page, fresh or `again`; with no code waiting, the answer form.
async fn show_code(
    app: &App,
    reader: &Reader,
    n: String,
    id: DocumentId,
    again: Option<Again>,
) -> Response {
    match load(app, reader, n.clone(), id).await {
        Ok((dossier, doc, Some(pending))) => {
            let typed = Typed::of(reader.user.lang, again.as_ref());
            let page = views::code_form(&app.config, reader, &dossier, &doc, &pending, typed);
            (shown_status(again.as_ref()), page).into_response()
        }
        Ok((dossier, ..)) => {
            Redirect::to(&format!("{}/answer", document_path(&dossier, id))).into_response()
        }
        Err(err) => back_to_quote(reader, &n, id, err),
    }
}

/// A refusal whose way out is the quote itself (answered already, no longer valid…).
fn back_to_quote(reader: &Reader, n: &str, id: DocumentId, err: Error) -> Response {
    let back = match number(n) {
        Ok(number) => format!("/dossiers/{number}/documents/{id}"),
        Err(_) => "/dossiers".into(),
    };
    let label = reader.user.lang.t("Retour au devis", "Back to the quote");
    page_for_back(reader, err, (&back, label))
}

fn again(fields: Fields, refusal: Refusal) -> Option<Again> {
    Some(Again {
        fields,
        refusal: Some(refusal),
        form: "",
    })
}

/// GET /dossiers/{number}/documents/{id}/answer.
pub async fn form(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    show_form(&app, &reader, n, DocumentId::from_raw(id), None).await
}

/// POST /dossiers/{number}/documents/{id}/answer: checks the answer and e-mails its code.
pub async fn ask(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let id = DocumentId::from_raw(id);
    let request = AnswerRequest {
        decision: if field(&f, "decision") == "refuse" {
            Decision::Refuse
        } else {
            Decision::Accept
        },
        name: field(&f, "name").to_string(),
        agreed: f.contains_key("agree"),
        reason: f.get("reason").cloned().unwrap_or_default(),
    };
    let (services, notifier, user, n2) = (
        app.services.clone(),
        app.notifier.clone(),
        reader.user.clone(),
        n.clone(),
    );
    let asked = blocking(move || {
        let dossier = services.find_dossier(&user, number(&n2)?)?;
        let (pending, code) =
            services.ask_answer(&user, dossier.id, id, request, chrono::Utc::now())?;
        let doc = services.answerable(&user, dossier.id, id)?;
        notifier.send_answer_code(&user, &doc, &pending, &code)?;
        Ok(dossier)
    })
    .await;
    match asked {
        Ok(dossier) => {
            Redirect::to(&format!("{}/answer/code", document_path(&dossier, id))).into_response()
        }
        Err(Error::Invalid(refusal)) => show_form(&app, &reader, n, id, again(f, refusal)).await,
        Err(err) => back_to_quote(&reader, &n, id, err),
    }
}

/// GET /dossiers/{number}/documents/{id}/answer/code.
pub async fn code(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    show_code(&app, &reader, n, DocumentId::from_raw(id), None).await
}

/// What a typed code came to.
enum Outcome {
    Recorded(Dossier),
    Wrong(u8),
    Over,
}

/// POST /dossiers/{number}/documents/{id}/answer/code: the code typed; the right one
/// records the answer with its proof.
pub async fn confirm(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let id = DocumentId::from_raw(id);
    let typed = field(&f, "code").to_string();
    let ip = app.web_guard.client(peer, &headers).to_string();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (services, user, n2, app2) = (
        app.services.clone(),
        reader.user.clone(),
        n.clone(),
        app.clone(),
    );
    let outcome = blocking(move || {
        let number = number(&n2)?;
        let dossier = services.find_dossier(&user, number)?;
        let now = chrono::Utc::now();
        match services.check_answer_code(&user, dossier.id, id, &typed, now)? {
            CodeCheck::Right(pending) => {
                // The quote as it stands is the one answered: that PDF is kept.
                let printed = services.printed_document(&user, number, id)?;
                let pdf = crate::printing::pdf(&printed, app2.printer())?;
                services.record_answer(&user, &pending, &ip, &user_agent, &pdf.bytes, now)?;
                Ok(Outcome::Recorded(dossier))
            }
            CodeCheck::Wrong(0) | CodeCheck::Over => Ok(Outcome::Over),
            CodeCheck::Wrong(left) => Ok(Outcome::Wrong(left)),
        }
    })
    .await;
    match outcome {
        Ok(Outcome::Recorded(dossier)) => {
            Redirect::to(&document_path(&dossier, id)).into_response()
        }
        Ok(Outcome::Wrong(left)) => {
            let refusal = Refusal::new(
                format!(
                    "Code incorrect : il vous reste {left} essai{}.",
                    if left > 1 { "s" } else { "" }
                ),
                format!(
                    "Wrong code: {left} tr{} left.",
                    if left > 1 { "ies" } else { "y" }
                ),
            )
            .on("code");
            show_code(&app, &reader, n, id, again(f, refusal)).await
        }
        Ok(Outcome::Over) => {
            let refusal = Refusal::new(
                "Ce code n'est plus valable (trop d'essais, ou plus d'un quart d'heure) : demandez-en un nouveau.",
                "This code is no longer valid (too many tries, or over a quarter of an hour): ask for a new one.",
            );
            show_form(&app, &reader, n, id, again(Fields::new(), refusal)).await
        }
        Err(err) => back_to_quote(&reader, &n, id, err),
    }
}
