//! Read-only detail pages and downloads of a dossier: the printable page of a quote,
//! order or invoice; the activity details; an expense's receipt; a message's original
//! e-mail. Each goes through the services, so what the reader may not see is a 404.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::downloads::Download;
use super::errors::{blocking, page_for};
use super::session::Reader;
use crate::app::App;
use crate::domain::{DocumentId, DossierNumber, ExpenseId, FileName, MessageId};
use crate::error::Error;
use crate::templates::details;

fn number(text: &str) -> crate::Result<DossierNumber> {
    DossierNumber::parse(text).ok_or(Error::NotFound)
}

/// GET /dossiers/{number}/documents/{id}: the printable page.
pub async fn document(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        let dossier = services.find_dossier(&user, number(&n)?)?;
        let document = services.document(&user, dossier.id, DocumentId::from_raw(id))?;
        let client = services.client_of(&user, dossier.id)?;
        Ok((dossier, document, client))
    })
    .await;
    match found {
        Ok((dossier, document, client)) => {
            details::document(&app.config, &reader, &dossier, &client, &document).into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}

/// GET /dossiers/{number}/expenses/{id}/receipt.
pub async fn receipt(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        let dossier = services.find_dossier(&user, number(&n)?)?;
        let (blob, content) =
            services.receipt_content(&user, dossier.id, ExpenseId::from_raw(id))?;
        Download::open(blob.name, &blob.content_type, content)
    })
    .await;
    match found {
        Ok(download) => download.into_response(),
        Err(err) => page_for(&reader, err),
    }
}

/// GET /dossiers/{number}/messages/{id}/original: the e-mail as received, as a file.
pub async fn original(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        let dossier = services.find_dossier(&user, number(&n)?)?;
        let content = services.original_mail(&user, dossier.id, MessageId::from_raw(id))?;
        let name = FileName::sanitize(&format!("message-{id}.eml"));
        Download::open(name, "message/rfc822", content)
    })
    .await;
    match found {
        Ok(download) => download.into_response(),
        Err(err) => page_for(&reader, err),
    }
}
