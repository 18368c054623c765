//! What the operator's endpoints read and make: the gauges `/metrics` shows and an
//! archive of the data folder for `/admin/backup`. The door checks the credential
//! (`web/operator.rs`); these only run once it has.

use super::Services;
use crate::error::{Error, Result};

/// The store's gauges for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct Gauges {
    /// Notifications waiting to go out (prepared or not).
    pub pending: usize,
    /// Notifications given up on.
    pub dead: usize,
    /// Messages held for review.
    pub held: usize,
    /// Bytes the store takes on disk.
    pub bytes: u64,
}

impl Services {
    /// The gauges as they are now. Blocking: it reads indexes of the store.
    pub fn gauges(&self) -> Gauges {
        let (pending, dead) = self.store.outbox_counts();
        Gauges {
            pending,
            dead,
            held: self.store.held_count(),
            bytes: self.store.size_on_disk(),
        }
    }

    /// An archive of the data folder, made now, open for reading, and its size. It is
    /// made on disk, then its name removed: the open file outlives it, and nothing is
    /// left behind.
    pub fn backup_archive(&self) -> Result<(std::fs::File, u64)> {
        let path = self
            .store
            .root()
            .join(format!("backup-{}.tar", uuid::Uuid::new_v4()));
        let size = self.store.backup(&path)?;
        let file = std::fs::File::open(&path).map_err(|e| Error::from_io("reading the backup", e));
        let _ = std::fs::remove_file(&path);
        Ok((file?, size))
    }
}
