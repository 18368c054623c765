//! Notifications: who gets what (policy, author, mutes, stopped addresses), grouping,
//! the headers read back by a mail parser, the mute link; delivery, invitations and the
//! whole loop through a real reply each in its file.

mod delivery;
mod invitations;
mod reply_loop;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use dossier::domain::{ClientKind, Door, EmailAddress, NewMessage, OurAddress, Prefs};
use dossier::mail::outbound::transport::Transport;
use dossier::mail::outbound::{Notifier, NotifySettings};
use dossier::service::Services;
use mail_parser::MessageParser;

use crate::helpers::World;

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

pub(crate) fn folder_notifier(world: &World, window: u64) -> Notifier {
    Notifier::new(
        world.services().clone(),
        settings(window),
        Transport::Folder(world.data().join("outbox")),
    )
}

pub(crate) fn post(s: &Services, author: &dossier::domain::User, world: &World, text: &str) {
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

pub(crate) fn contains(raw: &[u8], text: &str) -> bool {
    MessageParser::default()
        .parse(raw)
        .and_then(|m| m.body_text(0).map(|t| t.contains(text)))
        .unwrap_or(false)
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
