//! Staff administration of the mail: held messages (approve as a chosen person, or
//! discard), the processing log with its reasons, the outbox (pending, sent, dead, retry)
//! and the addresses mail no longer goes to. Anyone else gets 404.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::downloads::Download;
use super::errors::{blocking, page_for};
use super::forms::{NoFields, Posted};
use super::session::Reader;
use crate::app::App;
use crate::domain::{FileName, HeldId, OutId, UserId};
use crate::service::Services;

/// Which page of held messages to show (`?held=N`, from 0).
#[derive(Debug, Default, Deserialize)]
pub struct HeldQuery {
    #[serde(default)]
    held: String,
}

/// GET /admin/mail.
pub async fn mail(
    State(app): State<App>,
    reader: Reader,
    Query(which): Query<HeldQuery>,
) -> Response {
    let (services, user, tz) = (
        app.services.clone(),
        reader.user.clone(),
        app.config.timezone,
    );
    // A page number that cannot be read is the first page.
    let shown = which.held.trim().parse::<usize>().unwrap_or(0);
    let found = blocking(move || {
        let held = services.held_page(&user, shown)?;
        let log = services.mail_log(&user, 100)?;
        let outbox = services.outbox(&user, 100)?;
        let stopped = services.stopped_addresses(&user)?;
        let people = services.people_named_for(&user)?;
        let dossiers = services.visible_dossiers(&user)?;
        let now = chrono::Utc::now().with_timezone(&tz);
        let tomorrow = now.date_naive() + chrono::Days::new(1);
        let planned = services.reminders_planned(&user, tomorrow)?;
        Ok((held, log, outbox, stopped, people, dossiers, planned))
    })
    .await;
    match found {
        Ok((held, log, outbox, stopped, people, dossiers, planned)) => {
            crate::templates::admin::mail(
                &app.config,
                &reader,
                (&held.0, held.2, held.1),
                &log,
                &outbox,
                &stopped,
                &people,
                &dossiers,
                &planned,
            )
            .into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}

/// The approve form: as whom.
#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    author: String,
}

async fn act(
    app: App,
    reader: Reader,
    work: impl FnOnce(&Services, &crate::domain::User) -> crate::Result<()> + Send + 'static,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    match blocking(move || work(&services, &user)).await {
        Ok(()) => Redirect::to("/admin/mail").into_response(),
        Err(err) => super::errors::page_for(&reader, err),
    }
}

/// POST /admin/held/{id}/approve.
pub async fn approve(
    State(app): State<App>,
    Path(id): Path<u64>,
    Posted { reader, form }: Posted<ApproveForm>,
) -> Response {
    act(app, reader, move |s, u| {
        // Only who may review held mail is told how to fill the form.
        if !crate::policy::may_administer(u) {
            return Err(crate::Error::NotFound);
        }
        let author = form.author.trim().parse::<u64>().map_err(|_| {
            crate::Error::invalid(
                "Choisissez au nom de qui publier ce message.",
                "Choose whom to post this message as.",
            )
        })?;
        s.approve_held(u, HeldId::from_raw(id), UserId::from_raw(author))
            .map(drop)
    })
    .await
}

/// POST /admin/held/{id}/discard.
pub async fn discard(
    State(app): State<App>,
    Path(id): Path<u64>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    act(app, reader, move |s, u| {
        s.discard_held(u, HeldId::from_raw(id))
    })
    .await
}

/// POST /admin/held/discard: the messages ticked on the page (`ids`, repeated).
pub async fn discard_ticked(
    State(app): State<App>,
    Posted { reader, form }: Posted<Vec<(String, String)>>,
) -> Response {
    let ids: Vec<HeldId> = form
        .iter()
        .filter(|(name, _)| name == "ids")
        .filter_map(|(_, value)| value.parse().ok().map(HeldId::from_raw))
        .collect();
    act(app, reader, move |s, u| s.discard_many(u, &ids).map(drop)).await
}

/// POST /admin/outbox/{id}/retry.
pub async fn retry(
    State(app): State<App>,
    Path(id): Path<u64>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    act(app, reader, move |s, u| {
        s.retry_mail(u, OutId::from_raw(id)).map(drop)
    })
    .await
}

/// GET /admin/raw/{sha256}: a kept raw message (held or logged), as a file.
pub async fn raw(State(app): State<App>, reader: Reader, Path(sha): Path<String>) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        let content = services.raw_mail(&user, &sha)?;
        Download::open(FileName::sanitize("message.eml"), "message/rfc822", content)
    })
    .await;
    match found {
        Ok(download) => download.into_response(),
        Err(err) => page_for(&reader, err),
    }
}
