//! The store keeps what it acknowledged: a flush survives a reopen, blobs are on disk
//! before anything names them, the same bytes take the space once, concurrent flushes
//! share one disk flush, and the schema version is recorded.

use std::sync::{Arc, Barrier};

use dossier::Error;
use dossier::domain::{ClientKind, Door, NewFile, NewMessage};
use dossier::service::Services;
use dossier::store::Store;
use dossier::store::migrations;

use crate::helpers::{World, blob};

fn files_in(dir: &std::path::Path) -> usize {
    walk(dir).len()
}

pub(crate) fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn everything_flushed_is_there_after_reopening() {
    let mut world = World::build(ClientKind::Company);
    let s = world.services();
    let message = NewMessage {
        text: "Voici les photos".into(),
        attachments: vec![NewFile::attached(blob(s, "photo.jpg", b"jpeg bytes"))],
        ..NewMessage::default()
    };
    s.post_message(&world.client, world.dossier.id, Door::Email, message)
        .unwrap();
    let before = s.dossier_view(&world.staff, world.dossier.id).unwrap();
    let users = s.store().users().unwrap();
    s.store().flush().unwrap();
    let dir = world.dir.take().expect("a store of its own");
    drop(world);

    let store =
        Store::reopen(dir.path(), std::time::Duration::from_secs(10)).expect("the store reopens");
    let s = Services::new(store, "dossier.test");
    let after = s
        .dossier_view(&before_staff(&s), before.dossier.id)
        .unwrap();
    assert_eq!(after.dossier, before.dossier);
    assert_eq!(after.messages, before.messages);
    assert_eq!(after.files, before.files);
    assert_eq!(after.documents, before.documents);
    assert_eq!(after.events, before.events);
    assert_eq!(after.expenses, before.expenses);
    assert_eq!(after.intervenants, before.intervenants);
    assert_eq!(s.store().users().unwrap(), users);
    for file in &after.files {
        assert!(
            s.store().blobs().exists(&file.blob.sha256),
            "{} has its content",
            file.blob.name
        );
    }
}

/// The staff member a store was set up with.
pub(crate) fn before_staff(s: &Services) -> dossier::domain::User {
    s.store()
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.staff)
        .unwrap()
}

#[test]
fn a_blob_never_committed_is_named_by_nothing_and_a_named_blob_is_never_missing() {
    let world = World::build(ClientKind::Company);
    let s = world.services();
    // A blob written, then the metadata refused (the dossier closed meanwhile).
    s.close_dossier(&world.staff, world.dossier.id).unwrap();
    let orphan = blob(s, "late.pdf", b"written but never committed");
    let refused = s.add_file(
        &world.client,
        world.dossier.id,
        Door::Web,
        NewFile::attached(orphan.clone()),
    );
    assert!(matches!(refused, Err(Error::Closed)));
    let files = s.files(&world.staff, world.dossier.id).unwrap();
    assert!(
        files.iter().all(|f| f.blob.sha256 != orphan.sha256),
        "the orphan blob is not referenced"
    );
    // Every file row names a blob that is on disk.
    for file in &files {
        assert!(s.store().blobs().exists(&file.blob.sha256));
    }
    // A file whose content was never stored is refused instead of dangling.
    s.reopen_dossier(&world.staff, world.dossier.id).unwrap();
    let mut ghost = orphan;
    ghost.sha256 = "0".repeat(64);
    let refused = s.add_file(
        &world.staff,
        world.dossier.id,
        Door::Web,
        NewFile::attached(ghost),
    );
    assert!(matches!(refused, Err(Error::Storage(_))), "{refused:?}");
    assert_eq!(
        s.files(&world.staff, world.dossier.id).unwrap().len(),
        files.len()
    );
}

#[test]
fn the_same_bytes_stored_twice_take_the_space_once() {
    let world = World::build(ClientKind::Person);
    let s = world.services();
    let blobs_dir = world.data().join("blobs");
    let before = files_in(&blobs_dir);
    let a = blob(s, "a.pdf", b"identical content");
    let b = blob(s, "b.pdf", b"identical content");
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(files_in(&blobs_dir), before + 1);
    assert!(
        walk(&blobs_dir.join("tmp")).is_empty(),
        "no temporary file is left behind"
    );
    let path = s.store().blobs().path(&a.sha256);
    assert!(
        path.ends_with(format!("{}/{}", &a.sha256[..2], &a.sha256[2..])),
        "{path:?}"
    );
}

#[test]
fn concurrent_flushes_share_disk_flushes() {
    let world = World::build(ClientKind::Company);
    let store = world.services().store().clone();
    let callers = 16;
    let start = store.physical_flushes();
    let barrier = Arc::new(Barrier::new(callers));
    let threads: Vec<_> = (0..callers)
        .map(|_| {
            let (store, barrier) = (store.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                store.flush()
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().expect("flush");
    }
    let physical = store.physical_flushes() - start;
    println!("{callers} concurrent flush calls took {physical} disk flushes");
    assert!(
        physical >= 1 && physical < callers as u64,
        "{physical} disk flushes for {callers} callers"
    );
}

#[test]
fn a_new_store_records_the_latest_schema_version_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(migrations::version(&store).unwrap(), migrations::latest());
    drop(store);
    let store = Store::reopen(dir.path(), std::time::Duration::from_secs(10)).unwrap();
    assert_eq!(migrations::version(&store).unwrap(), migrations::latest());
}

#[test]
fn a_second_process_cannot_open_a_store_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _store = Store::open(dir.path()).unwrap();
    // sled's lock is per process (fcntl), so the check needs the real binary.
    let out = crate::child::run_dossier(dir.path(), &["admin", "list"], "");
    assert_eq!(out.status.code(), Some(75), "try again later");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("in use by another dossier process"),
        "{stderr}"
    );
}

#[test]
fn a_dossier_made_with_a_once_key_is_made_once() {
    let world = World::build(ClientKind::Company);
    let store = world.services().store();
    let before = store.dossier_count();
    let new = || dossier::domain::NewDossier {
        title: "Par e-mail".into(),
        description: String::new(),
        client: world.dossier.client,
        created_by: world.client.id,
        followers: vec![],
        created_at: chrono::Utc::now(),
        once: Some("created/spool-1/0".into()),
    };
    let first = store.create_dossier(new()).unwrap();
    let again = store.create_dossier(new()).unwrap();
    assert_eq!(first.id, again.id, "the same dossier comes back");
    assert_eq!(store.dossier_count(), before + 1);
}

#[test]
fn check_finds_a_deleted_and_a_corrupted_file_and_names_them() {
    let mut world = World::build(ClientKind::Company);
    let blobs = world.services().store().blobs().clone();
    let (plan, old) = (
        world.file.blob.sha256.clone(),
        world.doomed_file.blob.sha256.clone(),
    );
    world.services().store().flush().unwrap();
    let dir = world.dir.take().unwrap();
    drop(world);
    let out = crate::child::run_dossier(dir.path(), &["check"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: "));

    std::fs::remove_file(blobs.path(&plan)).unwrap();
    std::fs::write(blobs.path(&old), b"tampered").unwrap();
    let out = crate::child::run_dossier(dir.path(), &["check"], "");
    assert_eq!(out.status.code(), Some(65));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("the file «plan.pdf» of dossier") && stdout.contains("is missing"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the file «old.pdf» of dossier") && stdout.contains("is corrupted"),
        "{stdout}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 of"),
        "one line says how many"
    );
}

#[test]
fn a_bounce_is_counted_with_its_claim_and_log_line_so_a_report_processed_again_counts_once() {
    let world = World::build(ClientKind::Company);
    let store = world.services().store();
    let target = dossier::domain::BounceTarget {
        token: dossier::domain::Token::generate(),
        recipient: world.client.emails[0].clone(),
        dossier: Some(world.dossier.id),
        mail: None,
    };
    let line = dossier::domain::LogEntry {
        id: store.new_id().unwrap(),
        at: chrono::Utc::now(),
        recipient: "b-token@dossier.test".into(),
        sender: None,
        from: None,
        subject: "Undelivered Mail Returned to Sender".into(),
        message_id: None,
        raw_sha256: String::new(),
        dossier: Some(world.dossier.id),
        outcome: dossier::domain::Outcome::Bounce,
        reasons: Vec::new(),
        check: None,
    };
    let claim = ["spool/0001/0".to_string()];
    let health = store.log_bounce(&target, true, &line, &claim).unwrap();
    assert_eq!(health.hard_bounces, 1);
    // The same report again (its spool entry was still there after a crash).
    let again = store.log_bounce(&target, true, &line, &claim);
    assert!(matches!(again, Err(Error::Duplicate)), "{again:?}");
    let health = store.address_health(&world.client.emails[0]).unwrap();
    assert_eq!(health.unwrap().hard_bounces, 1, "counted once");
    assert_eq!(store.mail_log(10).unwrap().len(), 1, "logged once");
}
