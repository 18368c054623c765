//! Staff forms for the items of a dossier: events (add, change, cancel), intervenants
//! (assign, remove), files (rename, delete), time entries, quotes / orders / invoices
//! with their lines and status, and expenses with their receipt. Each reads its fields
//! with [`super::parse`], then calls one service through [`Submission::apply`]; the services ask
//! the policy. A refused form comes back with what was typed, the sentence next to its
//! field. One file per kind of item.

mod activities;
mod documents;
mod events;
mod expenses;
mod files;
mod intervenants;

pub use activities::{edit_activity, record_activity};
pub use documents::{create_document, deposit, document_status, edit_document, final_invoice};
pub use events::{add_event, cancel_event, update_event};
pub use expenses::{add_expense, edit_expense};
pub use files::{delete_file, rename_file};
pub use intervenants::{assign, unassign};

use axum::response::{IntoResponse, Redirect, Response};

use super::errors::{blocking, page_for};
use super::form_pages::{self, FormPage};
use super::session::Reader;
use crate::app::App;
use crate::domain::{DossierId, DossierNumber, User};
use crate::error::{Error, Result};
use crate::service::{Section, Services};
use crate::templates::dossier::section_path;
use crate::templates::fields::Again;
use crate::templates::fields::Fields;

/// Where a refused form is shown again.
#[derive(Debug, Clone, Copy)]
pub(super) enum Reshow {
    /// The section page that holds the form.
    Section(Section),
    /// The form's own page.
    Form(FormPage),
}

impl Reshow {
    /// The section the form belongs to, where the reader goes once it is done.
    fn section(self) -> Section {
        match self {
            Reshow::Section(section) => section,
            Reshow::Form(form) => form.section(),
        }
    }
}

/// Shows `reshow` of dossier `number` again with `again`.
pub(super) async fn show_again(
    app: &App,
    reader: &Reader,
    number: DossierNumber,
    reshow: Reshow,
    again: Again,
) -> Response {
    match reshow {
        Reshow::Section(section) => {
            super::sections::render(
                app,
                reader,
                number,
                section,
                Default::default(),
                Some(again),
            )
            .await
        }
        Reshow::Form(form) => form_pages::render(app, reader, number, form, Some(again)).await,
    }
}

/// A form posted on a dossier: who posted it, the dossier's number as the path gave
/// it, and what was typed (kept to show the form again).
pub(super) struct Submission {
    app: App,
    reader: Reader,
    number: String,
    fields: Fields,
}

impl Submission {
    pub(super) fn new(app: App, reader: Reader, number: String, fields: Fields) -> Self {
        Submission {
            app,
            reader,
            number,
            fields,
        }
    }

    /// Runs `change` on the dossier for the reader with what the form read (`parsed`):
    /// done, the reader goes to the section of `reshow`; refused (by the form's parsing
    /// or by the service), `reshow` comes back with the fields as typed and the sentence.
    pub(super) async fn apply<T: Send + 'static>(
        self,
        reshow: Reshow,
        parsed: Result<T>,
        change: impl FnOnce(&Services, &User, DossierId, T) -> Result<()> + Send + 'static,
    ) -> Response {
        let Submission {
            app,
            reader,
            number,
            fields,
        } = self;
        let Some(number) = DossierNumber::parse(&number) else {
            return page_for(&reader, Error::NotFound);
        };
        let (services, user) = (app.services.clone(), reader.user.clone());
        let result = match parsed {
            Ok(value) => {
                blocking(move || {
                    let dossier = services.find_dossier(&user, number)?;
                    change(&services, &user, dossier.id, value)
                })
                .await
            }
            Err(err) => Err(err),
        };
        match result {
            Ok(()) => Redirect::to(&section_path(&number, reshow.section())).into_response(),
            Err(Error::Invalid(refusal) | Error::Conflict(refusal)) => {
                let again = Again {
                    fields,
                    refusal: Some(refusal),
                    form: "",
                };
                show_again(&app, &reader, number, reshow, again).await
            }
            Err(err) => page_for(&reader, err),
        }
    }
}

/// Runs `change` (a form with no fields: close, cancel, delete…) on dossier `number`,
/// then goes to the section `done`.
pub(super) async fn act(
    app: App,
    reader: Reader,
    number: String,
    done: Section,
    change: impl FnOnce(&Services, &User, DossierId) -> Result<()> + Send + 'static,
) -> Response {
    let Some(number) = DossierNumber::parse(&number) else {
        return page_for(&reader, Error::NotFound);
    };
    let (services, user) = (app.services.clone(), reader.user.clone());
    let result = blocking(move || {
        let dossier = services.find_dossier(&user, number)?;
        change(&services, &user, dossier.id)
    })
    .await;
    match result {
        Ok(()) => Redirect::to(&section_path(&number, done)).into_response(),
        Err(err) => page_for(&reader, err),
    }
}
