//! The staff page of the mail: held messages, the processing log, the outbox and the
//! stopped addresses.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{AddressHealth, Dossier, HeldMail, Lang, LogEntry, OutMail, OutState, User};
use crate::web::session::Reader;

fn state(state: &OutState) -> &'static str {
    match state {
        OutState::Pending => "en attente",
        OutState::Sent { .. } => "envoyé",
        OutState::Dead { .. } => "abandonné",
    }
}

/// The page.
#[allow(clippy::too_many_arguments)]
pub fn mail(
    config: &Config,
    reader: &Reader,
    held: &[HeldMail],
    log: &[LogEntry],
    outbox: &[OutMail],
    stopped: &[(User, AddressHealth)],
    people: &[User],
    dossiers: &[Dossier],
) -> Markup {
    let (lang, zone) = (Lang::Fr, config.timezone);
    let csrf = &reader.session.csrf;
    let number = |id| {
        dossiers
            .iter()
            .find(|d| Some(d.id) == id)
            .map(|d| d.number.to_string())
            .unwrap_or_default()
    };
    let nav = Nav::of(&config.business_name, reader);
    signed_in(
        "Courrier",
        &nav,
        html! {
            h1 { "Courrier" }
            @if !stopped.is_empty() {
                section.warning aria-labelledby="stopped" {
                    h2 #stopped { "Adresses qui ne reçoivent plus d'e-mails" }
                    ul { @for (user, health) in stopped { li { (user.name) " <" (health.email.as_str()) "> · " (health.hard_bounces) " rejets définitifs" } } }
                }
            }
            section aria-labelledby="held" {
                h2 #held { "Messages retenus" }
                @if held.is_empty() { p { "Aucun message en attente." } }
                @for h in held {
                    article.held {
                        p { strong { (h.subject) } " · de " (h.from.as_deref().unwrap_or("?")) " · " (format::datetime(lang, zone, h.at)) " · dossier " (number(h.dossier)) }
                        ul { @for r in &h.reasons { li { (r) } } }
                        p { a href={ "/admin/raw/" (h.raw_sha256) } { "E-mail d'origine" } }
                        form.inline method="post" action={ "/admin/held/" (h.id) "/approve" } {
                            input type="hidden" name="csrf" value=(csrf);
                            label { "Publier au nom de " select name="author" { @for p in people { option value=(p.id.raw()) { (p.name) } } } }
                            button type="submit" { "Publier" }
                        }
                        form.inline method="post" action={ "/admin/held/" (h.id) "/discard" } {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" { "Écarter" }
                        }
                    }
                }
            }
            section aria-labelledby="log" {
                h2 #log { "Journal de réception" }
                table {
                    thead { tr { th { "Date" } th { "Destinataire" } th { "De" } th { "Objet" } th { "Résultat" } th { "Raisons" } } }
                    tbody { @for e in log {
                        tr { td { (format::datetime(lang, zone, e.at)) } td { (e.recipient) } td { (e.from.as_deref().unwrap_or("")) } td { (e.subject) } td { (e.outcome.name()) } td { (e.reasons.join(" ; ")) } }
                    } }
                }
            }
            section aria-labelledby="outbox" {
                h2 #outbox { "Envois" }
                table {
                    thead { tr { th { "Créé" } th { "À" } th { "Objet" } th { "État" } th { "Tentatives" } th { "Erreur" } th {} } }
                    tbody { @for m in outbox {
                        tr {
                            td { (format::datetime(lang, zone, m.created_at)) } td { (m.recipient.as_str()) } td { (m.subject) }
                            td { (state(&m.state)) } td { (m.attempts) } td { (m.last_error.as_deref().unwrap_or("")) }
                            td { @if matches!(m.state, OutState::Dead { .. }) {
                                form method="post" action={ "/admin/outbox/" (m.id) "/retry" } {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button type="submit" { "Réessayer" }
                                }
                            } }
                        }
                    } }
                }
            }
        },
    )
}
