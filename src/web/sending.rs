//! Staff send a document by e-mail: the form's ticked recipients (`to-ID`) and note go
//! to the notifier, which issues, prints, queues and records; a refusal shows the form
//! again with what was typed. Staff also turn a document's reminders off or on here.

use axum::extract::{Path, State};
use axum::response::Response;

use super::form_pages::FormPage;
use super::forms::Posted;
use super::items::{Reshow, Submission};
use crate::app::App;
use crate::domain::{DocumentId, UserId};
use crate::service::Section;
use crate::templates::fields::Fields;

/// POST /dossiers/{number}/documents/{id}/send.
pub async fn send_document(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let id = DocumentId::from_raw(id);
    let chosen: Vec<UserId> = f
        .keys()
        .filter_map(|k| k.strip_prefix("to-")?.parse().ok())
        .map(UserId::from_raw)
        .collect();
    let note = f.get("note").cloned().unwrap_or_default();
    let notifier = app.notifier.clone();
    let again = Reshow::Form(FormPage::SendDocument(id));
    Submission::new(app, reader, n, f)
        .apply(
            again,
            Ok((chosen, note)),
            move |_, user, dossier, (chosen, note)| {
                notifier
                    .send_document(user, dossier, id, &chosen, &note, chrono::Utc::now())
                    .map(drop)
            },
        )
        .await
}

/// POST /dossiers/{number}/documents/{id}/reminders: `off=yes` turns the document's
/// reminders off, `off=no` on again.
pub async fn reminders(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let id = DocumentId::from_raw(id);
    let off = f.get("off").map(String::as_str) != Some("no");
    Submission::new(app, reader, n, f)
        .apply(
            Reshow::Section(Section::Documents),
            Ok(off),
            move |s, user, dossier, off| s.set_reminders_off(user, dossier, id, off).map(drop),
        )
        .await
}
