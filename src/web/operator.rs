//! The operator's endpoints, `/metrics` and `/admin/backup`. A request is an operator's
//! only by a credential: a signed-in person who may administer, or the bearer token the
//! server keeps in the data folder (`metrics.token` for a scraper, the hand-over key that
//! `dossier backup` reads). No peer address, Host or proxy header counts.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{errors, session};
use crate::app::App;

/// Which endpoint a credential is offered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// `/metrics`: the metrics token.
    Metrics,
    /// `/admin/backup`: the hand-over key.
    Backup,
}

/// The bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Whether the request carries the bearer token of `door`.
pub fn holds_token(app: &App, headers: &HeaderMap, door: Door) -> bool {
    let key = match door {
        Door::Metrics => app.metrics_token.get(),
        Door::Backup => app.handover.get(),
    };
    matches!((bearer(headers), key), (Some(offered), Some(key)) if key.matches(offered))
}

/// Whether the request may use `door`: its token, or a signed-in administrator whose
/// browser says it came from this site (a page elsewhere could otherwise make an
/// administrator's browser fetch backup after backup).
async fn allowed(app: &App, headers: &HeaderMap, door: Door) -> bool {
    if holds_token(app, headers, door) {
        return true;
    }
    let elsewhere = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() != b"same-origin" && v.as_bytes() != b"none");
    !elsewhere
        && session::reader_of(app, headers)
            .await
            .is_some_and(|u| crate::policy::may_administer(&u))
}

/// 401 with the scheme to use: the endpoint is not secret, its content is.
fn refused() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::WWW_AUTHENTICATE, "Bearer"),
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        ],
        "Sign in as staff, or send the token from the data folder as Authorization: Bearer.\n",
    )
        .into_response()
}

/// `/metrics` in the Prometheus text format.
pub async fn metrics(State(app): State<App>, headers: HeaderMap) -> Response {
    if !allowed(&app, &headers, Door::Metrics).await {
        return refused();
    }
    let services = app.services.clone();
    match errors::blocking(move || Ok(services.gauges())).await {
        Ok(g) => {
            let text = app
                .services
                .metrics()
                .render(g.pending, g.dead, g.held, g.bytes);
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
        }
        Err(err) => errors::page(err),
    }
}

/// `/admin/backup`: the archive of the data folder, made now.
pub async fn backup(State(app): State<App>, headers: HeaderMap) -> Response {
    if !allowed(&app, &headers, Door::Backup).await {
        return refused();
    }
    let services = app.services.clone();
    match errors::blocking(move || services.backup_archive()).await {
        Ok((file, size)) => {
            let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
            (
                [
                    (header::CONTENT_TYPE, "application/x-tar".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"dossier-backup.tar\"".to_string(),
                    ),
                    (header::CONTENT_LENGTH, size.to_string()),
                ],
                axum::body::Body::from_stream(stream),
            )
                .into_response()
        }
        Err(err) => errors::page(err),
    }
}
