//! Notification intents: written in the same transaction as the file, message or event
//! that causes them, consumed by the notification worker. They name the item, not the
//! recipients: who may see it is decided when the e-mail is made.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DossierId, EventId, FileId, IntentId, MessageId, UserId};

/// What happened to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventChange {
    /// Created.
    Created,
    /// Changed (time, place…).
    Updated,
    /// Cancelled.
    Cancelled,
}

/// The item a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Subject {
    /// A new message.
    Message(MessageId),
    /// A new file.
    File(FileId),
    /// A new, changed or cancelled event.
    Event(EventId, EventChange),
}

/// "Tell the other actors of `dossier` that `author` did this."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    /// Store id (monotonic: the outbox drains in order).
    pub id: IntentId,
    /// The dossier.
    pub dossier: DossierId,
    /// Who caused it (never notified).
    pub author: UserId,
    /// What happened.
    pub subject: Subject,
    /// When.
    pub at: DateTime<Utc>,
}
