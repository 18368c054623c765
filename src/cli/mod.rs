//! The command line: `serve` and `admin …`, one small function per command. Every
//! failure becomes a [`Failure`]: one line for the person and a sysexits code.

mod admin;
mod backup;
mod check;
mod ingest;
mod inspect;
mod serve;

use clap::{Parser, Subcommand};

use crate::config::{Config, ConfigArgs, ConfigError};
use crate::error::Error;

/// `dossier`: the self-hosted server for a small business's dossiers.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about)]
pub struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web view, the mail listeners, the mail worker and the notification worker.
    Serve(serve::ServeArgs),
    /// Manage staff, people and clients from the command line.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Verify the store against the files on disk (stop `serve` first).
    Check(check::CheckArgs),
    /// Write a consistent archive of the data folder, even while `serve` runs.
    Backup(backup::BackupArgs),
    /// Rebuild a data folder (given with --data, new) from an archive.
    Restore(backup::RestoreArgs),
    /// Deliver one message read on standard input (for an MTA's pipe transport).
    Ingest(ingest::IngestArgs),
    /// Print as JSON what the mail pipeline would decide about one message.
    Inspect(inspect::InspectArgs),
}

/// sysexits codes used by the commands.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// Bad input data (EX_DATAERR).
    pub const DATA: u8 = 65;
    /// An input file cannot be read (EX_NOINPUT).
    pub const NO_INPUT: u8 = 66;
    /// Unknown or refused address (EX_NOUSER).
    pub const NO_USER: u8 = 67;
    /// A service the command needs is missing (EX_UNAVAILABLE).
    pub const UNAVAILABLE: u8 = 69;
    /// Internal error (EX_SOFTWARE).
    pub const SOFTWARE: u8 = 70;
    /// An output file cannot be created (EX_CANTCREAT).
    pub const CANT_CREATE: u8 = 73;
    /// Temporary failure: try again later (EX_TEMPFAIL).
    pub const TEMPFAIL: u8 = 75;
    /// Bad configuration (EX_CONFIG).
    pub const CONFIG: u8 = 78;
}

/// Why a command failed: the line to print and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// sysexits code.
    pub code: u8,
    /// One line for the person.
    pub message: String,
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        let code = match &err {
            e if e.is_user_error() => exit::DATA,
            Error::Locked(_) | Error::DiskFull | Error::Storage(_) => exit::TEMPFAIL,
            _ => exit::SOFTWARE,
        };
        let message = match err {
            Error::NotFound => {
                "what you named does not exist: check the address, number or name".to_string()
            }
            other => other.to_string(),
        };
        Failure { code, message }
    }
}

impl From<ConfigError> for Failure {
    fn from(err: ConfigError) -> Self {
        Failure {
            code: exit::CONFIG,
            message: err.to_string(),
        }
    }
}

impl Cli {
    /// Runs the chosen command.
    pub fn run(self) -> Result<(), Failure> {
        if let Command::Inspect(args) = self.command {
            return inspect::run(args, &self.config.trusted_authserv_id);
        }
        let config = Config::load(&self.config)?;
        match self.command {
            Command::Serve(args) => serve::run(config, args),
            Command::Admin(command) => admin::run(config, command),
            Command::Ingest(args) => ingest::run(config, args),
            Command::Check(args) => check::run(config, args),
            Command::Backup(args) => backup::backup(config, args),
            Command::Restore(args) => backup::restore(config, args),
            Command::Inspect(_) => unreachable!("handled above"),
        }
    }
}
