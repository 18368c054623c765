//! Sending a document by e-mail from the web: staff choose the client's people, each
//! gets the PDF (Factur-X for an invoice) with a link and their reply address, the
//! document becomes sent and the history keeps which PDF went to whom; the reply comes
//! back into the dossier. Clients and intervenants cannot send; nothing half-sent.

use dossier::domain::{DocKind, DocStatus, OutMail};
use mail_parser::{MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use super::*;
use crate::mail_support::Smtp;

/// The e-mails queued whose subject names `number`.
fn mails_about(site: &Site, number: &str) -> Vec<OutMail> {
    let store = site.test.app.store();
    store
        .out_mails(1000)
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.contains(number))
        .collect()
}

/// The PDF attached to the e-mail `raw`: its name and bytes.
fn pdf_in(raw: &[u8]) -> (String, Vec<u8>) {
    let parsed = MessageParser::default().parse(raw).unwrap();
    let part = parsed
        .attachments()
        .find(|a| a.content_type().is_some_and(|t| t.subtype() == Some("pdf")))
        .expect("a PDF attached");
    (
        part.attachment_name().unwrap().to_string(),
        part.contents().to_vec(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_send_a_quote_and_the_clients_reply_comes_back_into_the_dossier() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let base = format!("{}/dossiers/{}/documents", site.base, w.dossier.number);
    let staff = visitor(&site, &w.staff.emails[0]).await;
    assert_eq!(w.quote.status, DocStatus::Draft);

    // The form offers the client's people, ticked.
    let url = format!("{base}/{}/send", w.quote.id);
    let form = staff.page(&url).await;
    assert!(form.contains("Hélène Garnier"), "{form}");
    assert!(form.contains(&format!("name=\"to-{}\" value=\"on\" checked", w.client.id)));
    let listing = staff.page(&base).await;
    assert!(listing.contains(&format!("/documents/{}/send", w.quote.id)));

    // None chosen: the form again, the sentence next to the recipients, the note kept.
    let (status, page) = staff
        .post(&url, &[("note", "Voici notre proposition.")])
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Choisissez au moins un destinataire."),
        "{page}"
    );
    assert!(page.contains("Voici notre proposition."));
    assert!(mails_about(&site, &w.quote.number.to_string()).is_empty());

    let to = format!("to-{}", w.client.id);
    let (status, _) = staff
        .post(
            &url,
            &[(to.as_str(), "on"), ("note", "Voici notre proposition.")],
        )
        .await;
    assert_eq!(status, 303);
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(quote.status, DocStatus::Sent, "a sent quote is sent");

    let number = quote.number.to_string();
    let mails = mails_about(&site, &number);
    assert_eq!(mails.len(), 1, "one e-mail, to the one chosen");
    assert_eq!(mails[0].recipient, w.client.emails[0]);
    let raw = site.test.app.store().out_raw(&mails[0]).unwrap();
    let parsed = MessageParser::default().parse(&raw).unwrap();
    assert!(
        parsed
            .subject()
            .unwrap()
            .contains(&format!("devis {number}"))
    );
    let text = parsed.body_text(0).unwrap();
    for words in [
        "Claire Moreau vous envoie le devis",
        "Voici notre proposition.",
        &format!("/documents/{}", quote.id),
    ] {
        assert!(text.contains(words), "the e-mail says «{words}»: {text}");
    }
    let (name, pdf) = pdf_in(&raw);
    assert_eq!(name, format!("{number}.pdf"));
    assert!(pdf.starts_with(b"%PDF-"));
    let sha = hex::encode(Sha256::digest(&pdf));
    assert_eq!(
        site.test.app.store().blobs().read(&sha).unwrap(),
        pdf,
        "the PDF sent is kept as it went"
    );
    for _ in 0..2 {
        let again = staff
            .response(&format!("{base}/{}/pdf", quote.id))
            .await
            .bytes()
            .await
            .unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(&again)),
            sha,
            "the same document prints the same bytes: its hash can be checked"
        );
    }
    let history = staff
        .page(&format!(
            "{}/dossiers/{}/history",
            site.base, w.dossier.number
        ))
        .await;
    assert!(
        history.contains(&format!(
            "Envoi : devis {number} → Hélène Garnier &lt;helene@client.test&gt; (PDF SHA-256 {sha})"
        )),
        "{history}"
    );
    assert!(history.contains(&format!("Statut : devis {number} : Brouillon → Envoyé")));

    // The client answers from their mail program: the reply lands in the discussion.
    let reply_to = parsed
        .reply_to()
        .unwrap()
        .first()
        .unwrap()
        .address()
        .unwrap()
        .to_string();
    assert!(reply_to.starts_with("r-"), "{reply_to}");
    let reply = format!(
        "From: Hélène Garnier <helene@client.test>\r\nTo: {reply_to}\r\nSubject: Re: {}\r\nIn-Reply-To: <{}>\r\nMessage-ID: <reply-1@client.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBon pour accord, vous pouvez commencer lundi.\r\n",
        parsed.subject().unwrap(),
        parsed.message_id().unwrap()
    );
    let mut smtp = Smtp::connect(site.test.smtp).await;
    let (rcpts, done) = smtp
        .deliver("helene@client.test", &[&reply_to], &reply)
        .await;
    assert!(
        rcpts[0].starts_with("250") && done.starts_with("250"),
        "{rcpts:?} {done}"
    );
    site.test.processed().await;
    let posted = site.test.messages(w.dossier.id).pop().unwrap();
    assert_eq!(posted.author, w.client.id);
    assert_eq!(posted.text, "Bon pour accord, vous pouvez commencer lundi.");

    // Words of agreement are offered to staff, never taken as the acceptance itself.
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(quote.status, DocStatus::Sent);
    let discussion = staff
        .page(&format!("{}/dossiers/{}", site.base, w.dossier.number))
        .await;
    assert!(
        discussion.contains("semble accepter un devis"),
        "{discussion}"
    );
    assert!(discussion.contains(&format!("Accepter le devis {number}")));
    let client_view = {
        let client = visitor(&site, &w.client.emails[0]).await;
        client
            .page(&format!("{}/dossiers/{}", site.base, w.dossier.number))
            .await
    };
    assert!(
        !client_view.contains("semble accepter"),
        "the offer is staff's"
    );

    // One click accepts it, recorded in the history.
    let (status, _) = staff
        .post(
            &format!("{base}/{}/status", w.quote.id),
            &[("status", "accepted")],
        )
        .await;
    assert_eq!(status, 303);
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(quote.status, DocStatus::Accepted);
    let discussion = staff
        .page(&format!("{}/dossiers/{}", site.base, w.dossier.number))
        .await;
    assert!(
        !discussion.contains("semble accepter un devis"),
        "nothing left to accept"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sending_a_draft_invoice_issues_it_and_attaches_its_factur_x() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let base = format!("{}/dossiers/{}/documents", site.base, w.dossier.number);
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let mut draft = crate::helpers::quote_draft();
    draft.title = "Travaux de mars".into();
    let invoice = s
        .create_document(
            &w.staff,
            w.dossier.id,
            DocKind::Invoice,
            draft,
            Some(w.order.id),
        )
        .unwrap();
    assert!(!invoice.numbered());
    let url = format!("{base}/{}/send", invoice.id);
    let form = staff.page(&url).await;
    assert!(form.contains("Envoyer émet ce document"), "{form}");

    let to = format!("to-{}", w.client.id);
    let (status, _) = staff.post(&url, &[(to.as_str(), "on")]).await;
    assert_eq!(status, 303);
    let invoice = s.document(&w.staff, w.dossier.id, invoice.id).unwrap();
    assert!(invoice.numbered() && invoice.frozen(), "sending issued it");
    assert_eq!(invoice.status, DocStatus::Sent);
    let mails = mails_about(&site, &invoice.number.to_string());
    assert_eq!(mails.len(), 1);
    let raw = site.test.app.store().out_raw(&mails[0]).unwrap();
    let text = MessageParser::default()
        .parse(&raw)
        .unwrap()
        .body_text(0)
        .unwrap()
        .to_string();
    assert!(text.contains("À régler au plus tard le"), "{text}");
    let (_, pdf) = pdf_in(&raw);

    // What the e-mail carries is Factur-X with the invoice's own XML.
    let xml = staff
        .response(&format!("{base}/{}/xml", invoice.id))
        .await
        .bytes()
        .await
        .unwrap();
    let Some(python) = super::document_files::facturx_python() else {
        return site.test.stop().await;
    };
    let dir = tempfile::tempdir().unwrap();
    let (pdf_path, xml_path) = (dir.path().join("sent.pdf"), dir.path().join("sent.xml"));
    std::fs::write(&pdf_path, &pdf).unwrap();
    std::fs::write(&xml_path, &xml).unwrap();
    let out = std::process::Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/facturx/check.py"
        ))
        .args([&pdf_path, &xml_path])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "factur-x refuses the PDF sent: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn only_staff_send_and_a_closed_dossier_sends_nothing() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let number = w.dossier.number;
    let url = format!(
        "{}/dossiers/{number}/documents/{}/send",
        site.base, w.quote.id
    );
    let to = format!("to-{}", w.client.id);
    for (who, expected) in [(&w.client, 403), (&w.intervenant, 404), (&w.stranger, 404)] {
        let browser = visitor(&site, &who.emails[0]).await;
        let shown = browser.get(&url).await.0;
        assert_eq!(shown, expected, "{} sees the form", who.name);
        let (status, _) = browser.post(&url, &[(to.as_str(), "on")]).await;
        assert_eq!(status, expected, "{} sends", who.name);
    }
    s.close_dossier(&w.staff, w.dossier.id).unwrap();
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let (status, _) = staff.post(&url, &[(to.as_str(), "on")]).await;
    assert_eq!(status, 409, "closed means closed");
    assert!(
        mails_about(&site, &w.quote.number.to_string()).is_empty(),
        "nothing was queued"
    );
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(quote.status, DocStatus::Draft);
    site.test.stop().await;
}
