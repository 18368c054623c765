//! The calendar page and its private feed, through HTTP.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_calendar_shows_what_one_may_see_and_its_private_feed_can_be_reset() {
    let site = site().await;
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let month = client
        .get(format!("{}/calendar?month=2026-03", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        month.contains("mars 2026") && month.contains("Visite"),
        "the event is in March"
    );
    let (stranger, _) = signed_in(&site, &site.world.stranger.emails[0]).await;
    let theirs = stranger
        .get(format!("{}/calendar?month=2026-03", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
    let month = client
        .get(format!("{}/calendar?month=2026-03", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_ne!(feed_at(&month), feed, "a new address");
    let page = client
        .get(format!(
            "{}/dossiers/{}/events",
            site.base, site.world.dossier.number
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dossier_feed = page
        .split("<code>")
        .nth(2)
        .expect("a dossier feed")
        .split("</code>")
        .next()
        .unwrap()
        .replace("http://127.0.0.1:8080", &site.base);
    let only: icalendar::Calendar = anonymous
        .get(&dossier_feed)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .parse()
        .unwrap();
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
