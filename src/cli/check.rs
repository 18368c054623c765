//! `dossier check`: verifies the store against the files on disk and says precisely what
//! is wrong, if anything (exit 65 then). Needs the data folder free (stop `serve`).

use super::{Failure, exit};
use crate::app::App;
use crate::config::Config;

/// Runs the check.
pub fn run(config: Config) -> Result<(), Failure> {
    let app = App::open(config)?;
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
