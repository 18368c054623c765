//! The printable page of a document and the activity details.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{Client, DocKind, Document, Dossier, Lang};
use crate::web::session::Reader;

fn kind(l: Lang, kind: DocKind) -> &'static str {
    match kind {
        DocKind::Quote => l.t("Devis", "Quote"),
        DocKind::Order => l.t("Commande", "Order"),
        DocKind::Invoice => l.t("Facture", "Invoice"),
        DocKind::CreditNote => l.t("Avoir", "Credit note"),
    }
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
