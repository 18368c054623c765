//! The calendar: a month view and a list view over every dossier the reader can see, the
//! private feed (subscribe from Google Calendar, Outlook or Apple Calendar; resettable),
//! and one event's `.ics`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::errors::{blocking, page, page_for};
use super::forms::{NoFields, Posted};
use super::session::Reader;
use crate::app::App;
use std::sync::Arc;

use maud::PreEscaped;

use crate::domain::{Dossier, DossierNumber, Event, EventId, EventTime, Lang, UserId};
use crate::error::Error;
use crate::kept::Kept;

/// Which month, and month or list.
#[derive(Debug, Default, Deserialize)]
pub struct Which {
    #[serde(default)]
    month: String,
    #[serde(default)]
    view: String,
}

/// The first and last day an event covers, in the business's time zone.
pub fn days(event: &Event, zone: chrono_tz::Tz) -> (NaiveDate, NaiveDate) {
    match &event.time {
        EventTime::Timed { start, end } => (
            start.with_timezone(&zone).date_naive(),
            end.with_timezone(&zone).date_naive(),
        ),
        EventTime::AllDay { first, last } => (*first, *last),
    }
}

/// GET /calendar.
pub async fn show(State(app): State<App>, reader: Reader, Query(which): Query<Which>) -> Response {
    let zone = app.config.timezone;
    let today = Utc::now().with_timezone(&zone).date_naive();
    let month = NaiveDate::parse_from_str(&format!("{}-01", which.month), "%Y-%m-%d")
        .unwrap_or_else(|_| today.with_day(1).unwrap_or(today));
    let list = which.view == "list";
    // UTC days, a day wider on each side than the days shown in the business's zone.
    let (first, last) = if list {
        (today, NaiveDate::MAX)
    } else {
        crate::templates::calendar::grid(month)
    };
    let within = (
        first.pred_opt().unwrap_or(first),
        last.succ_opt().unwrap_or(last),
    );
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        Ok((
            services.calendar_events(&user)?,
            services.feed_token(&user, None)?,
        ))
    })
    .await;
    let (agenda, token) = match found {
        Ok(found) => found,
        Err(err) => return page_for(&reader, err),
    };
    let lang = reader.user.lang;
    let key = (reader.user.id, lang, month, list, today);
    let version = agenda.version();
    let shown = app.calendars.get(&key, &version).unwrap_or_else(|| {
        let events = agenda.touching(Some(within));
        let shown: Arc<str> =
            crate::templates::calendar::events(&app.config, lang, month, today, &events, list)
                .0
                .into();
        let bytes = shown.len() + version.len() * size_of::<(u64, u64)>();
        app.calendars.put(key, version, shown.clone(), bytes);
        shown
    });
    let feed = format!("{}/calendar/feed/{token}.ics", app.config.base_url);
    crate::templates::calendar::page(&app.config, &reader, PreEscaped(&shown), &feed)
        .into_response()
}

/// Whose calendar, as whom: the reader, their language, the month, list or month, and
/// today (the list starts from it).
type CalendarKey = (UserId, Lang, NaiveDate, bool, NaiveDate);

/// Calendars as last rendered for each reader, at the events they showed: the next visit
/// with the same events renders nothing again.
pub type Rendered = Kept<CalendarKey, Arc<str>, Vec<(u64, u64)>>;

/// POST /calendar/feed/reset: new feed addresses; the old ones stop working.
pub async fn reset(State(app): State<App>, Posted { reader, .. }: Posted<NoFields>) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    match blocking(move || services.reset_feeds(&user)).await {
        Ok(()) => Redirect::to("/calendar").into_response(),
        Err(err) => page_for(&reader, err),
    }
}

/// GET /calendar/feed/{token}.ics: no session; the token is the secret.
pub async fn feed(State(app): State<App>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics").map(str::to_string) else {
        return page(Error::NotFound);
    };
    let services = app.services.clone();
    match blocking(move || services.feed_events(&token)).await {
        Ok((user, events)) => {
            let name = format!("{} — {}", app.config.business_name, user.name);
            calendar_response(
                crate::ical::feed(&name, &events.touching(None), &app.config.base_url),
                None,
            )
        }
        Err(err) => page(err),
    }
}

/// GET /dossiers/{number}/events/{id}/ics.
pub async fn event_ics(
    State(app): State<App>,
    reader: Reader,
    Path((number, id)): Path<(String, u64)>,
) -> Response {
    let Some(number) = DossierNumber::parse(&number) else {
        return page(Error::NotFound);
    };
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        let dossier: Dossier = services.find_dossier(&user, number)?;
        services.event(&user, dossier.id, EventId::from_raw(id))
    })
    .await;
    match found {
        Ok((dossier, event)) => {
            let text = crate::ical::feed(
                &dossier.title,
                &[(dossier.number, &event)],
                &app.config.base_url,
            );
            calendar_response(text, Some("event.ics"))
        }
        Err(err) => page_for(&reader, err),
    }
}

fn calendar_response(text: String, download: Option<&str>) -> Response {
    let mut response = (StatusCode::OK, text).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        // Every calendar downloaded is a METHOD:PUBLISH one.
        HeaderValue::from_static("text/calendar; charset=utf-8; method=PUBLISH"),
    );
    if let Some(name) = download
        && let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
