//! iCalendar (RFC 5545) output, built with the icalendar crate, never by hand: the
//! `invite.ics` of an event notification (iTIP RFC 5546: stable UID, SEQUENCE raised on
//! every change, METHOD:CANCEL once cancelled), one event's `.ics` download, and the
//! private feeds people subscribe to from their calendar application.

use chrono::{Days, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};

use crate::domain::{DossierNumber, Event, EventTime};

/// The calendar object for `event`, sent to `attendee`, as text.
pub fn invite(event: &Event, organizer: &str, attendee: &str) -> String {
    let mut item = component(event, None);
    item.add_property("ORGANIZER", format!("mailto:{organizer}"));
    // Outlook and Apple Calendar offer to accept an invitation only when the reader is
    // one of its attendees.
    item.add_multi_property("ATTENDEE", &format!("mailto:{attendee}"));
    let method = if event.cancelled { "CANCEL" } else { "REQUEST" };
    let mut calendar = Calendar::new();
    calendar
        .append_property(("METHOD", method))
        .push(item.done());
    calendar.done().to_string()
}

/// A feed of events (METHOD:PUBLISH) named `name`; each event links to its dossier.
pub fn feed(name: &str, events: &[(DossierNumber, &Event)], base_url: &str) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name).append_property(("METHOD", "PUBLISH"));
    for (number, event) in events {
        let url = format!("{base_url}/dossiers/{number}#event-{}", event.id);
        calendar.push(component(event, Some(&url)).done());
    }
    calendar.done().to_string()
}

fn component(event: &Event, url: Option<&str>) -> icalendar::Event {
    let mut item = icalendar::Event::new();
    item.uid(&event.uid)
        .sequence(event.sequence)
        .summary(&event.title)
        .timestamp(Utc::now())
        .last_modified(event.updated_at);
    if !event.place.is_empty() {
        item.location(&event.place);
    }
    if !event.description.is_empty() {
        item.description(&event.description);
    }
    match &event.time {
        EventTime::Timed { start, end } => {
            item.starts(*start).ends(*end);
        }
        // DTEND of an all-day event is exclusive: the day after the last day.
        EventTime::AllDay { first, last } => {
            item.starts(*first)
                .ends(last.checked_add_days(Days::new(1)).unwrap_or(*last));
        }
    }
    item.status(if event.cancelled {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    });
    if let Some(url) = url {
        item.url(url);
    }
    item
}
