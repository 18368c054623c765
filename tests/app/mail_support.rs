//! Helpers for the mail tests: the whole app served in-process on port 0, a raw SMTP
//! client that speaks protocol lines, and messages built as mail programs write them.

use std::net::SocketAddr;

use dossier::app::{App, Listeners};
use dossier::config::{Config, ConfigArgs};
use dossier::domain::{LogEntry, Message};
use dossier::service::Services;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use crate::dns::TestDns;
use crate::helpers::People;

/// The app, served on `127.0.0.1:0`, with its data in a temp dir.
pub struct TestApp {
    pub app: App,
    pub http: SocketAddr,
    pub smtp: SocketAddr,
    pub lmtp: Option<SocketAddr>,
    /// The DNS server the sender checks ask.
    pub dns: TestDns,
    pub _dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl People for TestApp {
    fn services(&self) -> &Services {
        &self.app.services
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}, None).await
    }

    /// With changed settings and, if given, STARTTLS.
    pub async fn spawn_with(
        tune: impl FnOnce(&mut ConfigArgs),
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> TestApp {
        TestApp::spawn_configured(tune, |_| {}, tls).await
    }

    /// With changed settings, then a changed configuration (for what has no flag).
    pub async fn spawn_configured(
        tune: impl FnOnce(&mut ConfigArgs),
        adjust: impl FnOnce(&mut Config),
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let dns = TestDns::start().await;
        let mut args = ConfigArgs {
            data: Some(dir.path().to_path_buf()),
            mail_domain: Some("dossier.test".into()),
            max_message_bytes: Some(1024 * 1024),
            trusted_authserv_id: vec!["mx.dossier.test".into()],
            dns: Some(dns.addr),
            ..ConfigArgs::default()
        };
        tune(&mut args);
        let with_lmtp = args.lmtp.is_some();
        let bind = || async { tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap() };
        let (http, smtp) = (bind().await, bind().await);
        let mut config = Config::load(&args).unwrap();
        config.serve_on(http.local_addr().unwrap());
        adjust(&mut config);
        let app = App::open(config).unwrap();
        let lmtp = if with_lmtp { Some(bind().await) } else { None };
        let lmtp_addr = lmtp.as_ref().map(|l| l.local_addr().unwrap());
        let (http_addr, smtp_addr) = (http.local_addr().unwrap(), smtp.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = app.clone();
        let task = tokio::spawn(async move {
            let listeners = Listeners {
                tls,
                http,
                smtp,
                lmtp,
            };
            serving
                .serve(listeners, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        TestApp {
            app,
            http: http_addr,
            smtp: smtp_addr,
            lmtp: lmtp_addr,
            dns,
            _dir: dir,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops serving and waits for the flush.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }

    /// Waits until the spool is empty (every accepted message processed).
    pub async fn processed(&self) {
        self.processed_within(std::time::Duration::from_secs(5))
            .await
    }

    /// Waits until the spool is empty, at most `bound`.
    pub async fn processed_within(&self, bound: std::time::Duration) {
        let empty = || std::future::ready(self.app.pipeline.spool().pending().unwrap().is_empty());
        crate::polling::eventually_async("the spool processed", bound, empty).await;
    }

    /// The newest mail log line.
    pub fn last_log(&self) -> LogEntry {
        self.app
            .store()
            .mail_log(1)
            .unwrap()
            .pop()
            .expect("a log line")
    }

    /// The messages of a dossier.
    pub fn messages(&self, dossier: dossier::domain::DossierId) -> Vec<Message> {
        self.app.store().items(dossier).unwrap()
    }

    /// The texts of a dossier's messages, oldest first.
    pub fn texts(&self, dossier: dossier::domain::DossierId) -> Vec<String> {
        self.messages(dossier).into_iter().map(|m| m.text).collect()
    }
}

/// A raw SMTP client: send lines, read replies.
pub struct Smtp {
    reader: BufReader<TcpStream>,
}

impl Smtp {
    pub async fn connect(addr: SocketAddr) -> Smtp {
        let mut smtp = Smtp {
            reader: BufReader::new(TcpStream::connect(addr).await.unwrap()),
        };
        let greeting = smtp.reply().await;
        assert!(greeting.starts_with("220 "), "{greeting}");
        smtp
    }

    /// Reads one reply (all its lines), joined with newlines.
    pub async fn reply(&mut self) -> String {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(
                std::time::Duration::from_secs(20),
                self.reader.read_line(&mut line),
            )
            .await
            .expect("a reply in time")
            .unwrap();
            assert!(n > 0, "connection closed; got so far {lines:?}");
            let line = line.trim_end().to_string();
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                return lines.join("\n");
            }
        }
    }

    /// The connection itself, to read what the server sends unasked.
    pub fn stream(&mut self) -> &mut BufReader<TcpStream> {
        &mut self.reader
    }

    pub async fn send(&mut self, bytes: &str) {
        self.reader
            .get_mut()
            .write_all(bytes.as_bytes())
            .await
            .unwrap();
    }

    /// Sends one command line and returns the reply.
    pub async fn command(&mut self, line: &str) -> String {
        self.send(&format!("{line}\r\n")).await;
        self.reply().await
    }

    /// `greeting` (EHLO or LHLO), MAIL, one RCPT and DATA, each accepted: the session is
    /// then in DATA.
    pub async fn start_data(&mut self, greeting: &str, from: &str, to: &str) {
        for command in [
            greeting.to_string(),
            format!("MAIL FROM:<{from}>"),
            format!("RCPT TO:<{to}>"),
        ] {
            let reply = self.command(&command).await;
            assert!(reply.starts_with("250"), "{command}: {reply}");
        }
        let data = self.command("DATA").await;
        assert!(data.starts_with("354"), "{data}");
    }

    /// EHLO, MAIL, each RCPT (their replies), DATA and the message; the final reply.
    pub async fn deliver(
        &mut self,
        from: &str,
        to: &[&str],
        message: &str,
    ) -> (Vec<String>, String) {
        let ehlo = self.command("EHLO client.test").await;
        assert!(ehlo.starts_with("250"), "{ehlo}");
        let mail = self.command(&format!("MAIL FROM:<{from}>")).await;
        assert!(mail.starts_with("250"), "{mail}");
        let mut rcpts = Vec::new();
        for rcpt in to {
            rcpts.push(self.command(&format!("RCPT TO:<{rcpt}>")).await);
        }
        let data = self.command("DATA").await;
        if !data.starts_with("354") {
            return (rcpts, data);
        }
        self.send(&dot_stuff(message)).await;
        self.send(".\r\n").await;
        (rcpts, self.reply().await)
    }
}

/// CRLF line endings and dot-stuffing, as a client does before DATA.
pub fn dot_stuff(message: &str) -> String {
    let mut out = String::new();
    for line in message.replace("\r\n", "\n").split_inclusive('\n') {
        let line = line.strip_suffix('\n').unwrap_or(line);
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out
}

/// A reply as Thunderbird writes it: text, a quote header and the quoted notification.
pub fn reply_text(from: &str, to: &str, message_id: &str, body: &str) -> String {
    format!(
        "From: {from}\nTo: {to}\nSubject: Re: [2026-0001] Cuisine\nMessage-ID: <{message_id}>\nDate: Mon, 3 Nov 2025 14:30:00 +0100\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n{body}\n\nLe 03/11/2025 à 10:00, Claire Moreau a écrit :\n> Pouvez-vous valider le plan ?\n"
    )
}

/// `message` as it leaves an MTA whose DMARC milter (authserv-id `mx.dossier.test`, which
/// the tests trust) verified its From.
pub fn verified(message: &str) -> String {
    let from = message
        .lines()
        .find_map(|l| l.strip_prefix("From: "))
        .and_then(|f| f.trim().trim_end_matches('>').rsplit('@').next())
        .unwrap_or("")
        .to_string();
    format!("Authentication-Results: mx.dossier.test; dmarc=pass header.from={from}\r\n{message}")
}

/// A reply with one attachment, built by lettre's message builder.
pub fn reply_with_attachment(
    from: &str,
    to: &str,
    message_id: &str,
    name: &str,
    content: &[u8],
) -> String {
    use lettre::message::header::ContentType;
    use lettre::message::{Attachment, MultiPart, SinglePart};
    let message = lettre::Message::builder()
        .from(from.parse().unwrap())
        .to(to.parse().unwrap())
        .subject("Re: plan")
        .message_id(Some(format!("<{message_id}>")))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain("Voici le plan signé.".to_string()))
                .singlepart(Attachment::new(name.to_string()).body(
                    content.to_vec(),
                    ContentType::parse("application/pdf").unwrap(),
                )),
        )
        .unwrap();
    String::from_utf8(message.formatted()).unwrap()
}

/// What a sink accepted: the RCPT line and the message, in order.
pub type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;

/// A scripted SMTP sink standing in for a relay: it answers each message with the next
/// reply of its script (250 once the script is used up) and keeps what it was sent.
pub struct Sink {
    pub addr: SocketAddr,
    pub received: Received,
}

impl Sink {
    pub async fn start(script: &[&'static str]) -> Sink {
        Sink::start_on("127.0.0.1:0".parse().unwrap(), script).await
    }

    /// A relay that knows no mailbox `address`: it refuses it at RCPT as Postfix words it.
    pub async fn refusing(address: &'static str) -> Sink {
        Sink::serve("127.0.0.1:0".parse().unwrap(), &[], Some(address)).await
    }

    /// On a chosen address (a relay coming back where it was).
    pub async fn start_on(addr: SocketAddr, script: &[&'static str]) -> Sink {
        Sink::serve(addr, script, None).await
    }

    async fn serve(
        addr: SocketAddr,
        script: &[&'static str],
        unknown: Option<&'static str>,
    ) -> Sink {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let script = std::sync::Arc::new(std::sync::Mutex::new(
            script
                .iter()
                .map(|s| s.to_string())
                .collect::<std::collections::VecDeque<_>>(),
        ));
        let kept = received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (kept, script) = (kept.clone(), script.clone());
                tokio::spawn(async move {
                    let mut stream = BufReader::new(stream);
                    let _ = stream.get_mut().write_all(b"220 sink ready\r\n").await;
                    let mut line = String::new();
                    let mut rcpt = String::new();
                    loop {
                        line.clear();
                        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let reply = match verb.as_str() {
                            "EHLO" | "HELO" => "250 sink".to_string(),
                            "RCPT" => match unknown.filter(|a| line.contains(&format!("<{a}>"))) {
                                Some(a) => format!(
                                    "550 5.1.1 <{a}>: Recipient address rejected: User unknown in local recipient table"
                                ),
                                None => {
                                    rcpt = line.trim().to_string();
                                    "250 ok".to_string()
                                }
                            },
                            "DATA" => {
                                let _ = stream.get_mut().write_all(b"354 go on\r\n").await;
                                let mut data = Vec::new();
                                loop {
                                    let mut l = String::new();
                                    if stream.read_line(&mut l).await.unwrap_or(0) == 0 {
                                        return;
                                    }
                                    if l == ".\r\n" {
                                        break;
                                    }
                                    data.extend_from_slice(l.as_bytes());
                                }
                                let reply = script
                                    .lock()
                                    .unwrap()
                                    .pop_front()
                                    .unwrap_or_else(|| "250 2.0.0 queued".into());
                                if reply.starts_with('2') {
                                    kept.lock().unwrap().push((rcpt.clone(), data));
                                }
                                reply
                            }
                            "QUIT" => {
                                let _ = stream.get_mut().write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => "250 ok".to_string(),
                        };
                        let _ = stream
                            .get_mut()
                            .write_all(format!("{reply}\r\n").as_bytes())
                            .await;
                    }
                });
            }
        });
        Sink { addr, received }
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}
