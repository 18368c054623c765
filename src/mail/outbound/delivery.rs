//! Delivery: every due e-mail is handed to the transport once per pass. Accepted → sent,
//! marked durably before anything else (at-least-once, exactly once in the normal path);
//! a refusal of the recipient's mailbox → bounced, a hard bounce of the address (three
//! stop its mail); any other `5xx` → dead at once; anything else → tried again later, the delay doubling from
//! the first retry up to the longest, until it has waited longer than the give-up time.

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use lettre::address::Envelope;

use super::Notifier;
use crate::domain::{OutMail, OutState};
use crate::error::{Error, Result};

/// E-mails attempted in one pass.
pub const BATCH: usize = 100;

/// E-mails handed to the transport at once, each on its own relay connection: a
/// connection spends most of its time waiting for the other side's reply, and marking
/// an e-mail sent waits for the disk (shared by the e-mails marked together). Postfix
/// accepts 50 connections from one client by default.
pub const AT_ONCE: usize = 32;

impl Notifier {
    /// Attempts every e-mail due at `now`, a few at once; returns how many were attempted.
    /// The outcomes are made durable as they come, those that came together in one
    /// transaction and one flush.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> Result<usize> {
        // The due e-mails and their bytes, read off the async threads in one go (a batch
        // holds at most BATCH messages in memory).
        let store = self.services.store().clone();
        let due = tokio::task::spawn_blocking(move || -> Result<Vec<_>> {
            let due = store.due_mail(now, BATCH)?;
            Ok(due
                .into_iter()
                .map(|mail| {
                    let raw = store.out_raw(&mail);
                    (mail, raw)
                })
                .collect())
        })
        .await
        .map_err(|e| Error::Storage(crate::error::Cause::of("queue task", e)))??;
        // Each slot takes the next e-mail as soon as its own is done; meanwhile the
        // outcomes that came in are recorded together.
        let (outcomes, mut came) = tokio::sync::mpsc::unbounded_channel();
        let count = due.len();
        let attempting =
            futures_util::stream::iter(due.into_iter().map(|(mail, raw)| async move {
                let after = match raw {
                    Ok(raw) => self.attempt(&mail, &raw, now).await,
                    Err(err) => Err(err),
                };
                (mail, after)
            }))
            .buffer_unordered(AT_ONCE)
            // The sender goes with the stream once it is done, which ends the recording.
            .for_each(move |outcome| {
                let _ = outcomes.send(outcome);
                async {}
            });
        let recording = async {
            let mut failed = None;
            while let Some(first) = came.recv().await {
                let mut changes = Vec::new();
                for (before, after) in
                    std::iter::once(first).chain(std::iter::from_fn(|| came.try_recv().ok()))
                {
                    match after {
                        Ok(after) => changes.push((before, after)),
                        Err(err) => failed = Some(err),
                    }
                }
                if let Err(err) = self.record(changes).await {
                    failed = Some(err);
                }
            }
            failed
        };
        let ((), failed) = futures_util::future::join(attempting, recording).await;
        match failed {
            Some(err) => Err(err),
            None => Ok(count),
        }
    }

    /// Makes the outcomes of attempts durable before anything else, and counts them.
    async fn record(&self, changes: Vec<(OutMail, OutMail)>) -> Result<()> {
        let store = self.services.store().clone();
        let changes = tokio::task::spawn_blocking(move || {
            store.update_mails(&changes)?;
            store.flush().map(|()| changes)
        })
        .await
        .map_err(|e| Error::Storage(crate::error::Cause::of("queue task", e)))??;
        for (_, after) in &changes {
            let outcome = match after.state {
                OutState::Sent { .. } => "sent",
                OutState::Dead { .. } => "dead",
                OutState::Bounced { .. } => "bounced",
                OutState::Pending => "retry",
            };
            self.services
                .metrics()
                .count("dossier_notifications_total", outcome);
        }
        Ok(())
    }

    async fn attempt(&self, mail: &OutMail, raw: &[u8], now: DateTime<Utc>) -> Result<OutMail> {
        let envelope = Envelope::new(
            mail.envelope_from.parse().ok(),
            vec![
                mail.recipient
                    .as_str()
                    .parse()
                    .map_err(|e| Error::Storage(crate::error::Cause::of("recipient", e)))?,
            ],
        )
        .map_err(|e| Error::Storage(crate::error::Cause::of("envelope", e)))?;
        let mut after = mail.clone();
        after.attempts += 1;
        match self.transport.send(&envelope, &mail.message_id, raw).await {
            Ok(()) => {
                after.state = OutState::Sent { at: now };
                after.last_error = None;
            }
            Err(err) => {
                after.last_error = Some(err.message.clone());
                let waited = now - mail.created_at;
                let give_up = chrono::Duration::from_std(self.settings.give_up).unwrap_or_default();
                if err.refuses_recipient {
                    // Counted as a hard bounce with this row, in its transaction.
                    after.state = OutState::Bounced { at: now };
                } else if err.permanent || waited >= give_up {
                    after.state = OutState::Dead { at: now };
                } else {
                    after.next_at = now + self.backoff(after.attempts);
                }
                tracing::warn!(to = %mail.recipient, attempts = after.attempts, error = %err.message, "a notification was not accepted");
            }
        }
        Ok(after)
    }

    /// The delay before attempt `attempts + 1`: first × 2^(attempts − 1), at most the longest.
    pub fn backoff(&self, attempts: u32) -> chrono::Duration {
        let first = self.settings.retry_first.as_secs().max(1);
        let longest = self.settings.retry_max.as_secs().max(first);
        let delay = first
            .saturating_mul(1u64 << attempts.saturating_sub(1).min(30))
            .min(longest);
        chrono::Duration::seconds(delay as i64)
    }
}
