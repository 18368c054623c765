//! The SMTP door: replies become messages and attachments files; recipients are judged
//! at RCPT; the protocol's corners (pipelining, dot-stuffing, long lines, size);
//! every row of SPEC §4's outcome table.

use dossier::domain::{ClientKind, Dossier, FileEntry, OurAddress, Outcome, Token};

use crate::helpers::World;
use crate::mail_support::{Smtp, TestApp, reply_text, reply_with_attachment};

struct Setup {
    test: TestApp,
    world: World,
    closed: Dossier,
}

async fn setup() -> Setup {
    let test = TestApp::spawn().await;
    let world = World::build_in(&test, ClientKind::Company);
    let closed = world.closed_dossier();
    Setup {
        test,
        world,
        closed,
    }
}

fn address(d: &Dossier) -> String {
    d.mail_address(&dossier::domain::Addressing::bare("dossier.test"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_actors_reply_becomes_a_message_and_its_attachment_a_file() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let pdf = b"%PDF-1.4 plan signe".to_vec();
    let message = reply_with_attachment(
        "helene@client.test",
        &to,
        "plan-1@client.test",
        "plan signé.pdf",
        &pdf,
    );
    let mut smtp = Smtp::connect(test.smtp).await;
    let (rcpts, done) = smtp.deliver("helene@client.test", &[&to], &message).await;
    assert!(rcpts[0].starts_with("250 2.1.5"), "{rcpts:?}");
    assert!(done.starts_with("250 2.0.0"), "{done}");
    test.processed().await;

    let messages = test.messages(world.dossier.id);
    let posted = messages.last().unwrap();
    assert_eq!(posted.author, world.client.id);
    assert_eq!(posted.text, "Voici le plan signé.");
    assert_eq!(posted.attachments.len(), 1);
    let files: Vec<FileEntry> = test.app.store().items(world.dossier.id).unwrap();
    let file = files
        .iter()
        .find(|f| f.id == posted.attachments[0])
        .unwrap();
    assert_eq!(file.blob.name.as_str(), "plan signé.pdf");
    assert_eq!(file.blob.content_type, "application/pdf");
    assert_eq!(
        test.app.store().blobs().read(&file.blob.sha256).unwrap(),
        pdf
    );
    let origin = posted.mail.as_ref().expect("the original mail is kept");
    assert!(test.app.store().blobs().exists(&origin.raw_sha256));
    assert!(matches!(test.last_log().outcome, Outcome::Posted { .. }));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_sent_by_a_real_client_library_is_trimmed_and_posted() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let raw = reply_text(
        "Hélène <helene@client.test>",
        &to,
        "lettre-1@client.test",
        "Parfait, c'est validé.",
    )
    // On the wire every line ends in CRLF, as lettre's own message builder writes them.
    .replace('\n', "\r\n");
    let port = test.smtp.port();
    let sent = tokio::task::spawn_blocking(move || {
        use lettre::{SmtpTransport, Transport};
        let envelope = lettre::address::Envelope::new(
            Some("helene@client.test".parse().unwrap()),
            vec![to.parse().unwrap()],
        )
        .unwrap();
        SmtpTransport::builder_dangerous("127.0.0.1")
            .port(port)
            .build()
            .send_raw(&envelope, raw.as_bytes())
    })
    .await
    .unwrap();
    assert!(sent.is_ok(), "{sent:?}");
    test.processed().await;
    let posted = test.messages(world.dossier.id).pop().unwrap();
    assert_eq!(posted.text, "Parfait, c'est validé.");
    assert!(
        posted.elided.contains("Pouvez-vous valider le plan ?"),
        "{}",
        posted.elided
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recipients_are_judged_at_rcpt() {
    let Setup {
        test,
        world,
        closed,
    } = setup().await;
    let mut smtp = Smtp::connect(test.smtp).await;
    assert!(
        smtp.command("EHLO client.test")
            .await
            .contains("SIZE 1048576")
    );
    assert!(
        smtp.command("MAIL FROM:<helene@client.test>")
            .await
            .starts_with("250")
    );
    let unknown = smtp.command("RCPT TO:<nobody@dossier.test>").await;
    assert!(unknown.starts_with("550 5.1.1"), "{unknown}");
    let elsewhere = smtp.command("RCPT TO:<someone@example.org>").await;
    assert!(elsewhere.starts_with("550 5.1.1"), "{elsewhere}");
    let wrong_key = smtp
        .command(&format!(
            "RCPT TO:<{}-00000000000000000000@dossier.test>",
            world.dossier.number
        ))
        .await;
    assert!(wrong_key.starts_with("550 5.1.1"), "{wrong_key}");
    let refused = smtp
        .command(&format!("RCPT TO:<{}>", address(&closed)))
        .await;
    assert!(
        refused.starts_with("550-5.7.1") && refused.contains("is closed"),
        "{refused}"
    );
    let upper = address(&world.dossier).to_uppercase();
    assert!(
        smtp.command(&format!("RCPT TO:<{upper}>"))
            .await
            .starts_with("250"),
        "case does not matter"
    );
    for _ in 1..100 {
        assert!(
            smtp.command(&format!("RCPT TO:<{}>", address(&world.dossier)))
                .await
                .starts_with("250")
        );
    }
    let too_many = smtp
        .command(&format!("RCPT TO:<{}>", address(&world.dossier)))
        .await;
    assert!(
        too_many.starts_with("452"),
        "the 101st recipient: {too_many}"
    );
    assert!(smtp.command("QUIT").await.starts_with("221"));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pipelined_commands_dot_stuffing_and_long_lines_are_handled() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let mut smtp = Smtp::connect(test.smtp).await;
    // Everything up to DATA in one write, as PIPELINING allows.
    smtp.send(&format!(
        "EHLO client.test\r\nMAIL FROM:<helene@client.test>\r\nRCPT TO:<{to}>\r\nDATA\r\n"
    ))
    .await;
    assert!(smtp.reply().await.starts_with("250-"));
    assert!(smtp.reply().await.starts_with("250 2.1.0"));
    assert!(smtp.reply().await.starts_with("250 2.1.5"));
    assert!(smtp.reply().await.starts_with("354"));
    let long = "x".repeat(5000);
    let body = format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: points\r\nMessage-ID: <dots@client.test>\r\n\r\nLigne 1\r\n..point au début\r\n.encore\r\n{long}\r\nfin\r\n.\r\n"
    );
    smtp.send(&body).await;
    let done = smtp.reply().await;
    assert!(done.starts_with("250"), "{done}");
    let too_long = smtp.command(&format!("NOOP {}", "y".repeat(2000))).await;
    assert!(too_long.starts_with("500 5.5.2"), "{too_long}");
    assert!(
        smtp.command("NOOP").await.starts_with("250"),
        "the session goes on"
    );
    assert!(smtp.command("VRFY claire").await.starts_with("252"));
    test.processed().await;
    let posted = test.messages(world.dossier.id).pop().unwrap();
    assert!(
        posted.text.contains("\n.point au début\n"),
        "dot-unstuffed: {:?}",
        posted.text
    );
    assert!(
        posted.text.contains("\nencore\n"),
        "a line starting with one dot loses it: {:?}",
        posted.text
    );
    assert!(posted.text.contains(&long), "a 5,000-octet line is kept");
    assert!(posted.text.ends_with("fin"));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_messages_are_refused_with_552() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let mut smtp = Smtp::connect(test.smtp).await;
    smtp.command("EHLO client.test").await;
    let declared = smtp
        .command("MAIL FROM:<helene@client.test> SIZE=99999999")
        .await;
    assert!(declared.starts_with("552 5.3.4"), "{declared}");
    let big = format!(
        "From: helene@client.test\nSubject: gros\n\n{}\n",
        "0123456789\n".repeat(120_000)
    );
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &big).await;
    assert!(done.starts_with("552 5.3.4"), "{done}");
    assert!(
        smtp.command("NOOP").await.starts_with("250"),
        "the session survives"
    );
    assert!(
        test.app.pipeline.spool().pending().unwrap().is_empty(),
        "nothing spooled"
    );
    test.stop().await;
}

/// One row of SPEC §4's table: what is sent, and what must happen.
struct Case {
    name: &'static str,
    from: &'static str,
    to: fn(&Setup) -> String,
    extra_headers: &'static str,
    subject: &'static str,
    body: &'static str,
    outcome: &'static str,
    posted: bool,
}

fn reply_address_of_client(s: &Setup) -> String {
    let reply = s
        .test
        .app
        .store()
        .reply_address(s.world.dossier.id, s.world.client.id)
        .unwrap();
    OurAddress::Reply(reply.token).at("dossier.test")
}

fn dossier_address(s: &Setup) -> String {
    address(&s.world.dossier)
}

const CASES: &[Case] = &[
    Case {
        name: "an actor writes to the dossier address",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Re: Cuisine",
        body: "C'est validé.",
        outcome: "posted",
        posted: true,
    },
    Case {
        name: "the owner answers their reply address",
        from: "helene@client.test",
        to: reply_address_of_client,
        extra_headers: "",
        subject: "Re: Cuisine",
        body: "Merci.",
        outcome: "posted",
        posted: true,
    },
    Case {
        name: "a stranger writes to the dossier address",
        from: "eve@autre.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Hello",
        body: "Je m'invite.",
        outcome: "held",
        posted: false,
    },
    Case {
        name: "an unknown sender writes to the dossier address",
        from: "spam@nowhere.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Offre",
        body: "Achetez.",
        outcome: "held",
        posted: false,
    },
    Case {
        name: "someone else answers a reply address",
        from: "thomas@fabre.test",
        to: reply_address_of_client,
        extra_headers: "",
        subject: "Re: Cuisine",
        body: "Je réponds pour Hélène.",
        outcome: "held",
        posted: false,
    },
    Case {
        name: "as the MX, a verdict written before us is ignored, even under a trusted name",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "Authentication-Results: mx.dossier.test; dmarc=fail header.from=client.test\r\n",
        subject: "Re: Cuisine",
        body: "Vérifié par nous.",
        outcome: "posted",
        posted: true,
    },
    Case {
        name: "an untrusted DMARC verdict is ignored",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "Authentication-Results: evil.example; dmarc=fail\r\n",
        subject: "Re: Cuisine",
        body: "Bonjour.",
        outcome: "posted",
        posted: true,
    },
    Case {
        name: "Auto-Submitted",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "Auto-Submitted: auto-replied\r\n",
        subject: "Re: Cuisine",
        body: "Je suis absente.",
        outcome: "auto-reply",
        posted: false,
    },
    Case {
        name: "X-Autoreply",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "X-Autoreply: yes\r\n",
        subject: "Re: Cuisine",
        body: "Absente.",
        outcome: "auto-reply",
        posted: false,
    },
    Case {
        name: "Precedence: bulk",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "Precedence: bulk\r\n",
        subject: "Newsletter",
        body: "Promo.",
        outcome: "auto-reply",
        posted: false,
    },
    Case {
        name: "an out-of-office subject",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Réponse automatique : Cuisine",
        body: "Absente jusqu'au 12.",
        outcome: "auto-reply",
        posted: false,
    },
    Case {
        name: "our own loop header",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "X-Dossier-Loop: dossier.test\r\n",
        subject: "Re: Cuisine",
        body: "Boucle.",
        outcome: "loop",
        posted: false,
    },
    Case {
        name: "nothing left after trimming",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Re: Cuisine",
        body: "Le lun. 3 nov. 2025, Claire a écrit :\r\n> Pouvez-vous valider ?",
        outcome: "empty",
        posted: false,
    },
];

async fn send_case(setup: &Setup, case: &Case, message_id: &str) -> String {
    let to = (case.to)(setup);
    let message = format!(
        "From: {}\r\nTo: {to}\r\nSubject: {}\r\nMessage-ID: <{message_id}>\r\n{}Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        case.from, case.subject, case.extra_headers, case.body
    );
    let mut smtp = Smtp::connect(setup.test.smtp).await;
    let (_, done) = smtp.deliver(case.from, &[&to], &message).await;
    done
}

#[tokio::test(flavor = "multi_thread")]
async fn every_outcome_of_the_table_holds_through_smtp() {
    let setup = setup().await;
    let mut failures = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let before = setup.test.messages(setup.world.dossier.id).len();
        let done = send_case(&setup, case, &format!("case-{i}@client.test")).await;
        assert!(done.starts_with("250"), "{}: {done}", case.name);
        setup.test.processed().await;
        let log = setup.test.last_log();
        let after = setup.test.messages(setup.world.dossier.id).len();
        if log.outcome.name() != case.outcome || (after > before) != case.posted {
            failures.push(format!(
                "«{}»: {} (posted: {}), expected {} (posted: {}); reasons {:?}",
                case.name,
                log.outcome.name(),
                after > before,
                case.outcome,
                case.posted,
                log.reasons
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let held = setup.test.app.store().held_mail().unwrap();
    assert_eq!(
        held.len(),
        CASES.iter().filter(|c| c.outcome == "held").count(),
        "every held mail waits for review"
    );
    setup.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_message_id_is_posted_once() {
    let setup = setup().await;
    let case = &CASES[0];
    for _ in 0..2 {
        assert!(
            send_case(&setup, case, "same@client.test")
                .await
                .starts_with("250")
        );
        setup.test.processed().await;
    }
    let posted = setup
        .test
        .messages(setup.world.dossier.id)
        .iter()
        .filter(|m| m.text == case.body)
        .count();
    assert_eq!(posted, 1);
    assert_eq!(setup.test.last_log().outcome.name(), "duplicate");
    setup.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bounce_to_a_verp_address_is_recorded_against_the_recipient() {
    let setup = setup().await;
    let store = setup.test.app.store();
    let token = Token::generate();
    // The notification it came back from, sent.
    let id = store.new_id().unwrap();
    let now = chrono::Utc::now();
    let sent = dossier::domain::OutMail {
        id,
        created_at: now,
        dossier: Some(setup.world.dossier.id),
        user: setup.world.client.id,
        recipient: setup.world.client.emails[0].clone(),
        envelope_from: OurAddress::Bounce(token.clone()).at("dossier.test"),
        message_id: "n-1@dossier.test".into(),
        subject: "[2026-0001] Cuisine".into(),
        raw_sha256: store
            .blobs()
            .put(b"Subject: x\r\n\r\nx\r\n")
            .unwrap()
            .sha256,
        raw_part: None,
        attempts: 1,
        next_at: now,
        state: dossier::domain::OutState::Sent { at: now },
        last_error: None,
    };
    let target = dossier::domain::BounceTarget {
        token: token.clone(),
        recipient: setup.world.client.emails[0].clone(),
        dossier: Some(setup.world.dossier.id),
        mail: Some(id),
    };
    store.enqueue_mail(&[], &[sent], &[target]).unwrap();
    let to = OurAddress::Bounce(token).at("dossier.test");
    let dsn = format!(
        "From: MAILER-DAEMON@mx.client.test\r\nTo: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.client.test\r\n\r\nFinal-Recipient: rfc822; helene@client.test\r\nAction: failed\r\nStatus: 5.1.1\r\n--B--\r\n"
    );
    for _ in 0..3 {
        let mut smtp = Smtp::connect(setup.test.smtp).await;
        smtp.command("EHLO mx.client.test").await;
        assert!(smtp.command("MAIL FROM:<>").await.starts_with("250"));
        assert!(
            smtp.command(&format!("RCPT TO:<{to}>"))
                .await
                .starts_with("250")
        );
        assert!(smtp.command("DATA").await.starts_with("354"));
        smtp.send(&format!("{dsn}.\r\n")).await;
        assert!(smtp.reply().await.starts_with("250"));
        setup.test.processed().await;
    }
    assert_eq!(setup.test.last_log().outcome.name(), "bounce");
    let health = store
        .address_health(&setup.world.client.emails[0])
        .unwrap()
        .unwrap();
    assert_eq!(health.hard_bounces, 3);
    assert!(
        health.stopped,
        "three hard bounces stop mail to the address"
    );
    assert!(
        matches!(
            store.out_mail(id).unwrap().unwrap().state,
            dossier::domain::OutState::Bounced { .. }
        ),
        "the outbox shows it bounced, not sent"
    );
    setup.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_new_dossier_address_opens_a_dossier_for_a_client_allowed_to() {
    let setup = setup().await;
    let to = OurAddress::NewDossier.at("dossier.test");
    let message = format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: Salle de bain\r\nMessage-ID: <new-1@client.test>\r\n\r\nPouvez-vous passer voir la salle de bain ?\r\n"
    );
    let mut smtp = Smtp::connect(setup.test.smtp).await;
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &message).await;
    assert!(done.starts_with("250"), "{done}");
    setup.test.processed().await;
    let log = setup.test.last_log();
    let Outcome::Created { dossier, .. } = log.outcome else {
        panic!("{log:?}")
    };
    let created = setup.test.app.store().dossier(dossier).unwrap().unwrap();
    assert_eq!(created.title, "Salle de bain");
    assert_eq!(created.client, setup.world.dossier.client);
    assert_eq!(
        setup.test.messages(dossier)[0].text,
        "Pouvez-vous passer voir la salle de bain ?"
    );
    // An intervenant may not open dossiers: held.
    let message = message
        .replace("helene@client.test", "thomas@fabre.test")
        .replace("new-1", "new-2");
    let (_, done) = smtp.deliver("thomas@fabre.test", &[&to], &message).await;
    assert!(done.starts_with("250"));
    setup.test.processed().await;
    assert_eq!(setup.test.last_log().outcome.name(), "held");
    setup.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_approve_or_discard_held_mail_and_no_one_else_sees_it() {
    let setup = setup().await;
    let s = setup.world.services();
    for (i, from) in ["eve@autre.test", "spam@nowhere.test"].iter().enumerate() {
        let case = Case {
            from,
            ..*CASES.iter().find(|c| c.outcome == "held").unwrap()
        };
        assert!(
            send_case(&setup, &case, &format!("held-{i}@x.test"))
                .await
                .starts_with("250")
        );
        setup.test.processed().await;
    }
    let held = s.held_mail(&setup.world.staff).unwrap();
    assert_eq!(held.len(), 2);
    assert!(
        held[0].reasons.iter().any(|r| r.contains("not an actor")),
        "{:?}",
        held[0].reasons
    );
    assert!(matches!(
        s.held_mail(&setup.world.client),
        Err(dossier::Error::NotFound)
    ));
    assert!(matches!(
        s.mail_log(&setup.world.intervenant, 10),
        Err(dossier::Error::NotFound)
    ));

    // Approving as someone who may not post on the dossier is refused.
    let refused = s.approve_held(&setup.world.staff, held[0].id, setup.world.stranger.id);
    assert!(refused.is_err());
    let message = s
        .approve_held(&setup.world.staff, held[0].id, setup.world.client.id)
        .unwrap();
    assert_eq!(message.author, setup.world.client.id);
    assert_eq!(message.text, "Je m'invite.");
    s.discard_held(&setup.world.staff, held[1].id).unwrap();
    assert!(s.held_mail(&setup.world.staff).unwrap().is_empty());
    let log = s.mail_log(&setup.world.staff, 2).unwrap();
    assert!(
        log[0].reasons[0].starts_with("discarded by staff"),
        "{:?}",
        log[0]
    );
    assert!(
        log[1].reasons[0].starts_with("approved as Hélène Garnier"),
        "{:?}",
        log[1]
    );
    let mut raw = Vec::new();
    std::io::Read::read_to_end(
        &mut s.raw_mail(&setup.world.staff, &log[0].raw_sha256).unwrap(),
        &mut raw,
    )
    .unwrap();
    assert!(
        String::from_utf8_lossy(&raw).contains("spam@nowhere.test"),
        "the raw message is kept"
    );
    setup.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_from_one_sender_to_one_dossier_is_held_beyond_the_rate() {
    let test = TestApp::spawn_with(|args| args.mail_rate_per_hour = Some(2), None).await;
    let world = World::build_in(&test, ClientKind::Company);
    let to = address(&world.dossier);
    for i in 0..3 {
        let message = reply_text(
            "helene@client.test",
            &to,
            &format!("flood-{i}@client.test"),
            &format!("Message {i}"),
        );
        let mut smtp = Smtp::connect(test.smtp).await;
        assert!(
            smtp.deliver("helene@client.test", &[&to], &message)
                .await
                .1
                .starts_with("250")
        );
        test.processed().await;
    }
    let log = test.last_log();
    assert_eq!(log.outcome.name(), "held");
    assert!(
        log.reasons
            .iter()
            .any(|r| r.contains("more than 2 messages in an hour")),
        "{:?}",
        log.reasons
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_storage_failure_answers_451_and_nothing_is_lost_once_it_is_fixed() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let spool = test.app.store().root().join("mail/spool");
    std::fs::remove_dir_all(&spool).unwrap();
    std::fs::write(&spool, b"not a folder").unwrap();
    let message = reply_text(
        "helene@client.test",
        &to,
        "fail-1@client.test",
        "Après la panne.",
    );
    let mut smtp = Smtp::connect(test.smtp).await;
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &message).await;
    assert!(
        done.starts_with("451 4.3.0"),
        "the sender is told to retry: {done}"
    );
    std::fs::remove_file(&spool).unwrap();
    std::fs::create_dir(&spool).unwrap();
    smtp.command("RSET").await;
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &message).await;
    assert!(done.starts_with("250"), "{done}");
    test.processed().await;
    assert_eq!(
        test.messages(world.dossier.id).last().unwrap().text,
        "Après la panne."
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mail_bomb_is_accepted_then_dropped_with_its_reason() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let mut bomb =
        format!("From: helene@client.test\r\nTo: {to}\r\nSubject: bomb\r\nMIME-Version: 1.0\r\n");
    for i in 0..200 {
        bomb.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    bomb.push_str("Content-Type: text/plain\r\n\r\nboom\r\n");
    let before = test.messages(world.dossier.id).len();
    let mut smtp = Smtp::connect(test.smtp).await;
    assert!(
        smtp.deliver("helene@client.test", &[&to], &bomb)
            .await
            .1
            .starts_with("250")
    );
    test.processed().await;
    let log = test.last_log();
    assert_eq!(log.outcome.name(), "dropped");
    assert!(
        log.reasons
            .iter()
            .any(|r| r.contains("nested deeper") || r.contains("MIME parts")),
        "{:?}",
        log.reasons
    );
    assert_eq!(test.messages(world.dossier.id).len(), before);
    test.stop().await;
}

/// Inputs the fuzzers found crashing the code once, replayed through the real listener.
#[tokio::test(flavor = "multi_thread")]
async fn inputs_found_by_fuzzing_get_answers_not_crashes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let test = TestApp::spawn().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut found = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("smtp_session")
        {
            continue;
        }
        found += 1;
        let input = std::fs::read(&path).unwrap();
        let mut stream = tokio::net::TcpStream::connect(test.smtp).await.unwrap();
        stream.write_all(&input).await.unwrap();
        let mut replies = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut replies),
        )
        .await
        .expect("the session ends")
        .unwrap();
        let replies = String::from_utf8_lossy(&replies);
        assert!(replies.starts_with("220 "), "{path:?}: {replies}");
        assert!(
            replies.trim_end().ends_with("Bye") || replies.contains("\r\n221 "),
            "{path:?}: the session reached QUIT: {replies}"
        );
    }
    assert!(found > 0, "the regression inputs are kept in tests/fuzz");
    // And the listener still serves.
    let mut smtp = Smtp::connect(test.smtp).await;
    assert!(smtp.command("NOOP\r\n").await.starts_with("250"));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_at_rcpt_names_the_business_in_both_languages_and_staff_see_it() {
    let test = TestApp::spawn_with(
        |args| {
            args.business_name = Some("Atelier Moreau".into());
            args.business_email = Some("contact@atelier.test".into());
        },
        None,
    )
    .await;
    let world = World::build_in(&test, ClientKind::Company);
    let closed = world.closed_dossier();
    let mut smtp = Smtp::connect(test.smtp).await;
    smtp.command("EHLO client.test").await;
    smtp.command("MAIL FROM:<helene@client.test>").await;
    let refused = smtp
        .command(&format!("RCPT TO:<{}>", address(&closed)))
        .await;
    let lines: Vec<&str> = refused.lines().collect();
    assert_eq!(lines.len(), 2, "{refused}");
    assert!(
        lines[0].starts_with("550-5.7.1 The dossier")
            && lines[0].contains("Please write to Atelier Moreau at contact@atelier.test"),
        "{refused}"
    );
    assert!(
        lines[1].starts_with("550 5.7.1 Le dossier") && lines[1].contains("contact@atelier.test"),
        "{refused}"
    );
    let unknown = smtp.command("RCPT TO:<nobody@dossier.test>").await;
    assert!(unknown.starts_with("550 5.1.1"), "{unknown}");
    let log = test.app.store().mail_log(10).unwrap();
    let refusals: Vec<_> = log
        .iter()
        .filter(|l| l.outcome == Outcome::Refused)
        .collect();
    assert_eq!(refusals.len(), 2, "{log:?}");
    assert!(refusals.iter().any(|l| l.dossier == Some(closed.id)));
    let metrics = test.app.services.metrics().render(0, 0, 0, 0);
    assert!(metrics.contains("closed-dossier"), "{metrics}");
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_to_the_notifications_address_about_a_closed_dossier_is_refused_after_data() {
    let Setup {
        test,
        world,
        closed,
    } = setup().await;
    let notifications = OurAddress::Notifications.at("dossier.test");
    // As a mail program that ignores Reply-To answers: to the From, with the thread's
    // root (a notification sent before roots alone carried the reply token instead).
    let about_closed = format!(
        "From: helene@client.test\r\nTo: {notifications}\r\nSubject: Re: Ancien\r\nMessage-ID: <late@client.test>\r\nIn-Reply-To: <dossier-{n}@dossier.test>\r\nReferences: <dossier-{n}@dossier.test>\r\n\r\nMerci.\r\n",
        n = closed.number
    );
    let token = test
        .app
        .store()
        .reply_address(world.dossier.id, world.client.id)
        .unwrap()
        .token;
    let about_open = format!(
        "From: helene@client.test\r\nTo: {notifications}\r\nSubject: Re: Cuisine\r\nMessage-ID: <open@client.test>\r\nReferences: <r-{}@dossier.test>\r\n\r\nMerci.\r\n",
        token.as_str()
    );
    let mut smtp = Smtp::connect(test.smtp).await;
    let (rcpts, done) = smtp
        .deliver("helene@client.test", &[&notifications], &about_closed)
        .await;
    assert!(rcpts[0].starts_with("250"), "{rcpts:?}");
    assert!(
        done.starts_with("550-5.7.1")
            && done.contains(&format!("dossier {} is closed", closed.number)),
        "{done}"
    );
    assert!(
        test.app.pipeline.spool().pending().unwrap().is_empty(),
        "nothing taken"
    );
    let line = test.last_log();
    assert_eq!(line.outcome, Outcome::Refused);

    let (_, done) = smtp
        .deliver("helene@client.test", &[&notifications], &about_open)
        .await;
    assert!(done.starts_with("250"), "{done}");
    test.processed().await;
    assert!(matches!(test.last_log().outcome, Outcome::Posted { .. }));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn guessing_addresses_ends_the_session_after_twenty_refusals() {
    let test = TestApp::spawn().await;
    let mut smtp = Smtp::connect(test.smtp).await;
    smtp.command("EHLO client.test").await;
    smtp.command("MAIL FROM:<guess@else.test>").await;
    for i in 0..19 {
        let refused = smtp
            .command(&format!("RCPT TO:<guess{i}@dossier.test>"))
            .await;
        assert!(refused.starts_with("550 5.1.1"), "{refused}");
    }
    let last = smtp.command("RCPT TO:<guess19@dossier.test>").await;
    assert!(last.starts_with("550 5.1.1"), "{last}");
    let closing = smtp.reply().await;
    assert!(closing.starts_with("421 4.7.0"), "{closing}");
    let log = test.app.store().mail_log(100).unwrap();
    assert_eq!(
        log.iter().filter(|l| l.outcome == Outcome::Refused).count(),
        20
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_report_not_sent_to_a_bounce_address_stops_no_one() {
    let setup = setup().await;
    let to = address(&setup.world.dossier);
    // Anyone can write a report saying the client's address failed.
    let forged = format!(
        "From: MAILER-DAEMON@evil.test\r\nTo: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; evil.test\r\n\r\nFinal-Recipient: rfc822; helene@client.test\r\nAction: failed\r\nStatus: 5.1.1\r\n--B--\r\n"
    );
    for _ in 0..3 {
        let mut smtp = Smtp::connect(setup.test.smtp).await;
        let (_, done) = smtp.deliver("", &[&to], &forged).await;
        assert!(done.starts_with("250"), "{done}");
        setup.test.processed().await;
    }
    let line = setup.test.last_log();
    assert_eq!(line.outcome.name(), "bounce");
    assert!(
        line.reasons.iter().any(|r| r.contains("not counted")),
        "{line:?}"
    );
    let health = setup
        .test
        .app
        .store()
        .address_health(&setup.world.client.emails[0])
        .unwrap();
    assert!(
        health
            .as_ref()
            .is_none_or(|h| h.hard_bounces == 0 && !h.stopped),
        "{health:?}"
    );
    setup.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_latin1_name_in_rfc2231_continuations_keeps_every_accent() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    // As Outlook and older mail programs write a long Latin-1 name: in continuations,
    // the charset named once, in the first.
    let message = crate::mail_support::verified(&format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: Re: plan\r\nMessage-ID: <latin1-2231@client.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici le plan.\r\n\
         --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n \
         filename*0*=iso-8859-1''plan%20du%20rez-de-chauss%E9e%20;\r\n filename*1*=version%20d%E9finitive.pdf\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
    ));
    let mut smtp = Smtp::connect(test.smtp).await;
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &message).await;
    assert!(done.starts_with("250"), "{done}");
    test.processed().await;
    let files: Vec<FileEntry> = test.app.store().items(world.dossier.id).unwrap();
    assert!(
        files
            .iter()
            .any(|f| f.blob.name.as_str() == "plan du rez-de-chaussée version définitive.pdf"),
        "{:?}",
        files
            .iter()
            .map(|f| f.blob.name.as_str())
            .collect::<Vec<_>>()
    );
    test.stop().await;
}
