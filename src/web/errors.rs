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
    page_in(Lang::Fr, err, None)
}

/// The error as a whole page, in the reader's language.
pub fn page_for(reader: &Reader, err: Error) -> Response {
    page_in(reader.user.lang, err, None)
}

/// [`page_for`], its way out `back` (an address and its words) rather than the list of
/// dossiers: a refusal inside a dossier leads back to where the reader was.
pub fn page_for_back(reader: &Reader, err: Error, back: (&str, &str)) -> Response {
    page_in(reader.user.lang, err, Some(back))
}

fn page_in(l: Lang, err: Error, back: Option<(&str, &str)>) -> Response {
    let (status, title, sentence): (StatusCode, &str, std::borrow::Cow<'_, str>) = match &err {
        Error::NotFound => return (StatusCode::NOT_FOUND, pages::not_found()).into_response(),
        Error::Forbidden => (
            StatusCode::FORBIDDEN,
            l.t("Action refusée", "Action refused"),
            l.t(
                "Cette action n'est pas permise. Rechargez la page et réessayez.",
                "This action is not allowed. Reload the page and try again.",
            )
            .into(),
        ),
        Error::Closed => (
            StatusCode::CONFLICT,
            l.t("Dossier clôturé", "Dossier closed"),
            l.t(
                "Ce dossier est clôturé : il reste consultable mais ne peut plus être modifié.",
                "This dossier is closed: it can be read but no longer changed.",
            )
            .into(),
        ),
        Error::Invalid(why) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            l.t("Saisie à corriger", "Input to correct"),
            why.say(l).into(),
        ),
        Error::Conflict(why) => (
            StatusCode::CONFLICT,
            l.t("Impossible", "Not possible"),
            why.say(l).into(),
        ),
        Error::Duplicate => (
            StatusCode::CONFLICT,
            l.t("Déjà fait", "Already done"),
            l.t(
                "Cette action a déjà été enregistrée.",
                "This action was already recorded.",
            )
            .into(),
        ),
        other => {
            tracing::error!(error = %other, "request failed");
            return (StatusCode::SERVICE_UNAVAILABLE, pages::unavailable()).into_response();
        }
    };
    let back = back.unwrap_or((
        "/dossiers",
        l.t("Retour aux dossiers", "Back to the dossiers"),
    ));
    (status, pages::message_page_back(title, &sentence, back)).into_response()
}

/// Runs blocking service work off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> crate::Result<T> + Send + 'static,
) -> crate::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Storage(crate::error::Cause::of("task", e)))?
}
