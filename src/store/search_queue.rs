//! The dossiers the search index has yet to read again. A change queues its dossier in
//! its own transaction ([`super::tx::Tx::queue_for_search`]); the search worker takes
//! the queue, indexes, then removes each entry only if no change queued it again
//! meanwhile. A crash between the two indexes the dossier once more, nothing worse.

use super::{Store, Tree, keys};
use crate::domain::DossierId;
use crate::error::Result;

/// A queued dossier and the mark its last change left.
pub struct Queued {
    /// The dossier.
    pub dossier: DossierId,
    mark: sled::IVec,
}

impl Store {
    /// The search index, when it could be opened.
    pub fn search_index(&self) -> Option<&crate::search::Index> {
        self.inner.search.as_ref()
    }

    /// Up to `limit` dossiers waiting for the search index.
    pub fn search_queue(&self, limit: usize) -> Result<Vec<Queued>> {
        self.tree(Tree::SearchQueue)
            .iter()
            .take(limit)
            .map(|entry| {
                let (key, mark) = entry?;
                Ok(Queued {
                    dossier: DossierId::from_raw(keys::first(&key).unwrap_or_default()),
                    mark,
                })
            })
            .collect()
    }

    /// Takes `queued` off the queue, unless a change queued it again since.
    pub fn search_done(&self, queued: &Queued) -> Result<()> {
        let key = keys::one(queued.dossier.raw());
        // A newer mark stays: the dossier is read again on the next round.
        let _ = self.tree(Tree::SearchQueue).compare_and_swap(
            key,
            Some(&queued.mark),
            None::<&[u8]>,
        )?;
        Ok(())
    }

    /// Queues every dossier (a new or rebuilt index).
    pub fn queue_all_for_search(&self) -> Result<usize> {
        let queue = self.tree(Tree::SearchQueue);
        let mut count = 0;
        for entry in self.tree(Tree::Dossiers).iter() {
            let (key, _) = entry?;
            queue.insert(key, b"0")?;
            count += 1;
        }
        Ok(count)
    }
}
