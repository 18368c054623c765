//! The sections of a dossier, each a page of its own under the dossier's header:
//! `/dossiers/{number}` (discussion), `/files`, `/documents`, `/events`, `/expenses`,
//! `/activities`, `/intervenants`, `/history`. A form of a section refused by the
//! services shows the section again with what was typed (422).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::errors::{blocking, page_for};
use super::session::Reader;
use crate::app::App;
use std::sync::Arc;

use maud::PreEscaped;

use crate::domain::{Document, DossierId, DossierNumber, Lang, User, UserId};
use crate::error::Error;
use crate::kept::Kept;
use crate::policy::Role;
use crate::service::{ActivityReport, DiscussionVersion, DossierHeader, Section, SectionView};
use crate::templates::dossier as views;
use crate::templates::fields::{Again, Typed};

/// What a section page was asked to show: the whole discussion (`?all=messages`), the
/// activities of a period (`?from=…&to=…`).
#[derive(Debug, Default, Deserialize)]
pub struct Shown {
    #[serde(default)]
    all: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Whose discussion page, as whom: the dossier, the reader, their role and language,
/// and whether every message is shown.
type DiscussionKey = (DossierId, UserId, Role, Lang, bool);

/// Discussions as last rendered for each reader, at the version they were read at: the
/// next visit at the same version renders nothing again.
pub type Rendered = Kept<DiscussionKey, Arc<str>, DiscussionVersion>;

/// The parts of a section page that are not in [`SectionView`].
struct Extra {
    feed: Option<String>,
    report: Option<(ActivityReport, Vec<Document>)>,
}

/// Renders `section` of dossier `number` for the reader, with `again` (a refused form of
/// the section) if any.
pub(super) async fn render(
    app: &App,
    reader: &Reader,
    number: DossierNumber,
    section: Section,
    shown: Shown,
    again: Option<Again>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let all = shown.all == "messages";
    let loaded = blocking(move || {
        let (header, view) = services.dossier_section(&user, number, section, all)?;
        let dossier = &header.dossier;
        let people = services.people_named_for(&user)?;
        let mut extra = Extra {
            feed: None,
            report: None,
        };
        match section {
            Section::Agenda => {
                extra.feed = Some(services.feed_token(&user, Some(dossier.id))?.to_string())
            }
            Section::Activities => {
                let report = services.activity_report(
                    &user,
                    dossier.id,
                    day(&shown.from),
                    day(&shown.to),
                )?;
                let documents = services.documents(&user, dossier.id).unwrap_or_default();
                extra.report = Some((report, documents));
            }
            _ => {}
        }
        Ok((header, view, people, extra, shown))
    })
    .await;
    let (header, view, people, extra, shown): (
        DossierHeader,
        SectionView,
        Arc<[User]>,
        Extra,
        Shown,
    ) = match loaded {
        Ok(loaded) => loaded,
        Err(err) => return page_for(reader, err),
    };
    let p = views::Page {
        config: &app.config,
        reader,
        header: &header,
        people: &people,
    };
    let typed = Typed::of(reader.user.lang, again.as_ref());
    let html = match (&view, &extra.report) {
        (
            SectionView::Discussion {
                messages,
                earlier,
                attachments,
                version,
            },
            _,
        ) => {
            let key = (
                header.dossier.id,
                reader.user.id,
                header.role,
                reader.user.lang,
                all,
            );
            let shown = app.discussions.get(&key, version).unwrap_or_else(|| {
                let shown: Arc<str> = views::messages(&p, messages, attachments).0.into();
                app.discussions
                    .put(key, *version, shown.clone(), shown.len());
                shown
            });
            // A client's words of agreement are offered to staff as one click per quote
            // waiting for its answer: never accepted on the words alone.
            let waiting = header
                .money
                .as_ref()
                .is_some_and(|m| !m.awaiting.is_empty());
            let agreed = (waiting && p.staff_may_change())
                .then(|| {
                    messages.iter().rev().find(|m| {
                        header.client.has_member(m.author) && crate::domain::says_agreement(&m.text)
                    })
                })
                .flatten();
            views::discussion(&p, *earlier, PreEscaped(&shown), agreed, typed)
        }
        (SectionView::Files(files), _) => views::files(&p, files),
        (SectionView::Documents(documents), _) => views::documents(&p, documents, typed),
        (SectionView::Agenda(events), _) => {
            let feed = format!(
                "{}/calendar/feed/{}.ics",
                app.config.base_url,
                extra.feed.as_deref().unwrap_or_default()
            );
            views::agenda(&p, events, &feed)
        }
        (SectionView::Expenses(expenses), _) => views::expenses(&p, expenses),
        (SectionView::Activities, Some((report, documents))) => {
            views::activities(&p, report, documents, (&shown.from, &shown.to))
        }
        (SectionView::Activities, None) => return page_for(reader, Error::NotFound),
        (SectionView::Intervenants(people), _) => views::intervenants(&p, people, typed),
        (SectionView::History(lines), _) => views::history(&p, lines),
    };
    (super::forms::shown_status(again.as_ref()), html).into_response()
}

async fn show(
    app: App,
    reader: Reader,
    number: String,
    section: Section,
    shown: Shown,
) -> Response {
    match DossierNumber::parse(&number) {
        Some(number) => render(&app, &reader, number, section, shown, None).await,
        None => page_for(&reader, Error::NotFound),
    }
}

macro_rules! section_handler {
    ($name:ident, $section:expr, $path:literal) => {
        #[doc = concat!("GET ", $path, ".")]
        pub async fn $name(
            State(app): State<App>,
            reader: Reader,
            Path(number): Path<String>,
            Query(shown): Query<Shown>,
        ) -> Response {
            show(app, reader, number, $section, shown).await
        }
    };
}

section_handler!(discussion, Section::Discussion, "/dossiers/{number}");
section_handler!(files, Section::Files, "/dossiers/{number}/files");
section_handler!(
    documents,
    Section::Documents,
    "/dossiers/{number}/documents"
);
section_handler!(agenda, Section::Agenda, "/dossiers/{number}/events");
section_handler!(expenses, Section::Expenses, "/dossiers/{number}/expenses");
section_handler!(
    activities,
    Section::Activities,
    "/dossiers/{number}/activities"
);
section_handler!(
    intervenants,
    Section::Intervenants,
    "/dossiers/{number}/intervenants"
);
section_handler!(history, Section::History, "/dossiers/{number}/history");
