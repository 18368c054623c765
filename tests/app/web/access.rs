//! What each role reaches through HTTP: every page and download against the permission
//! table, 404 for what a reader has no role on.

use dossier::domain::ClientKind;

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn each_role_sees_what_the_table_allows_and_strangers_get_404() {
    let site = site().await;
    let number = site.world.dossier.number.to_string();
    let page_of = |browser: reqwest::Client| {
        let url = format!("{}/dossiers/{number}", site.base);
        async move { browser.get(url).send().await.unwrap() }
    };
    let section = |browser: &reqwest::Client, tail: &str| {
        let request = browser.get(format!("{}/dossiers/{number}/{tail}", site.base));
        async move { request.send().await.unwrap() }
    };
    let (staff, _) = signed_in(&site, &site.world.staff.emails[0]).await;
    let staff_page = page_of(staff.clone()).await.text().await.unwrap();
    let staff_people = section(&staff, "intervenants").await.text().await.unwrap();
    assert!(
        staff_page.contains("Devis &amp; factures") && staff_people.contains("thomas@fabre.test"),
        "staff see documents and contacts"
    );
    let (client, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let client_page = page_of(client.clone()).await.text().await.unwrap();
    let client_people = section(&client, "intervenants").await.text().await.unwrap();
    let client_documents = section(&client, "documents").await;
    assert_eq!(client_documents.status(), 200);
    assert!(
        client_page.contains("Devis &amp; factures")
            && client_documents.text().await.unwrap().contains("D-2026")
            && client_people.contains("Thomas")
            && !client_people.contains("thomas@fabre.test"),
        "clients see documents, not contacts"
    );
    let (intervenant, _) = signed_in(&site, &site.world.intervenant.emails[0]).await;
    let intervenant_page = page_of(intervenant.clone()).await.text().await.unwrap();
    assert!(
        !intervenant_page.contains("Devis &amp; factures") && !intervenant_page.contains("D-2026"),
        "no quote for an intervenant"
    );
    assert_eq!(
        section(&intervenant, "documents").await.status(),
        404,
        "nor the documents' section"
    );
    assert_eq!(
        section(&intervenant, "history").await.status(),
        404,
        "the history is staff's"
    );
    let (stranger, _) = signed_in(&site, &site.world.stranger.emails[0]).await;
    assert_eq!(page_of(stranger.clone()).await.status(), 404);
    let file = format!(
        "{}/dossiers/{number}/files/{}",
        site.base, site.world.file.id
    );
    assert_eq!(
        stranger.get(&file).send().await.unwrap().status(),
        404,
        "nor its files"
    );
    assert_eq!(
        stranger
            .get(format!("{}/dossiers/9999-0001", site.base))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "a dossier that does not exist looks the same"
    );
    let download = client.get(&file).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        download.headers()["content-type"],
        "application/octet-stream"
    );
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        b"content of plan.pdf"
    );
    assert_eq!(
        browser()
            .get(format!("{}/dossiers", site.base))
            .send()
            .await
            .unwrap()
            .headers()["location"],
        "/login",
        "no session: sign in first"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn detail_pages_and_downloads_follow_the_table() {
    let site = site().await;
    let d = site.world.dossier.number.to_string();
    let at = |path: String| format!("{}/dossiers/{d}/{path}", site.base);
    let (client, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let (intervenant, _) = signed_in(&site, &site.world.intervenant.emails[0]).await;
    let quote = at(format!("documents/{}", site.world.quote.id));
    let printable = text_of(&client, &quote).await;
    // 2 × 50 € at 20 %: 100 € before tax, 20 € VAT, 120 € in all.
    assert!(
        printable.contains("100,00\u{a0}€")
            && printable.contains("20,00\u{a0}€")
            && printable.contains("120,00\u{a0}€"),
        "{printable}"
    );
    assert!(printable.contains("Total TTC"));
    assert_eq!(
        intervenant.get(&quote).send().await.unwrap().status(),
        404,
        "no quote for an intervenant"
    );
    let activities = text_of(&intervenant, &at("activities".into())).await;
    assert!(
        activities.contains("1 h 30") && activities.contains("Pose"),
        "activities are detailed for every role"
    );
    assert!(
        !activities.contains("Par commande") && !activities.contains(">Commande<"),
        "orders are documents: an intervenant sees none"
    );
    let empty = text_of(&intervenant, &at("activities?from=2030-01-01".into())).await;
    assert!(
        empty.contains("Aucun temps enregistré sur cette période"),
        "a period with nothing"
    );
    let billed = at(format!("expenses/{}/receipt", site.world.billed.id));
    let unbilled = at(format!("expenses/{}/receipt", site.world.unbilled.id));
    assert_eq!(client.get(&billed).send().await.unwrap().status(), 200);
    assert_eq!(
        client.get(&unbilled).send().await.unwrap().status(),
        404,
        "a receipt of an expense not billed to the client"
    );
    let (staff, _) = signed_in(&site, &site.world.staff.emails[0]).await;
    assert_eq!(staff.get(&unbilled).send().await.unwrap().status(), 200);

    // An e-mail reply keeps its original, readable from the page.
    let to = site
        .world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let raw =
        crate::mail_support::reply_text("helene@client.test", &to, "orig-1@client.test", "Vu.");
    let mut smtp = crate::mail_support::Smtp::connect(site.test.smtp).await;
    assert!(
        smtp.deliver("helene@client.test", &[&to], &raw)
            .await
            .1
            .starts_with("250")
    );
    site.test.processed().await;
    let message = site.test.messages(site.world.dossier.id).pop().unwrap();
    let original = client
        .get(at(format!("messages/{}/original", message.id)))
        .send()
        .await
        .unwrap();
    assert!(
        original.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        original
            .text()
            .await
            .unwrap()
            .contains("Message-ID: <orig-1@client.test>")
    );
    let (stranger, _) = signed_in(&site, &site.world.stranger.emails[0]).await;
    assert_eq!(
        stranger
            .get(at(format!("messages/{}/original", message.id)))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_answers_each_role_as_the_table_says_for_a_company_client() {
    route_table(ClientKind::Company).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_answers_each_role_as_the_table_says_for_a_private_client() {
    route_table(ClientKind::Person).await;
}

async fn route_table(kind: ClientKind) {
    let site = site_for(kind, |_| {}).await;
    let w = &site.world;
    let n = w.dossier.number.to_string();
    // (path, staff, client, intervenant, stranger); anonymous readers are always sent to /login.
    let routes: Vec<(String, [u16; 4])> = vec![
        ("/dossiers".into(), [200, 200, 200, 200]),
        (format!("/dossiers/{n}"), [200, 200, 200, 404]),
        (
            format!("/dossiers/{n}/files/{}", w.file.id),
            [200, 200, 200, 404],
        ),
        (
            format!("/dossiers/{n}/documents/{}", w.quote.id),
            [200, 200, 404, 404],
        ),
        (
            format!("/dossiers/{n}/documents/{}", w.order.id),
            [200, 200, 404, 404],
        ),
        (format!("/dossiers/{n}/activities"), [200, 200, 200, 404]),
        (
            format!("/dossiers/{n}/expenses/{}/receipt", w.billed.id),
            [200, 200, 200, 404],
        ),
        (
            format!("/dossiers/{n}/expenses/{}/receipt", w.unbilled.id),
            [200, 404, 404, 404],
        ),
        (
            format!("/dossiers/{n}/events/{}/ics", w.event.id),
            [200, 200, 200, 404],
        ),
        ("/dossiers/new".into(), [200, 200, 404, 200]),
        // The pages that ask before a destructive action: staff's.
        (format!("/dossiers/{n}/close"), [200, 404, 404, 404]),
        (
            format!("/dossiers/{n}/files/{}/delete", w.file.id),
            [200, 404, 404, 404],
        ),
        (
            format!("/dossiers/{n}/events/{}/cancel", w.event.id),
            [200, 404, 404, 404],
        ),
        (
            format!("/dossiers/{n}/intervenants/{}/remove", w.intervenant.id),
            [200, 404, 404, 404],
        ),
        ("/calendar".into(), [200, 200, 200, 200]),
        ("/settings".into(), [200, 200, 200, 200]),
        ("/admin/mail".into(), [200, 404, 404, 404]),
        ("/admin/people".into(), [200, 404, 404, 404]),
    ];
    let mut browsers = Vec::new();
    for user in [&w.staff, &w.client, &w.intervenant, &w.stranger] {
        browsers.push(signed_in(&site, &user.emails[0]).await.0);
    }
    let anonymous = browser();
    let mut wrong = Vec::new();
    for (path, expected) in &routes {
        for (who, (browser, want)) in ["staff", "client", "intervenant", "stranger"]
            .iter()
            .zip(browsers.iter().zip(expected))
        {
            let got = browser
                .get(format!("{}{path}", site.base))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            if got != *want {
                wrong.push(format!("{who} GET {path}: {got}, expected {want}"));
            }
        }
        let got = anonymous
            .get(format!("{}{path}", site.base))
            .send()
            .await
            .unwrap();
        if got.status() != 303 || got.headers()["location"] != "/login" {
            wrong.push(format!("anonymous GET {path}: {}", got.status()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_form_refuses_a_post_without_its_token_and_hides_what_one_may_not_see() {
    let site = site().await;
    let w = &site.world;
    let n = w.dossier.number.to_string();
    let d = format!("/dossiers/{n}");
    // Every form of a signed-in reader: (path, multipart, on a dossier, staff only).
    let forms: Vec<(String, bool, bool, bool)> = vec![
        ("/logout".into(), false, false, false),
        ("/dossiers".into(), false, false, false),
        (format!("{d}/close"), false, true, false),
        (format!("{d}/reopen"), false, true, false),
        (format!("{d}/reference"), false, true, false),
        (format!("{d}/messages"), true, true, false),
        (format!("{d}/events"), false, true, false),
        (format!("{d}/events/{}", w.event.id), false, true, false),
        (
            format!("{d}/events/{}/cancel", w.event.id),
            false,
            true,
            false,
        ),
        (format!("{d}/intervenants"), false, true, false),
        (
            format!("{d}/intervenants/{}/remove", w.intervenant.id),
            false,
            true,
            false,
        ),
        (
            format!("{d}/files/{}/rename", w.file.id),
            false,
            true,
            false,
        ),
        (
            format!("{d}/files/{}/delete", w.file.id),
            false,
            true,
            false,
        ),
        (format!("{d}/activities"), false, true, false),
        (
            format!("{d}/activities/{}", w.activity.id),
            false,
            true,
            false,
        ),
        (format!("{d}/documents"), false, true, false),
        (
            format!("{d}/documents/{}/status", w.quote.id),
            false,
            true,
            false,
        ),
        (
            format!("{d}/documents/{}/edit", w.quote.id),
            false,
            true,
            false,
        ),
        (format!("{d}/expenses"), true, true, false),
        (format!("{d}/expenses/{}", w.billed.id), true, true, false),
        ("/calendar/feed/reset".into(), false, false, false),
        ("/settings/language".into(), false, false, false),
        ("/settings/notifications".into(), false, false, false),
        ("/settings/password".into(), false, false, false),
        ("/admin/held/1/approve".into(), false, false, true),
        ("/admin/held/1/discard".into(), false, false, true),
        ("/admin/held/discard".into(), false, false, true),
        ("/admin/outbox/1/retry".into(), false, false, true),
        ("/admin/people".into(), false, false, true),
        ("/admin/clients".into(), false, false, true),
        (
            format!("/admin/clients/{}/may-create", w.dossier.client),
            false,
            false,
            true,
        ),
        (
            format!("/admin/clients/{}/members", w.dossier.client),
            false,
            false,
            true,
        ),
        ("/admin/clients/private".into(), false, false, true),
    ];
    let mut readers = Vec::new();
    for user in [&w.staff, &w.client, &w.intervenant, &w.stranger] {
        readers.push((user.name.clone(), signed_in(&site, &user.emails[0]).await));
    }
    let post = |b: &reqwest::Client, path: &str, multipart: bool, token: Option<&str>| {
        let request = b.post(format!("{}{path}", site.base));
        if multipart {
            let form = reqwest::multipart::Form::new();
            let form = match token {
                Some(t) => form.text("csrf", t.to_string()),
                None => form,
            };
            request.multipart(form.text("text", "x"))
        } else {
            let mut fields = vec![("text", "x".to_string())];
            if let Some(t) = token {
                fields.push(("csrf", t.to_string()));
            }
            request.form(&fields)
        }
        .send()
    };
    let mut wrong = Vec::new();
    for (path, multipart, on_dossier, staff_only) in &forms {
        for (who, (browser, csrf)) in &readers {
            let got = post(browser, path, *multipart, None)
                .await
                .unwrap()
                .status();
            if got != 403 {
                wrong.push(format!("{who} POST {path} without its token: {got}"));
            }
            let stranger = who == &w.stranger.name;
            let hidden = (*on_dossier && stranger) || (*staff_only && who != &w.staff.name);
            if hidden {
                let got = post(browser, path, *multipart, Some(csrf))
                    .await
                    .unwrap()
                    .status();
                if got != 404 {
                    wrong.push(format!("{who} POST {path}: {got}, expected 404"));
                }
            }
        }
        let anonymous = post(&browser(), path, *multipart, None).await.unwrap();
        if anonymous.status() != 303 || anonymous.headers()["location"] != "/login" {
            wrong.push(format!("anonymous POST {path}: {}", anonymous.status()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_link_leads_to_a_dead_end() {
    let site = site().await;
    let w = &site.world;
    let icon = browser()
        .get(format!("{}/favicon.ico", site.base))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    let list = |who: &dossier::domain::User| {
        let email = who.emails[0].clone();
        let site = &site;
        async move {
            let (b, _) = signed_in(site, &email).await;
            let page = b
                .get(format!("{}/dossiers", site.base))
                .send()
                .await
                .unwrap();
            page.text().await.unwrap()
        }
    };
    assert!(list(&w.client).await.contains("href=\"/dossiers/new\""));
    assert!(
        !list(&w.intervenant)
            .await
            .contains("href=\"/dossiers/new\""),
        "intervenants may not open a dossier: no link to a 404"
    );
    // An empty message is answered on the dossier's page, not a page of its own.
    let (client, csrf) = signed_in(&site, &w.client.emails[0]).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("text", "  ");
    let answer = client
        .post(format!(
            "{}/dossiers/{}/messages",
            site.base, w.dossier.number
        ))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 422);
    let page = answer.text().await.unwrap();
    assert!(
        page.contains(&w.dossier.title)
            && page.contains("Écrivez un message ou joignez un fichier"),
        "{page}"
    );
    site.test.stop().await;
}
