//! Files that arrive in a form. The door asks the services whether the reader may upload
//! before it reads a byte ([`permit`]); an [`Upload`] is a temporary file until
//! [`Upload::keep`] moves it into the blob store, and dropping it removes it, so that a
//! post refused for any reason leaves nothing behind.

use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::errors::blocking;
use super::session::Reader;
use crate::app::App;
use crate::domain::{BlobRef, DossierId, DossierNumber, FileName};
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::store::BlobWriter;

/// What a cut-short upload says, to answer 413.
const TOO_LARGE: &str = "upload too large";

/// The dossier `number` if the reader may do `action` on it (404 or 403 otherwise).
pub async fn permit(
    app: &App,
    reader: &Reader,
    number: DossierNumber,
    action: Action,
) -> Result<DossierId> {
    let (services, user) = (app.services.clone(), reader.user.clone());
    blocking(move || services.permit(&user, number, action)).await
}

/// One received file, not yet in the blob store.
pub struct Upload {
    writer: BlobWriter,
    name: FileName,
    content_type: String,
}

/// Streams one file input to a temporary file; `None` for an empty file input.
pub async fn receive(app: &App, mut field: Field<'_>) -> Result<Option<Upload>> {
    let name = FileName::sanitize(field.file_name().unwrap_or("file"));
    let declared = field
        .content_type()
        .unwrap_or("application/octet-stream")
        .to_string();
    let mut writer = app.services.upload_file()?;
    while let Some(chunk) = field.chunk().await.map_err(cut_short)? {
        writer.write(&chunk)?;
    }
    if writer.size() == 0 && field.file_name().is_none_or(str::is_empty) {
        return Ok(None);
    }
    let content_type = if declared == "application/octet-stream" {
        mime_guess::from_path(name.as_str())
            .first()
            .map(|m| m.essence_str().to_string())
            .unwrap_or(declared)
    } else {
        declared
    };
    Ok(Some(Upload {
        writer,
        name,
        content_type,
    }))
}

impl Upload {
    /// Moves the file into the blob store (durable) and describes it.
    pub fn keep(self) -> Result<BlobRef> {
        let stored = self.writer.finish()?;
        Ok(BlobRef {
            name: self.name,
            content_type: self.content_type,
            size: stored.size,
            sha256: stored.sha256,
        })
    }
}

/// The form's own error for a multipart that could not be read.
pub fn cut_short(e: MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::Invalid(crate::error::Refusal::plain(TOO_LARGE))
    } else {
        Error::invalid(
            format!("L'envoi s'est interrompu : {e}"),
            format!("The upload stopped: {e}"),
        )
    }
}

/// Whether an error is [`cut_short`]'s "too large".
pub fn is_too_large(err: &Error) -> bool {
    matches!(err, Error::Invalid(why) if why.to_string() == TOO_LARGE)
}

/// 413 with a sentence naming the limit.
pub fn too_large(app: &App) -> Response {
    let limit = app.config.mail.max_message_bytes / (1024 * 1024);
    let sentence = format!(
        "Envoi trop volumineux : la limite est de {limit} Mo par envoi. Envoyez les fichiers en plusieurs fois. / Upload too large: the limit is {limit} MB per upload."
    );
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        crate::templates::pages::message_page("Envoi trop volumineux", &sentence),
    )
        .into_response()
}
