//! Where one message goes for one recipient, once its sender is checked: posted (as whom,
//! trusted how), a dossier opened, held with the reason, or recorded. SPEC §4's rule of
//! authenticated senders is `Pipeline::trust`.

use crate::domain::{
    BounceTarget, CheckedBy, Dossier, DossierId, Lang, OurAddress, Outcome, SenderCheck, Trust,
    User,
};
use crate::error::{Error, Result};
use crate::mail::analysis::Analysis;
use crate::mail::classify::Class;
use crate::policy::Action;

use super::Pipeline;

/// Where a message for one recipient goes, once the sender is checked.
pub(super) enum Route {
    Post(User, Box<Dossier>, Trust),
    Create(User, crate::domain::ClientId, Trust),
    Hold(Option<DossierId>, String),
    Record(Outcome, Option<DossierId>, String),
    /// A delivery report counted against the recipient of one of our e-mails (hard or
    /// soft), written with its log line.
    Bounce(BounceTarget, bool, String),
}

impl Pipeline {
    /// Decides where the message goes for one recipient.
    pub(super) fn route(
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
        // An answer from a calendar program is never posted nor held: it is recorded
        // on the event, or ignored.
        if !matches!(analysis.class, Class::Malformed | Class::Loop)
            && let Some(reply) = calendar_reply(analysis)
        {
            let unchecked = SenderCheck::nothing(CheckedBy::Dossier, None);
            return self.calendar_answer(&reply, analysis, check.unwrap_or(&unchecked));
        }
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
        let (dossier, author, by_reply) = match &ours {
            // A reply sent to the notifications address: its References say which
            // dossier it is about; the sender must be authenticated as for the dossier's
            // own address (References are copied to anyone in the thread).
            OurAddress::Notifications => match self.dossier_in_references(&analysis.references)? {
                Some(dossier) => (Some(dossier), sender, false),
                None => {
                    return Ok(Route::Hold(
                        None,
                        "written to the notifications address about no dossier we know".into(),
                    ));
                }
            },
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
            OurAddress::NewDossier => return self.new_dossier(sender, analysis, check),
            OurAddress::Bounce(_) => unreachable!("handled above"),
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
        let trust = match self.trust(check, analysis, by_reply) {
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
        analysis: &Analysis,
        by_reply: bool,
    ) -> std::result::Result<Trust, String> {
        // RFC 5322 §3.6: one From field; with several (or several mailboxes in it) the
        // checks and the author could be read from different addresses.
        if analysis.from_count != 1 {
            return Err(format!(
                "the message names {} From addresses: only a single From can be trusted",
                analysis.from_count
            ));
        }
        let from = analysis.from_address();
        let from = from.as_ref();
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
        analysis: &Analysis,
        check: &SenderCheck,
    ) -> Result<Route> {
        let Some(author) = sender else {
            return Ok(Route::Hold(
                None,
                "a new dossier asked for by an unknown sender".into(),
            ));
        };
        let trust = match self.trust(check, analysis, false) {
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

    /// A delivery report counts against a recipient only when it came to the bounce
    /// address (`b-<token>`) of a notification we sent to that recipient: a report is
    /// easy to forge, and three hard ones stop someone's mail.
    fn bounce(&self, ours: &OurAddress, analysis: &Analysis) -> Result<Route> {
        let store = self.services.store();
        let target = match ours {
            OurAddress::Bounce(token) => store.bounce_target(token)?,
            _ => None,
        };
        let Some(target) = target else {
            return Ok(Route::Record(
                Outcome::Bounce,
                None,
                "a delivery report that did not come to the bounce address of one of our notifications: not counted".into(),
            ));
        };
        let recipient = target.recipient.as_str().to_ascii_lowercase();
        // The report's own word on our recipient, if it names it; a report naming no one
        // came back from that notification all the same.
        let hard = match analysis.bounced.iter().find(|(a, _)| *a == recipient) {
            Some((_, hard)) => *hard,
            None if analysis.bounced.is_empty() => true,
            None => {
                return Ok(Route::Record(
                    Outcome::Bounce,
                    target.dossier,
                    format!("a delivery report about others than {recipient}: not counted"),
                ));
            }
        };
        let kind = if hard { "hard" } else { "soft" };
        let why = format!("recorded against {recipient} ({kind})");
        Ok(Route::Bounce(target, hard, why))
    }

    /// An answer to an invitation (iTIP REPLY): recorded on the event when it comes,
    /// authenticated, from its attendee invited to it; otherwise recorded in the log and
    /// ignored.
    fn calendar_answer(
        &self,
        reply: &crate::ical::Reply,
        analysis: &Analysis,
        check: &SenderCheck,
    ) -> Result<Route> {
        let ignored = |why: String| Ok(Route::Record(Outcome::Dropped, None, why));
        let from = analysis.from_address();
        if from.as_ref().map(|f| f.as_str().to_ascii_lowercase()) != Some(reply.attendee.clone()) {
            return ignored(format!(
                "a calendar answer for {} from another address: ignored",
                reply.attendee
            ));
        }
        if let Err(why) = self.trust(check, analysis, false) {
            return ignored(format!(
                "a calendar answer not to be trusted ({why}): ignored"
            ));
        }
        let store = self.services.store();
        let Some(user) = from
            .as_ref()
            .map(|f| store.user_by_email(f))
            .transpose()?
            .flatten()
        else {
            return ignored(format!(
                "a calendar answer from {}, whom we do not know: ignored",
                reply.attendee
            ));
        };
        match self.services.record_calendar_answer(&user, reply)? {
            Some((dossier, event)) => Ok(Route::Record(
                Outcome::CalendarAnswer,
                Some(dossier.id),
                format!(
                    "{} answered {:?} to «{}»",
                    user.name, reply.answer, event.title
                ),
            )),
            None => ignored(format!(
                "a calendar answer from {}, who was not invited to that event: ignored",
                reply.attendee
            )),
        }
    }

    /// Counts one more message from `author` to `dossier`; false beyond the hourly rate.
    fn within_rate(&self, author: &User, dossier: DossierId) -> bool {
        self.rate.admit(author.primary_email().as_str(), dossier)
    }
}

/// The invitation answer a message carries, if any: a `text/calendar` (or `.ics`) part
/// with METHOD:REPLY.
fn calendar_reply(analysis: &Analysis) -> Option<crate::ical::Reply> {
    analysis
        .attachments
        .iter()
        .filter(|a| {
            a.content_type == "text/calendar"
                || a.content_type == "application/ics"
                || a.name.as_str().to_ascii_lowercase().ends_with(".ics")
        })
        .find_map(|a| crate::ical::reply(&String::from_utf8_lossy(&a.bytes)))
}
