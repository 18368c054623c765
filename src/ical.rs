//! iCalendar (RFC 5545) with the icalendar crate, never by hand: the `invite.ics` of an
//! event notification (iTIP RFC 5546: stable UID, SEQUENCE raised on every change,
//! METHOD:CANCEL once cancelled), one event's `.ics` download and the private feeds
//! (METHOD:PUBLISH, refreshed hourly, RFC 7986), all naming the product in PRODID; and
//! the answer a calendar program sends back (METHOD:REPLY), read.

use chrono::{Days, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};

use crate::domain::{DossierNumber, Event, EventTime, PartStat};

/// A calendar object naming the product, with `method`.
fn calendar(method: &str) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODID))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", method));
    calendar
}

/// The product, as calendars name it.
const PRODID: &str = concat!("-//Dossier//Dossier ", env!("CARGO_PKG_VERSION"), "//FR");

/// An answer to an invitation, as a calendar program sends it (RFC 5546 §3.2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The event's UID.
    pub uid: String,
    /// The attendee's address, lower case.
    pub attendee: String,
    /// What they answered.
    pub answer: PartStat,
}

/// The largest calendar part read as an answer; a real one is a few kilobytes.
const REPLY_MAX: usize = 64 * 1024;
/// The deepest nesting of components read (VCALENDAR › VEVENT › VALARM is three): the
/// parser recurses once per level, so deeper input is refused before it is parsed.
const REPLY_DEPTH: usize = 4;

/// The answer `ics` carries, if it is a METHOD:REPLY with one attendee's PARTSTAT.
/// Anything larger or deeper than a calendar answer is not read.
pub fn reply(ics: &str) -> Option<Reply> {
    if ics.len() > REPLY_MAX || nesting(ics) > REPLY_DEPTH {
        return None;
    }
    let unfolded = icalendar::parser::unfold(ics);
    let parsed = icalendar::parser::read_calendar(&unfolded).ok()?;
    let method = parsed
        .properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case("METHOD"))?;
    if !method.val.as_str().trim().eq_ignore_ascii_case("REPLY") {
        return None;
    }
    let event = parsed
        .components
        .iter()
        .find(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"))?;
    let uid = event.find_prop("UID")?.val.as_str().trim().to_string();
    let attendee = event.find_prop("ATTENDEE")?;
    let address = attendee.val.as_str().trim();
    let address = address
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
        .map(|_| &address[7..])?
        .to_ascii_lowercase();
    let partstat = attendee
        .params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case("PARTSTAT"))?
        .val
        .as_ref()?
        .as_str()
        .to_ascii_uppercase();
    let answer = match partstat.as_str() {
        "ACCEPTED" => PartStat::Accepted,
        "DECLINED" => PartStat::Declined,
        "TENTATIVE" => PartStat::Tentative,
        _ => return None,
    };
    Some(Reply {
        uid,
        attendee: address,
        answer,
    })
}

/// The calendar object for `event`, sent to `attendee`, as text.
pub fn invite(event: &Event, organizer: &str, attendee: &str) -> String {
    let mut item = component(event, None);
    item.add_property("ORGANIZER", format!("mailto:{organizer}"));
    // Outlook and Apple Calendar offer to accept an invitation only when the reader is
    // one of its attendees.
    item.add_multi_property("ATTENDEE", &format!("mailto:{attendee}"));
    let mut calendar = calendar(invite_method(event));
    calendar.push(item.done());
    calendar.done().to_string()
}

/// How deep `ics` nests its components (BEGIN lines not yet ENDed, at most).
fn nesting(ics: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for line in ics.lines() {
        let line = line.trim_start();
        let starts = |word: &str| {
            line.get(..word.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(word))
        };
        if starts("BEGIN:") {
            depth += 1;
            deepest = deepest.max(depth);
        } else if starts("END:") {
            depth = depth.saturating_sub(1);
        }
    }
    deepest
}

/// The METHOD of `event`'s invitation: REQUEST, or CANCEL once cancelled.
pub fn invite_method(event: &Event) -> &'static str {
    if event.cancelled { "CANCEL" } else { "REQUEST" }
}

/// A feed of events (METHOD:PUBLISH) named `name`, read again every hour; each event
/// links to its dossier.
pub fn feed(name: &str, events: &[(DossierNumber, &Event)], base_url: &str) -> String {
    let mut calendar = calendar("PUBLISH");
    let mut refresh = icalendar::Property::new("REFRESH-INTERVAL", "PT1H");
    refresh.add_parameter("VALUE", "DURATION");
    calendar
        .name(name)
        .append_property(refresh)
        .append_property(("X-PUBLISHED-TTL", "PT1H"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_says_who_answered_what_to_which_event() {
        // As Thunderbird writes it: folded lines, parameters before the address.
        let ics = "BEGIN:VCALENDAR\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:abc@dossier.test\r\nSEQUENCE:1\r\nATTENDEE;CN=Hélène Garnier;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mai\r\n lto:Helene@Client.test\r\nORGANIZER:mailto:notifications@dossier.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        assert_eq!(
            reply(ics),
            Some(Reply {
                uid: "abc@dossier.test".into(),
                attendee: "helene@client.test".into(),
                answer: PartStat::Accepted
            })
        );
        assert_eq!(
            reply(&ics.replace("REPLY", "REQUEST")),
            None,
            "an invitation is no answer"
        );
        assert_eq!(
            reply(&ics.replace("ACCEPTED", "DECLINED")).unwrap().answer,
            PartStat::Declined
        );
        assert_eq!(reply("not a calendar"), None);
        // Hostile input is refused before the recursive parser sees it.
        assert_eq!(reply(&"BEGIN:X\r\n".repeat(200_000)), None);
        let deep = format!("{}{ics}", "BEGIN:X\r\n".repeat(10));
        assert_eq!(reply(&deep), None);
        assert_eq!(reply(&format!("{ics}{}", " ".repeat(70_000))), None);
        assert_eq!(
            reply("BEGé:\r\nENé\r\n"),
            None,
            "no byte is cut in a character"
        );
    }

    #[test]
    fn our_calendars_name_the_product_and_feeds_ask_to_be_read_hourly() {
        let text = feed("Agenda", &[], "https://x.test");
        assert!(text.contains("PRODID:-//Dossier//Dossier "), "{text}");
        assert!(!text.contains("ICALENDAR-RS"));
        assert!(text.contains("METHOD:PUBLISH"));
        assert!(
            text.contains("REFRESH-INTERVAL;VALUE=DURATION:PT1H"),
            "{text}"
        );
    }
}
