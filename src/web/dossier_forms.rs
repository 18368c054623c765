//! Small forms that change a dossier and come back to its page: close, reopen, one's
//! own reference; and opening a new dossier. Each takes a [`Posted`] form (origin and
//! token checked), then calls one service; the services ask the policy.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::errors::{blocking, page_for};
use super::form_pages::FormPage;
use super::forms::{NoFields, Posted};
use super::items::{Reshow, Submission, act};
use super::parse::field;
use super::session::Reader;
use crate::app::App;
use crate::domain::ClientId;
use crate::error::{Error, Refusal};
use crate::service::{NewDossierRequest, Section};
use crate::templates::fields::{Again, Fields, Typed};

/// POST /dossiers/{number}/close.
pub async fn close(
    State(app): State<App>,
    Path(number): Path<String>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    act(app, reader, number, Section::Discussion, |s, u, d| {
        s.close_dossier(u, d).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/reopen.
pub async fn reopen(
    State(app): State<App>,
    Path(number): Path<String>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    act(app, reader, number, Section::Discussion, |s, u, d| {
        s.reopen_dossier(u, d).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/reference: the reader's own reference.
pub async fn reference(
    State(app): State<App>,
    Path(number): Path<String>,
    Posted { reader, form }: Posted<Fields>,
) -> Response {
    let reference = form.get("reference").cloned().unwrap_or_default();
    let again = Reshow::Form(FormPage::Reference);
    Submission::new(app, reader, number, form)
        .apply(again, Ok(reference), |s, u, d, reference| {
            s.set_own_reference(u, d, &reference)
        })
        .await
}

/// GET /dossiers/new: the clients the reader may open a dossier for.
pub async fn new_form(State(app): State<App>, reader: Reader) -> Response {
    new_dossier_page(&app, &reader, None).await
}

/// The new-dossier form, fresh or again; nobody may open one without a client to open it for.
async fn new_dossier_page(app: &App, reader: &Reader, again: Option<Again>) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let clients = blocking(move || services.clients_for_new_dossier(&user)).await;
    match clients {
        Ok(clients) if clients.is_empty() => page_for(reader, Error::NotFound),
        Ok(clients) => {
            let typed = Typed::of(reader.user.lang, again.as_ref());
            let form = crate::templates::forms::new_dossier(
                &app.config.business_name,
                reader,
                &clients,
                typed,
            );
            (super::forms::shown_status(again.as_ref()), form).into_response()
        }
        Err(err) => page_for(reader, err),
    }
}

/// POST /dossiers: opens the dossier and shows it; a refusal shows the form again.
pub async fn create(State(app): State<App>, Posted { reader, form }: Posted<Fields>) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let client = field(&form, "client")
        .parse::<u64>()
        .map(ClientId::from_raw);
    let request = client.map(|client| NewDossierRequest {
        client,
        title: field(&form, "title").into(),
        description: form.get("description").cloned().unwrap_or_default(),
    });
    let created = match request {
        Ok(request) => blocking(move || services.create_dossier(&user, request)).await,
        Err(_) => Err(Error::Invalid(
            Refusal::new(
                "Choisissez le client du dossier.",
                "Choose the dossier's client.",
            )
            .on("client"),
        )),
    };
    match created {
        Ok(dossier) => Redirect::to(&format!("/dossiers/{}", dossier.number)).into_response(),
        Err(Error::Invalid(why) | Error::Conflict(why)) => {
            let again = Again {
                fields: form,
                refusal: Some(why),
                form: "",
            };
            new_dossier_page(&app, &reader, Some(again)).await
        }
        Err(err) => page_for(&reader, err),
    }
}
