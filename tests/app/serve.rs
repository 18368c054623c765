//! `dossier serve` as a child process: the first stdout line, `/healthz`, the demo and
//! its `demo.json`, a clean stop on SIGTERM.

use std::io::BufRead;
use std::time::Instant;

use serde_json::Value;

use crate::child::{Server, http_get, run_dossier};
use crate::polling::found;

#[test]
fn serve_demo_fills_an_empty_folder_and_answers_healthz() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let server = Server::start(dir.path(), &["--demo"]);
    let (status, body) = http_get(&server.http, "/healthz");
    println!(
        "serve --demo answered /healthz {:?} after start",
        started.elapsed()
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"store\":\"ok\""), "{body}");

    let demo: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("demo.json")).unwrap()).unwrap();
    let users = demo["users"].as_array().unwrap();
    for kind in ["staff", "client", "intervenant"] {
        assert!(users.iter().any(|u| u["kind"] == kind), "a {kind} login");
    }
    for user in users {
        assert!(user["email"].as_str().unwrap().contains('@'));
        assert!(user["password"].as_str().unwrap().len() >= 10);
        assert!(user["name"].is_string());
    }
    let company_members = users
        .iter()
        .filter(|u| u["client"] == "SCI Les Tilleuls")
        .count();
    assert_eq!(company_members, 2, "a client company with two members");
    let dossiers = demo["dossiers"].as_array().unwrap();
    assert_eq!(dossiers.len(), 3);
    assert_eq!(
        dossiers.iter().filter(|d| d["status"] == "closed").count(),
        1,
        "one dossier closed"
    );
    for dossier in dossiers {
        let address = dossier["address"].as_str().unwrap();
        let number = dossier["number"].as_str().unwrap();
        assert!(
            address.starts_with(number) && address.ends_with("@dossier.localhost"),
            "{address}"
        );
    }
    assert_eq!(http_get(&server.http, "/no/such/page").0, 404);
    let status = server.terminate();
    assert!(status.success(), "SIGTERM ends serve cleanly: {status:?}");

    // The folder now has people: the demo is not made twice, and admin sees the data.
    let mut server = Server::start(dir.path(), &["--demo"]);
    let mut second = String::new();
    server.stdout.read_line(&mut second).unwrap();
    assert!(second.contains("already holds"), "{second}");
    drop(server);
    let listing = run_until_unlocked(dir.path());
    assert_eq!(
        listing.lines().filter(|l| l.starts_with("client ")).count(),
        2,
        "{listing}"
    );
}

/// `admin list` once the server is gone (its lock is released when it exits).
fn run_until_unlocked(data: &std::path::Path) -> String {
    let listed = || {
        let out = run_dossier(data, &["admin", "list"], "");
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).unwrap())
    };
    let locked = || "the data folder stayed locked".into();
    found(std::time::Duration::from_secs(10), listed, locked)
}

#[test]
fn a_signal_sent_as_soon_as_the_listening_line_is_read_stops_the_server_cleanly() {
    // The handlers used to be set once serving began: a SIGTERM right after the line
    // killed the process (two runs in five of the kill test).
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(dir.path(), &[]);
        let status = server.terminate();
        assert!(status.success(), "{status}");
    }
}

#[test]
fn serve_refuses_a_folder_in_use_with_try_later() {
    let dir = tempfile::tempdir().unwrap();
    let _server = Server::start(dir.path(), &[]);
    let out = run_dossier(
        dir.path(),
        &["--http", "127.0.0.1:0", "--smtp", "127.0.0.1:0", "serve"],
        "",
    );
    assert_eq!(out.status.code(), Some(75));
    assert!(String::from_utf8_lossy(&out.stderr).contains("in use"));
}
