//! The transaction wrapper: typed reads and writes of JSON values in named trees,
//! inside one sled transaction over every tree (or over the few a hot path names), so
//! that a row and its indexes commit together or not at all.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::Tree;
use crate::error::Error;

/// A transaction's result: aborting carries the crate's error.
pub type TxResult<T> = Result<T, ConflictableTransactionError<Error>>;

/// Aborts the transaction with `err`.
pub fn abort<T>(err: Error) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(err))
}

/// A view of the trees inside one transaction.
pub struct Tx<'a> {
    pub(super) trees: &'a [TransactionalTree],
    /// Where each tree is in `trees`; `None` outside a transaction over a few trees.
    pub(super) slots: Option<&'a [u8; Tree::ALL.len()]>,
}

/// In `slots`, a tree the transaction does not cover.
pub(super) const ABSENT: u8 = u8::MAX;

fn codec(err: serde_json::Error) -> ConflictableTransactionError<Error> {
    ConflictableTransactionError::Abort(err.into())
}

impl Tx<'_> {
    fn tree(&self, tree: Tree) -> TxResult<&TransactionalTree> {
        let slot = match self.slots {
            Some(slots) => slots[tree as usize],
            None => tree as u8,
        };
        match self.trees.get(usize::from(slot)) {
            Some(found) => Ok(found),
            None => abort(Error::storage(format!(
                "the tree {} is outside this transaction",
                tree.name()
            ))),
        }
    }

    /// Reads and decodes one value.
    pub fn get<V: DeserializeOwned>(&self, tree: Tree, key: &[u8]) -> TxResult<Option<V>> {
        match self.tree(tree)?.get(key)? {
            Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(codec),
            None => Ok(None),
        }
    }

    /// Whether a key exists.
    pub fn contains(&self, tree: Tree, key: &[u8]) -> TxResult<bool> {
        Ok(self.tree(tree)?.get(key)?.is_some())
    }

    /// Encodes and writes one value.
    pub fn put<V: Serialize>(&self, tree: Tree, key: &[u8], value: &V) -> TxResult<()> {
        let bytes = serde_json::to_vec(value).map_err(codec)?;
        self.tree(tree)?.insert(key, bytes)?;
        Ok(())
    }

    /// Writes an index entry that carries no value.
    pub fn mark(&self, tree: Tree, key: &[u8]) -> TxResult<()> {
        self.tree(tree)?.insert(key, &[] as &[u8])?;
        Ok(())
    }

    /// Removes a key.
    pub fn remove(&self, tree: Tree, key: &[u8]) -> TxResult<()> {
        self.tree(tree)?.remove(key)?;
        Ok(())
    }

    /// Takes the next number of the sequence `name` (1, 2, 3…), for human numbers
    /// such as `2026-0042`; gap-free because it commits with the row that uses it.
    pub fn next_seq(&self, name: &str) -> TxResult<u32> {
        let key = format!("seq/{name}");
        let current: u32 = self.get(Tree::Meta, key.as_bytes())?.unwrap_or(0);
        self.put(Tree::Meta, key.as_bytes(), &(current + 1))?;
        Ok(current + 1)
    }
}

impl Tx<'_> {
    /// Appends a line to `dossier`'s history, in the transaction of the change it tells of.
    pub fn record(
        &self,
        dossier: crate::domain::DossierId,
        line: &crate::domain::HistoryEntry,
    ) -> TxResult<()> {
        let id = self.tree(Tree::History)?.generate_id()?;
        self.put(Tree::History, &super::keys::two(dossier.raw(), id), line)
    }

    /// Counts a new message of `dossier` (one whose key is not there yet), in the
    /// transaction that puts it: the discussion knows how many it has without a walk.
    pub fn count_message(&self, dossier: crate::domain::DossierId, key: &[u8]) -> TxResult<()> {
        if self.contains(Tree::Messages, key)? {
            return Ok(());
        }
        let name = super::message_count_key(dossier);
        let count: u64 = self.get(Tree::Meta, name.as_bytes())?.unwrap_or(0);
        self.put(Tree::Meta, name.as_bytes(), &(count + 1))
    }

    /// Notes that `dossier`'s items of `tree` changed, in the transaction that changes
    /// them: what is kept from them in memory ([`super::Store::events_of`], the pages
    /// rendered from them) is read again.
    pub fn items_changed(&self, dossier: crate::domain::DossierId, tree: Tree) -> TxResult<()> {
        self.bump(super::stamp_key(tree, dossier).as_bytes())
    }

    /// Notes that a person changed (a name shown on every page that names them).
    pub fn people_changed(&self) -> TxResult<()> {
        self.bump(super::PEOPLE_STAMP)
    }

    /// Notes that a dossier was made or changed.
    pub fn dossiers_changed(&self) -> TxResult<()> {
        self.bump(super::DOSSIERS_STAMP)
    }

    fn bump(&self, key: &[u8]) -> TxResult<()> {
        let stamp: u64 = self.get(Tree::Meta, key)?.unwrap_or(0);
        self.put(Tree::Meta, key, &(stamp + 1))
    }

    /// Queues `dossier` for the search index, in the transaction that changes it.
    pub fn queue_for_search(&self, dossier: crate::domain::DossierId) -> TxResult<()> {
        // A counter, not a clock: two changes never leave the same mark.
        let mark = self.tree(Tree::SearchQueue)?.generate_id()?;
        self.put(Tree::SearchQueue, &super::keys::one(dossier.raw()), &mark)
    }

    /// Writes already encoded bytes (a [`super::Change`] encodes before the transaction).
    pub fn put_raw(&self, tree: Tree, key: &[u8], bytes: &[u8]) -> TxResult<()> {
        self.tree(tree)?.insert(key, bytes)?;
        Ok(())
    }
}
