//! The IMAP intake against a real Dovecot on loopback: mail delivered into the business's
//! mailbox lands in its dossier, leaves the inbox only once stored here, mail for no
//! dossier stays, and a server killed in the middle ingests nothing twice.

use std::future::ready;
use std::time::Duration;

use dossier::domain::{Addressing, ClientKind, OurAddress};

use crate::helpers::World;
use crate::mail_support::{TestApp, reply_text};
use crate::peers::Dovecot;
use crate::polling::{eventually, eventually_async, found_async};

/// A message as the business's mail server files it: Return-Path, Delivered-To and its
/// verdict on the sender (authserv-id `mx.dossier.test`, which the tests trust) first.
fn delivered(to: &str, message_id: &str, body: &str) -> String {
    let raw = format!(
        "Return-Path: <helene@client.test>\nDelivered-To: {to}\nAuthentication-Results: mx.dossier.test; dmarc=pass header.from=client.test\n{}",
        reply_text("helene@client.test", to, message_id, body)
    );
    raw.replace('\n', "\r\n")
}

fn password_file(dovecot: &Dovecot) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), format!("{}\n", dovecot.password)).unwrap();
    file
}

/// The app reading `dovecot`'s inbox, its other settings tuned by `tune`.
async fn reading(
    dovecot: &Dovecot,
    password: &tempfile::NamedTempFile,
    tune: impl FnOnce(&mut dossier::config::ConfigArgs),
) -> TestApp {
    TestApp::spawn_with(
        |args| {
            args.imap = Some(dovecot.url());
            args.imap_password_file = Some(password.path().to_path_buf());
            tune(args);
        },
        None,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn mail_in_the_mailbox_reaches_its_dossier_and_leaves_the_inbox_once_stored() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let password = password_file(&dovecot);
    let app = reading(&dovecot, &password, |args| {
        args.plus_mailbox = Some("dossiers".into());
    })
    .await;
    let world = World::build_in(&app, ClientKind::Company);
    let to = world.dossier.mail_address(&app.app.config.addressing());
    assert!(to.starts_with("dossiers+2026-"), "{to}");
    let stranger = "Return-Path: <x@else.test>\r\nTo: contact@dossier.test\r\nSubject: Devis ?\r\nMessage-ID: <other@else.test>\r\n\r\nBonjour\r\n";
    dovecot.append("INBOX", stranger).await;
    dovecot
        .append(
            "INBOX",
            &delivered(&to, "imap-1@client.test", "Reçu par la boîte"),
        )
        .await;

    let stored = || {
        let (dovecot, app, world) = (&dovecot, &app, &world);
        async move {
            let inbox = dovecot.messages("INBOX").await;
            let posted = app
                .messages(world.dossier.id)
                .iter()
                .any(|m| m.text.contains("Reçu par la boîte"));
            let spooled = !app.app.pipeline.spool().pending().unwrap().is_empty();
            let in_inbox = inbox.iter().any(|m| m.contains("imap-1@client.test"));
            assert!(
                in_inbox || posted || spooled,
                "the message left the inbox before it was stored here"
            );
            posted && !in_inbox
        }
    };
    eventually_async(
        "the message stored, then gone from the inbox",
        Duration::from_secs(20),
        stored,
    )
    .await;
    let message = app
        .messages(world.dossier.id)
        .into_iter()
        .find(|m| m.text.contains("Reçu par la boîte"))
        .unwrap();
    assert_eq!(message.author, world.client.id);
    assert!(
        !message.text.contains("Pouvez-vous valider"),
        "the quote is cut"
    );
    let moved = dovecot.messages("Dossier").await;
    assert_eq!(moved.len(), 1, "stored mail is moved to the Dossier folder");
    let inbox = dovecot.messages("INBOX").await;
    assert_eq!(inbox.len(), 1, "mail for no dossier stays in the inbox");
    assert!(inbox[0].contains("other@else.test"));
    let log = app.last_log();
    assert_eq!(log.outcome.name(), "posted");
    app.stop().await;
}

#[test]
fn a_server_killed_while_reading_the_mailbox_ingests_nothing_twice() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let password = password_file(&dovecot);
    let mut world = World::build(ClientKind::Company);
    let addressing = Addressing {
        domain: "dossier.localhost".into(),
        plus_box: Some("dossiers".into()),
    };
    let to = world.dossier.mail_address(&addressing);
    let dossier_id = world.dossier.id;
    world.services().store().flush().unwrap();
    let dir = world.dir.take().unwrap();
    drop(world);

    const COUNT: usize = 24;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        for i in 0..COUNT {
            // No Message-ID: only the mailbox's own names (UIDVALIDITY, UID) tell a
            // second fetch of the same message apart.
            let id = format!("kill-{i}@client.test");
            let raw = delivered(&to, &id, &format!("Envoi {i}."))
                .replace(&format!("Message-ID: <{id}>\r\n"), "");
            dovecot.append("INBOX", &raw).await;
        }
    });
    let url = dovecot.url();
    let flags = [
        "--imap",
        url.as_str(),
        "--imap-password-file",
        password.path().to_str().unwrap(),
        "--plus-mailbox",
        "dossiers",
    ];
    // Killed as soon as some of the mail is taken, then again on each next start.
    for _ in 0..3 {
        let mut server = crate::child::Server::start(dir.path(), &flags);
        let within = Duration::from_secs(20);
        eventually("something taken from the inbox", within, || {
            runtime.block_on(dovecot.messages("INBOX")).len() < COUNT
        });
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }
    let server = crate::child::Server::start(dir.path(), &flags);
    eventually("the inbox emptied", Duration::from_secs(30), || {
        runtime.block_on(dovecot.messages("INBOX")).is_empty()
    });
    // A clean stop processes nothing more: wait until the spool is empty.
    let spool = dir.path().join("mail/spool");
    eventually(
        "processing every spooled message",
        Duration::from_secs(30),
        || std::fs::read_dir(&spool).is_ok_and(|mut d| d.next().is_none()),
    );
    assert!(server.terminate().success());

    let store = dossier::store::Store::open(dir.path()).unwrap();
    let messages: Vec<dossier::domain::Message> = store.items(dossier_id).unwrap();
    for i in 0..COUNT {
        let found = messages
            .iter()
            .filter(|m| m.text.contains(&format!("Envoi {i}.")))
            .count();
        assert_eq!(found, 1, "message {i} is in the dossier exactly once");
    }
    assert_eq!(runtime.block_on(dovecot.messages("Dossier")).len(), COUNT);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_that_cannot_be_moved_stays_in_the_inbox_and_is_posted_once() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let password = password_file(&dovecot);
    let app = reading(&dovecot, &password, |args| {
        // Dovecot refuses this name: every MOVE fails, every pass reads it again.
        args.imap_move_to = Some("bad..name".into());
    })
    .await;
    let world = World::build_in(&app, ClientKind::Company);
    world
        .services()
        .store()
        .set_may_create_dossiers(world.dossier.client, true)
        .unwrap();
    // To the new-dossier address: a second reading would open a second dossier.
    let to = app.app.config.addressing().write(&OurAddress::NewDossier);
    let raw = delivered(&to, "once@client.test", "Une seule fois.");
    dovecot.append("INBOX", &raw).await;
    let failures = || {
        let text = app.app.services.metrics().render(0, 0, 0, 0);
        text.lines()
            .find(|l| l.starts_with("dossier_imap_failures_total"))
            .and_then(|l| l.split_whitespace().last()?.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let retried = || ready(failures() >= 3);
    eventually_async("the intake retrying", Duration::from_secs(20), retried).await;
    app.processed().await;
    let log = app.app.store().mail_log(100).unwrap();
    let created = log.iter().filter(|l| l.outcome.name() == "created").count();
    assert_eq!(created, 1, "read three times, one dossier opened: {log:?}");
    assert_eq!(
        dovecot.messages("INBOX").await.len(),
        1,
        "it stays in the inbox"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn imaps_trusts_the_given_authority_and_nothing_else() {
    let Some(dovecot) = Dovecot::start_tls() else {
        return;
    };
    let password = password_file(&dovecot);
    let world_mail = |app: &TestApp, world: &World| {
        let to = world.dossier.mail_address(&app.app.config.addressing());
        delivered(&to, "tls@client.test", "Par une connexion chiffrée.")
    };
    // Without the authority: the certificate is refused and nothing is taken.
    let untrusting = reading(&dovecot, &password, |_| {}).await;
    let world = World::build_in(&untrusting, ClientKind::Company);
    dovecot
        .append("INBOX", &world_mail(&untrusting, &world))
        .await;
    let metrics = untrusting.app.services.clone();
    crate::polling::eventually_async("a refused connection", Duration::from_secs(20), || {
        let text = metrics.metrics().render(0, 0, 0, 0);
        async move { text.contains("dossier_imap_failures_total") }
    })
    .await;
    assert_eq!(dovecot.messages("INBOX").await.len(), 1);
    untrusting.stop().await;

    let app = reading(&dovecot, &password, |args| {
        args.imap_ca = dovecot.certificate.clone();
    })
    .await;
    let world = World::build_in(&app, ClientKind::Company);
    dovecot.append("INBOX", &world_mail(&app, &world)).await;
    let arrived = || {
        let messages = app.messages(world.dossier.id);
        ready(
            messages
                .iter()
                .any(|m| m.text == "Par une connexion chiffrée.")
                .then_some(()),
        )
    };
    let seen = || {
        let (log, spool) = (
            app.app.store().mail_log(5),
            app.app.pipeline.spool().pending(),
        );
        format!("the message did not arrive: {log:?} {spool:?}")
    };
    found_async(Duration::from_secs(20), arrived, seen).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mail_for_a_closed_dossier_or_an_unknown_key_is_judged_stays_and_holds_nothing_up() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let password = password_file(&dovecot);
    let app = reading(&dovecot, &password, |_| {}).await;
    let world = World::build_in(&app, ClientKind::Company);
    let addressing = app.app.config.addressing();
    let closed = world.closed_dossier().mail_address(&addressing);
    let unknown = format!("{}-00000000000000000000@dossier.test", world.dossier.number);
    let open = world.dossier.mail_address(&addressing);
    for (to, id) in [
        (&closed, "to-closed@client.test"),
        (&unknown, "to-unknown@client.test"),
    ] {
        dovecot.append("INBOX", &delivered(to, id, "Refusé.")).await;
    }
    dovecot
        .append(
            "INBOX",
            &delivered(&open, "after@client.test", "Toujours reçu."),
        )
        .await;
    let arrived = || {
        let messages = app.messages(world.dossier.id);
        ready(messages.iter().any(|m| m.text == "Toujours reçu."))
    };
    eventually_async(
        "the good message arriving",
        Duration::from_secs(20),
        arrived,
    )
    .await;
    let refused: Vec<String> = app
        .app
        .store()
        .mail_log(10)
        .unwrap()
        .into_iter()
        .filter(|l| l.outcome == dossier::domain::Outcome::Refused)
        .map(|l| l.recipient)
        .collect();
    assert!(
        refused.contains(&closed) && refused.contains(&unknown),
        "{refused:?}"
    );
    // Nothing stays in the spool (it empties once the good message is flushed).
    app.processed().await;
    assert_eq!(
        dovecot.messages("INBOX").await.len(),
        2,
        "the refused stay in the inbox"
    );
    app.stop().await;
}
