//! Sessions and the web listener's bounds: a changed password signs its owner out
//! everywhere else, signed-in pages are never cached, half-sent requests are closed and
//! connections are capped.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_password_change_ends_every_other_session() {
    let site = site().await;
    let email = &site.world.client.emails[0];
    let (here, csrf) = signed_in(&site, email).await;
    let (elsewhere, _) = signed_in(&site, email).await;
    let changed = here
        .post(format!("{}/settings/password", site.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current", PASSWORD),
            ("password", "un tout nouveau mot de passe"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 303, "{}", changed.text().await.unwrap());
    let page = |b: &reqwest::Client| b.get(format!("{}/dossiers", site.base)).send();
    assert_eq!(
        page(&here).await.unwrap().status(),
        200,
        "this session goes on"
    );
    assert_eq!(
        page(&elsewhere).await.unwrap().status(),
        303,
        "the other one is over"
    );
    site.test.stop().await;
}

#[test]
fn a_sign_in_checked_while_the_password_changed_starts_no_session() {
    let world = crate::helpers::World::build(dossier::domain::ClientKind::Person);
    let (s, email) = (world.services(), &world.client.emails[0]);
    s.set_password(&Operator::command_line(), email, PASSWORD)
        .unwrap();
    let signed_in = s.check_password(email, PASSWORD).unwrap().expect("right");
    let (kept, _) = s.start_session(&signed_in).unwrap();
    // A sign-in checked against the old password, its session begun after the change.
    let checked = s
        .check_password(email, PASSWORD)
        .unwrap()
        .expect("still right");
    s.change_password(&signed_in, &kept, PASSWORD, "un tout nouveau mot de passe")
        .unwrap();
    let (late, _) = s.start_session(&checked).unwrap();
    assert!(
        s.session(&late).unwrap().is_none(),
        "begun with the old password"
    );
    assert!(
        s.session(&kept).unwrap().is_some(),
        "the one that changed it goes on"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn signed_in_pages_and_downloads_are_never_cached() {
    let site = site().await;
    let (staff, _) = signed_in(&site, &site.world.staff.emails[0]).await;
    let number = site.world.dossier.number;
    for path in [
        "/dossiers".to_string(),
        format!("/dossiers/{number}"),
        format!("/dossiers/{number}/files/{}", site.world.file.id),
        "/settings".to_string(),
    ] {
        let answer = staff
            .get(format!("{}{path}", site.base))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        assert_eq!(answer.headers()["cache-control"], "no-store", "{path}");
    }
    let css = browser()
        .get(format!("{}/static/style.css", site.base))
        .send()
        .await
        .unwrap();
    assert_ne!(
        css.headers()["cache-control"],
        "no-store",
        "the stylesheet may be"
    );
    site.test.stop().await;
}

/// Reads until the server closes the connection or `within` passes; true if it closed.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_whose_headers_never_end_is_closed() {
    let test = TestApp::spawn_configured(
        |_| {},
        |config| config.web.header_timeout = Duration::from_millis(300),
        None,
    )
    .await;
    let mut slow = TcpStream::connect(test.http).await.unwrap();
    slow.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    assert!(
        closed_within(&mut slow, Duration::from_secs(10)).await,
        "a half-sent request is closed"
    );
    // An idle kept-alive connection is closed the same way.
    let mut idle = TcpStream::connect(test.http).await.unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(10)).await);
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_beyond_the_cap_wait_their_turn() {
    let test =
        TestApp::spawn_configured(|_| {}, |config| config.web.max_connections = 3, None).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(test.http).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        held.push(stream);
    }
    let fourth = tokio::spawn({
        let http = test.http;
        async move {
            let mut stream = TcpStream::connect(http).await.unwrap();
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).await.unwrap();
            answer
        }
    });
    let mut fourth = fourth;
    let early = tokio::time::timeout(Duration::from_millis(300), &mut fourth).await;
    assert!(early.is_err(), "three connections are all it serves");
    drop(held.pop());
    let answer = tokio::time::timeout(Duration::from_secs(10), fourth)
        .await
        .expect("answered once a connection closed")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // A half-sent request holds the shutdown up to ten seconds.
    drop(held);
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_peer_cannot_hold_every_connection_nor_trickle_a_body() {
    let test = TestApp::spawn_configured(
        |_| {},
        |config| {
            config.web.max_per_peer = 2;
            config.web.body_deadline = Duration::from_millis(300);
        },
        None,
    )
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(test.http).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        held.push(stream);
    }
    let mut third = TcpStream::connect(test.http).await.unwrap();
    assert!(
        closed_within(&mut third, Duration::from_secs(10)).await,
        "a third connection of the same peer is closed"
    );
    drop(held);
    // A body that never ends is cut once its time is up.
    let mut trickle = TcpStream::connect(test.http).await.unwrap();
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nemail=",
        test.http
    );
    trickle.write_all(head.as_bytes()).await.unwrap();
    assert!(
        closed_within(&mut trickle, Duration::from_secs(10)).await,
        "the trickling body is cut"
    );
    test.stop().await;
}
