//! The staff page of the directory: people, clients and their members.

use maud::{Markup, html};

use super::fields::{Again, Typed};
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
    again: Option<&Again>,
) -> Markup {
    let csrf = &reader.session.csrf;
    let l = reader.user.lang;
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
            h1 { (l.t("Annuaire", "Directory")) }
            // A refusal of the one-field forms (members, private clients) is said above.
            @if let Some(why) = again.filter(|a| !matches!(a.form, "person" | "company")).and_then(|a| a.refusal.as_ref()) {
                p.error role="alert" { (why.say(l)) }
            }
            section aria-labelledby="people" {
                h2 #people { (l.t("Personnes", "People")) }
                table tabindex="0" aria-label=(l.t("Personnes", "People")) {
                    thead { tr { th { (l.t("Nom", "Name")) } th { (l.t("Adresses", "Addresses")) } th { (l.t("Rôle", "Role")) } th { (l.t("Langue", "Language")) } } }
                    tbody { @for u in users {
                        tr { td { (u.name) } td { @for e in &u.emails { (e.as_str()) " " } } td { (kind_of(u)) } td { (u.lang.code()) } }
                    } }
                }
                @let t = Typed::of_form(l, again, "person");
                h3 { (l.t("Ajouter une personne", "Add a person")) }
                (t.general(&["name", "email"]))
                form.stacked method="post" action="/admin/people" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="p-name" { (l.t("Nom", "Name")) }
                    input #p-name type="text" name="name" required value=(t.value("name", "")) aria-invalid=[t.invalid("name")] aria-describedby=[t.described("name")];
                    (t.error("name"))
                    label for="p-email" { (l.t("Adresse e-mail", "E-mail address")) }
                    input #p-email type="email" name="email" required value=(t.value("email", "")) aria-invalid=[t.invalid("email")] aria-describedby=[t.described("email")];
                    (t.error("email"))
                    @let lang = t.value("lang", "fr");
                    label for="p-lang" { (l.t("Langue", "Language")) } select #p-lang name="lang" { option value="fr" selected[lang == "fr"] { "Français" } option value="en" selected[lang == "en"] { "English" } }
                    @let chosen = t.value("client", "");
                    label for="p-client" { (l.t("Membre du client", "Member of the client")) }
                    select #p-client name="client" { option value="" { (l.t("— (intervenant)", "— (intervenant)")) } @for c in clients.iter().filter(|c| c.kind == ClientKind::Company) { option value=(c.id.raw()) selected[chosen == c.id.raw().to_string()] { (c.name) } } }
                    label.check { input type="checkbox" name="staff" checked[t.ticked("staff", false)]; (l.t(" Collaborateur (voit tous les dossiers)", " Staff (sees every dossier)")) }
                    label.check { input type="checkbox" name="invite" checked[t.ticked("invite", true)]; (l.t(" Envoyer une invitation par e-mail", " Send an invitation by e-mail")) }
                    button type="submit" { (l.t("Ajouter", "Add")) }
                }
            }
            section aria-labelledby="clients" {
                h2 #clients { (l.t("Clients", "Clients")) }
                table tabindex="0" aria-label=(l.t("Clients", "Clients")) {
                    thead { tr { th { (l.t("Client", "Client")) } th { (l.t("Membres", "Members")) } th { (l.t("Peut créer des dossiers", "May create dossiers")) } } }
                    tbody { @for c in clients {
                        tr {
                            td { (c.name) br; a href={ "/admin/clients/" (c.id) "/billing" } { (l.t("Facturation", "Billing")) } }
                            td {
                                @for u in users.iter().filter(|u| c.has_member(u.id)) { (u.name) " " }
                                @if c.kind == ClientKind::Company {
                                    form.inline method="post" action={ "/admin/clients/" (c.id) "/members" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="email" name="email" aria-label=(l.t("Adresse du nouveau membre", "New member's address")) required;
                                        button type="submit" { (l.t("Ajouter un membre", "Add a member")) }
                                    }
                                }
                            }
                            td { form.inline method="post" action={ "/admin/clients/" (c.id) "/may-create" } {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="checkbox" name="allowed" aria-label={ (l.t("Peut créer des dossiers : ", "May create dossiers: ")) (c.name) } checked[c.may_create_dossiers];
                                button type="submit" { (l.t("Enregistrer", "Save")) }
                            } }
                        }
                    } }
                }
                @let t = Typed::of_form(l, again, "company");
                form.inline method="post" action="/admin/clients" {
                    input type="hidden" name="csrf" value=(csrf);
                    input #c-name type="text" name="name" placeholder=(l.t("Nom de l'entreprise", "Company name")) aria-label=(l.t("Nom de l'entreprise", "Company name")) required value=(t.value("name", "")) aria-invalid=[t.invalid("name")] aria-describedby=[t.described("name")];
                    label { input type="checkbox" name="may_create" checked[t.ticked("may_create", false)]; (l.t(" peut créer des dossiers", " may create dossiers")) }
                    button type="submit" { (l.t("Ajouter l'entreprise", "Add the company")) }
                }
                (t.error("name"))
                form.inline method="post" action="/admin/clients/private" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="email" name="email" placeholder=(l.t("Adresse de la personne", "The person's address")) aria-label=(l.t("Adresse de la personne", "The person's address")) required;
                    label { input type="checkbox" name="may_create"; (l.t(" peut créer des dossiers", " may create dossiers")) }
                    button type="submit" { (l.t("En faire un client particulier", "Make them a private client")) }
                }
            }
        },
    )
}
