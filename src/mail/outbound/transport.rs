//! Where outgoing e-mails go: a folder of `.eml` files (the default, so the server runs
//! with no mail infrastructure), an SMTP relay ([`Relay`]: STARTTLS or TLS,
//! authentication, a connection pool), or the local `sendmail` (through lettre).

use std::path::{Path, PathBuf};

use lettre::address::Envelope;
use lettre::{AsyncSendmailTransport, AsyncTransport, Tokio1Executor};

use super::relay::Relay;

/// Why a send failed, and whether trying again may help.
#[derive(Debug, Clone)]
pub struct SendError {
    /// A `5xx` (or a malformed address): retrying will not help.
    pub permanent: bool,
    /// The refusal is the recipient's (an unknown or disabled mailbox), not ours: it
    /// counts as a hard bounce of the address.
    pub refuses_recipient: bool,
    /// What the relay or the system said.
    pub message: String,
}

/// The configured transport.
pub enum Transport {
    /// `.eml` files in a folder, fsynced.
    Folder(PathBuf),
    /// An SMTP relay.
    Relay(Relay),
    /// The local sendmail.
    Sendmail(AsyncSendmailTransport<Tokio1Executor>),
}

impl Transport {
    /// A relay from a URL such as `smtp://user:pass@host:587?tls=required` or
    /// `smtps://host:465` (lettre's URL form), trusting the authorities of `ca_file`
    /// besides the usual ones.
    pub fn relay(url: &str, ca_file: Option<&Path>) -> Result<Transport, String> {
        // As many pooled connections as e-mails are attempted at once.
        Relay::from_url(url, ca_file, super::delivery::AT_ONCE).map(Transport::Relay)
    }

    /// The sendmail program at `path`.
    pub fn sendmail(path: &str) -> Transport {
        Transport::Sendmail(AsyncSendmailTransport::new_with_command(path))
    }

    /// Hands one e-mail over.
    pub async fn send(&self, envelope: &Envelope, name: &str, raw: &[u8]) -> Result<(), SendError> {
        match self {
            Transport::Folder(dir) => write_file(dir.clone(), name.to_string(), raw.to_vec()).await,
            Transport::Relay(relay) => relay.send(envelope, raw).await,
            Transport::Sendmail(sendmail) => {
                sendmail
                    .send_raw(envelope, raw)
                    .await
                    .map_err(|e| SendError {
                        permanent: false,
                        refuses_recipient: false,
                        message: e.to_string(),
                    })
            }
        }
    }
}

/// Whether a permanent refusal with the basic `code` and the words `message` is about
/// the recipient's mailbox (RFC 3463's 5.1.1 bad mailbox, 5.1.2 bad domain, 5.1.3 bad
/// syntax, 5.1.6 moved, 5.1.10 null MX, 5.2.1 disabled; with no enhanced code, 550, 551
/// or 553 speaking of the mailbox) rather than our relay's policy (5.7.1 relaying
/// denied) or the message.
pub fn refuses_recipient(code: Option<&str>, message: &str) -> bool {
    let enhanced = message
        .split(|c: char| c.is_whitespace() || c == ':')
        .find(|word| {
            let parts: Vec<&str> = word.split('.').collect();
            parts.len() == 3
                && parts[0] == "5"
                && parts[1..]
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        });
    match enhanced {
        Some(status) => matches!(
            status,
            "5.1.1" | "5.1.2" | "5.1.3" | "5.1.6" | "5.1.10" | "5.2.1"
        ),
        // A bare code says nothing of whose fault it is: only words about the mailbox
        // make it the recipient's ("relaying denied", "spam" are not).
        None => {
            let words = message.to_ascii_lowercase();
            matches!(code, Some("550" | "551" | "553"))
                && ["user", "mailbox", "recipient", "no such", "unknown"]
                    .iter()
                    .any(|w| words.contains(w))
                && !["relay", "sender", "spam", "policy"]
                    .iter()
                    .any(|w| words.contains(w))
        }
    }
}

async fn write_file(dir: PathBuf, name: String, raw: Vec<u8>) -> Result<(), SendError> {
    let written = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        std::fs::create_dir_all(&dir)?;
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let tmp = dir.join(format!(".{safe}.tmp"));
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&raw)?;
        file.sync_all()?;
        std::fs::rename(&tmp, dir.join(format!("{safe}.eml")))?;
        std::fs::File::open(&dir)?.sync_all()
    })
    .await;
    match written {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(SendError {
            permanent: false,
            refuses_recipient: false,
            message: format!("writing to the outbox folder: {e}"),
        }),
        Err(e) => Err(SendError {
            permanent: false,
            refuses_recipient: false,
            message: format!("outbox folder task: {e}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::refuses_recipient;

    #[test]
    fn an_unknown_mailbox_is_the_recipients_refusal_a_policy_refusal_is_ours() {
        for (code, message) in [
            (
                Some("550"),
                "permanent error (550): 5.1.1 <helene@client.test>: Recipient address rejected: User unknown",
            ),
            (Some("550"), "permanent error (550): mailbox unavailable"),
            (Some("553"), "permanent error (553): no such user here"),
            (Some("550"), "permanent error (550): 5.2.1 mailbox disabled"),
        ] {
            assert!(refuses_recipient(code, message), "{message}");
        }
        for (code, message) in [
            (Some("550"), "permanent error (550): 5.7.1 Relaying denied"),
            (Some("554"), "permanent error (554): 5.6.0 message refused"),
            (
                Some("535"),
                "permanent error (535): 5.7.8 authentication failed",
            ),
            (Some("552"), "permanent error (552): message too big"),
            (
                Some("550"),
                "permanent error (550): 5.1.7 bad sender address",
            ),
        ] {
            assert!(!refuses_recipient(code, message), "{message}");
        }
    }
}
