//! Delivery of notifications against a scripted relay: a 451 then a 250, a 5xx given up
//! at once and retried by staff, hard bounces that stop an address.

use std::collections::BTreeSet;

use chrono::Utc;
use dossier::domain::{ClientKind, OutState};
use dossier::mail::outbound::Notifier;
use dossier::mail::outbound::transport::Transport;
use dossier::service::Services;

use super::{post, settings};
use crate::helpers::World;
use crate::mail_support::Sink;

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
