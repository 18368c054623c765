//! The calendar page: a month grid (weeks from Monday) or a list, and the private feed.

use chrono::{Datelike, Days, Months, NaiveDate};
use maud::{Markup, PreEscaped, html};

use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{DossierNumber, Event, Lang};
use crate::web::calendar::days;
use crate::web::session::Reader;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A link to the event in its dossier.
fn event_link(shown: &Shown) -> Markup {
    let event = shown.event;
    html! {
        a href=(shown.href) {
            @if event.cancelled { s { (event.title) } } @else { (event.title) }
        }
        " " small { (shown.number) }
    }
}

/// The first and last day of the month grid of `month`: six weeks from the Monday of
/// its first week.
pub fn grid(month: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = month
        .checked_sub_days(Days::new(month.weekday().num_days_from_monday() as u64))
        .unwrap_or(month);
    (
        start,
        start.checked_add_days(Days::new(41)).unwrap_or(start),
    )
}

/// An event as the page shows it, with what is worked out once for every day it is on.
struct Shown<'a> {
    event: &'a Event,
    number: String,
    href: String,
    /// Its first and last day in the business's time zone.
    first: NaiveDate,
    last: NaiveDate,
}

fn shown<'a>(events: &[(DossierNumber, &'a Event)], zone: chrono_tz::Tz) -> Vec<Shown<'a>> {
    events
        .iter()
        .map(|(number, event)| {
            let (first, last) = days(event, zone);
            Shown {
                event,
                number: number.to_string(),
                href: format!("/dossiers/{number}#event-{}", event.id),
                first,
                last,
            }
        })
        .collect()
}

/// The events of each day of the grid starting on `start`, in order.
fn by_day<'s, 'a>(start: NaiveDate, events: &'s [Shown<'a>]) -> Vec<Vec<&'s Shown<'a>>> {
    let mut days_of = vec![Vec::new(); 42];
    for entry in events {
        let from = (entry.first - start).num_days().max(0);
        let to = (entry.last - start).num_days().min(41);
        for day in from..=to {
            days_of[day as usize].push(entry);
        }
    }
    days_of
}

/// The calendar page around `shown`, the month or the list as [`events`] renders it.
pub fn page(config: &Config, reader: &Reader, shown: PreEscaped<&str>, feed: &str) -> Markup {
    let nav = Nav::of(&config.business_name, reader);
    let l = reader.user.lang;
    signed_in(
        "Calendrier",
        &nav,
        html! {
            h1 { (l.t("Calendrier", "Calendar")) }
            p.views { a href="/calendar" { (l.t("Mois", "Month")) } " · " a href="/calendar?view=list" { (l.t("Liste", "List")) } }
            (shown)
            section.feed {
                h2 { (l.t("S'abonner", "Subscribe")) }
                p { (l.t("Ajoutez cette adresse privée à Google Agenda, Outlook ou Calendrier (Apple) :", "Add this private address to Google Calendar, Outlook or Apple Calendar:")) }
                p {
                    a.button href=(crate::templates::dossier::webcal(feed)) { (l.t("S'abonner dans mon calendrier", "Subscribe in my calendar")) }
                    " " a href=(feed) { (l.t("ou l'adresse https", "or the https address")) }
                }
                p { code { (feed) } }
                form method="post" action="/calendar/feed/reset" {
                    input type="hidden" name="csrf" value=(reader.session.csrf);
                    button type="submit" { (l.t("Changer l'adresse (l'ancienne ne fonctionnera plus)", "Change the address (the old one will stop working)")) }
                }
            }
        },
    )
}

/// The month grid of `month` (or the list of events from `today` on) in `l`. It depends
/// only on the events, the language and the days: the same for the same events, so it
/// can be kept.
pub fn events(
    config: &Config,
    l: Lang,
    month: NaiveDate,
    today: NaiveDate,
    events: &[(DossierNumber, &Event)],
    list: bool,
) -> Markup {
    let previous = month.checked_sub_months(Months::new(1)).unwrap_or(month);
    let next = month.checked_add_months(Months::new(1)).unwrap_or(month);
    let name = match l {
        Lang::Fr => MONTHS[month.month0() as usize],
        Lang::En => MONTHS_EN[month.month0() as usize],
    };
    let title = format!("{name} {}", month.year());
    let shown = shown(events, config.timezone);
    html! {
        @if list {
            h2 { (l.t("À venir", "Upcoming")) }
            ul.events {
                @for entry in shown.iter().filter(|e| e.last >= today) {
                    li { (format::date(l, entry.first)) " — " (event_link(entry)) }
                }
            }
        } @else {
            nav.months aria-label=(l.t("Mois", "Months")) {
                a href={ "/calendar?month=" (previous.format("%Y-%m")) } { (l.t("← Mois précédent", "← Previous month")) }
                h2 { (title) }
                a href={ "/calendar?month=" (next.format("%Y-%m")) } { (l.t("Mois suivant →", "Next month →")) }
            }
            table.month {
                thead { tr { @for d in (if l == Lang::Fr { ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."] } else { ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] }) { th scope="col" { (d) } } } }
                tbody {
                    @let start = grid(month).0;
                    @let on = by_day(start, &shown);
                    @for week in 0..6u64 {
                        tr {
                            @for weekday in 0..7u64 {
                                @let day = start.checked_add_days(Days::new(week * 7 + weekday)).unwrap_or(start);
                                td class=(if day.month() == month.month() { "in" } else { "out" }) {
                                    span.day { (day.day()) }
                                    @for entry in &on[(week * 7 + weekday) as usize] {
                                        div.event { (event_link(entry)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
