//! Backup and restore: a backup of a running server under load restores everything it
//! had; a restore that fails, or meets links, devices or strangers, leaves nothing.

use dossier::domain::ClientKind;
use dossier::service::Services;
use dossier::store::Store;

use crate::helpers::World;
use crate::store_durability::before_staff;

#[test]
fn a_backup_of_a_running_server_under_load_restores_everything_it_had() {
    let mut world = World::build(ClientKind::Company);
    let s = world.services().clone();
    s.set_notification_prefs(
        &world.client,
        world.dossier.id,
        dossier::domain::Prefs::MUTED,
    )
    .unwrap();
    let to = world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.localhost"));
    let before = s.dossier_view(&world.staff, world.dossier.id).unwrap();
    s.store().flush().unwrap();
    let dir = world.dir.take().unwrap();
    let (client_id, dossier_id) = (world.client.id, world.dossier.id);
    drop(world);
    drop(s);

    let server = crate::child::Server::start(dir.path(), &[]);
    // Load: replies keep coming over SMTP while the backup is taken.
    let smtp: std::net::SocketAddr = server.smtp.parse().unwrap();
    let load = std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            for i in 0..15 {
                let raw = crate::mail_support::reply_text(
                    "helene@client.test",
                    &to,
                    &format!("load-{i}@client.test"),
                    &format!("Charge {i}"),
                );
                let mut client = crate::mail_support::Smtp::connect(smtp).await;
                client.deliver("helene@client.test", &[&to], &raw).await;
            }
        })
    });
    let archive = dir.path().join("../backup-test.tar");
    let out = crate::child::run_dossier(
        dir.path(),
        &[
            // Only the folder: the server is found through the record it keeps there.
            "backup",
            "--out",
            archive.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    load.join().unwrap();
    assert!(server.terminate().success());

    let restored = tempfile::tempdir().unwrap();
    let target = restored.path().join("data");
    let out = crate::child::run_dossier(&target, &["restore", archive.to_str().unwrap()], "");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("restored into"));
    let again = crate::child::run_dossier(&target, &["restore", archive.to_str().unwrap()], "");
    assert_eq!(
        again.status.code(),
        Some(65),
        "never over an existing store"
    );

    let store = Store::open(&target).unwrap();
    let s = Services::new(store, "dossier.localhost");
    let staff = before_staff(&s);
    let after = s.dossier_view(&staff, dossier_id).unwrap();
    for message in &before.messages {
        assert!(
            after.messages.contains(message),
            "message {} is back",
            message.id
        );
    }
    assert!(after.files.len() >= before.files.len());
    for file in &after.files {
        assert!(
            s.store().blobs().exists(&file.blob.sha256),
            "{} has its content",
            file.blob.name
        );
    }
    assert_eq!(after.documents, before.documents);
    assert_eq!(after.events, before.events);
    assert_eq!(
        s.store().prefs(client_id, dossier_id).unwrap(),
        dossier::domain::Prefs::MUTED,
        "settings too"
    );
    // The archive holds no search index: the restored folder reads every dossier anew.
    assert!(
        s.index_queued().unwrap() >= 1,
        "every dossier is queued for search"
    );
    let number = after.dossier.number.to_string();
    assert!(
        s.search(&staff, &number)
            .unwrap()
            .iter()
            .any(|f| f.dossier.id == dossier_id),
        "and findable"
    );
    let _ = std::fs::remove_file(&archive);
}

#[test]
fn a_restore_that_fails_leaves_no_half_made_folder() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("not-a-backup.tar");
    // A tar with files but no store.jsonl: the store would be made, then found wanting.
    let mut builder = tar::Builder::new(std::fs::File::create(&archive).unwrap());
    let mut header = tar::Header::new_gnu();
    header.set_size(5);
    header.set_cksum();
    builder
        .append_data(&mut header, "blobs/ab/cdef", &b"bytes"[..])
        .unwrap();
    builder.finish().unwrap();
    drop(builder);
    let target = dir.path().join("restored");
    let out = crate::child::run_dossier(&target, &["restore", archive.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(65));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no store.jsonl"), "{stderr}");
    assert!(!target.exists(), "nothing is left behind");
}

#[test]
fn a_restore_refuses_links_devices_and_strangers_anywhere_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let special = |name: &str, kind: tar::EntryType, link: Option<&std::path::Path>| {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(kind);
        header.set_size(0);
        header.set_mode(0o644);
        if let Some(target) = link {
            header.set_link_name(target).unwrap();
        }
        header.set_path(name).unwrap();
        header.set_cksum();
        header
    };
    let cases: Vec<(&str, tar::Header)> = vec![
        // The spool folder as a link: the server would then write outside the folder.
        (
            "mail",
            special("mail", tar::EntryType::Symlink, Some(&outside)),
        ),
        (
            "blobs/ab/cd",
            special(
                "blobs/ab/cd",
                tar::EntryType::Link,
                Some("store.jsonl".as_ref()),
            ),
        ),
        (
            "mail/spool/pipe",
            special("mail/spool/pipe", tar::EntryType::Fifo, None),
        ),
        (
            "blobs/tty",
            special("blobs/tty", tar::EntryType::Char, None),
        ),
        (
            "bin/run.sh",
            special("bin/run.sh", tar::EntryType::Regular, None),
        ),
    ];
    for (name, header) in cases {
        let archive = dir.path().join("hostile.tar");
        let mut builder = tar::Builder::new(std::fs::File::create(&archive).unwrap());
        let mut empty = tar::Header::new_gnu();
        empty.set_size(0);
        empty.set_mode(0o644);
        empty.set_cksum();
        builder
            .append_data(&mut empty, "store.jsonl", &b""[..])
            .unwrap();
        builder.append(&header, &b""[..]).unwrap();
        builder.finish().unwrap();
        drop(builder);
        let target = dir.path().join("restored");
        let out = crate::child::run_dossier(&target, &["restore", archive.to_str().unwrap()], "");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(65), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(&format!("«{name}»")), "{name}: {stderr}");
        assert!(!target.exists(), "{name}: nothing is left behind");
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    }
    // Good entries before a bad one, into a folder that already exists: nothing is
    // written at all.
    let archive = dir.path().join("late.tar");
    let mut builder = tar::Builder::new(std::fs::File::create(&archive).unwrap());
    for (name, bytes) in [
        ("store.jsonl", &b""[..]),
        ("blobs/ab/cdef", b"bytes"),
        ("mail/spool/x", b"mail"),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, bytes).unwrap();
    }
    let link = special("mail/spool/y", tar::EntryType::Symlink, Some(&outside));
    builder.append(&link, &b""[..]).unwrap();
    builder.finish().unwrap();
    drop(builder);
    let target = dir.path().join("existing");
    std::fs::create_dir(&target).unwrap();
    let out = crate::child::run_dossier(&target, &["restore", archive.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(65));
    let left: Vec<_> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
