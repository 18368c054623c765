//! The personal settings page.

use maud::{Markup, html};

use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{Dossier, Lang, Prefs};
use crate::web::session::Reader;

/// Language, notifications per dossier and kind, password.
pub fn page(
    config: &Config,
    reader: &Reader,
    rows: &[(Dossier, Prefs)],
    message: Option<&str>,
) -> Markup {
    let csrf = &reader.session.csrf;
    signed_in(
        "Préférences",
        &Nav::of(&config.business_name, reader),
        html! {
            h1 { "Préférences" }
            @if let Some(message) = message { p.notice role="status" { (message) } }
            section aria-labelledby="lang" {
                h2 #lang { "Langue" }
                form.inline method="post" action="/settings/language" {
                    input type="hidden" name="csrf" value=(csrf);
                    select name="lang" aria-label="Langue" {
                        option value="fr" selected[reader.user.lang == Lang::Fr] { "Français" }
                        option value="en" selected[reader.user.lang == Lang::En] { "English" }
                    }
                    button type="submit" { "Enregistrer" }
                }
            }
            section aria-labelledby="notifications" {
                h2 #notifications { "E-mails par dossier" }
                table {
                    thead { tr { th { "Dossier" } th { "Messages" } th { "Fichiers" } th { "Événements" } th {} } }
                    tbody { @for (dossier, prefs) in rows {
                        // A form cannot sit between table rows: the boxes name theirs.
                        @let form = format!("prefs-{}", dossier.id);
                        tr {
                            td { (dossier.number) " " (dossier.title) }
                            td { input type="checkbox" form=(form) name="messages" aria-label="Messages" checked[prefs.messages]; }
                            td { input type="checkbox" form=(form) name="files" aria-label="Fichiers" checked[prefs.files]; }
                            td { input type="checkbox" form=(form) name="events" aria-label="Événements" checked[prefs.events]; }
                            td { form id=(form) method="post" action="/settings/notifications" {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="dossier" value=(dossier.id.raw());
                                button type="submit" { "Enregistrer" }
                            } }
                        }
                    } }
                }
            }
            section aria-labelledby="password" {
                h2 #password { "Mot de passe" }
                form.stacked method="post" action="/settings/password" {
                    input type="hidden" name="csrf" value=(csrf);
                    @if reader.user.password_hash.is_some() {
                        label for="current" { "Mot de passe actuel" }
                        input #current type="password" name="current" autocomplete="current-password";
                    }
                    label for="new" { "Nouveau mot de passe (10 caractères au moins)" }
                    input #new type="password" name="password" autocomplete="new-password" required minlength="10";
                    button type="submit" { "Changer" }
                }
            }
            p { a href="/calendar" { "Abonnement au calendrier" } }
        },
    )
}
