//! The form pages of a dossier: a new or changed event, document, expense or time
//! entry, a file's new name, one's own reference. Each is shown fresh on GET and again
//! with what was typed when the post was refused (422), the sentence next to its field.
//! The reader must be allowed the change to see its form.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::errors::{blocking, page_for};
use super::session::Reader;
use crate::app::App;
use crate::domain::{
    Activity, ActivityId, DocKind, Document, DocumentId, Dossier, DossierNumber, Event, EventId,
    Expense, ExpenseId, FileEntry, FileId,
};
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::templates::dossier as views;
use crate::templates::dossier::DocumentFor;
use crate::templates::fields::{Again, Typed};

/// Which form page.
#[derive(Debug, Clone, Copy)]
pub enum FormPage {
    /// A new event.
    NewEvent,
    /// A change to an event.
    EditEvent(EventId),
    /// A new document of a kind, perhaps from another.
    NewDocument(DocKind, Option<DocumentId>),
    /// A change to a document.
    EditDocument(DocumentId),
    /// Sending a document by e-mail.
    SendDocument(DocumentId),
    /// A new expense.
    NewExpense,
    /// A change to an expense.
    EditExpense(ExpenseId),
    /// A new time entry.
    NewActivity,
    /// A change to a time entry.
    EditActivity(ActivityId),
    /// A file's new name.
    Rename(FileId),
    /// One's own reference.
    Reference,
}

impl FormPage {
    fn action(self) -> Action {
        match self {
            FormPage::NewEvent | FormPage::EditEvent(_) => Action::EditEvents,
            FormPage::NewDocument(..) | FormPage::EditDocument(_) | FormPage::SendDocument(_) => {
                Action::EditDocuments
            }
            FormPage::NewExpense | FormPage::EditExpense(_) => Action::EditExpenses,
            FormPage::NewActivity | FormPage::EditActivity(_) => Action::RecordActivities,
            FormPage::Rename(_) => Action::ManageFiles,
            FormPage::Reference => Action::SetOwnReference,
        }
    }

    /// The section a refusal of this form leads back to.
    pub(super) fn section(self) -> crate::service::Section {
        use crate::service::Section;
        match self {
            FormPage::NewEvent | FormPage::EditEvent(_) => Section::Agenda,
            FormPage::NewDocument(..) | FormPage::EditDocument(_) | FormPage::SendDocument(_) => {
                Section::Documents
            }
            FormPage::NewExpense | FormPage::EditExpense(_) => Section::Expenses,
            FormPage::NewActivity | FormPage::EditActivity(_) => Section::Activities,
            FormPage::Rename(_) => Section::Files,
            FormPage::Reference => Section::Discussion,
        }
    }
}

/// What a form page needs from the store.
enum Loaded {
    Event(Option<Event>),
    Document {
        kind: DocKind,
        documents: Vec<Document>,
        from: Option<DocumentId>,
        edit: Option<DocumentId>,
    },
    Expense(Option<Expense>),
    Activity(Option<Activity>, Vec<Document>),
    Rename(FileEntry),
    Reference(String),
    Send(Box<crate::service::Sending>),
}

/// Renders `form` of dossier `number`, fresh or `again`.
pub(super) async fn render(
    app: &App,
    reader: &Reader,
    number: DossierNumber,
    form: FormPage,
    again: Option<Again>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let loaded = blocking(move || -> Result<(Dossier, Loaded)> {
        let dossier = services.find_dossier(&user, number)?;
        let id = services
            .authorize(&user, dossier.id, form.action())?
            .dossier
            .id;
        let loaded = match form {
            FormPage::NewEvent => Loaded::Event(None),
            FormPage::EditEvent(event) => Loaded::Event(Some(services.event(&user, id, event)?.1)),
            FormPage::NewDocument(kind, from) => Loaded::Document {
                kind,
                documents: services.documents(&user, id)?,
                from,
                edit: None,
            },
            FormPage::EditDocument(doc) => {
                let documents = vec![services.document(&user, id, doc)?];
                if documents[0].frozen() {
                    return Err(Error::Conflict(crate::service::frozen_refusal(
                        &documents[0],
                    )));
                }
                Loaded::Document {
                    kind: documents[0].kind(),
                    documents,
                    from: None,
                    edit: Some(doc),
                }
            }
            FormPage::SendDocument(doc) => {
                Loaded::Send(Box::new(services.sending(&user, id, doc)?))
            }
            FormPage::NewExpense => Loaded::Expense(None),
            FormPage::EditExpense(e) => Loaded::Expense(Some(services.expense(&user, id, e)?)),
            FormPage::NewActivity => Loaded::Activity(None, services.documents(&user, id)?),
            FormPage::EditActivity(a) => {
                let activity = services
                    .activities(&user, id)?
                    .into_iter()
                    .find(|x| x.id == a)
                    .ok_or(Error::NotFound)?;
                Loaded::Activity(Some(activity), services.documents(&user, id)?)
            }
            FormPage::Rename(file) => Loaded::Rename(
                services
                    .files(&user, id)?
                    .into_iter()
                    .find(|f| f.id == file && !f.inline)
                    .ok_or(Error::NotFound)?,
            ),
            FormPage::Reference => Loaded::Reference(services.own_reference(&user, id)?),
        };
        Ok((dossier, loaded))
    })
    .await;
    let (dossier, loaded) = match loaded {
        Ok(loaded) => loaded,
        Err(err) => {
            let back = views::section_path(&number, form.section());
            let label = reader
                .user
                .lang
                .t("Retour au dossier", "Back to the dossier");
            return super::errors::page_for_back(reader, err, (&back, label));
        }
    };
    let (config, typed) = (&app.config, Typed::of(reader.user.lang, again.as_ref()));
    let html = match &loaded {
        Loaded::Event(event) => views::event_form(config, reader, &dossier, event.as_ref(), typed),
        Loaded::Document {
            kind,
            documents,
            from,
            edit,
        } => {
            let what = match edit {
                Some(_) => DocumentFor::Edit(&documents[0]),
                None => DocumentFor::New {
                    kind: *kind,
                    sources: documents
                        .iter()
                        .filter(|d| Some(d.kind()) == kind.source())
                        .collect(),
                    from: from.and_then(|f| documents.iter().find(|d| d.id == f)),
                },
            };
            views::document_form(config, reader, &dossier, what, typed)
        }
        Loaded::Expense(expense) => {
            views::expense_form(config, reader, &dossier, expense.as_ref(), typed)
        }
        Loaded::Activity(activity, documents) => views::activity_form(
            config,
            reader,
            &dossier,
            activity.as_ref(),
            documents,
            typed,
        ),
        Loaded::Rename(file) => views::rename_form(config, reader, &dossier, file, typed),
        Loaded::Send(sending) => views::send_form(config, reader, &dossier, sending, typed),
        Loaded::Reference(current) => {
            views::reference_form(config, reader, &dossier, current, typed)
        }
    };
    (super::forms::shown_status(again.as_ref()), html).into_response()
}

async fn show(app: App, reader: Reader, number: String, form: FormPage) -> Response {
    match DossierNumber::parse(&number) {
        Some(number) => render(&app, &reader, number, form, None).await,
        None => page_for(&reader, Error::NotFound),
    }
}

/// A form page's handler: `new` ones take the dossier's number, `edit` ones also the
/// item's id.
macro_rules! form_handler {
    ($name:ident, $path:literal, $form:expr) => {
        #[doc = concat!("GET ", $path, ".")]
        pub async fn $name(
            State(app): State<App>,
            reader: Reader,
            Path(n): Path<String>,
        ) -> Response {
            show(app, reader, n, $form).await
        }
    };
    ($name:ident, $path:literal, $form:expr, id) => {
        #[doc = concat!("GET ", $path, ".")]
        pub async fn $name(
            State(app): State<App>,
            reader: Reader,
            Path((n, id)): Path<(String, u64)>,
        ) -> Response {
            show(app, reader, n, $form(id)).await
        }
    };
}

form_handler!(
    new_event,
    "/dossiers/{number}/events/new",
    FormPage::NewEvent
);
form_handler!(
    edit_event,
    "/dossiers/{number}/events/{id}/edit",
    |id| FormPage::EditEvent(EventId::from_raw(id)),
    id
);
form_handler!(
    edit_document,
    "/dossiers/{number}/documents/{id}/edit",
    |id| FormPage::EditDocument(DocumentId::from_raw(id)),
    id
);
form_handler!(
    send_document,
    "/dossiers/{number}/documents/{id}/send",
    |id| FormPage::SendDocument(DocumentId::from_raw(id)),
    id
);
form_handler!(
    new_expense,
    "/dossiers/{number}/expenses/new",
    FormPage::NewExpense
);
form_handler!(
    edit_expense,
    "/dossiers/{number}/expenses/{id}/edit",
    |id| FormPage::EditExpense(ExpenseId::from_raw(id)),
    id
);
form_handler!(
    new_activity,
    "/dossiers/{number}/activities/new",
    FormPage::NewActivity
);
form_handler!(
    edit_activity,
    "/dossiers/{number}/activities/{id}/edit",
    |id| FormPage::EditActivity(ActivityId::from_raw(id)),
    id
);
form_handler!(
    rename_file,
    "/dossiers/{number}/files/{id}/rename",
    |id| FormPage::Rename(FileId::from_raw(id)),
    id
);
form_handler!(
    reference,
    "/dossiers/{number}/reference",
    FormPage::Reference
);

/// The new document's kind and source, from the link that leads to its form.
#[derive(Debug, Default, Deserialize)]
pub struct NewDocument {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    from: Option<u64>,
}

/// A kind as its form names it.
pub fn doc_kind(code: &str) -> Option<DocKind> {
    match code {
        "quote" => Some(DocKind::Quote),
        "order" => Some(DocKind::Order),
        "invoice" => Some(DocKind::Invoice),
        "credit_note" => Some(DocKind::CreditNote),
        _ => None,
    }
}

/// GET /dossiers/{number}/documents/new?kind=quote&from=ID.
pub async fn new_document(
    State(app): State<App>,
    reader: Reader,
    Path(n): Path<String>,
    Query(q): Query<NewDocument>,
) -> Response {
    let kind = doc_kind(&q.kind).unwrap_or(DocKind::Quote);
    let from = q.from.map(DocumentId::from_raw);
    show(app, reader, n, FormPage::NewDocument(kind, from)).await
}
