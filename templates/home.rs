//! The home page: what needs the reader, by role. Plain data in; every user text is
//! escaped.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::service::Home;
use crate::web::session::Reader;

/// The home page of `reader`.
pub fn page(
    config: &Config,
    reader: &Reader,
    home: &Home,
    people: &[crate::domain::User],
) -> Markup {
    let (l, zone) = (reader.user.lang, config.timezone);
    let staff = reader.user.staff;
    let unread: usize = home.dossiers.iter().filter(|d| d.unread > 0).count();
    signed_in(
        l.t("Accueil", "Home"),
        &Nav::of(&config.business_name, reader),
        html! {
            h1 { (l.t("Bonjour ", "Hello ")) (reader.user.name) }
            @if staff {
                ul.glance-cards {
                    li { a href="/admin/mail#held" { (format::plural(l, home.held, ("message retenu à examiner", "messages retenus à examiner"), ("held message to review", "held messages to review"))) } }
                    li { a href="#unread" { (format::plural(l, unread, ("dossier avec des réponses non lues", "dossiers avec des réponses non lues"), ("dossier with unread replies", "dossiers with unread replies"))) } }
                    li { a href="#unpaid" { (format::plural(l, home.unpaid.len(), ("facture en attente de paiement", "factures en attente de paiement"), ("invoice awaiting payment", "invoices awaiting payment"))) } }
                    li { a href="#events" { (format::plural(l, home.events.len(), ("événement aujourd'hui ou demain", "événements aujourd'hui et demain"), ("event today or tomorrow", "events today and tomorrow"))) } }
                }
            }
            section aria-labelledby="unread" {
                h2 #unread { @if staff { (l.t("Dossiers ouverts, par activité récente", "Open dossiers, by recent activity")) } @else { (l.t("Vos dossiers", "Your dossiers")) } }
                @if home.dossiers.is_empty() { p { (l.t("Aucun dossier.", "No dossier.")) } }
                ul.home-dossiers { @for d in &home.dossiers {
                    li.unread[d.unread > 0] {
                        p.title {
                            a href={ "/dossiers/" (d.dossier.number) } { (d.dossier.number) " " (d.dossier.title) }
                            @if d.unread > 0 {
                                " " span.badge { @if d.unread >= crate::service::UNREAD_CAP { "99+ " (l.t("nouveaux", "new")) } @else { (format::plural(l, d.unread, ("nouveau", "nouveaux"), ("new", "new"))) } }
                            }
                        }
                        p.meta {
                            (d.client) " · " (format::datetime(l, zone, d.active_at))
                            @if let Some(m) = &d.last {
                                " · " (super::dossier::name_of(people, m.author)) " : "
                                (m.text.chars().take(120).collect::<String>())
                                @if m.text.chars().count() > 120 { "…" }
                            }
                        }
                    }
                } }
                p { a href="/dossiers" { (l.t("Tous les dossiers", "Every dossier")) } }
            }
            @if staff {
                section aria-labelledby="unpaid" {
                    h2 #unpaid { (l.t("Factures en attente de paiement", "Invoices awaiting payment")) }
                    @if home.unpaid.is_empty() { p { (l.t("Aucune facture en retard.", "No invoice overdue.")) } }
                    ul { @for (d, doc) in &home.unpaid {
                        li {
                            a href={ "/dossiers/" (d.number) "/documents/" (doc.id) } { (doc.number.to_string()) } " · " (d.number) " " (d.title)
                            " · " (format::date(l, doc.date)) " · " (format::money(l, doc.totals().total))
                        }
                    } }
                }
            }
            section aria-labelledby="events" {
                h2 #events { @if staff { (l.t("Aujourd'hui et demain", "Today and tomorrow")) } @else { (l.t("Vos prochains événements", "Your coming events")) } }
                @if home.events.is_empty() { p { (l.t("Aucun événement.", "No event.")) } }
                ul { @for (d, e) in &home.events {
                    li {
                        strong { (format::event_time(l, zone, &e.time)) } " · "
                        a href={ "/dossiers/" (d.number) "/events#event-" (e.id) } { (e.title) }
                        @if !e.place.is_empty() { " · " (e.place) }
                        " · " (d.number)
                    }
                } }
            }
        },
    )
}
