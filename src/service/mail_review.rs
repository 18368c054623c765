//! What staff see and decide about inbound mail: the processing log, held messages
//! (approve as a chosen person, or discard), and the kept raw messages.

use chrono::Utc;

use crate::domain::{HeldId, HeldMail, LogEntry, Outcome, User, UserId};
use crate::error::{Error, Result};
use crate::mail::analysis::{Context, analyze};
use crate::service::{Services, staff_only};

/// Held messages a page of the mail page shows.
pub const HELD_PAGE: usize = 25;

impl Services {
    /// The newest `limit` lines of the mail processing log (staff).
    pub fn mail_log(&self, actor: &User, limit: usize) -> Result<Vec<LogEntry>> {
        staff_only(actor)?;
        self.store.mail_log(limit)
    }

    /// Messages waiting for review (staff).
    pub fn held_mail(&self, actor: &User) -> Result<Vec<HeldMail>> {
        staff_only(actor)?;
        self.store.held_mail()
    }

    /// One page of held messages, oldest first (a page past the end is the last one):
    /// the messages, how many there are in all, and the page shown (staff).
    pub fn held_page(&self, actor: &User, page: usize) -> Result<(Vec<HeldMail>, usize, usize)> {
        staff_only(actor)?;
        let last = self.store.held_count().saturating_sub(1) / HELD_PAGE;
        let page = page.min(last);
        let (held, total) = self.store.held_page(page * HELD_PAGE, HELD_PAGE)?;
        Ok((held, total, page))
    }

    /// Discards several held messages (staff); those already gone are skipped. Returns
    /// how many were discarded.
    pub fn discard_many(&self, actor: &User, ids: &[HeldId]) -> Result<usize> {
        staff_only(actor)?;
        let mut discarded = 0;
        for id in ids {
            match self.discard_held(actor, *id) {
                Ok(()) => discarded += 1,
                Err(Error::NotFound) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(discarded)
    }

    /// A kept message as received, named by its SHA-256 (staff).
    pub fn raw_mail(&self, actor: &User, sha256: &str) -> Result<std::fs::File> {
        staff_only(actor)?;
        // The address names any content: one that is not stored is not found, while a
        // stored one that cannot be read is a storage failure (503, logged).
        if !self.store.blobs().exists(sha256) {
            return Err(Error::NotFound);
        }
        self.store.blobs().open_blob(sha256)
    }

    /// Posts a held message as `author` (who must be allowed to post on its dossier),
    /// as if it had come from them; the review is logged.
    pub fn approve_held(
        &self,
        actor: &User,
        id: HeldId,
        author: UserId,
    ) -> Result<crate::domain::Message> {
        staff_only(actor)?;
        let held = self.store.held(id)?.ok_or(Error::NotFound)?;
        let dossier = held.dossier.ok_or_else(|| {
            Error::invalid(
                "Ce message ne désigne aucun dossier : écartez-le ou transférez-le à l'adresse du dossier.",
                "This message names no dossier; discard it or forward it to the dossier's address.",
            )
        })?;
        let author = self.store.user(author)?.ok_or(Error::NotFound)?;
        let raw = self.store.blobs().read(&held.raw_sha256)?;
        let analysis = analyze(&raw, &Context::default());
        let trust = crate::domain::Trust::ApprovedBy {
            user: actor.id,
            name: actor.name.clone(),
        };
        let new = crate::mail::pipeline::message_from(
            self.store.blobs(),
            &analysis,
            &held.raw_sha256,
            trust,
        )?;
        let message = self.post_message_with(
            &author,
            dossier,
            crate::domain::Door::Email,
            new,
            |change, message| {
                change.log(&self.review_line(
                    actor,
                    &held,
                    Outcome::Posted { dossier, message },
                    format!("approved as {}", author.name),
                )?)?;
                Ok(())
            },
        )?;
        self.store.remove_held(id)?;
        Ok(message)
    }

    /// Discards a held message; it stays in the log and its raw copy is kept.
    pub fn discard_held(&self, actor: &User, id: HeldId) -> Result<()> {
        staff_only(actor)?;
        let held = self.store.held(id)?.ok_or(Error::NotFound)?;
        let line = self.review_line(actor, &held, Outcome::Dropped, "discarded by staff".into())?;
        self.store.log_mail(&line, &[])?;
        self.store.remove_held(id)
    }

    fn review_line(
        &self,
        actor: &User,
        held: &HeldMail,
        outcome: Outcome,
        what: String,
    ) -> Result<LogEntry> {
        Ok(LogEntry {
            id: self.store.new_id()?,
            at: Utc::now(),
            recipient: held.recipient.clone(),
            sender: None,
            from: held.from.clone(),
            subject: held.subject.clone(),
            message_id: None,
            raw_sha256: held.raw_sha256.clone(),
            dossier: held.dossier,
            outcome,
            reasons: vec![format!("{what}, by {}", actor.name)],
            check: held.check.clone(),
        })
    }
}
