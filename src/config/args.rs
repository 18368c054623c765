//! Every setting of the server, defined once: its flag, its `DOSSIER_*` variable and
//! its key in the TOML file share one name and one doc line (what `--help` shows and
//! the README's table is tested against).

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Every setting, defined once: clap reads it from a flag or its `DOSSIER_*` variable,
/// serde from the TOML file under the same kebab-case name; [`Config::load`] lays the
/// flags over the file, then validates and fills in the defaults.
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigArgs {
    /// A TOML file with any of the settings below (flags and environment win over it).
    #[arg(long, global = true, env = "DOSSIER_CONFIG", value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// The data folder (store, files, kept mail).
    #[arg(long, global = true, env = "DOSSIER_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Address of the web view.
    #[arg(long, global = true, env = "DOSSIER_HTTP", value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// The mail domain of dossier addresses.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_MAIL_DOMAIN",
        value_name = "DOMAIN"
    )]
    pub mail_domain: Option<String>,
    /// The public address of the web view, used in e-mails.
    #[arg(long, global = true, env = "DOSSIER_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// A reverse proxy in front of the web view (repeat, or separate with commas): the
    /// client address it writes in X-Forwarded-For or Forwarded is believed.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_TRUSTED_PROXY",
        value_name = "IP",
        value_delimiter = ','
    )]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// The business's name, shown in pages and e-mails.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_BUSINESS_NAME",
        value_name = "NAME"
    )]
    pub business_name: Option<String>,
    /// The business's own e-mail address, given to senders whose mail is refused (a
    /// closed dossier) so that they can still reach it.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_BUSINESS_EMAIL",
        value_name = "ADDRESS"
    )]
    pub business_email: Option<String>,
    /// The business's time zone (IANA name).
    #[arg(long, global = true, env = "DOSSIER_TIMEZONE", value_name = "ZONE")]
    pub timezone: Option<String>,
    /// Address of the SMTP listener (`ingest` hands mail to it when `serve` runs).
    #[arg(long, global = true, env = "DOSSIER_SMTP", value_name = "ADDR")]
    pub smtp: Option<SocketAddr>,
    /// Address of an LMTP listener, for MTAs that deliver locally that way (off by default).
    #[arg(long, global = true, env = "DOSSIER_LMTP", value_name = "ADDR")]
    pub lmtp: Option<SocketAddr>,
    /// Largest accepted message, in bytes.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_MAX_MESSAGE_BYTES",
        value_name = "BYTES"
    )]
    pub max_message_bytes: Option<u64>,
    /// Seconds an SMTP client may stay silent before we close the connection.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_SMTP_IDLE_TIMEOUT",
        value_name = "SECONDS"
    )]
    pub smtp_idle_timeout: Option<u64>,
    /// SMTP connections at once, in total.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_SMTP_MAX_CONNECTIONS",
        value_name = "N"
    )]
    pub smtp_max_connections: Option<usize>,
    /// SMTP connections at once from one peer address.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_SMTP_MAX_PER_PEER",
        value_name = "N"
    )]
    pub smtp_max_per_peer: Option<usize>,
    /// An authserv-id whose Authentication-Results headers are believed on mail from an
    /// MTA, LMTP, `ingest` or IMAP (repeat, or separate with commas): your Postfix milter's
    /// name, or your provider's (`mx.google.com`). Only the topmost such header counts.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_TRUSTED_AUTHSERV_ID",
        value_name = "ID",
        value_delimiter = ','
    )]
    pub trusted_authserv_id: Vec<String>,
    /// A peer of the SMTP listener that is your own MTA relaying mail (repeat, or
    /// separate with commas): its mail is judged by its Authentication-Results, not SPF.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_TRUSTED_RELAY",
        value_name = "IP",
        value_delimiter = ','
    )]
    pub trusted_relay: Vec<std::net::IpAddr>,
    /// An ARC sealer whose word is taken on forwarded mail whose DMARC broke (repeat).
    #[arg(
        long,
        global = true,
        env = "DOSSIER_TRUSTED_ARC_SEALER",
        value_name = "DOMAIN",
        value_delimiter = ','
    )]
    pub trusted_arc_sealer: Vec<String>,
    /// The DNS server for the sender checks (`127.0.0.1:53`); the system's by default.
    #[arg(long, global = true, env = "DOSSIER_DNS", value_name = "ADDR")]
    pub dns: Option<SocketAddr>,
    /// UNSAFE: post mail whose From is not authenticated, as before the checks existed.
    /// Anyone who knows a client's address can then write in their name.
    #[arg(long, global = true, env = "DOSSIER_UNSAFE_TRUST_FROM")]
    pub unsafe_trust_from: bool,
    /// Seconds during which one author's additions to one dossier are grouped into one e-mail.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_NOTIFY_WINDOW",
        value_name = "SECONDS"
    )]
    pub notify_window: Option<u64>,
    /// Send notifications through this SMTP relay (`smtp://user:pass@host:587`, `smtps://host:465`).
    #[arg(long, global = true, env = "DOSSIER_RELAY", value_name = "URL")]
    pub relay: Option<String>,
    /// A PEM file of certificate authorities trusted for the relay's TLS, besides the usual ones.
    #[arg(long, global = true, env = "DOSSIER_RELAY_CA", value_name = "FILE")]
    pub relay_ca: Option<PathBuf>,
    /// DKIM-sign every e-mail with this key (PEM, as `dossier admin dkim-generate` writes it).
    #[arg(long, global = true, env = "DOSSIER_DKIM_KEY", value_name = "FILE")]
    pub dkim_key: Option<PathBuf>,
    /// The DKIM selector the key is published under (`SELECTOR._domainkey.MAIL-DOMAIN`).
    #[arg(
        long,
        global = true,
        env = "DOSSIER_DKIM_SELECTOR",
        value_name = "SELECTOR"
    )]
    pub dkim_selector: Option<String>,
    /// Send notifications with this sendmail program instead.
    #[arg(long, global = true, env = "DOSSIER_SENDMAIL", value_name = "PATH")]
    pub sendmail: Option<String>,
    /// First retry delay of a notification, in seconds (it doubles up to --retry-max).
    #[arg(
        long,
        global = true,
        env = "DOSSIER_RETRY_FIRST",
        value_name = "SECONDS"
    )]
    pub retry_first: Option<u64>,
    /// Longest retry delay, in seconds.
    #[arg(long, global = true, env = "DOSSIER_RETRY_MAX", value_name = "SECONDS")]
    pub retry_max: Option<u64>,
    /// Seconds after which an undeliverable notification is given up (dead).
    #[arg(long, global = true, env = "DOSSIER_GIVE_UP", value_name = "SECONDS")]
    pub give_up: Option<u64>,
    /// Messages one sender may post to one dossier in an hour; the rest is held.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_MAIL_RATE_PER_HOUR",
        value_name = "N"
    )]
    pub mail_rate_per_hour: Option<usize>,
    /// PEM certificate chain for STARTTLS (with --tls-key).
    #[arg(long, global = true, env = "DOSSIER_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for STARTTLS.
    #[arg(long, global = true, env = "DOSSIER_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Write our addresses behind this shared mailbox: `LOCAL+2026-0042-…@mail-domain`
    /// (for a mailbox with plus-addressing read by `--imap`).
    #[arg(
        long,
        global = true,
        env = "DOSSIER_PLUS_MAILBOX",
        value_name = "LOCAL"
    )]
    pub plus_mailbox: Option<String>,
    /// Read dossier mail from this mailbox: `imaps://USER@HOST[:PORT]/FOLDER` (or
    /// `imap://` for a server on this machine). The password comes from
    /// `--imap-password-file` or the `DOSSIER_IMAP_PASSWORD` variable.
    #[arg(long, global = true, env = "DOSSIER_IMAP", value_name = "URL")]
    pub imap: Option<String>,
    /// A file holding the IMAP password (its first line).
    #[arg(
        long,
        global = true,
        env = "DOSSIER_IMAP_PASSWORD_FILE",
        value_name = "FILE"
    )]
    pub imap_password_file: Option<PathBuf>,
    /// The folder a message is moved to once it is stored here (default `Dossier`).
    #[arg(
        long,
        global = true,
        env = "DOSSIER_IMAP_MOVE_TO",
        value_name = "FOLDER"
    )]
    pub imap_move_to: Option<String>,
    /// Keep messages in the mailbox, marked seen and `$Dossier`, instead of moving them.
    #[arg(long, global = true, env = "DOSSIER_IMAP_KEEP")]
    pub imap_keep: bool,
    /// Seconds between two looks at the mailbox when the server has no IDLE.
    #[arg(long, global = true, env = "DOSSIER_IMAP_POLL", value_name = "SECONDS")]
    pub imap_poll: Option<u64>,
    /// A PEM file of certificate authorities trusted for `imaps://`, besides the usual ones.
    #[arg(long, global = true, env = "DOSSIER_IMAP_CA", value_name = "FILE")]
    pub imap_ca: Option<PathBuf>,
    /// The business profile documents start from (`[business]` in the file only, see
    /// [`crate::domain::BusinessProfile`]); the settings page's saved one wins.
    #[arg(skip)]
    pub business: Option<crate::domain::BusinessProfile>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags' long names, each with its variable.
    fn flags() -> Vec<(String, String)> {
        use clap::Args;
        let command = ConfigArgs::augment_args(clap::Command::new("dossier"));
        command
            .get_arguments()
            .filter_map(|arg| {
                let env = arg.get_env()?.to_string_lossy().into_owned();
                Some((arg.get_long()?.to_string(), env))
            })
            .collect()
    }

    #[test]
    fn the_file_takes_every_flag_under_its_own_name() {
        let keys = match serde_json::to_value(ConfigArgs::default()).unwrap() {
            serde_json::Value::Object(keys) => keys.into_iter().map(|(k, _)| k).collect(),
            _ => Vec::new(),
        };
        let mut keys: Vec<String> = keys.into_iter().filter(|k| k != "business").collect();
        let mut names: Vec<String> = flags()
            .into_iter()
            .map(|(long, _)| long)
            .filter(|long| long != "config")
            .collect();
        keys.sort();
        names.sort();
        assert_eq!(keys, names);
    }

    #[test]
    fn the_readme_table_lists_every_flag_with_its_variable_and_nothing_else() {
        let readme = include_str!("../../README.md");
        let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `--")).collect();
        let mut listed: Vec<String> = rows
            .iter()
            .flat_map(|row| {
                let first = row.split('|').nth(1).unwrap_or_default();
                first
                    .split('`')
                    .filter_map(|part| part.strip_prefix("--"))
                    .map(|flag| flag.split(' ').next().unwrap_or_default().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut defined = flags();
        for (long, env) in &defined {
            let row = rows.iter().find(|row| {
                let first = row.split('|').nth(1).unwrap_or_default();
                first.contains(&format!("`--{long} ")) || first.contains(&format!("`--{long}`"))
            });
            let row = row.unwrap_or_else(|| panic!("--{long} is not in the README's table"));
            assert!(
                row.contains(&format!("`{env}`")),
                "--{long}: {env} is not in its row"
            );
        }
        listed.sort();
        defined.sort();
        let defined: Vec<String> = defined.into_iter().map(|(long, _)| long).collect();
        assert_eq!(listed, defined, "the README's flags are the flags");
    }
}
