//! From the crate's errors to pages: not found (404, also for what the reader may not
//! see), forbidden (403), closed (409), invalid (422) with the sentence, and "try again
//! later" (503) for storage trouble, whose cause goes to the log.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::Error;
use crate::templates::pages;

/// The error as a whole page.
pub fn page(err: Error) -> Response {
    match err {
        Error::NotFound => (StatusCode::NOT_FOUND, pages::not_found()).into_response(),
        Error::Forbidden => (StatusCode::FORBIDDEN, pages::forbidden()).into_response(),
        Error::Closed => (
            StatusCode::CONFLICT,
            pages::message_page("Dossier clôturé", &Error::Closed.to_string()),
        )
            .into_response(),
        Error::Invalid(why) | Error::Conflict(why) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::message_page("Saisie à corriger", &why),
        )
            .into_response(),
        Error::Duplicate => (
            StatusCode::CONFLICT,
            pages::message_page("Déjà fait", "Cette action a déjà été enregistrée."),
        )
            .into_response(),
        other => {
            tracing::error!(error = %other, "request failed");
            (StatusCode::SERVICE_UNAVAILABLE, pages::unavailable()).into_response()
        }
    }
}

/// Runs blocking service work off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> crate::Result<T> + Send + 'static,
) -> crate::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Storage(format!("task: {e}")))?
}
