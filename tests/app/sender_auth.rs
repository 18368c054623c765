//! Who really sent a message, through the real doors: real DKIM signatures, SPF and
//! DMARC records on a DNS server on loopback, the SMTP listener as the MX, and trusted
//! `Authentication-Results` behind an MTA (LMTP). A forged From is held with its
//! verdict, never posted, never notified, never opens a dossier.

use dossier::domain::{
    AuthResult, CheckedBy, ClientKind, Dossier, LogEntry, OurAddress, Outcome, Trust,
};

use crate::dns::sign;
use crate::helpers::World;
use crate::mail_support::{Smtp, TestApp};

/// Dossier as the MX: SMTP from this machine is the Internet.
async fn setup() -> (TestApp, World) {
    let test = TestApp::spawn().await;
    let world = World::build_in(&test, ClientKind::Company);
    (test, world)
}

/// Dossier behind an MTA on this machine that delivers over LMTP.
async fn setup_behind_mta() -> (TestApp, World) {
    let test = TestApp::spawn_with(
        |args| {
            args.lmtp = Some("127.0.0.1:0".parse().unwrap());
            args.trusted_relay = vec!["127.0.0.1".parse().unwrap()];
        },
        None,
    )
    .await;
    let world = World::build_in(&test, ClientKind::Company);
    (test, world)
}

fn address(d: &Dossier) -> String {
    d.mail_address(&dossier::domain::Addressing::bare("dossier.test"))
}

fn mail(from: &str, to: &str, id: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: Nouveau RIB\r\nDate: Tue, 1 Dec 2026 10:00:00 +0100\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{body}\r\n"
    )
}

/// Sends over SMTP from 127.0.0.1 (which the default SPF record allows) and waits.
async fn send(test: &TestApp, envelope_from: &str, to: &str, message: &str) {
    let mut smtp = Smtp::connect(test.smtp).await;
    let (rcpts, done) = smtp.deliver(envelope_from, &[to], message).await;
    assert!(rcpts[0].starts_with("250"), "{rcpts:?}");
    assert!(done.starts_with("250"), "{done}");
    test.processed().await;
}

/// Sends like [`send`]; the message must be held: its log line.
async fn held(test: &TestApp, envelope_from: &str, to: &str, message: &str) -> LogEntry {
    send(test, envelope_from, to, message).await;
    let line = test.last_log();
    assert!(matches!(line.outcome, Outcome::Held { .. }), "{line:?}");
    line
}

/// A message from the client's address: see [`mail`].
fn from_client(to: &str, id: &str, body: &str) -> String {
    mail("helene@client.test", to, id, body)
}

fn posted_trust(test: &TestApp, world: &World) -> Option<Trust> {
    let messages = test.messages(world.dossier.id);
    let last = messages.last()?;
    last.mail.as_ref()?.trust.clone()
}

/// How many messages the dossier has and how many notifications wait.
fn counts(test: &TestApp, world: &World) -> (usize, usize) {
    (
        test.messages(world.dossier.id).len(),
        test.app.store().pending_intents().unwrap().len(),
    )
}

fn nothing_posted_nor_announced(test: &TestApp, world: &World, before: (usize, usize)) {
    assert_eq!(
        counts(test, world),
        before,
        "nothing posted, nothing to notify"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dkim_signed_reply_from_a_dmarc_domain_is_posted_with_a_verified_badge() {
    let (test, world) = setup().await;
    test.dns.set("_dmarc.client.test", &["v=DMARC1; p=reject"]);
    // SPF cannot pass (the domain allows nobody): only the signature authenticates it.
    test.dns.set("client.test", &["v=spf1 -all"]);
    let to = address(&world.dossier);
    let signed = sign(
        &from_client(&to, "rib-1@client.test", "Voici notre RIB."),
        "client.test",
    );
    send(&test, "helene@client.test", &to, &signed).await;
    let line = test.last_log();
    assert!(matches!(line.outcome, Outcome::Posted { .. }), "{line:?}");
    let check = line.check.expect("the verdict is recorded");
    assert_eq!(
        (check.dkim, check.dmarc),
        (AuthResult::Pass, AuthResult::Pass)
    );
    assert_eq!(check.spf, AuthResult::Fail);
    assert_eq!(
        posted_trust(&test, &world),
        Some(Trust::Domain {
            domain: "client.test".into()
        })
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_client_from_is_held_with_its_verdict_and_never_posted_nor_notified() {
    let (test, world) = setup().await;
    test.dns.set("_dmarc.client.test", &["v=DMARC1; p=reject"]);
    let to = address(&world.dossier);
    let before = counts(&test, &world);
    // The fraudster's own domain passes SPF; the From is the client's.
    let forged = from_client(&to, "forged-1@evil.test", "Nouveau RIB : FR76…");
    held(&test, "fraud@evil.test", &to, &forged).await;
    nothing_posted_nor_announced(&test, &world, before);
    let held = test.app.store().held_mail().unwrap();
    let check = held[0]
        .check
        .clone()
        .expect("the held mail keeps its verdict");
    assert_eq!(check.dmarc, AuthResult::Fail);
    assert_eq!(
        check.words(dossier::domain::Lang::Fr),
        "expéditeur non vérifié : DKIM absent, SPF pass, DMARC fail"
    );
    assert!(
        held[0].reasons.iter().any(|r| r.contains("DMARC failed")),
        "{:?}",
        held[0].reasons
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_staff_from_without_any_authentication_is_held() {
    let (test, world) = setup().await;
    let to = address(&world.dossier);
    let before = counts(&test, &world);
    // atelier.test publishes no DMARC; the envelope is the fraudster's, unaligned.
    let forged = mail(
        "claire@atelier.test",
        &to,
        "forged-2@evil.test",
        "Payez ici.",
    );
    let line = held(&test, "fraud@evil.test", &to, &forged).await;
    assert!(
        line.reasons
            .iter()
            .any(|r| r.contains("not authenticated") && r.contains("DKIM none")),
        "{:?}",
        line.reasons
    );
    nothing_posted_nor_announced(&test, &world, before);
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_request_for_a_new_dossier_opens_nothing() {
    let (test, world) = setup().await;
    let dossiers = test.app.store().dossier_count();
    let to = OurAddress::NewDossier.at("dossier.test");
    let forged = from_client(&to, "forged-3@evil.test", "Un chantier");
    held(&test, "fraud@evil.test", &to, &forged).await;
    assert_eq!(test.app.store().dossier_count(), dossiers);

    // The same request, signed by the client's domain, opens one.
    let signed = sign(
        &from_client(&to, "real-3@client.test", "Un chantier"),
        "client.test",
    );
    send(&test, "helene@client.test", &to, &signed).await;
    assert!(
        matches!(test.last_log().outcome, Outcome::Created { .. }),
        "{:?}",
        test.last_log()
    );
    assert_eq!(test.app.store().dossier_count(), dossiers + 1);
    let _ = world;
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn softfail_broken_and_unaligned_signatures_are_each_held_with_their_words() {
    let (test, world) = setup().await;
    // SPF ~all that does not list us; no DMARC policy.
    test.dns.set("client.test", &["v=spf1 ip4:192.0.2.1 ~all"]);
    let to = address(&world.dossier);
    let cases = [
        (
            "softfail",
            from_client(&to, "c1@client.test", "Bonjour"),
            "SPF softfail",
        ),
        (
            "a body changed after signing",
            sign(
                &from_client(&to, "c2@client.test", "Bonjour"),
                "client.test",
            )
            .replace("Bonjour", "Bonsoir"),
            "DKIM fail",
        ),
        (
            "a signature of another domain",
            sign(&from_client(&to, "c3@client.test", "Bonjour"), "other.test"),
            "DKIM pass",
        ),
    ];
    for (why, message, words) in cases {
        send(&test, "helene@client.test", &to, &message).await;
        let line = test.last_log();
        assert!(
            matches!(line.outcome, Outcome::Held { .. }),
            "{why}: {line:?}"
        );
        let check = line.check.expect("a verdict");
        assert!(!check.from_authenticated(), "{why}");
        let said = check.words(dossier::domain::Lang::En);
        assert!(said.contains(words), "{why}: {said}");
    }
    test.stop().await;
}

fn reply_address(test: &TestApp, world: &World) -> String {
    let reply = test
        .app
        .store()
        .reply_address(world.dossier.id, world.client.id)
        .unwrap();
    OurAddress::Reply(reply.token).at("dossier.test")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_to_the_owners_reply_address_is_posted_without_dkim_but_not_on_a_dmarc_fail() {
    let (test, world) = setup().await;
    test.dns.set("client.test", &["v=spf1 -all"]);
    let to = reply_address(&test, &world);
    let unsigned = from_client(&to, "r-1@client.test", "Merci, c'est noté.");
    send(&test, "helene@client.test", &to, &unsigned).await;
    assert!(matches!(test.last_log().outcome, Outcome::Posted { .. }));
    assert_eq!(posted_trust(&test, &world), Some(Trust::ReplyAddress));

    // Once the domain says "reject what fails", the same unsigned mail is held.
    test.dns.set("_dmarc.client.test", &["v=DMARC1; p=reject"]);
    let unsigned = from_client(&to, "r-2@client.test", "Nouveau RIB.");
    held(&test, "helene@client.test", &to, &unsigned).await;
    test.stop().await;
}

/// Delivers over LMTP, as a Postfix with a DMARC milter in front of us does.
async fn send_lmtp(test: &TestApp, to: &str, message: &str) {
    let mut lmtp = Smtp::connect(test.lmtp.unwrap()).await;
    lmtp.start_data("LHLO mx.dossier.test", "helene@client.test", to)
        .await;
    lmtp.send(&crate::mail_support::dot_stuff(message)).await;
    lmtp.send(".\r\n").await;
    assert!(lmtp.reply().await.starts_with("250"));
    test.processed().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_an_mta_only_the_topmost_trusted_authentication_results_counts() {
    let (test, world) = setup_behind_mta().await;
    let to = address(&world.dossier);
    let body = from_client(&to, "ar-1@client.test", "Validé.");
    let trusted_pass = "Authentication-Results: mx.dossier.test;\r\n dkim=pass header.d=client.test; spf=pass smtp.mailfrom=client.test;\r\n dmarc=pass (p=reject) header.from=client.test\r\n";
    send_lmtp(&test, &to, &format!("{trusted_pass}{body}")).await;
    let line = test.last_log();
    assert!(matches!(line.outcome, Outcome::Posted { .. }), "{line:?}");
    assert_eq!(
        line.check.unwrap().checked_by,
        CheckedBy::Header("mx.dossier.test".into())
    );

    let cases = [
        (
            "an untrusted authserv-id saying pass",
            "Authentication-Results: mx.google.com; dmarc=pass header.from=client.test\r\n"
                .to_string(),
        ),
        (
            "a trusted fail above a pass the sender wrote",
            format!(
                "Authentication-Results: mx.dossier.test; dmarc=fail header.from=client.test\r\n{trusted_pass}"
            ),
        ),
        (
            "a pass for another From",
            "Authentication-Results: mx.dossier.test; dmarc=pass header.from=evil.test\r\n"
                .to_string(),
        ),
    ];
    for (n, (why, header)) in cases.into_iter().enumerate() {
        let body = from_client(&to, &format!("ar-{n}-x@client.test"), "RIB");
        send_lmtp(&test, &to, &format!("{header}{body}")).await;
        let line = test.last_log();
        assert!(
            matches!(line.outcome, Outcome::Held { .. }),
            "{why}: {line:?}"
        );
    }
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lmtp_from_a_peer_that_is_not_our_mta_is_checked_as_the_mx_would() {
    // LMTP, but no --trusted-relay: the peer is nobody we know.
    let test = TestApp::spawn_with(
        |args| args.lmtp = Some("127.0.0.1:0".parse().unwrap()),
        None,
    )
    .await;
    let world = World::build_in(&test, ClientKind::Company);
    let to = address(&world.dossier);
    let header = "Authentication-Results: mx.dossier.test; dmarc=pass header.from=client.test\r\n";
    let forged = mail(
        "claire@atelier.test",
        &to,
        "lmtp-forged@evil.test",
        "Payez ici.",
    );
    send_lmtp(&test, &to, &format!("{header}{forged}")).await;
    let line = test.last_log();
    assert!(matches!(line.outcome, Outcome::Held { .. }), "{line:?}");
    assert_eq!(line.check.unwrap().checked_by, CheckedBy::Dossier);
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dkim_signature_is_checked_behind_an_mta_without_a_trusted_header() {
    let (test, world) = setup_behind_mta().await;
    let to = address(&world.dossier);
    let signed = sign(
        &from_client(&to, "lmtp-dkim@client.test", "Signé."),
        "client.test",
    );
    send_lmtp(&test, &to, &signed).await;
    let line = test.last_log();
    assert!(matches!(line.outcome, Outcome::Posted { .. }), "{line:?}");
    let check = line.check.unwrap();
    assert_eq!(
        (check.dkim, check.spf),
        (AuthResult::Pass, AuthResult::NotChecked)
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_who_insists_gets_the_old_behaviour_marked_unverified() {
    let test = TestApp::spawn_with(|args| args.unsafe_trust_from = true, None).await;
    let world = World::build_in(&test, ClientKind::Company);
    let to = address(&world.dossier);
    let forged = from_client(&to, "unsafe-1@evil.test", "Bonjour");
    send(&test, "fraud@evil.test", &to, &forged).await;
    assert!(matches!(test.last_log().outcome, Outcome::Posted { .. }));
    assert_eq!(posted_trust(&test, &world), Some(Trust::Unverified));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forwarded_message_is_trusted_on_the_word_of_a_trusted_arc_sealer_only() {
    for trusted in [false, true] {
        let test = TestApp::spawn_with(
            |args| {
                if trusted {
                    args.trusted_arc_sealer = vec!["lists.test".into()];
                }
            },
            None,
        )
        .await;
        let world = World::build_in(&test, ClientKind::Company);
        test.dns.set("_dmarc.client.test", &["v=DMARC1; p=reject"]);
        let to = address(&world.dossier);
        let original = sign(
            &from_client(&to, "arc-1@client.test", "Par la liste."),
            "client.test",
        );
        let forwarded = test.dns.forward_with_arc(&original, "lists.test").await;
        // The list sends it on from its own envelope: SPF passes for lists.test only.
        send(&test, "bounces@lists.test", &to, &forwarded).await;
        let line = test.last_log();
        let check = line.check.clone().expect("a verdict");
        assert_eq!(check.arc, AuthResult::Pass, "trusted: {trusted}: {check:?}");
        assert_eq!(check.dkim, AuthResult::Fail, "the list broke the signature");
        if trusted {
            assert!(matches!(line.outcome, Outcome::Posted { .. }), "{line:?}");
            assert_eq!(check.arc_trusted.as_deref(), Some("lists.test"));
        } else {
            assert!(matches!(line.outcome, Outcome::Held { .. }), "{line:?}");
        }
        test.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn several_from_addresses_are_never_trusted_even_on_a_reply_address() {
    let (test, world) = setup().await;
    test.dns.set("_dmarc.client.test", &["v=DMARC1; p=reject"]);
    let to = reply_address(&test, &world);
    let body = from_client(&to, "froms@evil.test", "Nouveau RIB.");
    for (why, message) in [
        (
            "two From fields",
            body.replacen("From: ", "From: fraud@evil.test\r\nFrom: ", 1),
        ),
        (
            "two mailboxes in one",
            body.replacen(
                "From: helene@client.test",
                "From: fraud@evil.test, helene@client.test",
                1,
            ),
        ),
    ] {
        send(&test, "fraud@evil.test", &to, &message).await;
        let line = test.last_log();
        assert!(
            matches!(line.outcome, Outcome::Held { .. }),
            "{why}: {line:?}"
        );
    }
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_to_the_notifications_address_needs_an_authenticated_sender() {
    let (test, world) = setup().await;
    test.dns.set("_dmarc.client.test", &["v=DMARC1; p=reject"]);
    let to = OurAddress::Notifications.at("dossier.test");
    // The thread root, as anyone copied on the thread has it.
    let forged = from_client(&to, "notif-1@evil.test", "Payez ici.").replacen(
        "MIME-Version",
        &format!(
            "References: <dossier-{}@dossier.test>\r\nMIME-Version",
            world.dossier.number
        ),
        1,
    );
    let before = counts(&test, &world);
    held(&test, "fraud@evil.test", &to, &forged).await;
    nothing_posted_nor_announced(&test, &world, before);
    test.stop().await;
}
