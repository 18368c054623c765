//! What a quote, an order, an invoice or a credit note says when printed, in order: who
//! sells, who buys, the facts (dates, references), the lines, the totals and the legal
//! mentions its kind requires. Built once from the document; the printable page and
//! the PDF both draw this, so they say the same. Documents are written in French, the
//! language of French commercial documents, whatever the reader's language.

use crate::domain::{
    Billing, BusinessProfile, DocKind, Document, Dossier, Lang, Line, Nature, Totals,
};

use super::format;

/// A printed document.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// `Facture F-2026-0001`, `Devis D-2026-0003`, `Facture (brouillon)`.
    pub title: String,
    /// Its kind.
    pub kind: DocKind,
    /// The seller's block: name, address, identification.
    pub seller: Vec<String>,
    /// The buyer's block.
    pub buyer: Vec<String>,
    /// Dates and references, as label and value.
    pub facts: Vec<(String, String)>,
    /// The document's own title (`Rénovation cuisine — lot 1`).
    pub heading: String,
    /// Its lines.
    pub lines: Vec<Line>,
    /// Its totals.
    pub totals: Totals,
    /// Whether VAT is shown (not for a business exempt from it, nor under reverse charge).
    pub shows_vat: bool,
    /// The legal mentions, one sentence each.
    pub mentions: Vec<String>,
    /// A quote carries a signature block for the client's agreement.
    pub signature: bool,
    /// A quote answered on the web: the heading and lines of its proof, printed on a
    /// page of their own.
    pub answer: Option<(String, Vec<String>)>,
    /// When the document was made as printed (answered, issued, or written): the PDF's
    /// dates, so that the same document prints the same bytes.
    pub made: chrono::DateTime<chrono::Utc>,
}

/// The seller and buyer a document names: as issued, or as they are today for a draft.
pub struct Parties<'a> {
    /// The business's profile.
    pub seller: &'a BusinessProfile,
    /// The business's name when the profile has no legal name.
    pub business_name: &'a str,
    /// The client's name.
    pub buyer: &'a str,
    /// Whether the client is a company (recovery indemnity).
    pub company: bool,
    /// The client's billing details.
    pub billing: &'a Billing,
}

fn kind_word(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Quote => "Devis",
        DocKind::Order => "Commande",
        DocKind::Invoice => "Facture",
        DocKind::CreditNote => "Avoir",
    }
}

/// `130005481` as printed: `130 005 481`.
fn grouped(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % 3 == 0 && digits.len() != 14 || digits.len() == 14 && matches!(i, 3 | 6 | 9)
        {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn seller_block(p: &Parties) -> Vec<String> {
    let s = p.seller;
    let mut block = vec![if s.legal_name.is_empty() {
        p.business_name.to_string()
    } else {
        s.legal_name.clone()
    }];
    block.extend(s.address.lines());
    let mut company = Vec::new();
    if !s.legal_form.is_empty() {
        company.push(match s.capital.as_str() {
            "" => s.legal_form.clone(),
            capital => format!("{} au capital de {capital}", s.legal_form),
        });
    }
    if !s.siren().is_empty() {
        company.push(format!("SIREN {}", grouped(s.siren())));
    }
    if !s.registry.is_empty() {
        company.push(s.registry.clone());
    }
    if !company.is_empty() {
        block.push(company.join(" — "));
    }
    if !s.siret.is_empty() {
        block.push(format!("SIRET {}", grouped(&s.siret)));
    }
    if !s.vat_number.is_empty() {
        block.push(format!("TVA intracommunautaire {}", s.vat_number));
    }
    if !s.ape.is_empty() {
        block.push(format!("APE {}", s.ape));
    }
    if !s.phone.is_empty() {
        block.push(format!("Tél. {}", s.phone));
    }
    block
}

fn buyer_block(p: &Parties) -> Vec<String> {
    let b = p.billing;
    let mut block = vec![p.buyer.to_string()];
    block.extend(b.address.lines());
    if !b.siren.is_empty() {
        block.push(format!("SIREN {}", grouped(&b.siren)));
    }
    if !b.vat_number.is_empty() {
        block.push(format!("TVA intracommunautaire {}", b.vat_number));
    }
    if !b.delivery.is_empty() {
        block.push(format!(
            "Adresse de livraison : {}",
            b.delivery.lines().join(", ")
        ));
    }
    block
}

/// The printed form of `doc` of `dossier`, between `parties`; `related` are the other
/// documents of the dossier (the invoice a credit note corrects, the deposits a final
/// invoice deducts).
pub fn sheet(doc: &Document, dossier: &Dossier, parties: &Parties, related: &[Document]) -> Sheet {
    let fr = Lang::Fr;
    let kind = doc.kind();
    let terms = &doc.terms;
    let s = parties.seller;
    let title = if doc.numbered() {
        format!("{} {}", kind_word(kind), doc.number)
    } else {
        format!("{} (brouillon)", kind_word(kind))
    };
    let title = match (kind, doc.deposit.is_some(), !doc.deducts.is_empty()) {
        (DocKind::Invoice, true, _) => title.replacen("Facture", "Facture d'acompte", 1),
        (DocKind::Invoice, _, true) => title.replacen("Facture", "Facture de solde", 1),
        _ => title,
    };
    let mut facts = vec![("Date".to_string(), format::date(fr, doc.date))];
    if let Some(until) = terms.valid_until {
        facts.push(("Valable jusqu'au".into(), format::date(fr, until)));
    }
    if let (Some(due), DocKind::Invoice) = (terms.due, kind) {
        facts.push(("Échéance".into(), format::date(fr, due)));
    }
    facts.push((
        "Dossier".into(),
        format!("{} — {}", dossier.number, dossier.title),
    ));
    if let Some(reference) = &dossier.client_reference {
        facts.push(("Votre référence".into(), reference.clone()));
    }
    let source = doc
        .source
        .and_then(|id| related.iter().find(|d| d.id == id));
    if let Some(source) = source {
        let label = match kind {
            DocKind::CreditNote => "Facture corrigée",
            _ => "Document d'origine",
        };
        facts.push((
            label.into(),
            format!(
                "{} {} du {}",
                kind_word(source.kind()),
                source.number,
                format::date(fr, source.date)
            ),
        ));
    }
    let shows_vat = !s.vat_exempt && !terms.reverse_charge;
    let mut mentions = Vec::new();
    if s.vat_exempt {
        mentions.push("TVA non applicable, art. 293 B du CGI.".to_string());
    }
    if terms.reverse_charge {
        mentions.push(
            "Autoliquidation : la TVA est due par le preneur (art. 283-2 nonies du CGI).".into(),
        );
    }
    match kind {
        DocKind::Quote => {
            if let Some(until) = terms.valid_until {
                mentions.push(format!(
                    "Devis valable jusqu'au {}.",
                    format::date(fr, until)
                ));
            }
            if terms.building_work {
                mentions.push("Devis reçu avant l'exécution des travaux.".into());
            }
        }
        DocKind::Invoice | DocKind::CreditNote => {
            mentions.push(
                match terms.nature {
                    Nature::Services => "Prestations de services.",
                    Nature::Goods => "Livraison de biens.",
                    Nature::Mixed => "Livraison de biens et prestations de services.",
                }
                .into(),
            );
            if s.vat_on_debits && terms.nature != Nature::Goods && shows_vat {
                mentions.push("Option pour le paiement de la TVA d'après les débits.".into());
            }
            // What is due, and what lateness costs, is an invoice's: a credit note pays
            // back.
            if kind == DocKind::Invoice {
                if let Some(due) = terms.due {
                    mentions.push(format!(
                        "À régler au plus tard le {}.",
                        format::date(fr, due)
                    ));
                }
                mentions.push(format!(
                    "En cas de retard de paiement, pénalités au taux de {} ; pas d'escompte pour paiement anticipé.",
                    s.late_rate()
                ));
                if parties.company {
                    mentions.push("Indemnité forfaitaire pour frais de recouvrement due en cas de retard : 40 € (art. L441-10 et D441-5 du Code de commerce).".into());
                }
            }
            if doc.deposit.is_some() {
                mentions
                    .push("Facture d'acompte : elle sera déduite de la facture de solde.".into());
            }
            if let (DocKind::CreditNote, Some(source)) = (kind, source) {
                mentions.push(format!(
                    "Avoir sur la facture {} du {}.",
                    source.number,
                    format::date(fr, source.date)
                ));
            }
        }
        DocKind::Order => {}
    }
    if !terms.payment.is_empty() {
        mentions.push(format!(
            "Règlement : {}.",
            terms.payment.trim_end_matches('.')
        ));
    }
    if !s.iban.is_empty() && matches!(kind, DocKind::Order | DocKind::Invoice) {
        let bic = if s.bic.is_empty() {
            String::new()
        } else {
            format!(" — BIC {}", s.bic)
        };
        mentions.push(format!("Virement : IBAN {}{bic}.", s.iban));
    }
    if terms.building_work && !s.insurance.insurer.is_empty() {
        let i = &s.insurance;
        let mut words = format!("Assurance professionnelle : {}", i.insurer);
        if !i.policy.is_empty() {
            words.push_str(&format!(", contrat {}", i.policy));
        }
        if !i.cover.is_empty() {
            words.push_str(&format!(", couverture : {}", i.cover));
        }
        words.push('.');
        mentions.push(words);
    }
    if !terms.note.is_empty() {
        mentions.push(terms.note.clone());
    }
    Sheet {
        title,
        kind,
        seller: seller_block(parties),
        buyer: buyer_block(parties),
        facts,
        heading: doc.title.clone(),
        lines: doc.lines.clone(),
        totals: doc.totals(),
        shows_vat,
        mentions,
        signature: kind == DocKind::Quote && doc.answer.is_none(),
        answer: None,
        made: doc
            .answer
            .as_ref()
            .map(|a| a.at)
            .or(doc.issued.as_ref().map(|i| i.at))
            .unwrap_or(doc.created_at),
    }
}

/// The proof of a quote's answer, as the page and the PDF print it, its moment in the
/// business's time zone `zone`.
pub fn answer_block(answer: &crate::domain::Answer, zone: chrono_tz::Tz) -> (String, Vec<String>) {
    use crate::domain::Decision;
    let when = answer
        .at
        .with_timezone(&zone)
        .format("%d/%m/%Y à %H:%M:%S (UTC%:z)");
    let (heading, first) = match answer.decision {
        Decision::Accept => (
            "Acceptation électronique",
            format!(
                "Devis accepté électroniquement (« Bon pour accord ») le {when} par {}.",
                answer.name
            ),
        ),
        Decision::Refuse => (
            "Refus électronique",
            format!(
                "Devis refusé électroniquement le {when} par {}.",
                answer.name
            ),
        ),
    };
    let mut lines = vec![first];
    if !answer.reason.is_empty() {
        lines.push(format!("Motif : {}", answer.reason));
    }
    lines.push(format!(
        "Confirmé par le code à six chiffres envoyé à {} et saisi depuis l'adresse IP {}.",
        answer.code_sent_to, answer.ip
    ));
    if !answer.user_agent.is_empty() {
        lines.push(format!("Navigateur : {}", answer.user_agent));
    }
    lines.push(format!(
        "Empreinte SHA-256 du PDF du devis tel qu'il a été lu : {}",
        answer.pdf_sha256
    ));
    (heading.to_string(), lines)
}

impl Sheet {
    /// The words of the last total.
    pub fn grand_total_label(&self) -> &'static str {
        match (self.kind, self.shows_vat) {
            (DocKind::CreditNote, true) => "Total de l'avoir TTC",
            (DocKind::CreditNote, false) => "Total de l'avoir",
            (_, true) => "Total TTC",
            (_, false) => "Total",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn company_numbers_are_grouped_as_printed() {
        assert_eq!(grouped("130005481"), "130 005 481");
        assert_eq!(grouped("13000548100010"), "130 005 481 00010");
    }
}
