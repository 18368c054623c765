//! Forms: opening a dossier. A refusal comes back next to its field, what was typed kept.

use maud::{Markup, html};

use super::fields::Typed;
use super::layout::{Nav, signed_in};
use crate::domain::Client;
use crate::web::session::Reader;

/// The new-dossier form.
pub fn new_dossier(business: &str, reader: &Reader, clients: &[Client], typed: Typed) -> Markup {
    let nav = Nav::of(business, reader);
    let l = reader.user.lang;
    signed_in(
        "Nouveau dossier",
        &nav,
        html! {
            h1 { (l.t("Nouveau dossier", "New dossier")) }
            (typed.general(&["client", "title", "description"]))
            form.stacked method="post" action="/dossiers" {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                label for="client" { (l.t("Client", "Client")) }
                @let chosen = typed.value("client", "");
                select #client name="client" aria-invalid=[typed.invalid("client")] aria-describedby=[typed.described("client")] { @for c in clients { option value=(c.id.raw()) selected[chosen == c.id.raw().to_string()] { (c.name) } } }
                (typed.error("client"))
                label for="title" { (l.t("Titre", "Title")) }
                input #title type="text" name="title" required maxlength="200" value=(typed.value("title", "")) aria-invalid=[typed.invalid("title")] aria-describedby=[typed.described("title")];
                (typed.error("title"))
                label for="description" { (l.t("Description", "Description")) }
                textarea #description name="description" rows="4" aria-invalid=[typed.invalid("description")] aria-describedby=[typed.described("description")] { (typed.value("description", "")) }
                (typed.error("description"))
                button type="submit" { (l.t("Ouvrir le dossier", "Open the dossier")) }
            }
        },
    )
}
