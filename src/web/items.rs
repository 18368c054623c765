//! Staff forms for the items of a dossier: events (add, cancel), intervenants (assign,
//! remove), files (rename, delete), time entries, quotes / orders / invoices with their
//! lines, and expenses. Each parses the form into domain types, then calls one service
//! through [`super::actions::on_dossier`]; the services ask the policy.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

use super::actions::on_dossier;
use super::errors::page;
use super::session::Reader;
use crate::app::App;
use crate::domain::{
    ActivityDraft, Cents, DocKind, DocStatus, DocumentDraft, DocumentId, EmailAddress, EventDraft,
    EventId, EventTime, ExpenseCategory, ExpenseDraft, FileId, Line, Quantity, UserId, VatRate,
};
use crate::error::Error;

type Fields = HashMap<String, String>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(|s| s.trim()).unwrap_or("")
}

fn date(fields: &Fields, name: &str) -> crate::Result<NaiveDate> {
    NaiveDate::parse_from_str(field(fields, name), "%Y-%m-%d")
        .map_err(|_| Error::Invalid(format!("The {name} date is missing or not a date.")))
}

fn csrf(fields: &Fields) -> String {
    field(fields, "csrf").to_string()
}

/// POST /dossiers/{number}/events: a timed event when times are given, else all-day.
pub async fn add_event(
    State(app): State<App>,
    reader: Reader,
    headers: HeaderMap,
    Path(n): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let zone = app.config.timezone;
    let draft = (|| -> crate::Result<EventDraft> {
        let (first, last) = (
            date(&f, "start")?,
            date(&f, "end").or_else(|_| date(&f, "start"))?,
        );
        let time = match (
            NaiveTime::parse_from_str(field(&f, "start_time"), "%H:%M"),
            NaiveTime::parse_from_str(field(&f, "end_time"), "%H:%M"),
        ) {
            (Ok(a), Ok(b)) => {
                let local = |d: NaiveDate, t| {
                    zone.from_local_datetime(&d.and_time(t))
                        .earliest()
                        .map(|x| x.with_timezone(&Utc))
                };
                let (start, end) = (local(first, a), local(last, b));
                EventTime::Timed {
                    start: start
                        .ok_or_else(|| Error::Invalid("That start time does not exist.".into()))?,
                    end: end
                        .ok_or_else(|| Error::Invalid("That end time does not exist.".into()))?,
                }
            }
            _ => EventTime::AllDay { first, last },
        };
        Ok(EventDraft {
            title: field(&f, "title").into(),
            time,
            place: field(&f, "place").into(),
            description: field(&f, "description").into(),
            attendees: Vec::new(),
        })
    })();
    let draft = match draft {
        Ok(d) => d,
        Err(err) => return page(err),
    };
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
        s.add_event(u, d, draft).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/events/{id}/cancel.
pub async fn cancel_event(
    State(app): State<App>,
    reader: Reader,
    headers: HeaderMap,
    Path((n, id)): Path<(String, u64)>,
    Form(f): Form<Fields>,
) -> Response {
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
        s.cancel_event(u, d, EventId::from_raw(id)).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/intervenants: assign by address, with a role.
pub async fn assign(
    State(app): State<App>,
    reader: Reader,
    headers: HeaderMap,
    Path(n): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let (email, role) = (
        field(&f, "email").to_string(),
        field(&f, "role").to_string(),
    );
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
        let email = EmailAddress::parse(&email).map_err(|e| Error::Invalid(e.to_string()))?;
        let person = s.store().user_by_email(&email)?.ok_or_else(|| {
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
    reader: Reader,
    headers: HeaderMap,
    Path((n, id)): Path<(String, u64)>,
    Form(f): Form<Fields>,
) -> Response {
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
        s.remove_intervenant(u, d, UserId::from_raw(id))
    })
    .await
}

/// POST /dossiers/{number}/files/{id}/rename.
pub async fn rename_file(
    State(app): State<App>,
    reader: Reader,
    headers: HeaderMap,
    Path((n, id)): Path<(String, u64)>,
    Form(f): Form<Fields>,
) -> Response {
    let name = field(&f, "name").to_string();
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
        s.rename_file(u, d, FileId::from_raw(id), &name).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/files/{id}/delete.
pub async fn delete_file(
    State(app): State<App>,
    reader: Reader,
    headers: HeaderMap,
    Path((n, id)): Path<(String, u64)>,
    Form(f): Form<Fields>,
) -> Response {
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
        s.delete_file(u, d, FileId::from_raw(id))
    })
    .await
}

/// POST /dossiers/{number}/activities: the reader's own time, in hours (`1,5`).
pub async fn record_activity(
    State(app): State<App>,
    reader: Reader,
    headers: HeaderMap,
    Path(n): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let draft = (|| -> crate::Result<ActivityDraft> {
        let hours =
            Quantity::parse(field(&f, "hours")).map_err(|e| Error::Invalid(e.to_string()))?;
        let order = field(&f, "order")
            .parse::<u64>()
            .ok()
            .map(DocumentId::from_raw);
        Ok(ActivityDraft {
            user: reader.user.id,
            date: date(&f, "date")?,
            minutes: (hours.0.max(0) * 60 / 1000) as u32,
            description: field(&f, "description").into(),
            order,
        })
    })();
    let draft = match draft {
        Ok(d) => d,
        Err(err) => return page(err),
    };
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
        s.record_activity(u, d, draft).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/documents: a quote, order or invoice with up to eight lines
/// (`description_0`, `quantity_0`, `price_0`, `vat_0`…); empty lines are skipped.
pub async fn create_document(
    State(app): State<App>,
    reader: Reader,
    headers: HeaderMap,
    Path(n): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let parsed = (|| -> crate::Result<(DocKind, DocumentDraft, Option<DocumentId>)> {
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
        let mut lines = Vec::new();
        for i in 0..8 {
            let description = field(&f, &format!("description_{i}"));
            if description.is_empty() {
                continue;
            }
            let number = |name: &str| field(&f, &format!("{name}_{i}")).to_string();
            let bad =
                |e: crate::domain::money::BadNumber| Error::Invalid(format!("Line {}: {e}", i + 1));
            lines.push(Line {
                description: description.into(),
                quantity: Quantity::parse(&number("quantity")).map_err(bad)?,
                unit_price: Cents::parse(&number("price")).map_err(bad)?,
                vat_rate: VatRate::parse(&number("vat")).map_err(bad)?,
            });
        }
        let source = field(&f, "source")
            .parse::<u64>()
            .ok()
            .map(DocumentId::from_raw);
        let draft = DocumentDraft {
            title: field(&f, "title").into(),
            date: date(&f, "date")?,
            status: kind.initial_status(),
            lines,
        };
        Ok((kind, draft, source))
    })();
    let (kind, draft, source) = match parsed {
        Ok(p) => p,
        Err(err) => return page(err),
    };
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
        s.create_document(u, d, kind, draft, source).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/documents/{id}/status.
pub async fn document_status(
    State(app): State<App>,
    reader: Reader,
    headers: HeaderMap,
    Path((n, id)): Path<(String, u64)>,
    Form(f): Form<Fields>,
) -> Response {
    let status = match serde_json::from_value::<DocStatus>(serde_json::Value::String(
        field(&f, "status").into(),
    )) {
        Ok(s) => s,
        Err(_) => return page(Error::Invalid("Unknown status.".into())),
    };
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
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

/// POST /dossiers/{number}/expenses: multipart, with an optional receipt file.
pub async fn add_expense(
    State(app): State<App>,
    reader: Reader,
    headers: HeaderMap,
    Path(n): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Response {
    let mut f = Fields::new();
    let mut receipt = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(part)) if part.name() == Some("receipt") => {
                match super::dossiers::store_upload(&app, part).await {
                    Ok(blob) => receipt = blob,
                    Err(err) => return page(err),
                }
            }
            Ok(Some(part)) => {
                let name = part.name().unwrap_or("").to_string();
                f.insert(name, part.text().await.unwrap_or_default());
            }
            Ok(None) => break,
            Err(err) => return page(Error::Invalid(format!("The form could not be read: {err}"))),
        }
    }
    let draft = (|| -> crate::Result<ExpenseDraft> {
        let money =
            |name: &str| Cents::parse(field(&f, name)).map_err(|e| Error::Invalid(e.to_string()));
        let category = match field(&f, "category") {
            "travel" => ExpenseCategory::Travel,
            "purchase" => ExpenseCategory::Purchase,
            _ => ExpenseCategory::Other,
        };
        Ok(ExpenseDraft {
            date: date(&f, "date")?,
            category,
            description: field(&f, "description").into(),
            amount: money("amount")?,
            vat: money("vat")?,
            billed_to_client: f.contains_key("billed"),
        })
    })();
    let draft = match draft {
        Ok(d) => d,
        Err(err) => return page(err),
    };
    on_dossier(app, reader, headers, n, csrf(&f), move |s, u, d| {
        s.add_expense(u, d, draft, receipt).map(drop)
    })
    .await
}
