//! Faults the product must live through, quick enough for every run: the data folder's
//! filesystem filling up, and the relay being down for a while. (A `kill -9` during an
//! SMTP flood is in `inbound_ingest.rs`; the long runs are in `benches/`.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Utc;
use dossier::domain::{Addressing, ClientKind, OutState};
use dossier::mail::outbound::Notifier;
use dossier::mail::outbound::transport::Transport;

use crate::helpers::World;
use crate::mail_support::{Sink, Smtp, TestApp, reply_with_attachment};

/// A small tmpfs of its own (mounting needs root), unmounted on drop.
struct SmallFilesystem {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallFilesystem {
    fn mount(megabytes: u32) -> Option<SmallFilesystem> {
        if !crate::peers::as_root() {
            crate::peers::unavailable("mounting a small filesystem needs root");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small");
        std::fs::create_dir(&path).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success(), "mount of a tmpfs failed");
        Some(SmallFilesystem { path, _dir: dir })
    }
}

impl Drop for SmallFilesystem {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Writes `path` until the filesystem is full.
fn fill(path: &Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).and_then(|_| file.sync_all()).is_ok() {}
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_answers_452_keeps_nothing_partial_and_recovers_when_space_returns() {
    let Some(small) = SmallFilesystem::mount(16) else {
        return;
    };
    let data = small.path.join("data");
    let app = TestApp::spawn_with(|args| args.data = Some(data.clone()), None).await;
    let world = World::build_in(&app, ClientKind::Company);
    let to = world
        .dossier
        .mail_address(&Addressing::bare("dossier.test"));
    app.app.store().flush().unwrap();
    let pdf = vec![b'%'; 400 * 1024];
    let message = |id: &str| reply_with_attachment("helene@client.test", &to, id, "plan.pdf", &pdf);

    fill(&small.path.join("filler"));
    let mut smtp = Smtp::connect(app.smtp).await;
    let (_, done) = smtp
        .deliver("helene@client.test", &[&to], &message("full@client.test"))
        .await;
    assert!(done.starts_with("452 4.3.1"), "{done}");
    assert_eq!(
        files_in(&data.join("mail/spool")),
        0,
        "nothing half-accepted"
    );
    assert_eq!(files_in(&data.join("mail/tmp")), 0, "no partial file left");

    std::fs::remove_file(small.path.join("filler")).unwrap();
    let (_, done) = smtp
        .deliver("helene@client.test", &[&to], &message("again@client.test"))
        .await;
    assert!(
        done.starts_with("250"),
        "normal service once space returns: {done}"
    );
    app.processed().await;
    let messages = app.messages(world.dossier.id);
    let posted = messages.last().unwrap();
    assert_eq!(posted.text, "Voici le plan signé.");
    assert_eq!(posted.attachments.len(), 1);
    app.stop().await;
    drop(small);
}

#[tokio::test(flavor = "multi_thread")]
async fn while_the_relay_is_down_notifications_wait_then_all_go_out_once() {
    let world = World::build(ClientKind::Person);
    let relay_addr: std::net::SocketAddr = format!("127.0.0.1:{}", crate::peers::free_port())
        .parse()
        .unwrap();
    let relay = Transport::relay(&format!("smtp://{relay_addr}"), None).unwrap();
    let notifier = Notifier::new(world.services().clone(), crate::notify::settings(0), relay);
    let t0 = Utc::now();
    notifier.prepare(t0).unwrap();
    let queued = world.services().store().due_mail(t0, 100).unwrap().len();
    assert!(queued >= 3, "{queued}");
    // Down for an hour and a half: every pass fails, nothing is lost or given up.
    for minutes in [0, 1, 3, 7, 15, 31, 63, 95] {
        let _ = notifier
            .deliver_due(t0 + chrono::Duration::minutes(minutes))
            .await;
    }
    let states: Vec<OutState> = world
        .services()
        .store()
        .out_mails(100)
        .unwrap()
        .into_iter()
        .map(|m| m.state)
        .collect();
    assert!(
        states.iter().all(|s| matches!(s, OutState::Pending)),
        "{states:?}"
    );

    let sink = Sink::start_on(relay_addr, &[]).await;
    let sent = notifier
        .deliver_due(t0 + chrono::Duration::hours(3))
        .await
        .unwrap();
    assert_eq!(sent, queued, "all go out once the relay is back");
    assert_eq!(
        notifier
            .deliver_due(t0 + chrono::Duration::days(2))
            .await
            .unwrap(),
        0
    );
    let received = sink.received.lock().unwrap().clone();
    assert_eq!(received.len(), queued, "none twice");
    let distinct: BTreeSet<String> = received
        .iter()
        .map(|(_, raw)| {
            let text = String::from_utf8_lossy(raw);
            text.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(distinct.len(), queued);
}
