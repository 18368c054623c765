//! Sessions in the browser: an HttpOnly, SameSite=Lax cookie holding a random id (Secure
//! and `__Host-` prefixed when the base URL is https); the session itself lives in the
//! store. [`Reader`] loads the signed-in person or sends the browser to the sign-in page.
//! Every form carries the session's CSRF token, and cross-origin posts are refused.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::domain::User;
use crate::store::Session;

/// The cookie's name: `__Host-` prefixed when the site is served over https.
pub fn cookie_name(app: &App) -> &'static str {
    if secure(app) {
        "__Host-dossier"
    } else {
        "dossier"
    }
}

fn secure(app: &App) -> bool {
    app.config.base_url.starts_with("https://")
}

/// Starts a new session for `user` (a fresh id at every sign-in) and returns its cookie.
pub fn sign_in(app: &App, user: &User) -> crate::Result<Cookie<'static>> {
    let (id, _) = app.services.start_session(user)?;
    let mut cookie = Cookie::new(cookie_name(app), id);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie.set_secure(secure(app));
    Ok(cookie)
}

/// The cookie that remembers the page asked for while signed out.
pub const NEXT_COOKIE: &str = "dossier_next";

/// Whether `path` is a page of this site to go back to: a path, never another host
/// (`//evil.example`, `/\evil.example`).
pub fn safe_next(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && path.len() <= 512
        && !path.chars().any(|c| c.is_control() || c == '\\')
        && !path.starts_with("/login")
}

/// The signed-in person and their session.
pub struct Reader {
    /// Who.
    pub user: User,
    /// Their session (its CSRF token goes in every form).
    pub session: Session,
    /// The session id, to end it.
    pub id: String,
}

impl FromRequestParts<App> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        // The page asked for (a GET) is where signing in leads back to; a session that
        // was there and is not any more is said so.
        // Only a page the browser navigates to: not a download or an image of it.
        let navigates = parts
            .headers
            .get("sec-fetch-mode")
            .is_none_or(|mode| mode.as_bytes() == b"navigate");
        let asked = (parts.method == axum::http::Method::GET && navigates)
            .then(|| parts.uri.path_and_query().map(|p| p.as_str().to_string()))
            .flatten();
        let to_login = |ended: bool| {
            let target = if ended { "/login?ended=1" } else { "/login" };
            let mut response = Redirect::to(target).into_response();
            if let Some(next) = asked.as_deref().filter(|p| safe_next(p)) {
                let mut cookie = Cookie::new(NEXT_COOKIE, next.to_string());
                cookie.set_http_only(true);
                cookie.set_same_site(SameSite::Lax);
                cookie.set_path("/login");
                cookie.set_secure(secure(app));
                // Only for this sign-in: a browser shared later is not led there.
                let value = format!("{}; Max-Age=900", cookie.encoded());
                if let Ok(value) = value.parse() {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        };
        let Some(id) = jar.get(cookie_name(app)).map(|c| c.value().to_string()) else {
            return Err(to_login(false));
        };
        let (services, lookup) = (app.services.clone(), id.clone());
        let found = tokio::task::spawn_blocking(move || services.session(&lookup)).await;
        match found {
            Ok(Ok(Some((session, user)))) => Ok(Reader { user, session, id }),
            Ok(Ok(None)) => Err(to_login(true)),
            _ => Err((
                StatusCode::SERVICE_UNAVAILABLE,
                crate::templates::pages::unavailable(),
            )
                .into_response()),
        }
    }
}

/// A form refused for coming from another site or without its token: 403.
#[derive(Debug)]
pub struct Refused;

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (StatusCode::FORBIDDEN, crate::templates::pages::forbidden()).into_response()
    }
}

/// The signed-in person of a request, if any (for pages that are not only for readers).
pub async fn reader_of(app: &App, headers: &HeaderMap) -> Option<User> {
    let id = CookieJar::from_headers(headers)
        .get(cookie_name(app))?
        .value()
        .to_string();
    let services = app.services.clone();
    let found = tokio::task::spawn_blocking(move || services.session(&id)).await;
    found.ok()?.ok()?.map(|(_, user)| user)
}

/// Refuses a form post whose Origin (or Referer) is another site, or whose CSRF token is
/// not the expected one.
pub fn check_post(
    app: &App,
    headers: &HeaderMap,
    sent: &str,
    expected: &str,
) -> Result<(), Refused> {
    let origin = match headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
    {
        // An origin that cannot be read is not ours.
        Some(value) => Some(value.to_str().map_err(|_| Refused)?),
        None => None,
    };
    // No Origin nor Referer: a browser that sends neither (privacy settings); the
    // token still has to match.
    let same_site = origin.is_none_or(|url| app.site.is_origin(url));
    // Compared through digests, so the time taken says nothing about the token.
    let same_token =
        !sent.is_empty() && Sha256::digest(sent.as_bytes()) == Sha256::digest(expected.as_bytes());
    if !same_site || !same_token {
        return Err(Refused);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_a_page_of_this_site_is_a_way_back() {
        for good in ["/dossiers", "/dossiers/2026-0001?all=files", "/calendar"] {
            assert!(safe_next(good), "{good}");
        }
        for bad in [
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/login?x",
            "/a\nb",
        ] {
            assert!(!safe_next(bad), "{bad}");
        }
    }
}
