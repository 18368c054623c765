//! What the SMTP door holds, drops or bounces: VERP bounces, held mail and its review,
//! floods, storage failures, mail bombs, refusals that name the business.

use dossier::domain::{ClientKind, OurAddress, Outcome, Token};

use super::outcome_table::{CASES, Case, send_case};
use super::{Setup, address, setup};
use crate::helpers::World;
use crate::mail_support::{Smtp, TestApp, reply_text};

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
