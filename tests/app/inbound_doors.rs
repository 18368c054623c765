//! The listener's other faces: STARTTLS with a real certificate, LMTP's reply per
//! recipient, the idle timeout, and the caps on connections.

use std::sync::Arc;
use std::time::Duration;

use dossier::domain::ClientKind;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::helpers::World;
use crate::mail_support::{Smtp, TestApp, dot_stuff, reply_text};

fn certificate(
    dir: &std::path::Path,
) -> (
    tokio_rustls::TlsAcceptor,
    rustls::pki_types::CertificateDer<'static>,
) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["dossier.test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    let acceptor = dossier::mail::smtp::tls::acceptor(&cert_path, &key_path).unwrap();
    (acceptor, cert.der().clone())
}

async fn line(reader: &mut (impl AsyncBufReadExt + Unpin)) -> String {
    let mut reply = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        reply.push_str(&line);
        if line.as_bytes().get(3) != Some(&b'-') {
            return reply;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn starttls_secures_the_session_and_mail_still_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let (acceptor, cert) = certificate(dir.path());
    let test = TestApp::spawn_with(|_| {}, Some(acceptor)).await;
    let world = World::build_in(&test, ClientKind::Company);
    let to = world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));

    let mut plain = BufReader::new(TcpStream::connect(test.smtp).await.unwrap());
    assert!(line(&mut plain).await.starts_with("220"));
    plain
        .get_mut()
        .write_all(b"EHLO client.test\r\n")
        .await
        .unwrap();
    assert!(
        line(&mut plain).await.contains("250-STARTTLS"),
        "STARTTLS is offered"
    );
    plain.get_mut().write_all(b"STARTTLS\r\n").await.unwrap();
    assert!(line(&mut plain).await.starts_with("220 2.0.0"));

    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = rustls::pki_types::ServerName::try_from("dossier.test").unwrap();
    let secured = connector
        .connect(name, plain.into_inner())
        .await
        .expect("TLS handshake");
    let mut tls = BufReader::new(secured);
    tls.get_mut()
        .write_all(b"EHLO client.test\r\n")
        .await
        .unwrap();
    let ehlo = line(&mut tls).await;
    assert!(
        ehlo.starts_with("250") && !ehlo.contains("STARTTLS"),
        "not offered twice: {ehlo}"
    );
    let message = reply_text("helene@client.test", &to, "tls-1@client.test", "Par TLS.");
    let commands = format!("MAIL FROM:<helene@client.test>\r\nRCPT TO:<{to}>\r\nDATA\r\n");
    tls.get_mut().write_all(commands.as_bytes()).await.unwrap();
    for expected in ["250", "250", "354"] {
        assert!(line(&mut tls).await.starts_with(expected));
    }
    tls.get_mut()
        .write_all(format!("{}.\r\n", dot_stuff(&message)).as_bytes())
        .await
        .unwrap();
    assert!(line(&mut tls).await.starts_with("250"));
    test.processed().await;
    assert_eq!(
        test.messages(world.dossier.id).last().unwrap().text,
        "Par TLS."
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_pipelined_after_starttls_are_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let (acceptor, _) = certificate(dir.path());
    let test = TestApp::spawn_with(|_| {}, Some(acceptor)).await;
    let mut stream = TcpStream::connect(test.smtp).await.unwrap();
    let mut greeting = [0u8; 256];
    let _ = stream.read(&mut greeting).await.unwrap();
    stream
        .write_all(b"EHLO a.test\r\nSTARTTLS\r\nMAIL FROM:<injected@a.test>\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest)).await;
    assert!(
        read.is_ok(),
        "the server closes the connection instead of reading injected commands"
    );
    assert!(
        !String::from_utf8_lossy(&rest).contains("2.1.0"),
        "{}",
        String::from_utf8_lossy(&rest)
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lmtp_answers_once_per_recipient_after_data() {
    let test = TestApp::spawn_with(
        |args| args.lmtp = Some("127.0.0.1:0".parse().unwrap()),
        None,
    )
    .await;
    let world = World::build_in(&test, ClientKind::Company);
    let to = world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let reply = test
        .app
        .store()
        .reply_address(world.dossier.id, world.client.id)
        .unwrap();
    let to_reply = dossier::domain::OurAddress::Reply(reply.token).at("dossier.test");
    let mut lmtp = Smtp::connect(test.lmtp.unwrap()).await;
    assert!(
        lmtp.command("EHLO client.test").await.starts_with("500"),
        "LMTP wants LHLO"
    );
    assert!(lmtp.command("LHLO mta.test").await.starts_with("250"));
    assert!(
        lmtp.command("MAIL FROM:<helene@client.test>")
            .await
            .starts_with("250")
    );
    assert!(
        lmtp.command(&format!("RCPT TO:<{to}>"))
            .await
            .starts_with("250")
    );
    assert!(
        lmtp.command(&format!("RCPT TO:<{to_reply}>"))
            .await
            .starts_with("250")
    );
    assert!(lmtp.command("DATA").await.starts_with("354"));
    let message = reply_text("helene@client.test", &to, "lmtp-1@client.test", "Par LMTP.");
    lmtp.send(&format!("{}.\r\n", dot_stuff(&message))).await;
    assert!(lmtp.reply().await.starts_with("250"), "first recipient");
    assert!(lmtp.reply().await.starts_with("250"), "second recipient");
    test.processed().await;
    let texts = test.texts(world.dossier.id);
    assert_eq!(
        texts.iter().filter(|t| *t == "Par LMTP.").count(),
        1,
        "both recipients are one dossier: posted once"
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_silent_client_is_disconnected_after_the_idle_timeout() {
    let test = TestApp::spawn_with(|args| args.smtp_idle_timeout = Some(1), None).await;
    let mut smtp = Smtp::connect(test.smtp).await;
    let reply = tokio::time::timeout(Duration::from_secs(10), smtp.reply())
        .await
        .expect("a reply before 10 s");
    assert!(reply.starts_with("421 4.4.2"), "{reply}");
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_beyond_the_cap_of_one_peer_are_turned_away() {
    let test = TestApp::spawn_with(|args| args.smtp_max_per_peer = Some(2), None).await;
    let _first = Smtp::connect(test.smtp).await;
    let _second = Smtp::connect(test.smtp).await;
    let mut third = BufReader::new(TcpStream::connect(test.smtp).await.unwrap());
    let greeting = line(&mut third).await;
    assert!(greeting.starts_with("421 4.7.0"), "{greeting}");
    drop(_first);
    // Once the server has seen the first one go, a new connection is welcome again.
    let smtp = test.smtp;
    crate::polling::eventually_async("a freed slot", Duration::from_secs(10), || async move {
        let mut again = BufReader::new(TcpStream::connect(smtp).await.unwrap());
        line(&mut again).await.starts_with("220")
    })
    .await;
    test.stop().await;
}
