//! Quotes, orders, invoices and credit notes: staff write them, staff and clients read
//! them, intervenants never learn they exist. The chain: an order from a quote, an
//! invoice from an order, a deposit invoice as a share of a quote or an order, a final
//! invoice that deducts the deposits already issued, and a credit note that corrects an
//! issued invoice. Issuing an invoice or a credit note numbers it and freezes it, with
//! the seller and the buyer as they are that day.

use std::collections::BTreeMap;

use chrono::{Datelike, Days};

use crate::domain::{
    BusinessProfile, Buyer, Cents, ClientKind, DocKind, DocNumber, DocStatus, Document,
    DocumentDraft, DocumentId, DossierId, HistoryKind, Issued, ItemChange, ItemKind, Line,
    Quantity, Share, Terms, User, VatRate,
};
use crate::error::{Error, Refusal, Result};
use crate::policy::Action;

use super::dossiers::entry;
use super::{LINE, Services, TITLE, UNIT, now};

/// Checks a draft against the rules of its kind and of the seller, and cleans its texts.
fn checked(
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

/// Refuses to issue an invoice or a credit note for a seller whose legal identity is
/// incomplete.
fn issuable(seller: &BusinessProfile) -> Result<()> {
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
fn buyer_vat_known(terms: &Terms, client: &crate::domain::Client) -> Result<()> {
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

/// A document with what printing it needs: its dossier, the dossier's other documents
/// (the invoice a credit note corrects, the deposits a final invoice deducts), its
/// client and the business profile of today.
pub struct Printed {
    /// The dossier.
    pub dossier: crate::domain::Dossier,
    /// The reader's role on it.
    pub role: crate::policy::Role,
    /// The document.
    pub document: Document,
    /// Every document of the dossier.
    pub related: Vec<Document>,
    /// The dossier's client.
    pub client: crate::domain::Client,
    /// The business profile, for a document not issued.
    pub seller: BusinessProfile,
}

impl Services {
    /// Document `id` of dossier `number` with what printing it needs, after one
    /// permission check.
    pub fn printed_document(
        &self,
        actor: &User,
        number: crate::domain::DossierNumber,
        id: DocumentId,
    ) -> Result<Printed> {
        let dossier = self
            .store
            .dossier_by_number(number)?
            .ok_or(Error::NotFound)?;
        let visit = self.authorize_read(actor, dossier, Action::SeeDocuments)?;
        self.printed_in(visit, id)
    }

    /// Document `id` of the dossier `visit` was allowed on, with what printing it needs.
    pub(super) fn printed_in(&self, visit: super::Visit, id: DocumentId) -> Result<Printed> {
        let related: Vec<Document> = self.store.items(visit.dossier.id)?;
        let document = related
            .iter()
            .find(|d| d.id == id)
            .cloned()
            .ok_or(Error::NotFound)?;
        Ok(Printed {
            role: visit.role,
            dossier: visit.dossier,
            document,
            related,
            client: visit.client,
            seller: self.business_profile()?,
        })
    }

    /// The quotes, orders, invoices and credit notes of a dossier.
    pub fn documents(&self, actor: &User, dossier: DossierId) -> Result<Vec<Document>> {
        self.authorize(actor, dossier, Action::SeeDocuments)?;
        self.store.items(dossier)
    }

    /// One document.
    pub fn document(&self, actor: &User, dossier: DossierId, id: DocumentId) -> Result<Document> {
        self.authorize(actor, dossier, Action::SeeDocuments)?;
        self.store.item(dossier, id.raw())?.ok_or(Error::NotFound)
    }

    fn source_of(&self, dossier: DossierId, kind: DocKind, source: DocumentId) -> Result<Document> {
        let from: Document = self
            .store
            .item(dossier, source.raw())?
            .ok_or(Error::NotFound)?;
        if Some(from.kind()) != kind.source() {
            return Err(Error::Invalid(
                Refusal::new(
                    "Une commande vient d'un devis, une facture d'une commande, un avoir d'une facture : choisissez un autre document d'origine.",
                    format!("A {kind:?} cannot come from a {:?}.", from.kind()),
                )
                .on("source"),
            ));
        }
        if kind == DocKind::CreditNote && !from.frozen() {
            return Err(Error::Invalid(
                Refusal::new(
                    "Un avoir corrige une facture émise ; un brouillon se modifie directement.",
                    "A credit note corrects an issued invoice; a draft is edited directly.",
                )
                .on("source"),
            ));
        }
        Ok(from)
    }

    /// Writes a new document; `source` is the quote an order comes from, the order an
    /// invoice comes from, the issued invoice a credit note corrects. What the form
    /// leaves empty is the source's (its lines, its title), to edit afterwards.
    pub fn create_document(
        &self,
        actor: &User,
        dossier: DossierId,
        kind: DocKind,
        draft: DocumentDraft,
        source: Option<DocumentId>,
    ) -> Result<Document> {
        let visit = self.authorize(actor, dossier, Action::EditDocuments)?;
        let mut draft = draft;
        if kind == DocKind::CreditNote && source.is_none() {
            return Err(Error::Invalid(
                Refusal::new(
                    "Un avoir corrige une facture émise : faites-le depuis cette facture.",
                    "A credit note corrects an issued invoice: make it from that invoice.",
                )
                .on("source"),
            ));
        }
        if let Some(source) = source {
            let from = self.source_of(dossier, kind, source)?;
            if draft.lines.is_empty() {
                draft.lines = from.lines.clone();
            }
            if draft.title.trim().is_empty() {
                draft.title = match kind {
                    DocKind::CreditNote => format!("Avoir sur la facture {}", from.number),
                    _ => from.title.clone(),
                };
            }
            if draft.terms == Terms::default() {
                draft.terms = Terms {
                    valid_until: None,
                    due: None,
                    ..from.terms.clone()
                };
            }
        }
        // An invoice or a credit note is written as a draft, then issued.
        let status = draft.status;
        if kind.issued_once() && status != DocStatus::Draft {
            // Refused before anything is written.
            let seller = self.business_profile()?;
            issuable(&seller)?;
            checked(kind, &draft, &seller)?;
            buyer_vat_known(&draft.terms, &visit.client)?;
            draft.status = DocStatus::Draft;
            let written = self.insert_draft(
                actor,
                dossier,
                kind,
                draft.clone(),
                source,
                None,
                Vec::new(),
            )?;
            draft.status = status;
            draft.lines = written.lines.clone();
            draft.title = written.title.clone();
            draft.terms = written.terms.clone();
            return self.edit_document(actor, dossier, written.id, draft);
        }
        self.insert_draft(actor, dossier, kind, draft, source, None, Vec::new())
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_draft(
        &self,
        actor: &User,
        dossier: DossierId,
        kind: DocKind,
        draft: DocumentDraft,
        source: Option<DocumentId>,
        deposit: Option<Share>,
        deducts: Vec<DocumentId>,
    ) -> Result<Document> {
        let seller = self.business_profile()?;
        let mut draft = checked(kind, &draft, &seller)?;
        if kind == DocKind::Quote && draft.terms.valid_until.is_none() {
            draft.terms.valid_until = draft
                .date
                .checked_add_days(Days::new(seller.quote_days().into()));
        }
        let document = Document {
            id: self.store.new_id()?,
            dossier,
            number: DocNumber {
                kind,
                year: draft.date.year() as u16,
                seq: 0,
            },
            title: draft.title,
            date: draft.date,
            status: draft.status,
            lines: draft.lines,
            source,
            created_by: actor.id,
            created_at: now(),
            terms: draft.terms,
            deposit,
            deducts,
            issued: None,
            lifecycle: Vec::new(),
            answer: None,
            reminders: Default::default(),
        };
        self.store.insert_document(&document, |doc| {
            entry(actor, item_line(doc, ItemChange::Added))
        })
    }

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
    fn credit_within(
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

    /// Issues a draft invoice or credit note as it stands (its status becomes sent).
    pub fn issue_document(
        &self,
        actor: &User,
        dossier: DossierId,
        id: DocumentId,
    ) -> Result<Document> {
        let doc = self.document(actor, dossier, id)?;
        let draft = DocumentDraft {
            title: doc.title,
            date: doc.date,
            status: DocStatus::Sent,
            lines: doc.lines,
            terms: doc.terms,
        };
        self.edit_document(actor, dossier, id, draft)
    }

    /// Replaces the title, date, status, lines and terms of a document. An invoice or a
    /// credit note leaving its draft is issued (numbered, its seller and buyer kept, due
    /// date set); once issued only its status changes.
    pub fn edit_document(
        &self,
        actor: &User,
        dossier: DossierId,
        id: DocumentId,
        draft: DocumentDraft,
    ) -> Result<Document> {
        let visit = self.authorize(actor, dossier, Action::EditDocuments)?;
        let current: Document = self.store.item(dossier, id.raw())?.ok_or(Error::NotFound)?;
        let seller = self.business_profile()?;
        if current.frozen() {
            let same = (&draft.title, draft.date, &draft.lines, &draft.terms)
                == (&current.title, current.date, &current.lines, &current.terms);
            // A client's answer is theirs: its status does not move either.
            let answered = current.answer.is_some() && draft.status != current.status;
            if !same || draft.status == DocStatus::Draft || answered {
                return Err(Error::Conflict(frozen_refusal(&current).on("status")));
            }
        }
        // A draft leaving its draft status is issued. (An invoice sent before issuing
        // existed has no issue record: it changes as it did then.)
        let issuing = current.kind().issued_once()
            && !current.frozen()
            && current.status == DocStatus::Draft
            && draft.status != DocStatus::Draft;
        if issuing {
            issuable(&seller)?;
            let draft = checked(current.kind(), &draft, &seller)?;
            if draft.lines.is_empty() {
                return Err(Error::Invalid(
                    Refusal::new(
                        "Un document sans ligne ne peut être émis.",
                        "A document with no line cannot be issued.",
                    )
                    .on("lines"),
                ));
            }
            self.credit_within(dossier, &current, &draft)?;
            buyer_vat_known(&draft.terms, &visit.client)?;
            let buyer = Buyer {
                name: visit.client.name.clone(),
                company: visit.client.kind == ClientKind::Company,
                billing: visit.client.billing.clone(),
            };
            let today = now().date_naive();
            let payment_days = seller.payment_days();
            return self.store.issue_document(
                dossier,
                id,
                |doc| {
                    doc.title = draft.title.clone();
                    doc.lines = draft.lines.clone();
                    doc.terms = draft.terms.clone();
                    doc.status = draft.status;
                    // An invoice is dated the day it is issued (one numbered before
                    // numbers were given at issue keeps its date, in its number's order).
                    if doc.number.seq == 0 {
                        doc.date = today;
                    }
                    if doc.terms.due.is_none_or(|due| due < today) {
                        doc.terms.due = today.checked_add_days(Days::new(payment_days.into()));
                    }
                    doc.issued = Some(Issued {
                        at: now(),
                        by: actor.id,
                        seller: seller.clone(),
                        buyer: buyer.clone(),
                    });
                    Ok(())
                },
                |doc| {
                    entry(
                        actor,
                        item_line(
                            doc,
                            ItemChange::Status {
                                from: DocStatus::Draft,
                                to: doc.status,
                            },
                        ),
                    )
                },
            );
        }
        self.store.update_item_noted(
            dossier,
            id.raw(),
            None,
            |doc: &mut Document| {
                // Issued meanwhile: only its status may move, and never back to draft.
                if doc.frozen() {
                    let same = (&draft.title, draft.date, &draft.lines, &draft.terms)
                        == (&doc.title, doc.date, &doc.lines, &doc.terms);
                    let answered = doc.answer.is_some() && draft.status != doc.status;
                    if !same
                        || draft.status == DocStatus::Draft
                        || answered
                        || !doc.kind().allows(draft.status)
                    {
                        return Err(Error::Conflict(frozen_refusal(doc)));
                    }
                    doc.status = draft.status;
                    return Ok(());
                }
                let draft = checked(doc.kind(), &draft, &seller)?;
                doc.title = draft.title;
                doc.date = draft.date;
                doc.status = draft.status;
                doc.lines = draft.lines;
                doc.terms = draft.terms;
                Ok(())
            },
            |before, after| {
                let content = (&before.title, before.date, &before.lines, &before.terms)
                    != (&after.title, after.date, &after.lines, &after.terms);
                let change = if before.status != after.status && !content {
                    ItemChange::Status {
                        from: before.status,
                        to: after.status,
                    }
                } else if content || before.status != after.status {
                    ItemChange::Changed
                } else {
                    return None;
                };
                Some(entry(actor, item_line(after, change)))
            },
        )
    }
}

/// Why a frozen document refuses a change.
pub fn frozen_refusal(doc: &Document) -> Refusal {
    if doc.issued.is_some() {
        Refusal::new(
            "Un document émis ne se modifie plus : corrigez-le par un avoir.",
            "An issued document can no longer change: correct it with a credit note.",
        )
    } else {
        Refusal::new(
            "Ce devis a reçu la réponse de son client : il ne se modifie plus, faites-en un nouveau.",
            "This quote was answered by its client: it can no longer change, make a new one.",
        )
    }
}

/// A history line's words for a document: its number, or what it is while a draft.
pub(super) fn item_line(doc: &Document, change: ItemChange) -> HistoryKind {
    HistoryKind::Item {
        item: match doc.kind() {
            DocKind::Quote => ItemKind::Quote,
            DocKind::Order => ItemKind::Order,
            DocKind::Invoice => ItemKind::Invoice,
            DocKind::CreditNote => ItemKind::CreditNote,
        },
        label: if doc.numbered() {
            doc.number.to_string()
        } else {
            format!("{} (brouillon)", doc.title)
        },
        change,
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
