//! Typed identifiers: a `u64` that knows what it points at, so a `FileId` can never be
//! passed where a `MessageId` is expected. Ids come from the store's monotonic generator,
//! so ordering by id is ordering by creation.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id of one record of kind `T`.
pub struct Id<T> {
    raw: u64,
    kind: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// Wraps a raw id; only the store and parsers of ids in URLs call this.
    pub const fn from_raw(raw: u64) -> Self {
        Id {
            raw,
            kind: PhantomData,
        }
    }

    /// The raw number, for keys and URLs.
    pub const fn raw(self) -> u64 {
        self.raw
    }
}

// Manual impls: deriving would demand `T: Clone`, `T: Eq`… of the marker type.
impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Id<T> {}
impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<T> Eq for Id<T> {}
impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl<T> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state)
    }
}
impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.raw)
    }
}
impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.raw)
    }
}
impl<T> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.raw)
    }
}
impl<'de, T> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u64::deserialize(d).map(Id::from_raw)
    }
}

/// A user (staff member, client person, intervenant).
pub type UserId = Id<super::User>;
/// A client: a company or a single person.
pub type ClientId = Id<super::Client>;
/// A dossier.
pub type DossierId = Id<super::Dossier>;
/// A quote, order or invoice.
pub type DocumentId = Id<super::Document>;
/// An event.
pub type EventId = Id<super::Event>;
/// An expense.
pub type ExpenseId = Id<super::Expense>;
/// A file of a dossier.
pub type FileId = Id<super::FileEntry>;
/// An intervenant assignment.
pub type AssignmentId = Id<super::Assignment>;
/// An activity (time entry).
pub type ActivityId = Id<super::Activity>;
/// A discussion message.
pub type MessageId = Id<super::Message>;
/// A notification intent in the outbox.
pub type IntentId = Id<super::Intent>;
