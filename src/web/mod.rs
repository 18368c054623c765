//! The web view's router. Routes are deny-by-default: anything not listed answers the
//! not-found page. For now it serves the health check and the home page.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::app::App;
use crate::templates;

/// Builds the router; tests call it directly or through [`App::serve`].
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/static/style.css", get(stylesheet))
        .route("/mute/{token}", get(mute_page).post(mute))
        .fallback(not_found)
        .with_state(app)
}

/// `200 ok` while the store answers reads, `503` otherwise.
async fn healthz(State(app): State<App>) -> Response {
    let store = app.store().clone();
    let alive = tokio::task::spawn_blocking(move || store.is_alive())
        .await
        .unwrap_or(false);
    if alive {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"store":"ok"}"#,
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"store":"unavailable"}"#,
        )
            .into_response()
    }
}

async fn home(State(app): State<App>) -> Response {
    templates::pages::home(&app.config.business_name).into_response()
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        templates::STYLESHEET,
    )
        .into_response()
}

/// The mute link of every e-mail: a page with one button (a GET changes nothing, so
/// that link scanners cannot mute anyone).
async fn mute_page(Path(token): Path<String>) -> Response {
    templates::pages::mute_confirm(&token).into_response()
}

/// The button of that page, and RFC 8058's one-click POST from mail programs.
async fn mute(State(app): State<App>, Path(token): Path<String>) -> Response {
    let services = app.services.clone();
    match tokio::task::spawn_blocking(move || services.mute_by_token(&token)).await {
        Ok(Ok((number, title))) => templates::pages::muted(&number, &title).into_response(),
        Ok(Err(crate::Error::NotFound)) => not_found().await,
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            templates::pages::unavailable(),
        )
            .into_response(),
    }
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, templates::pages::not_found()).into_response()
}
