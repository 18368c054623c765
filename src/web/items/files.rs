//! Staff forms for a dossier's files: rename one (an empty name is refused), delete one.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{Reshow, Submission, act};
use crate::app::App;
use crate::domain::FileId;
use crate::service::Section;
use crate::templates::fields::Fields;
use crate::web::form_pages::FormPage;
use crate::web::forms::{NoFields, Posted};
use crate::web::parse::field;

/// POST /dossiers/{number}/files/{id}/rename.
pub async fn rename_file(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let (name, id) = (field(&f, "name").to_string(), FileId::from_raw(id));
    let again = Reshow::Form(FormPage::Rename(id));
    Submission::new(app, reader, n, f)
        .apply(again, Ok(name), move |s, u, d, name| {
            s.rename_file(u, d, id, &name).map(drop)
        })
        .await
}

/// POST /dossiers/{number}/files/{id}/delete.
pub async fn delete_file(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    act(app, reader, n, Section::Files, move |s, u, d| {
        s.delete_file(u, d, FileId::from_raw(id))
    })
    .await
}
