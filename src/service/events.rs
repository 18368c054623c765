//! Events: staff create, change and cancel them; every actor sees them. Each change bumps
//! the iCalendar SEQUENCE and writes a notification intent in the same transaction.

use crate::domain::{DossierId, Event, EventChange, EventDraft, EventId, Subject, User};
use crate::domain::{HistoryKind, ItemChange, ItemKind};
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::store::Change;

use super::dossiers::entry;
use super::{DETAILS, PLACE, Services, TITLE, now};

fn checked(draft: &EventDraft) -> Result<EventDraft> {
    draft.time.validate().map_err(Error::Invalid)?;
    Ok(EventDraft {
        title: TITLE.label(&draft.title, 200)?,
        place: PLACE.body(&draft.place, 500)?,
        description: DETAILS.body(&draft.description, 20_000)?,
        ..draft.clone()
    })
}

impl Services {
    /// The events of a dossier, in order of creation.
    pub fn events(&self, actor: &User, dossier: DossierId) -> Result<Vec<Event>> {
        self.authorize(actor, dossier, Action::SeeEvents)?;
        self.store.items(dossier)
    }

    /// Adds an event and tells the other actors.
    pub fn add_event(&self, actor: &User, dossier: DossierId, draft: EventDraft) -> Result<Event> {
        let visit = self.authorize(actor, dossier, Action::EditEvents)?;
        let draft = checked(&draft)?;
        let at = now();
        let id: EventId = self.store.new_id()?;
        let event = Event {
            id,
            dossier,
            uid: format!("{}@{}", uuid::Uuid::new_v4(), self.mail_domain),
            sequence: 0,
            title: draft.title,
            time: draft.time,
            place: draft.place,
            description: draft.description,
            attendees: draft.attendees,
            cancelled: false,
            created_by: actor.id,
            created_at: at,
            updated_at: at,
            answers: Vec::new(),
        };
        let intent = self.intent(&visit, actor, Subject::Event(id, EventChange::Created))?;
        let mut change = Change::to(dossier);
        change
            .put(&event)?
            .notify(&intent)?
            .record(entry(actor, event_line(&event, ItemChange::Added)));
        self.store.apply(&change)?;
        Ok(event)
    }

    /// Changes an event (same UID, next SEQUENCE) and tells the other actors.
    pub fn update_event(
        &self,
        actor: &User,
        dossier: DossierId,
        id: EventId,
        draft: EventDraft,
    ) -> Result<Event> {
        let visit = self.authorize(actor, dossier, Action::EditEvents)?;
        let draft = checked(&draft)?;
        let intent = self.intent(&visit, actor, Subject::Event(id, EventChange::Updated))?;
        self.store.update_item_noted(
            dossier,
            id.raw(),
            Some(&intent),
            |event: &mut Event| {
                if event.cancelled {
                    return Err(Error::invalid(
                        "Cet événement est annulé : créez-en un nouveau.",
                        "This event is cancelled; create a new one.",
                    ));
                }
                event.title = draft.title.clone();
                event.time = draft.time.clone();
                event.place = draft.place.clone();
                event.description = draft.description.clone();
                event.attendees = draft.attendees.clone();
                event.sequence += 1;
                event.updated_at = intent.at;
                Ok(())
            },
            // An edit that changes nothing says nothing (its sequence still moves).
            |before, after| {
                let same = (
                    &before.title,
                    &before.time,
                    &before.place,
                    &before.description,
                    &before.attendees,
                ) == (
                    &after.title,
                    &after.time,
                    &after.place,
                    &after.description,
                    &after.attendees,
                );
                (!same).then(|| entry(actor, event_line(after, ItemChange::Changed)))
            },
        )
    }

    /// Cancels an event: it stays listed, marked, and calendars receive a cancellation.
    pub fn cancel_event(&self, actor: &User, dossier: DossierId, id: EventId) -> Result<Event> {
        let visit = self.authorize(actor, dossier, Action::EditEvents)?;
        let intent = self.intent(&visit, actor, Subject::Event(id, EventChange::Cancelled))?;
        self.store.update_item_noted(
            dossier,
            id.raw(),
            Some(&intent),
            |event: &mut Event| {
                if event.cancelled {
                    return Err(Error::invalid(
                        "Cet événement est déjà annulé.",
                        "This event is already cancelled.",
                    ));
                }
                event.cancelled = true;
                event.sequence += 1;
                event.updated_at = intent.at;
                Ok(())
            },
            |_, after| Some(entry(actor, event_line(after, ItemChange::Cancelled))),
        )
    }
}

/// A history line's words for an event.
fn event_line(event: &Event, change: ItemChange) -> HistoryKind {
    HistoryKind::Item {
        item: ItemKind::Event,
        label: event.title.clone(),
        change,
    }
}

impl Services {
    /// Records `attendee`'s answer to the event whose UID `reply` names, on an open
    /// dossier where they have a role and may see events (everyone invited); `None`
    /// for anyone else, a cancelled event or an event we do not know.
    pub fn record_calendar_answer(
        &self,
        attendee: &User,
        reply: &crate::ical::Reply,
    ) -> Result<Option<(crate::domain::Dossier, Event)>> {
        // Only where they have a role (a client or an intervenant has a few dossiers, not
        // every one), and only open ones: an answer elsewhere is ignored anyway.
        let open = self
            .visible_dossiers(attendee)?
            .into_iter()
            .filter(|d| d.status == crate::domain::Status::Open);
        for dossier in open {
            let dossier = &dossier;
            let events = self.store.events_of(dossier.id)?;
            let Some(event) = events.iter().find(|e| e.uid == reply.uid) else {
                continue;
            };
            let (_, role) = self.role_on(attendee, dossier)?;
            if crate::policy::check(role, dossier.status, Action::SeeEvents).is_err()
                || dossier.status != crate::domain::Status::Open
                || event.cancelled
            {
                return Ok(None);
            }
            let answer = crate::domain::Attendance {
                user: attendee.id,
                answer: reply.answer,
                at: now(),
            };
            let updated = self.store.update_item_noted(
                dossier.id,
                event.id.raw(),
                None,
                |e: &mut Event| {
                    e.answers.retain(|a| a.user != answer.user);
                    e.answers.push(answer.clone());
                    Ok(())
                },
                |before, after| {
                    let changed = before
                        .answers
                        .iter()
                        .find(|a| a.user == attendee.id)
                        .map(|a| a.answer)
                        != Some(reply.answer);
                    changed.then(|| {
                        entry(
                            attendee,
                            event_line(
                                after,
                                ItemChange::Attendance {
                                    user: attendee.id,
                                    answer: reply.answer,
                                },
                            ),
                        )
                    })
                },
            )?;
            return Ok(Some((dossier.clone(), updated)));
        }
        Ok(None)
    }
}
