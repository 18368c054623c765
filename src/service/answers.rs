//! A client's answer to a quote on the web: a sent quote, still valid and not answered,
//! may be accepted ("bon pour accord", with the name typed) or refused (with a reason)
//! by the client's people; the answer waits for a six-digit code e-mailed to them, then
//! the proof goes on the quote, its status moves, the history keeps it and a message
//! tells the dossier — in one transaction, once.

use chrono::{DateTime, Utc};

use super::documents::item_line;
use super::dossiers::entry;
use super::{Named, Services};
use crate::domain::{
    Answer, CODE_RESEND_SECONDS, CodeCheck, Confirmation, Decision, DocKind, DocStatus, Document,
    DocumentId, Door, DossierId, ItemChange, Lang, NewMessage, User, new_code,
};
use crate::error::{Error, Refusal, Result};
use crate::policy::Action;

const SIGNER: Named = Named::new("name", "Votre nom", "your name");
const REASON: Named = Named::new("reason", "Le motif", "reason");

/// What a client answers, as the form gave it.
pub struct AnswerRequest {
    /// Accept or refuse.
    pub decision: Decision,
    /// The name typed.
    pub name: String,
    /// "Bon pour accord" ticked.
    pub agreed: bool,
    /// Why, for a refusal.
    pub reason: String,
}

fn conflict(
    fr: impl Into<std::borrow::Cow<'static, str>>,
    en: impl Into<std::borrow::Cow<'static, str>>,
) -> Error {
    Error::Conflict(Refusal::new(fr, en))
}

/// What a quote says, as a SHA-256: its title, date, lines and terms.
fn fingerprint(doc: &Document) -> String {
    use sha2::Digest;
    let content =
        serde_json::to_vec(&(&doc.title, doc.date, &doc.lines, &doc.terms)).unwrap_or_default();
    hex::encode(sha2::Sha256::digest(content))
}

/// Refused when `doc` no longer says what it said when `pending`'s code was asked for.
fn unchanged(doc: &Document, pending: &Confirmation) -> Result<()> {
    if pending.quote_sha256 != fingerprint(doc) {
        return Err(conflict(
            "Ce devis a été modifié depuis votre demande de code : relisez-le, puis demandez un nouveau code.",
            "This quote changed since you asked for the code: read it again, then ask for a new code.",
        ));
    }
    Ok(())
}

/// Whether `doc` may be answered on `today`.
fn answerable_now(doc: &Document, today: chrono::NaiveDate) -> Result<()> {
    if doc.answer.is_some() || matches!(doc.status, DocStatus::Accepted | DocStatus::Refused) {
        return Err(conflict(
            "Ce devis a déjà reçu une réponse.",
            "This quote was answered already.",
        ));
    }
    if doc.status != DocStatus::Sent {
        return Err(conflict(
            "Ce devis ne vous a pas encore été envoyé : il ne peut pas encore recevoir de réponse.",
            "This quote was not sent to you yet: it cannot be answered yet.",
        ));
    }
    if let Some(until) = doc.terms.valid_until.filter(|until| *until < today) {
        return Err(conflict(
            format!(
                "Ce devis n'est plus valable depuis le {} : demandez-en un nouveau.",
                until.format("%d/%m/%Y")
            ),
            format!(
                "This quote expired on {}: ask for a new one.",
                until.format("%Y-%m-%d")
            ),
        ));
    }
    Ok(())
}

impl Services {
    /// Quote `id` of `dossier`, if `actor` may answer it now.
    pub fn answerable(&self, actor: &User, dossier: DossierId, id: DocumentId) -> Result<Document> {
        self.authorize(actor, dossier, Action::AnswerQuote)?;
        let doc: Document = self
            .store
            .item(dossier, id.raw())?
            .filter(|d: &Document| d.kind() == DocKind::Quote)
            .ok_or(Error::NotFound)?;
        answerable_now(&doc, super::now().date_naive())?;
        Ok(doc)
    }

    /// Starts `actor`'s answer to quote `id`: checks what they typed and keeps a new
    /// code's hash; returns what waits and the code to e-mail them.
    pub fn ask_answer(
        &self,
        actor: &User,
        dossier: DossierId,
        id: DocumentId,
        request: AnswerRequest,
        now: DateTime<Utc>,
    ) -> Result<(Confirmation, String)> {
        let quote = self.answerable(actor, dossier, id)?;
        let name = SIGNER.label(&request.name, 200)?;
        let reason = REASON.body(&request.reason, 2_000)?;
        match request.decision {
            Decision::Accept if !request.agreed => {
                return Err(Error::Invalid(
                    Refusal::new(
                        "Cochez « Bon pour accord » pour accepter le devis.",
                        "Tick “Agreed” to accept the quote.",
                    )
                    .on("agree"),
                ));
            }
            Decision::Refuse if reason.is_empty() => {
                return Err(Error::Invalid(
                    Refusal::new(
                        "Dites en quelques mots pourquoi vous refusez ce devis.",
                        "Say in a few words why you refuse this quote.",
                    )
                    .on("reason"),
                ));
            }
            _ => {}
        }
        if let Some(previous) = self.store.confirmation(actor.id, id)?
            && now < previous.sent_at + chrono::Duration::seconds(CODE_RESEND_SECONDS)
        {
            return Err(Error::Invalid(Refusal::new(
                "Un code vient de vous être envoyé : attendez une minute avant d'en demander un autre.",
                "A code was just sent to you: wait a minute before asking for another.",
            )));
        }
        let code = new_code();
        let confirmation = Confirmation {
            dossier,
            document: id,
            user: actor.id,
            decision: request.decision,
            name,
            reason: match request.decision {
                Decision::Accept => String::new(),
                Decision::Refuse => reason,
            },
            sent_to: actor.primary_email().clone(),
            sent_at: now,
            salt: String::new(),
            code_sha256: String::new(),
            tries_left: 0,
            quote_sha256: fingerprint(&quote),
        }
        .with_code(&code);
        self.store.put_confirmation(&confirmation)?;
        Ok((confirmation, code))
    }

    /// The answer to quote `id` waiting for `actor`'s code, if any.
    pub fn pending_answer(
        &self,
        actor: &User,
        dossier: DossierId,
        id: DocumentId,
    ) -> Result<Option<Confirmation>> {
        self.answerable(actor, dossier, id)?;
        Ok(self
            .store
            .confirmation(actor.id, id)?
            .filter(|c| c.dossier == dossier))
    }

    /// Checks the code `actor` typed for quote `id`.
    pub fn check_answer_code(
        &self,
        actor: &User,
        dossier: DossierId,
        id: DocumentId,
        typed: &str,
        now: DateTime<Utc>,
    ) -> Result<CodeCheck> {
        let quote = self.answerable(actor, dossier, id)?;
        if let Some(pending) = self.store.confirmation(actor.id, id)? {
            unchanged(&quote, &pending)?;
        }
        self.store.check_code(actor.id, id, typed, now)
    }

    /// Records the answer `confirmation` once its code was typed, from `ip` with
    /// `user_agent`, about the PDF `pdf` the client read (kept as a blob once the answer
    /// is allowed, named by its SHA-256): the proof on the quote,
    /// its status, two history lines and a message telling the dossier, in one
    /// transaction; a quote is answered once.
    pub fn record_answer(
        &self,
        actor: &User,
        confirmation: &Confirmation,
        ip: &str,
        user_agent: &str,
        pdf: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Document> {
        let (dossier, id) = (confirmation.dossier, confirmation.document);
        let doc = self.answerable(actor, dossier, id)?;
        unchanged(&doc, confirmation)?;
        // The PDF the client read is kept, once the answer is allowed.
        let pdf_sha256 = self.store.blobs().put(pdf)?.sha256;
        let answer = Answer {
            decision: confirmation.decision,
            by: actor.id,
            name: confirmation.name.clone(),
            reason: confirmation.reason.clone(),
            at: now,
            ip: ip.to_string(),
            user_agent: user_agent.chars().take(300).collect(),
            code_sent_to: confirmation.sent_to.clone(),
            pdf_sha256,
        };
        let mut answered = doc.clone();
        answered.status = match answer.decision {
            Decision::Accept => DocStatus::Accepted,
            Decision::Refuse => DocStatus::Refused,
        };
        answered.answer = Some(answer.clone());
        let status = entry(
            actor,
            item_line(
                &doc,
                ItemChange::Status {
                    from: doc.status,
                    to: answered.status,
                },
            ),
        );
        let proof = entry(
            actor,
            item_line(&doc, ItemChange::Answered(Box::new(answer.clone()))),
        );
        let number = &doc.number;
        let text = match (answer.decision, actor.lang) {
            // Everyone in the discussion reads it, intervenants too, who do not see
            // documents: the words say what happened, the proof and the reason stay
            // with the quote and its history.
            (Decision::Accept, Lang::Fr) => {
                format!("Devis {number} accepté : bon pour accord.")
            }
            (Decision::Accept, Lang::En) => format!("Quote {number} accepted."),
            (Decision::Refuse, Lang::Fr) => format!("Devis {number} refusé."),
            (Decision::Refuse, Lang::En) => format!("Quote {number} refused."),
        };
        let message = NewMessage {
            text,
            ..NewMessage::default()
        };
        let once = format!("answer/{}", doc.id);
        let posted = self.post_message_with(actor, dossier, Door::Web, message, |change, _| {
            change
                .claim(&once)
                .put(&answered)?
                .record(status.clone())
                .record(proof.clone());
            Ok(())
        });
        match posted {
            Ok(_) => Ok(answered),
            Err(Error::Duplicate) => Err(conflict(
                "Ce devis a déjà reçu une réponse.",
                "This quote was answered already.",
            )),
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(status: DocStatus, valid_until: Option<chrono::NaiveDate>) -> Document {
        let mut quote = Document::sample(DocKind::Quote, status, &[]);
        quote.terms.valid_until = valid_until;
        quote
    }

    fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn only_a_sent_quote_still_valid_and_unanswered_may_be_answered() {
        let today = day(2026, 4, 1);
        assert!(answerable_now(&quote(DocStatus::Sent, Some(today)), today).is_ok());
        assert!(answerable_now(&quote(DocStatus::Sent, None), today).is_ok());
        for (status, until) in [
            (DocStatus::Draft, None),
            (DocStatus::Accepted, None),
            (DocStatus::Refused, None),
            (DocStatus::Sent, Some(day(2026, 3, 31))),
        ] {
            assert!(
                matches!(
                    answerable_now(&quote(status, until), today),
                    Err(Error::Conflict(_))
                ),
                "{status:?} until {until:?}"
            );
        }
    }
}
