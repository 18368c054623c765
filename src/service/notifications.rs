//! Notification preferences (per person, per dossier, per kind), the one-click mute of
//! every e-mail, and the delivery queue as staff see it (pending, sent, dead; retry).

use chrono::Utc;

use crate::domain::{AddressHealth, DossierId, OutId, OutMail, OutState, Prefs, Token, User};
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::service::{Services, staff_only};

impl Services {
    /// The actor's preferences on a dossier they can see.
    pub fn notification_prefs(&self, actor: &User, dossier: DossierId) -> Result<Prefs> {
        self.authorize(actor, dossier, Action::SeeDossier)?;
        self.store.prefs(actor.id, dossier)
    }

    /// Sets the actor's preferences on a dossier they can see (allowed on a closed one:
    /// it changes nothing in the dossier).
    pub fn set_notification_prefs(
        &self,
        actor: &User,
        dossier: DossierId,
        prefs: Prefs,
    ) -> Result<()> {
        self.authorize(actor, dossier, Action::SeeDossier)?;
        self.store.set_prefs(actor.id, dossier, prefs)
    }

    /// The one-click mute: a mute token (a secret of its own, not the reply token) names a
    /// person and a dossier.
    /// Returns the dossier's number and title, to confirm.
    pub fn mute_by_token(&self, token: &str) -> Result<(String, String)> {
        let token = Token::parse(token).ok_or(Error::NotFound)?;
        let reply = self
            .store
            .reply_by_mute_token(&token)?
            .ok_or(Error::NotFound)?;
        let dossier = self.store.dossier(reply.dossier)?.ok_or(Error::NotFound)?;
        self.store
            .set_prefs(reply.user, reply.dossier, Prefs::MUTED)?;
        Ok((dossier.number.to_string(), dossier.title))
    }

    /// The delivery queue, newest first (staff).
    pub fn outbox(&self, actor: &User, limit: usize) -> Result<Vec<OutMail>> {
        staff_only(actor)?;
        self.store.out_mails(limit)
    }

    /// Addresses mail no longer goes to (three hard bounces), with who owns them (staff).
    pub fn stopped_addresses(&self, actor: &User) -> Result<Vec<(User, AddressHealth)>> {
        staff_only(actor)?;
        let mut stopped = Vec::new();
        for user in self.store.users()? {
            for email in &user.emails {
                if let Some(health) = self.store.address_health(email)?
                    && health.stopped
                {
                    stopped.push((user.clone(), health));
                }
            }
        }
        Ok(stopped)
    }

    /// Puts a dead e-mail back in the queue, due now (staff).
    pub fn retry_mail(&self, actor: &User, id: OutId) -> Result<OutMail> {
        staff_only(actor)?;
        let before = self.store.out_mail(id)?.ok_or(Error::NotFound)?;
        if !matches!(before.state, OutState::Dead { .. }) {
            return Err(Error::invalid(
                "Seul un e-mail abandonné peut être renvoyé.",
                "Only an e-mail given up on can be retried.",
            ));
        }
        let now = Utc::now();
        let after = OutMail {
            state: OutState::Pending,
            next_at: now,
            created_at: now,
            attempts: 0,
            ..before.clone()
        };
        self.store.update_mail(&before, &after)?;
        Ok(after)
    }
}
