//! The pages that ask before a change that cannot be undone in one click: deleting a
//! file, closing a dossier, cancelling an event, removing an intervenant. The dossier
//! page links to them (a GET changes nothing); their button posts the change.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::errors::{blocking, page_for};
use super::session::Reader;
use crate::app::App;
use crate::domain::{DossierNumber, EventId, FileId, Lang, UserId};
use crate::error::Error;
use crate::policy::Action;
use crate::service::Section;
use crate::templates::pages;

/// What is to be confirmed, once the reader's view of the dossier is known.
#[derive(Clone, Copy)]
enum Asked {
    DeleteFile(u64),
    Close,
    CancelEvent(u64),
    Remove(u64),
}

async fn ask(app: App, reader: Reader, number: String, asked: Asked) -> Response {
    let Some(number) = DossierNumber::parse(&number) else {
        return page_for(&reader, Error::NotFound);
    };
    let (services, user) = (app.services.clone(), reader.user.clone());
    let l = reader.user.lang;
    let words = blocking(move || {
        let dossier = services.find_dossier(&user, number)?;
        // Asked only of who may do it: the policy decides, as for the post itself; to
        // anyone else the page does not exist.
        let action = match asked {
            Asked::DeleteFile(_) => Action::ManageFiles,
            Asked::Close => Action::Close,
            Asked::CancelEvent(_) => Action::EditEvents,
            Asked::Remove(_) => Action::AssignIntervenants,
        };
        services
            .authorize(&user, dossier.id, action)
            .map_err(|err| match err {
                Error::Forbidden => Error::NotFound,
                other => other,
            })?;
        let base = format!("/dossiers/{number}");
        Ok(match asked {
            Asked::DeleteFile(id) => {
                let file = services.file(&user, dossier.id, FileId::from_raw(id))?;
                let name = file.blob.name.to_string();
                (
                    l.t("Supprimer un fichier", "Delete a file").to_string(),
                    sentence(l, &format!("Le fichier « {name} » sera retiré du dossier."), &format!("The file “{name}” will be removed from the dossier.")),
                    format!("{base}/files/{id}/delete"),
                )
            }
            Asked::Close => (
                l.t("Clôturer le dossier", "Close the dossier").to_string(),
                sentence(
                    l,
                    &format!("Le dossier {number} « {} » ne pourra plus être modifié, par personne, jusqu'à sa réouverture ; les e-mails qui lui seront adressés seront refusés.", dossier.title),
                    &format!("Dossier {number} “{}” can no longer be changed, by anyone, until it is reopened; mail sent to it will be refused.", dossier.title),
                ),
                format!("{base}/close"),
            ),
            Asked::CancelEvent(id) => {
                let event = services
                    .events(&user, dossier.id)?
                    .into_iter()
                    .find(|e| e.id == EventId::from_raw(id))
                    .ok_or(Error::NotFound)?;
                (
                    l.t("Annuler un événement", "Cancel an event").to_string(),
                    sentence(l, &format!("« {} » sera annulé, et les agendas des invités recevront l'annulation.", event.title), &format!("“{}” will be cancelled, and the attendees' calendars will receive the cancellation.", event.title)),
                    format!("{base}/events/{id}/cancel"),
                )
            }
            Asked::Remove(id) => {
                let who = services
                    .intervenants(&user, dossier.id)?
                    .into_iter()
                    .find(|i| i.user == UserId::from_raw(id))
                    .ok_or(Error::NotFound)?;
                (
                    l.t("Retirer un intervenant", "Remove an intervenant").to_string(),
                    sentence(l, &format!("{} ne verra plus ce dossier et n'en recevra plus les e-mails.", who.name), &format!("{} will no longer see this dossier nor receive its e-mails.", who.name)),
                    format!("{base}/intervenants/{id}/remove"),
                )
            }
        })
    })
    .await;
    match words {
        Ok((title, sentence, action)) => {
            // Back to the section the question came from.
            let section = match asked {
                Asked::DeleteFile(_) => Section::Files,
                Asked::Close => Section::Discussion,
                Asked::CancelEvent(_) => Section::Agenda,
                Asked::Remove(_) => Section::Intervenants,
            };
            let back = crate::templates::dossier::section_path(&number, section);
            pages::confirm(l, &title, &sentence, &action, &reader.session.csrf, &back)
                .into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}

fn sentence(l: Lang, fr: &str, en: &str) -> String {
    match l {
        Lang::Fr => fr.to_string(),
        Lang::En => en.to_string(),
    }
}

/// GET /dossiers/{number}/files/{id}/delete.
pub async fn delete_file(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    ask(app, reader, n, Asked::DeleteFile(id)).await
}

/// GET /dossiers/{number}/close.
pub async fn close(State(app): State<App>, reader: Reader, Path(n): Path<String>) -> Response {
    ask(app, reader, n, Asked::Close).await
}

/// GET /dossiers/{number}/events/{id}/cancel.
pub async fn cancel_event(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    ask(app, reader, n, Asked::CancelEvent(id)).await
}

/// GET /dossiers/{number}/intervenants/{user}/remove.
pub async fn remove_intervenant(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    ask(app, reader, n, Asked::Remove(id)).await
}
