//! Opening an IMAP session: TCP, TLS from the first byte for `imaps://` (rustls with the
//! usual web roots plus an optional CA file), the greeting, and LOGIN. Says in one
//! sentence what failed; never logs the password.

use std::fmt::Debug;
use std::sync::Arc;

use async_imap::{Client, Session};
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::config::ImapConfig;

/// A connection to the server, plain or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}

/// A signed-in session.
pub type ImapSession = Session<Box<dyn Io>>;

/// Connects and signs in.
pub async fn open(config: &ImapConfig) -> Result<ImapSession, String> {
    let tcp = TcpStream::connect((config.host.as_str(), config.port))
        .await
        .map_err(|e| format!("cannot connect to {}:{}: {e}", config.host, config.port))?;
    let stream: Box<dyn Io> = if config.tls {
        let tls = crate::mail::tls::client_config(config.ca_file.as_deref(), "IMAP")?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(tls));
        let name = ServerName::try_from(config.host.clone())
            .map_err(|_| format!("{} is not a server name", config.host))?;
        Box::new(
            connector
                .connect(name, tcp)
                .await
                .map_err(|e| format!("TLS with {} failed: {e}", config.host))?,
        )
    } else {
        Box::new(tcp)
    };
    let mut client = Client::new(stream);
    client
        .read_response()
        .await
        .map_err(|e| format!("no greeting from {}: {e}", config.host))?
        .ok_or_else(|| format!("{} closed the connection at once", config.host))?;
    client
        .login(&config.user, &config.password)
        .await
        .map_err(|(e, _)| format!("the server refused the login of {}: {e}", config.user))
}
