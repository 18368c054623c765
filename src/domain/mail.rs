//! What the inbound pipeline records: the envelope of an accepted message, reply
//! addresses, the processing log with its outcomes, held mail, and the health of the
//! addresses we send to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DossierId, EmailAddress, Id, MessageId, Token, UserId};

/// How a message reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Entrance {
    /// The SMTP listener.
    Smtp,
    /// The LMTP listener.
    Lmtp,
    /// `dossier ingest` (an MTA's pipe).
    Ingest,
    /// A mailbox read over IMAP.
    Imap,
}

/// The envelope of an accepted message: who the sending server says it is from, and the
/// recipients accepted at RCPT (or given to `ingest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// `MAIL FROM`; `None` for the null sender `<>` (bounces, auto-replies).
    pub sender: Option<String>,
    /// Accepted recipients, as written.
    pub recipients: Vec<String>,
    /// Door.
    pub entrance: Entrance,
    /// The peer's address, for the log and SPF.
    pub peer: Option<String>,
    /// The name the peer gave in EHLO/HELO, for SPF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helo: Option<String>,
    /// When we accepted it.
    pub received_at: DateTime<Utc>,
    /// A stable name of this very message at its source, when the door has one
    /// (`imap/<mailbox>/<uidvalidity>/<uid>`): the same message fetched twice is done once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The reply address of one recipient on one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyAddress {
    /// The token in the local part.
    pub token: Token,
    /// The dossier.
    pub dossier: DossierId,
    /// The only person whose replies it takes.
    pub user: UserId,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// A revoked address takes nothing more (mail to it is held).
    pub revoked: bool,
    /// The secret of its mute link, made on first use (never the reply token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<Token>,
}

/// Where a bounce address points: the notification's recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BounceTarget {
    /// The token in the local part.
    pub token: Token,
    /// The address the notification went to.
    pub recipient: EmailAddress,
    /// The dossier it was about.
    pub dossier: Option<DossierId>,
    /// The e-mail it was the bounce address of.
    #[serde(default)]
    pub mail: Option<super::OutId>,
}

/// Bounces seen for one of the addresses we send to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressHealth {
    /// The address.
    pub email: EmailAddress,
    /// Hard bounces counted since the last delivery.
    pub hard_bounces: u32,
    /// Soft (temporary) bounces seen.
    pub soft_bounces: u32,
    /// Last bounce.
    pub last_bounce: Option<DateTime<Utc>>,
    /// Mail to it stopped (three hard bounces).
    pub stopped: bool,
}

/// Hard bounces after which mail to an address stops.
pub const HARD_BOUNCE_LIMIT: u32 = 3;

/// What the pipeline did with one message for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    /// Posted as a message (with its attachments as files).
    Posted {
        /// The dossier.
        dossier: DossierId,
        /// The message.
        message: MessageId,
    },
    /// A new dossier was opened with it.
    Created {
        /// The dossier.
        dossier: DossierId,
        /// Its first message.
        message: MessageId,
    },
    /// Held for staff review.
    Held {
        /// The held mail.
        held: HeldId,
    },
    /// An automatic reply: recorded, not posted.
    AutoReply,
    /// A bounce or delivery report: recorded against the recipient address.
    Bounce,
    /// Carries our own loop header: dropped.
    Loop,
    /// Already ingested for this dossier (same Message-ID).
    Duplicate,
    /// Nothing left after trimming and no attachment.
    Empty,
    /// Refused after acceptance (mail bomb, rate limit, malformed); the reason says why.
    Dropped,
    /// Refused at RCPT (unknown address, closed dossier): the sender was told at once.
    Refused,
    /// An invited person's answer from their calendar, recorded on the event.
    CalendarAnswer,
}

impl Outcome {
    /// A short name for logs and `inspect`.
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Posted { .. } => "posted",
            Outcome::Created { .. } => "created",
            Outcome::Held { .. } => "held",
            Outcome::AutoReply => "auto-reply",
            Outcome::Bounce => "bounce",
            Outcome::Loop => "loop",
            Outcome::Duplicate => "duplicate",
            Outcome::Empty => "empty",
            Outcome::Dropped => "dropped",
            Outcome::Refused => "refused",
            Outcome::CalendarAnswer => "calendar_answer",
        }
    }
}

/// One line of the mail processing log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Store id (time ordered).
    pub id: LogId,
    /// When it was processed.
    pub at: DateTime<Utc>,
    /// The recipient this line is about.
    pub recipient: String,
    /// The envelope sender.
    pub sender: Option<String>,
    /// The From header's address.
    pub from: Option<String>,
    /// Subject.
    pub subject: String,
    /// Message-ID header.
    pub message_id: Option<String>,
    /// The kept raw message (a blob).
    pub raw_sha256: String,
    /// The dossier concerned, if known.
    pub dossier: Option<DossierId>,
    /// What happened.
    pub outcome: Outcome,
    /// Why, in sentences.
    pub reasons: Vec<String>,
    /// The sender checks, when they ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<super::SenderCheck>,
}

/// A message held for staff review: approve as a chosen user, or discard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldMail {
    /// Store id.
    pub id: HeldId,
    /// When it was held.
    pub at: DateTime<Utc>,
    /// The recipient it was sent to.
    pub recipient: String,
    /// The dossier it would go to, if known.
    pub dossier: Option<DossierId>,
    /// The From header's address.
    pub from: Option<String>,
    /// Subject.
    pub subject: String,
    /// The kept raw message (a blob).
    pub raw_sha256: String,
    /// Why it was held.
    pub reasons: Vec<String>,
    /// The sender checks, shown to staff in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<super::SenderCheck>,
    /// The text as it would be posted (trimmed), for staff to judge it; empty for mail
    /// held before it was kept.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// The names of its attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
}

/// A mail log line.
pub type LogId = Id<LogEntry>;
/// A held mail.
pub type HeldId = Id<HeldMail>;
