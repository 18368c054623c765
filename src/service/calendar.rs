//! The calendar: every event of every dossier the reader can see, private feeds to
//! subscribe to, and one event's `.ics`.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::{Dossier, DossierId, DossierNumber, Event, EventId, Token, User};
use crate::error::{Error, Result};
use crate::policy::{self, Action};
use crate::service::Services;

impl Services {
    /// The events of every dossier `actor` can see.
    pub fn calendar_events(&self, actor: &User) -> Result<Agenda> {
        let mut dossiers = Vec::new();
        for dossier in self.store.dossiers_visible_to(actor)? {
            let (_, role) = self.role_on(actor, &dossier)?;
            if policy::check(role, dossier.status, Action::SeeEvents).is_ok() {
                let (stamp, events) = self.store.events_stamped(dossier.id)?;
                dossiers.push((dossier.id, dossier.number, stamp, events));
            }
        }
        Ok(Agenda(dossiers))
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
    pub fn feed_events(&self, token: &str) -> Result<(User, Agenda)> {
        let token = Token::parse(token).ok_or(Error::NotFound)?;
        let feed = self.store.feed(&token)?.ok_or(Error::NotFound)?;
        let user = self.store.user(feed.user)?.ok_or(Error::NotFound)?;
        let events = match feed.dossier {
            // A dossier its owner no longer sees gives an empty feed.
            Some(only) => match self.authorize(&user, only, Action::SeeEvents) {
                Ok(visit) => {
                    let (stamp, events) = self.store.events_stamped(only)?;
                    Agenda(vec![(only, visit.dossier.number, stamp, events)])
                }
                Err(Error::NotFound | Error::Forbidden) => Agenda(Vec::new()),
                Err(err) => return Err(err),
            },
            None => self.calendar_events(&user)?,
        };
        Ok((user, events))
    }

    /// One event, for its `.ics` download.
    pub fn event(&self, actor: &User, dossier: DossierId, id: EventId) -> Result<(Dossier, Event)> {
        let visit = self.authorize(actor, dossier, Action::SeeEvents)?;
        let event = self.store.item(dossier, id.raw())?.ok_or(Error::NotFound)?;
        Ok((visit.dossier, event))
    }
}

/// The events of the dossiers a reader can see, each dossier's as the store keeps them,
/// with the stamp they were read at.
pub struct Agenda(Vec<(DossierId, DossierNumber, u64, Arc<[Event]>)>);

impl Agenda {
    /// Which dossiers' events, at which stamps: the same version holds the same events.
    pub fn version(&self) -> Vec<(u64, u64)> {
        self.0
            .iter()
            .map(|(id, _, stamp, _)| (id.raw(), *stamp))
            .collect()
    }

    /// The events that touch the days `within` (UTC days, first and last; every event
    /// without it), soonest first, with their dossier's number.
    pub fn touching(&self, within: Option<(NaiveDate, NaiveDate)>) -> Vec<(DossierNumber, &Event)> {
        let touches = |e: &Event| {
            within.is_none_or(|(first, last)| {
                e.time.first_day() <= last && e.time.last_day() >= first
            })
        };
        let mut found: Vec<(DossierNumber, &Event)> = self
            .0
            .iter()
            .flat_map(|(_, number, _, events)| {
                events.iter().filter(|e| touches(e)).map(|e| (*number, e))
            })
            .collect();
        found.sort_by_key(|(_, e)| (e.time.first_day(), e.id));
        found
    }
}
