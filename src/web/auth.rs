//! Signing in and out. Each attempt spends the budget of its address and of its client
//! before the password is checked ([`super::throttle`], 429 with a sentence); argon2 runs
//! off the async threads. A new session id is made at every sign-in; signing out ends it
//! server side.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use super::forms::{LoginPosted, NoFields, Posted};
use super::session;
use super::throttle::{Door, normalise};
use crate::app::App;
use crate::domain::{EmailAddress, Lang, Token};
use crate::templates::pages;

/// The cookie that carries the sign-in form's CSRF token before any session exists.
pub const LOGIN_CSRF: &str = "dossier_login";

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

/// The language a browser asks for: English when its first choice is English.
pub fn requested(headers: &HeaderMap) -> Lang {
    let first = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or("");
    if first.trim().to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Fr
    }
}

/// A fresh token for the sign-in pages' forms, and the cookie that carries it (scoped to
/// `/login`: the link request and sign-in link forms use it too).
pub fn login_cookie() -> (Cookie<'static>, String) {
    let token = Token::generate().to_string();
    let mut cookie = Cookie::new(LOGIN_CSRF, token.clone());
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Strict);
    cookie.set_path("/login");
    (cookie, token)
}

/// Whether the sign-in page comes after a session that ended (`?ended=1`).
#[derive(Debug, Default, Deserialize)]
pub struct Ended {
    #[serde(default)]
    ended: String,
}

/// GET /login: the form, with a fresh CSRF cookie.
pub async fn form(
    headers: HeaderMap,
    jar: CookieJar,
    axum::extract::Query(ended): axum::extract::Query<Ended>,
) -> Response {
    let (cookie, token) = login_cookie();
    let l = requested(&headers);
    let notice = (ended.ended == "1").then(|| {
        l.t(
            "Votre session a pris fin : reconnectez-vous pour continuer.",
            "Your session ended: sign in again to go on.",
        )
    });
    (jar.add(cookie), pages::login(l, &token, "", notice)).into_response()
}

/// POST /login.
pub async fn submit(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    LoginPosted {
        form: login,
        token: expected,
        headers,
    }: LoginPosted<LoginForm>,
) -> Response {
    if !app
        .web_guard
        .allow(Door::Password, &login.email, peer, &headers)
    {
        return too_many(requested(&headers), &expected, &login.email);
    }
    let user = match verify(&app, &login).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            let l = requested(&headers);
            let wrong = l.t(
                "Adresse ou mot de passe incorrect.",
                "Wrong address or password.",
            );
            let again = pages::login(l, &expected, &login.email, Some(wrong));
            return (StatusCode::UNAUTHORIZED, again).into_response();
        }
        Err(err) => return super::errors::page(err),
    };
    let (jar, next) = back_to(jar.remove(Cookie::from(LOGIN_CSRF)));
    match session::sign_in(&app, &user) {
        Ok(cookie) => (jar.add(cookie), Redirect::to(&next)).into_response(),
        Err(err) => super::errors::page(err),
    }
}

/// Where a sign-in leads: the page asked for while signed out (its cookie then goes),
/// or the list of dossiers.
pub fn back_to(jar: CookieJar) -> (CookieJar, String) {
    let next = jar
        .get(session::NEXT_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|p| session::safe_next(p))
        .unwrap_or_else(|| "/".into());
    (
        jar.remove(Cookie::build(session::NEXT_COOKIE).path("/login")),
        next,
    )
}

/// Checks the address and password; argon2 runs on the two password threads.
async fn verify(app: &App, login: &LoginForm) -> crate::Result<Option<crate::domain::User>> {
    let Ok(email) = EmailAddress::parse(&normalise(&login.email)) else {
        return Ok(None);
    };
    let (services, password) = (app.services.clone(), login.password.clone());
    app.web_guard
        .hash(move || services.check_password(&email, &password))
        .await
}

/// The sentence of a spent budget, in the reader's language.
pub fn too_many_sentence(l: Lang) -> &'static str {
    l.t(
        "Trop de tentatives : réessayez dans un quart d'heure, ou demandez un lien de connexion ci-dessous.",
        "Too many attempts: try again in a quarter of an hour, or ask for a sign-in link below.",
    )
}

/// 429: the sign-in page again, with the sentence and the address typed, whose link
/// form is the way on.
pub fn too_many(l: Lang, csrf: &str, email: &str) -> Response {
    let again = pages::login(l, csrf, email, Some(too_many_sentence(l)));
    (StatusCode::TOO_MANY_REQUESTS, again).into_response()
}

/// POST /logout: ends the session on the server.
pub async fn logout(
    State(app): State<App>,
    jar: CookieJar,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    let (services, id) = (app.services.clone(), reader.id.clone());
    if let Err(err) = super::errors::blocking(move || services.end_session(&id)).await {
        return super::errors::page(err);
    }
    let cookie = Cookie::from(session::cookie_name(&app));
    (jar.remove(cookie), Redirect::to("/login")).into_response()
}
