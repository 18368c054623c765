//! Delivery: every due e-mail is handed to the transport once per pass. Accepted → sent,
//! marked durably before anything else (at-least-once, exactly once in the normal path);
//! a refusal of the recipient's mailbox → bounced, a hard bounce of the address (three
//! stop its mail); any other `5xx` → dead at once; anything else → tried again later, the delay doubling from
//! the first retry up to the longest, until it has waited longer than the give-up time.

use chrono::{DateTime, Utc};
use lettre::address::Envelope;

use super::Notifier;
use crate::domain::{OutMail, OutState};
use crate::error::{Error, Result};

/// E-mails attempted in one pass.
pub const BATCH: usize = 100;

/// E-mails handed to the transport at once: a relay takes several connections, and a
/// connection spends most of its time waiting for the other side (lettre writes the
/// end of DATA apart from the message, so each e-mail waits for the relay's delayed
/// ACK — tens of milliseconds — before its `250`). Postfix accepts 50 connections from
/// one client by default.
pub const AT_ONCE: usize = 32;

impl Notifier {
    /// Attempts every e-mail due at `now`, a few at once; returns how many were attempted.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> Result<usize> {
        let store = self.services.store().clone();
        let due = tokio::task::spawn_blocking(move || store.due_mail(now, BATCH))
            .await
            .map_err(|e| Error::Storage(format!("queue task: {e}")))??;
        for chunk in due.chunks(AT_ONCE) {
            let attempts = chunk.iter().map(|mail| self.deliver_one(mail, now));
            futures_util::future::join_all(attempts)
                .await
                .into_iter()
                .collect::<Result<()>>()?;
        }
        Ok(due.len())
    }

    /// One attempt, and its outcome made durable before anything else.
    async fn deliver_one(&self, mail: &OutMail, now: DateTime<Utc>) -> Result<()> {
        let after = self.attempt(mail, now).await?;
        let outcome = match after.state {
            OutState::Sent { .. } => "sent",
            OutState::Dead { .. } => "dead",
            OutState::Bounced { .. } => "bounced",
            OutState::Pending => "retry",
        };
        self.services
            .metrics()
            .count("dossier_notifications_total", outcome);
        let store = self.services.store().clone();
        let before = mail.clone();
        tokio::task::spawn_blocking(move || {
            store.update_mail(&before, &after)?;
            store.flush()
        })
        .await
        .map_err(|e| Error::Storage(format!("queue task: {e}")))?
    }

    async fn attempt(&self, mail: &OutMail, now: DateTime<Utc>) -> Result<OutMail> {
        let raw = self.services.store().blobs().read(&mail.raw_sha256)?;
        let envelope = Envelope::new(
            mail.envelope_from.parse().ok(),
            vec![
                mail.recipient
                    .as_str()
                    .parse()
                    .map_err(|e| Error::Storage(format!("recipient: {e}")))?,
            ],
        )
        .map_err(|e| Error::Storage(format!("envelope: {e}")))?;
        let mut after = mail.clone();
        after.attempts += 1;
        match self.transport.send(&envelope, &mail.message_id, &raw).await {
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
