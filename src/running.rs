//! The data folder says who holds it: a running `serve` records its listening addresses
//! in `data/server.json` and a hand-over key in `data/handover.key` (readable by the
//! folder's owner only). `ingest` and `backup` run against a held folder reach *that*
//! server through them, never whatever listens on a default port. `data/metrics.token`,
//! kept across restarts, is the bearer token a metrics scraper reads `/metrics` with.

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Where a running server listens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerRecord {
    /// Its process id.
    pub pid: u32,
    /// The web view.
    pub http: SocketAddr,
    /// The SMTP listener.
    pub smtp: SocketAddr,
    /// The LMTP listener, if any.
    #[serde(default)]
    pub lmtp: Option<SocketAddr>,
}

fn record_path(data: &Path) -> PathBuf {
    data.join("server.json")
}

fn key_path(data: &Path) -> PathBuf {
    data.join("handover.key")
}

fn metrics_path(data: &Path) -> PathBuf {
    data.join("metrics.token")
}

/// Writes a file only its owner may read, replacing any older one atomically.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let _ = fs::remove_file(&tmp);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| Error::from_io("writing the server record", e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::from_io("writing the server record", e))?;
    fs::rename(&tmp, path).map_err(|e| Error::from_io("writing the server record", e))
}

/// The hand-over key of the server that holds `data`, made when it starts.
#[derive(Clone)]
pub struct HandoverKey(String);

impl HandoverKey {
    /// A fresh key (256 random bits), written to the data folder.
    pub fn create(data: &Path) -> Result<HandoverKey> {
        let key = fresh();
        write_private(&key_path(data), key.0.as_bytes())?;
        Ok(key)
    }

    /// The metrics token of `data`, made the first time.
    pub fn metrics(data: &Path) -> Result<HandoverKey> {
        if let Some(token) = read_secret(&metrics_path(data)) {
            return Ok(token);
        }
        let token = fresh();
        write_private(&metrics_path(data), token.0.as_bytes())?;
        Ok(token)
    }

    /// The key of the server holding `data`, if one runs.
    pub fn read(data: &Path) -> Option<HandoverKey> {
        read_secret(&key_path(data))
    }

    /// The secret, for the client side.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// Whether `offered` is the key; compared through digests, so the time taken says
    /// nothing about the key.
    pub fn matches(&self, offered: &str) -> bool {
        Sha256::digest(self.0.as_bytes()) == Sha256::digest(offered.as_bytes())
    }
}

/// 244 random bits (two version-4 UUIDs), as hex.
fn fresh() -> HandoverKey {
    HandoverKey(format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    ))
}

fn read_secret(path: &Path) -> Option<HandoverKey> {
    let text = fs::read_to_string(path).ok()?;
    let key = text.trim();
    (!key.is_empty()).then(|| HandoverKey(key.to_string()))
}

impl ServerRecord {
    /// Records the running server in `data`.
    pub fn write(&self, data: &Path) -> Result<()> {
        write_private(&record_path(data), &serde_json::to_vec_pretty(self)?)
    }

    /// The server holding `data`, if its record is there.
    pub fn read(data: &Path) -> Option<ServerRecord> {
        let bytes = fs::read(record_path(data)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Removes the record and the key once the server stops.
    pub fn remove(data: &Path) {
        let _ = fs::remove_file(record_path(data));
        let _ = fs::remove_file(key_path(data));
    }
}
