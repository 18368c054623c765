//! Nothing of a refused post is stored: the token (the form's first field) and the
//! permission are checked before a file is read, and a file is kept only once the whole
//! form was accepted.

use std::path::Path;

use super::*;

/// Every file under the blob folder, kept or temporary.
fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { files_under(&p) } else { 1 })
        .sum()
}

fn blob_files(site: &Site) -> usize {
    files_under(&site.test.app.store().root().join("blobs"))
}

/// A message form with a 2 MiB file, the token first or not at all.
fn message_form(csrf: Option<&str>) -> reqwest::multipart::Form {
    let form = reqwest::multipart::Form::new();
    let form = match csrf {
        Some(token) => form.text("csrf", token.to_string()),
        None => form,
    };
    form.text("text", "Voici le plan").part(
        "files",
        reqwest::multipart::Part::bytes(vec![42u8; 2 * 1024 * 1024]).file_name("plan.pdf"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_uploads_leave_no_bytes_on_disk() {
    let site = site_for(ClientKind::Company, |args| {
        args.max_message_bytes = Some(8 * 1024 * 1024)
    })
    .await;
    let number = site.world.dossier.number;
    let messages = format!("{}/dossiers/{number}/messages", site.base);
    let expenses = format!("{}/dossiers/{number}/expenses", site.base);
    let before = blob_files(&site);
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;

    let post = |b: &reqwest::Client, url: &str, form| b.post(url).multipart(form).send();
    let wrong = post(&client, &messages, message_form(Some("not-the-token"))).await;
    assert_eq!(wrong.unwrap().status(), 403, "a wrong token");
    let missing = post(&client, &messages, message_form(None)).await;
    assert_eq!(missing.unwrap().status(), 403, "no token before the file");
    let late_token = reqwest::multipart::Form::new()
        .part(
            "files",
            reqwest::multipart::Part::bytes(vec![1u8; 1024 * 1024]).file_name("a.bin"),
        )
        .text("csrf", csrf.clone());
    let late = post(&client, &messages, late_token).await;
    assert_eq!(late.unwrap().status(), 403, "the token after the file");

    let (stranger, stranger_csrf) = signed_in(&site, &site.world.stranger.emails[0]).await;
    let no_role = post(&stranger, &messages, message_form(Some(&stranger_csrf))).await;
    assert_eq!(
        no_role.unwrap().status(),
        404,
        "a dossier one has no role on"
    );

    // A client may not add expenses: the receipt is refused before it is read.
    let receipt = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("date", "2026-03-03")
        .text("category", "travel")
        .text("amount", "12,50")
        .text("vat", "2,50")
        .part(
            "receipt",
            reqwest::multipart::Part::bytes(vec![9u8; 2 * 1024 * 1024]).file_name("ticket.jpg"),
        );
    let refused = post(&client, &expenses, receipt).await.unwrap().status();
    assert!(refused == 403 || refused == 404, "{refused}");

    // Staff's expense whose amount cannot be read keeps no receipt either.
    let (staff, staff_csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    let unreadable = reqwest::multipart::Form::new()
        .text("csrf", staff_csrf.clone())
        .text("date", "2026-03-03")
        .text("category", "travel")
        .text("amount", "douze")
        .text("vat", "0")
        .part(
            "receipt",
            reqwest::multipart::Part::bytes(vec![8u8; 1024 * 1024]).file_name("ticket.jpg"),
        );
    let mistake = post(&staff, &expenses, unreadable).await.unwrap();
    assert_eq!(mistake.status(), 422);
    // A message the service would refuse (too long) keeps no file either.
    let too_long = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("text", "a".repeat(100_001))
        .part(
            "files",
            reqwest::multipart::Part::bytes(vec![3u8; 1024 * 1024]).file_name("long.bin"),
        );
    let refused = post(&client, &messages, too_long).await.unwrap();
    assert_eq!(refused.status(), 422);
    assert_eq!(blob_files(&site), before, "no refused post left a byte");

    // The same post, allowed, keeps its file.
    let allowed = post(&client, &messages, message_form(Some(&csrf))).await;
    assert_eq!(allowed.unwrap().status(), 303);
    assert_eq!(blob_files(&site), before + 1);
    site.test.stop().await;
}
