//! One SMTP (or LMTP) session as a state machine over any `AsyncRead + AsyncWrite`, so
//! tests can drive it in memory as well as over TCP. Recipients are judged at RCPT; a
//! message is acknowledged only once the spool holds it durably.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::io::{AsyncBufRead, AsyncWrite, AsyncWriteExt};

use super::lines::{Line, read_line};
use super::server::SmtpShared;
use crate::domain::{Entrance, Envelope};
use crate::error::Error;
use crate::mail::pipeline::Verdict;

/// SMTP, or LMTP (LHLO, one reply per recipient after DATA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// RFC 5321.
    Smtp,
    /// RFC 2033.
    Lmtp,
}

/// Limits of a session.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// The name we greet with.
    pub hostname: String,
    /// Largest message, advertised with SIZE.
    pub max_message_bytes: u64,
    /// Silence allowed before closing.
    pub idle_timeout: Duration,
    /// Most recipients of one message.
    pub max_recipients: usize,
}

/// RFC 5321 §4.5.3.1.4: command lines are at most 512 octets; we allow 1,000, the text
/// line limit, since some clients send long parameters.
const MAX_COMMAND_LINE: usize = 1000;
/// Longest line kept inside DATA; longer ones make the message refused.
const MAX_DATA_LINE: usize = 1024 * 1024;

/// What the session does after a command.
enum Next {
    Continue,
    Quit,
    StartTls,
}

struct Transaction {
    sender: Option<String>,
    recipients: Vec<String>,
}

/// Whether TLS may be, or is, used on a session's stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// No certificate configured.
    Unavailable,
    /// STARTTLS is offered.
    Offered,
    /// The stream was secured by STARTTLS.
    Active,
}

/// How a session ended.
pub enum End<S> {
    /// QUIT, the peer leaving, or the idle timeout.
    Closed,
    /// The client asked for STARTTLS and was told to go ahead: the caller wraps the
    /// stream in TLS and runs a new session on it (RFC 3207 §4.2: all state is reset).
    StartTls(S),
}

/// Runs one session until QUIT, the peer leaving, the idle timeout or STARTTLS.
pub async fn run<S>(
    stream: S,
    peer: String,
    mode: Mode,
    shared: Arc<SmtpShared>,
    tls: Tls,
) -> std::io::Result<End<S>>
where
    S: AsyncBufRead + AsyncWrite + Unpin,
{
    let mut session = Session {
        stream,
        peer,
        mode,
        shared,
        tls,
        helo: None,
        handed_over: false,
        auth_failures: 0,
        tx: None,
        buf: Vec::new(),
    };
    match session.run().await? {
        Next::StartTls => Ok(End::StartTls(session.stream)),
        Next::Continue | Next::Quit => Ok(End::Closed),
    }
}

struct Session<S> {
    stream: S,
    peer: String,
    mode: Mode,
    shared: Arc<SmtpShared>,
    tls: Tls,
    /// The name given in EHLO/HELO/LHLO: the session is greeted once it has one.
    helo: Option<String>,
    /// `ingest` proved with the hand-over key that it passes on mail from the MTA.
    handed_over: bool,
    auth_failures: u8,
    tx: Option<Transaction>,
    buf: Vec<u8>,
}

impl<S: AsyncBufRead + AsyncWrite + Unpin> Session<S> {
    fn refused(&self, why: &str) {
        self.shared
            .pipeline
            .services()
            .metrics()
            .count("dossier_mail_refused_total", why);
    }

    async fn reply(&mut self, text: &str) -> std::io::Result<()> {
        self.stream.write_all(text.as_bytes()).await?;
        self.stream.write_all(b"\r\n").await?;
        self.stream.flush().await
    }

    async fn read(&mut self, max: usize) -> std::io::Result<Option<Line>> {
        let idle = self.shared.settings.idle_timeout;
        match tokio::time::timeout(idle, read_line(&mut self.stream, &mut self.buf, max)).await {
            Ok(line) => line.map(Some),
            Err(_) => Ok(None),
        }
    }

    /// Runs the session; `Next::StartTls` when it ends in an upgrade.
    async fn run(&mut self) -> std::io::Result<Next> {
        // RFC 3207 §4.2: after STARTTLS the server sends no new greeting.
        if self.tls != Tls::Active {
            let banner = match self.mode {
                Mode::Smtp => "ESMTP",
                Mode::Lmtp => "LMTP",
            };
            self.reply(&format!(
                "220 {} {banner} Dossier ready",
                self.shared.settings.hostname
            ))
            .await?;
        }
        loop {
            match self.read(MAX_COMMAND_LINE).await? {
                None => {
                    self.reply("421 4.4.2 Idle too long, closing the connection")
                        .await?;
                    return Ok(Next::Quit);
                }
                Some(Line::Closed) => return Ok(Next::Quit),
                Some(Line::TooLong) => self.reply("500 5.5.2 Line too long").await?,
                Some(Line::Complete) => {
                    let line = String::from_utf8_lossy(&self.buf)
                        .trim_end_matches(['\r', '\n'])
                        .to_string();
                    match self.command(&line).await? {
                        Next::Continue => {}
                        end => return Ok(end),
                    }
                }
            }
        }
    }

    /// Handles one command.
    async fn command(&mut self, line: &str) -> std::io::Result<Next> {
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        let verb = verb.to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" | "LHLO" => self.hello(&verb, rest.trim()).await?,
            "MAIL" => self.mail(rest).await?,
            "RCPT" => self.rcpt(rest).await?,
            "DATA" => self.data().await?,
            "RSET" => {
                self.tx = None;
                self.reply("250 2.0.0 Ok").await?;
            }
            "NOOP" => self.reply("250 2.0.0 Ok").await?,
            "VRFY" => {
                self.reply("252 2.5.2 Cannot verify the user, but will accept the message")
                    .await?
            }
            "HELP" => self.reply("214 2.0.0 See RFC 5321").await?,
            "QUIT" => {
                self.reply("221 2.0.0 Bye").await?;
                return Ok(Next::Quit);
            }
            "STARTTLS" => return self.starttls(rest).await,
            "AUTH" => return self.auth(rest).await,
            _ => self.reply("500 5.5.2 Unknown command").await?,
        }
        Ok(Next::Continue)
    }

    async fn starttls(&mut self, rest: &str) -> std::io::Result<Next> {
        match self.tls {
            Tls::Offered => {}
            Tls::Active => {
                self.reply("503 5.5.1 TLS is already active").await?;
                return Ok(Next::Continue);
            }
            Tls::Unavailable => {
                self.reply("502 5.5.1 STARTTLS is not configured").await?;
                return Ok(Next::Continue);
            }
        }
        if !rest.trim().is_empty() {
            self.reply("501 5.5.4 STARTTLS takes no argument").await?;
            return Ok(Next::Continue);
        }
        self.reply("220 2.0.0 Ready to start TLS").await?;
        Ok(Next::StartTls)
    }

    /// `AUTH PLAIN` is offered only to this machine, for `ingest`'s hand-over.
    fn offers_handover(&self) -> bool {
        self.shared.handover.is_some()
            && self
                .peer
                .parse::<std::net::SocketAddr>()
                .is_ok_and(|p| p.ip().is_loopback())
    }

    /// RFC 4954 `AUTH PLAIN`, with the hand-over key as the password. Three wrong keys
    /// end the session.
    async fn auth(&mut self, rest: &str) -> std::io::Result<Next> {
        if self.helo.is_none() || self.tx.is_some() || self.handed_over {
            self.reply("503 5.5.1 AUTH is not possible now").await?;
            return Ok(Next::Continue);
        }
        let mut words = rest.split_whitespace();
        let mechanism = words.next().unwrap_or("");
        if !self.offers_handover() || !mechanism.eq_ignore_ascii_case("PLAIN") {
            self.reply("504 5.5.4 Unrecognized authentication type")
                .await?;
            return Ok(Next::Continue);
        }
        let answer = match words.next() {
            Some(initial) => initial.to_string(),
            None => {
                self.reply("334 ").await?;
                match self.read(MAX_COMMAND_LINE).await? {
                    Some(Line::Complete) => String::from_utf8_lossy(&self.buf).trim().to_string(),
                    _ => return Ok(Next::Quit),
                }
            }
        };
        if answer == "*" {
            self.reply("501 5.7.0 Authentication cancelled").await?;
            return Ok(Next::Continue);
        }
        let decoded = mail_parser::decoders::base64::base64_decode(answer.as_bytes())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        // authzid NUL authcid NUL password
        let password = decoded.split('\0').nth(2).unwrap_or("");
        let matches = self
            .shared
            .handover
            .as_ref()
            .is_some_and(|key| key.matches(password));
        if matches {
            self.handed_over = true;
            self.reply("235 2.7.0 Authentication successful").await?;
            return Ok(Next::Continue);
        }
        self.auth_failures += 1;
        self.refused("bad-credentials");
        if self.auth_failures >= 3 {
            self.reply("421 4.7.0 Too many failed attempts, closing the connection")
                .await?;
            return Ok(Next::Quit);
        }
        self.reply("535 5.7.8 Authentication credentials invalid")
            .await?;
        Ok(Next::Continue)
    }

    async fn hello(&mut self, verb: &str, name: &str) -> std::io::Result<()> {
        let wanted = match self.mode {
            Mode::Smtp => verb != "LHLO",
            Mode::Lmtp => verb == "LHLO",
        };
        if !wanted {
            return self
                .reply("500 5.5.1 Use LHLO for LMTP and EHLO or HELO for SMTP")
                .await;
        }
        if name.is_empty() {
            return self.reply("501 5.5.4 Say who you are").await;
        }
        self.helo = Some(name.to_string());
        self.tx = None;
        let host = self.shared.settings.hostname.clone();
        if verb == "HELO" {
            return self.reply(&format!("250 {host}")).await;
        }
        let size = self.shared.settings.max_message_bytes;
        let mut lines = vec![
            format!("250-{host} greets {name}"),
            format!("250-SIZE {size}"),
            "250-PIPELINING".into(),
            "250-8BITMIME".into(),
            "250-SMTPUTF8".into(),
        ];
        if self.tls == Tls::Offered {
            lines.push("250-STARTTLS".into());
        }
        if self.offers_handover() {
            lines.push("250-AUTH PLAIN".into());
        }
        lines.push("250 ENHANCEDSTATUSCODES".into());
        self.reply(&lines.join("\r\n")).await
    }

    async fn mail(&mut self, rest: &str) -> std::io::Result<()> {
        if self.helo.is_none() {
            return self.reply("503 5.5.1 Say EHLO first").await;
        }
        if self.tx.is_some() {
            return self
                .reply("503 5.5.1 A transaction is already open; RSET first")
                .await;
        }
        let Some((address, params)) = path_argument(rest, "FROM:") else {
            return self.reply("501 5.5.4 Syntax: MAIL FROM:<address>").await;
        };
        for param in params.split_whitespace() {
            if let Some(size) = param.to_ascii_uppercase().strip_prefix("SIZE=")
                && size
                    .parse::<u64>()
                    .is_ok_and(|s| s > self.shared.settings.max_message_bytes)
            {
                self.refused("too-large");
                return self
                    .reply("552 5.3.4 The message is larger than the size we accept")
                    .await;
            }
        }
        let sender = (!address.is_empty()).then(|| address.to_string());
        self.tx = Some(Transaction {
            sender,
            recipients: Vec::new(),
        });
        self.reply("250 2.1.0 Ok").await
    }

    async fn rcpt(&mut self, rest: &str) -> std::io::Result<()> {
        let Some(count) = self.tx.as_ref().map(|t| t.recipients.len()) else {
            return self.reply("503 5.5.1 MAIL first").await;
        };
        let Some((address, _)) = path_argument(rest, "TO:") else {
            return self.reply("501 5.5.4 Syntax: RCPT TO:<address>").await;
        };
        if count >= self.shared.settings.max_recipients {
            return self.reply("452 4.5.3 Too many recipients").await;
        }
        let pipeline = self.shared.pipeline.clone();
        let recipient = address.to_string();
        let verdict = tokio::task::spawn_blocking(move || pipeline.judge(&recipient)).await;
        match verdict {
            Ok(Ok(Verdict::Accept)) => {
                if let Some(tx) = self.tx.as_mut() {
                    tx.recipients.push(address.to_string());
                }
                self.reply("250 2.1.5 Ok").await
            }
            Ok(Ok(Verdict::Unknown)) => {
                self.refused("unknown-address");
                self.reply("550 5.1.1 No such address here").await
            }
            Ok(Ok(Verdict::Closed(sentence))) => {
                self.refused("closed-dossier");
                self.reply(&format!("550 5.7.1 {sentence}")).await
            }
            Ok(Err(err)) => {
                tracing::warn!(peer = %self.peer, error = %err, "judging a recipient failed");
                self.reply("451 4.3.0 Temporary failure, try again later")
                    .await
            }
            Err(err) => {
                tracing::error!(peer = %self.peer, error = %err, "judging a recipient panicked");
                self.reply("451 4.3.0 Temporary failure, try again later")
                    .await
            }
        }
    }

    async fn data(&mut self) -> std::io::Result<()> {
        let Some(tx) = self.tx.take() else {
            return self.reply("503 5.5.1 MAIL first").await;
        };
        if tx.recipients.is_empty() {
            self.tx = Some(tx);
            return self.reply("554 5.5.1 No valid recipients").await;
        }
        let count = tx.recipients.len();
        let envelope = Envelope {
            sender: tx.sender,
            recipients: tx.recipients,
            entrance: match self.mode {
                _ if self.handed_over => Entrance::Ingest,
                Mode::Smtp => Entrance::Smtp,
                Mode::Lmtp => Entrance::Lmtp,
            },
            peer: Some(self.peer.clone()),
            helo: self.helo.clone(),
            received_at: Utc::now(),
            source: None,
        };
        // The message goes to its spool file as it arrives, so a session holds one line
        // in memory, not the whole message; a failure is answered after the final dot.
        let mut spooled = self.shared.pipeline.spool().begin(&envelope);
        self.reply("354 End data with <CR><LF>.<CR><LF>").await?;
        let max = self.shared.settings.max_message_bytes;
        let mut too_big = false;
        loop {
            match self.read(MAX_DATA_LINE).await? {
                None => {
                    return self
                        .reply("421 4.4.2 Idle too long, closing the connection")
                        .await;
                }
                Some(Line::Closed) => return Ok(()),
                Some(Line::TooLong) => too_big = true,
                Some(Line::Complete) => {
                    // RFC 5321 §4.1.1.4: only CRLF.CRLF ends DATA.
                    if self.buf == b".\r\n" {
                        break;
                    }
                    // RFC 5321 §4.5.2: remove the leading dot of a stuffed line.
                    let line = if self.buf.first() == Some(&b'.') {
                        &self.buf[1..]
                    } else {
                        &self.buf[..]
                    };
                    if let Ok(writer) = spooled.as_mut() {
                        if writer.size() + line.len() as u64 > max {
                            too_big = true;
                        } else if !too_big && let Err(err) = writer.write(line) {
                            spooled = Err(err);
                        }
                    }
                }
            }
        }
        if too_big {
            // Dropping the writer removes the partial file.
            drop(spooled);
            self.refused("too-large");
            return self
                .reply("552 5.3.4 The message is larger than the size we accept")
                .await;
        }
        let reply = match self.shared.finish(spooled).await {
            Ok(id) => format!("250 2.0.0 Ok: queued as {}", id.as_str()),
            Err(Error::DiskFull) => "452 4.3.1 Insufficient system storage, try again later".into(),
            Err(err) => {
                tracing::error!(peer = %self.peer, error = %err, "spooling a message failed");
                "451 4.3.0 Temporary failure, try again later".into()
            }
        };
        match self.mode {
            Mode::Smtp => self.reply(&reply).await,
            Mode::Lmtp => {
                for _ in 0..count {
                    self.reply(&reply).await?;
                }
                Ok(())
            }
        }
    }
}

/// Reads `FROM:<address> params` (or `TO:`), tolerating a space after the colon.
fn path_argument<'a>(rest: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let rest = rest.trim_start();
    // `get`, not indexing: the argument may start with a character wider than one byte.
    let head = rest.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = rest[keyword.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some((rest[..end].trim(), rest[end + 1..].trim()))
}

#[cfg(test)]
mod tests {
    use super::path_argument;

    #[test]
    fn paths_are_read_with_or_without_a_space_and_with_parameters() {
        assert_eq!(
            path_argument("FROM:<a@b.test> SIZE=10", "FROM:"),
            Some(("a@b.test", "SIZE=10"))
        );
        assert_eq!(
            path_argument("from: <a@b.test>", "FROM:"),
            Some(("a@b.test", ""))
        );
        assert_eq!(path_argument("FROM:<>", "FROM:"), Some(("", "")));
        assert_eq!(path_argument("TO:a@b.test", "TO:"), None);
        assert_eq!(path_argument("FROM:<a@b.test>", "TO:"), None);
    }
}
