//! The rules a document's draft is held to before it is stored: a status its kind
//! allows, bounded lines and amounts, cleaned texts; and what issuing needs — a seller
//! whose legal identity is complete, a buyer's VAT number when the terms require it.

use super::*;

/// Checks a draft against the rules of its kind and of the seller, and cleans its texts.
pub(super) fn checked(
    kind: DocKind,
    draft: &DocumentDraft,
    seller: &BusinessProfile,
) -> Result<DocumentDraft> {
    if !kind.allows(draft.status) {
        return Err(Error::Invalid(
            Refusal::new(
                "Ce statut ne s'applique pas à ce type de document.",
                format!(
                    "The status {:?} does not apply to a {:?}.",
                    draft.status, kind
                ),
            )
            .on("status"),
        ));
    }
    if draft.lines.len() > 500 {
        return Err(Error::Invalid(
            Refusal::new(
                "Un document compte au plus 500 lignes.",
                "A document has at most 500 lines.",
            )
            .on("lines"),
        ));
    }
    // Bounded so that 500 lines add up within an i64 of cents.
    if draft
        .lines
        .iter()
        .any(|l| l.quantity.0.abs() > 1_000_000_000 || l.unit_price.0.abs() > 10_000_000_000)
    {
        return Err(Error::Invalid(
            Refusal::new(
                "Une ligne compte au plus un million d'unités à au plus cent millions d'euros.",
                "A line has at most a million units at at most a hundred million euros.",
            )
            .on("lines"),
        ));
    }
    let lines = draft
        .lines
        .iter()
        .map(|line| {
            Ok(Line {
                description: LINE.body(&line.description, 2_000)?,
                unit: match line.unit.trim() {
                    "" => String::new(),
                    unit => UNIT.label(unit, 20)?,
                },
                ..line.clone()
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let no_vat = draft.terms.reverse_charge || seller.vat_exempt;
    if no_vat && lines.iter().any(|l| l.vat_rate != VatRate(0)) {
        let (fr, en) = if seller.vat_exempt {
            (
                "L'entreprise est en franchise de TVA : chaque ligne est à 0 %.",
                "The business is exempt from VAT: every line is at 0 %.",
            )
        } else {
            (
                "En autoliquidation, la TVA est due par le client : chaque ligne est à 0 %.",
                "Under reverse charge the buyer pays the VAT: every line is at 0 %.",
            )
        };
        return Err(Error::Invalid(Refusal::new(fr, en).on("lines")));
    }
    let mut terms = draft.terms.clone();
    terms.payment = text(&terms.payment, "payment", 300)?;
    terms.note = text(&terms.note, "note", 2_000)?;
    if kind != DocKind::Quote {
        terms.valid_until = None;
    }
    if !kind.issued_once() {
        terms.due = None;
    }
    if terms.due.is_some_and(|due| due < draft.date) {
        return Err(Error::Invalid(
            Refusal::new(
                "L'échéance ne peut précéder la date du document.",
                "The due date cannot come before the document's date.",
            )
            .on("due"),
        ));
    }
    if terms.valid_until.is_some_and(|until| until < draft.date) {
        return Err(Error::Invalid(
            Refusal::new(
                "La fin de validité ne peut précéder la date du devis.",
                "The quote cannot expire before its date.",
            )
            .on("valid_until"),
        ));
    }
    Ok(DocumentDraft {
        title: TITLE.label(&draft.title, 200)?,
        lines,
        terms,
        ..draft.clone()
    })
}

fn text(value: &str, field: &'static str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(Error::Invalid(
            Refusal::new(
                format!("Ce champ compte au plus {max} caractères."),
                format!("This field has at most {max} characters."),
            )
            .on(field),
        ));
    }
    Ok(value.to_string())
}

/// Refuses to issue an invoice or a credit note for a seller whose legal identity is
/// incomplete.
pub(super) fn issuable(seller: &BusinessProfile) -> Result<()> {
    if seller.missing().is_empty() {
        return Ok(());
    }
    Err(Error::Invalid(
        Refusal::new(
            "Complétez d'abord la fiche de l'entreprise (raison sociale, adresse, SIREN ou SIRET, numéro de TVA) : une facture émise doit les porter.",
            "First complete the business profile (legal name, address, SIREN or SIRET, VAT number): an issued invoice must carry them.",
        )
        .on("status"),
    ))
}

/// EN 16931 BR-AE-02: an invoice under reverse charge names the buyer's VAT number.
pub(super) fn buyer_vat_known(terms: &Terms, client: &crate::domain::Client) -> Result<()> {
    if terms.reverse_charge && client.billing.vat_number.trim().is_empty() {
        return Err(Error::Invalid(
            Refusal::new(
                "L'autoliquidation suppose le numéro de TVA intracommunautaire du client : renseignez-le dans sa fiche de facturation.",
                "Reverse charge needs the client's VAT number: add it to their billing details.",
            )
            .on("reverse_charge"),
        ));
    }
    Ok(())
}
