//! Staff forms for the items of a dossier: events (add, change, cancel), intervenants
//! (assign, remove), files (rename, delete), time entries, quotes / orders / invoices
//! with their lines and status, and expenses with their receipt. Each parses the form into
//! domain types, then calls one service through [`super::actions::on_dossier`]; the
//! services ask the policy. A form that cannot be read shows the dossier again with the
//! sentence.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::actions::{on_dossier, on_dossier_with};
use super::errors::page;
use super::forms::{NoFields, Posted, PostedFiles, discard};
use super::session::Reader;
use super::uploads::{Upload, cut_short, is_too_large, permit, receive, too_large};
use crate::app::App;
use crate::domain::Lang;
use crate::domain::{
    ActivityDraft, ActivityId, BlobRef, Cents, DocKind, DocStatus, DocumentDraft, DocumentId,
    DossierId, DossierNumber, EmailAddress, EventDraft, EventId, EventTime, ExpenseCategory,
    ExpenseDraft, ExpenseId, FileId, Line, Quantity, User, UserId, VatRate,
};
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::service::Services;

type Fields = HashMap<String, String>;

/// A form that could not be read: the dossier page again with the sentence, or the
/// error's own page.
async fn refuse(app: &App, reader: &Reader, number: &str, err: Error) -> Response {
    match (DossierNumber::parse(number), err) {
        (Some(number), Error::Invalid(why)) => {
            super::dossiers::render(app, reader, number, Some(why)).await
        }
        (_, err) => page(err),
    }
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(|s| s.trim()).unwrap_or("")
}

fn date(fields: &Fields, name: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(field(fields, name), "%Y-%m-%d")
        .map_err(|_| Error::Invalid(format!("The {name} date is missing or not a date.")))
}

/// An event's fields: timed when both times are given (in the business's zone), else
/// whole days.
fn event_draft(f: &Fields, zone: Tz) -> Result<EventDraft> {
    let first = date(f, "start")?;
    let last = date(f, "end").unwrap_or(first);
    let times = (
        NaiveTime::parse_from_str(field(f, "start_time"), "%H:%M"),
        NaiveTime::parse_from_str(field(f, "end_time"), "%H:%M"),
    );
    let time = match times {
        (Ok(a), Ok(b)) => {
            let at = |d: NaiveDate, t| {
                zone.from_local_datetime(&d.and_time(t))
                    .earliest()
                    .map(|x| x.with_timezone(&Utc))
                    .ok_or_else(|| {
                        Error::Invalid(
                            "That time does not exist in the business's time zone.".into(),
                        )
                    })
            };
            EventTime::Timed {
                start: at(first, a)?,
                end: at(last, b)?,
            }
        }
        _ => EventTime::AllDay { first, last },
    };
    Ok(EventDraft {
        title: field(f, "title").into(),
        time,
        place: field(f, "place").into(),
        description: field(f, "description").into(),
        attendees: Vec::new(),
    })
}

/// Up to eight lines (`description_0`, `quantity_0`, `price_0`, `vat_0`…); empty ones skipped.
fn lines(f: &Fields) -> Result<Vec<Line>> {
    let mut lines = Vec::new();
    for i in 0..8 {
        let description = field(f, &format!("description_{i}"));
        if description.is_empty() {
            continue;
        }
        let value = |name: &str| field(f, &format!("{name}_{i}")).to_string();
        let bad =
            |e: crate::domain::money::BadNumber| Error::Invalid(format!("Line {}: {e}", i + 1));
        lines.push(Line {
            description: description.into(),
            quantity: Quantity::parse(&value("quantity")).map_err(bad)?,
            unit_price: Cents::parse(&value("price")).map_err(bad)?,
            vat_rate: VatRate::parse(&value("vat")).map_err(bad)?,
        });
    }
    Ok(lines)
}

/// A time entry's fields, for `user`: hours as `1,5`.
fn activity_draft(f: &Fields, user: UserId) -> Result<ActivityDraft> {
    let hours = Quantity::parse(field(f, "hours")).map_err(|e| Error::Invalid(e.to_string()))?;
    let order = field(f, "order")
        .parse::<u64>()
        .ok()
        .map(DocumentId::from_raw);
    let minutes = u32::try_from(hours.0.max(0) * 60 / 1000).unwrap_or(u32::MAX);
    Ok(ActivityDraft {
        user,
        date: date(f, "date")?,
        minutes,
        description: field(f, "description").into(),
        order,
    })
}

/// An expense's fields: its VAT is a French rate of its amount (`vat_rate`), or, with
/// `keep` (or from a form without a rate), the amount in `vat`.
fn expense_draft(f: &Fields, l: Lang) -> Result<ExpenseDraft> {
    let money =
        |name: &str| Cents::parse(field(f, name)).map_err(|e| Error::Invalid(e.to_string()));
    let category = match field(f, "category") {
        "travel" => ExpenseCategory::Travel,
        "purchase" => ExpenseCategory::Purchase,
        _ => ExpenseCategory::Other,
    };
    let amount = money("amount")?;
    let vat = match field(f, "vat_rate") {
        "" | "keep" => money("vat")?,
        rate => {
            let rate = VatRate::parse(rate)
                .ok()
                .filter(|r| VatRate::FRENCH.contains(r))
                .ok_or_else(|| {
                    Error::Invalid(
                        l.t(
                            "Choisissez un taux de TVA : 20, 10, 5,5, 2,1 ou 0 %.",
                            "Choose a VAT rate: 20, 10, 5.5, 2.1 or 0 %.",
                        )
                        .into(),
                    )
                })?;
            rate.of(amount)
        }
    };
    if amount.0 < 0 || vat.0 < 0 {
        return Err(Error::Invalid(
            l.t(
                "Une dépense ne peut pas être négative : saisissez le montant sans signe moins.",
                "An expense cannot be negative: type the amount without a minus sign.",
            )
            .into(),
        ));
    }
    Ok(ExpenseDraft {
        date: date(f, "date")?,
        category,
        description: field(f, "description").into(),
        amount,
        vat,
        billed_to_client: f.contains_key("billed"),
    })
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

/// POST /dossiers/{number}/events.
pub async fn add_event(
    State(app): State<App>,
    Path(n): Path<String>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let parsed = event_draft(&f, app.config.timezone);
    on_dossier_with(app, reader, n, parsed, move |s, u, d, draft| {
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
    let parsed = event_draft(&f, app.config.timezone);
    on_dossier_with(app, reader, n, parsed, move |s, u, d, draft| {
        s.update_event(u, d, EventId::from_raw(id), draft).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/events/{id}/cancel.
pub async fn cancel_event(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    on_dossier(app, reader, n, move |s, u, d| {
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
    let (email, role) = (
        field(&f, "email").to_string(),
        field(&f, "role").to_string(),
    );
    on_dossier(app, reader, n, move |s, u, d| {
        let email = EmailAddress::parse(&email).map_err(|e| Error::Invalid(e.to_string()))?;
        let person = s.person_by_address(u, d, &email)?.ok_or_else(|| {
            Error::Invalid(format!(
                "No one has the address {email}; add the person first."
            ))
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
    on_dossier(app, reader, n, move |s, u, d| {
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
    let name = field(&f, "name").to_string();
    on_dossier(app, reader, n, move |s, u, d| {
        s.rename_file(u, d, FileId::from_raw(id), &name).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/files/{id}/delete.
pub async fn delete_file(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    on_dossier(app, reader, n, move |s, u, d| {
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
    let parsed = activity_draft(&f, reader.user.id);
    on_dossier_with(app, reader, n, parsed, move |s, u, d, draft| {
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
    let parsed = activity_draft(&f, person);
    on_dossier_with(app, reader, n, parsed, move |s, u, d, draft| {
        s.edit_activity(u, d, ActivityId::from_raw(id), draft)
            .map(drop)
    })
    .await
}

/// POST /dossiers/{number}/documents: a quote, order or invoice with its lines.
pub async fn create_document(
    State(app): State<App>,
    Path(n): Path<String>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let parsed = (|| -> Result<(DocKind, DocumentDraft, Option<DocumentId>)> {
        let kind = match field(&f, "kind") {
            "quote" => DocKind::Quote,
            "order" => DocKind::Order,
            "invoice" => DocKind::Invoice,
            _ => {
                return Err(Error::Invalid(
                    "Choose a quote, an order or an invoice.".into(),
                ));
            }
        };
        let source = field(&f, "source")
            .parse::<u64>()
            .ok()
            .map(DocumentId::from_raw);
        let draft = DocumentDraft {
            title: field(&f, "title").into(),
            date: date(&f, "date")?,
            status: kind.initial_status(),
            lines: lines(&f)?,
        };
        Ok((kind, draft, source))
    })();
    on_dossier_with(
        app,
        reader,
        n,
        parsed,
        move |s, u, d, (kind, draft, source)| {
            s.create_document(u, d, kind, draft, source).map(drop)
        },
    )
    .await
}

/// POST /dossiers/{number}/documents/{id}: title, date and lines (the status stays).
pub async fn edit_document(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let parsed = (|| -> Result<(String, NaiveDate, Vec<Line>)> {
        Ok((field(&f, "title").into(), date(&f, "date")?, lines(&f)?))
    })();
    on_dossier_with(
        app,
        reader,
        n,
        parsed,
        move |s, u, d, (title, day, lines)| {
            let id = DocumentId::from_raw(id);
            let status = s.document(u, d, id)?.status;
            let draft = DocumentDraft {
                title,
                date: day,
                status,
                lines,
            };
            s.edit_document(u, d, id, draft).map(drop)
        },
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
            .map_err(|_| Error::Invalid("Unknown status.".into()));
    on_dossier_with(app, reader, n, status, move |s, u, d, status| {
        let doc = s.document(u, d, DocumentId::from_raw(id))?;
        let draft = DocumentDraft {
            title: doc.title,
            date: doc.date,
            status,
            lines: doc.lines,
        };
        s.edit_document(u, d, DocumentId::from_raw(id), draft)
            .map(drop)
    })
    .await
}

/// An expense form, once the reader may change the dossier's expenses: its draft and
/// its receipt, kept only when the service is called.
async fn expense_form(
    app: App,
    reader: Reader,
    n: String,
    multipart: Multipart,
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
        return page(err);
    }
    let (f, receipt) = match fields_and_receipt(&app, multipart).await {
        Ok(read) => read,
        Err(err) if is_too_large(&err) => return too_large(&app),
        Err(err) => return refuse(&app, &reader, &n, err).await,
    };
    let parsed = expense_draft(&f, reader.user.lang)
        .and_then(|draft| crate::service::expense_description(&draft).map(|_| draft))
        .map(|draft| (draft, receipt));
    on_dossier_with(app, reader, n, parsed, move |s, u, d, (draft, receipt)| {
        let receipt = receipt.map(Upload::keep).transpose()?;
        change(s, u, d, draft, receipt)
    })
    .await
}

/// POST /dossiers/{number}/expenses: multipart, with an optional receipt file.
pub async fn add_expense(
    State(app): State<App>,
    Path(n): Path<String>,
    PostedFiles { reader, multipart }: PostedFiles,
) -> Response {
    expense_form(app, reader, n, multipart, |s, u, d, draft, receipt| {
        s.add_expense(u, d, draft, receipt).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/expenses/{id}: a change; a new receipt replaces the old one.
pub async fn edit_expense(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    PostedFiles { reader, multipart }: PostedFiles,
) -> Response {
    expense_form(app, reader, n, multipart, move |s, u, d, draft, receipt| {
        s.edit_expense(u, d, ExpenseId::from_raw(id), draft, receipt)
            .map(drop)
    })
    .await
}
