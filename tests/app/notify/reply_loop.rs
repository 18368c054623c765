//! The whole loop: a notification delivered through SMTP, answered by a real reply,
//! landing in the dossier.

use std::time::Duration;

use dossier::domain::{ClientKind, Prefs};
use mail_parser::MessageParser;

use super::{contains, post};
use crate::helpers::World;
use crate::mail_support::{Smtp, TestApp};
use crate::polling::found_async;

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_loop_a_reply_to_a_notification_lands_in_the_dossier() {
    let test = TestApp::spawn_with(|args| args.notify_window = Some(0), None).await;
    let world = World::build_in(&test, ClientKind::Company);
    let s = world.services();
    let outbox = test.app.store().root().join("outbox");
    post(s, &world.staff, &world, "Pouvez-vous valider le plan ?");
    // The worker writes the client's notification to the outbox folder.
    let notification = wait_for_eml(
        &outbox,
        "Pouvez-vous valider le plan ?",
        "helene@client.test",
    )
    .await;
    let parsed = MessageParser::default().parse(&notification).unwrap();
    let reply_to = parsed
        .reply_to()
        .unwrap()
        .first()
        .unwrap()
        .address()
        .unwrap()
        .to_string();
    let message_id = parsed.message_id().unwrap().to_string();
    let references: Vec<String> = parsed
        .references()
        .as_text_list()
        .unwrap()
        .iter()
        .map(|r| format!("<{r}>"))
        .collect();
    // The client's mail program: answers Reply-To, quotes, keeps References, attaches a file.
    use lettre::message::header::ContentType;
    use lettre::message::{Attachment, MultiPart, SinglePart};
    let body = "C'est validé, voici le plan signé.\n\nLe lun. 3 nov. 2025 à 14:30, Claire Moreau <notifications@dossier.test> a écrit :\n> Pouvez-vous valider le plan ?\n".to_string();
    let reply = lettre::Message::builder()
        .from("Hélène Garnier <helene@client.test>".parse().unwrap())
        .to(reply_to.parse().unwrap())
        .subject(format!("Re: {}", parsed.subject().unwrap()))
        .in_reply_to(format!("<{message_id}>"))
        .references(format!("{} <{message_id}>", references.join(" ")))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(body))
                .singlepart(Attachment::new("plan-signe.pdf".into()).body(
                    b"%PDF signed".to_vec(),
                    ContentType::parse("application/pdf").unwrap(),
                )),
        )
        .unwrap();
    let mut smtp = Smtp::connect(test.smtp).await;
    let raw = String::from_utf8(reply.formatted()).unwrap();
    let (rcpts, done) = smtp.deliver("helene@client.test", &[&reply_to], &raw).await;
    assert!(
        rcpts[0].starts_with("250") && done.starts_with("250"),
        "{rcpts:?} {done}"
    );
    test.processed().await;
    let posted = test.messages(world.dossier.id).pop().unwrap();
    assert_eq!(posted.author, world.client.id);
    assert_eq!(posted.text, "C'est validé, voici le plan signé.");
    let file = s
        .file(&world.staff, world.dossier.id, posted.attachments[0])
        .unwrap();
    assert_eq!(file.blob.name.as_str(), "plan-signe.pdf");
    // And the other actors hear of the client's reply, the client does not.
    wait_for_eml(
        &outbox,
        "C'est validé, voici le plan signé.",
        "claire@atelier.test",
    )
    .await;
    wait_for_eml(
        &outbox,
        "C'est validé, voici le plan signé.",
        "thomas@fabre.test",
    )
    .await;
    assert!(
        !emls(&outbox)
            .iter()
            .any(|raw| contains(raw, "C'est validé") && to_address(raw) == "helene@client.test"),
        "the author gets nothing"
    );
    // The reply token mutes nothing: whoever read the thread has it.
    let token = reply_to
        .trim_start_matches("r-")
        .split('@')
        .next()
        .unwrap()
        .to_string();
    let http = test.http.to_string();
    let (status, _) = crate::child::http_post(&http, &format!("/mute/{token}"));
    assert_eq!(status, 404);
    // The mute link of the notification works in one click.
    let unsubscribe = parsed.header_raw("List-Unsubscribe").unwrap().trim();
    let at = unsubscribe.find("/mute/").expect("a mute link");
    let link = unsubscribe[at..].trim_end_matches('>');
    assert!(!link.contains(&token));
    let (status, _) = crate::child::http_post(&http, link);
    assert_eq!(status, 200);
    assert_eq!(
        s.notification_prefs(&world.client, world.dossier.id)
            .unwrap(),
        Prefs::MUTED
    );
    test.stop().await;
}

fn emls(dir: &std::path::Path) -> Vec<Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| std::fs::read(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

fn to_address(raw: &[u8]) -> String {
    MessageParser::default()
        .parse(raw)
        .and_then(|m| {
            m.to()
                .and_then(|t| t.first())
                .and_then(|a| a.address().map(str::to_string))
        })
        .unwrap_or_default()
}

async fn wait_for_eml(dir: &std::path::Path, text: &str, to: &str) -> Vec<u8> {
    let found = || {
        let mut emls = emls(dir).into_iter();
        std::future::ready(emls.find(|raw| contains(raw, text) && to_address(raw) == to))
    };
    let missing = || {
        format!(
            "no notification to {to} about «{text}» in {}",
            dir.display()
        )
    };
    found_async(Duration::from_secs(6), found, missing).await
}
