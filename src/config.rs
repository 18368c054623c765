//! One plain configuration struct, built once: defaults, then an optional TOML file,
//! then `DOSSIER_*` environment variables, then command-line flags; validated here so
//! that nothing else parses configuration text.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

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

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Data folder.
    pub data: PathBuf,
    /// Web view address.
    pub http: SocketAddr,
    /// The web listener's bounds.
    pub web: WebLimits,
    /// Reverse proxies whose client-address headers are believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Mail domain, lower case.
    pub mail_domain: String,
    /// Public web address, without a trailing slash.
    pub base_url: String,
    /// Whether the base URL was configured; otherwise it is the bound web address (see
    /// [`Config::serve_on`]).
    pub base_url_given: bool,
    /// The business's name.
    pub business_name: String,
    /// The business's own address, if configured.
    pub business_email: Option<crate::domain::EmailAddress>,
    /// The business's time zone.
    pub timezone: chrono_tz::Tz,
    /// The inbound mail settings.
    pub mail: MailConfig,
    /// The notification settings.
    pub notify: NotifyConfig,
    /// Our addresses are written `LOCAL+…@mail-domain` when set.
    pub plus_mailbox: Option<String>,
    /// The IMAP intake, if configured.
    pub imap: Option<ImapConfig>,
    /// The business profile of the configuration file.
    pub business: crate::domain::BusinessProfile,
}

/// Where dossier mail is read when no MX points at us: one IMAP mailbox of the business.
#[derive(Clone)]
pub struct ImapConfig {
    /// TLS from the first byte (`imaps://`); plain otherwise.
    pub tls: bool,
    /// Server name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Login.
    pub user: String,
    /// Password (never printed).
    pub password: String,
    /// The folder read.
    pub folder: String,
    /// What becomes of a message once it is durable here.
    pub after: ImapAfter,
    /// Time between two looks when the server has no IDLE.
    pub poll: Duration,
    /// Extra trusted certificate authorities (PEM).
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for ImapConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.describe())
    }
}

impl ImapConfig {
    /// The mailbox as a URL without the password, for logs and keys.
    pub fn describe(&self) -> String {
        let scheme = if self.tls { "imaps" } else { "imap" };
        format!(
            "{scheme}://{}@{}:{}/{}",
            self.user, self.host, self.port, self.folder
        )
    }
}

/// What the IMAP intake does with a message it has stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImapAfter {
    /// Moves it to this folder (made if missing).
    Move(String),
    /// Leaves it, marked `\\Seen` and `$Dossier`.
    Keep,
}

/// How notifications are grouped, sent and retried.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// One author's additions to one dossier within this window make one e-mail.
    pub window: Duration,
    /// Where e-mails go.
    pub transport: TransportConfig,
    /// First retry delay; it doubles up to `retry_max`.
    pub retry_first: Duration,
    /// Longest retry delay.
    pub retry_max: Duration,
    /// Given up after this long in the queue.
    pub give_up: Duration,
    /// The DKIM key file and its selector, when mail is signed.
    pub dkim: Option<(PathBuf, String)>,
}

/// The notification transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportConfig {
    /// `.eml` files in this folder.
    Folder(PathBuf),
    /// An SMTP relay URL, and a file of authorities trusted for its TLS.
    Relay(String, Option<PathBuf>),
    /// A sendmail program.
    Sendmail(String),
}

/// How much the web listener gives one client: fixed, and tests tighten them.
#[derive(Debug, Clone, Copy)]
pub struct WebLimits {
    /// A request's headers must arrive within this (also the longest idle keep-alive).
    pub header_timeout: Duration,
    /// Connections served at once; more wait in the listen queue.
    pub max_connections: usize,
    /// Connections of one peer at once (a trusted proxy is not counted); more are closed.
    pub max_per_peer: usize,
    /// A request's body must arrive within this.
    pub body_deadline: Duration,
}

impl Default for WebLimits {
    fn default() -> Self {
        WebLimits {
            header_timeout: Duration::from_secs(15),
            max_connections: 512,
            max_per_peer: 32,
            body_deadline: Duration::from_secs(300),
        }
    }
}

/// Settings of the mail doors.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// SMTP listener address.
    pub smtp: SocketAddr,
    /// LMTP listener address, if any.
    pub lmtp: Option<SocketAddr>,
    /// Largest accepted message, in bytes (advertised with SIZE).
    pub max_message_bytes: u64,
    /// Idle time before an SMTP connection is closed.
    pub idle_timeout: std::time::Duration,
    /// Connections at once in total.
    pub max_connections: usize,
    /// Connections at once from one peer.
    pub max_per_peer: usize,
    /// Trusted authserv-ids for Authentication-Results.
    pub trusted_authserv_id: Vec<String>,
    /// SMTP peers that are the operator's own MTA.
    pub trusted_relays: Vec<std::net::IpAddr>,
    /// ARC sealers trusted on forwarded mail.
    pub trusted_arc_sealers: Vec<String>,
    /// The DNS server of the sender checks; the system's when `None`.
    pub dns: Option<SocketAddr>,
    /// Post unauthenticated mail anyway (unsafe, documented as such).
    pub unsafe_trust_from: bool,
    /// STARTTLS certificate and key files.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Messages one sender may post to one dossier per hour.
    pub rate_per_hour: usize,
}

/// A configuration that cannot be used; the sentence says which setting and why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Builds the configuration from the layers, in order of precedence.
    pub fn load(args: &ConfigArgs) -> Result<Config, ConfigError> {
        let given = match &args.config {
            Some(path) => args.laid_over(read_file(path)?)?,
            None => args.clone(),
        };
        Config::validated(given)
    }

    /// The defaults filled in and every setting checked, once.
    fn validated(args: ConfigArgs) -> Result<Config, ConfigError> {
        let http = args.http.unwrap_or(([127, 0, 0, 1], 8080).into());
        let mail_domain = args
            .mail_domain
            .clone()
            .unwrap_or_else(|| "dossier.localhost".into())
            .trim()
            .to_ascii_lowercase();
        if crate::domain::EmailAddress::parse(&format!("x@{mail_domain}")).is_err() {
            return Err(ConfigError(format!(
                "mail-domain «{mail_domain}» is not a domain name"
            )));
        }
        let given = args.base_url.clone();
        if given.is_none() && http.ip().is_unspecified() {
            return Err(ConfigError(format!(
                "the web view listens on every interface ({http}): set base-url to the address people open (https://dossier.example.fr)"
            )));
        }
        let base_url_given = given.is_some();
        let base_url = given.unwrap_or_else(|| format!("http://{http}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError(format!(
                "base-url «{base_url}» must start with http:// or https://"
            )));
        }
        let zone = args
            .timezone
            .clone()
            .unwrap_or_else(|| "Europe/Paris".into());
        let timezone = zone
            .parse()
            .map_err(|_| ConfigError(format!("timezone «{zone}» is not a known time zone")))?;
        let tls = match (args.tls_cert.clone(), args.tls_key.clone()) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => {
                return Err(ConfigError(
                    "tls-cert and tls-key go together: give both or neither".into(),
                ));
            }
        };
        let mail = MailConfig {
            tls,
            rate_per_hour: args.mail_rate_per_hour.unwrap_or(60).max(1),
            smtp: args.smtp.unwrap_or(([127, 0, 0, 1], 2525).into()),
            lmtp: args.lmtp,
            max_message_bytes: args.max_message_bytes.unwrap_or(25 * 1024 * 1024),
            idle_timeout: std::time::Duration::from_secs(
                args.smtp_idle_timeout.unwrap_or(300).max(1),
            ),
            max_connections: args.smtp_max_connections.unwrap_or(200).max(1),
            max_per_peer: args.smtp_max_per_peer.unwrap_or(20).max(1),
            trusted_authserv_id: args.trusted_authserv_id.clone(),
            trusted_relays: args.trusted_relay.clone(),
            trusted_arc_sealers: args.trusted_arc_sealer.clone(),
            dns: args.dns,
            unsafe_trust_from: args.unsafe_trust_from,
        };
        let secs = |given: Option<u64>, default: u64| Duration::from_secs(given.unwrap_or(default));
        let data = args.data.clone().unwrap_or_else(|| PathBuf::from("data"));
        let transport = match (args.relay.clone(), args.sendmail.clone()) {
            (Some(_), Some(_)) => {
                return Err(ConfigError(
                    "give a relay or a sendmail program, not both".into(),
                ));
            }
            (Some(url), None) => TransportConfig::Relay(url, args.relay_ca.clone()),
            (None, Some(path)) => TransportConfig::Sendmail(path),
            (None, None) => TransportConfig::Folder(data.join("outbox")),
        };
        let notify = NotifyConfig {
            window: secs(args.notify_window, 60),
            transport,
            retry_first: secs(args.retry_first, 60).max(Duration::from_secs(1)),
            retry_max: secs(args.retry_max, 3600).max(Duration::from_secs(1)),
            give_up: secs(args.give_up, 5 * 24 * 3600),
            dkim: args.dkim_key.clone().map(|key| {
                let selector = args.dkim_selector.clone();
                (key, selector.unwrap_or_else(|| "dossier".into()))
            }),
        };
        let plus_mailbox = args
            .plus_mailbox
            .clone()
            .map(|local| local.trim().to_string());
        if let Some(local) = &plus_mailbox
            && crate::domain::EmailAddress::parse(&format!("{local}@{mail_domain}")).is_err()
        {
            return Err(ConfigError(format!(
                "plus-mailbox «{local}» is not the local part of an address"
            )));
        }
        let imap = match args.imap.clone() {
            None => None,
            Some(url) => {
                let password = match args.imap_password_file.clone() {
                    Some(path) => std::fs::read_to_string(&path)
                        .map_err(|e| {
                            ConfigError(format!(
                                "cannot read the IMAP password file {}: {e}",
                                path.display()
                            ))
                        })?
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    None => std::env::var("DOSSIER_IMAP_PASSWORD").map_err(|_| {
                        ConfigError(
                            "imap needs a password: give --imap-password-file or set DOSSIER_IMAP_PASSWORD".into(),
                        )
                    })?,
                };
                let after = if args.imap_keep {
                    ImapAfter::Keep
                } else {
                    ImapAfter::Move(
                        args.imap_move_to
                            .clone()
                            .unwrap_or_else(|| "Dossier".into()),
                    )
                };
                let poll = secs(args.imap_poll, 60).max(Duration::from_secs(1));
                let ca_file = args.imap_ca.clone();
                Some(parse_imap_url(&url, password, after, poll, ca_file)?)
            }
        };
        let business_email = match args.business_email.clone() {
            Some(text) => Some(crate::domain::EmailAddress::parse(&text).map_err(|_| {
                ConfigError(format!("business-email «{text}» is not an e-mail address"))
            })?),
            None => None,
        };
        let business = match args.business.clone() {
            Some(profile) => profile.checked().map_err(|refusal| {
                let field = refusal.field().unwrap_or_default().replace('_', "-");
                ConfigError(format!("[business] {field}: {refusal}"))
            })?,
            None => Default::default(),
        };
        Ok(Config {
            business,
            business_email,
            plus_mailbox,
            imap,
            notify,
            mail,
            data: args.data.clone().unwrap_or_else(|| PathBuf::from("data")),
            http,
            web: WebLimits::default(),
            trusted_proxies: args.trusted_proxy.clone(),
            mail_domain,
            base_url: base_url.trim_end_matches('/').to_string(),
            base_url_given,
            business_name: args
                .business_name
                .clone()
                .unwrap_or_else(|| "Dossier".into()),
            timezone,
        })
    }

    /// Takes the address the web listener was bound to: without a configured base URL,
    /// that is the site's address (port 0 becomes the port chosen).
    pub fn serve_on(&mut self, bound: SocketAddr) {
        self.http = bound;
        if !self.base_url_given {
            self.base_url = format!("http://{bound}");
        }
    }

    /// How our addresses are written.
    pub fn addressing(&self) -> crate::domain::Addressing {
        crate::domain::Addressing {
            domain: self.mail_domain.clone(),
            plus_box: self.plus_mailbox.clone(),
        }
    }

    /// A configuration for tests and embedding: defaults with `data` as the data folder.
    pub fn with_data(data: &Path) -> Config {
        let args = ConfigArgs {
            data: Some(data.to_path_buf()),
            ..ConfigArgs::default()
        };
        Config::load(&args).expect("the defaults are valid")
    }
}

impl ConfigArgs {
    /// These settings laid over `file`'s: a flag or variable given wins, one not given
    /// (no value, no list item, a switch left off) leaves the file's.
    fn laid_over(&self, file: ConfigArgs) -> Result<ConfigArgs, ConfigError> {
        let broken = |e: serde_json::Error| ConfigError(format!("settings: {e}"));
        let (mut merged, given) = match (serde_json::to_value(file), serde_json::to_value(self)) {
            (Ok(serde_json::Value::Object(file)), Ok(serde_json::Value::Object(given))) => {
                (file, given)
            }
            (Err(e), _) | (_, Err(e)) => return Err(broken(e)),
            _ => return Err(ConfigError("settings: not a table".into())),
        };
        for (name, value) in given {
            let unset = match &value {
                serde_json::Value::Null | serde_json::Value::Bool(false) => true,
                serde_json::Value::Array(items) => items.is_empty(),
                _ => false,
            };
            if !unset {
                merged.insert(name, value);
            }
        }
        let mut laid: ConfigArgs =
            serde_json::from_value(serde_json::Value::Object(merged)).map_err(broken)?;
        laid.config = self.config.clone();
        Ok(laid)
    }
}

/// Reads `imaps://USER@HOST[:PORT]/FOLDER`; the user and folder may be percent-encoded
/// (`dossiers%40business.fr`).
fn parse_imap_url(
    url: &str,
    password: String,
    after: ImapAfter,
    poll: Duration,
    ca_file: Option<PathBuf>,
) -> Result<ImapConfig, ConfigError> {
    let bad = |why: &str| ConfigError(format!("imap «{url}»: {why}"));
    let parsed = url::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    let tls = match parsed.scheme() {
        "imaps" => true,
        "imap" => false,
        _ => {
            return Err(bad(
                "it must start with imaps:// (or imap:// on this machine)",
            ));
        }
    };
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .map(|t| t.into_owned())
            .map_err(|_| bad("it is not valid UTF-8 once decoded"))
    };
    let user = decode(parsed.username())?;
    if user.is_empty() {
        return Err(bad("it must name the user: imaps://USER@HOST/FOLDER"));
    }
    let host = match parsed.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string(),
        None => return Err(bad("it must name the server: imaps://USER@HOST/FOLDER")),
    };
    let port = parsed.port().unwrap_or(if tls { 993 } else { 143 });
    let folder = decode(parsed.path().trim_start_matches('/'))?;
    Ok(ImapConfig {
        tls,
        host,
        port,
        user,
        password,
        folder: if folder.is_empty() {
            "INBOX".into()
        } else {
            folder
        },
        after,
        poll,
        ca_file,
    })
}

fn read_file(path: &Path) -> Result<ConfigArgs, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError(format!(
            "cannot read the configuration file {}: {e}",
            path.display()
        ))
    })?;
    toml::from_str(&text).map_err(|e| {
        ConfigError(format!(
            "configuration file {}: {}",
            path.display(),
            e.message()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Result<ImapConfig, ConfigError> {
        parse_imap_url(
            url,
            "secret".into(),
            ImapAfter::Keep,
            Duration::from_secs(60),
            None,
        )
    }

    #[test]
    fn imap_urls_name_the_user_server_and_folder() {
        let c = parse("imaps://dossiers%40example.fr@imap.example.fr/INBOX").unwrap();
        assert_eq!(
            (
                c.tls,
                c.user.as_str(),
                c.host.as_str(),
                c.port,
                c.folder.as_str()
            ),
            (true, "dossiers@example.fr", "imap.example.fr", 993, "INBOX")
        );
        let c = parse("imap://dossiers@localhost:1143").unwrap();
        assert_eq!((c.tls, c.port, c.folder.as_str()), (false, 1143, "INBOX"));
        assert!(
            !format!("{c:?}").contains("secret"),
            "the password is never printed"
        );
        for bad in [
            "pop3://u@h/INBOX",
            "imaps://imap.example.fr/INBOX",
            "imaps://u@h:port/INBOX",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.0.starts_with("imap «"), "{bad}: {}", err.0);
        }
    }

    #[test]
    fn an_ipv6_server_may_come_without_a_port() {
        let c = parse("imaps://dossiers@[2001:db8::1]/Dossiers").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("2001:db8::1", 993));
        let c = parse("imap://dossiers@[::1]:1143").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("::1", 1143));
    }

    #[test]
    fn flags_and_variables_win_over_the_file_and_the_file_over_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dossier.toml");
        let file = "business-name = \"Du fichier\"\nsmtp-max-per-peer = 5\n\
                    trusted-relay = [\"192.0.2.1\"]\nimap-keep = true\nnotify-window = 30\n\
                    [business]\nlegal-name = \"Atelier Moreau SARL\"\n";
        std::fs::write(&path, file).unwrap();
        let args = ConfigArgs {
            config: Some(path.clone()),
            business_name: Some("Des options".into()),
            notify_window: Some(0),
            ..ConfigArgs::default()
        };
        let c = Config::load(&args).unwrap();
        assert_eq!(c.business_name, "Des options", "a flag wins");
        assert_eq!(c.notify.window, Duration::ZERO, "even a zero");
        assert_eq!(c.mail.max_per_peer, 5, "the file's, where no flag is given");
        assert_eq!(
            c.mail.trusted_relays,
            ["192.0.2.1".parse::<std::net::IpAddr>().unwrap()]
        );
        assert_eq!(c.business.legal_name, "Atelier Moreau SARL");
        assert_eq!(
            c.mail.max_connections, 200,
            "the default, where neither says"
        );
        let flags = ConfigArgs {
            trusted_relay: vec!["198.51.100.7".parse().unwrap()],
            ..args
        };
        let c = Config::load(&flags).unwrap();
        assert_eq!(
            c.mail.trusted_relays,
            ["198.51.100.7".parse::<std::net::IpAddr>().unwrap()]
        );
        std::fs::write(&path, "smtp-max-peer = 5\n").unwrap();
        let err = Config::load(&flags).unwrap_err();
        assert!(
            err.0.contains("smtp-max-peer"),
            "an unknown key is named: {}",
            err.0
        );
    }

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
        let readme = include_str!("../README.md");
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
