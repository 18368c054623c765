//! The other contents of a dossier: events, expenses, intervenant assignments and
//! activities (time entries).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::money::Cents;
use super::{ActivityId, AssignmentId, BlobRef, DocumentId, DossierId, EventId, ExpenseId, UserId};

/// When an event happens: two UTC instants, or whole days (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EventTime {
    /// From `start` to `end`, UTC; shown in the business's time zone.
    Timed {
        /// Start.
        start: DateTime<Utc>,
        /// End, not before start.
        end: DateTime<Utc>,
    },
    /// Whole days, `first` to `last` inclusive.
    AllDay {
        /// First day.
        first: NaiveDate,
        /// Last day, not before first.
        last: NaiveDate,
    },
}

impl EventTime {
    /// The day it starts (in UTC for a timed event: enough to put events in order).
    pub fn first_day(&self) -> NaiveDate {
        match self {
            EventTime::Timed { start, .. } => start.date_naive(),
            EventTime::AllDay { first, .. } => *first,
        }
    }

    /// The day it ends (in UTC for timed events, as [`EventTime::first_day`]).
    pub fn last_day(&self) -> NaiveDate {
        match self {
            EventTime::Timed { end, .. } => end.date_naive(),
            EventTime::AllDay { last, .. } => *last,
        }
    }

    /// Checks that the end is not before the start.
    pub fn validate(&self) -> Result<(), crate::error::Refusal> {
        let ok = match self {
            EventTime::Timed { start, end } => end >= start,
            EventTime::AllDay { first, last } => last >= first,
        };
        ok.then_some(()).ok_or_else(|| {
            crate::error::Refusal::new(
                "La fin d'un événement ne peut pas précéder son début.",
                "The end of an event must not be before its start.",
            )
            .on("end")
        })
    }
}

/// An appointment, meeting or site visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Store id.
    pub id: EventId,
    /// Its dossier.
    pub dossier: DossierId,
    /// Stable iCalendar UID, kept across every change.
    pub uid: String,
    /// iCalendar SEQUENCE: 0 at creation, +1 on every change or cancellation.
    pub sequence: u32,
    /// Title.
    pub title: String,
    /// When.
    pub time: EventTime,
    /// Where.
    pub place: String,
    /// Details.
    pub description: String,
    /// Who is expected.
    pub attendees: Vec<UserId>,
    /// Cancelled events stay listed, marked.
    pub cancelled: bool,
    /// Who made it.
    pub created_by: UserId,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// What each invited person answered from their calendar (iTIP REPLY), latest
    /// answer each.
    #[serde(default)]
    pub answers: Vec<Attendance>,
}

/// A person's answer to an event's invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartStat {
    /// Comes.
    Accepted,
    /// Does not come.
    Declined,
    /// Might come.
    Tentative,
}

/// One person's answer to an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    /// Who.
    pub user: UserId,
    /// What.
    pub answer: PartStat,
    /// When we received it.
    pub at: DateTime<Utc>,
}

/// The editable content of an event.
#[derive(Debug, Clone)]
pub struct EventDraft {
    /// Title.
    pub title: String,
    /// When.
    pub time: EventTime,
    /// Where.
    pub place: String,
    /// Details.
    pub description: String,
    /// Who is expected.
    pub attendees: Vec<UserId>,
}

/// Travel, purchase or other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpenseCategory {
    /// Déplacement.
    Travel,
    /// Achat.
    Purchase,
    /// Autre.
    Other,
}

/// A cost incurred for the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expense {
    /// Store id.
    pub id: ExpenseId,
    /// Its dossier.
    pub dossier: DossierId,
    /// Date of the expense.
    pub date: NaiveDate,
    /// Category.
    pub category: ExpenseCategory,
    /// What it was.
    pub description: String,
    /// Amount before tax.
    pub amount: Cents,
    /// VAT paid on it.
    pub vat: Cents,
    /// Billed to the client: only these are shown to clients and intervenants.
    pub billed_to_client: bool,
    /// The receipt, kept apart from the dossier's files so that it is only reachable
    /// by those who may see the expense.
    pub receipt: Option<BlobRef>,
    /// Who recorded it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The editable content of an expense.
#[derive(Debug, Clone)]
pub struct ExpenseDraft {
    /// Date.
    pub date: NaiveDate,
    /// Category.
    pub category: ExpenseCategory,
    /// Description.
    pub description: String,
    /// Amount before tax.
    pub amount: Cents,
    /// VAT.
    pub vat: Cents,
    /// Billed to the client.
    pub billed_to_client: bool,
}

/// A third party with a role on a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Store id.
    pub id: AssignmentId,
    /// Its dossier.
    pub dossier: DossierId,
    /// The intervenant.
    pub user: UserId,
    /// Their role: sous-traitant, architecte…
    pub role: String,
    /// Since when.
    pub since: DateTime<Utc>,
    /// The intervenant's own label for the dossier, seen by them and staff.
    pub own_reference: Option<String>,
}

/// Time spent on the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Store id.
    pub id: ActivityId,
    /// Its dossier.
    pub dossier: DossierId,
    /// Who worked.
    pub user: UserId,
    /// On which day.
    pub date: NaiveDate,
    /// How long, in minutes.
    pub minutes: u32,
    /// What was done.
    pub description: String,
    /// The order it counts against, if any.
    pub order: Option<DocumentId>,
    /// Who recorded it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The content of a new time entry.
#[derive(Debug, Clone)]
pub struct ActivityDraft {
    /// Who worked.
    pub user: UserId,
    /// Day.
    pub date: NaiveDate,
    /// Minutes, more than zero.
    pub minutes: u32,
    /// What was done.
    pub description: String,
    /// Order it counts against.
    pub order: Option<DocumentId>,
}
