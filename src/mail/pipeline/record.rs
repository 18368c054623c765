//! Writing one recipient's outcome: the log line with its claims, a held message with
//! its verdict, or the posted message with its files — each in one transaction, so that
//! a crash never leaves half of it.

use std::cell::RefCell;

use chrono::Utc;

use crate::domain::{
    BlobRef, Door, Dossier, DossierId, Envelope, HeldMail, LogEntry, MailOrigin, NewFile,
    NewMessage, Outcome, SenderCheck, Trust, User,
};
use crate::error::{Error, Result};
use crate::mail::analysis::Analysis;
use crate::service::NewDossierRequest;
use crate::store::Blobs;

use super::Pipeline;
use super::route::Route;

/// The most of a held message's text kept for staff to read.
const HELD_TEXT: usize = 20_000;

impl Pipeline {
    pub(super) fn deliver(
        &self,
        envelope: &Envelope,
        recipient: &str,
        analysis: &Analysis,
        check: Option<&SenderCheck>,
        raw_sha256: &str,
        claim: &str,
    ) -> Result<LogEntry> {
        let entry = |outcome: Outcome,
                     dossier: Option<DossierId>,
                     reasons: Vec<String>|
         -> Result<LogEntry> {
            Ok(LogEntry {
                id: self.services.store().new_id()?,
                at: Utc::now(),
                recipient: recipient.to_string(),
                sender: envelope.sender.clone(),
                from: analysis.from.clone(),
                subject: analysis.subject.clone(),
                message_id: analysis.message_id.clone(),
                raw_sha256: raw_sha256.to_string(),
                dossier,
                outcome,
                reasons,
                check: check.cloned(),
            })
        };
        let mut reasons = analysis.reasons.clone();
        let route = self.route(recipient, analysis, check, &mut reasons)?;
        let store = self.services.store();
        match route {
            Route::Record(outcome, dossier, why) => {
                reasons.push(why);
                let line = entry(outcome, dossier, reasons)?;
                store.log_mail(&line, &[claim.to_string()])?;
                Ok(line)
            }
            Route::Bounce(target, hard, why) => {
                reasons.push(why);
                let line = entry(Outcome::Bounce, target.dossier, reasons)?;
                store.log_bounce(&target, hard, &line, &[claim.to_string()])?;
                Ok(line)
            }
            Route::Hold(dossier, why) => {
                reasons.push(why);
                let held = HeldMail {
                    id: store.new_id()?,
                    at: Utc::now(),
                    recipient: recipient.to_string(),
                    dossier,
                    from: analysis.from.clone(),
                    subject: analysis.subject.clone(),
                    raw_sha256: raw_sha256.to_string(),
                    reasons: reasons.clone(),
                    check: check.cloned(),
                    text: analysis.text.chars().take(HELD_TEXT).collect(),
                    attachments: analysis
                        .attachments
                        .iter()
                        .filter(|a| !a.inline)
                        .map(|a| a.name.to_string())
                        .collect(),
                };
                let line = entry(Outcome::Held { held: held.id }, dossier, reasons)?;
                store.hold_mail(&held, &line, &[claim.to_string()])?;
                Ok(line)
            }
            Route::Create(author, client, trust) => {
                let title = if analysis.subject.is_empty() {
                    "(sans objet)".to_string()
                } else {
                    analysis.subject.clone()
                };
                // Once per (spool entry, recipient): a crash after the dossier is made
                // and before the message is posted finds the same dossier again.
                let request = NewDossierRequest {
                    client,
                    title,
                    description: String::new(),
                };
                let once = Some(format!("created/{claim}"));
                let dossier = match self.services.create_dossier_once(&author, request, once) {
                    Ok(dossier) => dossier,
                    // Retrying would give the same answer (a subject too long for a title).
                    Err(err @ (Error::Invalid(_) | Error::Forbidden | Error::NotFound)) => {
                        reasons.push(format!("no dossier opened: {err}"));
                        let line = entry(Outcome::Dropped, None, reasons)?;
                        store.log_mail(&line, &[claim.to_string()])?;
                        return Ok(line);
                    }
                    Err(err) => return Err(err),
                };
                reasons.push(format!(
                    "opened the dossier {} for {}",
                    dossier.number, author.name
                ));
                let posting = Posting {
                    analysis,
                    raw_sha256,
                    claim,
                    trust,
                    created: true,
                };
                self.post(&author, &dossier, posting, reasons, &entry)
            }
            Route::Post(author, dossier, trust) => {
                let posting = Posting {
                    analysis,
                    raw_sha256,
                    claim,
                    trust,
                    created: false,
                };
                self.post(&author, &dossier, posting, reasons, &entry)
            }
        }
    }

    fn post(
        &self,
        author: &User,
        dossier: &Dossier,
        posting: Posting,
        mut reasons: Vec<String>,
        entry: &dyn Fn(Outcome, Option<DossierId>, Vec<String>) -> Result<LogEntry>,
    ) -> Result<LogEntry> {
        let Posting {
            analysis,
            raw_sha256,
            claim,
            trust,
            created,
        } = posting;
        let store = self.services.store();
        let dedupe = format!(
            "msgid/{}/{}",
            dossier.id,
            analysis.message_id.as_deref().unwrap_or(raw_sha256)
        );
        if store.is_claimed(&dedupe)? {
            reasons.push("the same Message-ID was already ingested for this dossier".into());
            let line = entry(Outcome::Duplicate, Some(dossier.id), reasons)?;
            store.log_mail(&line, &[claim.to_string()])?;
            return Ok(line);
        }
        if analysis.text.trim().is_empty() && analysis.attachments.is_empty() {
            reasons.push("nothing left after trimming and no attachment".into());
            let line = entry(Outcome::Empty, Some(dossier.id), reasons)?;
            store.log_mail(&line, &[claim.to_string(), dedupe])?;
            return Ok(line);
        }
        let new = message_from(store.blobs(), analysis, raw_sha256, trust)?;
        let claims = [claim.to_string(), dedupe];
        let logged: RefCell<Option<LogEntry>> = RefCell::new(None);
        let posted = self.services.post_message_with(
            author,
            dossier.id,
            Door::Email,
            new,
            |change, message| {
                let outcome = if created {
                    Outcome::Created {
                        dossier: dossier.id,
                        message,
                    }
                } else {
                    Outcome::Posted {
                        dossier: dossier.id,
                        message,
                    }
                };
                let line = entry(outcome, Some(dossier.id), reasons.clone())?;
                for claim in &claims {
                    change.claim(claim);
                }
                change.log(&line)?;
                *logged.borrow_mut() = Some(line);
                Ok(())
            },
        );
        match posted {
            Ok(_) => logged
                .into_inner()
                .ok_or_else(|| Error::storage("the posted message was not logged")),
            Err(err @ (Error::Invalid(_) | Error::Forbidden | Error::NotFound)) => {
                // Retrying would give the same answer: record it instead of looping.
                reasons.push(format!("not posted: {err}"));
                let line = entry(Outcome::Dropped, Some(dossier.id), reasons)?;
                store.log_mail(&line, &[claim.to_string()])?;
                Ok(line)
            }
            Err(Error::Closed) => {
                reasons.push("the dossier was closed meanwhile".into());
                let line = entry(Outcome::Dropped, Some(dossier.id), reasons)?;
                store.log_mail(&line, &[claim.to_string()])?;
                Ok(line)
            }
            Err(err) => Err(err),
        }
    }
}

/// What one post needs besides its author and dossier.
struct Posting<'a> {
    analysis: &'a Analysis,
    raw_sha256: &'a str,
    claim: &'a str,
    trust: Trust,
    created: bool,
}

/// sender was trusted.
pub(crate) fn message_from(
    blobs: &Blobs,
    analysis: &Analysis,
    raw_sha256: &str,
    trust: Trust,
) -> Result<NewMessage> {
    let mut attachments = Vec::new();
    for attachment in &analysis.attachments {
        let stored = blobs.put(&attachment.bytes)?;
        attachments.push(NewFile {
            blob: BlobRef {
                name: attachment.name.clone(),
                content_type: attachment.content_type.clone(),
                size: stored.size,
                sha256: stored.sha256,
            },
            inline: attachment.inline,
        });
    }
    Ok(NewMessage {
        text: analysis.text.clone(),
        elided: analysis.elided.clone(),
        attachments,
        mail: Some(MailOrigin {
            message_id: analysis.message_id.clone(),
            raw_sha256: raw_sha256.to_string(),
            trust: Some(trust),
        }),
    })
}
