//! The calendar page: a month grid (weeks from Monday) or a list, and the private feed.

use chrono::{Datelike, Days, Months, NaiveDate};
use maud::{Markup, html};

use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{Dossier, Event, Lang};
use crate::web::calendar::days;
use crate::web::session::Reader;

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
    let previous = month.checked_sub_months(Months::new(1)).unwrap_or(month);
    let next = month.checked_add_months(Months::new(1)).unwrap_or(month);
    let title = format!("{} {}", MONTHS[month.month0() as usize], month.year());
    signed_in(
        "Calendrier",
        &nav,
        html! {
            h1 { "Calendrier" }
            p.views { a href="/calendar" { "Mois" } " · " a href="/calendar?view=list" { "Liste" } }
            @if list {
                h2 { "À venir" }
                ul.events {
                    @for (dossier, event) in events.iter().filter(|(_, e)| days(e, config.timezone).1 >= today) {
                        li { (format::date(Lang::Fr, days(event, config.timezone).0)) " — " (event_link(dossier, event)) }
                    }
                }
            } @else {
                nav.months aria-label="Mois" {
                    a href={ "/calendar?month=" (previous.format("%Y-%m")) } { "← Mois précédent" }
                    h2 { (title) }
                    a href={ "/calendar?month=" (next.format("%Y-%m")) } { "Mois suivant →" }
                }
                table.month {
                    thead { tr { @for d in ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."] { th scope="col" { (d) } } } }
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
                h2 { "S'abonner" }
                p { "Ajoutez cette adresse privée à Google Agenda, Outlook ou Calendrier (Apple) :" }
                p { code { (feed) } }
                form method="post" action="/calendar/feed/reset" {
                    input type="hidden" name="csrf" value=(reader.session.csrf);
                    button type="submit" { "Changer l'adresse (l'ancienne ne fonctionnera plus)" }
                }
            }
        },
    )
}
