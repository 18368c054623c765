//! Backup and restore in a plain, documented format: a tar archive holding
//!
//! - `FORMAT.txt` — this description;
//! - `store.jsonl` — one line per key of every tree, `{"tree": NAME, "key": HEX, "value":
//!   JSON or null}` (values are the stored JSON; index entries carry no value);
//! - `blobs/ab/cdef…` — file contents, named by their SHA-256;
//! - `mail/spool/…` — accepted messages not processed yet.
//!
//! The trees are copied while writes wait (one consistent moment); blobs never change
//! once written and exist before anything names them, so copying them afterwards keeps
//! the archive consistent. Restoring writes a new data folder and never touches an
//! existing one.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use super::{Store, Tree};
use crate::error::{Error, Refusal, Result};

const FORMAT: &str = "Dossier backup, format 1.\n\
store.jsonl: one JSON object per line: {\"tree\": name, \"key\": hex bytes, \"value\": stored JSON or null}.\n\
blobs/: file contents named by SHA-256 (blobs/ab/cdef...).\n\
mail/spool/: accepted messages not processed yet (a JSON envelope line, then the raw message).\n\
Restore with: dossier restore FILE --data NEW_FOLDER\n";

fn io(context: &'static str) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::from_io(context, e)
}

impl Store {
    /// Writes every key of every tree as JSON lines to `out`, while writes wait.
    fn dump(&self, out: &mut impl Write) -> Result<()> {
        let _alone = self.inner.gate.write().unwrap_or_else(|p| p.into_inner());
        // The search queue is not data: a restored folder builds its index anew.
        for tree in Tree::ALL.into_iter().filter(|t| *t != Tree::SearchQueue) {
            for entry in self.tree(tree).iter() {
                let (key, value) = entry?;
                let value: serde_json::Value = if value.is_empty() {
                    serde_json::Value::Null
                } else {
                    serde_json::from_slice(&value)?
                };
                let line = serde_json::json!({ "tree": tree.name(), "key": hex::encode(&key), "value": value });
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n").map_err(io("writing the backup"))?;
            }
        }
        Ok(())
    }

    /// Writes a backup archive of the whole data folder to `out`. The store's lines go
    /// through a file beside it, so a large store is never held in memory.
    pub fn backup(&self, out: &Path) -> Result<u64> {
        let tmp = out.with_extension("partial");
        let lines_path = out.with_extension("jsonl.partial");
        let made = self.write_archive(&tmp, &lines_path);
        let _ = fs::remove_file(&lines_path);
        if made.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        let size = made?;
        fs::rename(&tmp, out).map_err(io("finishing the backup"))?;
        Ok(size)
    }

    fn write_archive(&self, tmp: &Path, lines_path: &Path) -> Result<u64> {
        let mut lines =
            BufWriter::new(File::create(lines_path).map_err(io("creating the backup"))?);
        self.dump(&mut lines)?;
        lines.flush().map_err(io("writing the backup"))?;
        drop(lines);
        let file = File::create(tmp).map_err(io("creating the backup"))?;
        let mut archive = tar::Builder::new(file);
        append(&mut archive, "FORMAT.txt", FORMAT.as_bytes())?;
        archive
            .append_path_with_name(lines_path, "store.jsonl")
            .map_err(io("writing the backup"))?;
        for folder in ["blobs", "mail/spool"] {
            let path = self.root().join(folder);
            if path.is_dir() {
                archive
                    .append_dir_all(folder, &path)
                    .map_err(io("archiving files"))?;
            }
        }
        let file = archive.into_inner().map_err(io("finishing the backup"))?;
        file.sync_all().map_err(io("fsync of the backup"))?;
        Ok(file.metadata().map_err(io("finishing the backup"))?.len())
    }

    /// Rebuilds a data folder at `data` (which must not hold a store) from an archive.
    /// On failure nothing half-restored is left: the folder is as it was.
    pub fn restore(archive: &Path, data: &Path) -> Result<Store> {
        if data.join("store").exists() {
            return Err(Error::Invalid(Refusal::plain(format!(
                "{} already holds a store; restore into a new folder",
                data.display()
            ))));
        }
        let existed = data.exists();
        fs::create_dir_all(data).map_err(io("creating the data folder"))?;
        let restored = Store::restore_into(archive, data);
        if restored.is_err() {
            if existed {
                let _ = fs::remove_dir_all(data.join("store"));
            } else {
                let _ = fs::remove_dir_all(data);
            }
        }
        restored
    }

    fn restore_into(archive: &Path, data: &Path) -> Result<Store> {
        let open = || {
            File::open(archive).map_err(|e| {
                Error::Invalid(Refusal::plain(format!(
                    "cannot read the backup {}: {e}",
                    archive.display()
                )))
            })
        };
        // Every entry is checked before anything is written: a refused archive leaves
        // nothing, even in a folder that existed.
        for entry in tar::Archive::new(open()?)
            .entries()
            .map_err(io("reading the backup"))?
        {
            let entry = entry.map_err(io("reading the backup"))?;
            let path = entry.path().map_err(io("reading the backup"))?.into_owned();
            expected(&path, entry.header().entry_type())?;
        }
        let mut tar = tar::Archive::new(open()?);
        let store = Store::open(data)?;
        let mut found = false;
        for entry in tar.entries().map_err(io("reading the backup"))? {
            let mut entry = entry.map_err(io("reading the backup"))?;
            let path = entry.path().map_err(io("reading the backup"))?.into_owned();
            expected(&path, entry.header().entry_type())?;
            if path == Path::new("store.jsonl") {
                found = true;
                store.load_lines(BufReader::new(entry))?;
            } else if path.starts_with("blobs") || path.starts_with("mail/spool") {
                // `unpack_in` refuses paths that would leave the folder.
                entry.unpack_in(data).map_err(io("restoring files"))?;
            }
        }
        if !found {
            return Err(Error::Invalid(Refusal::plain(
                "the backup has no store.jsonl",
            )));
        }
        // The archive holds no search index: every dossier is read into a new one.
        store.queue_all_for_search()?;
        store.flush()?;
        Ok(store)
    }

    /// Loads `store.jsonl` lines into this (new) store.
    fn load_lines(&self, lines: impl BufRead) -> Result<()> {
        for (number, line) in lines.lines().enumerate() {
            let line = line.map_err(io("reading the backup"))?;
            let bad = || {
                Error::Invalid(Refusal::plain(format!(
                    "store.jsonl line {} is not valid",
                    number + 1
                )))
            };
            let row: serde_json::Value = serde_json::from_str(&line).map_err(|_| bad())?;
            let tree = Tree::ALL
                .iter()
                .find(|t| Some(t.name()) == row["tree"].as_str())
                .ok_or_else(bad)?;
            let key = hex::decode(row["key"].as_str().ok_or_else(bad)?).map_err(|_| bad())?;
            let value = match &row["value"] {
                serde_json::Value::Null => Vec::new(),
                value => serde_json::to_vec(value)?,
            };
            self.tree(*tree).insert(key, value)?;
        }
        Ok(())
    }
}

/// Refuses an entry a backup never holds: anything but a regular file or a folder, a
/// path that is not plain names, or a place outside `FORMAT.txt`, `store.jsonl`,
/// `blobs/` and `mail/spool/`. A link or a device would make the restored folder write
/// or read outside itself.
fn expected(path: &Path, kind: tar::EntryType) -> Result<()> {
    use std::path::Component;
    let refuse = |why: &str| {
        Err(Error::Invalid(Refusal::plain(format!(
            "the backup's entry «{}» is refused: {why}",
            path.display()
        ))))
    };
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain {
        return refuse("its path is not made of plain names");
    }
    let folder = match kind {
        tar::EntryType::Regular | tar::EntryType::Continuous => false,
        tar::EntryType::Directory => true,
        tar::EntryType::Symlink | tar::EntryType::Link => return refuse("it is a link"),
        other => return refuse(&format!("it is not a file or a folder ({other:?})")),
    };
    let top = path == Path::new("FORMAT.txt") || path == Path::new("store.jsonl");
    let stored = path.starts_with("blobs") || path.starts_with("mail/spool");
    let parent = folder && path == Path::new("mail");
    if (top && !folder) || stored || parent {
        Ok(())
    } else {
        refuse("a backup holds nothing there")
    }
}

fn append(archive: &mut tar::Builder<File>, name: &str, bytes: &[u8]) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(chrono::Utc::now().timestamp().max(0) as u64);
    header.set_cksum();
    archive
        .append_data(&mut header, name, bytes)
        .map_err(io("writing the backup"))?;
    Ok(())
}
