//! The SMTP session's state machine over a raw socket: only `<CR><LF>.<CR><LF>` ends
//! DATA, so the smuggling payloads never start a second transaction; silence inside DATA
//! closes the connection; a stopping server answers `421` and drains its sessions.

use std::time::Duration;

use dossier::domain::{ClientKind, Message};
use tokio::io::AsyncReadExt;

use crate::helpers::World;
use crate::mail_support::{Smtp, TestApp};
use crate::polling::found_async;

fn message(to: &str, id: &str, body: &str) -> String {
    format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: Re: Cuisine\r\nMessage-ID: <{id}>\r\n\r\n{body}\r\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn smuggling_payloads_never_start_a_second_transaction() {
    let test = TestApp::spawn().await;
    let world = World::build_in(&test, ClientKind::Company);
    let to = world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let before = test.messages(world.dossier.id).len();
    for (n, ending) in ["\n.\r\n", "\r.\r\n", "\n.\n"].into_iter().enumerate() {
        let mut smtp = Smtp::connect(test.smtp).await;
        smtp.start_data("EHLO client.test", "helene@client.test", &to)
            .await;
        // The first message, the smuggled end, then a whole second transaction that a
        // server splitting lines on LF alone would read as commands.
        let first = message(&to, &format!("first-{n}@client.test"), "Premier.");
        let smuggled = message(&to, &format!("smuggled-{n}@evil.test"), "Passé en douce.");
        let payload = format!(
            "{}{ending}MAIL FROM:<helene@client.test>\r\nRCPT TO:<{to}>\r\nDATA\r\n{smuggled}.\r\n",
            first.trim_end_matches("\r\n")
        );
        smtp.send(&payload).await;
        let reply = smtp.reply().await;
        assert!(reply.starts_with("550 5.5.2"), "{ending:?}: {reply}");
        // One answer only: the rest was read as the message, not as commands.
        assert!(
            smtp.command("NOOP").await.starts_with("250 2.0.0"),
            "{ending:?}: the next reply is the NOOP's"
        );
        assert!(smtp.command("QUIT").await.starts_with("221"));
    }
    test.processed().await;
    let messages: Vec<Message> = test.messages(world.dossier.id);
    assert_eq!(messages.len(), before, "neither message was taken");
    assert!(test.app.pipeline.spool().pending().unwrap().is_empty());
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn silence_inside_data_closes_the_connection() {
    let test = TestApp::spawn_with(|args| args.smtp_idle_timeout = Some(1), None).await;
    let world = World::build_in(&test, ClientKind::Company);
    let to = world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let mut smtp = Smtp::connect(test.smtp).await;
    smtp.start_data("EHLO client.test", "helene@client.test", &to)
        .await;
    smtp.send("Subject: half\r\n\r\nhalf a message").await;
    let reply = smtp.reply().await;
    assert!(reply.starts_with("421 4.4.2"), "{reply}");
    let mut rest = Vec::new();
    let read = tokio::time::timeout(
        Duration::from_secs(10),
        smtp.stream().read_to_end(&mut rest),
    )
    .await
    .expect("the server closes the connection");
    assert!(read.is_ok() && rest.is_empty(), "nothing more: {rest:?}");
    assert!(
        test.app.pipeline.spool().pending().unwrap().is_empty(),
        "nothing kept"
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopping_server_answers_421_and_waits_for_its_sessions() {
    let test = TestApp::spawn().await;
    let mut smtp = Smtp::connect(test.smtp).await;
    assert!(smtp.command("EHLO client.test").await.starts_with("250"));
    let stopping = tokio::spawn(test.stop());
    // The session hears the shutdown at its next command (or while it waits for one).
    let smtp = tokio::sync::Mutex::new(smtp);
    let refused = || async {
        let reply = smtp.lock().await.command("NOOP").await;
        (!reply.starts_with("250")).then_some(reply)
    };
    let still = || "NOOP still answered 250".to_string();
    let reply = found_async(Duration::from_secs(5), refused, still).await;
    assert!(reply.starts_with("421 4.3.2"), "{reply}");
    tokio::time::timeout(Duration::from_secs(20), stopping)
        .await
        .expect("the server stops once its session closed")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_peer_that_never_reads_its_replies_cannot_hold_the_server() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let test = TestApp::spawn_with(|args| args.smtp_idle_timeout = Some(1), None).await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = tokio::io::BufReader::new(socket.connect(test.smtp).await.unwrap());
    let mut greeting = String::new();
    stream.read_line(&mut greeting).await.unwrap();
    assert!(greeting.starts_with("220"), "{greeting}");
    // Commands, and never a reply read, until the server stops reading them: its own
    // writes are stuck on the full socket (a write that does not finish in a second).
    let chunk = "NOOP\r\n".repeat(10_000);
    let mut stuck = false;
    for _ in 0..2_000 {
        let write = stream.get_mut().write_all(chunk.as_bytes());
        if tokio::time::timeout(Duration::from_secs(1), write)
            .await
            .is_err()
        {
            stuck = true;
            break;
        }
    }
    assert!(stuck, "the server kept reading");
    tokio::time::timeout(Duration::from_secs(30), test.stop())
        .await
        .expect("the server stops, its stuck session given up");
}
