//! Stored contents that no record names are collected: by `dossier check --gc` (the
//! folder free), and when `serve` starts for those older than a day. What a record names
//! is never touched.

use std::time::{Duration, SystemTime};

use dossier::domain::ClientKind;

use crate::child::{Server, run_dossier};
use crate::helpers::World;
use crate::polling::{eventually, found};

/// Runs `dossier ARGS` once sled has let go of the folder (its flusher thread notices a
/// dropped store a moment later).
fn run_when_free(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    let run = || {
        let out = run_dossier(data, args, "");
        (!String::from_utf8_lossy(&out.stderr).contains("in use")).then_some(out)
    };
    found(Duration::from_secs(10), run, || {
        "the folder stayed in use".into()
    })
}

/// A world whose store also holds `strays` contents that nothing names, closed.
fn world_with_strays(strays: &[&[u8]]) -> (tempfile::TempDir, String, Vec<String>) {
    let mut world = World::build(ClientKind::Company);
    let blobs = world.services().store().blobs();
    let strays = strays
        .iter()
        .map(|bytes| blobs.put(bytes).unwrap().sha256)
        .collect();
    let named = world.file.blob.sha256.clone();
    let dir = world.dir.take().unwrap();
    drop(world);
    (dir, named, strays)
}

fn exists(data: &std::path::Path, sha256: &str) -> bool {
    data.join("blobs")
        .join(&sha256[..2])
        .join(&sha256[2..])
        .is_file()
}

#[test]
fn check_gc_removes_what_nothing_names_and_keeps_the_rest() {
    let (dir, named, strays) = world_with_strays(&[b"a refused upload", b"a crash's leftover"]);
    let out = run_when_free(dir.path(), &["check", "--gc"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("removed 2 stored contents"), "{stdout}");
    assert!(stdout.contains("none missing or corrupted"), "{stdout}");
    assert!(strays.iter().all(|sha| !exists(dir.path(), sha)));
    assert!(exists(dir.path(), &named), "a named file stays");
}

#[test]
fn serve_collects_leftovers_older_than_a_day_only() {
    let (dir, named, strays) = world_with_strays(&[b"left two days ago", b"written just now"]);
    let old = dir
        .path()
        .join("blobs")
        .join(&strays[0][..2])
        .join(&strays[0][2..]);
    std::fs::File::options()
        .append(true)
        .open(&old)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(2 * 24 * 3600))
        .unwrap();
    // The named file is as old: its record keeps it.
    let named_path = dir.path().join("blobs").join(&named[..2]).join(&named[2..]);
    std::fs::File::options()
        .append(true)
        .open(&named_path)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(2 * 24 * 3600))
        .unwrap();
    // The world's store may still be closing: a check (a process of its own, which lets
    // go of the folder when it exits) waits for it.
    assert!(run_when_free(dir.path(), &["check"]).status.success());
    let server = Server::start(dir.path(), &[]);
    eventually(
        "the old leftover collected",
        Duration::from_secs(10),
        || !exists(dir.path(), &strays[0]),
    );
    assert!(
        exists(dir.path(), &strays[1]),
        "a young one may be a write under way"
    );
    assert!(exists(dir.path(), &named));
    assert!(server.terminate().success());
}
