//! Reminders (relances): an invoice past its due date is reminded on the business's
//! schedule (courteous, firm, then a formal notice), stopped once it is paid or a credit
//! note cancels it; a quote nearing the end of its validity is reminded once. Each
//! document may turn them off. The decision is pure: a document, its dossier's other
//! documents, the schedule and the day.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{BusinessProfile, DocKind, DocStatus, Document};

/// A document's reminders: whether they are off, and which went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reminders {
    /// Staff turned them off for this document.
    pub off: bool,
    /// The steps sent, in order.
    pub sent: Vec<SentReminder>,
}

/// One reminder that went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentReminder {
    /// Its step, from 1.
    pub step: u8,
    /// The day it went.
    pub on: NaiveDate,
}

/// How a reminder speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// The first: "sauf erreur de notre part".
    Courteous,
    /// The ones between.
    Firm,
    /// The last of several: a formal notice with the late-payment penalties.
    Formal,
    /// A quote about to expire.
    QuoteEnding,
}

/// The reminder `doc` is due on `today`, if any: its step and tone. Steps go in order,
/// one at a time and as far apart as the schedule sets them (a server down for a month
/// sends the courteous reminder first, not the formal notice).
pub fn due(
    doc: &Document,
    related: &[Document],
    profile: &BusinessProfile,
    today: NaiveDate,
) -> Option<(u8, Tone)> {
    if profile.no_reminders || doc.reminders.off {
        return None;
    }
    let last = doc.reminders.sent.iter().map(|r| r.step).max().unwrap_or(0);
    match doc.kind() {
        DocKind::Quote => {
            let until = doc.terms.valid_until?;
            let from = until.checked_sub_days(Days::new(profile.quote_reminder_days().into()))?;
            let waiting = doc.status == DocStatus::Sent && doc.answer.is_none();
            (waiting && last == 0 && from <= today && today <= until)
                .then_some((1, Tone::QuoteEnding))
        }
        DocKind::Invoice => {
            let due = doc.terms.due?;
            let unpaid = doc.frozen() && matches!(doc.status, DocStatus::Sent | DocStatus::Overdue);
            if !unpaid || cancelled(doc, related) {
                return None;
            }
            let steps = profile.reminder_days();
            let next = usize::from(last);
            let days = *steps.get(next)?;
            let mut from = due.checked_add_days(Days::new(u64::from(days)))?;
            // After a late one, the next waits its interval from it.
            if let (Some(previous), Some(sent)) = (
                next.checked_sub(1).and_then(|i| steps.get(i)),
                doc.reminders.sent.last(),
            ) {
                let gap = Days::new(u64::from(days.saturating_sub(*previous)));
                from = from.max(sent.on.checked_add_days(gap)?);
            }
            let step = last.checked_add(1)?;
            (from <= today).then(|| (step, tone(step, steps.len())))
        }
        DocKind::Order | DocKind::CreditNote => None,
    }
}

/// The tone of step `step` of `steps`.
fn tone(step: u8, steps: usize) -> Tone {
    match (step, steps) {
        (1, 1) | (1, _) => Tone::Courteous,
        (s, n) if usize::from(s) == n => Tone::Formal,
        _ => Tone::Firm,
    }
}

/// Whether issued credit notes take back all of `invoice`.
fn cancelled(invoice: &Document, related: &[Document]) -> bool {
    invoice.credited(related) >= invoice.totals().total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DocumentId, Issued, UserId};

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn doc(kind: DocKind, status: DocStatus, cents: i64) -> Document {
        let mut doc = Document::sample(kind, status, &[(cents, 0)]);
        doc.id = DocumentId::from_raw(cents as u64);
        doc.terms.due = Some(day(3, 31));
        doc.terms.valid_until = Some(day(3, 31));
        doc.issued = (kind != DocKind::Quote).then(|| Issued {
            at: doc.created_at,
            by: UserId::from_raw(1),
            seller: BusinessProfile::default(),
            buyer: crate::domain::Buyer {
                name: "c".into(),
                company: true,
                billing: Default::default(),
            },
        });
        doc
    }

    #[test]
    fn an_unpaid_invoice_is_reminded_on_the_schedule_each_step_once() {
        let p = BusinessProfile::default();
        let mut invoice = doc(DocKind::Invoice, DocStatus::Sent, 1000);
        assert_eq!(due(&invoice, &[], &p, day(4, 6)), None, "J+6");
        assert_eq!(
            due(&invoice, &[], &p, day(4, 7)),
            Some((1, Tone::Courteous))
        );
        invoice.reminders.sent.push(SentReminder {
            step: 1,
            on: day(4, 7),
        });
        assert_eq!(due(&invoice, &[], &p, day(4, 8)), None, "once");
        assert_eq!(due(&invoice, &[], &p, day(4, 15)), Some((2, Tone::Firm)));
        invoice.reminders.sent.push(SentReminder {
            step: 2,
            on: day(4, 15),
        });
        assert_eq!(due(&invoice, &[], &p, day(4, 30)), Some((3, Tone::Formal)));
        // Found a month late: the courteous one first, the next at its interval.
        let mut late = doc(DocKind::Invoice, DocStatus::Sent, 1000);
        assert_eq!(due(&late, &[], &p, day(6, 1)), Some((1, Tone::Courteous)));
        late.reminders.sent.push(SentReminder {
            step: 1,
            on: day(6, 1),
        });
        assert_eq!(
            due(&late, &[], &p, day(6, 8)),
            None,
            "eight days between the first two"
        );
        assert_eq!(due(&late, &[], &p, day(6, 9)), Some((2, Tone::Firm)));
        invoice.status = DocStatus::Paid;
        assert_eq!(due(&invoice, &[], &p, day(5, 2)), None, "paid stops them");
        invoice.status = DocStatus::Sent;
        invoice.reminders.off = true;
        assert_eq!(due(&invoice, &[], &p, day(5, 2)), None, "turned off");
        invoice.reminders.off = false;
        let mut credit = doc(DocKind::CreditNote, DocStatus::Sent, 1000);
        credit.source = Some(invoice.id);
        assert_eq!(due(&invoice, &[credit], &p, day(5, 2)), None, "cancelled");
        let stopped = BusinessProfile {
            no_reminders: true,
            ..BusinessProfile::default()
        };
        assert_eq!(due(&invoice, &[], &stopped, day(5, 2)), None);
    }

    #[test]
    fn a_quote_is_reminded_once_in_its_last_days() {
        let p = BusinessProfile::default();
        let mut quote = doc(DocKind::Quote, DocStatus::Sent, 1000);
        assert_eq!(due(&quote, &[], &p, day(3, 27)), None);
        assert_eq!(
            due(&quote, &[], &p, day(3, 28)),
            Some((1, Tone::QuoteEnding))
        );
        assert_eq!(due(&quote, &[], &p, day(4, 1)), None, "expired");
        quote.reminders.sent.push(SentReminder {
            step: 1,
            on: day(3, 28),
        });
        assert_eq!(due(&quote, &[], &p, day(3, 29)), None, "once");
        let draft = doc(DocKind::Quote, DocStatus::Draft, 1000);
        assert_eq!(due(&draft, &[], &p, day(3, 28)), None, "never sent");
    }
}
