//! The one pipeline behind every mail door (SMTP, LMTP, `ingest`): judge recipients at
//! RCPT, spool the message durably, then process each spool entry exactly once in
//! effect — classify, check the sender, trim, store the attachments, post (or hold, or
//! record) — with the outcome written to the mail log in the same transaction.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::analysis::{Analysis, Context, Limits, analyze};
use super::auth::{AuthSettings, Authenticator};
use super::classify::Class;
use super::spool::{Spool, SpoolId};
use crate::domain::{
    BlobRef, CheckedBy, Door, Dossier, DossierId, EmailAddress, Envelope, HeldMail, Lang, LogEntry,
    MailOrigin, NewFile, NewMessage, OurAddress, Outcome, SenderCheck, Status, Trust, User,
};
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::service::{NewDossierRequest, Services};
use crate::store::Blobs;

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
    recent: Mutex<HashMap<(String, DossierId), VecDeque<Instant>>>,
}

/// Where a message for one recipient goes, once the sender is checked.
enum Route {
    Post(User, Box<Dossier>, Trust),
    Create(User, crate::domain::ClientId, Trust),
    Hold(Option<DossierId>, String),
    Record(Outcome, Option<DossierId>, String),
}

impl Pipeline {
    /// A pipeline writing through `services`, spooling under the store's data folder.
    pub fn new(services: Services, settings: PipelineSettings) -> Result<Pipeline> {
        let spool = Spool::open(services.store().root())?;
        Ok(Pipeline {
            services,
            spool,
            authenticator: Authenticator::new(settings.auth.clone()),
            settings,
            recent: Mutex::new(HashMap::new()),
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
        let mut references = Vec::new();
        for value in [message.in_reply_to(), message.references()] {
            match value {
                mail_parser::HeaderValue::Text(id) => references.push(id.to_string()),
                mail_parser::HeaderValue::TextList(ids) => {
                    references.extend(ids.iter().map(|id| id.to_string()))
                }
                _ => {}
            }
        }
        let Some(token) = reply_token_in(&references) else {
            return Ok(None);
        };
        let store = self.services.store();
        let Some(reply) = store.reply_by_token(&token)? else {
            return Ok(None);
        };
        Ok(match store.dossier(reply.dossier)? {
            Some(d) if d.status == Status::Closed => Some(self.closed_sentence(&d)),
            _ => None,
        })
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
    /// message is recorded as dropped with the reason, its raw copy kept for staff.
    pub fn process_guarded(&self, id: &SpoolId) -> Result<Vec<LogEntry>> {
        let attempt = self.spool.attempt(id)?;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.process(id)));
        let why = match outcome {
            Ok(Ok(entries)) => return Ok(entries),
            Ok(Err(
                err @ (Error::Damaged(_) | Error::Storage(_) | Error::DiskFull | Error::Locked(_)),
            )) => {
                return Err(err);
            }
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
        if attempt < MAX_ATTEMPTS {
            return Err(Error::Storage(format!(
                "attempt {attempt} of {MAX_ATTEMPTS} failed: {why}"
            )));
        }
        self.give_up(id, &why)
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
            tracing::info!(recipient = %entry.recipient, outcome = entry.outcome.name(), reasons = ?entry.reasons, "mail processed");
        }
        self.spool.remove(id)?;
        Ok(entries)
    }

    /// The sender checks of one message, run on the server's runtime (or, for `ingest`,
    /// on one made for them), from a thread of their own so that any caller may wait.
    fn check_sender(&self, envelope: &Envelope, raw: &[u8]) -> SenderCheck {
        // Taken here: the thread below is outside the runtime's context.
        let runtime = tokio::runtime::Handle::try_current();
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

    fn deliver(
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

    /// Decides where the message goes for one recipient.
    fn route(
        &self,
        recipient: &str,
        analysis: &Analysis,
        check: Option<&SenderCheck>,
        reasons: &mut Vec<String>,
    ) -> Result<Route> {
        let store = self.services.store();
        let Some(ours) = self.ours(recipient) else {
            return Ok(Route::Record(
                Outcome::Dropped,
                None,
                format!("{recipient} is not one of our addresses"),
            ));
        };
        match analysis.class {
            Class::Malformed => {
                return Ok(Route::Record(
                    Outcome::Dropped,
                    None,
                    "the message is not usable".into(),
                ));
            }
            Class::Loop => {
                return Ok(Route::Record(
                    Outcome::Loop,
                    None,
                    "not posted, no notification".into(),
                ));
            }
            Class::Bounce => return self.bounce(&ours, analysis),
            Class::AutoReply => {
                return Ok(Route::Record(
                    Outcome::AutoReply,
                    None,
                    "not posted, no notification".into(),
                ));
            }
            Class::Reply => {}
        }
        if matches!(ours, OurAddress::Bounce(_)) {
            return self.bounce(&ours, analysis);
        }
        let unchecked = SenderCheck::nothing(CheckedBy::Dossier, None);
        let check = check.unwrap_or(&unchecked);
        let from = analysis.from_address();
        let sender = match &from {
            Some(address) => store.user_by_email(address)?,
            None => None,
        };
        // A reply sent to the notifications address: the reply token in References
        // says whose and where it is.
        let ours = match ours {
            OurAddress::Notifications => match reply_token_in(&analysis.references) {
                Some(token) => OurAddress::Reply(token),
                None => {
                    return Ok(Route::Hold(
                        None,
                        "written to the notifications address with no reply token".into(),
                    ));
                }
            },
            other => other,
        };
        let (dossier, author, by_reply) = match &ours {
            OurAddress::Dossier { key, .. } => {
                let dossier = store.dossier_by_key(key)?.ok_or(Error::NotFound)?;
                (Some(dossier), sender, false)
            }
            OurAddress::Reply(token) => {
                let reply = store.reply_by_token(token)?.ok_or(Error::NotFound)?;
                let dossier = store.dossier(reply.dossier)?;
                if reply.revoked {
                    return Ok(Route::Hold(
                        Some(reply.dossier),
                        "the reply address was revoked".into(),
                    ));
                }
                match sender {
                    Some(user) if user.id == reply.user => (dossier, Some(user), true),
                    _ => {
                        let who = from
                            .map(|f| f.to_string())
                            .unwrap_or_else(|| "an unknown sender".into());
                        return Ok(Route::Hold(
                            Some(reply.dossier),
                            format!("From ({who}) is not the owner of the reply address"),
                        ));
                    }
                }
            }
            OurAddress::NewDossier => return self.new_dossier(sender, from.as_ref(), check),
            OurAddress::Bounce(_) | OurAddress::Notifications => unreachable!("handled above"),
        };
        let Some(dossier) = dossier else {
            return Ok(Route::Record(
                Outcome::Dropped,
                None,
                "the dossier no longer exists".into(),
            ));
        };
        let Some(author) = author else {
            let who = from
                .map(|f| f.to_string())
                .unwrap_or_else(|| "no From address".into());
            return Ok(Route::Hold(
                Some(dossier.id),
                format!("the sender ({who}) is not a known person"),
            ));
        };
        match self
            .services
            .authorize(&author, dossier.id, Action::PostMessage)
        {
            Ok(_) => {}
            Err(Error::Closed) => {
                return Ok(Route::Record(
                    Outcome::Dropped,
                    Some(dossier.id),
                    "the dossier is closed".into(),
                ));
            }
            Err(Error::NotFound | Error::Forbidden) => {
                return Ok(Route::Hold(
                    Some(dossier.id),
                    format!(
                        "{} is not an actor of the dossier {}",
                        author.primary_email(),
                        dossier.number
                    ),
                ));
            }
            Err(err) => return Err(err),
        }
        let trust = match self.trust(check, from.as_ref(), by_reply) {
            Ok(trust) => trust,
            Err(why) => return Ok(Route::Hold(Some(dossier.id), why)),
        };
        if !self.within_rate(&author, dossier.id) {
            return Ok(Route::Hold(
                Some(dossier.id),
                format!(
                    "more than {} messages in an hour from this sender to this dossier",
                    self.settings.rate_per_hour
                ),
            ));
        }
        reasons.push(format!(
            "posted as {} ({})",
            author.name,
            trust.label(Lang::En)
        ));
        Ok(Route::Post(author, Box::new(dossier), trust))
    }

    /// SPEC §4's rule: how the From is trusted, or why the message is held. A DMARC
    /// failure is held everywhere; otherwise the From's domain must be authenticated, or
    /// the mail must have come to the author's own reply address.
    fn trust(
        &self,
        check: &SenderCheck,
        from: Option<&EmailAddress>,
        by_reply: bool,
    ) -> std::result::Result<Trust, String> {
        if check.dmarc_failed() {
            return Err(format!(
                "DMARC failed: the From address may be forged ({})",
                check.words(Lang::En)
            ));
        }
        // The verified domain must be the one of the From we post as (never another
        // From header's).
        let from_domain = from.map(|f| f.domain().to_string());
        match check.verified_domain() {
            Some(domain) if Some(&domain) == from_domain.as_ref() => Ok(Trust::Domain { domain }),
            _ if by_reply => Ok(Trust::ReplyAddress),
            _ if self.settings.unsafe_trust_from => Ok(Trust::Unverified),
            _ => Err(format!(
                "the From address is not authenticated ({})",
                check.words(Lang::En)
            )),
        }
    }

    fn new_dossier(
        &self,
        sender: Option<User>,
        from: Option<&EmailAddress>,
        check: &SenderCheck,
    ) -> Result<Route> {
        let Some(author) = sender else {
            return Ok(Route::Hold(
                None,
                "a new dossier asked for by an unknown sender".into(),
            ));
        };
        let trust = match self.trust(check, from, false) {
            Ok(trust) => trust,
            Err(why) => return Ok(Route::Hold(None, why)),
        };
        let store = self.services.store();
        for client in store.clients_of(author.id)? {
            if let Some(client) = store.client(client)?
                && crate::policy::may_create_dossier(&author, &client)
            {
                return Ok(Route::Create(author, client.id, trust));
            }
        }
        Ok(Route::Hold(
            None,
            format!("{} may not open dossiers", author.primary_email()),
        ))
    }

    fn bounce(&self, ours: &OurAddress, analysis: &Analysis) -> Result<Route> {
        let store = self.services.store();
        let mut counted = Vec::new();
        for (address, hard) in &analysis.bounced {
            if let Ok(email) = EmailAddress::parse(address) {
                store.record_bounce(&email, *hard)?;
                counted.push(email.to_string());
            }
        }
        let mut dossier = None;
        if counted.is_empty()
            && let OurAddress::Bounce(token) = ours
            && let Some(target) = store.bounce_target(token)?
        {
            store.record_bounce(&target.recipient, true)?;
            counted.push(target.recipient.to_string());
            dossier = target.dossier;
        }
        let why = if counted.is_empty() {
            "a bounce naming no address we know".to_string()
        } else {
            format!("recorded against {}", counted.join(", "))
        };
        Ok(Route::Record(Outcome::Bounce, dossier, why))
    }

    /// Counts one more message from `author` to `dossier`; false beyond the hourly rate.
    fn within_rate(&self, author: &User, dossier: DossierId) -> bool {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let times = recent
            .entry((author.primary_email().to_string(), dossier))
            .or_default();
        let hour = Duration::from_secs(3600);
        while times.front().is_some_and(|t| t.elapsed() > hour) {
            times.pop_front();
        }
        if times.len() >= self.settings.rate_per_hour {
            return false;
        }
        times.push_back(Instant::now());
        true
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
                .ok_or_else(|| Error::Storage("the posted message was not logged".into())),
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

/// Attempts at a message that keeps failing (not for storage) before it is dropped.
pub const MAX_ATTEMPTS: u32 = 3;

/// The claim of one recipient of one message: the message's name at its source when
/// the door has one (IMAP), else its spool entry's.
fn claim_of(envelope: &Envelope, id: &SpoolId, index: usize) -> String {
    match &envelope.source {
        Some(source) => format!("{source}/{index}"),
        None => Pipeline::spool_claim(id, index),
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

/// The message to post for an analysed e-mail: its kept text and elided part, its
/// attachments stored as blobs, a reference to the kept raw message, and how its
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

/// The reply token our notifications put in References (`<r-TOKEN@domain>`).
fn reply_token_in(references: &[String]) -> Option<crate::domain::Token> {
    references.iter().find_map(|id| {
        let local = id.trim_matches(['<', '>']).split('@').next()?;
        crate::domain::Token::parse(local.strip_prefix("r-")?)
    })
}
