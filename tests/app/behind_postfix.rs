//! The README's "Behind an existing MTA" recipes with a real Postfix on loopback: Postfix
//! relays the mail domain to Dossier over SMTP or LMTP; mail it is handed lands in the
//! dossier, and mail for a closed dossier comes back to its sender as Postfix's bounce,
//! carrying our sentence. Outward, Postfix is the relay a quote sent by staff goes
//! through into the client's Dovecot mailbox, its PDF with it; over STARTTLS or TLS when
//! the relay's authority is trusted, and not otherwise.

use std::future::ready;
use std::time::Duration;

use dossier::domain::{Addressing, ClientKind};

use crate::helpers::World;
use crate::mail_support::{Sink, Smtp, TestApp, reply_text, verified};
use crate::peers::Postfix;
use crate::polling::found_async;

async fn relayed_by_postfix(lmtp: bool) {
    let app = TestApp::spawn_with(
        |args| {
            if lmtp {
                args.lmtp = Some("127.0.0.1:0".parse().unwrap());
            }
            // Postfix on this machine is our MTA: its mail is judged by the milter's header.
            args.trusted_relay = vec!["127.0.0.1".parse().unwrap()];
        },
        None,
    )
    .await;
    // The sender's own mail server, where Postfix returns bounces.
    let sender_mx = Sink::start(&[]).await;
    let to_dossier = match app.lmtp {
        Some(lmtp) => format!("lmtp:inet:{lmtp}"),
        None => format!("smtp:[127.0.0.1]:{}", app.smtp.port()),
    };
    let to_sender = format!("smtp:[127.0.0.1]:{}", sender_mx.addr.port());
    let Some(postfix) = Postfix::start("dossier.test", &to_dossier, &to_sender, "") else {
        return;
    };
    let world = World::build_in(&app, ClientKind::Company);
    let closed = world.closed_dossier();
    let closed_number = closed.number.to_string();
    let addressing = Addressing::bare("dossier.test");
    let (open, closed) = (
        world.dossier.mail_address(&addressing),
        closed.mail_address(&addressing),
    );
    let postfix_addr = format!("127.0.0.1:{}", postfix.port).parse().unwrap();
    let mut smtp = Smtp::connect(postfix_addr).await;
    for (to, id, body) in [
        (&open, "pf-open@client.test", "Transmis par Postfix."),
        (&closed, "pf-closed@client.test", "Pour un dossier clos."),
    ] {
        let raw = verified(&reply_text("helene@client.test", to, id, body));
        let (_, done) = smtp.deliver("helene@client.test", &[to], &raw).await;
        assert!(done.starts_with("250"), "Postfix queued it: {done}");
    }

    let posted = || {
        app.messages(world.dossier.id)
            .iter()
            .any(|m| m.text == "Transmis par Postfix.")
    };
    found_async(
        Duration::from_secs(30),
        || ready((posted() && sender_mx.count() > 0).then_some(())),
        || {
            let bounces = sender_mx.count();
            format!(
                "posted: {}, bounces: {bounces}\n{}",
                posted(),
                postfix.log()
            )
        },
    )
    .await;
    let (rcpt, bounce) = sender_mx.received.lock().unwrap()[0].clone();
    assert!(rcpt.contains("helene@client.test"), "{rcpt}");
    let parsed = mail_parser::MessageParser::default()
        .parse(&bounce)
        .unwrap();
    assert_eq!(
        parsed.subject(),
        Some("Undelivered Mail Returned to Sender")
    );
    // The human-readable part, decoded, as the sender reads it.
    let text = parsed.body_text(0).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(&format!(
            "550-5.7.1 The dossier {closed_number} is closed: it no longer accepts messages."
        )) && text.contains(&format!("550 5.7.1 Le dossier {closed_number} est clos")),
        "our sentence, in both languages, is in the bounce: {text}"
    );
    let messages = app.messages(world.dossier.id);
    let message = messages
        .iter()
        .find(|m| m.text == "Transmis par Postfix.")
        .unwrap();
    assert_eq!(message.author, world.client.id);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postfix_relays_the_domain_over_smtp_and_bounces_mail_for_a_closed_dossier() {
    relayed_by_postfix(false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postfix_relays_the_domain_over_lmtp_and_bounces_mail_for_a_closed_dossier() {
    relayed_by_postfix(true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postfix_pipes_the_domain_to_ingest_and_bounces_mail_for_a_closed_dossier() {
    if !crate::peers::as_root() {
        // Postfix (and its pipe) start only as root; `Postfix::start` says so.
        let _ = Postfix::start("", "", "", "");
        return;
    }
    let mut world = World::build(ClientKind::Company);
    let addressing = Addressing::bare("dossier.localhost");
    let open = world.dossier.mail_address(&addressing);
    let closed = world.closed_dossier().mail_address(&addressing);
    let dossier_id = world.dossier.id;
    world.services().store().flush().unwrap();
    let dir = world.dir.take().unwrap();
    drop(world);
    // The pipe runs `dossier ingest` as an unprivileged user, who owns the data folder.
    crate::peers::open_to_all(dir.path());
    std::process::Command::new("chown")
        .args(["-R", "nobody"])
        .arg(dir.path())
        .status()
        .unwrap();
    let sender_mx = Sink::start(&[]).await;
    let pipe = format!(
        "dossier unix - n n - - pipe flags=R user=nobody argv={} --data {} --trusted-authserv-id mx.dossier.test --dns 127.0.0.1:9 ingest --sender ${{sender}} --rcpt ${{recipient}}\n",
        env!("CARGO_BIN_EXE_dossier"),
        dir.path().display()
    );
    let to_sender = format!("smtp:[127.0.0.1]:{}", sender_mx.addr.port());
    let Some(postfix) = Postfix::start("dossier.localhost", "dossier:", &to_sender, &pipe) else {
        return;
    };
    let postfix_addr = format!("127.0.0.1:{}", postfix.port).parse().unwrap();
    let mut smtp = Smtp::connect(postfix_addr).await;
    for (to, id, body) in [
        (&open, "pipe-open@client.test", "Par le tuyau."),
        (&closed, "pipe-closed@client.test", "Pour un dossier clos."),
    ] {
        let raw = verified(&reply_text("helene@client.test", to, id, body));
        let (_, done) = smtp.deliver("helene@client.test", &[to], &raw).await;
        assert!(done.starts_with("250"), "Postfix queued it: {done}");
    }
    let delivered = || sender_mx.count() > 0 && postfix.log().contains("status=sent");
    found_async(
        Duration::from_secs(30),
        || ready(delivered().then_some(())),
        || postfix.log(),
    )
    .await;
    let (_, bounce) = sender_mx.received.lock().unwrap()[0].clone();
    let parsed = mail_parser::MessageParser::default()
        .parse(&bounce)
        .unwrap();
    let text = parsed.body_text(0).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("is closed: it no longer accepts messages"),
        "our sentence is in the bounce: {text}"
    );
    drop(postfix);
    let store = dossier::store::Store::open(dir.path()).unwrap();
    let messages: Vec<dossier::domain::Message> = store.items(dossier_id).unwrap();
    assert!(
        messages.iter().any(|m| m.text == "Par le tuyau."),
        "the piped message is in the dossier"
    );
}

/// Staff send a new world's quote to its client, with a note; returns its number.
fn send_quote(app: &TestApp) -> String {
    let world = World::build_in(app, ClientKind::Company);
    let quote = app
        .app
        .notifier
        .send_document(
            &world.staff,
            world.dossier.id,
            world.quote.id,
            &[world.client.id],
            "Voici notre devis.",
            chrono::Utc::now(),
        )
        .unwrap();
    quote.number.to_string()
}

/// Sends the world's quote to its client through the relay at `relay` (trusting the
/// authorities of `ca`), and returns the quote's number and what the client's mail
/// server `client_mx` received (its RCPT line and the message), or the relay's error.
async fn quote_through(
    relay: String,
    ca: Option<std::path::PathBuf>,
    client_mx: &Sink,
    postfix: &Postfix,
) -> Result<(String, String, Vec<u8>), String> {
    let app = TestApp::spawn_with(
        |args| {
            args.relay = Some(relay);
            args.relay_ca = ca;
        },
        None,
    )
    .await;
    // What the client's server received before is another call's.
    let earlier = client_mx.count();
    let number = send_quote(&app);
    let subject = format!("devis {number}");
    let outcome = || {
        let received = client_mx.received.lock().unwrap();
        let found = received
            .iter()
            .skip(earlier)
            .find(|(_, data)| String::from_utf8_lossy(data).contains(&subject));
        if let Some((rcpt, data)) = found {
            return Some(Ok((number.clone(), rcpt.clone(), data.clone())));
        }
        // Not accepted by the relay: its error, once the first attempt is over.
        let mails = app.app.store().out_mails(10).unwrap();
        mails.into_iter().find_map(|m| {
            (m.subject.contains(&subject) && m.attempts > 0)
                .then(|| m.last_error.unwrap_or_default())
                .filter(|e| !e.is_empty())
                .map(Err)
        })
    };
    let outcome = found_async(
        Duration::from_secs(30),
        || ready(outcome()),
        || postfix.log(),
    )
    .await;
    app.stop().await;
    outcome
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quote_sent_by_staff_lands_in_the_clients_dovecot_mailbox_through_postfix() {
    let Some(dovecot) = crate::peers::Dovecot::start() else {
        return;
    };
    let Some(postfix) = Postfix::start(
        "dossier.test",
        "smtp:[127.0.0.1]:9",
        "dovecot:",
        &dovecot.delivery_service(),
    ) else {
        return;
    };
    let relay = format!("smtp://127.0.0.1:{}", postfix.port);
    let app = TestApp::spawn_with(|args| args.relay = Some(relay), None).await;
    let number = send_quote(&app);
    let inbox = || {
        let dovecot = &dovecot;
        async move { dovecot.messages("INBOX").await.into_iter().next() }
    };
    let raw = found_async(Duration::from_secs(30), inbox, || postfix.log()).await;
    let parsed = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .unwrap();
    use mail_parser::MimeHeaders;
    assert!(
        parsed
            .attachments()
            .any(|a| a.attachment_name() == Some(&format!("{number}.pdf"))),
        "the PDF is in the mailbox"
    );
    assert!(parsed.body_text(0).unwrap().contains("Voici notre devis."));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_relay_is_reached_over_starttls_and_tls_trusting_the_given_authority_only() {
    let client_mx = Sink::start(&[]).await;
    let to_client = format!("smtp:[127.0.0.1]:{}", client_mx.addr.port());
    // Postfix answers STARTTLS on one port and TLS from the first byte on another, with a
    // certificate for localhost that only `--relay-ca` makes trusted.
    let keys = tempfile::tempdir().unwrap();
    crate::peers::open_to_all(keys.path());
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let (cert_file, key_file) = (keys.path().join("cert.pem"), keys.path().join("key.pem"));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    let (starttls, wrapper) = (crate::peers::free_port(), crate::peers::free_port());
    let tls = format!(
        "-o smtpd_tls_cert_file={} -o smtpd_tls_key_file={} -o smtpd_tls_loglevel=1",
        cert_file.display(),
        key_file.display()
    );
    let services = format!(
        "127.0.0.1:{starttls} inet n - n - - smtpd {tls} -o smtpd_tls_security_level=encrypt\n\
         127.0.0.1:{wrapper} inet n - n - - smtpd {tls} -o smtpd_tls_wrappermode=yes\n\
         tlsmgr unix - - n 1000? 1 tlsmgr\n"
    );
    let Some(postfix) = Postfix::start("dossier.test", "smtp:[127.0.0.1]:9", &to_client, &services)
    else {
        return;
    };
    for relay in [
        format!("smtp://localhost:{starttls}?tls=required"),
        format!("smtps://localhost:{wrapper}"),
    ] {
        let refused = quote_through(relay.clone(), None, &client_mx, &postfix).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_lowercase().contains("certificate")),
            "{relay}: a certificate no known authority signed is refused: {refused:?}"
        );
        let delivered = quote_through(relay.clone(), Some(cert_file.clone()), &client_mx, &postfix)
            .await
            .unwrap_or_else(|e| panic!("{relay}: {e}\n{}", postfix.log()));
        assert!(delivered.1.contains("helene@client.test"), "{relay}");
    }
    assert!(
        postfix
            .log()
            .matches("TLS connection established from localhost")
            .count()
            >= 2,
        "{}",
        postfix.log()
    );
}
