//! Users and clients. A user's role on a dossier is never stored here: the policy derives
//! it from the staff flag, client membership and intervenant assignments.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ClientId, EmailAddress, UserId};

/// The language a person reads the web view and e-mails in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Reads `fr` or `en`.
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The French or the English of a text, as this language asks.
    pub fn t(self, fr: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    /// A whole number with its thousands grouped as this language writes them:
    /// `20 000` (narrow no-break spaces) / `20,000`.
    pub fn number(self, n: u64) -> String {
        let digits = n.to_string();
        let separator = match self {
            Lang::Fr => '\u{202f}',
            Lang::En => ',',
        };
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(separator);
            }
            grouped.push(c);
        }
        grouped
    }

    /// `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

/// A person who can sign in or write by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Store id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// One or more addresses, unique across users; the first one receives mail.
    pub emails: Vec<EmailAddress>,
    /// Reading language.
    pub lang: Lang,
    /// A staff member of the business (sees and edits every dossier).
    pub staff: bool,
    /// argon2id PHC string; `None` for people who only sign in by link.
    pub password_hash: Option<String>,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// Which generation of sessions is valid: a changed password starts a new one, so
    /// a session begun with the old password, even while it changed, is over.
    #[serde(default)]
    pub session_epoch: u64,
}

impl User {
    /// The address notifications go to.
    pub fn primary_email(&self) -> &EmailAddress {
        &self.emails[0]
    }

    /// Whether `email` is one of this user's addresses.
    pub fn owns(&self, email: &EmailAddress) -> bool {
        self.emails.contains(email)
    }
}

/// What a new user is made of, before the store gives it an id.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Display name.
    pub name: String,
    /// At least one address.
    pub emails: Vec<EmailAddress>,
    /// Reading language.
    pub lang: Lang,
    /// Staff flag.
    pub staff: bool,
    /// Already hashed password, if any.
    pub password_hash: Option<String>,
}

/// A company (with member users) or a single person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientKind {
    /// A company: every member sees all of its dossiers.
    Company,
    /// One person, the only member.
    Person,
}

/// A client of the business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    /// Store id.
    pub id: ClientId,
    /// Company name, or the person's name.
    pub name: String,
    /// Company or person.
    pub kind: ClientKind,
    /// The people who act for this client; a person client has exactly one.
    pub members: Vec<UserId>,
    /// Whether its members may open new dossiers themselves.
    pub may_create_dossiers: bool,
    /// When the client was recorded.
    pub created_at: DateTime<Utc>,
    /// Addresses and identification for its documents.
    #[serde(default)]
    pub billing: super::Billing,
}

impl Client {
    /// Whether `user` acts for this client.
    pub fn has_member(&self, user: UserId) -> bool {
        self.members.contains(&user)
    }
}
