//! The calendar page: a month grid (weeks from Monday) or a list, and the private feed.

use chrono::{Datelike, Days, Months, NaiveDate};
use maud::{Markup, html};

use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{Dossier, Event, Lang};
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

fn event_link(dossier: &Dossier, event: &Event) -> Markup {
    html! {
        a href={ "/dossiers/" (dossier.number) "#event-" (event.id) } {
            @if event.cancelled { s { (event.title) } } @else { (event.title) }
        }
        " " small { (dossier.number) }
    }
}

/// The calendar of `month` (or the list of events from `today` on).
pub fn page(
    config: &Config,
    reader: &Reader,
    month: NaiveDate,
    today: NaiveDate,
    events: &[(Dossier, Event)],
    feed: &str,
    list: bool,
) -> Markup {
    let nav = Nav::of(&config.business_name, reader);
    let l = reader.user.lang;
    let previous = month.checked_sub_months(Months::new(1)).unwrap_or(month);
    let next = month.checked_add_months(Months::new(1)).unwrap_or(month);
    let name = match reader.user.lang {
        Lang::Fr => MONTHS[month.month0() as usize],
        Lang::En => MONTHS_EN[month.month0() as usize],
    };
    let title = format!("{name} {}", month.year());
    signed_in(
        "Calendrier",
        &nav,
        html! {
            h1 { (l.t("Calendrier", "Calendar")) }
            p.views { a href="/calendar" { (l.t("Mois", "Month")) } " · " a href="/calendar?view=list" { (l.t("Liste", "List")) } }
            @if list {
                h2 { (l.t("À venir", "Upcoming")) }
                ul.events {
                    @for (dossier, event) in events.iter().filter(|(_, e)| days(e, config.timezone).1 >= today) {
                        li { (format::date(l, days(event, config.timezone).0)) " — " (event_link(dossier, event)) }
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
                        @let start = month.checked_sub_days(Days::new(month.weekday().num_days_from_monday() as u64)).unwrap_or(month);
                        @for week in 0..6u64 {
                            tr {
                                @for weekday in 0..7u64 {
                                    @let day = start.checked_add_days(Days::new(week * 7 + weekday)).unwrap_or(start);
                                    td class=(if day.month() == month.month() { "in" } else { "out" }) {
                                        span.day { (day.day()) }
                                        @for (dossier, event) in events.iter().filter(|(_, e)| { let (a, b) = days(e, config.timezone); a <= day && day <= b }) {
                                            div.event { (event_link(dossier, event)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.feed {
                h2 { (l.t("S'abonner", "Subscribe")) }
                p { (l.t("Ajoutez cette adresse privée à Google Agenda, Outlook ou Calendrier (Apple) :", "Add this private address to Google Calendar, Outlook or Apple Calendar:")) }
                p { code { (feed) } }
                form method="post" action="/calendar/feed/reset" {
                    input type="hidden" name="csrf" value=(reader.session.csrf);
                    button type="submit" { (l.t("Changer l'adresse (l'ancienne ne fonctionnera plus)", "Change the address (the old one will stop working)")) }
                }
            }
        },
    )
}
