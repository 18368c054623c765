//! Staff forms for a dossier's events: add one, change it (same UID, next SEQUENCE),
//! cancel it.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{Reshow, Submission, act};
use crate::app::App;
use crate::domain::EventId;
use crate::service::Section;
use crate::templates::fields::Fields;
use crate::web::form_pages::FormPage;
use crate::web::forms::{NoFields, Posted};
use crate::web::parse;

/// POST /dossiers/{number}/events.
pub async fn add_event(
    State(app): State<App>,
    Path(n): Path<String>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let parsed = parse::event(&f, app.config.timezone);
    let again = Reshow::Form(FormPage::NewEvent);
    Submission::new(app, reader, n, f)
        .apply(again, parsed, |s, u, d, draft| {
            s.add_event(u, d, draft).map(drop)
        })
        .await
}

/// POST /dossiers/{number}/events/{id}: a change (same UID, next SEQUENCE).
pub async fn update_event(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let (parsed, id) = (parse::event(&f, app.config.timezone), EventId::from_raw(id));
    let again = Reshow::Form(FormPage::EditEvent(id));
    Submission::new(app, reader, n, f)
        .apply(again, parsed, move |s, u, d, draft| {
            s.update_event(u, d, id, draft).map(drop)
        })
        .await
}

/// POST /dossiers/{number}/events/{id}/cancel.
pub async fn cancel_event(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    act(app, reader, n, Section::Agenda, move |s, u, d| {
        s.cancel_event(u, d, EventId::from_raw(id)).map(drop)
    })
    .await
}
