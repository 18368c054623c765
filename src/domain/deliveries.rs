//! Outgoing notifications: a person's preferences per dossier, and the e-mails waiting
//! in (or gone through) the delivery queue.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DossierId, EmailAddress, Id, Part, UserId};

/// The kinds of additions a person may hear about, each on or off per dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// New messages.
    Messages,
    /// New files.
    Files,
    /// New, changed or cancelled events.
    Events,
}

/// A person's notification preferences on one dossier; everything on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    /// Hear about messages.
    pub messages: bool,
    /// Hear about files.
    pub files: bool,
    /// Hear about events.
    pub events: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            messages: true,
            files: true,
            events: true,
        }
    }
}

impl Prefs {
    /// Everything off: the one-click mute.
    pub const MUTED: Prefs = Prefs {
        messages: false,
        files: false,
        events: false,
    };

    /// Whether this kind is on.
    pub fn wants(&self, kind: NoticeKind) -> bool {
        match kind {
            NoticeKind::Messages => self.messages,
            NoticeKind::Files => self.files,
            NoticeKind::Events => self.events,
        }
    }
}

/// Where an outgoing e-mail stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum OutState {
    /// Waiting for its next attempt.
    Pending,
    /// Accepted by the relay (or written to the folder).
    Sent {
        /// When.
        at: DateTime<Utc>,
    },
    /// Given up: a permanent refusal, or too long in the queue. Staff may retry it.
    Dead {
        /// When.
        at: DateTime<Utc>,
    },
    /// Refused for its recipient (an unknown mailbox), by the relay at once or by a
    /// delivery report later: counted as a hard bounce of the address.
    Bounced {
        /// When.
        at: DateTime<Utc>,
    },
}

/// One e-mail to one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutMail {
    /// Store id.
    pub id: OutId,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// The dossier it is about (none for sign-in links and invitations).
    pub dossier: Option<DossierId>,
    /// The person.
    pub user: UserId,
    /// Their address.
    pub recipient: EmailAddress,
    /// The envelope sender: this e-mail's bounce (VERP) address.
    pub envelope_from: String,
    /// Its Message-ID, without brackets.
    pub message_id: String,
    /// Subject, for the staff listing.
    pub subject: String,
    /// The whole message, stored as a blob…
    pub raw_sha256: String,
    /// …or as this part of it, when it was written with others of its pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_part: Option<Part>,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due.
    pub next_at: DateTime<Utc>,
    /// Pending, sent or dead.
    pub state: OutState,
    /// The last refusal or error.
    pub last_error: Option<String>,
}

/// An outgoing e-mail.
pub type OutId = Id<OutMail>;
