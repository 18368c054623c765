//! Forms: opening a dossier. Errors come back above the form with a sentence.

use maud::{Markup, html};

use super::layout::{Nav, signed_in};
use crate::domain::Client;
use crate::web::session::Reader;

/// The new-dossier form.
pub fn new_dossier(
    business: &str,
    reader: &Reader,
    clients: &[Client],
    error: Option<&str>,
) -> Markup {
    let nav = Nav::of(business, reader);
    let l = reader.user.lang;
    signed_in(
        "Nouveau dossier",
        &nav,
        html! {
            h1 { (l.t("Nouveau dossier", "New dossier")) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form.stacked method="post" action="/dossiers" {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                label for="client" { (l.t("Client", "Client")) }
                select #client name="client" { @for c in clients { option value=(c.id.raw()) { (c.name) } } }
                label for="title" { (l.t("Titre", "Title")) }
                input #title type="text" name="title" required maxlength="200";
                label for="description" { (l.t("Description", "Description")) }
                textarea #description name="description" rows="4" {}
                button type="submit" { (l.t("Ouvrir le dossier", "Open the dossier")) }
            }
        },
    )
}
