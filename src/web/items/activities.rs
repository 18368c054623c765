//! Time entries: the reader records their own time; staff correct an entry, whose
//! person stays.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{Reshow, Submission};
use crate::app::App;
use crate::domain::{ActivityId, UserId};
use crate::templates::fields::Fields;
use crate::web::form_pages::FormPage;
use crate::web::forms::Posted;
use crate::web::parse::{self, field};

/// POST /dossiers/{number}/activities: the reader's own time.
pub async fn record_activity(
    State(app): State<App>,
    Path(n): Path<String>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let parsed = parse::activity(&f, reader.user.id);
    let again = Reshow::Form(FormPage::NewActivity);
    Submission::new(app, reader, n, f)
        .apply(again, parsed, |s, u, d, draft| {
            s.record_activity(u, d, draft).map(drop)
        })
        .await
}

/// POST /dossiers/{number}/activities/{id}: corrects a time entry (its person stays).
pub async fn edit_activity(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let person = field(&f, "user")
        .parse::<u64>()
        .map(UserId::from_raw)
        .unwrap_or(reader.user.id);
    let (parsed, id) = (parse::activity(&f, person), ActivityId::from_raw(id));
    let again = Reshow::Form(FormPage::EditActivity(id));
    Submission::new(app, reader, n, f)
        .apply(again, parsed, move |s, u, d, draft| {
            s.edit_activity(u, d, id, draft).map(drop)
        })
        .await
}
