//! Where outgoing e-mails go: a folder of `.eml` files (the default, so the server runs
//! with no mail infrastructure), an SMTP relay (STARTTLS or TLS, authentication, a
//! connection pool), or the local `sendmail`. All through lettre.

use std::path::PathBuf;

use lettre::address::Envelope;
use lettre::{AsyncSendmailTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// Why a send failed, and whether trying again may help.
#[derive(Debug, Clone)]
pub struct SendError {
    /// A `5xx` (or a malformed address): retrying will not help.
    pub permanent: bool,
    /// What the relay or the system said.
    pub message: String,
}

/// The configured transport.
pub enum Transport {
    /// `.eml` files in a folder, fsynced.
    Folder(PathBuf),
    /// An SMTP relay.
    Relay(AsyncSmtpTransport<Tokio1Executor>),
    /// The local sendmail.
    Sendmail(AsyncSendmailTransport<Tokio1Executor>),
}

impl Transport {
    /// A relay from a URL such as `smtp://user:pass@host:587?tls=required` or
    /// `smtps://host:465` (lettre's URL form).
    pub fn relay(url: &str) -> Result<Transport, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|builder| Transport::Relay(builder.build()))
            .map_err(|e| format!("relay «{url}» is not usable: {e}"))
    }

    /// The sendmail program at `path`.
    pub fn sendmail(path: &str) -> Transport {
        Transport::Sendmail(AsyncSendmailTransport::new_with_command(path))
    }

    /// Hands one e-mail over.
    pub async fn send(&self, envelope: &Envelope, name: &str, raw: &[u8]) -> Result<(), SendError> {
        match self {
            Transport::Folder(dir) => write_file(dir.clone(), name.to_string(), raw.to_vec()).await,
            Transport::Relay(relay) => {
                relay
                    .send_raw(envelope, raw)
                    .await
                    .map(drop)
                    .map_err(|e| SendError {
                        permanent: e.is_permanent(),
                        message: e.to_string(),
                    })
            }
            Transport::Sendmail(sendmail) => {
                sendmail
                    .send_raw(envelope, raw)
                    .await
                    .map_err(|e| SendError {
                        permanent: false,
                        message: e.to_string(),
                    })
            }
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
            message: format!("writing to the outbox folder: {e}"),
        }),
        Err(e) => Err(SendError {
            permanent: false,
            message: format!("outbox folder task: {e}"),
        }),
    }
}
