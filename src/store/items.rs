//! The contents of dossiers, one tree per collection keyed `(dossier, id)`, and
//! [`Change`]: a set of writes (items, indexes, history lines, outbox intents) that
//! commits in one transaction, refused as a whole if the dossier was closed meanwhile.

use std::sync::Arc;

use chrono::Datelike;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::tx::{Tx, TxResult, abort};
use super::{Store, Tree, keys};
use crate::domain::{
    Activity, Assignment, DocNumber, Document, DocumentId, Dossier, DossierId, Event, Expense,
    FileEntry, HistoryEntry, Intent, LogEntry, Message, Status,
};
use crate::error::{Error, Result};

/// A record that lives in a dossier.
pub trait Item: Serialize + DeserializeOwned + Clone {
    /// Its tree.
    const TREE: Tree;
    /// Its dossier.
    fn dossier(&self) -> DossierId;
    /// Its raw id.
    fn raw_id(&self) -> u64;
}

macro_rules! item {
    ($type:ty, $tree:expr) => {
        impl Item for $type {
            const TREE: Tree = $tree;
            fn dossier(&self) -> DossierId {
                self.dossier
            }
            fn raw_id(&self) -> u64 {
                self.id.raw()
            }
        }
    };
}
item!(Document, Tree::Documents);
item!(Event, Tree::Events);
item!(Expense, Tree::Expenses);
item!(FileEntry, Tree::Files);
item!(Assignment, Tree::Assignments);
item!(Activity, Tree::Activities);
item!(Message, Tree::Messages);

enum Op {
    Put(Tree, Vec<u8>, Vec<u8>),
    Mark(Tree, Vec<u8>),
    Remove(Tree, Vec<u8>),
    Claim(Vec<u8>),
    Record(HistoryEntry),
}

/// Writes to one dossier that commit together, only while the dossier is open.
pub struct Change {
    dossier: DossierId,
    ops: Vec<Op>,
}

fn key_of<I: Item>(item: &I) -> Vec<u8> {
    keys::two(item.dossier().raw(), item.raw_id()).to_vec()
}

impl Change {
    /// Starts a change to `dossier`.
    pub fn to(dossier: DossierId) -> Change {
        Change {
            dossier,
            ops: Vec::new(),
        }
    }

    /// Adds or replaces an item of the dossier.
    pub fn put<I: Item>(&mut self, item: &I) -> Result<&mut Self> {
        debug_assert_eq!(item.dossier(), self.dossier);
        self.ops
            .push(Op::Put(I::TREE, key_of(item), serde_json::to_vec(item)?));
        Ok(self)
    }

    /// Removes an item of the dossier.
    pub fn remove<I: Item>(&mut self, item: &I) -> &mut Self {
        self.ops.push(Op::Remove(I::TREE, key_of(item)));
        self
    }

    /// Assigns an intervenant: the assignment and the intervenant's dossier index.
    pub fn assign(&mut self, assignment: &Assignment) -> Result<&mut Self> {
        let index = keys::two(assignment.user.raw(), assignment.dossier.raw());
        self.ops
            .push(Op::Mark(Tree::DossiersByIntervenant, index.to_vec()));
        self.put(assignment)
    }

    /// Removes an intervenant: the assignment and the index entry.
    pub fn unassign(&mut self, assignment: &Assignment) -> &mut Self {
        let index = keys::two(assignment.user.raw(), assignment.dossier.raw());
        self.ops
            .push(Op::Remove(Tree::DossiersByIntervenant, index.to_vec()));
        self.remove(assignment)
    }

    /// Writes a notification intent to the outbox.
    pub fn notify(&mut self, intent: &Intent) -> Result<&mut Self> {
        let key = keys::one(intent.id.raw()).to_vec();
        self.ops
            .push(Op::Put(Tree::Intents, key, serde_json::to_vec(intent)?));
        Ok(self)
    }

    /// Claims a piece of work done once (see [`Store::is_claimed`]); the whole change is
    /// refused with [`Error::Duplicate`] if it was claimed before.
    pub fn claim(&mut self, claim: &str) -> &mut Self {
        self.ops.push(Op::Claim(claim.as_bytes().to_vec()));
        self
    }

    /// Writes a line of the mail processing log.
    pub fn log(&mut self, entry: &LogEntry) -> Result<&mut Self> {
        let key = keys::one(entry.id.raw()).to_vec();
        self.ops
            .push(Op::Put(Tree::MailLog, key, serde_json::to_vec(entry)?));
        Ok(self)
    }

    /// Appends a line to the dossier's history.
    pub fn record(&mut self, entry: HistoryEntry) -> &mut Self {
        self.ops.push(Op::Record(entry));
        self
    }

    fn replay(&self, tx: &Tx) -> TxResult<()> {
        open_dossier(tx, self.dossier)?;
        for op in &self.ops {
            match op {
                Op::Put(tree, key, bytes) => {
                    match tree {
                        Tree::Messages => tx.count_message(self.dossier, key)?,
                        Tree::Events | Tree::Files | Tree::Documents | Tree::Expenses => {
                            tx.items_changed(self.dossier, *tree)?
                        }
                        _ => {}
                    }
                    tx.put_raw(*tree, key, bytes)?
                }
                Op::Mark(tree, key) => tx.mark(*tree, key)?,
                Op::Remove(tree, key) => {
                    if matches!(
                        tree,
                        Tree::Events | Tree::Files | Tree::Documents | Tree::Expenses
                    ) {
                        tx.items_changed(self.dossier, *tree)?;
                    }
                    tx.remove(*tree, key)?
                }
                Op::Claim(key) => claim(tx, key)?,
                Op::Record(entry) => tx.record(self.dossier, entry)?,
            }
        }
        Ok(())
    }
}

/// The next number of the sequence of `number`'s kind and year.
fn next_number(tx: &Tx, number: DocNumber) -> TxResult<u32> {
    tx.next_seq(&format!("doc/{}/{}", number.kind.letter(), number.year))
}

/// Marks a claim, refusing one already made.
pub(super) fn claim(tx: &Tx, key: &[u8]) -> TxResult<()> {
    if tx.contains(Tree::MailClaims, key)? {
        return abort(Error::Duplicate);
    }
    tx.mark(Tree::MailClaims, key)
}

/// Reads the dossier inside the transaction that changes it and refuses if it is missing
/// or closed; the change queues it for the search index.
pub(super) fn open_dossier(tx: &Tx, id: DossierId) -> TxResult<Dossier> {
    match tx.get::<Dossier>(Tree::Dossiers, &keys::one(id.raw()))? {
        None => abort(Error::NotFound),
        Some(d) if d.status == Status::Closed => abort(Error::Closed),
        Some(d) => {
            tx.queue_for_search(id)?;
            Ok(d)
        }
    }
}

impl Store {
    /// Commits a change as one transaction.
    pub fn apply(&self, change: &Change) -> Result<()> {
        self.write(|tx| change.replay(tx))
    }

    /// Every item of one kind in `dossier`, oldest first: one prefix scan.
    pub fn items<I: Item>(&self, dossier: DossierId) -> Result<Vec<I>> {
        self.scan(I::TREE, &keys::one(dossier.raw()))
    }

    /// The newest `limit` messages of `dossier`, oldest first, and how many it has in
    /// all: walked backwards from the newest, only those decoded; the count is kept with
    /// the messages ([`super::tx::Tx::count_message`]). Messages never change once
    /// posted, so the page is kept in memory until the count moves.
    pub fn latest_messages(
        &self,
        dossier: DossierId,
        limit: usize,
    ) -> Result<(Arc<[crate::domain::Message]>, usize)> {
        let count = self.get::<u64>(Tree::Meta, super::message_count_key(dossier).as_bytes())?;
        let key = (dossier, limit);
        if let Some(count) = count
            && let Some(page) = self.inner.messages.get(&key, &count)
        {
            return Ok((page, count as usize));
        }
        let mut walk = self
            .tree(Tree::Messages)
            .scan_prefix(keys::one(dossier.raw()));
        let mut latest = Vec::with_capacity(limit);
        for entry in walk.by_ref().rev().take(limit) {
            latest.push(serde_json::from_slice(&entry?.1)?);
        }
        latest.reverse();
        let latest: Arc<[crate::domain::Message]> = latest.into();
        let total = match count {
            Some(count) => {
                let bytes = latest.iter().map(|m| m.text.len() + m.elided.len()).sum();
                self.inner.messages.put(key, count, latest.clone(), bytes);
                (count as usize).max(latest.len())
            }
            // Not counted yet (a store the count migration has not reached): the rest
            // of the walk is the older ones.
            None => latest.len() + walk.count(),
        };
        Ok((latest, total))
    }

    /// One item of `dossier`; `None` if it is not there (or belongs to another dossier).
    pub fn item<I: Item>(&self, dossier: DossierId, id: u64) -> Result<Option<I>> {
        self.get(I::TREE, &keys::two(dossier.raw(), id))
    }

    /// Changes one item with `edit` in one transaction, with an optional intent, while
    /// the dossier is open.
    pub fn update_item<I: Item>(
        &self,
        dossier: DossierId,
        id: u64,
        notify: Option<&Intent>,
        edit: impl Fn(&mut I) -> Result<()>,
    ) -> Result<I> {
        self.update_item_noted(dossier, id, notify, edit, |_, _| None)
    }

    /// [`Store::update_item`], with the history line `note` makes of the item before and
    /// after, in the same transaction.
    pub fn update_item_noted<I: Item>(
        &self,
        dossier: DossierId,
        id: u64,
        notify: Option<&Intent>,
        edit: impl Fn(&mut I) -> Result<()>,
        note: impl Fn(&I, &I) -> Option<HistoryEntry>,
    ) -> Result<I> {
        self.write(|tx| {
            open_dossier(tx, dossier)?;
            let key = keys::two(dossier.raw(), id);
            let Some(before) = tx.get::<I>(I::TREE, &key)? else {
                return abort(Error::NotFound);
            };
            let mut item = before.clone();
            if let Err(err) = edit(&mut item) {
                return abort(err);
            }
            tx.put(I::TREE, &key, &item)?;
            if matches!(
                I::TREE,
                Tree::Events | Tree::Files | Tree::Documents | Tree::Expenses
            ) {
                tx.items_changed(dossier, I::TREE)?;
            }
            if let Some(line) = note(&before, &item) {
                tx.record(dossier, &line)?;
            }
            if let Some(intent) = notify {
                tx.put(Tree::Intents, &keys::one(intent.id.raw()), intent)?;
            }
            Ok(item)
        })
    }

    /// Adds a document. A quote or an order takes the next number of its kind and
    /// year; an invoice or a credit note stays unnumbered until it is issued.
    pub fn insert_document(
        &self,
        document: &Document,
        note: impl Fn(&Document) -> HistoryEntry,
    ) -> Result<Document> {
        self.write(|tx| {
            open_dossier(tx, document.dossier)?;
            let mut numbered = document.clone();
            if !document.kind().issued_once() {
                numbered.number.seq = next_number(tx, document.number)?;
            }
            tx.put(Tree::Documents, &key_of(&numbered), &numbered)?;
            tx.items_changed(document.dossier, Tree::Documents)?;
            tx.record(document.dossier, &note(&numbered))?;
            Ok(numbered)
        })
    }

    /// Issues an invoice or a credit note with `issue` (which sets its date, terms,
    /// status and who sold and bought), giving it the next number of its sequence in
    /// the same transaction: the numbers of issued documents have no gap. Refused if it
    /// was issued already.
    pub fn issue_document(
        &self,
        dossier: DossierId,
        id: DocumentId,
        issue: impl Fn(&mut Document) -> Result<()>,
        note: impl Fn(&Document) -> HistoryEntry,
    ) -> Result<Document> {
        self.write(|tx| {
            open_dossier(tx, dossier)?;
            let key = keys::two(dossier.raw(), id.raw());
            let Some(mut doc) = tx.get::<Document>(Tree::Documents, &key)? else {
                return abort(Error::NotFound);
            };
            if doc.issued.is_some() {
                return abort(Error::Conflict(crate::error::Refusal::new(
                    "Ce document est déjà émis.",
                    "This document was issued already.",
                )));
            }
            if let Err(err) = issue(&mut doc) {
                return abort(err);
            }
            // A document numbered before numbers were given at issue keeps its number.
            if doc.number.seq == 0 {
                doc.number.year = doc.date.year() as u16;
                doc.number.seq = next_number(tx, doc.number)?;
            }
            tx.put(Tree::Documents, &key, &doc)?;
            tx.items_changed(dossier, Tree::Documents)?;
            tx.record(dossier, &note(&doc))?;
            Ok(doc)
        })
    }
}
