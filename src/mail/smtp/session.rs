//! One SMTP (or LMTP) session as an explicit state machine over any `AsyncBufRead +
//! AsyncWrite`, so tests can drive it in memory as well as over TCP: connected, greeted,
//! in a transaction (MAIL and RCPT in `envelope.rs`, DATA in `data.rs`), closing.
//! Recipients are judged at RCPT; a message is acknowledged only once the spool holds it
//! durably. Silence, a session past its time and the server's shutdown each close it
//! with a `421`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;

use super::lines::{Line, read_line};
use super::server::SmtpShared;

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
    /// The longest a whole session may last, so that a few peers cannot hold every slot.
    pub max_duration: Duration,
    /// The slowest DATA accepted, in bytes per second, once the first ten seconds passed.
    pub min_data_rate: u64,
}

impl SessionSettings {
    /// The settings of a listener greeting as `hostname`.
    pub fn new(hostname: String, max_message_bytes: u64, idle_timeout: Duration) -> Self {
        SessionSettings {
            hostname,
            max_message_bytes,
            idle_timeout,
            max_recipients: 100,
            max_duration: Duration::from_secs(30 * 60),
            min_data_rate: 256,
        }
    }
}

/// RFC 5321 §4.5.3.1.4: command lines are at most 512 octets; we allow 1,000, the text
/// line limit, since some clients send long parameters.
pub(super) const MAX_COMMAND_LINE: usize = 1000;

/// What the session does after a command.
pub(super) enum Next {
    Continue,
    Quit,
    StartTls,
}

/// An open mail transaction: MAIL was accepted, RCPTs gather.
pub(super) struct Transaction {
    pub(super) sender: Option<String>,
    pub(super) recipients: Vec<String>,
}

/// Where the session is.
pub(super) enum State {
    /// Before EHLO/HELO/LHLO.
    Connected,
    /// Greeted, with no transaction.
    Greeted,
    /// After MAIL FROM.
    Transaction(Transaction),
}

/// What one read gave, timeouts and shutdown included.
pub(super) enum Input {
    /// A line is in the buffer.
    Line,
    /// A line longer than the bound, discarded; whether it ended in CRLF.
    TooLong(bool),
    /// The peer left.
    Closed,
    /// Silent longer than the idle timeout.
    Idle,
    /// The session lasted longer than it may.
    Expired,
    /// The server is stopping.
    Shutdown,
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
    /// QUIT, the peer leaving, a timeout or the shutdown.
    Closed,
    /// The client asked for STARTTLS and was told to go ahead: the caller wraps the
    /// stream in TLS and runs a new session on it (RFC 3207 §4.2: all state is reset).
    StartTls(S),
}

/// Where a session comes from and what bounds it.
pub struct Peer {
    /// The peer's address, `ip:port`.
    pub address: String,
    /// SMTP or LMTP.
    pub mode: Mode,
    /// Whether TLS is offered or active.
    pub tls: Tls,
    /// When the connection was accepted: the session's time counts from here.
    pub since: Instant,
}

/// Runs one session until QUIT, the peer leaving, a timeout, the shutdown or STARTTLS.
pub async fn run<S>(
    stream: S,
    peer: Peer,
    shared: Arc<SmtpShared>,
    shutdown: watch::Receiver<bool>,
) -> std::io::Result<End<S>>
where
    S: AsyncBufRead + AsyncWrite + Unpin,
{
    let deadline = peer.since + shared.settings.max_duration;
    let mut session = Session {
        stream,
        peer: peer.address,
        mode: peer.mode,
        tls: peer.tls,
        deadline,
        shared,
        shutdown,
        helo: None,
        handed_over: false,
        auth_failures: 0,
        refusals: 0,
        state: State::Connected,
        buf: Vec::new(),
    };
    match session.run().await? {
        Next::StartTls => Ok(End::StartTls(session.stream)),
        Next::Continue | Next::Quit => Ok(End::Closed),
    }
}

pub(super) struct Session<S> {
    pub(super) stream: S,
    pub(super) peer: String,
    pub(super) mode: Mode,
    pub(super) shared: Arc<SmtpShared>,
    pub(super) tls: Tls,
    deadline: Instant,
    shutdown: watch::Receiver<bool>,
    /// The name given in EHLO/HELO/LHLO.
    pub(super) helo: Option<String>,
    /// `ingest` proved with the hand-over key that it passes on mail from the MTA.
    pub(super) handed_over: bool,
    pub(super) auth_failures: u8,
    pub(super) refusals: u32,
    pub(super) state: State,
    pub(super) buf: Vec<u8>,
}

impl<S: AsyncBufRead + AsyncWrite + Unpin> Session<S> {
    pub(super) fn refused(&self, why: &str) {
        self.shared
            .intake
            .pipeline()
            .services()
            .metrics()
            .count("dossier_mail_refused_total", why);
    }

    /// Sends one reply; a peer that does not read it within the idle timeout (it sent
    /// commands without reading the answers) ends the session.
    pub(super) async fn reply(&mut self, text: &str) -> std::io::Result<()> {
        let idle = self.shared.settings.idle_timeout;
        let stream = &mut self.stream;
        let write = async {
            stream.write_all(text.as_bytes()).await?;
            stream.write_all(b"\r\n").await?;
            stream.flush().await
        };
        match tokio::time::timeout(idle, write).await {
            Ok(written) => written,
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the peer does not read its replies",
            )),
        }
    }

    /// Reads one line of at most `max` bytes, unless the peer stays silent, the session
    /// runs out of time or the server stops first.
    pub(super) async fn read(&mut self, max: usize) -> std::io::Result<Input> {
        let now = Instant::now();
        if now >= self.deadline {
            return Ok(Input::Expired);
        }
        let wait = self.shared.settings.idle_timeout.min(self.deadline - now);
        let reading = tokio::time::timeout(wait, read_line(&mut self.stream, &mut self.buf, max));
        tokio::select! {
            biased;
            _ = self.shutdown.wait_for(|stop| *stop) => Ok(Input::Shutdown),
            read = reading => match read {
                Ok(Ok(Line::Complete)) => Ok(Input::Line),
                Ok(Ok(Line::TooLong { crlf })) => Ok(Input::TooLong(crlf)),
                Ok(Ok(Line::Closed)) => Ok(Input::Closed),
                Ok(Err(err)) => Err(err),
                Err(_) if Instant::now() >= self.deadline => Ok(Input::Expired),
                Err(_) => Ok(Input::Idle),
            },
        }
    }

    /// Ends the session for an input that allows no more (the `421` says why).
    pub(super) async fn close(&mut self, input: Input) -> std::io::Result<Next> {
        let reply = match input {
            Input::Idle => "421 4.4.2 Idle too long, closing the connection",
            Input::Expired => "421 4.4.2 The session lasted too long, closing the connection",
            Input::Shutdown => "421 4.3.2 Service shutting down, try again later",
            Input::Line | Input::TooLong(_) | Input::Closed => return Ok(Next::Quit),
        };
        self.reply(reply).await?;
        Ok(Next::Quit)
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
            let next = match self.read(MAX_COMMAND_LINE).await? {
                Input::Line => {
                    let line = String::from_utf8_lossy(&self.buf)
                        .trim_end_matches(['\r', '\n'])
                        .to_string();
                    self.command(&line).await?
                }
                Input::TooLong(_) => {
                    self.reply("500 5.5.2 Line too long").await?;
                    Next::Continue
                }
                ended => self.close(ended).await?,
            };
            if !matches!(next, Next::Continue) {
                return Ok(next);
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
            "DATA" => return self.data().await,
            "RSET" => {
                if !matches!(self.state, State::Connected) {
                    self.state = State::Greeted;
                }
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
        self.state = State::Greeted;
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
}

/// A reply of several lines: `550-5.7.1 first`, …, `550 5.7.1 last` (RFC 5321 §4.2.1).
pub(super) fn multiline(code: &str, enhanced: &str, text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let sep = if i + 1 == lines.len() { ' ' } else { '-' };
            format!("{code}{sep}{enhanced} {line}")
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}
