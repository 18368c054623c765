//! `dossier check`: verifies the store against the files on disk and says precisely what
//! is wrong, if anything (exit 65 then); with `--gc`, first removes the stored contents
//! that nothing names; with `--reindex`, first builds the search index again from the
//! store. Needs the data folder free (stop `serve`).

use super::{Failure, exit};
use crate::app::App;
use crate::config::Config;

/// Flags of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Also remove the stored contents (files, e-mails) that no record names.
    #[arg(long)]
    gc: bool,
    /// Also build the search index again from the store.
    #[arg(long)]
    reindex: bool,
}

/// Runs the check.
pub fn run(config: Config, args: CheckArgs) -> Result<(), Failure> {
    let app = App::open(config)?;
    if args.gc {
        // The folder is ours alone: nothing is being written, so no age is needed.
        let collected = app.store().collect_garbage(std::time::Duration::ZERO)?;
        println!(
            "removed {} stored contents that nothing names ({} bytes)",
            collected.blobs, collected.bytes
        );
    }
    if args.reindex {
        let read = app.services.reindex_all()?;
        println!("search index rebuilt: {read} dossiers read");
    }
    let report = app.store().check()?;
    for problem in &report.problems {
        println!("{}", problem.0);
    }
    if report.problems.is_empty() {
        println!(
            "ok: {} stored contents checked, none missing or corrupted",
            report.checked
        );
        Ok(())
    } else {
        Err(Failure {
            code: exit::DATA,
            message: format!(
                "{} of {} stored contents are missing or corrupted",
                report.problems.len(),
                report.checked
            ),
        })
    }
}
