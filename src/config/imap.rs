//! The IMAP mailbox the intake reads when no MX points at the server: its settings,
//! read from one `imaps://USER@HOST[:PORT]/FOLDER` URL.

use std::path::PathBuf;
use std::time::Duration;

use super::ConfigError;

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

/// Reads `imaps://USER@HOST[:PORT]/FOLDER`; the user and folder may be percent-encoded
/// (`dossiers%40business.fr`).
pub(super) fn parse_imap_url(
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
}
