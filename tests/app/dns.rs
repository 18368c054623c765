//! A real DNS server on loopback for the sender checks, speaking the DNS protocol over
//! UDP and TCP to the server's real resolver. It answers TXT questions from a zone the
//! test writes (DKIM keys, SPF, DMARC); every other `.test` domain gets an SPF record
//! letting 127.0.0.0/8 send, and the key `dossier._domainkey` that [`sign`] signs with.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex};

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::DkimSigner;
use mail_auth::dkim::generate::DkimKeyPair;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

/// The SPF record of every `.test` domain the zone does not name.
pub const LOOPBACK_SPF: &str = "v=spf1 ip4:127.0.0.0/8 -all";
/// The selector of the test key.
pub const SELECTOR: &str = "dossier";

/// The one signing key of the suite (Ed25519: made in microseconds).
static KEY: LazyLock<DkimKeyPair> =
    LazyLock::new(|| DkimKeyPair::generate_ed25519().expect("an Ed25519 key"));

/// The DKIM record publishing the test key.
pub fn key_record() -> String {
    format!("v=DKIM1; k=ed25519; p={}", KEY.encoded_public_key())
}

/// `message` with CRLF line endings and a DKIM signature of `domain` (the test key).
pub fn sign(message: &str, domain: &str) -> String {
    let crlf = message.replace("\r\n", "\n").replace('\n', "\r\n");
    let key = Ed25519Key::from_pkcs8_der(KEY.private_key()).expect("the key reads back");
    let signature = DkimSigner::from_key(key)
        .domain(domain)
        .selector(SELECTOR)
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(crlf.as_bytes())
        .expect("the message is signed");
    format!("{}{crlf}", signature.to_header())
}

/// Names → TXT strings; an empty list answers "no such name".
type Zone = Arc<Mutex<HashMap<String, Vec<String>>>>;

/// The running server.
pub struct TestDns {
    pub addr: SocketAddr,
    zone: Zone,
    // For a test without a runtime of its own: the server's.
    _runtime: Option<tokio::runtime::Runtime>,
}

impl TestDns {
    /// A server for a test that has no runtime: it runs on one of its own.
    pub fn in_thread() -> TestDns {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let mut dns = runtime.block_on(TestDns::start());
        dns._runtime = Some(runtime);
        dns
    }

    /// Binds UDP and TCP on the same loopback port and answers until the runtime ends.
    pub async fn start() -> TestDns {
        let (udp, tcp) = loop {
            let udp = UdpSocket::bind("127.0.0.1:0").await.expect("a UDP port");
            if let Ok(tcp) = TcpListener::bind(udp.local_addr().unwrap()).await {
                break (udp, tcp);
            }
        };
        let addr = udp.local_addr().unwrap();
        let zone: Zone = Arc::default();
        let answers = zone.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            while let Ok((n, peer)) = udp.recv_from(&mut buf).await {
                if let Some(reply) = answer(&answers, &buf[..n]) {
                    let _ = udp.send_to(&reply, peer).await;
                }
            }
        });
        let answers = zone.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = tcp.accept().await {
                let answers = answers.clone();
                tokio::spawn(async move {
                    // RFC 1035 §4.2.2: each message is preceded by its two-byte length.
                    loop {
                        let Ok(len) = stream.read_u16().await else {
                            return;
                        };
                        let mut query = vec![0u8; len as usize];
                        if stream.read_exact(&mut query).await.is_err() {
                            return;
                        }
                        let Some(reply) = answer(&answers, &query) else {
                            return;
                        };
                        let mut framed = (reply.len() as u16).to_be_bytes().to_vec();
                        framed.extend_from_slice(&reply);
                        if stream.write_all(&framed).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        TestDns {
            addr,
            zone,
            _runtime: None,
        }
    }

    /// Publishes `records` as the TXT strings of `name` (none: the name does not exist).
    pub fn set(&self, name: &str, records: &[&str]) {
        let key = name.trim_end_matches('.').to_ascii_lowercase();
        let values = records.iter().map(|r| r.to_string()).collect();
        self.zone.lock().unwrap().insert(key, values);
    }
}

/// The TXT strings of `name`: the zone's, else the defaults for `.test` domains.
fn lookup(zone: &Zone, name: &str) -> Vec<String> {
    if let Some(values) = zone.lock().unwrap().get(name) {
        return values.clone();
    }
    if !name.ends_with(".test") {
        return Vec::new();
    }
    if name.starts_with(&format!("{SELECTOR}._domainkey.")) {
        return vec![key_record()];
    }
    if name.starts_with('_') || name.contains("._") {
        return Vec::new();
    }
    vec![LOOPBACK_SPF.to_string()]
}

fn answer(zone: &Zone, query: &[u8]) -> Option<Vec<u8>> {
    let request = Message::from_vec(query).ok()?;
    let mut reply = Message::response(request.metadata.id, request.metadata.op_code);
    reply.metadata.message_type = MessageType::Response;
    reply.metadata.authoritative = true;
    reply.metadata.recursion_desired = request.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    let mut found_name = false;
    for question in &request.queries {
        reply.add_query(question.clone());
        let name = question
            .name()
            .to_ascii()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let values = lookup(zone, &name);
        found_name |= !values.is_empty() || lookup_exists(&name);
        if question.query_type() != RecordType::TXT {
            continue;
        }
        for value in values {
            // A TXT string is at most 255 bytes: longer records go as several strings.
            let parts = value
                .as_bytes()
                .chunks(255)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            let owner = Name::from_ascii(format!("{name}.")).ok()?;
            reply.add_answer(Record::from_rdata(owner, 60, RData::TXT(TXT::new(parts))));
        }
    }
    if !found_name {
        reply.metadata.response_code = ResponseCode::NXDomain;
    }
    reply.to_vec().ok()
}

/// Domains themselves exist (they have an SPF record); `_dmarc` and unknown keys do not.
fn lookup_exists(name: &str) -> bool {
    name.ends_with(".test") && !name.starts_with('_') && !name.contains("._")
}

impl TestDns {
    /// A resolver asking this server, as a forwarder's own checks would.
    pub fn authenticator(&self) -> mail_auth::MessageAuthenticator {
        use mail_auth::hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
        let mut server = NameServerConfig::udp_and_tcp(self.addr.ip());
        for connection in &mut server.connections {
            connection.port = self.addr.port();
        }
        mail_auth::MessageAuthenticator::new(
            ResolverConfig::from_name_servers(vec![server]),
            ResolverOpts::default(),
        )
        .expect("a resolver")
    }

    /// `message` as a mailing list at `sealer` passes it on: it checks the sender on
    /// arrival, tags the subject (which breaks the author's DKIM signature), then adds
    /// an ARC set (RFC 8617) recording what it saw, sealed with the test key.
    pub async fn forward_with_arc(&self, message: &str, sealer: &str) -> String {
        use mail_auth::arc::ArcSealer;
        use mail_auth::dmarc::verify::DmarcParameters;
        use mail_auth::{AuthenticatedMessage, AuthenticationResults};
        let resolver = self.authenticator();
        let received = AuthenticatedMessage::parse(message.as_bytes()).expect("a message");
        let dkim = resolver.verify_dkim(&received).await;
        let spf = mail_auth::SpfOutput::new(String::new());
        let dmarc = resolver
            .verify_dmarc(DmarcParameters::new(&received, &dkim, "", &spf))
            .await;
        let results = AuthenticationResults::new(sealer)
            .with_dkim_results(&dkim, "")
            .with_dmarc_result(&dmarc);
        let tagged = message.replacen("Subject: ", "Subject: [liste] ", 1);
        let forwarded = AuthenticatedMessage::parse(tagged.as_bytes()).expect("a message");
        let chain = resolver.verify_arc(&forwarded).await;
        let key = Ed25519Key::from_pkcs8_der(KEY.private_key()).expect("the key reads back");
        let set = ArcSealer::from_key(key)
            .domain(sealer)
            .selector(SELECTOR)
            .headers(["From", "To", "Subject", "Date", "Message-ID"])
            .seal(&forwarded, &results, &chain)
            .expect("sealed");
        format!("{}{tagged}", set.to_header())
    }
}
