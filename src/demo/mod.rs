//! `serve --demo`: fills an empty data folder with a believable French business, through
//! the same services as every door, and describes its logins in `<data>/demo.json`.
//! On a folder that already has people it changes nothing.

mod business;
mod facade;
mod kitchen;
mod wiring;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::{Error, Result};

/// One login of the demo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoUser {
    /// Address to sign in with.
    pub email: String,
    /// Password.
    pub password: String,
    /// Display name.
    pub name: String,
    /// `staff`, `client` or `intervenant`.
    pub kind: String,
    /// The client they act for, if any.
    pub client: Option<String>,
}

/// One dossier of the demo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoDossier {
    /// `2026-0001`.
    pub number: String,
    /// Title.
    pub title: String,
    /// `open` or `closed`.
    pub status: String,
    /// Client name.
    pub client: String,
    /// Its mail address.
    pub address: String,
}

/// What `demo.json` holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DemoSummary {
    /// Logins.
    pub users: Vec<DemoUser>,
    /// Dossiers.
    pub dossiers: Vec<DemoDossier>,
    /// Whether this run made the data (false: the folder was already in use).
    #[serde(skip)]
    pub fresh: bool,
}

/// Fills the store if it has nobody yet; otherwise reads back `demo.json` if any.
pub fn fill_if_empty(app: &App) -> Result<DemoSummary> {
    let path = app.config.data.join("demo.json");
    if !app.store().users()?.is_empty() {
        let summary = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        return Ok(summary);
    }
    let mut summary = business::build(app)?;
    summary.fresh = true;
    app.store().flush()?;
    let json = serde_json::to_vec_pretty(&summary)?;
    std::fs::write(&path, json).map_err(|e| Error::from_io("writing demo.json", e))?;
    Ok(summary)
}

impl DemoSummary {
    /// The text printed after the `listening` line.
    pub fn describe(&self, data: &Path) -> String {
        let mut out = String::new();
        if self.users.is_empty() {
            return format!(
                "demo: the data folder {} is already in use; nothing added\n",
                data.display()
            );
        }
        let verb = if self.fresh {
            "filled"
        } else {
            "already holds"
        };
        out.push_str(&format!(
            "demo: {} {verb} a demo business\n",
            data.display()
        ));
        for user in &self.users {
            out.push_str(&format!(
                "  login {:<44} password {:<22} {} ({})\n",
                user.email, user.password, user.name, user.kind
            ));
        }
        for dossier in &self.dossiers {
            out.push_str(&format!(
                "  dossier {} [{}] {} — {}\n",
                dossier.number, dossier.status, dossier.title, dossier.address
            ));
        }
        out.push_str(&format!(
            "  (the same as JSON in {})\n",
            data.join("demo.json").display()
        ));
        out
    }
}
