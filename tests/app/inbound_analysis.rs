//! The analysis on real mail and on hostile mail: the classes and attachments of the
//! corpus of real e-mails (its replies are in `reply_corpus`), and mail bombs that must
//! get a clear outcome without a panic.

use std::time::Instant;

use dossier::mail::analysis::{Context, analyze};
use dossier::mail::classify::Class;

/// A copy of `../shared/corpus` (real e-mails and their expected text, with their
/// licences), kept with the tests so that a fresh clone runs them.
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

fn corpus_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(CORPUS);
    if dir.join("manifest.tsv").is_file() {
        return Some(dir);
    }
    crate::peers::unavailable(&format!("the mail corpus is not at {CORPUS}"));
    None
}

#[test]
fn the_corpus_classes_bounces_and_auto_replies() {
    let Some(dir) = corpus_dir() else { return };
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    for row in manifest.lines().skip(1) {
        let columns: Vec<&str> = row.split('\t').collect();
        let (file, kind) = (columns[0], columns[1]);
        let path = dir.join(file);
        let raw = crate::reply_corpus::as_message(
            &path,
            std::fs::read(&path).unwrap(),
            kind == "forwarded",
        );
        let class = analyze(&raw, &Context::default()).class;
        match kind {
            "bounce" => assert_eq!(class, Class::Bounce, "{file}"),
            "auto-reply" => assert_eq!(class, Class::AutoReply, "{file}"),
            "reply" | "attachment" | "encoding" | "forwarded" => {
                assert_ne!(class, Class::Malformed, "{file}")
            }
            _ => {}
        }
    }
}

#[test]
fn attachments_keep_their_names_bytes_and_digests() {
    let Some(dir) = corpus_dir() else { return };
    let read = |file: &str| analyze(&std::fs::read(dir.join(file)).unwrap(), &Context::default());
    let apple = read("redmine/mail_handler/apple_mail_with_attachment.eml");
    let files: Vec<_> = apple.attachments.iter().filter(|a| !a.inline).collect();
    let paella = apple
        .attachments
        .iter()
        .find(|a| a.name.as_str() == "paella.jpg")
        .expect("paella.jpg");
    assert_eq!(paella.size, 10790);
    assert_eq!(
        sha256(&paella.bytes),
        "4474dd534c36bdd212e2efc549507377c3e77147c9167b66dedcebfe9da8807f"
    );
    assert!(
        files.len() <= 1,
        "{:?}",
        apple
            .attachments
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
    );
    let japanese = read("redmine/mail_handler/gmail_with_attachment_ja.eml");
    assert_eq!(
        japanese.attachments[0].name.as_str(),
        "テスト.txt",
        "RFC 2047 / 2231 names are decoded"
    );
    let latin2 = read("redmine/mail_handler/ticket_with_text_attachment_iso-8859-2.eml");
    assert_eq!(latin2.attachments[0].name.as_str(), "latin2.txt");
    assert!(
        latin2.attachments[0]
            .bytes
            .starts_with(&[0x70, 0xF8, 0xED, 0x6C, 0x69, 0xB9]),
        "a text attachment keeps its own charset"
    );
    let inline = read("discourse/emails/inline_image.eml");
    assert!(
        inline.attachments.iter().any(|a| a.inline),
        "a cid: image stays with its message"
    );
}

/// The names of the attachments that become the dossier's files.
fn files(analysis: &dossier::mail::analysis::Analysis) -> Vec<&str> {
    analysis
        .attachments
        .iter()
        .filter(|a| !a.inline)
        .map(|a| a.name.as_str())
        .collect()
}

#[test]
fn a_signature_logo_a_text_part_names_by_cid_is_not_a_file() {
    let raw = b"From: Paul <paul@client.test>\r\nSubject: Re: devis\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"r\"\r\n\r\n--r\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nD'accord.\r\n\r\nPaul Rousseau\r\n[cid:image001.png@01DA1234.56789AB0]\r\nwww.rousseau.example\r\n--r\r\nContent-Type: image/png; name=\"image001.png\"\r\nContent-ID: <image001.png@01DA1234.56789AB0>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r\r\nContent-Type: application/pdf; name=\"plan.pdf\"\r\nContent-Disposition: attachment; filename=\"plan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--r--\r\n";
    let analysis = analyze(raw, &Context::default());
    let files = files(&analysis);
    assert_eq!(files, ["plan.pdf"]);
    assert_eq!(analysis.text, "D'accord.");
}

#[test]
fn a_photo_apple_mail_places_in_the_text_is_a_file() {
    // Apple Mail shows an attachment where it was put: multipart/mixed, HTML around it.
    let raw = b"From: Paul <paul@client.test>\r\nSubject: Re: tableau\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici la photo.\r\n--a\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>Voici la photo.</div><div><img src=\"cid:0333D4B9-973B\"></div>\r\n--m\r\nContent-Type: image/jpeg; name=IMG_4187.jpeg\r\nContent-Disposition: inline; filename=IMG_4187.jpeg\r\nContent-Id: <0333D4B9-973B>\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n--m\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div></div>\r\n--m--\r\n--a--\r\n";
    let analysis = analyze(raw, &Context::default());
    let files = files(&analysis);
    assert_eq!(files, ["IMG_4187.jpeg"]);
}

#[test]
fn a_picture_pasted_in_the_text_is_a_file_and_its_placeholder_goes() {
    // Outlook: a photo pasted between paragraphs and a logo in the signature, both in
    // multipart/related, both written as `[cid:…]` in the text part.
    let raw = b"From: Nathalie <n@client.test>\r\nSubject: RE: tableau\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"r\"\r\n\r\n--r\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici une photo :\r\n\r\n[cid:image002.jpg@01DC]\r\n\r\nLe disjoncteur du haut.\r\n\r\nNathalie Girard\r\nGirard & Associes\r\nT. 04 78 42 90 10\r\n[cid:image001.png@01DC]\r\n--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Voici une photo :</p><p><img src=\"cid:image002.jpg@01DC\"></p><p>Le disjoncteur du haut.</p><p>Nathalie Girard<br>T. 04 78 42 90 10<br><img src=\"cid:image001.png@01DC\"></p>\r\n--a--\r\n--r\r\nContent-Type: image/jpeg; name=\"image002.jpg\"\r\nContent-ID: <image002.jpg@01DC>\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n--r\r\nContent-Type: image/png; name=\"image001.png\"\r\nContent-ID: <image001.png@01DC>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n";
    let analysis = analyze(raw, &Context::default());
    let files = files(&analysis);
    assert_eq!(
        files,
        ["image002.jpg"],
        "the photo is a file, the logo is not"
    );
    assert_eq!(
        analysis.text,
        "Voici une photo :\n\nLe disjoncteur du haut."
    );
}

#[test]
fn an_outlook_winmail_dat_is_kept_as_sent_and_says_why() {
    let raw = b"From: Paul <paul@client.test>\r\nSubject: Re: devis\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCi-joint le plan.\r\n--m\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Disposition: attachment; filename=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgEA\r\n--m--\r\n";
    let analysis = analyze(raw, &Context::default());
    assert_eq!(analysis.attachments.len(), 1);
    assert_eq!(analysis.attachments[0].name.as_str(), "winmail.dat");
    assert_eq!(
        analysis.attachments[0].bytes,
        [0x78, 0x9f, 0x3e, 0x22, 0x01, 0x00]
    );
    assert!(
        analysis.reasons.iter().any(|r| r.contains("TNEF")),
        "{:?}",
        analysis.reasons
    );
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn latin1_is_read_as_windows_1252() {
    let raw = b"From: a@b.test\r\nSubject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nCo\xfbt : 12 \x80 \x96 d\xe9j\xe0 pay\xe9\r\n";
    assert_eq!(
        analyze(raw, &Context::default()).text,
        "Coût : 12 € – déjà payé"
    );
}

/// Builds `depth` nested multiparts around one text part.
fn nested(depth: usize) -> Vec<u8> {
    let mut out = String::from("From: a@b.test\r\nSubject: bomb\r\nMIME-Version: 1.0\r\n");
    for i in 0..depth {
        out.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    out.push_str("Content-Type: text/plain\r\n\r\nhello\r\n");
    for i in (0..depth).rev() {
        out.push_str(&format!("--b{i}--\r\n"));
    }
    out.into_bytes()
}

#[test]
fn hostile_messages_get_a_clear_outcome_quickly_and_never_a_panic() {
    let many_parts = {
        let mut out = String::from(
            "From: a@b.test\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n",
        );
        for i in 0..100_000 {
            out.push_str(&format!("--p\r\nContent-Type: text/plain\r\n\r\n{i}\r\n"));
        }
        out.push_str("--p--\r\n");
        out.into_bytes()
    };
    let huge_header = format!(
        "From: a@b.test\r\nX-Junk: {}\r\n\r\nbody\r\n",
        "a".repeat(10 * 1024 * 1024)
    )
    .into_bytes();
    let nul = b"From: a@b.test\r\nSubject: nul\0byte\r\n\r\nte\0xt\r\n".to_vec();
    let truncated = b"From: a@b.test\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29y".to_vec();
    let names = b"From: a@b.test\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\nroot\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"/abs/x.sh\"\r\n\r\nls\r\n--x--\r\n".to_vec();
    let charset =
        b"From: a@b.test\r\nContent-Type: text/plain; charset=x-unknown-martian\r\n\r\nhello\r\n"
            .to_vec();
    let big = {
        let mut out = b"From: a@b.test\r\nSubject: big\r\n\r\n".to_vec();
        out.extend(
            std::iter::repeat_n(b"0123456789abcdef\r\n".as_slice(), 30 * 1024 * 1024 / 18)
                .flatten(),
        );
        out
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("1,000-deep nesting", nested(1000)),
        ("100,000 parts", many_parts),
        ("a 10 MB header", huge_header),
        ("NUL bytes", nul),
        ("truncated MIME", truncated),
        ("path names", names),
        ("an unknown charset", charset),
        ("a 30 MB message", big),
        ("empty input", Vec::new()),
    ];
    for (name, raw) in cases {
        let started = Instant::now();
        let analysis = analyze(&raw, &Context::default());
        println!(
            "{name}: {:?} in {:?}: {:?}",
            analysis.class,
            started.elapsed(),
            analysis.reasons
        );
        match name {
            "1,000-deep nesting" | "100,000 parts" | "a 10 MB header" | "empty input" => {
                assert_eq!(analysis.class, Class::Malformed, "{name}");
                assert!(!analysis.reasons.is_empty(), "{name} says why");
            }
            "path names" => {
                let names: Vec<&str> = analysis
                    .attachments
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect();
                assert_eq!(names, ["passwd", "x.sh"]);
            }
            "an unknown charset" => assert_eq!(analysis.text, "hello"),
            _ => {}
        }
    }
}
