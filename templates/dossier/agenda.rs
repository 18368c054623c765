//! The agenda section: every event with its date, time and place, soonest first (past
//! ones after a heading), the calendar feed of the dossier; and the event form page.

use chrono_tz::Tz;
use maud::{Markup, html};

use super::{Page, form_page, format, name_of, section_page};
use crate::config::Config;
use crate::domain::{Dossier, Event, EventTime};
use crate::service::Section;
use crate::templates::fields::Typed;
use crate::web::session::Reader;

/// A feed's address for calendar programs: `webcal://` in place of `https://`.
pub fn webcal(feed: &str) -> String {
    match feed.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => feed.to_string(),
    }
}

fn event_item(p: &Page, e: &Event) -> Markup {
    let (l, zone) = (p.lang(), p.config.timezone);
    let base = p.base();
    html! {
        li.event id={ "event-" (e.id) } {
            p.when { (format::event_time(l, zone, &e.time)) }
            p.what {
                @if e.cancelled { s { (e.title) } (l.t(" (annulé)", " (cancelled)")) } @else { strong { (e.title) } }
                @if !e.place.is_empty() { " · " span.place { (e.place) } }
            }
            @if !e.description.is_empty() { p.details { (e.description) } }
            @if !e.answers.is_empty() {
                ul.answers aria-label=(l.t("Réponses à l'invitation", "Answers to the invitation")) {
                    @for a in &e.answers {
                        li { (name_of(p.people, a.user)) " — " (match a.answer {
                            crate::domain::PartStat::Accepted => l.t("vient", "comes"),
                            crate::domain::PartStat::Declined => l.t("ne vient pas", "does not come"),
                            crate::domain::PartStat::Tentative => l.t("viendra peut-être", "may come"),
                        }) }
                    }
                }
            }
            p.item-actions {
                a href={ (base) "/events/" (e.id) "/ics" } { (l.t("Ajouter à mon agenda", "Add to my calendar")) }
                @if p.staff_may_change() && !e.cancelled {
                    " · " a href={ (base) "/events/" (e.id) "/edit" } aria-label={ (l.t("Modifier ", "Change ")) (e.title) } { (l.t("Modifier", "Change")) }
                    " · " a href={ (base) "/events/" (e.id) "/cancel" } aria-label={ (l.t("Annuler ", "Cancel ")) (e.title) } { (l.t("Annuler l'événement…", "Cancel the event…")) }
                }
            }
        }
    }
}

/// The agenda section; `feed` is the address of the dossier's calendar feed.
pub fn agenda(p: &Page, events: &[Event], feed: &str) -> Markup {
    let l = p.lang();
    let today = chrono::Utc::now().date_naive();
    let (coming, past): (Vec<&Event>, Vec<&Event>) =
        events.iter().partition(|e| e.time.last_day() >= today);
    section_page(
        p,
        Section::Agenda,
        html! {
            @if p.staff_may_change() {
                p.actions { a.button href={ (p.base()) "/events/new" } { (l.t("Nouvel événement", "New event")) } }
            }
            @if events.is_empty() { p { (l.t("Aucun événement.", "No event.")) } }
            @if !coming.is_empty() {
                h3 { (l.t("À venir", "Coming")) }
                ul.events { @for e in &coming { (event_item(p, e)) } }
            }
            @if !past.is_empty() {
                h3 { (l.t("Passés", "Past")) }
                ul.events.past { @for e in past.iter().rev() { (event_item(p, e)) } }
            }
            p.feed {
                (l.t("Agenda de ce dossier, à ajouter à votre calendrier : ", "This dossier's calendar, to add to yours: "))
                a href=(webcal(feed)) { (l.t("s'abonner", "subscribe")) } " · " code { (feed) }
            }
        },
    )
}

/// An event's days and times in the business's zone, as the form shows them.
fn form_times(time: &EventTime, zone: Tz) -> [String; 4] {
    match time {
        EventTime::Timed { start, end } => {
            let (a, b) = (start.with_timezone(&zone), end.with_timezone(&zone));
            [
                a.date_naive().to_string(),
                a.format("%H:%M").to_string(),
                b.date_naive().to_string(),
                b.format("%H:%M").to_string(),
            ]
        }
        EventTime::AllDay { first, last } => [
            first.to_string(),
            String::new(),
            last.to_string(),
            String::new(),
        ],
    }
}

/// The event form page: a new event (`None`) or a change to one.
pub fn event_form(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    event: Option<&Event>,
    typed: Typed,
) -> Markup {
    let l = reader.user.lang;
    let base = format!("/dossiers/{}", dossier.number);
    let [start, start_time, end, end_time] = event
        .map(|e| form_times(&e.time, config.timezone))
        .unwrap_or_default();
    let (title, action) = match event {
        Some(e) => (
            l.t("Modifier l'événement", "Change the event"),
            format!("{base}/events/{}", e.id),
        ),
        None => (
            l.t("Nouvel événement", "New event"),
            format!("{base}/events"),
        ),
    };
    let v = |name: &str, current: &str| typed.value(name, current);
    form_page(
        config,
        reader,
        dossier,
        Section::Agenda,
        title,
        html! {
            (typed.general(&["title", "start", "end", "start_time", "end_time", "place", "description"]))
            form.stacked method="post" action=(action) {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                label for="title" { (l.t("Titre", "Title")) }
                input #title type="text" name="title" required maxlength="200" value=(v("title", event.map_or("", |e| &e.title))) aria-invalid=[typed.invalid("title")] aria-describedby=[typed.described("title")];
                (typed.error("title"))
                div.pair {
                    div {
                        label for="start" { (l.t("Début", "Start")) }
                        input #start type="date" name="start" required value=(v("start", &start)) aria-invalid=[typed.invalid("start")] aria-describedby=[typed.described("start")];
                        (typed.error("start"))
                    }
                    div {
                        label for="start_time" { (l.t("Heure de début", "Start time")) }
                        input #start_time type="time" name="start_time" value=(v("start_time", &start_time)) aria-invalid=[typed.invalid("start_time")] aria-describedby=[typed.described("start_time")];
                        (typed.error("start_time"))
                    }
                }
                div.pair {
                    div {
                        label for="end" { (l.t("Fin", "End")) }
                        input #end type="date" name="end" value=(v("end", &end)) aria-invalid=[typed.invalid("end")] aria-describedby=[typed.described("end")];
                        (typed.error("end"))
                    }
                    div {
                        label for="end_time" { (l.t("Heure de fin", "End time")) }
                        input #end_time type="time" name="end_time" value=(v("end_time", &end_time)) aria-invalid=[typed.invalid("end_time")] aria-describedby=[typed.described("end_time")];
                        (typed.error("end_time"))
                    }
                }
                p.hint { (l.t("Sans heures, l'événement dure la journée entière.", "Without times, the event lasts the whole day.")) }
                label for="place" { (l.t("Lieu", "Place")) }
                input #place type="text" name="place" maxlength="500" value=(v("place", event.map_or("", |e| &e.place))) aria-invalid=[typed.invalid("place")] aria-describedby=[typed.described("place")];
                (typed.error("place"))
                label for="description" { (l.t("Détails", "Details")) }
                textarea #description name="description" rows="3" aria-invalid=[typed.invalid("description")] aria-describedby=[typed.described("description")] { (v("description", event.map_or("", |e| &e.description))) }
                (typed.error("description"))
                button type="submit" { (l.t("Enregistrer", "Save")) }
                " " a href={ (base) "/events" } { (l.t("Annuler", "Cancel")) }
            }
        },
    )
}
