//! Quotes, orders and invoices: staff write them, staff and clients read them,
//! intervenants never learn they exist.

use chrono::Datelike;

use crate::domain::{
    DocKind, DocNumber, Document, DocumentDraft, DocumentId, DossierId, HistoryKind, ItemChange,
    ItemKind, Line, User,
};
use crate::error::{Error, Refusal, Result};
use crate::policy::Action;

use super::dossiers::entry;
use super::{LINE, Services, TITLE, UNIT, now};

/// Checks a draft against the rules of its kind and cleans its texts.
fn checked(kind: DocKind, draft: &DocumentDraft) -> Result<DocumentDraft> {
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
    Ok(DocumentDraft {
        title: TITLE.label(&draft.title, 200)?,
        lines,
        ..draft.clone()
    })
}

impl Services {
    /// The quotes, orders and invoices of a dossier.
    pub fn documents(&self, actor: &User, dossier: DossierId) -> Result<Vec<Document>> {
        self.authorize(actor, dossier, Action::SeeDocuments)?;
        self.store.items(dossier)
    }

    /// One document.
    pub fn document(&self, actor: &User, dossier: DossierId, id: DocumentId) -> Result<Document> {
        self.authorize(actor, dossier, Action::SeeDocuments)?;
        self.store.item(dossier, id.raw())?.ok_or(Error::NotFound)
    }

    /// Writes a new quote, order or invoice, numbered in its kind and year; `source` is
    /// the quote an order comes from, or the order an invoice comes from.
    pub fn create_document(
        &self,
        actor: &User,
        dossier: DossierId,
        kind: DocKind,
        draft: DocumentDraft,
        source: Option<DocumentId>,
    ) -> Result<Document> {
        self.authorize(actor, dossier, Action::EditDocuments)?;
        let mut draft = draft;
        if let Some(source) = source {
            let from: Document = self
                .store
                .item(dossier, source.raw())?
                .ok_or(Error::NotFound)?;
            if Some(from.kind()) != kind.source() {
                return Err(Error::Invalid(
                    Refusal::new(
                        "Une commande vient d'un devis, une facture d'une commande : choisissez un autre document d'origine.",
                        format!("A {kind:?} cannot come from a {:?}.", from.kind()),
                    )
                    .on("source"),
                ));
            }
            // An order from a quote, an invoice from an order: what the form leaves
            // empty is the source's (its lines, its title), to edit afterwards.
            if draft.lines.is_empty() {
                draft.lines = from.lines.clone();
            }
            if draft.title.trim().is_empty() {
                draft.title = from.title.clone();
            }
        }
        let draft = checked(kind, &draft)?;
        let created_at = now();
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
            created_at,
        };
        self.store.insert_document(&document, |doc| {
            entry(actor, item_line(doc, ItemChange::Added))
        })
    }

    /// Replaces the title, date, status and lines of a document; its number stays.
    pub fn edit_document(
        &self,
        actor: &User,
        dossier: DossierId,
        id: DocumentId,
        draft: DocumentDraft,
    ) -> Result<Document> {
        self.authorize(actor, dossier, Action::EditDocuments)?;
        self.store.update_item_noted(
            dossier,
            id.raw(),
            None,
            |doc: &mut Document| {
                let draft = checked(doc.kind(), &draft)?;
                doc.title = draft.title;
                doc.date = draft.date;
                doc.status = draft.status;
                doc.lines = draft.lines;
                Ok(())
            },
            |before, after| {
                let content = (&before.title, before.date, &before.lines)
                    != (&after.title, after.date, &after.lines);
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

/// A history line's words for a document.
fn item_line(doc: &Document, change: ItemChange) -> HistoryKind {
    HistoryKind::Item {
        item: match doc.kind() {
            DocKind::Quote => ItemKind::Quote,
            DocKind::Order => ItemKind::Order,
            DocKind::Invoice => ItemKind::Invoice,
        },
        label: doc.number.to_string(),
        change,
    }
}
