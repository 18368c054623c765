//! The one way a form post reaches a handler. [`Posted`] is a signed-in reader's form,
//! [`PostedFiles`] their multipart form (the token must be its first field, so nothing
//! after it is read for a refused post), [`LoginPosted`] a form of the sign-in pages,
//! whose token rides in a cookie. Each refuses, before the handler runs, a post from
//! another origin or without the expected CSRF token (403).

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::session::{Reader, Refused, check_post};
use crate::app::App;
use crate::error::Error;

/// The largest form without files: a document with many lines fits.
const FORM_LIMIT: usize = 256 * 1024;

/// A signed-in reader's urlencoded form, its origin and token checked.
pub struct Posted<T> {
    /// Who posted it.
    pub reader: Reader,
    /// The form's fields.
    pub form: T,
}

/// A signed-in reader's multipart form whose first field, the token, was checked; the
/// rest is still to be read.
pub struct PostedFiles {
    /// Who posted it.
    pub reader: Reader,
    /// The fields after the token.
    pub multipart: Multipart,
}

/// A form of the sign-in pages (no session yet): the token is the one of the sign-in
/// cookie.
pub struct LoginPosted<T> {
    /// The form's fields.
    pub form: T,
    /// The token, to put in the form when it is shown again.
    pub token: String,
    /// The request's headers (language, cookies).
    pub headers: HeaderMap,
}

/// A form with nothing but its token (a button).
#[derive(Deserialize)]
pub struct NoFields {}

#[derive(Deserialize, Default)]
struct TokenField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<App> for Posted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, app: &App) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let reader = Reader::from_request_parts(&mut parts, app).await?;
        let bytes = form_bytes(&parts.headers, body).await?;
        check(app, &parts.headers, &bytes, &reader.session.csrf)
            .map_err(IntoResponse::into_response)?;
        Ok(Posted {
            form: parse(&bytes).map_err(super::errors::page)?,
            reader,
        })
    }
}

impl FromRequest<App> for PostedFiles {
    type Rejection = Response;

    async fn from_request(request: Request, app: &App) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let reader = Reader::from_request_parts(&mut parts, app).await?;
        let headers = parts.headers.clone();
        let mut multipart = Multipart::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(IntoResponse::into_response)?;
        // The token is short: what is read of the first field is bounded.
        let mut sent = Vec::new();
        if let Ok(Some(mut field)) = multipart.next_field().await
            && field.name() == Some("csrf")
        {
            while let Ok(Some(chunk)) = field.chunk().await {
                sent.extend_from_slice(&chunk);
                if sent.len() > 256 {
                    sent.clear();
                    break;
                }
            }
        }
        let sent = String::from_utf8(sent).unwrap_or_default();
        if let Err(refused) = check_post(app, &headers, &sent, &reader.session.csrf) {
            discard(multipart).await;
            return Err(refused.into_response());
        }
        Ok(PostedFiles { reader, multipart })
    }
}

impl<T: DeserializeOwned + Send> FromRequest<App> for LoginPosted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, app: &App) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let token = CookieJar::from_headers(&parts.headers)
            .get(super::auth::LOGIN_CSRF)
            .map(|c| c.value().to_string())
            .unwrap_or_default();
        let bytes = form_bytes(&parts.headers, body).await?;
        check(app, &parts.headers, &bytes, &token).map_err(IntoResponse::into_response)?;
        Ok(LoginPosted {
            form: parse(&bytes).map_err(super::errors::page)?,
            token,
            headers: parts.headers,
        })
    }
}

/// Reads what is left of a refused multipart form and throws it away, so that the
/// browser, still sending, reads the refusal instead of a broken connection. Nothing is
/// kept, and the body limit bounds how much is read.
pub async fn discard(mut multipart: Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// The body of an urlencoded form, within [`FORM_LIMIT`]; nothing for any other body,
/// which then has no token and is refused.
async fn form_bytes(headers: &HeaderMap, body: axum::body::Body) -> Result<Vec<u8>, Response> {
    let urlencoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !urlencoded {
        return Ok(Vec::new());
    }
    match axum::body::to_bytes(body, FORM_LIMIT).await {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(_) => Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            crate::templates::pages::message_page(
                "Formulaire trop long",
                "Ce formulaire est trop long. / This form is too long.",
            ),
        )
            .into_response()),
    }
}

fn check(app: &App, headers: &HeaderMap, bytes: &[u8], expected: &str) -> Result<(), Refused> {
    let sent: TokenField = serde_urlencoded::from_bytes(bytes).unwrap_or_default();
    check_post(app, headers, &sent.csrf, expected)
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    serde_urlencoded::from_bytes(bytes).map_err(|e| {
        Error::invalid(
            format!("Ce formulaire n'a pas pu être lu ({e})."),
            format!("This form could not be read ({e})."),
        )
    })
}

/// The status of a page that shows a form: 422 when it comes back refused, 200 when it
/// is fresh or only drawn again (one more line).
pub fn shown_status(again: Option<&crate::templates::fields::Again>) -> StatusCode {
    match again.and_then(|a| a.refusal.as_ref()) {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    }
}
