//! Staff administration of the directory: people (staff, clients' people, intervenants),
//! clients with their members and the *may create dossiers* flag, and invitations.
//! Anyone else gets 404.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::errors::{blocking, page};
use super::forms::Posted;
use super::session::Reader;
use crate::app::App;
use crate::domain::{ClientId, EmailAddress, Lang};
use crate::error::Error;
use crate::service::{Operator, PersonRequest};

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
        Err(err) => page(err),
    }
}

/// The add-person form.
#[derive(Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    staff: Option<String>,
    #[serde(default)]
    client: String,
    #[serde(default)]
    invite: Option<String>,
}

/// POST /admin/people: adds a person, optionally to a client, optionally invited.
/// A mistake re-shows the page with its sentence.
pub async fn add(State(app): State<App>, Posted { reader, form }: Posted<PersonForm>) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let (services, notifier, inviter) = (
        app.services.clone(),
        app.notifier.clone(),
        reader.user.clone(),
    );
    let op2 = op.clone();
    let done = blocking(move || {
        let email = EmailAddress::parse(&form.email).map_err(|e| Error::Invalid(e.refusal()))?;
        let request = PersonRequest {
            name: form.name,
            emails: vec![email.clone()],
            lang: Lang::parse(&form.lang).unwrap_or_default(),
            staff: form.staff.is_some(),
            password: None,
        };
        let user = services.add_user(&op2, request)?;
        if let Ok(id) = form.client.parse::<u64>() {
            services.add_member(&op2, ClientId::from_raw(id), &email)?;
        }
        if form.invite.is_some() {
            notifier.send_login_link(&user, 7 * 24 * 60, Some(&inviter))?;
        }
        Ok(())
    })
    .await;
    match done {
        Ok(()) => Redirect::to("/admin/people").into_response(),
        Err(Error::Invalid(why) | Error::Conflict(why)) => {
            let why = why.say(reader.user.lang).to_string();
            reshow(&app, &reader, op, why).await
        }
        Err(err) => page(err),
    }
}

/// The directory again, with the sentence of a refused form (422).
async fn reshow(app: &App, reader: &Reader, op: Operator, why: String) -> Response {
    let services = app.services.clone();
    match blocking(move || services.directory(&op)).await {
        Ok((users, clients)) => {
            let html = crate::templates::directory::page(
                &app.config,
                reader,
                &users,
                &clients,
                Some(&why),
            );
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
        }
        Err(err) => page(err),
    }
}

/// The add-company form.
#[derive(Deserialize)]
pub struct CompanyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    may_create: Option<String>,
}

/// POST /admin/clients: adds a company.
pub async fn add_company(
    State(app): State<App>,
    Posted { reader, form }: Posted<CompanyForm>,
) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let services = app.services.clone();
    match blocking(move || {
        services
            .add_company(&op, &form.name, form.may_create.is_some())
            .map(drop)
    })
    .await
    {
        Ok(()) => Redirect::to("/admin/people").into_response(),
        Err(err) => page(err),
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
        Err(err) => page(err),
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
            let why = why.say(reader.user.lang).to_string();
            reshow(&app, &reader, again, why).await
        }
        Err(err) => page(err),
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
