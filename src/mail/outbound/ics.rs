//! The `invite.ics` of an event notification (RFC 5545 / iTIP RFC 5546): a stable UID,
//! SEQUENCE raised on every change, METHOD:CANCEL once cancelled. Built with the
//! icalendar crate, never by hand.

use chrono::{Days, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};

use crate::domain::{Event, EventTime};

/// The calendar object for `event`, sent to `attendee`, as text.
pub fn invite(event: &Event, organizer: &str, attendee: &str) -> String {
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
    item.add_property("ORGANIZER", format!("mailto:{organizer}"));
    // Outlook and Apple Calendar offer to accept an invitation only when the reader is
    // one of its attendees.
    item.add_multi_property("ATTENDEE", &format!("mailto:{attendee}"));
    let method = if event.cancelled {
        item.status(EventStatus::Cancelled);
        "CANCEL"
    } else {
        item.status(EventStatus::Confirmed);
        "REQUEST"
    };
    let mut calendar = Calendar::new();
    calendar
        .append_property(("METHOD", method))
        .push(item.done());
    calendar.done().to_string()
}
