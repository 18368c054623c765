//! Staff administration of the directory: people (staff, clients' people, intervenants),
//! clients with their members and the *may create dossiers* flag, and invitations.
//! Anyone else gets 404.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::errors::{blocking, page, page_for};
use super::forms::Posted;
use super::parse::field;
use super::session::Reader;
use crate::app::App;
use crate::domain::{ClientId, EmailAddress, Lang};
use crate::error::Error;
use crate::service::{Operator, PersonRequest};
use crate::templates::fields::{Again, Fields};

fn operator(reader: &Reader) -> crate::Result<Operator> {
    Operator::staff(&reader.user).ok_or(Error::NotFound)
}

/// GET /admin/people.
pub async fn show(State(app): State<App>, reader: Reader) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let services = app.services.clone();
    match blocking(move || services.directory(&op)).await {
        Ok((users, clients)) => {
            crate::templates::directory::page(&app.config, &reader, &users, &clients, None)
                .into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}

/// POST /admin/people: adds a person, optionally to a client, optionally invited.
/// A mistake re-shows the page with its sentence.
pub async fn add(State(app): State<App>, Posted { reader, form }: Posted<Fields>) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let (services, notifier, inviter) = (
        app.services.clone(),
        app.notifier.clone(),
        reader.user.clone(),
    );
    let op2 = op.clone();
    let f = form.clone();
    let done = blocking(move || {
        let email =
            EmailAddress::parse(field(&f, "email")).map_err(|e| Error::Invalid(e.refusal()))?;
        let request = PersonRequest {
            name: field(&f, "name").into(),
            emails: vec![email.clone()],
            lang: Lang::parse(field(&f, "lang")).unwrap_or_default(),
            staff: f.contains_key("staff"),
            password: None,
        };
        let client = field(&f, "client").parse().ok().map(ClientId::from_raw);
        let user = services.add_user_to(&op2, request, client)?;
        if f.contains_key("invite") {
            notifier.send_login_link(&user, 7 * 24 * 60, Some(&inviter))?;
        }
        Ok(())
    })
    .await;
    match done {
        Ok(()) => Redirect::to("/admin/people").into_response(),
        Err(Error::Invalid(why) | Error::Conflict(why)) => {
            let again = Again {
                fields: form,
                refusal: Some(why),
                form: "person",
            };
            reshow(&app, &reader, op, again).await
        }
        Err(err) => page_for(&reader, err),
    }
}

/// The directory again, with the sentence of a refused form (422).
async fn reshow(app: &App, reader: &Reader, op: Operator, again: Again) -> Response {
    let services = app.services.clone();
    match blocking(move || services.directory(&op)).await {
        Ok((users, clients)) => {
            let html = crate::templates::directory::page(
                &app.config,
                reader,
                &users,
                &clients,
                Some(&again),
            );
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
        }
        Err(err) => page_for(reader, err),
    }
}

/// POST /admin/clients: adds a company; a refusal shows the directory again with the
/// name typed and the sentence next to it.
pub async fn add_company(
    State(app): State<App>,
    Posted { reader, form }: Posted<Fields>,
) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let (services, f, again_op) = (app.services.clone(), form.clone(), op.clone());
    let done = blocking(move || {
        services
            .add_company(&op, field(&f, "name"), f.contains_key("may_create"))
            .map(drop)
    })
    .await;
    match done {
        Ok(()) => Redirect::to("/admin/people").into_response(),
        Err(Error::Invalid(why) | Error::Conflict(why)) => {
            let again = Again {
                fields: form,
                refusal: Some(why),
                form: "company",
            };
            reshow(&app, &reader, again_op, again).await
        }
        Err(err) => page_for(&reader, err),
    }
}

/// The flag form.
#[derive(Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    allowed: Option<String>,
}

/// POST /admin/clients/{id}/may-create: the *may create dossiers* flag.
pub async fn may_create(
    State(app): State<App>,
    Path(id): Path<u64>,
    Posted { reader, form }: Posted<FlagForm>,
) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let services = app.services.clone();
    match blocking(move || {
        services
            .set_may_create_dossiers(&op, ClientId::from_raw(id), form.allowed.is_some())
            .map(drop)
    })
    .await
    {
        Ok(()) => Redirect::to("/admin/people").into_response(),
        Err(err) => page_for(&reader, err),
    }
}

/// The membership and private-client forms: an existing person's address.
#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    may_create: Option<String>,
}

/// Runs one directory change for a staff member, then shows the directory again; a
/// mistake re-shows it with the sentence.
async fn change(
    app: App,
    reader: Reader,
    work: impl FnOnce(&crate::service::Services, &Operator) -> crate::Result<()> + Send + 'static,
) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let services = app.services.clone();
    let again = op.clone();
    match blocking(move || work(&services, &op)).await {
        Ok(()) => Redirect::to("/admin/people").into_response(),
        Err(Error::Invalid(why) | Error::Conflict(why)) => {
            let shown = Again {
                fields: Fields::new(),
                refusal: Some(why),
                form: "other",
            };
            reshow(&app, &reader, again, shown).await
        }
        Err(err) => page_for(&reader, err),
    }
}

fn address(text: &str) -> crate::Result<EmailAddress> {
    EmailAddress::parse(text).map_err(|e| Error::Invalid(e.refusal()))
}

/// POST /admin/clients/{id}/members: an existing person joins a company.
pub async fn add_member(
    State(app): State<App>,
    Path(id): Path<u64>,
    Posted { reader, form }: Posted<EmailForm>,
) -> Response {
    let email = form.email;
    change(app, reader, move |s, op| {
        s.add_member(op, ClientId::from_raw(id), &address(&email)?)
            .map(drop)
    })
    .await
}

/// POST /admin/clients/private: an existing person becomes a private client.
pub async fn add_private(
    State(app): State<App>,
    Posted { reader, form }: Posted<EmailForm>,
) -> Response {
    let (email, may) = (form.email, form.may_create.is_some());
    change(app, reader, move |s, op| {
        s.add_person_client(op, &address(&email)?, may).map(drop)
    })
    .await
}
