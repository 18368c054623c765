//! Judging a recipient, as RCPT does (and `ingest`, and the IMAP reader): one of our
//! live addresses, none of ours, or a closed dossier — with the bilingual sentence that
//! says so — and the refusals recorded where staff look.

use chrono::Utc;

use crate::domain::{Dossier, DossierNumber, EmailAddress, LogEntry, OurAddress, Outcome, Status};
use crate::error::Result;
use crate::mail::spool::SpoolId;

use super::Pipeline;

/// What a recipient gets at RCPT time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// One of our live addresses.
    Accept,
    /// Not one of our addresses (`550 5.1.1`).
    Unknown,
    /// A closed dossier (`550 5.7.1`, with this sentence).
    Closed(String),
}

impl Pipeline {
    /// Judges one recipient, as written in RCPT TO or given to `ingest`.
    pub fn judge(&self, recipient: &str) -> Result<Verdict> {
        let Some(ours) = self.ours(recipient) else {
            return Ok(Verdict::Unknown);
        };
        let store = self.services.store();
        let dossier = match &ours {
            OurAddress::Dossier { number, key } => match store.dossier_by_key(key)? {
                Some(d) if d.number == *number => Some(d),
                _ => return Ok(Verdict::Unknown),
            },
            OurAddress::Reply(token) => match store.reply_by_token(token)? {
                Some(reply) => store.dossier(reply.dossier)?,
                None => return Ok(Verdict::Unknown),
            },
            OurAddress::Bounce(token) => match store.bounce_target(token)? {
                Some(_) => None,
                None => return Ok(Verdict::Unknown),
            },
            OurAddress::NewDossier | OurAddress::Notifications => None,
        };
        Ok(match dossier {
            Some(d) if d.status == Status::Closed => Verdict::Closed(self.closed_sentence(&d)),
            _ => Verdict::Accept,
        })
    }

    /// "The dossier … is closed", in English then in French, naming how to reach the
    /// business. SMTP replies stay ASCII: no title, and French without its accents.
    fn closed_sentence(&self, dossier: &Dossier) -> String {
        let (name, email) = &self.settings.business;
        let ascii: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        let (en, fr) = match email {
            Some(email) => (
                format!("Please write to {ascii} at {email}."),
                format!("Ecrivez a {ascii} : {email}."),
            ),
            None => (
                format!("Please write to {ascii} directly."),
                format!("Ecrivez directement a {ascii}."),
            ),
        };
        format!(
            "The dossier {n} is closed: it no longer accepts messages. {en}\n\
             Le dossier {n} est clos : il ne recoit plus de messages. {fr}",
            n = dossier.number
        )
    }

    /// For mail to the notifications address, judged once its header is read: the
    /// sentence refusing it when the reply token in its References names a closed
    /// dossier (anything else goes on to the pipeline, which holds what it must).
    pub fn closed_by_references(&self, recipient: &str, header: &[u8]) -> Result<Option<String>> {
        if self.ours(recipient) != Some(OurAddress::Notifications) {
            return Ok(None);
        }
        let Some(message) = mail_parser::MessageParser::default().parse_headers(header) else {
            return Ok(None);
        };
        let references = crate::mail::analysis::references(&message);
        Ok(match self.dossier_in_references(&references)? {
            Some(d) if d.status == Status::Closed => Some(self.closed_sentence(&d)),
            _ => None,
        })
    }

    /// The dossier a reply to the notifications address is about: the thread root our
    /// notifications carry (`<dossier-2026-0042@domain>`), or, in those sent before,
    /// the reply token. Either only points at the dossier: it proves no one's identity.
    pub(super) fn dossier_in_references(&self, references: &[String]) -> Result<Option<Dossier>> {
        let store = self.services.store();
        let domain = format!("@{}", self.settings.mail_domain);
        for id in references {
            let id = id.trim_matches(['<', '>']).to_ascii_lowercase();
            let number = id
                .strip_suffix(&domain)
                .and_then(|local| local.strip_prefix("dossier-"))
                .and_then(DossierNumber::parse);
            if let Some(number) = number {
                return store.dossier_by_number(number);
            }
        }
        match reply_token_in(references) {
            Some(token) => match store.reply_by_token(&token)? {
                Some(reply) => store.dossier(reply.dossier),
                None => Ok(None),
            },
            None => Ok(None),
        }
    }

    /// Records a recipient refused at RCPT where staff see it (`/admin/mail`).
    pub fn record_refusal(
        &self,
        envelope_sender: Option<&str>,
        recipient: &str,
        why: &str,
    ) -> Result<()> {
        self.record_refusal_claimed(envelope_sender, recipient, why, None)
    }

    /// Records a refusal; with a claim, the spool entry's recipient it settles, so that
    /// the worker does not process it again.
    pub fn record_refusal_claimed(
        &self,
        envelope_sender: Option<&str>,
        recipient: &str,
        why: &str,
        claim: Option<String>,
    ) -> Result<()> {
        let store = self.services.store();
        let dossier = match self.ours(recipient) {
            Some(OurAddress::Dossier { key, .. }) => store.dossier_by_key(&key)?.map(|d| d.id),
            Some(OurAddress::Reply(token)) => store.reply_by_token(&token)?.map(|r| r.dossier),
            _ => None,
        };
        let line = LogEntry {
            id: store.new_id()?,
            at: Utc::now(),
            recipient: recipient.to_string(),
            sender: envelope_sender.map(str::to_string),
            from: None,
            subject: String::new(),
            message_id: None,
            raw_sha256: String::new(),
            dossier,
            outcome: Outcome::Refused,
            reasons: vec![why.lines().next().unwrap_or(why).to_string()],
            check: None,
        };
        store.log_mail(&line, claim.as_slice())
    }

    /// The claim of recipient `index` of the spool entry `id` written by SMTP or LMTP.
    pub fn spool_claim(id: &SpoolId, index: usize) -> String {
        format!("spool/{}/{index}", id.as_str())
    }

    /// Reads `recipient` as one of our addresses.
    pub fn ours(&self, recipient: &str) -> Option<OurAddress> {
        let address = EmailAddress::parse(recipient).ok()?;
        OurAddress::parse(&address, &self.settings.mail_domain)
    }
}

/// The reply token our notifications put in References (`<r-TOKEN@domain>`).
pub(super) fn reply_token_in(references: &[String]) -> Option<crate::domain::Token> {
    references.iter().find_map(|id| {
        let local = id.trim_matches(['<', '>']).split('@').next()?;
        crate::domain::Token::parse(local.strip_prefix("r-")?)
    })
}
