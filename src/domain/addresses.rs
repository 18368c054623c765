//! Our addresses at the mail domain: a dossier's address (`2026-0042-<key>`), a reply
//! address per (dossier, recipient) (`r-<token>`), a bounce address per notification
//! (`b-<token>`), and the new-dossier address (`nouveau`, or `new`). Local parts are
//! matched without case, and a `+tag` is tolerated on either side of the plus sign.
//! [`Addressing`] writes them, bare or behind one shared mailbox (`dossiers+r-…@`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{DossierNumber, EmailAddress, MailKey};

/// An unguessable token of 128 random bits, in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Token(String);

impl Token {
    /// A fresh token from the operating system's random source.
    pub fn generate() -> Token {
        // Two v4 uuids: 244 random bits, of which we keep 128 fully random ones.
        let (a, b) = (
            uuid::Uuid::new_v4().into_bytes(),
            uuid::Uuid::new_v4().into_bytes(),
        );
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(&a[..6]);
        bytes[6..8].copy_from_slice(&a[10..12]);
        bytes[8..14].copy_from_slice(&b[..6]);
        bytes[14..].copy_from_slice(&b[10..12]);
        Token(hex::encode(bytes))
    }

    /// Reads a token; `None` unless it has the right shape.
    pub fn parse(text: &str) -> Option<Token> {
        let text = text.to_ascii_lowercase();
        (text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())).then_some(Token(text))
    }

    /// The token as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one of our addresses designates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OurAddress {
    /// A dossier's own address.
    Dossier {
        /// Its number, as written in the address.
        number: DossierNumber,
        /// Its key.
        key: MailKey,
    },
    /// The reply address of one recipient on one dossier.
    Reply(Token),
    /// The bounce address of one notification.
    Bounce(Token),
    /// The address that opens a new dossier.
    NewDossier,
    /// The From of notifications: some mail programs answer it instead of Reply-To.
    Notifications,
}

impl OurAddress {
    /// The local part of this address.
    pub fn local_part(&self) -> String {
        match self {
            OurAddress::Dossier { number, key } => format!("{number}-{}", key.as_str()),
            OurAddress::Reply(token) => format!("r-{token}"),
            OurAddress::Bounce(token) => format!("b-{token}"),
            OurAddress::NewDossier => "nouveau".to_string(),
            OurAddress::Notifications => "notifications".to_string(),
        }
    }

    /// The whole address at `domain`.
    pub fn at(&self, domain: &str) -> String {
        format!("{}@{domain}", self.local_part())
    }

    /// Reads `address` if it is at `domain` and has one of our shapes.
    pub fn parse(address: &EmailAddress, domain: &str) -> Option<OurAddress> {
        if !address.domain().eq_ignore_ascii_case(domain) {
            return None;
        }
        let local = address.local_part();
        // `x+tag`: x is ours and the tag is noise, or x is a shared mailbox and the tag is
        // ours (`dossiers+2026-0042-…@`, as an IMAP intake uses them).
        std::iter::once(local)
            .chain(local.split_once('+').into_iter().flat_map(|(a, b)| [a, b]))
            .find_map(parse_local)
    }
}

/// How our addresses are written: at the mail domain, and, when the business receives
/// dossier mail in one mailbox with plus-addressing (an IMAP intake), behind that
/// mailbox's name (`dossiers+2026-0042-…@business.fr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressing {
    /// The mail domain.
    pub domain: String,
    /// The shared mailbox's local part, if our addresses go through one.
    pub plus_box: Option<String>,
}

impl Addressing {
    /// Our addresses written bare at `domain`.
    pub fn bare(domain: &str) -> Addressing {
        Addressing {
            domain: domain.to_string(),
            plus_box: None,
        }
    }

    /// The whole address of `ours`.
    pub fn write(&self, ours: &OurAddress) -> String {
        match &self.plus_box {
            Some(mailbox) => format!("{mailbox}+{}@{}", ours.local_part(), self.domain),
            None => ours.at(&self.domain),
        }
    }
}

fn parse_local(local: &str) -> Option<OurAddress> {
    let local = local.to_ascii_lowercase();
    if let Some(token) = local.strip_prefix("r-") {
        return Token::parse(token).map(OurAddress::Reply);
    }
    if let Some(token) = local.strip_prefix("b-") {
        return Token::parse(token).map(OurAddress::Bounce);
    }
    if local == "nouveau" || local == "new" {
        return Some(OurAddress::NewDossier);
    }
    if local == "notifications" {
        return Some(OurAddress::Notifications);
    }
    let (number, key) = local.rsplit_once('-')?;
    Some(OurAddress::Dossier {
        number: DossierNumber::parse(number)?,
        key: MailKey::parse(key)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<OurAddress> {
        OurAddress::parse(&EmailAddress::parse(text).unwrap(), "dossier.test")
    }

    #[test]
    fn every_shape_reads_back_what_it_writes() {
        let key = MailKey::generate();
        let token = Token::generate();
        for ours in [
            OurAddress::Dossier {
                number: DossierNumber {
                    year: 2026,
                    seq: 42,
                },
                key,
            },
            OurAddress::Reply(token.clone()),
            OurAddress::Bounce(token),
            OurAddress::NewDossier,
            OurAddress::Notifications,
        ] {
            assert_eq!(
                parse(&ours.at("dossier.test")),
                Some(ours.clone()),
                "{ours:?}"
            );
            assert_eq!(parse(&ours.at("DOSSIER.test").to_uppercase()), Some(ours));
        }
    }

    #[test]
    fn plus_tags_are_tolerated_on_either_side() {
        let token = Token::generate();
        let reply = OurAddress::Reply(token.clone());
        assert_eq!(
            parse(&format!("r-{token}+whatever@dossier.test")),
            Some(reply.clone())
        );
        assert_eq!(
            parse(&format!("dossiers+r-{token}@dossier.test")),
            Some(reply)
        );
        assert_eq!(
            parse("nouveau+devis@dossier.test"),
            Some(OurAddress::NewDossier)
        );
    }

    #[test]
    fn a_shared_mailbox_writes_addresses_it_reads_back() {
        let addressing = Addressing {
            domain: "dossier.test".into(),
            plus_box: Some("dossiers".into()),
        };
        let reply = OurAddress::Reply(Token::generate());
        let written = addressing.write(&reply);
        assert!(written.starts_with("dossiers+r-"), "{written}");
        assert_eq!(parse(&written), Some(reply.clone()));
        assert_eq!(
            Addressing::bare("dossier.test").write(&reply),
            reply.at("dossier.test")
        );
    }

    #[test]
    fn other_domains_and_shapes_are_not_ours() {
        let token = Token::generate();
        assert_eq!(parse(&format!("r-{token}@elsewhere.test")), None);
        assert_eq!(parse("postmaster@dossier.test"), None);
        assert_eq!(parse("r-1234@dossier.test"), None);
        assert_eq!(
            parse("2026-0042@dossier.test"),
            None,
            "a number without its key"
        );
        assert_eq!(parse("2026-0042-zzzzzzzzzzzzzzzzzzzz@dossier.test"), None);
        assert_ne!(Token::generate(), Token::generate());
    }
}
