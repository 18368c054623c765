//! A client's answer to a quote on the web — accepted ("bon pour accord") or refused
//! with a reason — confirmed by a six-digit code e-mailed to them: the code waiting to be
//! typed ([`Confirmation`], kept as a salted hash, valid a quarter of an hour, a few
//! tries) and the proof kept on the quote once it is typed ([`Answer`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{DocumentId, DossierId, EmailAddress, UserId};

/// How long a code may be typed.
pub const CODE_MINUTES: i64 = 15;
/// How many wrong codes end a confirmation.
pub const CODE_TRIES: u8 = 5;
/// How soon another code may be asked for (the client's mailbox is not a target).
pub const CODE_RESEND_SECONDS: i64 = 60;

/// What the client answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Bon pour accord.
    Accept,
    /// Refused, with a reason.
    Refuse,
}

/// The proof of an answer: who, when, from where, which code address, which PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Accepted or refused.
    pub decision: Decision,
    /// The person signed in.
    pub by: UserId,
    /// The name they typed.
    pub name: String,
    /// Why they refused (empty for an acceptance).
    pub reason: String,
    /// When the code was typed.
    pub at: DateTime<Utc>,
    /// The client's address as the web door saw it.
    pub ip: String,
    /// Their browser, as it named itself.
    pub user_agent: String,
    /// Where the code was e-mailed.
    pub code_sent_to: EmailAddress,
    /// The SHA-256 of the PDF of the quote as answered (kept as a blob).
    pub pdf_sha256: String,
}

/// An answer waiting for its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The quote's dossier.
    pub dossier: DossierId,
    /// The quote.
    pub document: DocumentId,
    /// Who answers.
    pub user: UserId,
    /// What they answer.
    pub decision: Decision,
    /// The name they typed.
    pub name: String,
    /// Why they refuse.
    pub reason: String,
    /// Where the code went.
    pub sent_to: EmailAddress,
    /// When it went.
    pub sent_at: DateTime<Utc>,
    /// Random salt of the hash.
    pub salt: String,
    /// SHA-256 of the salt and the code.
    pub code_sha256: String,
    /// Wrong codes still allowed.
    pub tries_left: u8,
    /// What the quote said when the code was asked for (a SHA-256 of its content): a
    /// quote changed since is not answered with this code.
    #[serde(default)]
    pub quote_sha256: String,
}

/// What a typed code gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    /// The right code, in time: the confirmation, now used.
    Right(Box<Confirmation>),
    /// A wrong code; this many tries are left.
    Wrong(u8),
    /// Too late, too many wrong codes, or no code asked for: ask for another.
    Over,
}

fn hash(salt: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{salt}:{code}").as_bytes()))
}

/// Six random digits.
pub fn new_code() -> String {
    let random = u128::from_le_bytes(uuid::Uuid::new_v4().into_bytes()) >> 8;
    format!("{:06}", random % 1_000_000)
}

impl Confirmation {
    /// Keeps `code` as a salted hash.
    pub fn with_code(mut self, code: &str) -> Confirmation {
        self.salt = super::Token::generate().to_string();
        self.code_sha256 = hash(&self.salt, code);
        self.tries_left = CODE_TRIES;
        self
    }

    /// Whether the code can still be typed at `now`.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        self.tries_left > 0 && now < self.sent_at + chrono::Duration::minutes(CODE_MINUTES)
    }

    /// Whether `typed` (spaces allowed) is the code.
    pub fn is_code(&self, typed: &str) -> bool {
        let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        hash(&self.salt, &typed) == self.code_sha256
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> Confirmation {
        Confirmation {
            dossier: DossierId::from_raw(1),
            document: DocumentId::from_raw(2),
            user: UserId::from_raw(3),
            decision: Decision::Accept,
            name: "Hélène Garnier".into(),
            reason: String::new(),
            sent_to: EmailAddress::parse("helene@client.test").unwrap(),
            sent_at: Utc::now(),
            salt: String::new(),
            code_sha256: String::new(),
            tries_left: 0,
            quote_sha256: String::new(),
        }
    }

    #[test]
    fn a_code_is_six_digits_kept_salted_and_typed_with_spaces() {
        let code = new_code();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let c = pending().with_code("123456");
        assert!(!c.code_sha256.contains("123456"));
        assert!(c.is_code("123 456") && c.is_code(" 123456 "));
        assert!(!c.is_code("123457") && !c.is_code(""));
        assert_ne!(
            pending().with_code("123456").code_sha256,
            c.code_sha256,
            "each code has its own salt"
        );
    }

    #[test]
    fn a_code_closes_after_a_quarter_of_an_hour_or_its_tries() {
        let c = pending().with_code("123456");
        assert!(c.open_at(c.sent_at + chrono::Duration::minutes(14)));
        assert!(!c.open_at(c.sent_at + chrono::Duration::minutes(15)));
        let mut spent = c.clone();
        spent.tries_left = 0;
        assert!(!spent.open_at(c.sent_at));
    }
}
