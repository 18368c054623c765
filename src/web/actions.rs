//! Small forms that change a dossier and come back to its page: close, reopen, one's
//! own reference; and opening a new dossier. Each takes a [`Posted`] form (origin and
//! token checked), then calls one service; the services ask the policy.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::errors::{blocking, page};
use super::forms::{NoFields, Posted};
use super::session::Reader;
use crate::app::App;
use crate::domain::{ClientId, DossierId, DossierNumber, User};
use crate::error::Error;
use crate::service::{NewDossierRequest, Services};

/// The reference form.
#[derive(Deserialize)]
pub struct ReferenceForm {
    #[serde(default)]
    reference: String,
}

/// Runs `change` on the dossier `number` for the reader, then shows the dossier again.
pub(super) async fn on_dossier(
    app: App,
    reader: Reader,
    number: String,
    change: impl FnOnce(&Services, &User, DossierId) -> crate::Result<()> + Send + 'static,
) -> Response {
    on_dossier_with(app, reader, number, Ok(()), |s, u, d, ()| change(s, u, d)).await
}

/// [`on_dossier`] for a form read before the call (its origin and token were checked by
/// [`Posted`]): a mistake in the form (`parsed` is an error) shows the dossier page again
/// with its sentence, as a refusal of the service does.
pub(super) async fn on_dossier_with<T: Send + 'static>(
    app: App,
    reader: Reader,
    number: String,
    parsed: crate::Result<T>,
    change: impl FnOnce(&Services, &User, DossierId, T) -> crate::Result<()> + Send + 'static,
) -> Response {
    let Some(number) = DossierNumber::parse(&number) else {
        return page(Error::NotFound);
    };
    let (services, user) = (app.services.clone(), reader.user.clone());
    let done = match parsed {
        Ok(value) => {
            blocking(move || {
                let dossier = services.find_dossier(&user, number)?;
                change(&services, &user, dossier.id, value)
            })
            .await
        }
        Err(err) => Err(err),
    };
    match done {
        Ok(()) => Redirect::to(&format!("/dossiers/{number}")).into_response(),
        Err(Error::Invalid(why) | Error::Conflict(why)) => {
            super::dossiers::render(&app, &reader, number, Some(why)).await
        }
        Err(err) => page(err),
    }
}

/// POST /dossiers/{number}/close.
pub async fn close(
    State(app): State<App>,
    Path(number): Path<String>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    on_dossier(app, reader, number, |s, u, d| {
        s.close_dossier(u, d).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/reopen.
pub async fn reopen(
    State(app): State<App>,
    Path(number): Path<String>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    on_dossier(app, reader, number, |s, u, d| {
        s.reopen_dossier(u, d).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/reference: the reader's own reference.
pub async fn reference(
    State(app): State<App>,
    Path(number): Path<String>,
    Posted { reader, form }: Posted<ReferenceForm>,
) -> Response {
    let reference = form.reference;
    on_dossier(app, reader, number, move |s, u, d| {
        s.set_own_reference(u, d, &reference)
    })
    .await
}

/// The new-dossier form.
#[derive(Deserialize)]
pub struct NewDossierForm {
    client: u64,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
}

/// GET /dossiers/new: the clients the reader may open a dossier for.
pub async fn new_form(State(app): State<App>, reader: Reader) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let clients = blocking(move || services.clients_for_new_dossier(&user)).await;
    match clients {
        Ok(clients) if clients.is_empty() => page(Error::NotFound),
        Ok(clients) => {
            crate::templates::forms::new_dossier(&app.config.business_name, &reader, &clients, None)
                .into_response()
        }
        Err(err) => page(err),
    }
}

/// POST /dossiers: opens the dossier and shows it; a bad title re-shows the form.
pub async fn create(
    State(app): State<App>,
    Posted { reader, form }: Posted<NewDossierForm>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let request = NewDossierRequest {
        client: ClientId::from_raw(form.client),
        title: form.title,
        description: form.description,
    };
    let created = blocking(move || {
        let made = services.create_dossier(&user, request);
        Ok((made, services.clients_for_new_dossier(&user)?))
    })
    .await;
    match created {
        Ok((Ok(dossier), _)) => {
            Redirect::to(&format!("/dossiers/{}", dossier.number)).into_response()
        }
        Ok((Err(Error::Invalid(why)), clients)) => {
            let form = crate::templates::forms::new_dossier(
                &app.config.business_name,
                &reader,
                &clients,
                Some(&why),
            );
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, form).into_response()
        }
        Ok((Err(err), _)) | Err(err) => page(err),
    }
}
