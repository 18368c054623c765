//! Expenses, posted as multipart with an optional receipt: the receipt is read only
//! once the reader may change the dossier's expenses, and kept only when the service
//! is called.

use axum::extract::{Path, State};
use axum::response::Response;

use axum::extract::Multipart;

use super::{Reshow, Submission};
use crate::app::App;
use crate::domain::{BlobRef, DossierId, DossierNumber, ExpenseDraft, ExpenseId, User};
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::service::Services;
use crate::templates::fields::Fields;
use crate::web::errors::page_for;
use crate::web::form_pages::FormPage;
use crate::web::forms::{PostedFiles, discard};
use crate::web::parse;
use crate::web::session::Reader;
use crate::web::uploads::{Upload, cut_short, is_too_large, permit, receive, too_large};

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
    Submission::new(app, reader, n, f)
        .apply(
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
