//! Posting messages with files through the web, CSRF and closed-dossier refusals, the
//! upload limit, and long discussions shown a page at a time.

use dossier::domain::ClientKind;

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn posting_a_message_with_a_file_needs_the_csrf_token_and_an_open_dossier() {
    let site = site().await;
    let number = site.world.dossier.number.to_string();
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let url = format!("{}/dossiers/{number}/messages", site.base);
    let form = |token: &str| {
        reqwest::multipart::Form::new()
            .text("csrf", token.to_string())
            .text("text", "Voici la photo du mur.")
            .part(
                "files",
                reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n fake".to_vec())
                    .file_name("mur.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
    };
    assert_eq!(
        client
            .post(&url)
            .multipart(form(""))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "no token"
    );
    let cross = client
        .post(&url)
        .header("Origin", "https://evil.example")
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403, "cross-origin");
    // The configured address with more after it is another site.
    let lookalike = format!("{}.evil.example", site.test.app.config.base_url);
    let cross = client
        .post(&url)
        .header("Origin", lookalike.as_str())
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403, "{lookalike} is not our origin");
    let posted = client
        .post(&url)
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let page = text_of(&client, &format!("{}/dossiers/{number}", site.base)).await;
    assert!(page.contains("Voici la photo du mur.") && page.contains("mur.png"));
    let message = site.test.messages(site.world.dossier.id).pop().unwrap();
    let file = site
        .world
        .services()
        .file(
            &site.world.client,
            site.world.dossier.id,
            message.attachments[0],
        )
        .unwrap();
    assert_eq!(file.blob.content_type, "image/png");
    let image = client
        .get(format!("{}/dossiers/{number}/files/{}", site.base, file.id))
        .send()
        .await
        .unwrap();
    assert!(
        image.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline"),
        "a raster image shows inline"
    );

    site.world
        .services()
        .close_dossier(&site.world.staff, site.world.dossier.id)
        .unwrap();
    let closed = client
        .post(&url)
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 409);
    assert!(closed.text().await.unwrap().contains("clôturé"));
    let page = text_of(&client, &format!("{}/dossiers/{number}", site.base)).await;
    assert!(
        !page.contains("name=\"text\""),
        "no post form on a closed dossier"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_over_the_limit_gets_a_sentence_and_stores_nothing() {
    let site = site_for(ClientKind::Company, |args| {
        args.max_message_bytes = Some(1000)
    })
    .await;
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let before = site.test.messages(site.world.dossier.id).len();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("text", "Trop gros")
        .part(
            "files",
            reqwest::multipart::Part::bytes(vec![7u8; 200_000]).file_name("gros.bin"),
        );
    let response = client
        .post(format!(
            "{}/dossiers/{}/messages",
            site.base, site.world.dossier.number
        ))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert!(
        response.text().await.unwrap().contains("trop volumineux"),
        "a sentence says why"
    );
    assert_eq!(site.test.messages(site.world.dossier.id).len(), before);
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_discussion_shows_its_newest_messages_and_the_rest_on_demand() {
    let site = site().await;
    let s = site.world.services();
    let d = &site.world.dossier;
    // The first message carries a file: it stays reachable from its message when the
    // files list shows only the newest.
    let stored = s.store().blobs().put(b"first plan").unwrap();
    let first = dossier::domain::NewMessage {
        text: "Message numéro 0".into(),
        attachments: vec![dossier::domain::NewFile::attached(
            dossier::domain::BlobRef {
                name: dossier::domain::FileName::sanitize("premier-plan.pdf"),
                content_type: "application/pdf".into(),
                size: stored.size,
                sha256: stored.sha256,
            },
        )],
        ..Default::default()
    };
    s.post_message(&site.world.client, d.id, dossier::domain::Door::Web, first)
        .unwrap();
    for i in 0..55 {
        let file = crate::helpers::blob(s, &format!("plan-{i}.pdf"), format!("{i}").as_bytes());
        s.add_file(
            &site.world.staff,
            d.id,
            dossier::domain::Door::Web,
            dossier::domain::NewFile::attached(file),
        )
        .unwrap();
    }
    for i in 1..60 {
        let message = dossier::domain::NewMessage {
            text: format!("Message numéro {i}"),
            ..Default::default()
        };
        s.post_message(
            &site.world.client,
            d.id,
            dossier::domain::Door::Web,
            message,
        )
        .unwrap();
    }
    let (browser, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let get = |path: String| {
        let browser = browser.clone();
        async move { text_of(&browser, &path).await }
    };
    let page = get(format!("{}/dossiers/{}", site.base, d.number)).await;
    assert!(page.contains("Message numéro 59"));
    assert!(page.contains("Message numéro 10<"), "the newest fifty");
    assert!(!page.contains("Message numéro 9<"), "not the older ones");
    assert!(
        page.contains("Afficher les 10 messages précédents"),
        "a link says how many"
    );
    let all = get(format!("{}/dossiers/{}?all=messages", site.base, d.number)).await;
    assert!(all.contains("Message numéro 0<") && all.contains("Message numéro 59<"));
    assert!(
        all.contains("premier-plan.pdf"),
        "the first message's file is linked, though older than the files listed"
    );
    let files = get(format!("{}/dossiers/{}/files", site.base, d.number)).await;
    assert!(
        files.contains("premier-plan.pdf"),
        "the files' section lists every file"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_discussion_shown_again_follows_every_change_to_what_it_shows() {
    let site = site().await;
    let number = site.world.dossier.number.to_string();
    let page_url = format!("{}/dossiers/{number}", site.base);
    let (client, client_csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let (staff, csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    let post = |text: &'static str| {
        client
            .post(format!("{page_url}/messages"))
            .multipart(
                reqwest::multipart::Form::new()
                    .text("csrf", client_csrf.clone())
                    .text("text", text)
                    .part(
                        "files",
                        reqwest::multipart::Part::bytes(vec![b'x'; 2_500]).file_name("mur.txt"),
                    ),
            )
            .send()
    };
    assert_eq!(post("Voici le relevé.").await.unwrap().status(), 303);
    let file = site
        .test
        .messages(site.world.dossier.id)
        .pop()
        .unwrap()
        .attachments[0];
    // Shown twice: the second visit is the page as it was kept.
    for _ in 0..2 {
        let page = text_of(&staff, &page_url).await;
        assert!(page.contains("Voici le relevé.") && page.contains("mur.txt"));
        assert!(page.contains("2,5\u{a0}ko"), "the size in French");
    }
    let renamed = staff
        .post(format!("{page_url}/files/{file}/rename"))
        .form(&[("csrf", csrf.as_str()), ("name", "releve.txt")])
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 303);
    let page = text_of(&staff, &page_url).await;
    assert!(
        page.contains("releve.txt") && !page.contains("mur.txt"),
        "renamed"
    );

    assert_eq!(post("Et la suite.").await.unwrap().status(), 303);
    assert!(text_of(&staff, &page_url).await.contains("Et la suite."));

    let deleted = staff
        .post(format!("{page_url}/files/{file}/delete"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 303);
    let page = text_of(&staff, &page_url).await;
    assert!(
        !page.contains("releve.txt"),
        "a deleted file is no longer listed"
    );

    let english = staff
        .post(format!("{}/settings/language", site.base))
        .form(&[("csrf", csrf.as_str()), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(english.status(), 303);
    let page = text_of(&staff, &page_url).await;
    assert!(page.contains("2.5 kB"), "the size in English");
    // The client's own page is theirs: still French.
    assert!(text_of(&client, &page_url).await.contains("2,5\u{a0}ko"));
    site.test.stop().await;
}
