//! Staff forms for the items of a dossier: events (add, change, cancel), intervenants
//! (assign, remove), files (rename, delete), time entries, quotes / orders / invoices
//! with their lines and status, and expenses with their receipt. Each reads its fields
//! with [`super::parse`], then calls one service through [`submit`]; the services ask
//! the policy. A refused form comes back with what was typed, the sentence next to its
//! field.

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::errors::{blocking, page_for};
use super::form_pages::{self, FormPage, doc_kind};
use super::forms::{NoFields, Posted, PostedFiles, discard};
use super::parse::{self, field};
use super::session::Reader;
use super::uploads::{Upload, cut_short, is_too_large, permit, receive, too_large};
use crate::app::App;
use crate::domain::{
    ActivityId, BlobRef, DocStatus, DocumentDraft, DocumentId, DossierId, DossierNumber,
    EmailAddress, EventId, ExpenseDraft, ExpenseId, FileId, User, UserId,
};
use crate::error::{Error, Refusal, Result};
use crate::policy::Action;
use crate::service::{Section, Services};
use crate::templates::dossier::section_path;
use crate::templates::fields::{Again, Fields};

/// Where a refused form is shown again.
#[derive(Debug, Clone, Copy)]
pub(super) enum Reshow {
    /// The section page that holds the form.
    Section(Section),
    /// The form's own page.
    Form(FormPage),
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

/// Runs `change` on dossier `number` for the reader with what the form read (`parsed`):
/// done, the reader goes to the section `done`; refused (by the form's parsing or by
/// the service), `reshow` comes back with `fields` as typed and the sentence.
#[allow(clippy::too_many_arguments)]
pub(super) async fn submit<T: Send + 'static>(
    app: App,
    reader: Reader,
    number: String,
    fields: Fields,
    done: Section,
    reshow: Reshow,
    parsed: Result<T>,
    change: impl FnOnce(&Services, &User, DossierId, T) -> Result<()> + Send + 'static,
) -> Response {
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
        Ok(()) => Redirect::to(&section_path(&number, done)).into_response(),
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

/// POST /dossiers/{number}/events.
pub async fn add_event(
    State(app): State<App>,
    Path(n): Path<String>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let parsed = parse::event(&f, app.config.timezone);
    let again = Reshow::Form(FormPage::NewEvent);
    submit(
        app,
        reader,
        n,
        f,
        Section::Agenda,
        again,
        parsed,
        |s, u, d, draft| s.add_event(u, d, draft).map(drop),
    )
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
    submit(
        app,
        reader,
        n,
        f,
        Section::Agenda,
        again,
        parsed,
        move |s, u, d, draft| s.update_event(u, d, id, draft).map(drop),
    )
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

/// POST /dossiers/{number}/intervenants: assign by address, with a role.
pub async fn assign(
    State(app): State<App>,
    Path(n): Path<String>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let parsed = EmailAddress::parse(field(&f, "email"))
        .map_err(|e| Error::Invalid(e.refusal()))
        .map(|email| (email, field(&f, "role").to_string()));
    let again = Reshow::Section(Section::Intervenants);
    submit(app, reader, n, f, Section::Intervenants, again, parsed, |s, u, d, (email, role)| {
        let person = s.person_by_address(u, d, &email)?.ok_or_else(|| {
            Error::Invalid(
                Refusal::new(
                    format!("Personne n'a l'adresse {email} : ajoutez d'abord la personne à l'annuaire."),
                    format!("No one has the address {email}; add the person to the directory first."),
                )
                .on("email"),
            )
        })?;
        s.assign_intervenant(u, d, person.id, &role).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/intervenants/{user}/remove.
pub async fn unassign(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    act(app, reader, n, Section::Intervenants, move |s, u, d| {
        s.remove_intervenant(u, d, UserId::from_raw(id))
    })
    .await
}

/// POST /dossiers/{number}/files/{id}/rename.
pub async fn rename_file(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let (name, id) = (field(&f, "name").to_string(), FileId::from_raw(id));
    let again = Reshow::Form(FormPage::Rename(id));
    submit(
        app,
        reader,
        n,
        f,
        Section::Files,
        again,
        Ok(name),
        move |s, u, d, name| s.rename_file(u, d, id, &name).map(drop),
    )
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

/// POST /dossiers/{number}/activities: the reader's own time.
pub async fn record_activity(
    State(app): State<App>,
    Path(n): Path<String>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let parsed = parse::activity(&f, reader.user.id);
    let again = Reshow::Form(FormPage::NewActivity);
    submit(
        app,
        reader,
        n,
        f,
        Section::Activities,
        again,
        parsed,
        |s, u, d, draft| s.record_activity(u, d, draft).map(drop),
    )
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
    submit(
        app,
        reader,
        n,
        f,
        Section::Activities,
        again,
        parsed,
        move |s, u, d, draft| s.edit_activity(u, d, id, draft).map(drop),
    )
    .await
}

/// "Add a line" without JavaScript posts the document form: it comes back with what was
/// typed and one more line, nothing saved.
async fn one_more_line(app: &App, reader: &Reader, n: &str, form: FormPage, f: Fields) -> Response {
    match DossierNumber::parse(n) {
        Some(number) => {
            let again = Again {
                fields: f,
                refusal: None,
                form: "",
            };
            show_again(app, reader, number, Reshow::Form(form), again).await
        }
        None => page_for(reader, Error::NotFound),
    }
}

/// POST /dossiers/{number}/documents: a quote, order or invoice with its lines.
pub async fn create_document(
    State(app): State<App>,
    Path(n): Path<String>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let source = field(&f, "source")
        .parse::<u64>()
        .ok()
        .map(DocumentId::from_raw);
    let kind = doc_kind(field(&f, "kind"));
    let form = FormPage::NewDocument(kind.unwrap_or(crate::domain::DocKind::Quote), source);
    if f.contains_key("more") {
        return one_more_line(&app, &reader, &n, form, f).await;
    }
    let parsed = (|| {
        let kind = kind.ok_or_else(|| {
            Error::invalid(
                "Choisissez un devis, une commande ou une facture.",
                "Choose a quote, an order or an invoice.",
            )
        })?;
        let draft = DocumentDraft {
            title: field(&f, "title").into(),
            date: parse::date(&f, "date")?,
            status: kind.initial_status(),
            lines: parse::lines(&f)?,
            terms: parse::terms(&f)?,
        };
        Ok((kind, draft))
    })();
    submit(
        app,
        reader,
        n,
        f,
        Section::Documents,
        Reshow::Form(form),
        parsed,
        move |s, u, d, (kind, draft)| s.create_document(u, d, kind, draft, source).map(drop),
    )
    .await
}

/// POST /dossiers/{number}/documents/{id}/edit: title, date and lines (the status stays).
pub async fn edit_document(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let id = DocumentId::from_raw(id);
    let form = FormPage::EditDocument(id);
    if f.contains_key("more") {
        return one_more_line(&app, &reader, &n, form, f).await;
    }
    let parsed = (|| {
        Ok((
            field(&f, "title").to_string(),
            parse::date(&f, "date")?,
            parse::lines(&f)?,
            parse::terms(&f)?,
        ))
    })();
    submit(
        app,
        reader,
        n,
        f,
        Section::Documents,
        Reshow::Form(form),
        parsed,
        move |s, u, d, (title, date, lines, terms)| {
            let status = s.document(u, d, id)?.status;
            let draft = DocumentDraft {
                title,
                date,
                status,
                lines,
                terms,
            };
            s.edit_document(u, d, id, draft).map(drop)
        },
    )
    .await
}

/// POST /dossiers/{number}/documents/{id}/deposit: a deposit invoice for a share of a
/// quote or an order.
pub async fn deposit(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let share = parse::share(&f, "share");
    let again = Reshow::Section(Section::Documents);
    submit(
        app,
        reader,
        n,
        f,
        Section::Documents,
        again,
        share,
        move |s, u, d, share| {
            s.create_deposit(u, d, DocumentId::from_raw(id), share)
                .map(drop)
        },
    )
    .await
}

/// POST /dossiers/{number}/documents/{id}/final: the final invoice of an order, the
/// deposits already invoiced deducted.
pub async fn final_invoice(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let again = Reshow::Section(Section::Documents);
    submit(
        app,
        reader,
        n,
        f,
        Section::Documents,
        again,
        Ok(()),
        move |s, u, d, ()| s.create_final(u, d, DocumentId::from_raw(id)).map(drop),
    )
    .await
}

/// POST /dossiers/{number}/documents/{id}/status.
pub async fn document_status(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let status =
        serde_json::from_value::<DocStatus>(serde_json::Value::String(field(&f, "status").into()))
            .map_err(|_| {
                Error::invalid(
                    "Choisissez un état de la liste.",
                    "Choose a status from the list.",
                )
            });
    let again = Reshow::Section(Section::Documents);
    submit(
        app,
        reader,
        n,
        f,
        Section::Documents,
        again,
        status,
        move |s, u, d, status| {
            let id = DocumentId::from_raw(id);
            let doc = s.document(u, d, id)?;
            let draft = DocumentDraft {
                title: doc.title,
                date: doc.date,
                status,
                lines: doc.lines,
                terms: doc.terms,
            };
            s.edit_document(u, d, id, draft).map(drop)
        },
    )
    .await
}

/// Reads a multipart form: its text fields, and the file of the `receipt` field if any
/// (not yet kept).
async fn fields_and_receipt(
    app: &App,
    mut multipart: Multipart,
) -> Result<(Fields, Option<Upload>)> {
    let (mut f, mut receipt) = (Fields::new(), None);
    while let Some(part) = multipart.next_field().await.map_err(cut_short)? {
        if part.name() == Some("receipt") {
            receipt = receive(app, part).await?;
        } else {
            let name = part.name().unwrap_or("").to_string();
            f.insert(name, part.text().await.unwrap_or_default());
        }
    }
    Ok((f, receipt))
}

/// An expense form, once the reader may change the dossier's expenses: its draft and
/// its receipt, kept only when the service is called.
async fn expense_form(
    app: App,
    reader: Reader,
    n: String,
    multipart: Multipart,
    form: FormPage,
    change: impl FnOnce(&Services, &User, DossierId, ExpenseDraft, Option<BlobRef>) -> Result<()>
    + Send
    + 'static,
) -> Response {
    let permitted = match DossierNumber::parse(&n) {
        Some(number) => permit(&app, &reader, number, Action::EditExpenses).await,
        None => Err(Error::NotFound),
    };
    if let Err(err) = permitted {
        discard(multipart).await;
        return page_for(&reader, err);
    }
    let (f, receipt) = match fields_and_receipt(&app, multipart).await {
        Ok(read) => read,
        Err(err) if is_too_large(&err) => return too_large(&app),
        Err(err) => return page_for(&reader, err),
    };
    let parsed = parse::expense(&f)
        .and_then(|draft| crate::service::expense_description(&draft).map(|_| draft))
        .map(|draft| (draft, receipt));
    submit(
        app,
        reader,
        n,
        f,
        Section::Expenses,
        Reshow::Form(form),
        parsed,
        move |s, u, d, (draft, receipt)| {
            let receipt = receipt.map(Upload::keep).transpose()?;
            change(s, u, d, draft, receipt)
        },
    )
    .await
}

/// POST /dossiers/{number}/expenses: multipart, with an optional receipt file.
pub async fn add_expense(
    State(app): State<App>,
    Path(n): Path<String>,
    PostedFiles { reader, multipart }: PostedFiles,
) -> Response {
    expense_form(
        app,
        reader,
        n,
        multipart,
        FormPage::NewExpense,
        |s, u, d, draft, receipt| s.add_expense(u, d, draft, receipt).map(drop),
    )
    .await
}

/// POST /dossiers/{number}/expenses/{id}: a change; a new receipt replaces the old one.
pub async fn edit_expense(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    PostedFiles { reader, multipart }: PostedFiles,
) -> Response {
    let id = ExpenseId::from_raw(id);
    expense_form(
        app,
        reader,
        n,
        multipart,
        FormPage::EditExpense(id),
        move |s, u, d, draft, receipt| s.edit_expense(u, d, id, draft, receipt).map(drop),
    )
    .await
}
