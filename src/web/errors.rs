//! From the crate's errors to pages: not found (404, also for what the reader may not
//! see), forbidden (403), closed (409), invalid (422) with the sentence, and "try again
//! later" (503) for storage trouble, whose cause goes to the log.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::session::Reader;
use crate::domain::Lang;
use crate::error::Error;
use crate::templates::pages;

/// The error as a whole page, in French (for who is not signed in).
pub fn page(err: Error) -> Response {
    page_in(Lang::Fr, err)
}

/// The error as a whole page, in the reader's language.
pub fn page_for(reader: &Reader, err: Error) -> Response {
    page_in(reader.user.lang, err)
}

fn page_in(l: Lang, err: Error) -> Response {
    match err {
        Error::NotFound => (StatusCode::NOT_FOUND, pages::not_found()).into_response(),
        Error::Forbidden => (
            StatusCode::FORBIDDEN,
            pages::message_page_in(
                l,
                l.t("Action refusée", "Action refused"),
                l.t(
                    "Cette action n'est pas permise. Rechargez la page et réessayez.",
                    "This action is not allowed. Reload the page and try again.",
                ),
            ),
        )
            .into_response(),
        Error::Closed => (
            StatusCode::CONFLICT,
            pages::message_page_in(
                l,
                l.t("Dossier clôturé", "Dossier closed"),
                l.t(
                    "Ce dossier est clôturé : il reste consultable mais ne peut plus être modifié.",
                    "This dossier is closed: it can be read but no longer changed.",
                ),
            ),
        )
            .into_response(),
        Error::Invalid(why) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::message_page_in(l, l.t("Saisie à corriger", "Input to correct"), why.say(l)),
        )
            .into_response(),
        Error::Conflict(why) => (
            StatusCode::CONFLICT,
            pages::message_page_in(l, l.t("Impossible", "Not possible"), why.say(l)),
        )
            .into_response(),
        Error::Duplicate => (
            StatusCode::CONFLICT,
            pages::message_page_in(
                l,
                l.t("Déjà fait", "Already done"),
                l.t(
                    "Cette action a déjà été enregistrée.",
                    "This action was already recorded.",
                ),
            ),
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
