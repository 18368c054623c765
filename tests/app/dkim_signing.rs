//! Signed mail: `dossier admin dkim-generate` makes a key and says which record to
//! publish; a server given that key signs every e-mail it sends, and mail-auth verifies
//! the signature against the record on the loopback DNS server.

use std::os::unix::fs::PermissionsExt;

use dossier::domain::ClientKind;
use mail_auth::{AuthenticatedMessage, DkimResult};

use crate::child::run_dossier;
use crate::helpers::World;
use crate::mail_support::TestApp;
use crate::polling::eventually_async;

#[tokio::test(flavor = "multi_thread")]
async fn notifications_are_signed_with_the_generated_key_and_verify_against_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("dkim.pem");
    let key_arg = key.to_str().unwrap();
    let args = [
        "--mail-domain",
        "dossier.test",
        "admin",
        "dkim-generate",
        "--out",
        key_arg,
        "--selector",
        "s2026",
        "--ed25519",
    ];
    let out = run_dossier(&dir.path().join("data"), &args, "");
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("publish s2026._domainkey.dossier.test TXT"),
        "{said}"
    );
    let record = said
        .split('"')
        .nth(1)
        .expect("the record, quoted")
        .to_string();
    assert!(record.starts_with("v=DKIM1; k=ed25519; p="), "{record}");
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the key is its owner's only");
    let again = run_dossier(&dir.path().join("data"), &args, "");
    assert_eq!(again.status.code(), Some(73), "never over an existing key");

    let test = TestApp::spawn_with(
        |a| {
            a.dkim_key = Some(key.clone());
            a.dkim_selector = Some("s2026".into());
            a.notify_window = Some(0);
        },
        None,
    )
    .await;
    test.dns.set("s2026._domainkey.dossier.test", &[&record]);
    let world = World::build_in(&test, ClientKind::Company);
    let store = test.app.store().clone();
    eventually_async(
        "a notification is queued",
        std::time::Duration::from_secs(20),
        || {
            let store = store.clone();
            async move { !store.out_mails(10).unwrap().is_empty() }
        },
    )
    .await;
    let resolver = test.dns.authenticator();
    for mail in store.out_mails(10).unwrap() {
        let raw = store.out_raw(&mail).unwrap();
        assert!(raw.starts_with(b"DKIM-Signature:"), "signed first");
        let message = AuthenticatedMessage::parse(&raw).unwrap();
        let results = resolver.verify_dkim(&message).await;
        assert!(
            !results.is_empty() && results.iter().all(|r| *r.result() == DkimResult::Pass),
            "{:?}",
            results.iter().map(|r| r.result()).collect::<Vec<_>>()
        );
        assert_eq!(results[0].signature().unwrap().d, "dossier.test");
    }
    drop(world);
    test.stop().await;
}

#[test]
fn a_key_that_cannot_be_read_stops_serve_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.pem");
    let out = run_dossier(
        &dir.path().join("data"),
        &[
            "--dkim-key",
            missing.to_str().unwrap(),
            "--http",
            "127.0.0.1:0",
            "--smtp",
            "127.0.0.1:0",
            "--dns",
            "127.0.0.1:9",
            "serve",
        ],
        "",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the DKIM key") && stderr.contains("cannot be read"),
        "{stderr}"
    );
}
