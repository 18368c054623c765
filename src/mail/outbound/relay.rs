//! Connections to the SMTP relay, kept in a small pool. lettre speaks SMTP on sockets we
//! open ourselves with `TCP_NODELAY`: lettre writes a message and its final dot apart,
//! and with Nagle's algorithm the dot then waited for the relay's delayed ACK (tens of
//! milliseconds per e-mail). The URL is lettre's form: `smtp://` (plain),
//! `smtp://…?tls=required|opportunistic` (STARTTLS), `smtps://` (TLS from the first byte).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters,
};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;

use super::transport::SendError;

/// How long a connection may wait unused in the pool: relays close idle sessions
/// (Postfix after 300 s), and one found closed costs a failed attempt.
const IDLE: Duration = Duration::from_secs(30);

/// How long connecting (greeting, TLS, EHLO, login included), and then one e-mail, may
/// take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// How the session is protected.
enum Security {
    Plain,
    /// STARTTLS after the greeting; `required` refuses a relay that does not offer it.
    StartTls {
        params: TlsParameters,
        required: bool,
    },
    /// TLS from the first byte.
    Wrapper(tokio_rustls::TlsConnector),
}

/// An SMTP relay and its idle connections.
pub struct Relay {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    /// Connections kept at most.
    keep: usize,
}

impl Relay {
    /// The relay at `url`, trusting the usual authorities and those of `ca_file`;
    /// up to `keep` idle connections are kept.
    pub fn from_url(url: &str, ca_file: Option<&Path>, keep: usize) -> Result<Relay, String> {
        let unusable = |why: String| format!("relay «{}» is not usable: {why}", redacted(url));
        let parsed = url::Url::parse(url).map_err(|e| unusable(e.to_string()))?;
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| unusable("it names no host".into()))?
            .trim_matches(|c| c == '[' || c == ']')
            .to_string();
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let starttls = |required| -> Result<Security, String> {
            let mut params = TlsParameters::builder(host.clone());
            for der in crate::mail::tls::authorities(ca_file, "relay")? {
                let cert =
                    Certificate::from_der(der.to_vec()).map_err(|e| unusable(e.to_string()))?;
                params = params.add_root_certificate(cert);
            }
            let params = params.build_rustls().map_err(|e| unusable(e.to_string()))?;
            Ok(Security::StartTls { params, required })
        };
        let (security, default_port) = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::Plain, 25),
            ("smtp", Some("required")) => (starttls(true)?, 587),
            ("smtp", Some("opportunistic")) => (starttls(false)?, 587),
            ("smtps", None) => {
                let config = crate::mail::tls::client_config(ca_file, "relay")?;
                (
                    Security::Wrapper(tokio_rustls::TlsConnector::from(Arc::new(config))),
                    465,
                )
            }
            (scheme, tls) => {
                return Err(unusable(format!(
                    "«{scheme}://»{} is not one of smtp://, smtp://…?tls=required, smtp://…?tls=opportunistic or smtps://",
                    tls.map(|t| format!(" with tls={t}")).unwrap_or_default()
                )));
            }
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|e| unusable(e.to_string()))
        };
        let credentials = match parsed.password() {
            Some(password) => Some(Credentials::new(
                decode(parsed.username())?,
                decode(password)?,
            )),
            None => None,
        };
        let path = parsed.path().trim_matches('/');
        let hello = if path.is_empty() {
            ClientId::default()
        } else {
            ClientId::Domain(path.to_string())
        };
        Ok(Relay {
            host,
            port: parsed.port().unwrap_or(default_port),
            security,
            credentials,
            hello,
            idle: Mutex::new(Vec::new()),
            keep,
        })
    }

    /// Hands one e-mail over: on an idle connection when there is one (and on a new one
    /// if that one turns out closed before the relay said anything of the e-mail).
    pub async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError> {
        if let Some(mut conn) = self.take_idle() {
            match tokio::time::timeout(TIMEOUT, conn.send(envelope, raw)).await {
                Ok(Ok(_)) => {
                    self.put_back(conn);
                    return Ok(());
                }
                // The relay answered: that is its word on this e-mail.
                Ok(Err(e)) if e.status().is_some() => {
                    self.put_back(conn);
                    return Err(refusal(e));
                }
                Ok(Err(_)) => {}
                Err(_) => return Err(self.silent()),
            }
        }
        let connected = tokio::time::timeout(TIMEOUT, self.connect()).await;
        let mut conn = connected.map_err(|_| self.silent())??;
        match tokio::time::timeout(TIMEOUT, conn.send(envelope, raw)).await {
            Ok(sent) => {
                self.put_back(conn);
                sent.map(drop).map_err(refusal)
            }
            Err(_) => Err(self.silent()),
        }
    }

    /// The relay kept silent longer than [`TIMEOUT`]: tried again later, on a new
    /// connection (the silent one is dropped).
    fn silent(&self) -> SendError {
        SendError {
            permanent: false,
            refuses_recipient: false,
            message: format!(
                "the relay {}:{} did not answer within {} s",
                self.host,
                self.port,
                TIMEOUT.as_secs()
            ),
        }
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((conn, since)) = idle.pop() {
            if since.elapsed() < IDLE {
                return Some(conn);
            }
        }
        None
    }

    fn put_back(&self, conn: AsyncSmtpConnection) {
        if conn.has_broken() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < self.keep {
            idle.push((conn, Instant::now()));
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let failed = |why: String| SendError {
            permanent: false,
            refuses_recipient: false,
            message: format!("connecting to the relay {}:{}: {why}", self.host, self.port),
        };
        let tcp =
            tokio::time::timeout(TIMEOUT, TcpStream::connect((self.host.as_str(), self.port)))
                .await
                .map_err(|_| failed("no answer".into()))?
                .map_err(|e| failed(e.to_string()))?;
        tcp.set_nodelay(true).map_err(|e| failed(e.to_string()))?;
        let stream: Box<dyn AsyncTokioStream> = match &self.security {
            Security::Wrapper(connector) => {
                let name = rustls_pki_types::ServerName::try_from(self.host.clone())
                    .map_err(|e| failed(e.to_string()))?;
                let tls = connector
                    .connect(name, tcp)
                    .await
                    .map_err(|e| failed(format!("TLS: {e}")))?;
                Box::new(Tls(tls))
            }
            _ => Box::new(tcp),
        };
        let mut conn = AsyncSmtpConnection::connect_with_transport(stream, &self.hello)
            .await
            .map_err(refusal)?;
        if let Security::StartTls { params, required } = &self.security
            && (*required || conn.can_starttls())
        {
            conn.starttls(params.clone(), &self.hello)
                .await
                .map_err(refusal)?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(refusal)?;
        }
        Ok(conn)
    }
}

/// What lettre's error says of the e-mail: a `5xx` is final, and counts as the
/// recipient's bounce when it speaks of their mailbox.
fn refusal(e: lettre::transport::smtp::Error) -> SendError {
    let code = e.status().map(|c| c.to_string());
    let message = e.to_string();
    SendError {
        permanent: e.is_permanent(),
        refuses_recipient: e.is_permanent()
            && super::transport::refuses_recipient(code.as_deref(), &message),
        message,
    }
}

/// The URL without its password, for messages.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("…"));
            parsed.to_string()
        }
        Ok(_) => url.to_string(),
        // Unreadable: whatever stands between the scheme and the last `@` of the
        // authority may be a password, and is left out.
        Err(_) => match url.split_once("://") {
            Some((scheme, rest)) => {
                let authority = rest.split('/').next().unwrap_or(rest);
                match authority.rfind('@') {
                    Some(at) => format!("{scheme}://…{}", &rest[at..]),
                    None => url.to_string(),
                }
            }
            None => url.to_string(),
        },
    }
}

/// A TLS session lettre can speak SMTP on.
#[derive(Debug)]
struct Tls(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncTokioStream for Tls {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl tokio::io::AsyncRead for Tls {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Tls {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::Relay;

    #[test]
    fn a_relay_url_says_its_security_and_hides_its_password_when_refused() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://user:p%40ss@mail.example:587?tls=required",
            "smtp://mail.example?tls=opportunistic",
            "smtps://mail.example",
            "smtp://[::1]:25",
        ] {
            assert!(Relay::from_url(url, None, 1).is_ok(), "{url}");
        }
        let refused = Relay::from_url("imap://user:secret@mail.example", None, 1)
            .err()
            .unwrap();
        assert!(!refused.contains("secret"), "{refused}");
        assert!(refused.contains("smtps://"), "{refused}");
        assert!(Relay::from_url("smtp://mail.example?tls=maybe", None, 1).is_err());
        assert!(Relay::from_url("not a url", None, 1).is_err());
        // A URL that cannot be read hides its password all the same.
        let unreadable = Relay::from_url("smtp://user:secret@mail.example:port", None, 1);
        let unreadable = unreadable.err().unwrap();
        assert!(!unreadable.contains("secret"), "{unreadable}");
        assert!(unreadable.contains("@mail.example:port"), "{unreadable}");
    }

    #[test]
    fn a_relay_url_takes_the_usual_ports() {
        let port = |url| Relay::from_url(url, None, 1).unwrap().port;
        assert_eq!(port("smtp://mail.example"), 25);
        assert_eq!(port("smtp://mail.example?tls=required"), 587);
        assert_eq!(port("smtps://mail.example"), 465);
        assert_eq!(port("smtp://mail.example:2525"), 2525);
    }
}
