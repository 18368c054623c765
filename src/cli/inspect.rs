//! `dossier inspect FILE|-`: prints as JSON what the pipeline would decide about one
//! message, storing nothing.

use std::io::Read;
use std::path::PathBuf;

use super::{Failure, exit};
use crate::domain::Lang;
use crate::mail::analysis::{Context, analyze};
use crate::mail::auth::results;

/// Flags of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The message file, or `-` for standard input.
    file: PathBuf,
    /// The envelope sender it came with; `<>` for the null sender.
    #[arg(long)]
    sender: Option<String>,
}

/// Reads the message and prints the analysis; with `trusted` authserv-ids (the global
/// `--trusted-authserv-id`), also the sender check their header gives, as `sender_check`.
pub fn run(args: InspectArgs, trusted: &[String]) -> Result<(), Failure> {
    let mut raw = Vec::new();
    let read = if args.file.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut raw)
    } else {
        std::fs::File::open(&args.file).and_then(|mut f| f.read_to_end(&mut raw))
    };
    read.map_err(|e| Failure {
        code: exit::NO_INPUT,
        message: format!("cannot read {}: {e}", args.file.display()),
    })?;
    let context = Context {
        null_sender: matches!(args.sender.as_deref(), Some("<>" | "")),
        ..Context::default()
    };
    let mut printed = serde_json::to_value(analyze(&raw, &context)).map_err(|e| Failure {
        code: exit::SOFTWARE,
        message: format!("cannot print the analysis: {e}"),
    })?;
    let check = results::trusted(&results::header_values(&raw), trusted);
    if let (Some(check), Some(object)) = (check, printed.as_object_mut()) {
        object.insert(
            "sender_check".into(),
            serde_json::json!({ "verdict": check.words(Lang::En), "detail": check }),
        );
    }
    let json = serde_json::to_string_pretty(&printed).map_err(|e| Failure {
        code: exit::SOFTWARE,
        message: format!("cannot print the analysis: {e}"),
    })?;
    println!("{json}");
    Ok(())
}
