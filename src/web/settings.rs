//! Personal settings: reading language, notifications per dossier and kind, password,
//! and the calendar feed (on the calendar page).

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::errors::{blocking, page, page_for};
use super::forms::Posted;
use super::session::Reader;
use super::throttle::Door;
use crate::app::App;
use crate::domain::{DossierId, Lang, Prefs};
use crate::error::Error;
use crate::templates::fields::Again;

/// GET /settings.
/// What a form of the page just did (`?done=password`), said once on the page.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// GET /settings.
pub async fn show(
    State(app): State<App>,
    reader: Reader,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    let l = reader.user.lang;
    let message = (done.done == "password")
        .then(|| l.t("Mot de passe changé.", "Password changed.").to_string());
    render(&app, &reader, message, None, StatusCode::OK).await
}

async fn render(
    app: &App,
    reader: &Reader,
    message: Option<String>,
    again: Option<Again>,
    status: StatusCode,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        let mut rows = Vec::new();
        for dossier in services.visible_dossiers(&user)? {
            let prefs = services.notification_prefs(&user, dossier.id)?;
            rows.push((dossier, prefs));
        }
        Ok(rows)
    })
    .await;
    match found {
        Ok(rows) => (
            status,
            crate::templates::settings::page(
                &app.config,
                reader,
                &rows,
                message.as_deref(),
                again.as_ref(),
            ),
        )
            .into_response(),
        Err(err) => page_for(reader, err),
    }
}

/// The language form.
#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
}

/// POST /settings/language.
pub async fn language(
    State(app): State<App>,
    Posted { reader, form }: Posted<LanguageForm>,
) -> Response {
    let Some(lang) = Lang::parse(&form.lang) else {
        return page(Error::invalid(
            "Choisissez le français ou l'anglais.",
            "Choose French or English.",
        ));
    };
    let (services, user) = (app.services.clone(), reader.user.clone());
    match blocking(move || services.set_language(&user, lang)).await {
        Ok(_) => Redirect::to("/settings").into_response(),
        Err(err) => page_for(&reader, err),
    }
}

/// The notification form of one dossier; unchecked boxes are absent.
#[derive(Deserialize)]
pub struct PrefsForm {
    dossier: u64,
    messages: Option<String>,
    files: Option<String>,
    events: Option<String>,
}

/// POST /settings/notifications.
pub async fn notifications(
    State(app): State<App>,
    Posted { reader, form }: Posted<PrefsForm>,
) -> Response {
    let prefs = Prefs {
        messages: form.messages.is_some(),
        files: form.files.is_some(),
        events: form.events.is_some(),
    };
    let (services, user) = (app.services.clone(), reader.user.clone());
    match blocking(move || {
        services.set_notification_prefs(&user, DossierId::from_raw(form.dossier), prefs)
    })
    .await
    {
        Ok(()) => Redirect::to("/settings").into_response(),
        Err(err) => page_for(&reader, err),
    }
}

/// The password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    password: String,
}

/// POST /settings/password: a wrong current password or a short new one re-shows the page.
pub async fn password(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Posted { reader, form }: Posted<PasswordForm>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    // The account's own budget: the same as its sign-ins'.
    let attempt = reader.user.primary_email().as_str().to_string();
    if !app
        .web_guard
        .allow(Door::Password, &attempt, peer, &headers)
    {
        let sentence = super::auth::too_many_sentence(reader.user.lang).to_string();
        return render(
            &app,
            &reader,
            Some(sentence),
            None,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    let session = reader.id.clone();
    let changed = app
        .web_guard
        .hash(move || services.change_password(&user, &session, &form.current, &form.password));
    match changed.await {
        // Sent back to the page itself: a reload does not post the form again.
        Ok(_) => Redirect::to("/settings?done=password").into_response(),
        Err(Error::Invalid(why)) => {
            let again = Again {
                fields: Default::default(),
                refusal: Some(why),
                form: "",
            };
            render(
                &app,
                &reader,
                None,
                Some(again),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => page_for(&reader, err),
    }
}
