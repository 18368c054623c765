//! Staff's pages: held mail, the outbox, settings, people and clients.

use dossier::domain::EmailAddress;
use dossier::service::Operator;

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn staff_review_held_mail_and_the_outbox_and_everyone_has_settings() {
    let site = site().await;
    let s = site.world.services();
    // A stranger writes to the dossier: held.
    let to = site
        .world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let raw = crate::mail_support::reply_text(
        "eve@autre.test",
        &to,
        "held-web@x.test",
        "Je passe par là.",
    );
    let mut smtp = crate::mail_support::Smtp::connect(site.test.smtp).await;
    assert!(
        smtp.deliver("eve@autre.test", &[&to], &raw)
            .await
            .1
            .starts_with("250")
    );
    site.test.processed().await;
    let client = visitor(&site, &site.world.client.emails[0]).await;
    assert_eq!(
        client
            .response(&format!("{}/admin/mail", site.base))
            .await
            .status(),
        404,
        "staff only"
    );
    let staff = visitor(&site, &site.world.staff.emails[0]).await;
    let admin = staff.page(&format!("{}/admin/mail", site.base)).await;
    assert!(
        admin.contains("<blockquote class=\"held-text\">Je passe par là.</blockquote>"),
        "the held message's text, as it would be posted: {admin}"
    );
    // Eve is a known person: "post as" starts on her; no one else is chosen.
    let eve = site.world.stranger.id.raw();
    assert!(
        admin.contains(&format!("<option value=\"{eve}\" selected>")),
        "the sender is preselected"
    );
    assert!(
        !admin.contains("<option value=\"\" selected>"),
        "not nobody"
    );
    let held = s.held_mail(&site.world.staff).unwrap();
    let nobody = staff
        .post_response(
            &format!("{}/admin/held/{}/approve", site.base, held[0].id),
            &[("author", "")],
        )
        .await;
    assert_eq!(nobody.status(), 422, "posting as nobody is refused");
    assert!(
        admin.contains("expéditeur vérifié : DKIM absent, SPF pass, DMARC pas de politique"),
        "the sender checks' verdict in words"
    );
    let held = s.held_mail(&site.world.staff).unwrap();
    let author = site.world.client.id.raw().to_string();
    let approved = staff
        .post_response(
            &format!("{}/admin/held/{}/approve", site.base, held[0].id),
            &[("author", author.as_str())],
        )
        .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(
        site.test
            .messages(site.world.dossier.id)
            .pop()
            .unwrap()
            .text,
        "Je passe par là."
    );
    let page = staff
        .page(&format!(
            "{}/dossiers/{}",
            site.base, site.world.dossier.number
        ))
        .await;
    assert!(
        page.contains("approuvé par Claire Moreau"),
        "the approved message says who vouched for it"
    );
    let raw_link = format!("{}/admin/raw/{}", site.base, held[0].raw_sha256);
    assert_eq!(staff.get(&raw_link).await.0, 200);
    assert_eq!(client.get(&raw_link).await.0, 404);
    let unknown = format!("{}/admin/raw/{}", site.base, "0".repeat(64));
    assert_eq!(staff.get(&unknown).await.0, 404, "no such content");

    // Settings: notifications per dossier and kind, language, password.
    let id = site.world.dossier.id.raw().to_string();
    let saved = client
        .post_response(
            &format!("{}/settings/notifications", site.base),
            &[("dossier", id.as_str()), ("files", "on")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let prefs = s
        .notification_prefs(&site.world.client, site.world.dossier.id)
        .unwrap();
    assert_eq!(
        prefs,
        dossier::domain::Prefs {
            messages: false,
            files: true,
            events: false
        }
    );
    client
        .post_response(
            &format!("{}/settings/language", site.base),
            &[("lang", "en")],
        )
        .await;
    assert_eq!(
        s.store().user(site.world.client.id).unwrap().unwrap().lang,
        dossier::domain::Lang::En
    );
    let wrong = client
        .post_response(
            &format!("{}/settings/password", site.base),
            &[("current", "not it"), ("password", "a brand new password")],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("current password is not right")
    );
    let ok = client
        .post_response(
            &format!("{}/settings/password", site.base),
            &[("current", PASSWORD), ("password", "a brand new password")],
        )
        .await;
    // Back to the page, which says it once: a reload posts nothing again.
    assert_eq!(ok.status(), 303);
    assert_eq!(ok.headers()["location"], "/settings?done=password");
    let said = client
        .page(&format!("{}/settings?done=password", site.base))
        .await;
    assert!(
        said.contains("Password changed."),
        "in the language she chose"
    );
    let reload = client
        .response(&format!("{}/settings/password", site.base))
        .await;
    assert_eq!(reload.status(), 303, "the form's address leads to its page");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_add_people_and_clients_and_invite_them() {
    let site = site().await;
    let staff = visitor(&site, &site.world.staff.emails[0]).await;
    let company = site.world.dossier.client.raw().to_string();
    let added = staff
        .post_response(
            &format!("{}/admin/people", site.base),
            &[
                ("name", "Julie Martin"),
                ("email", "julie@client.test"),
                ("lang", "en"),
                ("client", company.as_str()),
                ("invite", "on"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let julie = site
        .world
        .services()
        .store()
        .user_by_email(&EmailAddress::parse("julie@client.test").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(julie.lang, dossier::domain::Lang::En);
    assert!(
        site.world
            .services()
            .visible_dossiers(&julie)
            .unwrap()
            .iter()
            .any(|d| d.id == site.world.dossier.id),
        "a new member sees the company's dossiers"
    );
    let invitation = link_in_queue(&site, "julie@client.test");
    assert!(invitation.starts_with("/login/link/"));
    let twin = staff
        .post_response(
            &format!("{}/admin/people", site.base),
            &[("name", "Twin"), ("email", "JULIE@client.test")],
        )
        .await;
    assert_eq!(twin.status(), 422);
    assert!(
        twin.text()
            .await
            .unwrap()
            .contains("déjà celle de Julie Martin")
    );
    // A membership refused (staff cannot belong to a client) leaves no person behind:
    // the form comes back with what was typed, and the address is still free.
    let members = site.world.dossier.client.raw().to_string();
    let person = |staff_box: bool| {
        let mut form = vec![
            ("csrf", staff.csrf.clone()),
            ("name", "Marc Dupont".to_string()),
            ("email", "marc@client.test".to_string()),
            ("client", members.clone()),
        ];
        if staff_box {
            form.push(("staff", "on".into()));
        }
        staff
            .browser
            .post(format!("{}/admin/people", site.base))
            .form(&form)
            .send()
    };
    let refused = person(true).await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("ne peut pas être membre d") && page.contains("marc@client.test"));
    let marc = EmailAddress::parse("marc@client.test").unwrap();
    let store = site.world.services().store();
    assert!(
        store.user_by_email(&marc).unwrap().is_none(),
        "no one was added"
    );
    assert_eq!(person(false).await.unwrap().status(), 303);
    assert!(store.user_by_email(&marc).unwrap().is_some());
    let company = staff
        .post_response(
            &format!("{}/admin/clients", site.base),
            &[("name", "Boulangerie Durand")],
        )
        .await;
    assert_eq!(company.status(), 303);
    let durand = s_clients(&site)
        .into_iter()
        .find(|c| c.name == "Boulangerie Durand")
        .unwrap();
    let joined = staff
        .post_response(
            &format!("{}/admin/clients/{}/members", site.base, durand.id),
            &[("email", "julie@client.test")],
        )
        .await;
    assert_eq!(joined.status(), 303);
    assert!(
        s_clients(&site)
            .into_iter()
            .find(|c| c.name == "Boulangerie Durand")
            .unwrap()
            .has_member(julie.id)
    );
    site.world
        .services()
        .add_user(
            &Operator::command_line(),
            dossier::service::PersonRequest {
                name: "Paul Rousseau".into(),
                emails: vec![EmailAddress::parse("paul@perso.test").unwrap()],
                lang: dossier::domain::Lang::Fr,
                staff: false,
                password: None,
            },
        )
        .unwrap();
    let private = staff
        .post_response(
            &format!("{}/admin/clients/private", site.base),
            &[("email", "paul@perso.test"), ("may_create", "on")],
        )
        .await;
    assert_eq!(private.status(), 303);
    assert!(s_clients(&site).iter().any(|c| c.name == "Paul Rousseau"
        && c.kind == dossier::domain::ClientKind::Person
        && c.may_create_dossiers));
    let unknown = staff
        .post_response(
            &format!("{}/admin/clients/private", site.base),
            &[("email", "ghost@nowhere.test")],
        )
        .await;
    assert_eq!(
        unknown.status(),
        422,
        "the directory again, with the sentence"
    );
    let client = visitor(&site, &site.world.client.emails[0]).await;
    let forged = client
        .post_response(
            &format!("{}/admin/clients", site.base),
            &[("name", "Pirate")],
        )
        .await;
    assert_eq!(forged.status(), 404);
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn many_held_messages_come_a_page_at_a_time_and_go_in_bulk() {
    use dossier::domain::{HeldMail, LogEntry, Outcome};
    let site = site().await;
    let store = site.world.services().store();
    let raw = store
        .blobs()
        .put(b"From: x@spam.test\r\n\r\nachetez\r\n")
        .unwrap();
    for n in 0..60 {
        let held = HeldMail {
            id: store.new_id().unwrap(),
            at: chrono::Utc::now(),
            recipient: "x@dossier.test".into(),
            dossier: None,
            from: Some("x@spam.test".into()),
            subject: format!("Offre {n:02}"),
            raw_sha256: raw.sha256.clone(),
            reasons: vec!["sender not verified".into()],
            check: None,
            text: "achetez".into(),
            attachments: Vec::new(),
        };
        let line = LogEntry {
            id: store.new_id().unwrap(),
            at: held.at,
            recipient: held.recipient.clone(),
            sender: None,
            from: held.from.clone(),
            subject: held.subject.clone(),
            message_id: None,
            raw_sha256: raw.sha256.clone(),
            dossier: None,
            outcome: Outcome::Held { held: held.id },
            reasons: held.reasons.clone(),
            check: None,
        };
        store.hold_mail(&held, &line, &[]).unwrap();
    }
    let staff = visitor(&site, &site.world.staff.emails[0]).await;
    // The held section, before the processing log (which names them too).
    let page = |n: usize| {
        let staff = staff.clone();
        async move {
            let html = staff.page(&format!("/admin/mail?held={n}")).await;
            html.split("id=\"log\"").next().unwrap().to_string()
        }
    };
    let first = page(0).await;
    assert!(first.contains("Offre 00") && first.contains("Offre 24"));
    assert!(!first.contains("Offre 25"), "a page holds 25");
    assert_eq!(
        first.matches("<option value=\"\" selected>").count(),
        25,
        "an unknown sender: nobody is preselected"
    );
    assert!(
        first.contains("(60)") && first.contains("?held=1"),
        "the count and the next page"
    );
    let third = page(2).await;
    assert!(third.contains("Offre 59") && !third.contains("Offre 49"));
    // Tick the first page's messages and discard them at once.
    let held = site.world.services().held_mail(&site.world.staff).unwrap();
    let mut form = vec![("csrf".to_string(), staff.csrf.clone())];
    form.extend(
        held[..25]
            .iter()
            .map(|h| ("ids".to_string(), h.id.to_string())),
    );
    let discarded = staff
        .browser
        .post(format!("{}/admin/held/discard", site.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(discarded.status(), 303);
    let left = site.world.services().held_mail(&site.world.staff).unwrap();
    assert_eq!(left.len(), 35);
    assert_eq!(left[0].subject, "Offre 25");
    // Someone else's ticks discard nothing.
    let client = visitor(&site, &site.world.client.emails[0]).await;
    let refused = client
        .post_response(
            &format!("{}/admin/held/discard", site.base),
            &[("ids", &left[0].id.to_string())],
        )
        .await;
    assert_eq!(refused.status(), 404);
    assert_eq!(
        site.world
            .services()
            .held_mail(&site.world.staff)
            .unwrap()
            .len(),
        35
    );
    site.test.stop().await;
}
