//! Signing in by a one-time link sent by e-mail (valid 15 minutes, usable once, stored
//! hashed). Asking for one never tells whether an address has an account; opening one
//! shows a button, so that a link scanner opening it does not use it up.

use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::errors::{blocking, page};
use super::forms::{LoginPosted, NoFields};
use super::session;
use super::throttle::{Door, normalise};
use crate::app::App;
use crate::domain::EmailAddress;
use crate::templates::pages;

/// Minutes a sign-in link works.
const VALID_MINUTES: i64 = 15;

/// The request form.
#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    email: String,
}

/// POST /login/link: sends the link if the address is known; the answer is the same.
pub async fn request(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    LoginPosted {
        form,
        headers,
        token,
    }: LoginPosted<LinkForm>,
) -> Response {
    if !app.web_guard.allow(Door::Link, &form.email, peer, &headers) {
        let l = super::auth::requested(&headers);
        return super::auth::too_many(l, &token, &form.email);
    }
    if let Ok(email) = EmailAddress::parse(&normalise(&form.email)) {
        let (services, notifier) = (app.services.clone(), app.notifier.clone());
        let sent = blocking(move || match services.account_of(&email)? {
            Some(user) => notifier.send_login_link(&user, VALID_MINUTES, None),
            None => Ok(()),
        })
        .await;
        if let Err(err) = sent {
            return page(err);
        }
    }
    let sentence = "Si cette adresse a un compte, un lien de connexion vient de lui être envoyé. Il fonctionne une fois, pendant 15 minutes.";
    pages::message_page("Vérifiez vos e-mails", sentence).into_response()
}

/// GET /login/link/{secret}: a button that uses the link, with the sign-in pages' token
/// (a page of another site cannot sign a browser in to someone else's account).
pub async fn confirm(Path(secret): Path<String>, jar: CookieJar) -> Response {
    let (cookie, token) = super::auth::login_cookie();
    (jar.add(cookie), pages::link_confirm(&secret, &token)).into_response()
}

/// POST /login/link/{secret}: signs in, once.
pub async fn enter(
    State(app): State<App>,
    Path(secret): Path<String>,
    jar: CookieJar,
    LoginPosted { .. }: LoginPosted<NoFields>,
) -> Response {
    let services = app.services.clone();
    let taken = blocking(move || services.take_login_link(&secret)).await;
    match taken {
        Ok(Some(user)) => match session::sign_in(&app, &user) {
            Ok(cookie) => {
                let (jar, next) = super::auth::back_to(jar);
                (jar.add(cookie), Redirect::to(&next)).into_response()
            }
            Err(err) => page(err),
        },
        Ok(None) => {
            let sentence = "Ce lien a déjà servi ou a expiré. Demandez-en un nouveau depuis la page de connexion.";
            (
                StatusCode::GONE,
                pages::message_page("Lien expiré", sentence),
            )
                .into_response()
        }
        Err(err) => page(err),
    }
}
