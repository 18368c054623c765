//! Read-only detail pages and downloads of a dossier: the printable page of a quote,
//! order or invoice; the activity details; an expense's receipt; a message's original
//! e-mail. Each goes through the services, so what the reader may not see is a 404.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::downloads::Download;
use super::errors::{blocking, page_for};
use super::session::Reader;
use crate::app::App;
use crate::domain::{DocumentId, DossierNumber, ExpenseId, FileName, MessageId, User};
use crate::error::Error;
use crate::service::{Printed, Services};
use crate::templates::item_pages;

fn number(text: &str) -> crate::Result<DossierNumber> {
    DossierNumber::parse(text).ok_or(Error::NotFound)
}

/// Document `id` of dossier `n` as it prints, if `user` may see it.
fn printed(services: &Services, user: &User, n: &str, id: u64) -> crate::Result<Printed> {
    services.printed_document(user, number(n)?, DocumentId::from_raw(id))
}

/// Runs `read` for the reader off the async threads: `respond` makes the answer of what
/// it found, and an error becomes its page.
async fn read_then<T: Send + 'static>(
    app: &App,
    reader: &Reader,
    read: impl FnOnce(&Services, &User) -> crate::Result<T> + Send + 'static,
    respond: impl FnOnce(T) -> Response,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    match blocking(move || read(&services, &user)).await {
        Ok(found) => respond(found),
        Err(err) => page_for(reader, err),
    }
}

/// GET /dossiers/{number}/documents/{id}: the printable page.
pub async fn document(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let read = move |services: &Services, user: &User| printed(services, user, &n, id);
    read_then(&app, &reader, read, |printed| {
        let sheet = crate::printing::sheet_of(&printed, app.printer());
        let (dossier, document) = (&printed.dossier, &printed.document);
        let base = format!("/dossiers/{}/documents/{}", dossier.number, document.id);
        let may = |action| crate::policy::check(Some(printed.role), dossier.status, action).is_ok();
        let l = reader.user.lang;
        let answerable = document.kind() == crate::domain::DocKind::Quote
            && document.status == crate::domain::DocStatus::Sent
            && document.answer.is_none();
        let action = if may(crate::policy::Action::EditDocuments) {
            Some((
                format!("{base}/send"),
                l.t("Envoyer au client", "Send to the client"),
            ))
        } else if answerable && may(crate::policy::Action::AnswerQuote) {
            Some((
                format!("{base}/answer"),
                l.t(
                    "Accepter ou refuser ce devis",
                    "Accept or refuse this quote",
                ),
            ))
        } else {
            None
        };
        item_pages::document(
            &app.config,
            &reader,
            dossier,
            &sheet,
            &format!("{base}/pdf"),
            action.as_ref().map(|(href, label)| (href.as_str(), *label)),
        )
        .into_response()
    })
    .await
}

/// GET /dossiers/{number}/documents/{id}/pdf: the document as a PDF (what its printable
/// page says); an issued invoice or credit note is Factur-X.
pub async fn document_pdf(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let held = app.clone();
    let read = move |services: &Services, user: &User| {
        crate::printing::pdf(&printed(services, user, &n, id)?, held.printer())
    };
    read_then(&app, &reader, read, |pdf| {
        super::downloads::made(pdf.name, "application/pdf", pdf.bytes)
    })
    .await
}

/// GET /dossiers/{number}/documents/{id}/xml: an issued invoice's or credit note's CII
/// XML (EN 16931), as its Factur-X PDF carries it; 404 for any other document.
pub async fn document_xml(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let read = move |services: &Services, user: &User| {
        let printed = printed(services, user, &n, id)?;
        let xml =
            crate::facturx::cii(&printed.document, &printed.related).ok_or(Error::NotFound)?;
        let name = FileName::sanitize(&format!("{}.xml", printed.document.number));
        Ok((name, xml))
    };
    read_then(&app, &reader, read, |(name, xml)| {
        super::downloads::made(name, "application/xml", xml.into_bytes())
    })
    .await
}

/// GET /dossiers/{number}/expenses/{id}/receipt.
pub async fn receipt(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let read = move |services: &Services, user: &User| {
        let dossier = services.find_dossier(user, number(&n)?)?;
        let (blob, content) =
            services.receipt_content(user, dossier.id, ExpenseId::from_raw(id))?;
        Download::open(blob.name, &blob.content_type, content)
    };
    read_then(&app, &reader, read, IntoResponse::into_response).await
}

/// GET /dossiers/{number}/messages/{id}/original: the e-mail as received, as a file.
pub async fn original(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let read = move |services: &Services, user: &User| {
        let dossier = services.find_dossier(user, number(&n)?)?;
        let content = services.original_mail(user, dossier.id, MessageId::from_raw(id))?;
        let name = FileName::sanitize(&format!("message-{id}.eml"));
        Download::open(name, "message/rfc822", content)
    };
    read_then(&app, &reader, read, IntoResponse::into_response).await
}
