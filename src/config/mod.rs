//! One plain configuration struct, built once: defaults, then an optional TOML file,
//! then `DOSSIER_*` environment variables, then command-line flags; validated here so
//! that nothing else parses configuration text.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod args;
mod imap;

pub use args::ConfigArgs;
use imap::parse_imap_url;
pub use imap::{ImapAfter, ImapConfig};

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
            data,
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
}
