//! File contents, outside sled, addressed by their SHA-256 (`blobs/ab/cdef…`). A blob is
//! written to a temporary file, fsynced, renamed into place and its directory fsynced
//! *before* any metadata that names it commits, so a referenced blob is never missing.
//! The same bytes stored twice take the space once. Many small contents written together
//! (a pass of outgoing e-mails) go in one blob, each a part of it ([`Part`]), so they
//! cost one file and its fsyncs. This module knows nothing of dossiers.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use crate::domain::Part;
use crate::error::{Error, Result};

/// The blob folder.
#[derive(Clone)]
pub struct Blobs {
    root: PathBuf,
}

/// A blob being written: hashes as it goes, becomes visible on [`BlobWriter::finish`].
pub struct BlobWriter {
    root: PathBuf,
    tmp_path: PathBuf,
    file: File,
    hasher: Sha256,
    size: u64,
}

/// A stored blob: its address and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

fn io_err(context: &str) -> impl FnOnce(io::Error) -> Error + '_ {
    move |e| Error::from_io(context, e)
}

/// fsyncs a directory so that a rename or a new entry in it survives a power cut.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err("fsync of a folder"))
}

impl Blobs {
    /// Opens (creates) the blob folder under `root`.
    pub fn open(root: PathBuf) -> Result<Self> {
        fs::create_dir_all(root.join("tmp")).map_err(io_err("creating the blob folder"))?;
        Ok(Blobs { root })
    }

    /// Starts writing a new blob.
    pub fn writer(&self) -> Result<BlobWriter> {
        let tmp_path = self.root.join("tmp").join(uuid::Uuid::new_v4().to_string());
        let file = File::create(&tmp_path).map_err(io_err("creating a blob"))?;
        Ok(BlobWriter {
            root: self.root.clone(),
            tmp_path,
            file,
            hasher: Sha256::new(),
            size: 0,
        })
    }

    /// Stores `bytes` durably and returns their address.
    pub fn put(&self, bytes: &[u8]) -> Result<Stored> {
        let mut writer = self.writer()?;
        writer.write(bytes)?;
        writer.finish()
    }

    /// Where the blob `sha256` lives (whether or not it exists).
    pub fn path(&self, sha256: &str) -> PathBuf {
        let (dir, rest) = sha256.split_at(2.min(sha256.len()));
        self.root.join(dir).join(rest)
    }

    /// Whether the blob is on disk.
    pub fn exists(&self, sha256: &str) -> bool {
        is_sha256(sha256) && self.path(sha256).is_file()
    }

    /// Opens the blob for reading.
    pub fn open_blob(&self, sha256: &str) -> Result<File> {
        if !is_sha256(sha256) {
            return Err(Error::NotFound);
        }
        File::open(self.path(sha256)).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::storage(format!("blob {sha256} is missing")),
            _ => Error::from_io("reading a blob", e),
        })
    }

    /// Reads a whole blob (small files, tests).
    pub fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open_blob(sha256)?
            .read_to_end(&mut bytes)
            .map_err(io_err("reading a blob"))?;
        Ok(bytes)
    }

    /// Reads `part` of a blob.
    pub fn read_part(&self, sha256: &str, part: Part) -> Result<Vec<u8>> {
        use std::io::{Seek, SeekFrom};
        let mut file = self.open_blob(sha256)?;
        file.seek(SeekFrom::Start(part.offset))
            .map_err(io_err("reading a blob"))?;
        let mut bytes = Vec::with_capacity(part.len.min(1 << 24) as usize);
        file.take(part.len)
            .read_to_end(&mut bytes)
            .map_err(io_err("reading a blob"))?;
        if bytes.len() as u64 != part.len {
            return Err(Error::storage(format!(
                "blob {sha256} is shorter than its parts"
            )));
        }
        Ok(bytes)
    }

    /// Every stored blob: its SHA-256, size and last write.
    pub fn list(&self) -> Result<Vec<(String, u64, std::time::SystemTime)>> {
        let mut found = Vec::new();
        for dir in fs::read_dir(&self.root).map_err(io_err("listing blobs"))? {
            let dir = dir.map_err(io_err("listing blobs"))?;
            let prefix = dir.file_name().to_string_lossy().into_owned();
            if prefix.len() != 2 || !dir.path().is_dir() {
                continue;
            }
            for entry in fs::read_dir(dir.path()).map_err(io_err("listing blobs"))? {
                let entry = entry.map_err(io_err("listing blobs"))?;
                let sha256 = format!("{prefix}{}", entry.file_name().to_string_lossy());
                let meta = entry.metadata().map_err(io_err("listing blobs"))?;
                if is_sha256(&sha256) && meta.is_file() {
                    let written = meta.modified().map_err(io_err("listing blobs"))?;
                    found.push((sha256, meta.len(), written));
                }
            }
        }
        Ok(found)
    }

    /// Removes one blob; false if it was not there.
    pub fn remove(&self, sha256: &str) -> Result<bool> {
        if !is_sha256(sha256) {
            return Ok(false);
        }
        match fs::remove_file(self.path(sha256)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::from_io("removing a blob", e)),
        }
    }

    /// Removes leftovers of writes that never finished (a crash mid-upload).
    pub fn clean_tmp(&self) -> Result<()> {
        let tmp = self.root.join("tmp");
        for entry in fs::read_dir(&tmp).map_err(io_err("listing blob leftovers"))? {
            let entry = entry.map_err(io_err("listing blob leftovers"))?;
            let _ = fs::remove_file(entry.path());
        }
        Ok(())
    }
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl BlobWriter {
    /// Appends `bytes` as a part of its own, readable with [`Blobs::read_part`] once the
    /// blob is finished.
    pub fn part(&mut self, bytes: &[u8]) -> Result<Part> {
        let offset = self.size;
        self.write(bytes)?;
        Ok(Part {
            offset,
            len: bytes.len() as u64,
        })
    }

    /// Appends bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all(bytes)
            .map_err(io_err("writing a blob"))?;
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Makes the blob durable under its hash: fsync, rename, fsync of the folder.
    pub fn finish(mut self) -> Result<Stored> {
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let size = self.size;
        self.file.sync_all().map_err(io_err("fsync of a blob"))?;
        let dir = self.root.join(&sha256[..2]);
        let target = dir.join(&sha256[2..]);
        // Same bytes already stored: keep the one copy, written anew as far as the
        // garbage collection can tell, since a record is about to name it. If it is gone
        // meanwhile, this copy takes its place.
        let renewed = fs::File::options()
            .append(true)
            .open(&target)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
        if renewed.is_ok() {
            let _ = fs::remove_file(&self.tmp_path);
            return Ok(Stored { sha256, size });
        }
        fs::create_dir_all(&dir).map_err(io_err("creating a blob folder"))?;
        sync_dir(&self.root)?;
        fs::rename(&self.tmp_path, &target).map_err(io_err("renaming a blob"))?;
        sync_dir(&dir)?;
        Ok(Stored { sha256, size })
    }
}

impl Drop for BlobWriter {
    fn drop(&mut self) {
        // After `finish` the temporary file was renamed and this finds nothing;
        // before, the write was abandoned and its leftover goes.
        let _ = fs::remove_file(&self.tmp_path);
    }
}
