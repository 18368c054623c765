//! Signing in and out. Passwords are checked with argon2 off the async threads, two at a
//! time at most; failed attempts are limited per address and per client IP (429 with a
//! sentence). A new session id is made at every sign-in; signing out ends it server side.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use tokio::sync::Semaphore;

use super::forms::{LoginPosted, NoFields, Posted};
use super::session;
use crate::app::App;
use crate::domain::{EmailAddress, Lang, Token};
use crate::templates::pages;

/// Failures allowed per address, and per client IP, within the window.
const PER_ADDRESS: usize = 5;
const PER_IP: usize = 20;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The cookie that carries the sign-in form's CSRF token before any session exists.
pub const LOGIN_CSRF: &str = "dossier_login";

/// State of the sign-in door shared by every request.
pub struct Guard {
    hashing: Semaphore,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            hashing: Semaphore::new(2),
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl Guard {
    fn recent(&self, key: &str) -> usize {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let times = failures.entry(key.to_string()).or_default();
        while times.front().is_some_and(|t| t.elapsed() > WINDOW) {
            times.pop_front();
        }
        times.len()
    }

    /// Waits for a turn to hash a password (two at a time).
    pub async fn hashing_permit(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.hashing.acquire().await.ok()
    }

    /// Counts one more request under `keys`; false beyond the limits (link requests).
    pub fn allow(&self, keys: &[String; 2]) -> bool {
        if self.recent(&keys[0]) >= PER_ADDRESS || self.recent(&keys[1]) >= PER_IP {
            return false;
        }
        self.fail(keys);
        true
    }

    fn fail(&self, keys: &[String]) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            failures
                .entry(key.clone())
                .or_default()
                .push_back(Instant::now());
        }
    }
}

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

/// GET /login: the form, with a fresh CSRF cookie.
pub async fn form(headers: HeaderMap, jar: CookieJar) -> Response {
    let (cookie, token) = login_cookie();
    (
        jar.add(cookie),
        pages::login(requested(&headers), &token, "", None),
    )
        .into_response()
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
    let keys = [
        format!("address:{}", login.email.trim().to_lowercase()),
        format!("ip:{}", peer.ip()),
    ];
    let guard = &app.web_guard;
    if guard.recent(&keys[0]) >= PER_ADDRESS || guard.recent(&keys[1]) >= PER_IP {
        let sentence = "Trop de tentatives de connexion échouées. Réessayez dans un quart d'heure, ou demandez un lien de connexion.";
        return (
            StatusCode::TOO_MANY_REQUESTS,
            pages::message_page("Trop de tentatives", sentence),
        )
            .into_response();
    }
    let user = match verify(&app, &login).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            guard.fail(&keys);
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
    match session::sign_in(&app, &user) {
        Ok(cookie) => (
            jar.remove(Cookie::from(LOGIN_CSRF)).add(cookie),
            Redirect::to("/dossiers"),
        )
            .into_response(),
        Err(err) => super::errors::page(err),
    }
}

/// Checks the address and password; argon2 runs on the blocking pool, two at a time.
async fn verify(app: &App, login: &LoginForm) -> crate::Result<Option<crate::domain::User>> {
    let Ok(email) = EmailAddress::parse(&login.email) else {
        return Ok(None);
    };
    let _permit = app
        .web_guard
        .hashing
        .acquire()
        .await
        .map_err(|e| crate::Error::Storage(e.to_string()))?;
    let (store, password) = (app.store().clone(), login.password.clone());
    super::errors::blocking(move || {
        let user = store.user_by_email(&email)?;
        // An unknown address costs a hash too, so timing does not tell who has an account.
        let phc = user
            .as_ref()
            .and_then(|u| u.password_hash.clone())
            .unwrap_or_else(|| DECOY.clone());
        let ok = crate::password::verify(&password, &phc);
        Ok(user.filter(|u| ok && u.password_hash.is_some()))
    })
    .await
}

/// A real argon2id hash, checked for unknown addresses and people without a password.
static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::password::hash(&Token::generate().to_string()).unwrap_or_default()
});

/// POST /logout: ends the session on the server.
pub async fn logout(
    State(app): State<App>,
    jar: CookieJar,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    let store = app.store().clone();
    let id = reader.id.clone();
    if let Err(err) = super::errors::blocking(move || store.remove_session(&id)).await {
        return super::errors::page(err);
    }
    let cookie = Cookie::from(session::cookie_name(&app));
    (jar.remove(cookie), Redirect::to("/login")).into_response()
}
