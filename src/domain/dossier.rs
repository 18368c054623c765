//! The dossier itself: its human number, status, followers, the parties' own references,
//! its mail key and its history.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ClientId, DossierId, UserId};

/// `2026-0042`: the year the dossier was opened and its sequence in that year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DossierNumber {
    /// Year of creation.
    pub year: u16,
    /// 1-based sequence within the year.
    pub seq: u32,
}

impl DossierNumber {
    /// Reads `2026-0042` (at least four digits of sequence).
    pub fn parse(text: &str) -> Option<Self> {
        let (year, seq) = text.trim().split_once('-')?;
        if year.len() != 4 || seq.len() < 4 || seq.len() > 9 {
            return None;
        }
        if !year.bytes().chain(seq.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number = DossierNumber {
            year: year.parse().ok()?,
            seq: seq.parse().ok()?,
        };
        (number.seq > 0).then_some(number)
    }
}

impl fmt::Display for DossierNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.year, self.seq)
    }
}

/// The unguessable part of a dossier's mail address: 80 random bits in lower-case hex,
/// so that outsiders cannot write into a dossier by guessing its number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MailKey(String);

impl MailKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Self {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        // A v4 uuid has 122 random bits; bytes 0..6 and 8 are fully random (6 is the version).
        let random = [
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[9], bytes[10],
            bytes[11], bytes[12],
        ];
        MailKey(hex::encode(random))
    }

    /// Wraps a key read from an address; `None` unless it has the right shape.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.to_ascii_lowercase();
        (text.len() == 20 && text.bytes().all(|b| b.is_ascii_hexdigit())).then_some(MailKey(text))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Open or closed; a closed dossier stays readable and refuses every change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Work goes on.
    Open,
    /// Finished: read-only for everyone until staff reopen it.
    Closed,
}

impl Status {
    /// `open` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

/// What happened to the dossier itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum HistoryKind {
    /// Opened.
    Created,
    /// Closed by staff.
    Closed,
    /// Reopened by staff.
    Reopened,
    /// Title or description changed.
    Edited,
    /// A staff member started following it.
    Followed,
    /// An intervenant was assigned.
    Assigned {
        /// Who.
        user: UserId,
        /// As what.
        role: String,
    },
    /// An intervenant was removed.
    Unassigned {
        /// Who.
        user: UserId,
    },
    /// A file was renamed by staff.
    FileRenamed {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// A file was deleted by staff.
    FileDeleted {
        /// Its name.
        name: String,
    },
    /// A quote, order or invoice, an event, an expense or a time entry was added,
    /// changed or cancelled.
    Item {
        /// Which kind of item.
        item: ItemKind,
        /// How people know it: a document's number, an event's title…
        label: String,
        /// What happened to it.
        change: ItemChange,
    },
    /// The staff's or the client's reference of the dossier changed (the value is not
    /// kept here: each party's reference is theirs).
    Reference {
        /// The client's (else the staff's).
        client: bool,
    },
}

/// The kinds of item the history speaks of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A quote.
    Quote,
    /// An order.
    Order,
    /// An invoice.
    Invoice,
    /// A credit note.
    #[serde(rename = "credit_note")]
    CreditNote,
    /// An event.
    Event,
    /// An expense.
    Expense,
    /// A time entry.
    Activity,
}

/// What happened to an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum ItemChange {
    /// Added.
    Added,
    /// Changed.
    Changed,
    /// Cancelled (an event).
    Cancelled,
    /// A document's status, from one to another.
    Status {
        /// Before.
        from: super::DocStatus,
        /// After.
        to: super::DocStatus,
    },
    /// A document sent by e-mail: to whom, and which PDF exactly.
    Sent {
        /// The recipients, as `Name <address>`.
        to: Vec<String>,
        /// The SHA-256 of the PDF the e-mails carried (kept as a blob).
        pdf_sha256: String,
    },
    /// A quote answered by its client on the web, with the proof.
    Answered(Box<super::Answer>),
    /// Someone answered an event's invitation from their calendar.
    Attendance {
        /// Who.
        user: UserId,
        /// What.
        answer: super::PartStat,
    },
    /// A reminder went: its step, tone and recipients (`Name <address>`).
    Reminded {
        /// From 1.
        step: u8,
        /// How it spoke.
        tone: super::reminders::Tone,
        /// To whom.
        to: Vec<String>,
    },
}

/// One line of a dossier's history: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When, UTC.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: UserId,
    /// What.
    pub what: HistoryKind,
}

/// One job for one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    /// Store id.
    pub id: DossierId,
    /// Human number, sequential per year.
    pub number: DossierNumber,
    /// Title.
    pub title: String,
    /// Free description.
    pub description: String,
    /// Whose job it is.
    pub client: ClientId,
    /// Open or closed.
    pub status: Status,
    /// Who opened it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Staff who follow it (the creator, when staff, and anyone who asked to).
    pub followers: Vec<UserId>,
    /// The client's own label for the dossier (their PO number…).
    pub client_reference: Option<String>,
    /// The business's internal reference.
    pub staff_reference: Option<String>,
    /// The unguessable part of the dossier's mail address.
    pub mail_key: MailKey,
}

impl Dossier {
    /// The dossier's mail address: its number for people, its key for safety
    /// (`2026-0042-3f9a…@domain`).
    pub fn mail_address(&self, addressing: &super::Addressing) -> String {
        addressing.write(&super::OurAddress::Dossier {
            number: self.number,
            key: self.mail_key.clone(),
        })
    }
}

/// What a new dossier is made of, before the store numbers it.
#[derive(Debug, Clone)]
pub struct NewDossier {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The client.
    pub client: ClientId,
    /// Who opens it.
    pub created_by: UserId,
    /// Initial followers.
    pub followers: Vec<UserId>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// A key that makes this creation happen once: asked again with the same key, the
    /// store returns the dossier it made the first time (the mail pipeline, after a crash).
    pub once: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dossier_numbers_read_back_what_they_print() {
        let n = DossierNumber {
            year: 2026,
            seq: 42,
        };
        assert_eq!(n.to_string(), "2026-0042");
        assert_eq!(DossierNumber::parse("2026-0042"), Some(n));
        assert_eq!(
            DossierNumber {
                year: 2026,
                seq: 12345
            }
            .to_string(),
            "2026-12345"
        );
        for bad in ["2026-42", "26-0042", "2026-00a2", "2026-0000", "", "2026"] {
            assert_eq!(DossierNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn mail_keys_carry_eighty_random_bits() {
        let a = MailKey::generate();
        let b = MailKey::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 20);
        assert_eq!(MailKey::parse(&a.as_str().to_uppercase()), Some(a));
        assert_eq!(MailKey::parse("xyz"), None);
    }
}
