//! Hostile or impossible mail through the SMTP door: a nested-list HTML bomb is analysed
//! within bounds while the web view answers and the next reply is posted; a message no
//! retry can post ends as dropped with its reason instead of staying in the spool.

use dossier::domain::{ClientKind, OurAddress, Outcome};

use crate::helpers::World;
use crate::mail_support::{Smtp, TestApp};

async fn healthz(test: &TestApp) -> u16 {
    let url = format!("http://{}/healthz", test.http);
    reqwest::get(url).await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_nested_list_bomb_does_not_stall_the_door_and_the_next_reply_is_posted() {
    let test = TestApp::spawn().await;
    let world = World::build_in(&test, ClientKind::Company);
    let to = world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let bomb = format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: liste\r\nMessage-ID: <bomb@client.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Voici la liste</p>{}au fond{}\r\n",
        "<ul><li>".repeat(40_000),
        "</li></ul>".repeat(40_000)
    );
    let next = format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: Re: Cuisine\r\nMessage-ID: <after-bomb@client.test>\r\n\r\nEt ensuite, tout va bien.\r\n"
    );
    let mut smtp = Smtp::connect(test.smtp).await;
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &bomb).await;
    assert!(done.starts_with("250"), "{done}");
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &next).await;
    assert!(done.starts_with("250"), "{done}");
    assert_eq!(healthz(&test).await, 200, "the web view answers meanwhile");
    test.processed().await;
    let texts = test.texts(world.dossier.id);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Voici la liste") && t.contains("au fond")),
        "the bomb's words are kept"
    );
    assert_eq!(texts.last().unwrap(), "Et ensuite, tout va bien.");
    let log = test.app.store().mail_log(2).unwrap();
    assert!(
        log.iter()
            .any(|l| l.reasons.iter().any(|r| r.contains("nested too deep"))),
        "{log:?}"
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_no_retry_can_post_is_dropped_with_its_reason() {
    let test = TestApp::spawn().await;
    let world = World::build_in(&test, ClientKind::Company);
    let dossiers = test.app.store().dossier_count();
    let to = OurAddress::NewDossier.at("dossier.test");
    // A subject far longer than a dossier title may be.
    let subject = "Travaux ".repeat(40);
    let message = format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <long@client.test>\r\n\r\nUn chantier.\r\n"
    );
    let mut smtp = Smtp::connect(test.smtp).await;
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &message).await;
    assert!(done.starts_with("250"), "{done}");
    test.processed().await;
    let line = test.last_log();
    assert_eq!(line.outcome, Outcome::Dropped, "{line:?}");
    assert!(
        line.reasons.iter().any(|r| r.contains("no dossier opened")),
        "{:?}",
        line.reasons
    );
    assert!(
        test.app.store().blobs().exists(&line.raw_sha256),
        "the original is kept"
    );
    assert_eq!(test.app.store().dossier_count(), dossiers);
    let _ = world;
    let attempts = test.app.store().root().join("mail/attempts");
    assert!(
        std::fs::read_dir(attempts).unwrap().next().is_none(),
        "no attempt count outlives its entry"
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_at_the_size_limit_is_analysed_while_the_web_view_answers() {
    let test =
        TestApp::spawn_with(|args| args.max_message_bytes = Some(26 * 1024 * 1024), None).await;
    let world = World::build_in(&test, ClientKind::Company);
    let to = world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    // 18 MiB of attachment: 25 MB once base64-encoded, as a mail program sends it.
    let content: Vec<u8> = (0..18 * 1024 * 1024u32)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    let big = crate::mail_support::reply_with_attachment(
        "helene@client.test",
        &to,
        "big@client.test",
        "plans.pdf",
        &content,
    );
    assert!(big.len() > 24_000_000, "{}", big.len());
    let mut smtp = Smtp::connect(test.smtp).await;
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &big).await;
    assert!(done.starts_with("250"), "{done}");
    let next = format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: Re: plans\r\nMessage-ID: <after-big@client.test>\r\n\r\nBien reçu ?\r\n"
    );
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &next).await;
    assert!(done.starts_with("250"), "{done}");
    assert_eq!(healthz(&test).await, 200, "the web view answers meanwhile");
    test.processed_within(std::time::Duration::from_secs(120))
        .await;
    let files: Vec<dossier::domain::FileEntry> = test.app.store().items(world.dossier.id).unwrap();
    let file = files
        .iter()
        .find(|f| f.blob.name.as_str() == "plans.pdf")
        .expect("the file");
    assert_eq!(file.blob.size, content.len() as u64);
    assert_eq!(
        test.messages(world.dossier.id).last().unwrap().text,
        "Bien reçu ?"
    );
    test.stop().await;
}

#[test]
fn a_message_the_process_keeps_dying_on_is_dropped_after_ten_deaths() {
    use dossier::app::App;
    use dossier::config::{Config, ConfigArgs};
    use dossier::domain::{Entrance, Envelope};
    use dossier::mail::intake::Intake;
    use dossier::mail::pipeline::MAX_DEATHS;
    let dir = tempfile::tempdir().unwrap();
    let args = ConfigArgs {
        data: Some(dir.path().to_path_buf()),
        dns: Some("127.0.0.1:9".parse().unwrap()),
        ..ConfigArgs::default()
    };
    let app = App::open(Config::load(&args).unwrap()).unwrap();
    let world = World::build_in(&crate::helpers::AppPeople(&app), ClientKind::Company);
    let to = world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.localhost"));
    let envelope = Envelope {
        sender: Some("helene@client.test".into()),
        recipients: vec![to.clone()],
        entrance: Entrance::Ingest,
        peer: None,
        helo: None,
        received_at: chrono::Utc::now(),
        source: None,
    };
    let raw = format!("From: helene@client.test\r\nTo: {to}\r\nSubject: x\r\n\r\nFatal ?\r\n");
    let intake = Intake::new(app.pipeline.clone(), None);
    let id = intake
        .accept(&envelope, raw.as_bytes())
        .unwrap()
        .id
        .unwrap();
    // Each start of a process that dies in it counts, and is never taken back.
    for _ in 0..MAX_DEATHS {
        app.pipeline.spool().attempt(&id).unwrap();
    }
    let entries = app.pipeline.process_guarded(&id).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].outcome, Outcome::Dropped);
    assert!(
        entries[0].reasons[0].contains("stopped 10 times"),
        "{:?}",
        entries[0].reasons
    );
    assert!(app.pipeline.spool().pending().unwrap().is_empty());
    assert!(
        app.store().blobs().exists(&entries[0].raw_sha256),
        "the original is kept"
    );
}
