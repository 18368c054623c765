//! Notifications: who gets what (policy, author, mutes, stopped addresses), grouping,
//! the headers read back by a mail parser, delivery with retries against a scripted
//! relay, the invitation, the mute link, and the whole loop through a real reply.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use dossier::domain::{ClientKind, Door, EmailAddress, NewMessage, OurAddress, OutState, Prefs};
use dossier::mail::outbound::transport::Transport;
use dossier::mail::outbound::{Notifier, NotifySettings};
use dossier::service::Services;
use mail_parser::{MessageParser, MimeHeaders};

use crate::helpers::{World, event_draft, found_async};
use crate::mail_support::{Sink, Smtp, TestApp};

pub fn settings(window: u64) -> NotifySettings {
    NotifySettings {
        business: "Atelier Moreau".into(),
        base_url: "https://dossiers.atelier.test".into(),
        mail_domain: "dossier.test".into(),
        plus_box: None,
        timezone: chrono_tz::Europe::Paris,
        window: Duration::from_secs(window),
        retry_first: Duration::from_secs(60),
        retry_max: Duration::from_secs(3600),
        give_up: Duration::from_secs(5 * 24 * 3600),
        dkim: None,
    }
}

fn folder_notifier(world: &World, window: u64) -> Notifier {
    Notifier::new(
        world.services().clone(),
        settings(window),
        Transport::Folder(world.data().join("outbox")),
    )
}

fn post(s: &Services, author: &dossier::domain::User, world: &World, text: &str) {
    let message = NewMessage {
        text: text.into(),
        ..NewMessage::default()
    };
    s.post_message(author, world.dossier.id, Door::Web, message)
        .unwrap();
}

/// The recipients of the queued, not yet sent, e-mails.
fn queued_to(s: &Services) -> BTreeSet<String> {
    s.store()
        .due_mail(Utc::now() + chrono::Duration::days(1), 1000)
        .unwrap()
        .into_iter()
        .map(|m| m.recipient.to_string())
        .collect()
}

fn raw_of(s: &Services, to: &str) -> Vec<u8> {
    let mail = s
        .store()
        .out_mails(1000)
        .unwrap()
        .into_iter()
        .find(|m| m.recipient.as_str() == to)
        .expect("an e-mail to them");
    s.store().out_raw(&mail).unwrap()
}

#[test]
fn every_other_actor_who_may_see_it_is_told_but_never_the_author() {
    let world = World::build(ClientKind::Company);
    let s = world.services();
    let notifier = folder_notifier(&world, 0);
    notifier.prepare(Utc::now()).unwrap();
    // The setup's additions by staff went to the client and both intervenants.
    assert_eq!(
        queued_to(s),
        BTreeSet::from([
            "helene@client.test".into(),
            "nadia@benali.test".into(),
            "thomas@fabre.test".into()
        ])
    );
    notifier.prepare(Utc::now()).unwrap();
    assert!(
        s.store().pending_intents().unwrap().is_empty(),
        "intents are consumed once"
    );

    let before = s.store().out_mails(1000).unwrap().len();
    // The intervenant mutes messages; the spare intervenant's address bounced three times.
    s.set_notification_prefs(
        &world.intervenant,
        world.dossier.id,
        Prefs {
            messages: false,
            ..Prefs::default()
        },
    )
    .unwrap();
    for _ in 0..3 {
        s.store()
            .record_bounce(&EmailAddress::parse("nadia@benali.test").unwrap(), true)
            .unwrap();
    }
    post(s, &world.client, &world, "Bonjour à tous");
    notifier.prepare(Utc::now()).unwrap();
    let new: Vec<String> = s.store().out_mails(1000).unwrap()
        [..s.store().out_mails(1000).unwrap().len() - before]
        .iter()
        .map(|m| m.recipient.to_string())
        .collect();
    assert_eq!(
        new,
        ["claire@atelier.test"],
        "only the staff follower: the author, the muted and the stopped are left out"
    );
}

/// `count` new dossiers of the world's client, each with a message from staff to tell.
fn new_dossiers_told(world: &World, count: usize) {
    let s = world.services();
    for n in 0..count {
        let request = dossier::service::NewDossierRequest {
            client: world.dossier.client,
            title: format!("Chantier {n}"),
            description: String::new(),
        };
        let d = s.create_dossier(&world.staff, request).unwrap();
        let message = NewMessage {
            text: format!("Devis du chantier {n}"),
            ..NewMessage::default()
        };
        s.post_message(&world.staff, d.id, Door::Web, message)
            .unwrap();
    }
}

#[test]
fn a_pass_asked_to_stop_ends_after_the_packs_under_way_and_leaves_the_rest() {
    let world = World::build(ClientKind::Person);
    let s = world.services();
    let notifier = folder_notifier(&world, 0);
    notifier.prepare(Utc::now()).unwrap();
    let packs = 5;
    new_dossiers_told(
        &world,
        packs * dossier::mail::outbound::prepare::GROUPS_PER_PACK,
    );
    let before = s.store().pending_intents().unwrap().len();
    notifier.prepare_then(Utc::now(), &|| false).unwrap();
    let left = s.store().pending_intents().unwrap().len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(packs);
    let per_pack = dossier::mail::outbound::prepare::GROUPS_PER_PACK;
    assert!(left > 0, "the pass stopped: {before} intents, {left} left");
    assert!(
        left >= before - threads * per_pack,
        "at most one pack a thread"
    );
    // The next start takes the rest.
    notifier.prepare(Utc::now()).unwrap();
    assert!(s.store().pending_intents().unwrap().is_empty());
}

#[test]
fn a_backlog_prepared_by_two_passes_at_once_is_told_once_each() {
    let world = World::build(ClientKind::Person);
    let s = world.services();
    let notifier = folder_notifier(&world, 0);
    notifier.prepare(Utc::now()).unwrap();
    let before = s.store().out_mails(10_000).unwrap().len();
    // More groups than three packs: both passes, and the threads of each, share them.
    let count = 3 * dossier::mail::outbound::prepare::GROUPS_PER_PACK + 17;
    new_dossiers_told(&world, count);
    std::thread::scope(|scope| {
        let passes = [
            scope.spawn(|| notifier.prepare(Utc::now())),
            scope.spawn(|| notifier.prepare(Utc::now())),
        ];
        for pass in passes {
            pass.join().unwrap().unwrap();
        }
    });
    assert!(s.store().pending_intents().unwrap().is_empty());
    let mails = s.store().out_mails(10_000).unwrap();
    let new = &mails[..mails.len() - before];
    let told: BTreeSet<_> = new.iter().map(|m| (m.dossier, m.user)).collect();
    assert_eq!(
        new.len(),
        count,
        "one e-mail to the client for each new dossier"
    );
    assert_eq!(told.len(), count, "none told twice");
    // Each dossier's e-mail carries that dossier's reply address, readable from the pack.
    for mail in new.iter().step_by(97) {
        let raw = s.store().out_raw(mail).unwrap();
        let parsed = MessageParser::default().parse(&raw).unwrap();
        let reply = parsed
            .reply_to()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap();
        let reply = EmailAddress::parse(reply).unwrap();
        let Some(OurAddress::Reply(token)) = OurAddress::parse(&reply, "dossier.test") else {
            panic!("{reply} is a reply address");
        };
        let address = s.store().reply_by_token(&token).unwrap();
        let address = address.expect("the reply address is stored");
        assert_eq!(Some(address.dossier), mail.dossier);
    }
}

#[test]
fn additions_by_one_author_within_the_window_make_one_email_each() {
    let world = World::build(ClientKind::Person);
    let s = world.services();
    let notifier = folder_notifier(&world, 60);
    let later = Utc::now() + chrono::Duration::seconds(61);
    notifier.prepare(later).unwrap();
    let before = s.store().out_mails(1000).unwrap().len();
    post(s, &world.staff, &world, "Premier point");
    post(s, &world.staff, &world, "Second point");
    assert_eq!(
        notifier.prepare(Utc::now()).unwrap(),
        0,
        "the window is still open"
    );
    notifier
        .prepare(Utc::now() + chrono::Duration::seconds(61))
        .unwrap();
    let mails = s.store().out_mails(1000).unwrap();
    let new = &mails[..mails.len() - before];
    assert_eq!(
        new.len(),
        3,
        "one per recipient: client and two intervenants"
    );
    let to_client = new
        .iter()
        .find(|m| m.recipient.as_str() == "helene@client.test")
        .unwrap();
    assert!(
        to_client.subject.contains("2 nouveautés de Claire Moreau"),
        "{}",
        to_client.subject
    );
    let raw = s.store().blobs().read(&to_client.raw_sha256).unwrap();
    let parsed = MessageParser::default().parse(&raw).unwrap();
    let text = parsed.body_text(0).unwrap();
    assert!(
        text.contains("Premier point") && text.contains("Second point"),
        "{text}"
    );
}

#[test]
fn headers_make_replies_come_back_and_user_text_cannot_inject_one() {
    let world = World::build(ClientKind::Company);
    let s = world.services();
    let notifier = folder_notifier(&world, 0);
    notifier.prepare(Utc::now()).unwrap();
    let hostile = s
        .store()
        .update_user(world.staff.id, |u| {
            u.name = "Claire \"la boss\", Moreau <evil@x.test>\r\nBcc: victim@x.test"
                .replace(['\r', '\n'], " ");
            Ok(())
        })
        .unwrap();
    s.edit_dossier(
        &world.staff,
        world.dossier.id,
        "Cuisine 🍳 — «lot 1»\r\nBcc: victim@x.test",
        "",
    )
    .unwrap();
    post(s, &hostile, &world, "Voici le planning.");
    notifier.prepare(Utc::now()).unwrap();
    let raw = raw_of(s, "helene@client.test");
    let m = MessageParser::default().parse(&raw).unwrap();
    let reply = s
        .store()
        .reply_address(world.dossier.id, world.client.id)
        .unwrap();
    let reply_address = format!("r-{}@dossier.test", reply.token);
    assert_ne!(reply.mute.as_ref(), Some(&reply.token), "two secrets");
    let from = m.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("notifications@dossier.test"));
    assert_eq!(
        from.name(),
        Some("Claire \"la boss\", Moreau <evil@x.test>  Bcc: victim@x.test (via Atelier Moreau)")
    );
    assert_eq!(
        m.reply_to().unwrap().first().unwrap().address(),
        Some(reply_address.as_str())
    );
    assert!(m.header("Bcc").is_none(), "no injected header");
    assert_eq!(
        m.to().unwrap().first().unwrap().address(),
        Some("helene@client.test")
    );
    let subject = m.subject().unwrap();
    assert!(
        subject.starts_with(&format!("[{}] Cuisine 🍳 — «lot 1»", world.dossier.number)),
        "{subject}"
    );
    let root = format!("dossier-{}@dossier.test", world.dossier.number);
    assert_eq!(m.in_reply_to().as_text(), Some(root.as_str()));
    let references: Vec<String> = m
        .references()
        .as_text_list()
        .map(|l| l.iter().map(|r| r.to_string()).collect())
        .unwrap_or_default();
    assert_eq!(
        references,
        vec![root.clone()],
        "no reply token in References"
    );
    assert!(m.message_id().unwrap().ends_with("@dossier.test"));
    for (name, value) in [
        ("Auto-Submitted", "auto-generated"),
        ("X-Auto-Response-Suppress", "All"),
        ("X-Dossier-Loop", "dossier.test"),
        (
            "List-Id",
            &format!("<{}.dossier.test>", world.dossier.number),
        ),
        (
            "List-Unsubscribe",
            &format!(
                "<https://dossiers.atelier.test/mute/{}>",
                reply.mute.as_ref().expect("a mute token")
            ),
        ),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ] {
        assert_eq!(m.header_raw(name).map(str::trim), Some(value), "{name}");
    }
    let text = m.body_text(0).unwrap();
    assert!(
        text.contains("Voici le planning.") && text.contains("Répondez à cet e-mail"),
        "{text}"
    );
    assert!(m.body_html(0).unwrap().contains("Voici le planning."));
    // Every notification has its own Message-ID and its own bounce address.
    let ids: BTreeSet<String> = s
        .store()
        .out_mails(1000)
        .unwrap()
        .into_iter()
        .map(|m| m.message_id)
        .collect();
    assert_eq!(ids.len(), s.store().out_mails(1000).unwrap().len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_451_then_250_delivers_once_after_the_backoff() {
    let world = World::build(ClientKind::Person);
    let sink = Sink::start(&["451 4.3.0 busy"]).await;
    let relay = Transport::relay(&format!("smtp://{}", sink.addr), None).unwrap();
    let notifier = Notifier::new(world.services().clone(), settings(0), relay);
    let t0 = Utc::now();
    notifier.prepare(t0).unwrap();
    // Three recipients, each told of the setup's additions and, apart, of its event.
    let queued = world.services().store().due_mail(t0, 100).unwrap().len();
    assert_eq!(queued, 6);
    notifier.deliver_due(t0).await.unwrap();
    assert_eq!(sink.count(), 5, "five accepted, one refused for now");
    assert_eq!(
        notifier
            .deliver_due(t0 + chrono::Duration::seconds(59))
            .await
            .unwrap(),
        0,
        "not before the first retry delay"
    );
    assert_eq!(
        notifier
            .deliver_due(t0 + chrono::Duration::seconds(61))
            .await
            .unwrap(),
        1
    );
    assert_eq!(sink.count(), 6);
    assert_eq!(
        notifier
            .deliver_due(t0 + chrono::Duration::days(1))
            .await
            .unwrap(),
        0,
        "nothing is sent twice"
    );
    let states: Vec<OutState> = world
        .services()
        .store()
        .out_mails(10)
        .unwrap()
        .into_iter()
        .map(|m| m.state)
        .collect();
    assert!(
        states.iter().all(|s| matches!(s, OutState::Sent { .. })),
        "{states:?}"
    );
    let recipients: BTreeSet<String> = sink
        .received
        .lock()
        .unwrap()
        .iter()
        .map(|(r, _)| r.clone())
        .collect();
    assert_eq!(recipients.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_5xx_gives_up_at_once_staff_retry_and_time_gives_up_too() {
    let world = World::build(ClientKind::Person);
    let s = world.services();
    let sink = Sink::start(&[
        "554 5.6.0 message refused",
        "451 4.3.0 busy",
        "451 4.3.0 busy",
    ])
    .await;
    let notifier = Notifier::new(
        s.clone(),
        settings(0),
        Transport::relay(&format!("smtp://{}", sink.addr), None).unwrap(),
    );
    let t0 = Utc::now();
    notifier.prepare(t0).unwrap();
    notifier.deliver_due(t0).await.unwrap();
    let mails = s.store().out_mails(10).unwrap();
    let dead: Vec<_> = mails
        .iter()
        .filter(|m| matches!(m.state, OutState::Dead { .. }))
        .collect();
    assert_eq!(dead.len(), 1, "the 554 is dead after one attempt");
    assert_eq!(
        s.store().outbox_counts(),
        (2, 1),
        "the gauges: two waiting for their retry, one given up on"
    );
    assert!(
        dead[0].last_error.as_deref().unwrap_or("").contains("554"),
        "{:?}",
        dead[0].last_error
    );
    assert!(
        matches!(
            s.retry_mail(&world.client, dead[0].id),
            Err(dossier::Error::NotFound)
        ),
        "staff only"
    );
    s.retry_mail(&world.staff, dead[0].id).unwrap();
    assert_eq!(s.store().outbox_counts(), (3, 0), "retried: waiting again");
    notifier.deliver_due(Utc::now()).await.unwrap();
    assert!(matches!(
        s.store().out_mail(dead[0].id).unwrap().unwrap().state,
        OutState::Sent { .. }
    ));
    // The two 451s are tried again on a later pass, and nothing waits any more.
    notifier
        .deliver_due(t0 + chrono::Duration::days(6))
        .await
        .unwrap();
    let pending = s
        .store()
        .out_mails(10)
        .unwrap()
        .into_iter()
        .filter(|m| m.state == OutState::Pending)
        .count();
    assert_eq!(pending, 0);
    assert_eq!(s.store().outbox_counts(), (0, 0));
    let backoff: Vec<i64> = (1..=8).map(|n| notifier.backoff(n).num_seconds()).collect();
    assert_eq!(
        backoff,
        [60, 120, 240, 480, 960, 1920, 3600, 3600],
        "about a minute, doubling, at most an hour"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_relay_refusing_a_mailbox_counts_a_hard_bounce_and_three_stop_its_mail() {
    let world = World::build(ClientKind::Person);
    let s = world.services();
    let sink = Sink::refusing("helene@client.test").await;
    let notifier = Notifier::new(
        s.clone(),
        settings(0),
        Transport::relay(&format!("smtp://{}", sink.addr), None).unwrap(),
    );
    let to_client = |s: &Services| -> Vec<OutState> {
        s.store()
            .out_mails(1000)
            .unwrap()
            .into_iter()
            .filter(|m| m.recipient.as_str() == "helene@client.test")
            .map(|m| m.state)
            .collect()
    };
    for round in 1..=4 {
        post(s, &world.staff, &world, &format!("Point numéro {round}"));
        let now = Utc::now();
        notifier.prepare(now).unwrap();
        notifier.deliver_due(now).await.unwrap();
    }
    let states = to_client(s);
    assert_eq!(states.len(), 3, "the fourth was never made: {states:?}");
    assert!(
        states
            .iter()
            .all(|st| matches!(st, OutState::Bounced { .. })),
        "{states:?}"
    );
    let health = s
        .store()
        .address_health(&world.client.emails[0])
        .unwrap()
        .unwrap();
    assert_eq!((health.hard_bounces, health.stopped), (3, true));
    assert!(sink.count() > 0, "the others' mail still goes out");
}

#[test]
fn each_invitation_travels_in_its_own_email_with_the_method_it_says() {
    let world = World::build(ClientKind::Company);
    let s = world.services();
    let notifier = folder_notifier(&world, 0);
    notifier.prepare(Utc::now()).unwrap();
    let before = s.store().out_mails(1000).unwrap().len();
    post(s, &world.staff, &world, "Deux rendez-vous");
    let second = s
        .add_event(&world.staff, world.dossier.id, event_draft())
        .unwrap();
    s.cancel_event(&world.staff, world.dossier.id, second.id)
        .unwrap();
    s.add_event(&world.staff, world.dossier.id, event_draft())
        .unwrap();
    notifier.prepare(Utc::now()).unwrap();
    let mails = s.store().out_mails(1000).unwrap();
    let new: Vec<_> = mails[..mails.len() - before]
        .iter()
        .filter(|m| m.recipient.as_str() == "helene@client.test")
        .collect();
    let mut methods = Vec::new();
    for mail in &new {
        let raw = s.store().out_raw(mail).unwrap();
        let parsed = MessageParser::default().parse(&raw).unwrap();
        let parts: Vec<_> = parsed
            .attachments()
            .filter(|a| {
                a.content_type()
                    .is_some_and(|t| t.subtype() == Some("calendar"))
            })
            .collect();
        assert!(parts.len() <= 1, "one invitation per e-mail");
        if let Some(part) = parts.first() {
            let said = part
                .content_type()
                .unwrap()
                .attribute("method")
                .unwrap()
                .to_string();
            let text = String::from_utf8_lossy(part.contents()).to_string();
            assert!(text.contains(&format!("METHOD:{said}")), "{said}: {text}");
            assert!(text.contains("PRODID:-//Dossier//"), "{text}");
            methods.push(said);
        }
    }
    methods.sort();
    assert_eq!(
        methods,
        ["CANCEL", "REQUEST"],
        "an event added then cancelled is told once, cancelled"
    );
    assert_eq!(new.len(), 3, "the message, then each invitation apart");
}

#[test]
fn an_event_notification_carries_an_invitation_calendars_accept() {
    use icalendar::Component;
    let world = World::build(ClientKind::Company);
    let s = world.services();
    let notifier = folder_notifier(&world, 0);
    notifier.prepare(Utc::now()).unwrap();
    let ics_of = |mail_index_from_end: usize| -> icalendar::Calendar {
        let mails = s.store().out_mails(1000).unwrap();
        let mail = mails
            .iter()
            .filter(|m| m.recipient.as_str() == "helene@client.test")
            .nth(mail_index_from_end)
            .unwrap();
        let raw = s.store().out_raw(mail).unwrap();
        let parsed = MessageParser::default().parse(&raw).unwrap();
        let part = parsed
            .attachments()
            .find(|a| a.attachment_name() == Some("invite.ics"))
            .expect("invite.ics");
        let text = String::from_utf8(part.contents().to_vec()).unwrap();
        text.parse::<icalendar::Calendar>()
            .expect("the invitation parses")
    };
    let calendar = ics_of(0);
    let event = calendar
        .components
        .iter()
        .find_map(|c| c.as_event())
        .unwrap();
    assert_eq!(event.get_uid(), Some(world.event.uid.as_str()));
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(event.get_summary(), Some("Visite"));
    let start = format!("{:?}", event.get_start().unwrap());
    assert!(
        start.contains("2026-03-10T08:00:00Z") || start.contains("Utc"),
        "{start}"
    );
    assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
    assert_eq!(
        event.property_value("ORGANIZER"),
        Some("mailto:notifications@dossier.test")
    );
    s.update_event(
        &world.staff,
        world.dossier.id,
        world.event.id,
        event_draft(),
    )
    .unwrap();
    s.cancel_event(&world.staff, world.dossier.id, world.event.id)
        .unwrap();
    notifier.prepare(Utc::now()).unwrap();
    let cancelled = ics_of(0);
    let event = cancelled
        .components
        .iter()
        .find_map(|c| c.as_event())
        .unwrap();
    assert_eq!(
        event.get_uid(),
        Some(world.event.uid.as_str()),
        "the same UID"
    );
    assert_eq!(event.get_sequence(), Some(2), "raised on every change");
    assert_eq!(cancelled.property_value("METHOD"), Some("CANCEL"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_loop_a_reply_to_a_notification_lands_in_the_dossier() {
    let test = TestApp::spawn_with(|args| args.notify_window = Some(0), None).await;
    let world = World::build_in(&test, ClientKind::Company);
    let s = world.services();
    let outbox = test.app.store().root().join("outbox");
    post(s, &world.staff, &world, "Pouvez-vous valider le plan ?");
    // The worker writes the client's notification to the outbox folder.
    let notification = wait_for_eml(
        &outbox,
        "Pouvez-vous valider le plan ?",
        "helene@client.test",
    )
    .await;
    let parsed = MessageParser::default().parse(&notification).unwrap();
    let reply_to = parsed
        .reply_to()
        .unwrap()
        .first()
        .unwrap()
        .address()
        .unwrap()
        .to_string();
    let message_id = parsed.message_id().unwrap().to_string();
    let references: Vec<String> = parsed
        .references()
        .as_text_list()
        .unwrap()
        .iter()
        .map(|r| format!("<{r}>"))
        .collect();
    // The client's mail program: answers Reply-To, quotes, keeps References, attaches a file.
    use lettre::message::header::ContentType;
    use lettre::message::{Attachment, MultiPart, SinglePart};
    let body = "C'est validé, voici le plan signé.\n\nLe lun. 3 nov. 2025 à 14:30, Claire Moreau <notifications@dossier.test> a écrit :\n> Pouvez-vous valider le plan ?\n".to_string();
    let reply = lettre::Message::builder()
        .from("Hélène Garnier <helene@client.test>".parse().unwrap())
        .to(reply_to.parse().unwrap())
        .subject(format!("Re: {}", parsed.subject().unwrap()))
        .in_reply_to(format!("<{message_id}>"))
        .references(format!("{} <{message_id}>", references.join(" ")))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(body))
                .singlepart(Attachment::new("plan-signe.pdf".into()).body(
                    b"%PDF signed".to_vec(),
                    ContentType::parse("application/pdf").unwrap(),
                )),
        )
        .unwrap();
    let mut smtp = Smtp::connect(test.smtp).await;
    let raw = String::from_utf8(reply.formatted()).unwrap();
    let (rcpts, done) = smtp.deliver("helene@client.test", &[&reply_to], &raw).await;
    assert!(
        rcpts[0].starts_with("250") && done.starts_with("250"),
        "{rcpts:?} {done}"
    );
    test.processed().await;
    let posted = test.messages(world.dossier.id).pop().unwrap();
    assert_eq!(posted.author, world.client.id);
    assert_eq!(posted.text, "C'est validé, voici le plan signé.");
    let file = s
        .file(&world.staff, world.dossier.id, posted.attachments[0])
        .unwrap();
    assert_eq!(file.blob.name.as_str(), "plan-signe.pdf");
    // And the other actors hear of the client's reply, the client does not.
    wait_for_eml(
        &outbox,
        "C'est validé, voici le plan signé.",
        "claire@atelier.test",
    )
    .await;
    wait_for_eml(
        &outbox,
        "C'est validé, voici le plan signé.",
        "thomas@fabre.test",
    )
    .await;
    assert!(
        !emls(&outbox)
            .iter()
            .any(|raw| contains(raw, "C'est validé") && to_address(raw) == "helene@client.test"),
        "the author gets nothing"
    );
    // The reply token mutes nothing: whoever read the thread has it.
    let token = reply_to
        .trim_start_matches("r-")
        .split('@')
        .next()
        .unwrap()
        .to_string();
    let http = test.http.to_string();
    let (status, _) = crate::helpers::http_post(&http, &format!("/mute/{token}"));
    assert_eq!(status, 404);
    // The mute link of the notification works in one click.
    let unsubscribe = parsed.header_raw("List-Unsubscribe").unwrap().trim();
    let at = unsubscribe.find("/mute/").expect("a mute link");
    let link = unsubscribe[at..].trim_end_matches('>');
    assert!(!link.contains(&token));
    let (status, _) = crate::helpers::http_post(&http, link);
    assert_eq!(status, 200);
    assert_eq!(
        s.notification_prefs(&world.client, world.dossier.id)
            .unwrap(),
        Prefs::MUTED
    );
    test.stop().await;
}

fn emls(dir: &std::path::Path) -> Vec<Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| std::fs::read(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

fn contains(raw: &[u8], text: &str) -> bool {
    MessageParser::default()
        .parse(raw)
        .and_then(|m| m.body_text(0).map(|t| t.contains(text)))
        .unwrap_or(false)
}

fn to_address(raw: &[u8]) -> String {
    MessageParser::default()
        .parse(raw)
        .and_then(|m| {
            m.to()
                .and_then(|t| t.first())
                .and_then(|a| a.address().map(str::to_string))
        })
        .unwrap_or_default()
}

async fn wait_for_eml(dir: &std::path::Path, text: &str, to: &str) -> Vec<u8> {
    let found = || {
        let mut emls = emls(dir).into_iter();
        std::future::ready(emls.find(|raw| contains(raw, text) && to_address(raw) == to))
    };
    let missing = || {
        format!(
            "no notification to {to} about «{text}» in {}",
            dir.display()
        )
    };
    found_async(Duration::from_secs(6), found, missing).await
}

#[test]
fn a_stranger_cannot_set_preferences_and_an_unknown_mute_link_finds_nothing() {
    let world = World::build(ClientKind::Company);
    let s = world.services();
    assert!(matches!(
        s.set_notification_prefs(&world.stranger, world.dossier.id, Prefs::MUTED),
        Err(dossier::Error::NotFound)
    ));
    assert!(matches!(
        s.mute_by_token("0123456789abcdef0123456789abcdef"),
        Err(dossier::Error::NotFound)
    ));
    assert!(matches!(
        s.mute_by_token("../../etc"),
        Err(dossier::Error::NotFound)
    ));
}
