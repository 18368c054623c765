//! The calendar: every event of every dossier the reader can see, private feeds to
//! subscribe to, and one event's `.ics`.

use crate::domain::{Dossier, DossierId, Event, EventId, Token, User};
use crate::error::{Error, Result};
use crate::policy::{self, Action};
use crate::service::Services;

impl Services {
    /// The events of every dossier `actor` can see, with their dossier.
    pub fn calendar_events(&self, actor: &User) -> Result<Vec<(Dossier, Event)>> {
        let mut events = Vec::new();
        for dossier in self.store.dossiers_visible_to(actor)? {
            let (_, role) = self.role_on(actor, &dossier)?;
            if policy::check(role, dossier.status, Action::SeeEvents).is_err() {
                continue;
            }
            for event in self.store.items::<Event>(dossier.id)? {
                events.push((dossier.clone(), event));
            }
        }
        Ok(events)
    }

    /// The token of the actor's feed: every dossier, or one they can see.
    pub fn feed_token(&self, actor: &User, dossier: Option<DossierId>) -> Result<Token> {
        if let Some(dossier) = dossier {
            self.authorize(actor, dossier, Action::SeeEvents)?;
        }
        self.store.feed_token(actor.id, dossier)
    }

    /// Makes new feed tokens; the old subscriptions stop working.
    pub fn reset_feeds(&self, actor: &User) -> Result<()> {
        self.store.reset_feeds(actor.id)
    }

    /// The events a feed token opens, checked against its owner's rights today.
    pub fn feed_events(&self, token: &str) -> Result<(User, Vec<(Dossier, Event)>)> {
        let token = Token::parse(token).ok_or(Error::NotFound)?;
        let feed = self.store.feed(&token)?.ok_or(Error::NotFound)?;
        let user = self.store.user(feed.user)?.ok_or(Error::NotFound)?;
        let mut events = self.calendar_events(&user)?;
        if let Some(only) = feed.dossier {
            events.retain(|(d, _)| d.id == only);
        }
        Ok((user, events))
    }

    /// One event, for its `.ics` download.
    pub fn event(&self, actor: &User, dossier: DossierId, id: EventId) -> Result<(Dossier, Event)> {
        let visit = self.authorize(actor, dossier, Action::SeeEvents)?;
        let event = self.store.item(dossier, id.raw())?.ok_or(Error::NotFound)?;
        Ok((visit.dossier, event))
    }
}
