//! `dossier inspect FILE|-`: prints as JSON what the pipeline would decide about one
//! message, storing nothing.

use std::io::Read;
use std::path::PathBuf;

use super::{Failure, exit};
use crate::mail::analysis::{Context, analyze};

/// Flags of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The message file, or `-` for standard input.
    file: PathBuf,
    /// The envelope sender it came with; `<>` for the null sender.
    #[arg(long)]
    sender: Option<String>,
    /// The authserv-id whose Authentication-Results are trusted.
    #[arg(long, env = "DOSSIER_TRUSTED_AUTHSERV_ID")]
    trusted_authserv_id: Option<String>,
}

/// Reads the message and prints the analysis.
pub fn run(args: InspectArgs) -> Result<(), Failure> {
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
        trusted_authserv: args.trusted_authserv_id,
        ..Context::default()
    };
    let analysis = analyze(&raw, &context);
    let json = serde_json::to_string_pretty(&analysis).map_err(|e| Failure {
        code: exit::SOFTWARE,
        message: format!("cannot print the analysis: {e}"),
    })?;
    println!("{json}");
    Ok(())
}
