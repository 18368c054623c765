//! The calendar page and its private feed, through HTTP.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_calendar_shows_what_one_may_see_and_its_private_feed_can_be_reset() {
    let site = site().await;
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let month = text_of(&client, &format!("{}/calendar?month=2026-03", site.base)).await;
    assert!(
        month.contains("mars 2026") && month.contains("Visite"),
        "the event is in March"
    );
    let (stranger, _) = signed_in(&site, &site.world.stranger.emails[0]).await;
    let theirs = text_of(&stranger, &format!("{}/calendar?month=2026-03", site.base)).await;
    assert!(
        !theirs.contains("Visite"),
        "a stranger's calendar does not show it"
    );
    let feed_at = |page: &str| {
        page.split("<code>")
            .nth(1)
            .unwrap()
            .split("</code>")
            .next()
            .unwrap()
            .replace("http://127.0.0.1:8080", &site.base)
    };
    let feed = feed_at(&month);
    let anonymous = browser();
    let ics = anonymous.get(&feed).send().await.unwrap();
    assert_eq!(ics.status(), 200, "{feed}");
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let calendar: icalendar::Calendar = ics.text().await.unwrap().parse().unwrap();
    let uids: Vec<String> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| icalendar::Component::get_uid(e).map(str::to_string))
        .collect();
    assert_eq!(uids, std::slice::from_ref(&site.world.event.uid));
    assert_eq!(
        client
            .post(format!("{}/calendar/feed/reset", site.base))
            .form(&[("csrf", &csrf)])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        anonymous.get(&feed).send().await.unwrap().status(),
        404,
        "the old address stops working"
    );
    let month = text_of(&client, &format!("{}/calendar?month=2026-03", site.base)).await;
    assert_ne!(feed_at(&month), feed, "a new address");
    let page = text_of(
        &client,
        &format!(
            "{}/dossiers/{}/events",
            site.base, site.world.dossier.number
        ),
    )
    .await;
    let dossier_feed = page
        .split("<code>")
        .nth(2)
        .expect("a dossier feed")
        .split("</code>")
        .next()
        .unwrap()
        .replace("http://127.0.0.1:8080", &site.base);
    let only: icalendar::Calendar = text_of(&anonymous, &dossier_feed).await.parse().unwrap();
    assert_eq!(
        only.components
            .iter()
            .filter(|c| c.as_event().is_some())
            .count(),
        1,
        "the dossier's own feed"
    );
    let one = client
        .get(format!(
            "{}/dossiers/{}/events/{}/ics",
            site.base, site.world.dossier.number, site.world.event.id
        ))
        .send()
        .await
        .unwrap();
    assert!(
        one.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("event.ics")
    );
    assert_eq!(
        stranger
            .get(format!(
                "{}/dossiers/{}/events/{}/ics",
                site.base, site.world.dossier.number, site.world.event.id
            ))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_calendar_shown_again_follows_every_change_of_its_events() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let march = format!("{}/calendar?month=2026-03", site.base);
    let (client, _) = signed_in(&site, &w.client.emails[0]).await;
    let (newcomer, _) = signed_in(&site, &w.stranger.emails[0]).await;
    for _ in 0..2 {
        assert!(text_of(&client, &march).await.contains("Visite"));
        assert!(!text_of(&newcomer, &march).await.contains("Visite"));
    }
    s.cancel_event(&w.staff, w.dossier.id, w.event.id).unwrap();
    assert!(
        text_of(&client, &march).await.contains("<s>Visite"),
        "cancelled, it is struck through"
    );
    s.assign_intervenant(&w.staff, w.dossier.id, w.stranger.id, "Plombier")
        .unwrap();
    assert!(
        text_of(&newcomer, &march).await.contains("<s>Visite"),
        "assigned, the intervenant sees it"
    );
    s.remove_intervenant(&w.staff, w.dossier.id, w.stranger.id)
        .unwrap();
    assert!(
        !text_of(&newcomer, &march).await.contains("Visite"),
        "removed, no longer"
    );
    site.test.stop().await;
}

/// A calendar program's answer to the invitation of `uid`, from `from`, as Thunderbird
/// sends it to the ORGANIZER: a text part and a `text/calendar; method=REPLY` part.
fn calendar_reply(from: &str, uid: &str, partstat: &str, id: &str) -> String {
    format!(
        "From: {from}\r\nTo: notifications@dossier.test\r\nSubject: Accepté: Visite\r\nMessage-ID: <{id}@client.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{from} a accepté votre invitation.\r\n--b\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBEGIN:VCALENDAR\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nSEQUENCE:0\r\nATTENDEE;PARTSTAT={partstat};CN=Someone:mailto:{from}\r\nORGANIZER:mailto:notifications@dossier.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n--b--\r\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn calendar_answers_show_on_the_event_and_a_strangers_is_ignored() {
    use crate::mail_support::Smtp;
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let uid = w.event.uid.clone();
    let messages = site.test.messages(w.dossier.id).len();
    let held = site.test.app.store().held_mail().unwrap().len();
    let mut smtp = Smtp::connect(site.test.smtp).await;
    for (from, partstat, id) in [
        ("helene@client.test", "ACCEPTED", "r1"),
        ("thomas@fabre.test", "TENTATIVE", "r2"),
        ("eve@autre.test", "ACCEPTED", "r3"),
        ("helene@client.test", "DECLINED", "r4"),
    ] {
        let raw = calendar_reply(from, &uid, partstat, id);
        let (_, done) = smtp
            .deliver(from, &["notifications@dossier.test"], &raw)
            .await;
        assert!(done.starts_with("250"), "{done}");
        site.test.processed().await;
    }
    let event = s.event(&w.staff, w.dossier.id, w.event.id).unwrap().1;
    let answers: Vec<_> = event.answers.iter().map(|a| (a.user, a.answer)).collect();
    use dossier::domain::PartStat;
    assert_eq!(
        answers,
        [
            (w.intervenant.id, PartStat::Tentative),
            (w.client.id, PartStat::Declined)
        ],
        "each invited person's latest answer; the stranger's is not there"
    );
    assert_eq!(
        site.test.messages(w.dossier.id).len(),
        messages,
        "never posted"
    );
    assert_eq!(
        site.test.app.store().held_mail().unwrap().len(),
        held,
        "never held"
    );
    let log = site.test.app.store().mail_log(10).unwrap();
    let stranger = log
        .iter()
        .find(|l| l.message_id.as_deref() == Some("r3@client.test"))
        .unwrap();
    assert!(
        stranger.reasons.iter().any(|r| r.contains("not invited")),
        "{:?}",
        stranger.reasons
    );
    assert_eq!(log[0].outcome.name(), "calendar_answer");

    // Staff see who comes, and the history keeps each answer.
    let (staff, _) = signed_in(&site, &w.staff.emails[0]).await;
    let base = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let agenda = text_of(&staff, &format!("{base}/events")).await;
    assert!(agenda.contains("Hélène Garnier — ne vient pas"), "{agenda}");
    assert!(agenda.contains("Thomas Fabre — viendra peut-être"));
    let history = text_of(&staff, &format!("{base}/history")).await;
    assert!(
        history.contains("Réponse à l'invitation : Hélène Garnier vient"),
        "{history}"
    );
    assert!(history.contains("Réponse à l'invitation : Hélène Garnier ne vient pas"));
    let calendar = text_of(&staff, &format!("{}/calendar", site.base)).await;
    assert!(
        calendar.contains("href=\"webcal://"),
        "the feed as a link: {calendar}"
    );
    let feed = staff
        .get(format!("{base}/events/{}/ics", w.event.id))
        .send()
        .await
        .unwrap();
    assert_eq!(
        feed.headers()["content-type"],
        "text/calendar; charset=utf-8; method=PUBLISH"
    );
    let text = feed.text().await.unwrap();
    assert!(text.contains("METHOD:PUBLISH") && text.contains("PRODID:-//Dossier//"));
    site.test.stop().await;
}
