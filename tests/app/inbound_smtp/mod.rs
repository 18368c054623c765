//! The SMTP door: replies become messages and attachments files; recipients are judged
//! at RCPT; the protocol's corners (pipelining, dot-stuffing, long lines, size);
//! each in its file: SPEC §4's outcome table, and what is held, dropped or bounced.

use dossier::domain::{ClientKind, Dossier, FileEntry, Outcome};

use crate::helpers::World;
use crate::mail_support::{Smtp, TestApp, reply_text, reply_with_attachment};

mod held_and_bounced;
mod outcome_table;

pub(crate) struct Setup {
    pub(crate) test: TestApp,
    pub(crate) world: World,
    pub(crate) closed: Dossier,
}

pub(crate) async fn setup() -> Setup {
    let test = TestApp::spawn().await;
    let world = World::build_in(&test, ClientKind::Company);
    let closed = world.closed_dossier();
    Setup {
        test,
        world,
        closed,
    }
}

pub(crate) fn address(d: &Dossier) -> String {
    d.mail_address(&dossier::domain::Addressing::bare("dossier.test"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_actors_reply_becomes_a_message_and_its_attachment_a_file() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let pdf = b"%PDF-1.4 plan signe".to_vec();
    let message = reply_with_attachment(
        "helene@client.test",
        &to,
        "plan-1@client.test",
        "plan signé.pdf",
        &pdf,
    );
    let mut smtp = Smtp::connect(test.smtp).await;
    let (rcpts, done) = smtp.deliver("helene@client.test", &[&to], &message).await;
    assert!(rcpts[0].starts_with("250 2.1.5"), "{rcpts:?}");
    assert!(done.starts_with("250 2.0.0"), "{done}");
    test.processed().await;

    let messages = test.messages(world.dossier.id);
    let posted = messages.last().unwrap();
    assert_eq!(posted.author, world.client.id);
    assert_eq!(posted.text, "Voici le plan signé.");
    assert_eq!(posted.attachments.len(), 1);
    let files: Vec<FileEntry> = test.app.store().items(world.dossier.id).unwrap();
    let file = files
        .iter()
        .find(|f| f.id == posted.attachments[0])
        .unwrap();
    assert_eq!(file.blob.name.as_str(), "plan signé.pdf");
    assert_eq!(file.blob.content_type, "application/pdf");
    assert_eq!(
        test.app.store().blobs().read(&file.blob.sha256).unwrap(),
        pdf
    );
    let origin = posted.mail.as_ref().expect("the original mail is kept");
    assert!(test.app.store().blobs().exists(&origin.raw_sha256));
    assert!(matches!(test.last_log().outcome, Outcome::Posted { .. }));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_sent_by_a_real_client_library_is_trimmed_and_posted() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let raw = reply_text(
        "Hélène <helene@client.test>",
        &to,
        "lettre-1@client.test",
        "Parfait, c'est validé.",
    )
    // On the wire every line ends in CRLF, as lettre's own message builder writes them.
    .replace('\n', "\r\n");
    let port = test.smtp.port();
    let sent = tokio::task::spawn_blocking(move || {
        use lettre::{SmtpTransport, Transport};
        let envelope = lettre::address::Envelope::new(
            Some("helene@client.test".parse().unwrap()),
            vec![to.parse().unwrap()],
        )
        .unwrap();
        SmtpTransport::builder_dangerous("127.0.0.1")
            .port(port)
            .build()
            .send_raw(&envelope, raw.as_bytes())
    })
    .await
    .unwrap();
    assert!(sent.is_ok(), "{sent:?}");
    test.processed().await;
    let posted = test.messages(world.dossier.id).pop().unwrap();
    assert_eq!(posted.text, "Parfait, c'est validé.");
    assert!(
        posted.elided.contains("Pouvez-vous valider le plan ?"),
        "{}",
        posted.elided
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recipients_are_judged_at_rcpt() {
    let Setup {
        test,
        world,
        closed,
    } = setup().await;
    let mut smtp = Smtp::connect(test.smtp).await;
    assert!(
        smtp.command("EHLO client.test")
            .await
            .contains("SIZE 1048576")
    );
    assert!(
        smtp.command("MAIL FROM:<helene@client.test>")
            .await
            .starts_with("250")
    );
    let unknown = smtp.command("RCPT TO:<nobody@dossier.test>").await;
    assert!(unknown.starts_with("550 5.1.1"), "{unknown}");
    let elsewhere = smtp.command("RCPT TO:<someone@example.org>").await;
    assert!(elsewhere.starts_with("550 5.1.1"), "{elsewhere}");
    let wrong_key = smtp
        .command(&format!(
            "RCPT TO:<{}-00000000000000000000@dossier.test>",
            world.dossier.number
        ))
        .await;
    assert!(wrong_key.starts_with("550 5.1.1"), "{wrong_key}");
    let refused = smtp
        .command(&format!("RCPT TO:<{}>", address(&closed)))
        .await;
    assert!(
        refused.starts_with("550-5.7.1") && refused.contains("is closed"),
        "{refused}"
    );
    let upper = address(&world.dossier).to_uppercase();
    assert!(
        smtp.command(&format!("RCPT TO:<{upper}>"))
            .await
            .starts_with("250"),
        "case does not matter"
    );
    for _ in 1..100 {
        assert!(
            smtp.command(&format!("RCPT TO:<{}>", address(&world.dossier)))
                .await
                .starts_with("250")
        );
    }
    let too_many = smtp
        .command(&format!("RCPT TO:<{}>", address(&world.dossier)))
        .await;
    assert!(
        too_many.starts_with("452"),
        "the 101st recipient: {too_many}"
    );
    assert!(smtp.command("QUIT").await.starts_with("221"));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pipelined_commands_dot_stuffing_and_long_lines_are_handled() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let mut smtp = Smtp::connect(test.smtp).await;
    // Everything up to DATA in one write, as PIPELINING allows.
    smtp.send(&format!(
        "EHLO client.test\r\nMAIL FROM:<helene@client.test>\r\nRCPT TO:<{to}>\r\nDATA\r\n"
    ))
    .await;
    assert!(smtp.reply().await.starts_with("250-"));
    assert!(smtp.reply().await.starts_with("250 2.1.0"));
    assert!(smtp.reply().await.starts_with("250 2.1.5"));
    assert!(smtp.reply().await.starts_with("354"));
    let long = "x".repeat(5000);
    let body = format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: points\r\nMessage-ID: <dots@client.test>\r\n\r\nLigne 1\r\n..point au début\r\n.encore\r\n{long}\r\nfin\r\n.\r\n"
    );
    smtp.send(&body).await;
    let done = smtp.reply().await;
    assert!(done.starts_with("250"), "{done}");
    let too_long = smtp.command(&format!("NOOP {}", "y".repeat(2000))).await;
    assert!(too_long.starts_with("500 5.5.2"), "{too_long}");
    assert!(
        smtp.command("NOOP").await.starts_with("250"),
        "the session goes on"
    );
    assert!(smtp.command("VRFY claire").await.starts_with("252"));
    test.processed().await;
    let posted = test.messages(world.dossier.id).pop().unwrap();
    assert!(
        posted.text.contains("\n.point au début\n"),
        "dot-unstuffed: {:?}",
        posted.text
    );
    assert!(
        posted.text.contains("\nencore\n"),
        "a line starting with one dot loses it: {:?}",
        posted.text
    );
    assert!(posted.text.contains(&long), "a 5,000-octet line is kept");
    assert!(posted.text.ends_with("fin"));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_messages_are_refused_with_552() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    let mut smtp = Smtp::connect(test.smtp).await;
    smtp.command("EHLO client.test").await;
    let declared = smtp
        .command("MAIL FROM:<helene@client.test> SIZE=99999999")
        .await;
    assert!(declared.starts_with("552 5.3.4"), "{declared}");
    let big = format!(
        "From: helene@client.test\nSubject: gros\n\n{}\n",
        "0123456789\n".repeat(120_000)
    );
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &big).await;
    assert!(done.starts_with("552 5.3.4"), "{done}");
    assert!(
        smtp.command("NOOP").await.starts_with("250"),
        "the session survives"
    );
    assert!(
        test.app.pipeline.spool().pending().unwrap().is_empty(),
        "nothing spooled"
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn inputs_found_by_fuzzing_get_answers_not_crashes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let test = TestApp::spawn().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut found = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("smtp_session")
        {
            continue;
        }
        found += 1;
        let input = std::fs::read(&path).unwrap();
        let mut stream = tokio::net::TcpStream::connect(test.smtp).await.unwrap();
        stream.write_all(&input).await.unwrap();
        let mut replies = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut replies),
        )
        .await
        .expect("the session ends")
        .unwrap();
        let replies = String::from_utf8_lossy(&replies);
        assert!(replies.starts_with("220 "), "{path:?}: {replies}");
        assert!(
            replies.trim_end().ends_with("Bye") || replies.contains("\r\n221 "),
            "{path:?}: the session reached QUIT: {replies}"
        );
    }
    assert!(found > 0, "the regression inputs are kept in tests/fuzz");
    // And the listener still serves.
    let mut smtp = Smtp::connect(test.smtp).await;
    assert!(smtp.command("NOOP\r\n").await.starts_with("250"));
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn guessing_addresses_ends_the_session_after_twenty_refusals() {
    let test = TestApp::spawn().await;
    let mut smtp = Smtp::connect(test.smtp).await;
    smtp.command("EHLO client.test").await;
    smtp.command("MAIL FROM:<guess@else.test>").await;
    for i in 0..19 {
        let refused = smtp
            .command(&format!("RCPT TO:<guess{i}@dossier.test>"))
            .await;
        assert!(refused.starts_with("550 5.1.1"), "{refused}");
    }
    let last = smtp.command("RCPT TO:<guess19@dossier.test>").await;
    assert!(last.starts_with("550 5.1.1"), "{last}");
    let closing = smtp.reply().await;
    assert!(closing.starts_with("421 4.7.0"), "{closing}");
    let log = test.app.store().mail_log(100).unwrap();
    assert_eq!(
        log.iter().filter(|l| l.outcome == Outcome::Refused).count(),
        20
    );
    test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_latin1_name_in_rfc2231_continuations_keeps_every_accent() {
    let Setup { test, world, .. } = setup().await;
    let to = address(&world.dossier);
    // As Outlook and older mail programs write a long Latin-1 name: in continuations,
    // the charset named once, in the first.
    let message = crate::mail_support::verified(&format!(
        "From: helene@client.test\r\nTo: {to}\r\nSubject: Re: plan\r\nMessage-ID: <latin1-2231@client.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici le plan.\r\n\
         --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n \
         filename*0*=iso-8859-1''plan%20du%20rez-de-chauss%E9e%20;\r\n filename*1*=version%20d%E9finitive.pdf\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
    ));
    let mut smtp = Smtp::connect(test.smtp).await;
    let (_, done) = smtp.deliver("helene@client.test", &[&to], &message).await;
    assert!(done.starts_with("250"), "{done}");
    test.processed().await;
    let files: Vec<FileEntry> = test.app.store().items(world.dossier.id).unwrap();
    assert!(
        files
            .iter()
            .any(|f| f.blob.name.as_str() == "plan du rez-de-chaussée version définitive.pdf"),
        "{:?}",
        files
            .iter()
            .map(|f| f.blob.name.as_str())
            .collect::<Vec<_>>()
    );
    test.stop().await;
}
