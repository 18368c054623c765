//! The crate's error type. User errors (not found, refused, closed, invalid, conflict)
//! carry a sentence for the person; storage and internal errors carry the cause for the
//! log and become "try again later" at every door (HTTP 503, SMTP 4xx, exit 75).

use std::borrow::Cow;
use std::fmt;

use crate::domain::Lang;
use crate::policy::Denial;

/// A sentence for the person who must fix their input, in each language the product
/// speaks, and the form field it is about (if one is): the web shows it next to that
/// field, in the reader's language; the other doors speak English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    field: Option<&'static str>,
    fr: Cow<'static, str>,
    en: Cow<'static, str>,
}

impl Refusal {
    /// The sentence in French and in English.
    pub fn new(fr: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Refusal {
        Refusal {
            field: None,
            fr: fr.into(),
            en: en.into(),
        }
    }

    /// A sentence for operators, who read the command line in English (backups,
    /// configuration): the same words in either language.
    pub fn plain(text: impl Into<Cow<'static, str>>) -> Refusal {
        let text = text.into();
        Refusal {
            field: None,
            fr: text.clone(),
            en: text,
        }
    }

    /// The same sentence, about the form field `name`.
    pub fn on(mut self, name: &'static str) -> Refusal {
        self.field = Some(name);
        self
    }

    /// The field it is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }

    /// The sentence in `lang`.
    pub fn say(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// Everything that can go wrong in a service call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or the user may not know it does.
    #[error("not found")]
    NotFound,
    /// The user sees the thing but may not do this.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// The dossier is closed: no change, for anyone.
    #[error("this dossier is closed: it can be read but no longer changed")]
    Closed,
    /// Bad input; the sentence says what to fix.
    #[error("{0}")]
    Invalid(Refusal),
    /// The input clashes with what exists (an address already in use…).
    #[error("{0}")]
    Conflict(Refusal),
    /// This piece of work was already done (the same mail ingested twice).
    #[error("this was already recorded")]
    Duplicate,
    /// The data folder is used by another process (sled holds a lock).
    #[error("the data folder {0} is in use by another dossier process")]
    Locked(String),
    /// No space left on the data folder's disk.
    #[error("the disk holding the data folder is full")]
    DiskFull,
    /// A stored record can never be read (damaged on disk); retrying will not help.
    #[error("damaged record: {0}")]
    Damaged(String),
    /// Storage failed (I/O, corruption): try again later.
    #[error("storage error: {0}")]
    Storage(String),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether the person can fix this by changing their input (as opposed to retrying).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::NotFound
                | Error::Forbidden
                | Error::Closed
                | Error::Invalid(_)
                | Error::Conflict(_)
        )
    }

    /// Bad input, said in French and in English.
    pub fn invalid(fr: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Error {
        Error::Invalid(Refusal::new(fr, en))
    }

    /// The refusal a person can act on (bad input or a clash), if this is one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Error::Invalid(why) | Error::Conflict(why) => Some(why),
            _ => None,
        }
    }

    /// A storage error from an I/O error, recognising a full disk.
    pub fn from_io(context: &str, err: std::io::Error) -> Error {
        if err.raw_os_error() == Some(28) || err.kind() == std::io::ErrorKind::StorageFull {
            Error::DiskFull
        } else {
            Error::Storage(format!("{context}: {err}"))
        }
    }
}

impl From<Denial> for Error {
    fn from(denial: Denial) -> Self {
        match denial {
            Denial::NotFound => Error::NotFound,
            Denial::Forbidden => Error::Forbidden,
            Denial::Closed => Error::Closed,
        }
    }
}

impl From<sled::Error> for Error {
    fn from(err: sled::Error) -> Self {
        match err {
            sled::Error::Io(io) => Error::from_io("store", io),
            other => Error::Storage(other.to_string()),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::Storage(format!("stored value unreadable: {err}"))
    }
}
