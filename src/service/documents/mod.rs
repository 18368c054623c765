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

mod deposits;
mod rules;

use rules::{buyer_vat_known, checked, issuable};

use super::dossiers::entry;
use super::{LINE, Services, TITLE, UNIT, now};

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
