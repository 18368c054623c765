//! Quotes, orders and invoices: create one with its lines (from another, when a
//! source is given), edit it, change its status, make a deposit or the final invoice.
//! "Add a line" without JavaScript posts the form back with one more line.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{Reshow, Submission, show_again};
use crate::app::App;
use crate::domain::{DocStatus, DocumentDraft, DocumentId, DossierNumber};
use crate::error::Error;
use crate::service::Section;
use crate::templates::fields::{Again, Fields};
use crate::web::errors::page_for;
use crate::web::form_pages::{FormPage, doc_kind};
use crate::web::forms::Posted;
use crate::web::parse::{self, field};
use crate::web::session::Reader;

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
    Submission::new(app, reader, n, f)
        .apply(Reshow::Form(form), parsed, move |s, u, d, (kind, draft)| {
            s.create_document(u, d, kind, draft, source).map(drop)
        })
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
    Submission::new(app, reader, n, f)
        .apply(
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
    Submission::new(app, reader, n, f)
        .apply(again, share, move |s, u, d, share| {
            s.create_deposit(u, d, DocumentId::from_raw(id), share)
                .map(drop)
        })
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
    Submission::new(app, reader, n, f)
        .apply(again, Ok(()), move |s, u, d, ()| {
            s.create_final(u, d, DocumentId::from_raw(id)).map(drop)
        })
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
    Submission::new(app, reader, n, f)
        .apply(again, status, move |s, u, d, status| {
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
        })
        .await
}
