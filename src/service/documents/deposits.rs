//! The invoices that follow a quote or an order: a deposit invoice (acompte) as a share
//! of its source, spread over the source's VAT rates; a final invoice that deducts the
//! deposits already issued; the credit notes that already corrected them.

use super::*;

/// What `share` asks of each VAT rate's base of `source`, rounded to the cent: a
/// percentage of each base, or an amount spread in proportion to the bases, the last
/// rate taking what rounding left.
fn deposit_bases(source: &Document, share: Share) -> Result<Vec<(VatRate, Cents)>> {
    let totals = source.totals();
    let whole = totals.before_tax.0;
    let refuse = || {
        Error::Invalid(
            Refusal::new(
                "Un acompte est une part positive du document, au plus son total HT.",
                "A deposit is a positive share of the document, at most its total before tax.",
            )
            .on("share"),
        )
    };
    let asked = match share {
        Share::Percent(bp) if bp > 0 && bp <= 10_000 => {
            (whole as i128 * bp as i128 / 10_000) as i64
        }
        Share::Amount(amount) if amount.0 > 0 && amount.0 <= whole => amount.0,
        _ => return Err(refuse()),
    };
    if whole <= 0 || asked <= 0 {
        return Err(refuse());
    }
    if let Share::Percent(bp) = share {
        // The same share of every base, each rounded half away from zero.
        return Ok(totals
            .vat
            .iter()
            .map(|vat| (vat.rate, VatRate(bp).of(vat.base)))
            .collect());
    }
    let mut bases = Vec::new();
    let mut left = asked;
    for (i, vat) in totals.vat.iter().enumerate() {
        let base = if i + 1 == totals.vat.len() {
            left
        } else {
            let part = vat.base.0 as i128 * asked as i128;
            let half = whole as i128 / 2;
            ((part + half) / whole as i128) as i64
        };
        left -= base;
        bases.push((vat.rate, Cents(base)));
    }
    Ok(bases)
}

/// The deduction lines a final invoice carries for `deposit`: one per VAT rate, negative.
fn deduction_lines(deposit: &Document) -> Vec<Line> {
    let mut bases: BTreeMap<VatRate, i64> = BTreeMap::new();
    for line in &deposit.lines {
        *bases.entry(line.vat_rate).or_default() += line.amount().0;
    }
    bases
        .into_iter()
        .map(|(rate, base)| Line {
            description: format!("Acompte déjà facturé ({}), déduit", deposit.number),
            quantity: Quantity(1000),
            unit: String::new(),
            unit_price: Cents(-base),
            vat_rate: rate,
        })
        .collect()
}

impl Services {
    /// A deposit invoice (acompte) for `share` of quote or order `source`: one line per
    /// VAT rate of the source, each the share of that rate's base.
    pub fn create_deposit(
        &self,
        actor: &User,
        dossier: DossierId,
        source: DocumentId,
        share: Share,
    ) -> Result<Document> {
        self.authorize(actor, dossier, Action::EditDocuments)?;
        let from: Document = self
            .store
            .item(dossier, source.raw())?
            .ok_or(Error::NotFound)?;
        if !matches!(from.kind(), DocKind::Quote | DocKind::Order) {
            return Err(Error::Invalid(
                Refusal::new(
                    "Un acompte se demande sur un devis ou une commande.",
                    "A deposit is asked on a quote or an order.",
                )
                .on("share"),
            ));
        }
        if from.status == DocStatus::Refused {
            return Err(Error::Invalid(
                Refusal::new(
                    "Ce devis est refusé : pas d'acompte.",
                    "This quote was refused: no deposit.",
                )
                .on("share"),
            ));
        }
        let what = match share {
            // A percentage reads as a rate does: `30 %`, `12,5 %`.
            Share::Percent(bp) => VatRate(bp).to_string().replace('.', ","),
            Share::Amount(amount) => format!("{} € HT", amount.to_string().replace('.', ",")),
        };
        let bases = deposit_bases(&from, share)?;
        // Every deposit of this document together stays within its total before tax.
        let asked: i64 = bases.iter().map(|(_, c)| c.0).sum();
        let earlier: i64 = self
            .store
            .items::<Document>(dossier)?
            .iter()
            .filter(|d| d.deposit.is_some() && d.source == Some(source))
            .map(|d| d.totals().before_tax.0)
            .sum();
        if earlier + asked > from.totals().before_tax.0 {
            return Err(Error::Invalid(
                Refusal::new(
                    "Avec les acomptes déjà demandés, celui-ci dépasserait le total HT du document.",
                    "With the deposits already asked, this one would exceed the document's total before tax.",
                )
                .on("share"),
            ));
        }
        let several = bases.len() > 1;
        let lines = bases
            .into_iter()
            .map(|(rate, base)| Line {
                description: format!(
                    "Acompte de {what} sur {} {}{}",
                    match from.kind() {
                        DocKind::Quote => "le devis",
                        _ => "la commande",
                    },
                    from.number,
                    if several {
                        format!(" — part à {rate}")
                    } else {
                        String::new()
                    }
                ),
                quantity: Quantity(1000),
                unit: String::new(),
                unit_price: base,
                vat_rate: rate,
            })
            .collect();
        let draft = DocumentDraft {
            title: format!("Acompte — {}", from.title),
            date: now().date_naive(),
            status: DocStatus::Draft,
            lines,
            terms: Terms {
                valid_until: None,
                due: None,
                ..from.terms.clone()
            },
        };
        self.insert_draft(
            actor,
            dossier,
            DocKind::Invoice,
            draft,
            Some(source),
            Some(share),
            Vec::new(),
        )
    }

    /// Refuses to issue a credit note that would take back more than its invoice, with
    /// the credit notes already issued on it.
    pub(super) fn credit_within(
        &self,
        dossier: DossierId,
        doc: &Document,
        draft: &DocumentDraft,
    ) -> Result<()> {
        let (DocKind::CreditNote, Some(invoice)) = (doc.kind(), doc.source) else {
            return Ok(());
        };
        let all: Vec<Document> = self.store.items(dossier)?;
        let invoice = all.iter().find(|d| d.id == invoice);
        let asked = invoice.map_or(0, |i| i.credited(&all).0)
            + crate::domain::money::totals(&draft.lines).total.0;
        let invoiced = invoice.map_or(0, |d| d.totals().total.0);
        if asked > invoiced {
            return Err(Error::Invalid(
                Refusal::new(
                    "Les avoirs d'une facture ne peuvent dépasser son montant.",
                    "The credit notes of an invoice cannot exceed its amount.",
                )
                .on("lines"),
            ));
        }
        Ok(())
    }

    /// The final invoice (facture de solde) of order `order`: its lines, then for every
    /// issued deposit invoice of the order or of its quote that no other invoice
    /// deducted yet, one negative line per VAT rate.
    pub fn create_final(
        &self,
        actor: &User,
        dossier: DossierId,
        order: DocumentId,
    ) -> Result<Document> {
        self.authorize(actor, dossier, Action::EditDocuments)?;
        let from = self.source_of(dossier, DocKind::Invoice, order)?;
        let all: Vec<Document> = self.store.items(dossier)?;
        let deducted: Vec<DocumentId> = all.iter().flat_map(|d| d.deducts.clone()).collect();
        let deposits: Vec<&Document> = all
            .iter()
            .filter(|d| d.deposit.is_some() && d.frozen() && !deducted.contains(&d.id))
            .filter(|d| d.source == Some(order) || (d.source.is_some() && d.source == from.source))
            .collect();
        if all
            .iter()
            .any(|d| d.kind() == DocKind::Invoice && d.source == Some(order) && d.deposit.is_none())
        {
            return Err(Error::Conflict(Refusal::new(
                "Cette commande a déjà sa facture.",
                "This order already has its invoice.",
            )));
        }
        let mut lines = from.lines.clone();
        for deposit in &deposits {
            lines.extend(deduction_lines(deposit));
        }
        let draft = DocumentDraft {
            title: format!("Solde — {}", from.title),
            date: now().date_naive(),
            status: DocStatus::Draft,
            lines,
            terms: from.terms.clone(),
        };
        let deducts = deposits.iter().map(|d| d.id).collect();
        self.insert_draft(
            actor,
            dossier,
            DocKind::Invoice,
            draft,
            Some(order),
            None,
            deducts,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(lines: Vec<(i64, u32)>) -> Document {
        Document::sample(DocKind::Quote, DocStatus::Accepted, &lines)
    }

    #[test]
    fn a_deposit_takes_its_share_of_every_rate_and_an_amount_adds_up_exactly() {
        let quote = doc(vec![(100_000, 2000), (50_000, 1000), (3_333, 550)]);
        let percent = deposit_bases(&quote, Share::Percent(3000)).unwrap();
        assert_eq!(
            percent,
            [
                (VatRate(550), Cents(1_000)),
                (VatRate(1000), Cents(15_000)),
                (VatRate(2000), Cents(30_000))
            ]
        );
        let amount = deposit_bases(&quote, Share::Amount(Cents(10_000))).unwrap();
        assert_eq!(amount.iter().map(|(_, c)| c.0).sum::<i64>(), 10_000);
        assert!(deposit_bases(&quote, Share::Percent(0)).is_err());
        assert!(deposit_bases(&quote, Share::Amount(Cents(153_334))).is_err());
    }
}
