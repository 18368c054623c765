//! `dossier backup --out FILE` (while `serve` runs or not) and `dossier restore FILE
//! --data DIR`. A running server is asked for the archive over its loopback web address;
//! otherwise the data folder is read directly.

use std::io::Write;
use std::path::PathBuf;

use super::{Failure, exit};
use crate::app::App;
use crate::config::Config;
use crate::error::Error;
use crate::running::{HandoverKey, ServerRecord};
use crate::store::Store;

/// Flags of `backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Where to write the archive.
    #[arg(long)]
    out: PathBuf,
}

/// Flags of `restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The archive.
    file: PathBuf,
}

fn fail(code: u8, message: impl Into<String>) -> Failure {
    Failure {
        code,
        message: message.into(),
    }
}

/// Makes the archive.
pub fn backup(config: Config, args: BackupArgs) -> Result<(), Failure> {
    let data = config.data.clone();
    match App::open(config) {
        Ok(app) => {
            let size = app.store().backup(&args.out)?;
            println!("backup written to {} ({size} bytes)", args.out.display());
            Ok(())
        }
        Err(Error::Locked(_)) => from_server(&data, &args.out),
        Err(err) => Err(err.into()),
    }
}

/// Asks the server holding the folder (found through its record there) for the
/// archive, proven with its hand-over key.
fn from_server(data: &std::path::Path, out: &std::path::Path) -> Result<(), Failure> {
    let (Some(record), Some(key)) = (ServerRecord::read(data), HandoverKey::read(data)) else {
        return Err(fail(
            exit::TEMPFAIL,
            "the data folder is in use, but no server recorded itself in it: try again later",
        ));
    };
    let url = format!("http://{}/admin/backup", record.http);
    let response = ureq::get(&url)
        .set("Authorization", &format!("Bearer {}", key.secret()))
        .call()
        .map_err(|e| {
            fail(
                exit::TEMPFAIL,
                format!("the data folder is in use and {url} did not answer: {e}"),
            )
        })?;
    let tmp = out.with_extension("partial");
    let mut file = std::fs::File::create(&tmp).map_err(|e| {
        fail(
            exit::CANT_CREATE,
            format!("cannot write {}: {e}", tmp.display()),
        )
    })?;
    std::io::copy(&mut response.into_reader(), &mut file)
        .map_err(|e| fail(exit::TEMPFAIL, format!("the backup stopped: {e}")))?;
    file.flush().and_then(|_| file.sync_all()).map_err(|e| {
        fail(
            exit::TEMPFAIL,
            format!("cannot write {}: {e}", tmp.display()),
        )
    })?;
    std::fs::rename(&tmp, out).map_err(|e| {
        fail(
            exit::CANT_CREATE,
            format!("cannot write {}: {e}", out.display()),
        )
    })?;
    println!("backup written to {} by the running server", out.display());
    Ok(())
}

/// Rebuilds a data folder from an archive, then checks it.
pub fn restore(config: Config, args: RestoreArgs) -> Result<(), Failure> {
    let store = Store::restore(&args.file, &config.data)?;
    let report = store.check()?;
    for problem in &report.problems {
        println!("{}", problem.0);
    }
    if !report.problems.is_empty() {
        return Err(fail(
            exit::DATA,
            format!(
                "restored into {}, but {} stored contents are missing or corrupted",
                config.data.display(),
                report.problems.len()
            ),
        ));
    }
    println!(
        "restored into {}: {} dossiers, {} stored contents checked",
        config.data.display(),
        store.dossier_count(),
        report.checked
    );
    Ok(())
}
