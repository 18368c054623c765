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
    /// Storage failed (I/O, corruption): try again later. Its cause is kept for the log.
    #[error("storage error: {0}")]
    Storage(#[source] Cause),
}

/// What failed in storage, in words, and the error it came from when there is one: the
/// log shows both, and [`std::error::Error::source`] walks down to it.
#[derive(Debug)]
pub struct Cause {
    what: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Cause {
    /// `what` failed because of `source`.
    pub fn of(
        what: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Cause {
        Cause {
            what: what.into(),
            source: Some(Box::new(source)),
        }
    }
}

impl From<String> for Cause {
    fn from(what: String) -> Cause {
        Cause { what, source: None }
    }
}

impl From<&str> for Cause {
    fn from(what: &str) -> Cause {
        Cause::from(what.to_string())
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {source}", self.what),
            None => f.write_str(&self.what),
        }
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
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

    /// A storage failure described in words (the cause, when there is an error value,
    /// goes through [`Cause::of`]).
    pub fn storage(what: impl Into<String>) -> Error {
        Error::Storage(Cause::from(what.into()))
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
            Error::Storage(Cause::of(context, err))
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
            other => Error::Storage(Cause::of("store", other)),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::Storage(Cause::of("stored value unreadable", err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn a_storage_error_keeps_its_cause_for_the_log() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied");
        let err = Error::from_io("reading a blob", io);
        assert_eq!(
            err.to_string(),
            "storage error: reading a blob: permission denied"
        );
        let cause = err.source().expect("the cause");
        let io = cause.source().expect("the I/O error under it");
        assert_eq!(io.to_string(), "permission denied");
        let full = Error::from_io("writing", std::io::Error::from_raw_os_error(28));
        assert!(matches!(full, Error::DiskFull));
        assert!(
            Error::storage("a sentence")
                .source()
                .unwrap()
                .source()
                .is_none()
        );
    }
}
