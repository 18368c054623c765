//! The personal settings page.

use maud::{Markup, html};

use super::fields::{Again, Typed};
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
    again: Option<&Again>,
) -> Markup {
    // Passwords are never written back into the page: only the sentence comes back.
    let t = Typed::of(reader.user.lang, again);
    let csrf = &reader.session.csrf;
    let l = reader.user.lang;
    signed_in(
        "Préférences",
        &Nav::of(&config.business_name, reader),
        html! {
            h1 { (l.t("Préférences", "Settings")) }
            @if let Some(message) = message { p.notice role="status" { (message) } }
            section aria-labelledby="lang" {
                h2 #lang { (l.t("Langue", "Language")) }
                form.inline method="post" action="/settings/language" {
                    input type="hidden" name="csrf" value=(csrf);
                    select name="lang" aria-label=(l.t("Langue", "Language")) {
                        option value="fr" selected[reader.user.lang == Lang::Fr] { "Français" }
                        option value="en" selected[reader.user.lang == Lang::En] { "English" }
                    }
                    button type="submit" { (l.t("Enregistrer", "Save")) }
                }
            }
            section aria-labelledby="notifications" {
                h2 #notifications { (l.t("E-mails par dossier", "E-mails per dossier")) }
                table {
                    thead { tr { th { (l.t("Dossier", "Dossier")) } th { (l.t("Messages", "Messages")) } th { (l.t("Fichiers", "Files")) } th { (l.t("Événements", "Events")) } th {} } }
                    tbody { @for (dossier, prefs) in rows {
                        // A form cannot sit between table rows: the boxes name theirs.
                        @let form = format!("prefs-{}", dossier.id);
                        tr {
                            td { (dossier.number) " " (dossier.title) }
                            td { input type="checkbox" form=(form) name="messages" aria-label={ (l.t("Messages de ", "Messages of ")) (dossier.number) } checked[prefs.messages]; }
                            td { input type="checkbox" form=(form) name="files" aria-label={ (l.t("Fichiers de ", "Files of ")) (dossier.number) } checked[prefs.files]; }
                            td { input type="checkbox" form=(form) name="events" aria-label={ (l.t("Événements de ", "Events of ")) (dossier.number) } checked[prefs.events]; }
                            td { form id=(form) method="post" action="/settings/notifications" {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="dossier" value=(dossier.id.raw());
                                button type="submit" { (l.t("Enregistrer", "Save")) }
                            } }
                        }
                    } }
                }
            }
            section aria-labelledby="password" {
                h2 #password { (l.t("Mot de passe", "Password")) }
                (t.general(&["current", "password"]))
                form.stacked method="post" action="/settings/password" {
                    input type="hidden" name="csrf" value=(csrf);
                    @if reader.user.password_hash.is_some() {
                        label for="current" { (l.t("Mot de passe actuel", "Current password")) }
                        input #current type="password" name="current" autocomplete="current-password" aria-invalid=[t.invalid("current")] aria-describedby=[t.described("current")];
                        (t.error("current"))
                    }
                    label for="password" { (l.t("Nouveau mot de passe (10 caractères au moins)", "New password (at least 10 characters)")) }
                    input #password type="password" name="password" autocomplete="new-password" required minlength="10" aria-invalid=[t.invalid("password")] aria-describedby=[t.described("password")];
                    (t.error("password"))
                    button type="submit" { (l.t("Changer", "Change")) }
                }
            }
            p { a href="/calendar" { (l.t("Abonnement au calendrier", "Calendar subscription")) } }
        },
    )
}
