//! The printable page of a document and the activity details.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, signed_in};
use super::sheet::Sheet;
use crate::config::Config;
use crate::domain::{Dossier, Lang};
use crate::web::session::Reader;

/// A quote, order, invoice or credit note as printed: seller and buyer, facts, lines,
/// VAT per rate, totals and legal mentions; prints cleanly.
pub fn document(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    sheet: &Sheet,
    pdf_link: &str,
    action: Option<(&str, &str)>,
) -> Markup {
    let l = reader.user.lang;
    let fr = Lang::Fr;
    let nav = Nav::of(&config.business_name, reader);
    let totals = &sheet.totals;
    signed_in(
        &sheet.title,
        &nav,
        html! {
            p.noprint {
                a href={ "/dossiers/" (dossier.number) "/documents" } { (l.t("← Devis & factures", "← Quotes & invoices")) }
                " · " a href={ (pdf_link) } { (l.t("Télécharger le PDF", "Download the PDF")) }
                @if let Some((href, label)) = action { " · " a.button href=(href) { (label) } }
            }
            article.document lang="fr" {
                header {
                    div.parties {
                        address.seller { @for (i, line) in sheet.seller.iter().enumerate() { @if i == 0 { strong { (line) } } @else { (line) } br; } }
                        address.buyer { @for (i, line) in sheet.buyer.iter().enumerate() { @if i == 0 { strong { (line) } } @else { (line) } br; } }
                    }
                    h1 { (sheet.title) }
                    dl.facts { @for (label, value) in &sheet.facts { dt { (label) } dd { (value) } } }
                    h2 { (sheet.heading) }
                }
                table.lines {
                    thead { tr {
                        th { "Désignation" } th.num { "Quantité" } th { "Unité" } th.num { "Prix unitaire HT" }
                        @if sheet.shows_vat { th.num { "TVA" } }
                        th.num { "Montant HT" }
                    } }
                    tbody {
                        @for line in &sheet.lines {
                            tr {
                                td data-label="Désignation" { (line.description) }
                                td.num data-label="Quantité" { (format::decimal(fr, &line.quantity.to_string())) }
                                td data-label="Unité" { (line.unit) }
                                td.num data-label="Prix unitaire HT" { (format::money(fr, line.unit_price)) }
                                @if sheet.shows_vat { td.num data-label="TVA" { (format::rate(line.vat_rate)) " %" } }
                                td.num data-label="Montant HT" { (format::money(fr, line.amount())) }
                            }
                        }
                    }
                }
                table.totals {
                    tbody {
                        tr { th { "Total HT" } td.num { (format::money(fr, totals.before_tax)) } }
                        @if sheet.shows_vat {
                            @for vat in &totals.vat {
                                tr { th { "TVA " (format::rate(vat.rate)) " % sur " (format::money(fr, vat.base)) } td.num { (format::money(fr, vat.vat)) } }
                            }
                        }
                        tr.grand { th { (sheet.grand_total_label()) } td.num { (format::money(fr, totals.total)) } }
                    }
                }
                @if !sheet.mentions.is_empty() {
                    ul.mentions { @for mention in &sheet.mentions { li { (mention) } } }
                }
                @if sheet.signature {
                    p.signature { "Bon pour accord — date et signature du client :" }
                }
                @if let Some((heading, lines)) = &sheet.answer {
                    section.answer {
                        h2 { (heading) }
                        @for line in lines { p { (line) } }
                    }
                }
            }
        },
    )
}
