//! What a dossier page needs at a glance without reading everything: what each reader
//! has seen of each discussion (the newest message id they were shown, for the unread
//! markers of their home page; one small write when a discussion shows something new,
//! not a change of the dossier), the newest message, and the events kept in memory.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Store, Tree, keys};
use crate::domain::{DossierId, Event, Message, UserId};
use crate::error::Result;

impl Store {
    /// The newest message of `dossier` that `user` has seen, if any.
    pub fn seen(&self, user: UserId, dossier: DossierId) -> Result<Option<u64>> {
        self.get(Tree::Seen, &keys::two(user.raw(), dossier.raw()))
    }

    /// Notes that `user` has seen `dossier`'s discussion up to `message`; an older mark
    /// never replaces a newer one.
    pub fn mark_seen(&self, user: UserId, dossier: DossierId, message: u64) -> Result<()> {
        if self
            .seen(user, dossier)?
            .is_some_and(|seen| seen >= message)
        {
            return Ok(());
        }
        let key = keys::two(user.raw(), dossier.raw());
        let newer = serde_json::to_vec(&message)?;
        // Two pages at once: the larger mark wins, whichever writes last.
        self.tree(Tree::Seen).fetch_and_update(key, |old| {
            let seen = old.and_then(|bytes| serde_json::from_slice::<u64>(bytes).ok());
            match (old, seen) {
                (Some(bytes), Some(seen)) if seen >= message => Some(bytes.to_vec()),
                _ => Some(newer.clone()),
            }
        })?;
        Ok(())
    }

    /// The events of `dossier`, soonest first. Kept in memory per dossier until its
    /// events change (their stamp moves in the transaction that changes them): the
    /// dossier header and the calendar do not decode every event on every page.
    pub fn events_of(&self, dossier: DossierId) -> Result<Arc<[Event]>> {
        Ok(self.events_stamped(dossier)?.1)
    }

    /// [`Store::events_of`], with the stamp of the events returned.
    pub fn events_stamped(&self, dossier: DossierId) -> Result<(u64, Arc<[Event]>)> {
        let stamp = self.stamp(Tree::Events, dossier)?;
        if let Some(events) = self.inner.events.get(&dossier, &stamp) {
            return Ok((stamp, events));
        }
        let mut events: Vec<Event> = self.items(dossier)?;
        events.sort_by_key(|e| (e.time.first_day(), e.id));
        let bytes = events
            .iter()
            .map(|e| size_of::<Event>() + e.title.len() + e.place.len() + e.description.len())
            .sum();
        let events: Arc<[Event]> = events.into();
        self.inner.events.put(dossier, stamp, events.clone(), bytes);
        Ok((stamp, events))
    }

    /// The next event of `dossier` on or after `today` that is not cancelled, soonest
    /// first.
    pub fn next_event(&self, dossier: DossierId, today: NaiveDate) -> Result<Option<Event>> {
        Ok(self
            .events_of(dossier)?
            .iter()
            .filter(|e| !e.cancelled && e.time.last_day() >= today)
            .min_by_key(|e| (e.time.first_day(), e.id))
            .cloned())
    }

    /// The newest message of `dossier`, if it has one.
    pub fn last_message(&self, dossier: DossierId) -> Result<Option<Message>> {
        match self
            .tree(Tree::Messages)
            .scan_prefix(keys::one(dossier.raw()))
            .next_back()
        {
            Some(entry) => Ok(Some(serde_json::from_slice(&entry?.1)?)),
            None => Ok(None),
        }
    }

    /// How many messages of `dossier` by someone else than `reader` came after the
    /// message `seen` (all of them when nothing was seen), counting at most `cap`.
    pub fn messages_after(
        &self,
        dossier: DossierId,
        seen: Option<u64>,
        reader: UserId,
        cap: usize,
    ) -> Result<usize> {
        let from = keys::two(dossier.raw(), seen.map_or(0, |s| s.saturating_add(1)));
        let to = keys::two(dossier.raw(), u64::MAX);
        let mut count = 0;
        for entry in self.tree(Tree::Messages).range(from..=to) {
            let message: Message = serde_json::from_slice(&entry?.1)?;
            if message.author != reader {
                count += 1;
                if count >= cap {
                    break;
                }
            }
        }
        Ok(count)
    }
}
