//! The staff page of the mail: held messages, the processing log, the outbox and the
//! stopped addresses.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{AddressHealth, Dossier, HeldMail, LogEntry, OutMail, OutState, User};
use crate::web::session::Reader;

fn state(l: crate::domain::Lang, state: &OutState) -> &'static str {
    match state {
        OutState::Pending => l.t("en attente", "pending"),
        OutState::Sent { .. } => l.t("envoyé", "sent"),
        OutState::Dead { .. } => l.t("abandonné", "given up"),
        OutState::Bounced { .. } => l.t("refusé par le destinataire", "bounced"),
    }
}

/// The page.
#[allow(clippy::too_many_arguments)]
pub fn mail(
    config: &Config,
    reader: &Reader,
    (held, shown, total): (&[HeldMail], usize, usize),
    log: &[LogEntry],
    outbox: &[OutMail],
    stopped: &[(User, AddressHealth)],
    people: &[User],
    dossiers: &[Dossier],
    planned: &[crate::service::DueReminder],
) -> Markup {
    let (lang, zone) = (reader.user.lang, config.timezone);
    let csrf = &reader.session.csrf;
    let l = reader.user.lang;
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
            h1 { (l.t("Courrier", "Mail")) }
            @if !stopped.is_empty() {
                section.warning aria-labelledby="stopped" {
                    h2 #stopped { (l.t("Adresses qui ne reçoivent plus d'e-mails", "Addresses that no longer receive e-mail")) }
                    ul { @for (user, health) in stopped { li { (user.name) " <" (health.email.as_str()) "> · " (health.hard_bounces) " rejets définitifs" } } }
                }
            }
            section aria-labelledby="held" {
                h2 #held { (l.t("Messages retenus", "Held messages")) " (" (total) ")" }
                @if held.is_empty() { p { (l.t("Aucun message en attente.", "No message waiting.")) } }
                @if !held.is_empty() {
                    form #ticked method="post" action="/admin/held/discard" {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { (l.t("Écarter les messages cochés", "Discard the ticked messages")) }
                    }
                }
                @for h in held {
                    article.held {
                        p {
                            input type="checkbox" name="ids" value=(h.id.raw()) form="ticked" aria-label=(l.t("Cocher", "Tick"));
                            " " strong { (h.subject) } " · de " (h.from.as_deref().unwrap_or("?")) " · " (format::datetime(lang, zone, h.at)) " · dossier " (number(h.dossier)) }
                        @if let Some(check) = &h.check {
                            p.verdict { (check.words(lang)) }
                        }
                        @if !h.text.is_empty() {
                            blockquote.held-text { (h.text) }
                        }
                        @if !h.attachments.is_empty() {
                            p.meta { (l.t("Pièces jointes : ", "Attachments: ")) (h.attachments.join(", ")) }
                        }
                        details { summary { (l.t("Pourquoi il est retenu", "Why it is held")) }
                            ul { @for r in &h.reasons { li { (r) } } }
                        }
                        p { a href={ "/admin/raw/" (h.raw_sha256) } { (l.t("E-mail d'origine", "Original e-mail")) } }
                        // The sender when the From address is a known person's; nobody
                        // otherwise, so that no one is posted as by mistake.
                        @let sender = h.from.as_deref().and_then(|from| people.iter().find(|p| p.emails.iter().any(|e| e.as_str().eq_ignore_ascii_case(from.trim()))));
                        form.inline method="post" action={ "/admin/held/" (h.id) "/approve" } {
                            input type="hidden" name="csrf" value=(csrf);
                            label for={ "author-" (h.id) } { (l.t("Publier au nom de", "Post as")) }
                            select id={ "author-" (h.id) } name="author" required {
                                option value="" selected[sender.is_none()] { (l.t("— choisir —", "— choose —")) }
                                @for p in people { option value=(p.id.raw()) selected[sender.is_some_and(|s| s.id == p.id)] { (p.name) } }
                            }
                            button type="submit" { (l.t("Publier", "Post")) }
                        }
                        form.inline method="post" action={ "/admin/held/" (h.id) "/discard" } {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" { (l.t("Écarter", "Discard")) }
                        }
                    }
                }
            }
            @let pages = total.div_ceil(crate::service::HELD_PAGE).max(1);
            @if pages > 1 {
                nav.pager aria-label=(l.t("Pages des messages retenus", "Pages of held messages")) {
                    @if shown > 0 { a href={ "/admin/mail?held=" (shown - 1) "#held" } { (l.t("← Précédents", "← Earlier")) } " " }
                    (l.t("Page ", "Page ")) (shown + 1) " / " (pages)
                    @if shown + 1 < pages { " " a href={ "/admin/mail?held=" (shown + 1) "#held" } { (l.t("Suivants →", "Later →")) } }
                }
            }
            section aria-labelledby="log" {
                h2 #log { (l.t("Journal de réception", "Processing log")) }
                table tabindex="0" aria-label=(l.t("Journal de réception", "Processing log")) {
                    thead { tr { th { (l.t("Date", "Date")) } th { (l.t("Destinataire", "Recipient")) } th { (l.t("De", "From")) } th { (l.t("Objet", "Subject")) } th { (l.t("Résultat", "Outcome")) } th { (l.t("Raisons", "Reasons")) } } }
                    tbody { @for e in log {
                        tr { td { (format::datetime(lang, zone, e.at)) } td { (e.recipient) } td { (e.from.as_deref().unwrap_or("")) } td { (e.subject) } td { (e.outcome.name()) } td { (e.reasons.join(" ; ")) } }
                    } }
                }
            }
            section aria-labelledby="outbox" {
                h2 #planned { (l.t("Relances prévues demain", "Reminders due tomorrow")) }
                @if planned.is_empty() { p { (l.t("Aucune relance demain.", "No reminder tomorrow.")) } }
                @else {
                    table.rows aria-labelledby="planned" {
                        thead { tr { th { (l.t("Dossier", "Dossier")) } th { (l.t("Document", "Document")) } th { (l.t("Client", "Client")) } th { (l.t("Relance", "Reminder")) } } }
                        tbody { @for due in planned {
                            tr {
                                td data-label=(l.t("Dossier", "Dossier")) { a href={ "/dossiers/" (due.dossier.number) } { (due.dossier.number) " " (due.dossier.title) } }
                                td data-label=(l.t("Document", "Document")) { a href={ "/dossiers/" (due.dossier.number) "/documents/" (due.document.id) } { span.docnum { (due.document.number) } } }
                                td data-label=(l.t("Client", "Client")) { (due.client.name) }
                                td data-label=(l.t("Relance", "Reminder")) { (due.step) " · " (format::reminder_tone(l, due.tone)) }
                            }
                        } }
                    }
                }
                h2 #outbox { (l.t("Envois", "Outbox")) }
                table tabindex="0" aria-label=(l.t("Envois", "Outbox")) {
                    thead { tr { th { (l.t("Créé", "Created")) } th { (l.t("À", "To")) } th { (l.t("Objet", "Subject")) } th { (l.t("État", "Status")) } th { (l.t("Tentatives", "Attempts")) } th { (l.t("Erreur", "Error")) } th {} } }
                    tbody { @for m in outbox {
                        tr {
                            td { (format::datetime(lang, zone, m.created_at)) } td { (m.recipient.as_str()) } td { (m.subject) }
                            td { (state(lang, &m.state)) } td { (m.attempts) } td { (m.last_error.as_deref().unwrap_or("")) }
                            td { @if matches!(m.state, OutState::Dead { .. }) {
                                form method="post" action={ "/admin/outbox/" (m.id) "/retry" } {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button type="submit" { (l.t("Réessayer", "Retry")) }
                                }
                            } }
                        }
                    } }
                }
            }
        },
    )
}
