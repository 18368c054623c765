//! `dossier ingest` and `dossier inspect` as child processes, with and without a running
//! server: the same outcomes as SMTP, as sysexits codes.

use std::path::Path;

use dossier::domain::{ClientKind, Message, OurAddress};
use dossier::service::Services;
use dossier::store::Store;
use serde_json::Value;

use crate::child::{Server, run_dossier};
use crate::helpers::World;
use crate::mail_support::{Smtp, reply_text, verified};
use crate::polling::{found, once_free};

/// A world in its own folder, closed again so that another process may open it.
struct Folder {
    dir: tempfile::TempDir,
    open: String,
    closed: String,
    reply: String,
    dossier: dossier::domain::DossierId,
}

fn folder() -> Folder {
    let mut world = World::build(ClientKind::Company);
    let s = world.services().clone();
    let closed = world.closed_dossier();
    let reply = s
        .store()
        .reply_address(world.dossier.id, world.client.id)
        .unwrap();
    s.store().flush().unwrap();
    let folder = Folder {
        open: world
            .dossier
            .mail_address(&dossier::domain::Addressing::bare("dossier.localhost")),
        closed: closed.mail_address(&dossier::domain::Addressing::bare("dossier.localhost")),
        reply: OurAddress::Reply(reply.token).at("dossier.localhost"),
        dossier: world.dossier.id,
        dir: world.dir.take().unwrap(),
    };
    drop(world);
    folder
}

fn messages(data: &Path, dossier: dossier::domain::DossierId) -> Vec<Message> {
    let services = Services::new(Store::open(data).unwrap(), "dossier.localhost");
    services.store().items(dossier).unwrap()
}

fn ingest(data: &Path, rcpt: &str, message: &str) -> (i32, String) {
    let out = run_dossier(
        data,
        &["ingest", "--rcpt", rcpt, "--sender", "helene@client.test"],
        message,
    );
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ingest_delivers_refuses_and_explains_with_sysexits() {
    let f = folder();
    let data = f.dir.path();
    let message = verified(&reply_text(
        "helene@client.test",
        &f.open,
        "ingest-1@client.test",
        "Reçu, merci.",
    ));
    assert_eq!(ingest(data, &f.open, &message), (0, String::new()));
    let reply = reply_text(
        "helene@client.test",
        &f.reply,
        "ingest-2@client.test",
        "Par l'adresse de réponse.",
    );
    assert_eq!(ingest(data, &f.reply, &reply).0, 0);

    let (code, stderr) = ingest(data, "nobody@dossier.localhost", &message);
    assert_eq!(code, 67, "{stderr}");
    assert!(stderr.contains("no such address"), "{stderr}");
    let (code, stderr) = ingest(data, &f.closed, &message);
    assert_eq!(code, 67, "{stderr}");
    assert!(stderr.contains("is closed"), "{stderr}");
    let (code, stderr) = ingest(data, &f.open, "this is not an e-mail at all");
    assert_eq!(code, 65, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // A stranger's message is accepted (exit 0) and held, not posted.
    let stranger = reply_text("eve@autre.test", &f.open, "ingest-3@client.test", "Bonjour");
    assert_eq!(ingest(data, &f.open, &stranger).0, 0);
    // The same message twice is posted once.
    assert_eq!(ingest(data, &f.open, &message).0, 0);

    let texts: Vec<String> = messages(data, f.dossier)
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(
        texts.iter().filter(|t| *t == "Reçu, merci.").count(),
        1,
        "{texts:?}"
    );
    assert!(texts.contains(&"Par l'adresse de réponse.".to_string()));
    assert!(!texts.contains(&"Bonjour".to_string()), "held, not posted");
}

#[test]
fn ingest_hands_the_message_to_a_running_server() {
    let f = folder();
    let data = f.dir.path();
    let server = Server::start(data, &[]);
    let message = verified(&reply_text(
        "helene@client.test",
        &f.open,
        "handed-1@client.test",
        "Via le serveur.",
    ));
    let out = run_dossier(
        data,
        &[
            "ingest",
            "--rcpt",
            &f.open,
            "--sender",
            "helene@client.test",
        ],
        &message,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_dossier(data, &["ingest", "--rcpt", &f.closed], &message);
    assert_eq!(
        out.status.code(),
        Some(67),
        "the server's refusal comes back"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("is closed"));
    let status = server.terminate();
    assert!(status.success());
    let texts: Vec<String> = messages(data, f.dossier)
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert!(texts.contains(&"Via le serveur.".to_string()), "{texts:?}");
    // With the server gone and the folder locked by nobody, a wrong --smtp is not needed.
    let out = run_dossier(
        data,
        &[
            "--smtp",
            "127.0.0.1:1",
            "ingest",
            "--wait",
            "1",
            "--rcpt",
            &f.open,
        ],
        &message.replace("handed-1", "handed-2"),
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn ingest_says_try_later_when_the_folder_is_busy_and_no_server_answers() {
    let f = folder();
    let _store = Store::reopen(f.dir.path(), std::time::Duration::from_secs(10)).unwrap();
    let message = reply_text(
        "helene@client.test",
        &f.open,
        "busy@client.test",
        "Occupé ?",
    );
    let out = run_dossier(
        f.dir.path(),
        &[
            "--smtp",
            "127.0.0.1:1",
            "ingest",
            "--wait",
            "1",
            "--rcpt",
            &f.open,
        ],
        &message,
    );
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn inspect_prints_the_decision_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let message = "From: Hélène <helene@client.test>\r\nSubject: Re: plan\r\nMessage-ID: <i@client.test>\r\nAuto-Submitted: auto-replied\r\n\r\nJe suis absente.\r\n\r\n-- \r\nHélène\r\n";
    let out = run_dossier(dir.path(), &["inspect", "-"], message);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["class"], "auto-reply");
    assert_eq!(json["from"], "helene@client.test");
    assert_eq!(json["text"], "Je suis absente.");
    assert_eq!(json["elided"], "-- \nHélène");
    assert!(json["attachments"].as_array().unwrap().is_empty());
    assert!(
        json["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("Auto-Submitted"))
    );
    let missing = run_dossier(dir.path(), &["inspect", "/nonexistent.eml"], "");
    assert_eq!(missing.status.code(), Some(66));
}

#[test]
fn every_acknowledged_message_survives_a_kill_9_exactly_once() {
    let f = folder();
    let data = f.dir.path();
    let mut acknowledged = Vec::new();
    for round in 0..3 {
        let mut server = Server::start(data, &[]);
        let smtp: std::net::SocketAddr = server.smtp.parse().unwrap();
        let to = f.open.clone();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let acked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = acked.clone();
        let sender = std::thread::spawn(move || {
            runtime.block_on(async move {
                let mut ok = Vec::new();
                for i in 0..200 {
                    let id = format!("kill-{round}-{i}@client.test");
                    let message = reply_text(
                        "helene@client.test",
                        &to,
                        &id,
                        &format!("Message {round}-{i}"),
                    );
                    // A task per delivery: the helper panics when the server dies mid-way,
                    // and that must only end this round, not lose what was acknowledged.
                    let (to, message) = (to.clone(), message.clone());
                    let delivery = tokio::spawn(async move {
                        let mut client = Smtp::connect(smtp).await;
                        client.deliver("helene@client.test", &[&to], &message).await
                    });
                    match tokio::time::timeout(std::time::Duration::from_secs(5), delivery).await {
                        Ok(Ok((_, done))) if done.starts_with("250") => {
                            ok.push(format!("Message {round}-{i}"));
                            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                        _ => break,
                    }
                }
                ok
            })
        });
        // Killed mid-flood, at a different point each round.
        let target = 5 + 7 * round as usize;
        crate::polling::eventually(
            "acknowledged messages",
            std::time::Duration::from_secs(60),
            || acked.load(std::sync::atomic::Ordering::SeqCst) >= target,
        );
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        acknowledged.extend(sender.join().expect("the sending thread ends"));
    }
    // A last start processes whatever the last kill left in the spool.
    let server = Server::start(data, &[]);
    let mut texts = Vec::new();
    let spooled = || {
        let spool = std::fs::read_dir(data.join("mail/spool")).unwrap();
        spool.flatten().map(|e| e.file_name()).collect::<Vec<_>>()
    };
    let empty = || spooled().is_empty().then_some(());
    let left = || format!("left in the spool: {:?}", spooled());
    found(std::time::Duration::from_secs(10), empty, left);
    assert!(server.terminate().success());
    for message in messages(data, f.dossier) {
        texts.push(message.text);
    }
    println!(
        "{} messages acknowledged across 3 kills",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() > 3,
        "the test sent something before each kill"
    );
    for text in &acknowledged {
        assert_eq!(
            texts.iter().filter(|t| *t == text).count(),
            1,
            "«{text}» is there exactly once"
        );
    }
}

/// The mail log of a folder no process holds.
fn last_outcome(data: &Path) -> String {
    let store = Store::open(data).unwrap();
    store
        .mail_log(1)
        .unwrap()
        .pop()
        .unwrap()
        .outcome
        .name()
        .to_string()
}

#[test]
fn ingest_records_automatic_mail_without_posting_it() {
    let f = folder();
    let data = f.dir.path();
    let cases: &[(&str, &[&str], &str, &str)] = &[
        (
            "an out-of-office reply",
            &["--sender", "helene@client.test"],
            "Auto-Submitted: auto-replied\r\n",
            "auto-reply",
        ),
        (
            "a bounce from the null sender",
            &["--sender", "<>"],
            "Subject: Undelivered Mail Returned to Sender\r\n",
            "bounce",
        ),
        (
            "our own notification",
            &["--sender", "helene@client.test"],
            "X-Dossier-Loop: dossier.localhost\r\n",
            "loop",
        ),
    ];
    for (name, flags, header, outcome) in cases {
        let message = format!(
            "From: helene@client.test\r\nTo: {}\r\nMessage-ID: <{name}@client.test>\r\n{header}\r\nPas là.\r\n",
            f.open
        );
        let mut args = vec!["ingest", "--rcpt", &f.open];
        args.extend_from_slice(flags);
        let out = run_dossier(data, &args, &message);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(last_outcome(data), *outcome, "{name}");
    }
    let empty = verified(
        &reply_text("helene@client.test", &f.open, "empty@client.test", "")
            .replace("\n\n\n\nLe", "\n\nLe"),
    );
    assert_eq!(ingest(data, &f.open, &empty).0, 0);
    assert_eq!(last_outcome(data), "empty");
    assert!(
        messages(data, f.dossier)
            .iter()
            .all(|m| m.text != "Pas là."),
        "nothing automatic was posted"
    );
    let big = format!("From: helene@client.test\r\n\r\n{}", "x".repeat(200));
    let out = run_dossier(
        data,
        &["--max-message-bytes", "100", "ingest", "--rcpt", &f.open],
        &big,
    );
    assert_eq!(out.status.code(), Some(65), "too large");
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than 100 bytes"));
}

#[test]
fn a_damaged_spool_entry_is_set_aside_and_does_not_hold_up_the_others() {
    use dossier::app::App;
    use dossier::config::{Config, ConfigArgs};
    use dossier::domain::{Entrance, Envelope};
    let f = folder();
    let args = ConfigArgs {
        data: Some(f.dir.path().to_path_buf()),
        dns: Some("127.0.0.1:9".parse().unwrap()),
        ..ConfigArgs::default()
    };
    let app = once_free(|| App::open(Config::load(&args).unwrap()));
    let spool = f.dir.path().join("mail/spool");
    std::fs::write(
        spool.join("00000000000000000001-damaged"),
        b"not json\nFrom: x\n\nbody",
    )
    .unwrap();
    let envelope = Envelope {
        sender: Some("helene@client.test".into()),
        recipients: vec![f.reply.clone()],
        entrance: Entrance::Ingest,
        peer: None,
        helo: None,
        received_at: chrono::Utc::now(),
        source: None,
    };
    let raw = reply_text(
        "helene@client.test",
        &f.reply,
        "after-damage@client.test",
        "Toujours là.",
    );
    app.pipeline
        .spool()
        .accept(&envelope, raw.as_bytes())
        .unwrap();
    assert_eq!(
        app.pipeline.process_pending().unwrap(),
        1,
        "the good one is processed"
    );
    assert!(app.pipeline.spool().pending().unwrap().is_empty());
    assert!(
        f.dir
            .path()
            .join("mail/damaged/00000000000000000001-damaged")
            .is_file(),
        "the damaged one is kept aside"
    );
    let texts: Vec<String> = app
        .store()
        .items::<Message>(f.dossier)
        .unwrap()
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert!(texts.contains(&"Toujours là.".to_string()));
}
