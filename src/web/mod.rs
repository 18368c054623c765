//! The web view's router. Routes are deny-by-default: anything not listed answers the
//! not-found page; pages that need a reader take [`session::Reader`]. Every response
//! carries the security headers; request bodies are limited.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::http::{StatusCode, header};
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

pub mod admin;
pub mod answers;
pub mod auth;
pub mod business;
pub mod calendar;
pub mod confirm;
pub mod directory;
pub mod dossier_forms;
pub mod dossiers;
pub mod downloads;
pub mod errors;
pub mod form_pages;
pub mod forms;
pub mod item_pages;
pub mod items;
pub mod journal;
pub mod links;
pub mod listener;
pub mod operator;
pub mod parse;
pub mod sections;
pub mod sending;
pub mod session;
pub mod settings;
pub mod site;
pub mod throttle;
pub mod uploads;

use crate::app::App;
use crate::templates;

/// Builds the router; tests call it directly or through [`App::serve`].
pub fn router(app: App) -> Router {
    let limit = app.config.mail.max_message_bytes as usize + 64 * 1024;
    Router::new()
        .route("/", get(home))
        .route("/login", get(auth::form).post(auth::submit))
        .route("/logout", post(auth::logout))
        .route("/login/link", post(links::request))
        .route("/login/link/{secret}", get(links::confirm).post(links::enter))
        .route("/dossiers", get(dossiers::list).post(dossier_forms::create))
        .route("/dossiers/new", get(dossier_forms::new_form))
        .route("/dossiers/{number}/close", get(confirm::close).post(dossier_forms::close))
        .route("/dossiers/{number}/reopen", post(dossier_forms::reopen))
        .route(
            "/dossiers/{number}/reference",
            get(form_pages::reference).post(dossier_forms::reference),
        )
        .route("/dossiers/{number}", get(sections::discussion))
        .route("/dossiers/{number}/files", get(sections::files))
        .route("/dossiers/{number}/history", get(sections::history))
        .route(
            "/dossiers/{number}/messages",
            get(to_dossier).post(dossiers::post_message),
        )
        .route("/dossiers/{number}/files/{id}", get(dossiers::download))
        .route("/dossiers/{number}/files/{id}/preview", get(dossiers::preview))
        .route("/calendar", get(calendar::show))
        .route("/calendar/feed/reset", post(calendar::reset))
        .route("/calendar/feed/{file}", get(calendar::feed))
        .route("/dossiers/{number}/events/{id}/ics", get(calendar::event_ics))
        .route("/dossiers/{number}/documents/{id}", get(item_pages::document))
        .route("/dossiers/{number}/expenses/{id}/receipt", get(item_pages::receipt))
        .route("/dossiers/{number}/messages/{id}/original", get(item_pages::original))
        .route("/admin/mail", get(admin::mail))
        .route("/admin/held/{id}/approve", post(admin::approve))
        .route("/admin/held/{id}/discard", post(admin::discard))
        .route("/admin/held/discard", post(admin::discard_ticked))
        .route("/admin/outbox/{id}/retry", post(admin::retry))
        .route("/admin/raw/{sha}", get(admin::raw))
        .route("/settings", get(settings::show))
        .route("/settings/language", post(settings::language))
        .route("/settings/notifications", post(settings::notifications))
        // A reload after a form's answer asks its address: the page it belongs to.
        .route("/settings/password", get(to_settings).post(settings::password))
        .route(
            "/dossiers/{number}/events",
            get(sections::agenda).post(items::add_event),
        )
        .route("/dossiers/{number}/events/new", get(form_pages::new_event))
        .route("/dossiers/{number}/events/{id}", post(items::update_event))
        .route("/dossiers/{number}/events/{id}/edit", get(form_pages::edit_event))
        .route(
            "/dossiers/{number}/events/{id}/cancel",
            get(confirm::cancel_event).post(items::cancel_event),
        )
        .route(
            "/dossiers/{number}/intervenants",
            get(sections::intervenants).post(items::assign),
        )
        .route(
            "/dossiers/{number}/intervenants/{user}/remove",
            get(confirm::remove_intervenant).post(items::unassign),
        )
        .route(
            "/dossiers/{number}/files/{id}/rename",
            get(form_pages::rename_file).post(items::rename_file),
        )
        .route(
            "/dossiers/{number}/files/{id}/delete",
            get(confirm::delete_file).post(items::delete_file),
        )
        .route(
            "/dossiers/{number}/activities",
            get(sections::activities).post(items::record_activity),
        )
        .route("/dossiers/{number}/activities/new", get(form_pages::new_activity))
        .route("/dossiers/{number}/activities/{id}", post(items::edit_activity))
        .route(
            "/dossiers/{number}/activities/{id}/edit",
            get(form_pages::edit_activity),
        )
        .route(
            "/dossiers/{number}/documents",
            get(sections::documents).post(items::create_document),
        )
        .route("/dossiers/{number}/documents/new", get(form_pages::new_document))
        .route("/dossiers/{number}/documents/{id}/status", post(items::document_status))
        .route("/dossiers/{number}/documents/{id}/pdf", get(item_pages::document_pdf))
        .route("/dossiers/{number}/documents/{id}/xml", get(item_pages::document_xml))
        .route("/dossiers/{number}/documents/{id}/deposit", post(items::deposit))
        .route("/dossiers/{number}/documents/{id}/final", post(items::final_invoice))
        .route(
            "/dossiers/{number}/documents/{id}/answer",
            get(answers::form).post(answers::ask),
        )
        .route(
            "/dossiers/{number}/documents/{id}/answer/code",
            get(answers::code).post(answers::confirm),
        )
        .route(
            "/dossiers/{number}/documents/{id}/reminders",
            post(sending::reminders),
        )
        .route(
            "/dossiers/{number}/documents/{id}/send",
            get(form_pages::send_document).post(sending::send_document),
        )
        .route(
            "/dossiers/{number}/documents/{id}/edit",
            get(form_pages::edit_document).post(items::edit_document),
        )
        .route(
            "/dossiers/{number}/expenses",
            get(sections::expenses).post(items::add_expense),
        )
        .route("/dossiers/{number}/expenses/new", get(form_pages::new_expense))
        .route("/dossiers/{number}/expenses/{id}", post(items::edit_expense))
        .route(
            "/dossiers/{number}/expenses/{id}/edit",
            get(form_pages::edit_expense),
        )
        .route("/admin/people", get(directory::show).post(directory::add))
        .route("/admin/clients", post(directory::add_company))
        .route("/admin/clients/{id}/may-create", post(directory::may_create))
        .route("/admin/clients/{id}/members", post(directory::add_member))
        .route("/admin/clients/private", post(directory::add_private))
        .route(
            "/admin/clients/{id}/billing",
            get(business::billing).post(business::save_billing),
        )
        .route("/admin/business", get(business::show).post(business::save))
        .route("/admin/journal.csv", get(journal::journal))
        .route("/admin/journal.zip", get(journal::journal_archive))
        .route("/metrics", get(operator::metrics))
        .route("/admin/backup", get(operator::backup))
        .route("/healthz", get(healthz))
        .route("/static/style.css", get(stylesheet))
        .route("/static/lines.js", get(lines_script))
        .route("/favicon.ico", get(favicon))
        .route("/mute/{token}", get(mute_page).post(mute))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(app.clone(), site::check_host))
        .layer(axum::middleware::from_fn_with_state(app.clone(), track))
        .layer(DefaultBodyLimit::max(limit))
        // Pages and files are the reader's: no cache keeps them (the stylesheet says
        // otherwise for itself).
        .layer(header_layer(header::CACHE_CONTROL, "no-store"))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .with_state(app)
}

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Counts every request by status class and its duration, and runs it in a span that
/// carries its number, so that every line it logs names the request. The path is not
/// in the span: some hold a secret (a sign-in link, an answer code).
async fn track(
    State(app): State<App>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use tracing::Instrument;
    static REQUESTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let number = REQUESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let span = tracing::info_span!("http", request = number, method = %request.method());
    let started = std::time::Instant::now();
    let response = next.run(request).instrument(span).await;
    let metrics = app.services.metrics();
    metrics.observe(started.elapsed());
    metrics.count_http(response.status().as_u16());
    response
}

/// `/healthz`: 200 while the store answers reads and both workers passed recently,
/// 503 (saying which part is down) otherwise.
async fn healthz(State(app): State<App>) -> Response {
    use crate::metrics::Metrics;
    use std::time::Duration;
    // One read of an in-memory page of the store: no need to leave the async thread.
    let store_ok = app.services.store_alive();
    let metrics = app.services.metrics();
    let outbox_ok = Metrics::alive(&metrics.notifier_beat, Duration::from_secs(30));
    let mail_ok = Metrics::alive(&metrics.mail_worker_beat, Duration::from_secs(90));
    let word = |ok: bool| if ok { "ok" } else { "down" };
    // The mailbox is renewed every few minutes while idle, or polled.
    let imap_ok = app.config.imap.as_ref().map(|imap| {
        let within = imap.poll.max(Duration::from_secs(240)) + Duration::from_secs(60);
        Metrics::alive(&metrics.imap_beat, within)
    });
    let imap_part = match imap_ok {
        Some(ok) => format!(r#","imap_intake":"{}""#, word(ok)),
        None => String::new(),
    };
    let body = format!(
        r#"{{"store":"{}","outbox_worker":"{}","mail_worker":"{}"{imap_part}}}"#,
        word(store_ok),
        word(outbox_ok),
        word(mail_ok)
    );
    let status = if store_ok && outbox_ok && mail_ok && imap_ok != Some(false) {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn to_settings() -> Response {
    Redirect::to("/settings").into_response()
}

async fn to_dossier(Path(number): Path<String>) -> Response {
    match crate::domain::DossierNumber::parse(&number) {
        Some(number) => Redirect::to(&format!("/dossiers/{number}")).into_response(),
        None => not_found().await,
    }
}

/// The site's icon: a small folder, drawn in SVG.
async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path fill="#1f5f8b" d="M1 3h5l2 2h7v9H1z"/></svg>"##,
    )
        .into_response()
}

/// GET /: what needs the reader.
async fn home(State(app): State<App>, reader: session::Reader) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found =
        errors::blocking(move || Ok((services.home(&user)?, services.people_named_for(&user)?)))
            .await;
    match found {
        Ok((home, people)) => {
            templates::home::page(&app.config, &reader, &home, &people).into_response()
        }
        Err(err) => errors::page_for(&reader, err),
    }
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        templates::STYLESHEET,
    )
        .into_response()
}

async fn lines_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        templates::LINES_SCRIPT,
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
