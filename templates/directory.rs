//! The staff page of the directory: people, clients and their members.

use maud::{Markup, html};

use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{Client, ClientKind, User};
use crate::web::session::Reader;

/// People and clients, with the forms to add them.
pub fn page(
    config: &Config,
    reader: &Reader,
    users: &[User],
    clients: &[Client],
    error: Option<&str>,
) -> Markup {
    let csrf = &reader.session.csrf;
    let kind_of = |u: &User| {
        if u.staff {
            "collaborateur".to_string()
        } else {
            match clients.iter().find(|c| c.has_member(u.id)) {
                Some(c) => format!("client · {}", c.name),
                None => "intervenant".to_string(),
            }
        }
    };
    signed_in(
        "Annuaire",
        &Nav::of(&config.business_name, reader),
        html! {
            h1 { "Annuaire" }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            section aria-labelledby="people" {
                h2 #people { "Personnes" }
                table {
                    thead { tr { th { "Nom" } th { "Adresses" } th { "Rôle" } th { "Langue" } } }
                    tbody { @for u in users {
                        tr { td { (u.name) } td { @for e in &u.emails { (e.as_str()) " " } } td { (kind_of(u)) } td { (u.lang.code()) } }
                    } }
                }
                form.stacked method="post" action="/admin/people" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="p-name" { "Nom" } input #p-name type="text" name="name" required;
                    label for="p-email" { "Adresse e-mail" } input #p-email type="email" name="email" required;
                    label for="p-lang" { "Langue" } select #p-lang name="lang" { option value="fr" { "Français" } option value="en" { "English" } }
                    label for="p-client" { "Membre du client" }
                    select #p-client name="client" { option value="" { "— (intervenant)" } @for c in clients.iter().filter(|c| c.kind == ClientKind::Company) { option value=(c.id.raw()) { (c.name) } } }
                    label { input type="checkbox" name="staff"; " Collaborateur (voit tous les dossiers)" }
                    label { input type="checkbox" name="invite" checked; " Envoyer une invitation par e-mail" }
                    button type="submit" { "Ajouter" }
                }
            }
            section aria-labelledby="clients" {
                h2 #clients { "Clients" }
                table {
                    thead { tr { th { "Client" } th { "Membres" } th { "Peut créer des dossiers" } } }
                    tbody { @for c in clients {
                        tr {
                            td { (c.name) }
                            td { @for u in users.iter().filter(|u| c.has_member(u.id)) { (u.name) " " } }
                            td { form.inline method="post" action={ "/admin/clients/" (c.id) "/may-create" } {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="checkbox" name="allowed" aria-label="Peut créer des dossiers" checked[c.may_create_dossiers];
                                button type="submit" { "Enregistrer" }
                            } }
                        }
                    } }
                }
                form.inline method="post" action="/admin/clients" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="text" name="name" placeholder="Nom de l'entreprise" aria-label="Nom de l'entreprise" required;
                    label { input type="checkbox" name="may_create"; " peut créer des dossiers" }
                    button type="submit" { "Ajouter l'entreprise" }
                }
            }
        },
    )
}
