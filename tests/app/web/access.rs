//! What each role reaches through HTTP: every page and download against the permission
//! table, 404 for what a reader has no role on.

use dossier::domain::ClientKind;

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn each_role_sees_what_the_table_allows_and_strangers_get_404() {
    let site = site().await;
    let (w, number) = (&site.world, site.world.dossier.number.to_string());
    let dossier = format!("/dossiers/{number}");
    let section = |tail: &str| format!("/dossiers/{number}/{tail}");
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let staff_page = staff.page(&dossier).await;
    let staff_people = staff.page(&section("intervenants")).await;
    assert!(
        staff_page.contains("Devis &amp; factures") && staff_people.contains("thomas@fabre.test"),
        "staff see documents and contacts"
    );
    let client = visitor(&site, &w.client.emails[0]).await;
    let client_page = client.page(&dossier).await;
    let client_people = client.page(&section("intervenants")).await;
    let (status, client_documents) = client.get(&section("documents")).await;
    assert_eq!(status, 200);
    assert!(
        client_page.contains("Devis &amp; factures")
            && client_documents.contains("D-2026")
            && client_people.contains("Thomas")
            && !client_people.contains("thomas@fabre.test"),
        "clients see documents, not contacts"
    );
    let intervenant = visitor(&site, &w.intervenant.emails[0]).await;
    let intervenant_page = intervenant.page(&dossier).await;
    assert!(
        !intervenant_page.contains("Devis &amp; factures") && !intervenant_page.contains("D-2026"),
        "no quote for an intervenant"
    );
    let documents = intervenant.get(&section("documents")).await.0;
    assert_eq!(documents, 404, "nor the documents' section");
    let history = intervenant.get(&section("history")).await.0;
    assert_eq!(history, 404, "the history is staff's");
    let stranger = visitor(&site, &w.stranger.emails[0]).await;
    assert_eq!(stranger.get(&dossier).await.0, 404);
    let file = section(&format!("files/{}", w.file.id));
    assert_eq!(stranger.get(&file).await.0, 404, "nor its files");
    assert_eq!(
        stranger.get("/dossiers/9999-0001").await.0,
        404,
        "a dossier that does not exist looks the same"
    );
    let download = client.response(&file).await;
    assert_eq!(download.status(), 200);
    let headers = download.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-type"], "application/octet-stream");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"));
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        b"content of plan.pdf"
    );
    let anonymous = browser().get(format!("{}/dossiers", site.base)).send();
    assert_eq!(
        anonymous.await.unwrap().headers()["location"],
        "/login",
        "no session: sign in first"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn detail_pages_and_downloads_follow_the_table() {
    let site = site().await;
    let w = &site.world;
    let at = |path: String| format!("/dossiers/{}/{path}", w.dossier.number);
    let client = visitor(&site, &w.client.emails[0]).await;
    let intervenant = visitor(&site, &w.intervenant.emails[0]).await;
    let quote = at(format!("documents/{}", w.quote.id));
    let printable = client.page(&quote).await;
    // 2 × 50 € at 20 %: 100 € before tax, 20 € VAT, 120 € in all.
    assert!(
        printable.contains("100,00\u{a0}€")
            && printable.contains("20,00\u{a0}€")
            && printable.contains("120,00\u{a0}€"),
        "{printable}"
    );
    assert!(printable.contains("Total TTC"));
    let hidden = intervenant.get(&quote).await.0;
    assert_eq!(hidden, 404, "no quote for an intervenant");
    let activities = intervenant.page(&at("activities".into())).await;
    assert!(
        activities.contains("1 h 30") && activities.contains("Pose"),
        "activities are detailed for every role"
    );
    assert!(
        !activities.contains("Par commande") && !activities.contains(">Commande<"),
        "orders are documents: an intervenant sees none"
    );
    let empty = intervenant
        .page(&at("activities?from=2030-01-01".into()))
        .await;
    assert!(
        empty.contains("Aucun temps enregistré sur cette période"),
        "a period with nothing"
    );
    let billed = at(format!("expenses/{}/receipt", w.billed.id));
    let unbilled = at(format!("expenses/{}/receipt", w.unbilled.id));
    assert_eq!(client.get(&billed).await.0, 200);
    assert_eq!(
        client.get(&unbilled).await.0,
        404,
        "a receipt of an expense not billed to the client"
    );
    let staff = visitor(&site, &w.staff.emails[0]).await;
    assert_eq!(staff.get(&unbilled).await.0, 200);

    // An e-mail reply keeps its original, readable from the page.
    let to = w
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let raw =
        crate::mail_support::reply_text("helene@client.test", &to, "orig-1@client.test", "Vu.");
    let mut smtp = crate::mail_support::Smtp::connect(site.test.smtp).await;
    let (_, reply) = smtp.deliver("helene@client.test", &[&to], &raw).await;
    assert!(reply.starts_with("250"));
    site.test.processed().await;
    let message = site.test.messages(w.dossier.id).pop().unwrap();
    let original = at(format!("messages/{}/original", message.id));
    let response = client.response(&original).await;
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"));
    let text = response.text().await.unwrap();
    assert!(text.contains("Message-ID: <orig-1@client.test>"));
    let stranger = visitor(&site, &w.stranger.emails[0]).await;
    assert_eq!(stranger.get(&original).await.0, 404);
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
