//! The spool: every accepted message is written here, fsynced with its folder, *before*
//! the door answers `250` (or `ingest` exits 0). sled's flush alone does not survive a
//! power cut; this file does. The pipeline removes an entry only once what it stored is
//! durable, so a crash at any point resumes here.
//!
//! An entry is one file: a line of JSON (the envelope), then the raw message as received.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::domain::Envelope;
use crate::error::{Error, Result};
use crate::store::blobs::sync_dir;

/// The spool folder (`data/mail/spool`, with `data/mail/tmp` for entries being written).
#[derive(Clone)]
pub struct Spool {
    dir: PathBuf,
    tmp: PathBuf,
    attempts: PathBuf,
}

/// The name of one spooled message; names sort in order of arrival.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpoolId(String);

impl SpoolId {
    /// The name, for logs and claims.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An entry being written; it becomes visible (and durable) on [`SpoolWriter::commit`].
pub struct SpoolWriter {
    dir: PathBuf,
    tmp_path: PathBuf,
    id: SpoolId,
    // Buffered: the SMTP session hands it one line at a time.
    file: std::io::BufWriter<File>,
    size: u64,
}

fn io(context: &'static str) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::from_io(context, e)
}

impl Spool {
    /// Opens (creates) the spool under the data folder; removes half-written leftovers.
    pub fn open(data: &Path) -> Result<Spool> {
        let dir = data.join("mail").join("spool");
        let tmp = data.join("mail").join("tmp");
        let attempts = data.join("mail").join("attempts");
        fs::create_dir_all(&attempts).map_err(io("creating the mail spool"))?;
        fs::create_dir_all(&dir).map_err(io("creating the mail spool"))?;
        fs::create_dir_all(&tmp).map_err(io("creating the mail spool"))?;
        for entry in fs::read_dir(&tmp)
            .map_err(io("listing the mail spool"))?
            .flatten()
        {
            let _ = fs::remove_file(entry.path());
        }
        Ok(Spool { dir, tmp, attempts })
    }

    /// Starts a new entry with its envelope.
    pub fn begin(&self, envelope: &Envelope) -> Result<SpoolWriter> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let random = &uuid::Uuid::new_v4().simple().to_string()[..12];
        let id = SpoolId(format!("{nanos:020}-{random}"));
        let tmp_path = self.tmp.join(&id.0);
        let file = File::create(&tmp_path).map_err(io("creating a spool entry"))?;
        // From here the writer owns the file: any failure drops it, and its leftover goes.
        let mut writer = SpoolWriter {
            dir: self.dir.clone(),
            tmp_path,
            id,
            file: std::io::BufWriter::with_capacity(64 * 1024, file),
            size: 0,
        };
        let mut line = serde_json::to_vec(envelope)?;
        line.push(b'\n');
        writer
            .file
            .write_all(&line)
            .map_err(io("writing a spool entry"))?;
        Ok(writer)
    }

    /// Writes a whole message at once.
    pub fn accept(&self, envelope: &Envelope, raw: &[u8]) -> Result<SpoolId> {
        let mut writer = self.begin(envelope)?;
        writer.write(raw)?;
        writer.commit()
    }

    /// Every entry not yet processed, oldest first.
    pub fn pending(&self) -> Result<Vec<SpoolId>> {
        let mut ids: Vec<SpoolId> = fs::read_dir(&self.dir)
            .map_err(io("listing the mail spool"))?
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .map(SpoolId)
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// Reads an entry: its envelope and the raw message.
    pub fn read(&self, id: &SpoolId) -> Result<(Envelope, Vec<u8>)> {
        let file = File::open(self.dir.join(&id.0)).map_err(io("reading a spool entry"))?;
        let mut reader = BufReader::new(file);
        let mut line = Vec::new();
        reader
            .read_until(b'\n', &mut line)
            .map_err(io("reading a spool entry"))?;
        let envelope = serde_json::from_slice(&line)
            .map_err(|e| Error::Damaged(format!("spool entry {}: {e}", id.0)))?;
        let mut raw = Vec::new();
        reader
            .read_to_end(&mut raw)
            .map_err(io("reading a spool entry"))?;
        Ok((envelope, raw))
    }

    /// Counts one more attempt at processing an entry, before it starts, so that one
    /// that brings the process down is counted too; returns the count.
    pub fn attempt(&self, id: &SpoolId) -> Result<u32> {
        let done = self.attempts_of(id).unwrap_or(0) + 1;
        fs::write(self.attempts.join(&id.0), done.to_string())
            .map_err(io("counting an attempt"))?;
        Ok(done)
    }

    /// Takes back the last attempt counted: it returned. Nothing when the entry is gone
    /// (done, its count removed with it).
    pub fn forgive(&self, id: &SpoolId) {
        if let Some(done) = self.attempts_of(id) {
            let _ = fs::write(
                self.attempts.join(&id.0),
                done.saturating_sub(1).to_string(),
            );
        }
    }

    /// The attempts counted for `id`, if any.
    fn attempts_of(&self, id: &SpoolId) -> Option<u32> {
        fs::read_to_string(self.attempts.join(&id.0))
            .ok()
            .and_then(|t| t.trim().parse().ok())
    }

    /// Moves an entry that can never be read to `mail/damaged/`, kept for the operator,
    /// so that it does not hold up the messages behind it.
    pub fn set_aside(&self, id: &SpoolId) -> Result<()> {
        let damaged = self.dir.with_file_name("damaged");
        fs::create_dir_all(&damaged).map_err(io("setting a spool entry aside"))?;
        fs::rename(self.dir.join(&id.0), damaged.join(&id.0))
            .map_err(io("setting a spool entry aside"))?;
        let _ = fs::remove_file(self.attempts.join(&id.0));
        sync_dir(&self.dir)
    }

    /// Removes an entry once what it caused is durable in the store.
    pub fn remove(&self, id: &SpoolId) -> Result<()> {
        let _ = fs::remove_file(self.attempts.join(&id.0));
        match fs::remove_file(self.dir.join(&id.0)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::from_io("removing a spool entry", e)),
        }
    }
}

impl SpoolWriter {
    /// Appends message bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all(bytes)
            .map_err(io("writing a spool entry"))?;
        self.size += bytes.len() as u64;
        Ok(())
    }

    /// The name the entry will have.
    pub fn id(&self) -> &SpoolId {
        &self.id
    }

    /// Message bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Makes the entry durable: fsync, rename into the spool, fsync of the spool folder.
    /// Only after this may a door acknowledge the message.
    pub fn commit(mut self) -> Result<SpoolId> {
        self.file.flush().map_err(io("writing a spool entry"))?;
        self.file
            .get_ref()
            .sync_all()
            .map_err(io("fsync of a spool entry"))?;
        fs::rename(&self.tmp_path, self.dir.join(&self.id.0))
            .map_err(io("renaming a spool entry"))?;
        sync_dir(&self.dir)?;
        Ok(self.id.clone())
    }
}

impl Drop for SpoolWriter {
    fn drop(&mut self) {
        // After a commit the file was renamed and this finds nothing; before, the
        // message was abandoned (size exceeded, connection lost) and its leftover goes.
        let _ = fs::remove_file(&self.tmp_path);
    }
}
