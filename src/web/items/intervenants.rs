//! Staff forms for a dossier's intervenants: assign a person of the directory by
//! address, with a role, or remove one.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{Reshow, Submission, act};
use crate::app::App;
use crate::domain::{EmailAddress, UserId};
use crate::error::{Error, Refusal};
use crate::service::Section;
use crate::templates::fields::Fields;
use crate::web::forms::{NoFields, Posted};
use crate::web::parse::field;

/// POST /dossiers/{number}/intervenants: assign by address, with a role.
pub async fn assign(
    State(app): State<App>,
    Path(n): Path<String>,
    Posted { reader, form: f }: Posted<Fields>,
) -> Response {
    let parsed = EmailAddress::parse(field(&f, "email"))
        .map_err(|e| Error::Invalid(e.refusal()))
        .map(|email| (email, field(&f, "role").to_string()));
    let again = Reshow::Section(Section::Intervenants);
    Submission::new(app, reader, n, f).apply(again, parsed, |s, u, d, (email, role)| {
        let person = s.person_by_address(u, d, &email)?.ok_or_else(|| {
            Error::Invalid(
                Refusal::new(
                    format!("Personne n'a l'adresse {email} : ajoutez d'abord la personne à l'annuaire."),
                    format!("No one has the address {email}; add the person to the directory first."),
                )
                .on("email"),
            )
        })?;
        s.assign_intervenant(u, d, person.id, &role).map(drop)
    })
    .await
}

/// POST /dossiers/{number}/intervenants/{user}/remove.
pub async fn unassign(
    State(app): State<App>,
    Path((n, id)): Path<(String, u64)>,
    Posted { reader, .. }: Posted<NoFields>,
) -> Response {
    act(app, reader, n, Section::Intervenants, move |s, u, d| {
        s.remove_intervenant(u, d, UserId::from_raw(id))
    })
    .await
}
