//! Group commit: one explicit way to make everything written so far durable. Callers
//! that arrive while a flush runs wait for the next one, which covers them all, so a
//! burst of acknowledgements costs one or two fsyncs instead of one each.
//!
//! sled's own flush writes its log with `sync_file_range`, which does not survive a
//! power cut on Linux; after it we `fsync` sled's data file ourselves.

use std::fs::File;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};

use crate::error::{Error, Result};

#[derive(Default)]
struct Round {
    /// Tickets handed out: a caller's ticket is covered by any flush started after it.
    requested: u64,
    /// Highest ticket known durable.
    completed: u64,
    /// Whether a flush is running now.
    running: bool,
    /// The error of the last round, handed to the callers it covered.
    failed: Option<String>,
}

/// Shares flushes between concurrent callers.
pub struct GroupCommit {
    round: Mutex<Round>,
    done: Condvar,
    data_file: PathBuf,
    /// Flushes that reached the disk (statistics).
    physical: AtomicU64,
}

impl GroupCommit {
    /// `data_file` is sled's log file, fsynced after sled's flush.
    pub fn new(data_file: PathBuf) -> Self {
        GroupCommit {
            round: Mutex::new(Round::default()),
            done: Condvar::new(),
            data_file,
            physical: AtomicU64::new(0),
        }
    }

    /// Returns once everything written before the call is durable. Blocking: async
    /// callers run it on the blocking pool.
    pub fn flush(&self, db: &sled::Db) -> Result<()> {
        let mut round = self.round.lock().unwrap_or_else(|p| p.into_inner());
        round.requested += 1;
        let ticket = round.requested;
        loop {
            if round.completed >= ticket {
                return match &round.failed {
                    Some(why) => Err(Error::storage(why.clone())),
                    None => Ok(()),
                };
            }
            if !round.running {
                round.running = true;
                let target = round.requested;
                drop(round);
                let outcome = self.flush_now(db);
                round = self.round.lock().unwrap_or_else(|p| p.into_inner());
                round.running = false;
                round.completed = target;
                round.failed = outcome.as_ref().err().map(|e| e.to_string());
                self.done.notify_all();
                return outcome;
            }
            round = self.done.wait(round).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// How many flushes reached the disk so far.
    pub fn physical_flushes(&self) -> u64 {
        self.physical.load(Ordering::Relaxed)
    }

    fn flush_now(&self, db: &sled::Db) -> Result<()> {
        self.physical.fetch_add(1, Ordering::Relaxed);
        db.flush()?;
        File::open(&self.data_file)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::from_io("fsync of the store", e))
    }
}
