//! The one pipeline behind every mail door: each spool entry the intake accepted is
//! processed exactly once in effect — the sender checked, classified, trimmed, its
//! attachments stored, then posted, held or recorded — with its outcome written to the
//! mail log in the same transaction. Recipients are judged in `judge.rs`, the decision is
//! made in `route.rs`, written in `record.rs`; `rate.rs` bounds one sender's flood.

mod judge;
mod rate;
mod record;
mod route;

use chrono::Utc;

use super::analysis::{Context, Limits, analyze};
use super::auth::{AuthSettings, Authenticator};
use super::classify::Class;
use super::spool::{Spool, SpoolId};
use crate::domain::{CheckedBy, EmailAddress, Envelope, LogEntry, Outcome, SenderCheck};
use crate::error::{Error, Result};
use crate::service::Services;

pub use judge::Verdict;
pub(crate) use record::message_from;

/// Settings of the pipeline.
#[derive(Debug, Clone)]
pub struct PipelineSettings {
    /// Our mail domain.
    pub mail_domain: String,
    /// Who the sender checks trust, and their DNS server.
    pub auth: AuthSettings,
    /// Post unauthenticated mail anyway (unsafe).
    pub unsafe_trust_from: bool,
    /// Mail-bomb bounds.
    pub limits: Limits,
    /// Messages one sender may post to one dossier per hour before the rest is held.
    pub rate_per_hour: usize,
    /// The business's name and address, named in refusals so senders can still reach it.
    pub business: (String, Option<EmailAddress>),
}

/// The inbound pipeline.
pub struct Pipeline {
    services: Services,
    spool: Spool,
    settings: PipelineSettings,
    authenticator: Authenticator,
    rate: rate::Rate,
    // Failures (not storage) of the entries still in the spool, this process's.
    failures: std::sync::Mutex<std::collections::HashMap<SpoolId, u32>>,
}

impl Pipeline {
    /// A pipeline writing through `services`, spooling under the store's data folder.
    pub fn new(services: Services, settings: PipelineSettings) -> Result<Pipeline> {
        let spool = Spool::open(services.store().root())?;
        Ok(Pipeline {
            services,
            spool,
            authenticator: Authenticator::new(settings.auth.clone()),
            rate: rate::Rate::new(settings.rate_per_hour),
            failures: Default::default(),
            settings,
        })
    }

    /// The services it writes through.
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// The spool.
    pub fn spool(&self) -> &Spool {
        &self.spool
    }

    /// Processes every spooled message not yet processed (at start, and after a crash).
    /// One entry that fails does not hold up the others: a damaged one is set aside, any
    /// other failure leaves it for the next sweep. Returns how many were processed.
    pub fn process_pending(&self) -> Result<usize> {
        let mut done = 0;
        for id in &self.spool.pending()? {
            match self.process_guarded(id) {
                Ok(_) => done += 1,
                Err(Error::Damaged(why)) => {
                    tracing::error!(entry = id.as_str(), %why, "a spool entry cannot be read; it is set aside in mail/damaged");
                    self.spool.set_aside(id)?;
                }
                Err(err) => {
                    tracing::warn!(entry = id.as_str(), error = %err, "processing a message failed; it stays in the spool")
                }
            }
        }
        Ok(done)
    }

    /// Processes one spooled message, so that it always reaches a recorded outcome: a
    /// storage failure leaves it for a later sweep (that is the back-off); any other
    /// failure, a panic included, is tried again up to [`MAX_ATTEMPTS`] times, then the
    /// message is recorded as dropped with the reason, its raw copy kept for staff. An
    /// attempt is counted on disk before it starts and taken back when it returns, so
    /// starts that never returned (the process died in them) are counted across
    /// restarts: after [`MAX_DEATHS`] of them the message is dropped the same way.
    pub fn process_guarded(&self, id: &SpoolId) -> Result<Vec<LogEntry>> {
        let died = self.spool.attempt(id)? - 1;
        if died >= MAX_DEATHS {
            return self.give_up(
                id,
                &format!("the process stopped {died} times while processing it"),
            );
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.process(id)));
        self.spool.forgive(id);
        let why = match outcome {
            Ok(Ok(entries)) => {
                self.failed(id, false);
                return Ok(entries);
            }
            // Storage is expected back: the sweep tries again, as often as it takes.
            Ok(Err(
                err @ (Error::Damaged(_) | Error::Storage(_) | Error::DiskFull | Error::Locked(_)),
            )) => return Err(err),
            Ok(Err(err)) => err.to_string(),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into());
                format!("processing panicked: {what}")
            }
        };
        let failures = self.failed(id, true);
        if failures < MAX_ATTEMPTS {
            return Err(Error::storage(format!(
                "attempt {failures} of {MAX_ATTEMPTS} failed: {why}"
            )));
        }
        self.failed(id, false);
        self.give_up(id, &why)
    }

    /// Counts one more failure of `id` (or forgets its count); returns the count.
    fn failed(&self, id: &SpoolId, one_more: bool) -> u32 {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if !one_more {
            failures.remove(id);
            return 0;
        }
        let count = failures.entry(id.clone()).or_default();
        *count += 1;
        *count
    }

    /// Records a message that cannot be processed as dropped for each recipient not done
    /// yet, keeps its raw copy, and takes it out of the spool.
    fn give_up(&self, id: &SpoolId, why: &str) -> Result<Vec<LogEntry>> {
        let (envelope, raw) = self.spool.read(id)?;
        let store = self.services.store();
        let raw_sha256 = store.blobs().put(&raw)?.sha256;
        let headers = mail_parser::MessageParser::default().parse_headers(&raw);
        let from = headers
            .as_ref()
            .and_then(|m| m.from())
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_lowercase);
        let mut entries = Vec::new();
        for (index, recipient) in envelope.recipients.iter().enumerate() {
            let claim = claim_of(&envelope, id, index);
            if store.is_claimed(&claim)? {
                continue;
            }
            let line = LogEntry {
                id: store.new_id()?,
                at: Utc::now(),
                recipient: recipient.clone(),
                sender: envelope.sender.clone(),
                from: from.clone(),
                subject: headers
                    .as_ref()
                    .and_then(|m| m.subject())
                    .unwrap_or_default()
                    .to_string(),
                message_id: headers
                    .as_ref()
                    .and_then(|m| m.message_id())
                    .map(str::to_string),
                raw_sha256: raw_sha256.clone(),
                dossier: None,
                outcome: Outcome::Dropped,
                reasons: vec![format!(
                    "not processed after {MAX_ATTEMPTS} attempts ({why}); the original message is kept"
                )],
                check: None,
            };
            store.log_mail(&line, &[claim])?;
            entries.push(line);
        }
        store.flush()?;
        for entry in &entries {
            self.services
                .metrics()
                .count("dossier_mail_outcomes_total", entry.outcome.name());
            tracing::error!(recipient = %entry.recipient, reasons = ?entry.reasons, "mail dropped");
        }
        self.spool.remove(id)?;
        Ok(entries)
    }

    /// Processes one spooled message for each of its recipients, then makes the result
    /// durable and removes the spool entry. Running it twice has the effect of once.
    pub fn process(&self, id: &SpoolId) -> Result<Vec<LogEntry>> {
        let (envelope, raw) = self.spool.read(id)?;
        let raw_sha256 = self.services.store().blobs().put(&raw)?.sha256;
        let context = Context {
            null_sender: envelope.sender.is_none(),
            limits: self.settings.limits.clone(),
        };
        let analysis = analyze(&raw, &context);
        // Only mail a person wrote is posted: the checks run for it alone.
        let check = (analysis.class == Class::Reply).then(|| self.check_sender(&envelope, &raw));
        let mut entries = Vec::new();
        for (index, recipient) in envelope.recipients.iter().enumerate() {
            let claim = claim_of(&envelope, id, index);
            if self.services.store().is_claimed(&claim)? {
                continue;
            }
            let delivered = self.deliver(
                &envelope,
                recipient,
                &analysis,
                check.as_ref(),
                &raw_sha256,
                &claim,
            );
            match delivered {
                Ok(entry) => entries.push(entry),
                Err(Error::Duplicate) => {}
                Err(err) => return Err(err),
            }
        }
        self.services.store().flush()?;
        // Counted once durable, and before the entry leaves the spool: whoever sees the
        // spool empty sees the counts too.
        for entry in &entries {
            self.services
                .metrics()
                .count("dossier_mail_outcomes_total", entry.outcome.name());
            tracing::info!(spool = id.as_str(), recipient = %entry.recipient, outcome = entry.outcome.name(), reasons = ?entry.reasons, "mail processed");
        }
        self.spool.remove(id)?;
        Ok(entries)
    }

    /// The sender checks of one message, run on the server's runtime (or, for `ingest`,
    /// on one made for them), from a thread of their own so that any caller may wait.
    fn check_sender(&self, envelope: &Envelope, raw: &[u8]) -> SenderCheck {
        // Taken here: the thread below is outside the runtime's context.
        let runtime = tokio::runtime::Handle::try_current();
        if crate::dedicated::on_own_thread()
            && let Ok(handle) = &runtime
        {
            // The worker's own thread waits right there: the checks' memory stays in
            // its arena rather than in a new thread's.
            return handle.block_on(self.authenticator.check(envelope, raw));
        }
        let checked = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let check = self.authenticator.check(envelope, raw);
                    match runtime {
                        Ok(handle) => Some(handle.block_on(check)),
                        Err(_) => tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .ok()
                            .map(|runtime| runtime.block_on(check)),
                    }
                })
                .join()
        });
        checked.ok().flatten().unwrap_or_else(|| {
            tracing::error!("the sender checks could not run; the message counts as unverified");
            let mut check = SenderCheck::nothing(CheckedBy::Dossier, None);
            check.dkim = crate::domain::AuthResult::TempError;
            check
        })
    }
}

/// Attempts at a message that keeps failing (not for storage) before it is dropped.
pub const MAX_ATTEMPTS: u32 = 3;
/// Attempts the process died in (killed, out of memory) before a message is dropped:
/// enough that restarts of a healthy server never get there.
pub const MAX_DEATHS: u32 = 10;

/// the door has one (IMAP), else its spool entry's.
fn claim_of(envelope: &Envelope, id: &SpoolId, index: usize) -> String {
    match &envelope.source {
        Some(source) => format!("{source}/{index}"),
        None => Pipeline::spool_claim(id, index),
    }
}
