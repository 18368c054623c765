//! Downloads: names that read as what they are, inline only for what truly is an image
//! or a PDF, and the original e-mail of a message only for staff and its author (it
//! carries the author's personal reply address).

use dossier::domain::{Door, FileEntry, MailOrigin, NewMessage};

use super::*;

fn stored_files(site: &Site) -> Vec<FileEntry> {
    let s = site.world.services();
    s.dossier_view(&site.world.staff, site.world.dossier.id)
        .unwrap()
        .files
}

/// Posts one file through the web form as `browser`, returns its download's answer.
async fn upload_and_fetch(
    site: &Site,
    browser: &reqwest::Client,
    csrf: &str,
    name: &str,
    declared: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let number = site.world.dossier.number;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .text("text", "Le fichier")
        .part(
            "files",
            reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(name.to_string())
                .mime_str(declared)
                .unwrap(),
        );
    let posted = browser
        .post(format!("{}/dossiers/{number}/messages", site.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let newest = stored_files(site).into_iter().max_by_key(|f| f.id).unwrap();
    browser
        .get(format!(
            "{}/dossiers/{number}/files/{}",
            site.base, newest.id
        ))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_shows_inline_only_when_its_bytes_are_what_it_claims() {
    let site = site().await;
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let image = upload_and_fetch(&site, &client, &csrf, "mur.png", "image/png", png).await;
    assert_eq!(image.headers()["content-type"], "image/png");
    assert!(
        image.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );

    // A page declared as an image is sent as a download, never shown.
    let html = b"<html><script>alert(1)</script></html>";
    let fake = upload_and_fetch(&site, &client, &csrf, "photo.png", "image/png", html).await;
    assert_eq!(fake.headers()["content-type"], "application/octet-stream");
    let disposition = fake.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(
        fake.bytes().await.unwrap().as_ref(),
        html,
        "the bytes are intact"
    );

    // A right-to-left override reads "reportexe.png"; the name loses it.
    let trick = "report\u{202E}gnp.exe";
    let other_png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR another";
    let exe = upload_and_fetch(&site, &client, &csrf, trick, "image/png", other_png).await;
    let disposition = exe.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("filename=\"reportgnp.exe\""),
        "{disposition}"
    );
    assert!(
        stored_files(&site)
            .iter()
            .all(|f| !f.blob.name.as_str().contains('\u{202E}')),
        "no stored name keeps it"
    );
    let page = text_of(
        &client,
        &format!("{}/dossiers/{}", site.base, site.world.dossier.number),
    )
    .await;
    assert!(page.contains("reportgnp.exe") && !page.contains('\u{202E}'));
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_original_email_is_for_staff_and_its_author_only() {
    let site = site().await;
    let s = site.world.services();
    let raw = b"From: helene@client.test\r\nTo: r-secret@dossier.test\r\n\r\nBonjour\r\n";
    let stored = s.store().blobs().put(raw).unwrap();
    let message = s
        .post_message(
            &site.world.client,
            site.world.dossier.id,
            Door::Email,
            NewMessage {
                text: "Bonjour".into(),
                mail: Some(MailOrigin {
                    message_id: None,
                    raw_sha256: stored.sha256,
                    trust: None,
                }),
                ..NewMessage::default()
            },
        )
        .unwrap();
    let number = site.world.dossier.number;
    let original = format!(
        "{}/dossiers/{number}/messages/{}/original",
        site.base, message.id
    );
    let link = format!("/dossiers/{number}/messages/{}/original", message.id);
    for (who, allowed) in [
        (&site.world.staff, true),
        (&site.world.client, true),
        (&site.world.intervenant, false),
    ] {
        let (browser, _) = signed_in(&site, &who.emails[0]).await;
        let answer = browser.get(&original).send().await.unwrap();
        let page = text_of(&browser, &format!("{}/dossiers/{number}", site.base)).await;
        assert!(
            page.contains("Bonjour"),
            "{}: the text is for everyone",
            who.name
        );
        if allowed {
            assert_eq!(answer.status(), 200, "{}", who.name);
            assert_eq!(answer.bytes().await.unwrap().as_ref(), raw);
            assert!(page.contains(&link), "{}", who.name);
        } else {
            assert_eq!(
                answer.status(),
                404,
                "{}: another's reply address",
                who.name
            );
            assert!(!page.contains(&link), "{}: no link to it", who.name);
        }
    }
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_with_an_earlier_files_bytes_is_a_file_of_its_own() {
    let site = site().await;
    let (staff, staff_csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    let (client, client_csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let png = b"\x89PNG\r\n\x1a\n the same photo";
    let first = upload_and_fetch(
        &site,
        &staff,
        &staff_csrf,
        "chantier-claire.png",
        "image/png",
        png,
    )
    .await;
    assert_eq!(first.status(), 200);
    let second = upload_and_fetch(
        &site,
        &client,
        &client_csrf,
        "photo-helene.png",
        "image/png",
        png,
    )
    .await;
    let disposition = second.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("photo-helene.png"), "{disposition}");
    let files = stored_files(&site);
    let named = |name: &str| {
        files
            .iter()
            .filter(|f| f.blob.name.as_str() == name)
            .collect::<Vec<_>>()
    };
    let (claire, helene) = (named("chantier-claire.png"), named("photo-helene.png"));
    assert_eq!(
        (claire.len(), helene.len()),
        (1, 1),
        "each upload is its own file"
    );
    assert_eq!(claire[0].added_by, site.world.staff.id);
    assert_eq!(helene[0].added_by, site.world.client.id);
    assert_eq!(claire[0].blob.sha256, helene[0].blob.sha256, "one blob");
    // Each message lists its own file, once.
    let s = site.world.services();
    let view = s
        .dossier_view(&site.world.staff, site.world.dossier.id)
        .unwrap();
    for (message, file) in [
        (claire[0].message, claire[0].id),
        (helene[0].message, helene[0].id),
    ] {
        let message = view
            .messages
            .iter()
            .find(|m| Some(m.id) == message)
            .unwrap();
        assert_eq!(message.attachments, vec![file]);
    }
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_gets_a_small_preview_for_who_may_download_it() {
    use dossier::domain::{Door, NewFile};
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let mut png = Vec::new();
    image::RgbImage::from_pixel(1200, 800, image::Rgb([200, 120, 40]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let mut photo = crate::helpers::blob(s, "chantier.png", &png);
    photo.content_type = "image/png".into();
    let photo = s
        .add_file(&w.staff, w.dossier.id, Door::Web, NewFile::attached(photo))
        .unwrap();
    let mut fake = crate::helpers::blob(s, "faux.png", b"not an image at all");
    fake.content_type = "image/png".into();
    let fake = s
        .add_file(&w.staff, w.dossier.id, Door::Web, NewFile::attached(fake))
        .unwrap();
    let base = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let (client, _) = signed_in(&site, &w.client.emails[0]).await;
    let files = text_of(&client, &format!("{base}/files")).await;
    assert!(
        files.contains(&format!("/files/{}/preview", photo.id)),
        "the section shows the preview"
    );
    let preview = client
        .get(format!("{base}/files/{}/preview", photo.id))
        .send()
        .await
        .unwrap();
    assert_eq!(preview.status(), 200);
    assert_eq!(preview.headers()["content-type"], "image/jpeg");
    let bytes = preview.bytes().await.unwrap();
    let small = image::load_from_memory(&bytes).unwrap();
    assert_eq!(
        (small.width(), small.height()),
        (320, 213),
        "its longest side 320 px"
    );
    assert!(bytes.len() < png.len(), "smaller than the file");
    for (who, id, why) in [
        (&client, fake.id, "bytes that are no image have no preview"),
        (&client, w.file.id, "nor does a PDF"),
    ] {
        let answer = who
            .get(format!("{base}/files/{id}/preview"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{why}");
    }
    let (stranger, _) = signed_in(&site, &w.stranger.emails[0]).await;
    let answer = stranger
        .get(format!("{base}/files/{}/preview", photo.id))
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer.status(),
        404,
        "nothing for who has no role on the dossier"
    );
    site.test.stop().await;
}
