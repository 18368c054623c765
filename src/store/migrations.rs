//! The schema version and the ordered list of migrations, run at open. A migration is
//! appended, never edited: a store at version N runs migrations N+1… in order, and its
//! version is written after each one so a crash resumes at the first one not done.

use super::{Store, Tree};
use crate::error::{Error, Result};

/// One step of the schema.
pub struct Migration {
    /// The version the store has after this step.
    pub version: u32,
    /// What it does, for the log.
    pub name: &'static str,
    /// The step itself.
    pub run: fn(&Store) -> Result<()>,
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "initial layout: one tree per collection and its indexes",
    // The trees are opened by `Store::open`; a fresh store only needs its version.
    run: |_| Ok(()),
}];

/// The version a store has once every migration ran.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const VERSION_KEY: &[u8] = b"schema_version";

/// The store's schema version (0 for a fresh store).
pub fn version(store: &Store) -> Result<u32> {
    Ok(store.get(Tree::Meta, VERSION_KEY)?.unwrap_or(0))
}

/// Runs every migration the store has not had yet.
pub fn run(store: &Store) -> Result<()> {
    let current = version(store)?;
    if current > latest() {
        return Err(Error::Storage(format!(
            "the store has schema version {current}, newer than this program knows ({}); \
             run a newer dossier",
            latest()
        )));
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "migrating the store"
        );
        (migration.run)(store)?;
        store.write(|tx| tx.put(Tree::Meta, VERSION_KEY, &migration.version))?;
        store.flush()?;
    }
    Ok(())
}
