//! The printable page of a document and the activity details.

use maud::{Markup, html};

use super::dossier::name_of;
use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{Client, DocKind, Document, Dossier, Lang, User};
use crate::service::ActivityReport;
use crate::web::session::Reader;

fn kind(l: Lang, kind: DocKind) -> &'static str {
    match kind {
        DocKind::Quote => l.t("Devis", "Quote"),
        DocKind::Order => l.t("Commande", "Order"),
        DocKind::Invoice => l.t("Facture", "Invoice"),
    }
}

fn hours(minutes: u32) -> String {
    format!("{} h {:02}", minutes / 60, minutes % 60)
}

/// A quote, order or invoice: lines, VAT per rate and totals; prints cleanly.
pub fn document(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    client: &Client,
    doc: &Document,
) -> Markup {
    let lang = reader.user.lang;
    let l = lang;
    let totals = doc.totals();
    let nav = Nav::of(&config.business_name, reader);
    signed_in(
        &format!("{} {}", kind(l, doc.kind()), doc.number),
        &nav,
        html! {
            article.document {
                header {
                    p { strong { (config.business_name) } }
                    h1 { (kind(l, doc.kind())) " " (doc.number.to_string()) }
                    p { "Dossier " a href={ "/dossiers/" (dossier.number) } { (dossier.number) } " — " (dossier.title) }
                    p { "Client : " (client.name) @if let Some(r) = &dossier.client_reference { " · Votre référence : " (r) } }
                    p { "Date : " (format::date(lang, doc.date)) }
                    h2 { (doc.title) }
                }
                table.lines {
                    thead { tr { th { (l.t("Désignation", "Description")) } th.num { (l.t("Quantité", "Quantity")) } th.num { (l.t("Prix unitaire HT", "Unit price excl. VAT")) } th.num { (l.t("TVA", "VAT")) } th.num { (l.t("Montant HT", "Amount excl. VAT")) } } }
                    tbody {
                        @for line in &doc.lines {
                            tr {
                                td { (line.description) }
                                td.num { (line.quantity.to_string().replace('.', ",")) }
                                td.num { (format::money(lang, line.unit_price)) }
                                td.num { (line.vat_rate.to_string().replace('.', ",")) }
                                td.num { (format::money(lang, line.amount())) }
                            }
                        }
                    }
                }
                table.totals {
                    tbody {
                        tr { th { (l.t("Total HT", "Total excl. VAT")) } td.num { (format::money(lang, totals.before_tax)) } }
                        @for vat in &totals.vat {
                            tr { th { "TVA " (vat.rate.to_string().replace('.', ",")) " sur " (format::money(lang, vat.base)) } td.num { (format::money(lang, vat.vat)) } }
                        }
                        tr.grand { th { (l.t("Total TTC", "Total incl. VAT")) } td.num { (format::money(lang, totals.total)) } }
                    }
                }
            }
        },
    )
}

/// Time per order, per person and in total over a period, and the entries behind.
pub fn activities(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    report: &ActivityReport,
    documents: &[Document],
    people: &[User],
    period: (&str, &str),
) -> Markup {
    let lang = reader.user.lang;
    let l = lang;
    let order_name = |id: Option<crate::domain::DocumentId>| match id
        .and_then(|id| documents.iter().find(|d| d.id == id))
    {
        Some(doc) => format!("{} {}", doc.number, doc.title),
        None if id.is_some() => "Commande".to_string(),
        None => "Hors commande".to_string(),
    };
    let nav = Nav::of(&config.business_name, reader);
    signed_in(
        "Activités",
        &nav,
        html! {
            p.crumbs { a href={ "/dossiers/" (dossier.number) } { (dossier.number) " " (dossier.title) } " › Activités" }
            h1 { (l.t("Activités", "Activities")) }
            form.search method="get" {
                label for="from" { (l.t("Du", "From")) } input #from type="date" name="from" value=(period.0);
                label for="to" { (l.t("au", "to")) } input #to type="date" name="to" value=(period.1);
                button type="submit" { (l.t("Afficher", "Show")) }
            }
            h2 { (l.t("Par commande", "Per order")) }
            table { tbody { @for (order, minutes) in &report.by_order { tr { th { (order_name(*order)) } td.num { (hours(*minutes)) } } } } }
            h2 { (l.t("Par personne", "Per person")) }
            table { tbody { @for (user, minutes) in &report.by_person { tr { th { (name_of(people, *user)) } td.num { (hours(*minutes)) } } } } }
            p.total { "Total : " strong { (hours(report.total)) } }
            h2 { (l.t("Détail", "Entries")) }
            table {
                thead { tr { th { (l.t("Date", "Date")) } th { (l.t("Personne", "Person")) } th { (l.t("Commande", "Order")) } th { (l.t("Description", "Description")) } th.num { (l.t("Durée", "Duration")) } } }
                tbody { @for a in &report.entries {
                    tr { td { (format::date(lang, a.date)) } td { (name_of(people, a.user)) } td { (order_name(a.order)) } td { (a.description) } td.num { (hours(a.minutes)) } }
                } }
            }
        },
    )
}
