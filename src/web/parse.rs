//! The field parsers of the dossier forms, in one place: text, dates, times, money,
//! quantities and VAT rates as people type them (`1 234,56`, `5,5`). A field that does
//! not read is refused with a sentence about that field, in both languages.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::{
    ActivityDraft, Cents, DocumentId, EventDraft, EventTime, ExpenseCategory, ExpenseDraft, Line,
    Quantity, UserId, VatRate,
};
use crate::error::{Error, Refusal, Result};
use crate::templates::fields::{Fields, MAX_LINES};

/// A field's value, trimmed; empty when absent.
pub fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(|s| s.trim()).unwrap_or("")
}

fn refuse(name: &'static str, fr: String, en: String) -> Error {
    Error::Invalid(Refusal::new(fr, en).on(name))
}

/// A day typed as `2026-03-10` (what a date field sends).
pub fn date(fields: &Fields, name: &'static str) -> Result<NaiveDate> {
    let text = field(fields, name);
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| match text {
        "" => refuse(name, "Indiquez une date.".into(), "Give a date.".into()),
        _ => refuse(
            name,
            format!("« {text} » n'est pas une date : écrivez-la comme 2026-03-10."),
            format!("«{text}» is not a date: write it as 2026-03-10."),
        ),
    })
}

/// The share of a deposit: `30 %` (or `30`) is a percentage, `1 500 €` an amount
/// before tax.
pub fn share(fields: &Fields, name: &'static str) -> Result<crate::domain::Share> {
    use crate::domain::{Cents, Share, VatRate};
    let text = field(fields, name);
    if text.ends_with('€') {
        return Cents::parse(text)
            .map(Share::Amount)
            .map_err(|_| not_a_number(name, text));
    }
    VatRate::parse(text)
        .map(|rate| Share::Percent(rate.0))
        .map_err(|_| {
            refuse(
                name,
                format!("« {text} » n'est ni un pourcentage (30 %) ni un montant (1 500 €)."),
                format!("«{text}» is neither a percentage (30 %) nor an amount (1,500 €)."),
            )
        })
}

/// A date that may be left empty.
pub fn optional_date(fields: &Fields, name: &'static str) -> Result<Option<NaiveDate>> {
    match field(fields, name) {
        "" => Ok(None),
        _ => date(fields, name).map(Some),
    }
}

/// What a document form says besides its lines: validity, due date, payment, nature,
/// building work, reverse charge and a note.
pub fn terms(fields: &Fields) -> Result<crate::domain::Terms> {
    use crate::domain::Nature;
    Ok(crate::domain::Terms {
        valid_until: optional_date(fields, "valid_until")?,
        due: optional_date(fields, "due")?,
        payment: field(fields, "payment").into(),
        nature: match field(fields, "nature") {
            "goods" => Nature::Goods,
            "mixed" => Nature::Mixed,
            _ => Nature::Services,
        },
        building_work: fields.contains_key("building_work"),
        reverse_charge: fields.contains_key("reverse_charge"),
        note: field(fields, "note").into(),
    })
}

fn not_a_number(name: &'static str, text: &str) -> Error {
    match text {
        "" => refuse(name, "Indiquez un nombre.".into(), "Give a number.".into()),
        _ => refuse(
            name,
            format!("« {text} » n'est pas un nombre : écrivez par exemple 12,50."),
            format!("«{text}» is not a number: write for example 12.50."),
        ),
    }
}

/// An amount of money in euros: `12,50`, `1 234`.
pub fn money(fields: &Fields, name: &'static str) -> Result<Cents> {
    let text = field(fields, name);
    Cents::parse(text).map_err(|_| not_a_number(name, text))
}

/// An event's fields: timed when both times are given (in the business's zone), else
/// whole days.
pub fn event(f: &Fields, zone: Tz) -> Result<EventDraft> {
    let first = date(f, "start")?;
    let last = match field(f, "end") {
        "" => first,
        _ => date(f, "end")?,
    };
    let time_of = |name: &'static str| -> Result<Option<NaiveTime>> {
        match field(f, name) {
            "" => Ok(None),
            text => NaiveTime::parse_from_str(text, "%H:%M")
                .map(Some)
                .map_err(|_| {
                    refuse(
                        name,
                        format!("« {text} » n'est pas une heure : écrivez-la comme 14:30."),
                        format!("«{text}» is not a time: write it as 14:30."),
                    )
                }),
        }
    };
    let time = match (time_of("start_time")?, time_of("end_time")?) {
        (Some(a), Some(b)) => {
            let at = |d: NaiveDate, t, name| {
                zone.from_local_datetime(&d.and_time(t))
                    .earliest()
                    .map(|x| x.with_timezone(&Utc))
                    .ok_or_else(|| {
                        refuse(
                            name,
                            "Cette heure n'existe pas ce jour-là (changement d'heure).".into(),
                            "That time does not exist on that day (clock change).".into(),
                        )
                    })
            };
            EventTime::Timed {
                start: at(first, a, "start_time")?,
                end: at(last, b, "end_time")?,
            }
        }
        (Some(_), None) => {
            return Err(refuse(
                "end_time",
                "Indiquez aussi l'heure de fin, ou aucune heure pour la journée entière.".into(),
                "Give the end time too, or no time for the whole day.".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(refuse(
                "start_time",
                "Indiquez aussi l'heure de début, ou aucune heure pour la journée entière.".into(),
                "Give the start time too, or no time for the whole day.".into(),
            ));
        }
        (None, None) => EventTime::AllDay { first, last },
    };
    Ok(EventDraft {
        title: field(f, "title").into(),
        time,
        place: field(f, "place").into(),
        description: field(f, "description").into(),
        attendees: Vec::new(),
    })
}

/// A document's lines (`description_0`, `quantity_0`, `unit_0`, `price_0`, `vat_0`…),
/// as many as posted up to [`MAX_LINES`]; lines with no description are left out.
pub fn lines(f: &Fields) -> Result<Vec<Line>> {
    let mut lines = Vec::new();
    for i in 0..MAX_LINES {
        let Some(description) = f.get(&format!("description_{i}")) else {
            break;
        };
        if description.trim().is_empty() {
            continue;
        }
        let value = |name: &str| field(f, &format!("{name}_{i}")).to_string();
        let bad = |what_fr: &str, what_en: &str, text: String| {
            refuse(
                "lines",
                format!(
                    "Ligne {} : {what_fr} « {text} » ne se lit pas comme un nombre.",
                    i + 1
                ),
                format!(
                    "Line {}: the {what_en} «{text}» does not read as a number.",
                    i + 1
                ),
            )
        };
        let (quantity, price, vat) = (value("quantity"), value("price"), value("vat"));
        lines.push(Line {
            description: description.trim().into(),
            quantity: Quantity::parse(&quantity)
                .map_err(|_| bad("la quantité", "quantity", quantity))?,
            unit: value("unit"),
            unit_price: Cents::parse(&price).map_err(|_| bad("le prix", "price", price))?,
            vat_rate: VatRate::parse(&vat).map_err(|_| bad("la TVA", "VAT rate", vat))?,
        });
    }
    Ok(lines)
}

/// A time entry's fields, for `user`: hours as `1,5`.
pub fn activity(f: &Fields, user: UserId) -> Result<ActivityDraft> {
    let text = field(f, "hours");
    let hours = Quantity::parse(text).map_err(|_| not_a_number("hours", text))?;
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
pub fn expense(f: &Fields) -> Result<ExpenseDraft> {
    let category = match field(f, "category") {
        "travel" => ExpenseCategory::Travel,
        "purchase" => ExpenseCategory::Purchase,
        _ => ExpenseCategory::Other,
    };
    let date = date(f, "date")?;
    let amount = money(f, "amount")?;
    let vat = match field(f, "vat_rate") {
        "" | "keep" => money(f, "vat")?,
        rate => VatRate::parse(rate)
            .ok()
            .filter(|r| VatRate::FRENCH.contains(r))
            .ok_or_else(|| {
                refuse(
                    "vat_rate",
                    "Choisissez un taux de TVA : 20, 10, 5,5, 2,1 ou 0 %.".into(),
                    "Choose a VAT rate: 20, 10, 5.5, 2.1 or 0 %.".into(),
                )
            })?
            .of(amount),
    };
    let negative = |name| {
        refuse(
            name,
            "Une dépense ne peut pas être négative : saisissez le montant sans signe moins.".into(),
            "An expense cannot be negative: type the amount without a minus sign.".into(),
        )
    };
    if amount.0 < 0 {
        return Err(negative("amount"));
    }
    if vat.0 < 0 {
        return Err(negative("vat"));
    }
    Ok(ExpenseDraft {
        date,
        category,
        description: field(f, "description").into(),
        amount,
        vat,
        billed_to_client: f.contains_key("billed"),
    })
}
