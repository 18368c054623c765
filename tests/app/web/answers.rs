//! A client accepts or refuses a sent quote on the web, confirmed by a six-digit code
//! e-mailed to them: wrong, spent and late codes are refused; the proof (who, when, IP,
//! browser, code address, PDF) is kept on the quote, shown in the history and printed on
//! the PDF; the dossier hears of it; staff turn the accepted quote into an order.

use dossier::domain::{Decision, DocKind, DocStatus, DocumentId};

use super::*;

/// Staff write a quote valid for a month and send it to the client; its id.
async fn send_quote(site: &Site) -> DocumentId {
    let w = &site.world;
    let mut draft = crate::helpers::quote_draft();
    draft.title = "Rénovation".into();
    draft.terms.valid_until = Some(chrono::Utc::now().date_naive() + chrono::Days::new(30));
    let quote = w
        .services()
        .create_document(&w.staff, w.dossier.id, DocKind::Quote, draft, None)
        .unwrap();
    let staff = visitor(site, &w.staff.emails[0]).await;
    let url = format!(
        "{}/dossiers/{}/documents/{}/send",
        site.base, w.dossier.number, quote.id
    );
    let to = format!("to-{}", w.client.id);
    let (status, _) = staff.post(&url, &[(to.as_str(), "on")]).await;
    assert_eq!(status, 303);
    quote.id
}

/// The code of the newest confirmation e-mail to the client.
fn code_in_queue(site: &Site) -> String {
    let mails = site.test.app.store().out_mails(1000).unwrap();
    let mail = mails
        .iter()
        .filter(|m| m.subject.starts_with("Votre code de confirmation"))
        .max_by_key(|m| m.created_at)
        .expect("a code was e-mailed");
    assert_eq!(mail.recipient, site.world.client.emails[0]);
    let code: String = mail.subject.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(code.len(), 6, "{}", mail.subject);
    code
}

fn other_than(code: &str) -> String {
    if code == "000000" { "111111" } else { "000000" }.into()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_accepts_a_sent_quote_with_the_emailed_code_and_staff_make_the_order() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let id = send_quote(&site).await;
    let doc = format!(
        "{}/dossiers/{}/documents/{}",
        site.base, w.dossier.number, id
    );
    let client = visitor(&site, &w.client.emails[0]).await;
    // The PDF the client reads before answering is the one the proof names.
    let read = client
        .response(&format!("{doc}/pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let page = client.page(&doc).await;
    assert!(
        page.contains(&format!("{doc}/answer").replace(&site.base, "")),
        "{page}"
    );
    assert!(page.contains("Accepter ou refuser ce devis"));

    // Accepting without ticking "bon pour accord": the form again, the name kept.
    let answer = format!("{doc}/answer");
    let (status, page) = client
        .post(
            &answer,
            &[("decision", "accept"), ("name", "Hélène Garnier")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Cochez « Bon pour accord » pour accepter le devis."));
    assert!(page.contains("value=\"Hélène Garnier\""));

    let (status, page) = client
        .post(
            &answer,
            &[
                ("decision", "accept"),
                ("name", "Hélène Garnier"),
                ("agree", "on"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let page = client.page(&format!("{answer}/code")).await;
    assert!(page.contains("helene@client.test"), "{page}");
    let code = code_in_queue(&site);
    let (status, page) = client
        .post(&format!("{answer}/code"), &[("code", &other_than(&code))])
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Code incorrect : il vous reste 4 essais."),
        "{page}"
    );
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    let (status, _) = client
        .post(&format!("{answer}/code"), &[("code", &spaced)])
        .await;
    assert_eq!(status, 303, "back to the quote");
    let page = client.page(&doc).await;
    assert!(page.contains("Acceptation électronique"), "{page}");
    assert!(!page.contains("Accepter ou refuser ce devis"));

    let quote = s.document(&w.staff, w.dossier.id, id).unwrap();
    assert_eq!(quote.status, DocStatus::Accepted);
    let proof = quote.answer.clone().expect("the proof is kept");
    assert_eq!(proof.decision, Decision::Accept);
    assert_eq!(
        (proof.by, proof.name.as_str()),
        (w.client.id, "Hélène Garnier")
    );
    assert_eq!(proof.ip, "127.0.0.1");
    assert_eq!(proof.user_agent, USER_AGENT);
    assert_eq!(proof.code_sent_to, w.client.emails[0]);
    let pdf = site
        .test
        .app
        .store()
        .blobs()
        .read(&proof.pdf_sha256)
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "the PDF as answered is kept");
    assert_eq!(
        pdf,
        read.to_vec(),
        "the proof names the PDF the client read"
    );
    // The client's answer is theirs: staff cannot move its status.
    let staff_early = visitor(&site, &w.staff.emails[0]).await;
    let (status, page) = staff_early
        .post(&format!("{doc}/status"), &[("status", "refused")])
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Ce devis a reçu la réponse de son client"),
        "{page}"
    );
    assert_eq!(
        s.document(&w.staff, w.dossier.id, id).unwrap().status,
        DocStatus::Accepted
    );

    // The dossier hears of it, the history shows the proof, the PDF prints it.
    let said = site.test.messages(w.dossier.id).pop().unwrap();
    assert_eq!(said.author, w.client.id);
    assert!(
        said.text
            .starts_with(&format!("Devis {} accepté : bon pour accord", quote.number)),
        "{}",
        said.text
    );
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let history = staff
        .page(&format!(
            "{}/dossiers/{}/history",
            site.base, w.dossier.number
        ))
        .await;
    for words in [
        format!(
            "Accepté électroniquement : devis {} — « Hélène Garnier »",
            quote.number
        ),
        "code envoyé à helene@client.test · IP 127.0.0.1".into(),
        format!("PDF SHA-256 {}", proof.pdf_sha256),
        format!("Statut : devis {} : Envoyé → Accepté", quote.number),
    ] {
        assert!(
            history.contains(&words),
            "the history says «{words}»: {history}"
        );
    }
    if let Some(pdftotext) = crate::peers::program("pdftotext") {
        let printed = client
            .response(&format!("{doc}/pdf"))
            .await
            .bytes()
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("q.pdf"), &printed).unwrap();
        let out = std::process::Command::new(pdftotext)
            .arg(dir.path().join("q.pdf"))
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Acceptation électronique"), "{text}");
        assert!(text.contains("Devis accepté électroniquement"), "{text}");
    }

    // Answered once.
    let (status, page) = client
        .post(
            &answer,
            &[("decision", "refuse"), ("name", "X"), ("reason", "Non")],
        )
        .await;
    assert_eq!(status, 409);
    let quote_path = doc.replace(&site.base, "");
    assert!(
        page.contains(&format!("href=\"{quote_path}\">Retour au devis")),
        "the way out is the quote: {page}"
    );

    // The proof names a PDF: the quote no longer changes.
    let edit = staff.response(&format!("{doc}/edit")).await;
    assert_eq!(edit.status().as_u16(), 409);
    let refused = edit.text().await.unwrap();
    assert!(refused.contains("il ne se modifie plus"));
    assert!(
        refused.contains("/documents\">Retour au dossier"),
        "{refused}"
    );

    // Staff make the order in one click; it carries the quote's lines.
    let documents = staff
        .page(&format!(
            "{}/dossiers/{}/documents",
            site.base, w.dossier.number
        ))
        .await;
    assert!(documents.contains("Créer la commande"), "{documents}");
    let today = chrono::Utc::now().date_naive().to_string();
    let source = id.to_string();
    assert!(documents.contains(&format!("name=\"source\" value=\"{id}\"")));
    let (status, _) = staff
        .post(
            &format!("{}/dossiers/{}/documents", site.base, w.dossier.number),
            &[("kind", "order"), ("source", &source), ("date", &today)],
        )
        .await;
    assert_eq!(status, 303);
    let orders: Vec<_> = s
        .documents(&w.staff, w.dossier.id)
        .unwrap()
        .into_iter()
        .filter(|d| d.kind() == DocKind::Order && d.source == Some(id))
        .collect();
    assert_eq!(orders.len(), 1);
    assert!(orders.iter().all(|o| o.lines == quote.lines));
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn codes_run_out_expire_and_only_the_client_answers_a_sent_quote() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let mut draft = crate::helpers::quote_draft();
    draft.terms.valid_until = Some(chrono::Utc::now().date_naive() + chrono::Days::new(30));
    let unsent = s
        .create_document(&w.staff, w.dossier.id, DocKind::Quote, draft, None)
        .unwrap();
    let answer_to = |id: DocumentId| {
        format!(
            "{}/dossiers/{}/documents/{id}/answer",
            site.base, w.dossier.number
        )
    };
    let client = visitor(&site, &w.client.emails[0]).await;
    let accept = [
        ("decision", "accept"),
        ("name", "Hélène Garnier"),
        ("agree", "on"),
    ];
    // A draft was not sent: nothing to answer yet.
    let (status, page) = client.post(&answer_to(unsent.id), &accept).await;
    assert_eq!(status, 409, "{page}");
    let id = send_quote(&site).await;
    let answer = answer_to(id);
    for (who, expected) in [(&w.staff, 403), (&w.intervenant, 404), (&w.stranger, 404)] {
        let browser = visitor(&site, &who.emails[0]).await;
        let shown = browser.get(&answer).await.0;
        assert_eq!(shown, expected, "{} answers", who.name);
    }

    // Five wrong codes spend it: even the right one is refused after.
    let (status, _) = client.post(&answer, &accept).await;
    assert_eq!(status, 303);
    let code = code_in_queue(&site);
    let (status, page) = client.post(&answer, &accept).await;
    assert_eq!(status, 422, "no second code within the minute");
    assert!(page.contains("Un code vient de vous être envoyé"), "{page}");
    for left in (0..5).rev() {
        let (status, page) = client
            .post(&format!("{answer}/code"), &[("code", &other_than(&code))])
            .await;
        assert_eq!(status, 422);
        if left == 0 {
            assert!(page.contains("Ce code n'est plus valable"), "{page}");
        } else {
            assert!(
                page.contains(&format!("il vous reste {left} essai")),
                "{page}"
            );
        }
    }
    let (status, page) = client
        .post(&format!("{answer}/code"), &[("code", &code)])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Ce code n'est plus valable"));

    // A code older than a quarter of an hour is refused.
    let (status, _) = client.post(&answer, &accept).await;
    assert_eq!(status, 303);
    let code = code_in_queue(&site);
    let store = site.test.app.store();
    let mut pending = store.confirmation(w.client.id, id).unwrap().unwrap();
    pending.sent_at -= chrono::Duration::minutes(16);
    store.put_confirmation(&pending).unwrap();
    let (status, page) = client
        .post(&format!("{answer}/code"), &[("code", &code)])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Ce code n'est plus valable"), "{page}");
    assert_eq!(
        s.document(&w.staff, w.dossier.id, id).unwrap().status,
        DocStatus::Sent,
        "nothing was answered"
    );

    // A quote changed after the code was asked for is not answered with that code.
    let (status, _) = client.post(&answer, &accept).await;
    assert_eq!(status, 303);
    let code = code_in_queue(&site);
    let quote = s.document(&w.staff, w.dossier.id, id).unwrap();
    let mut lines = quote.lines.clone();
    lines[0].unit_price = dossier::domain::Cents(lines[0].unit_price.0 * 3);
    let changed = dossier::domain::DocumentDraft {
        title: quote.title.clone(),
        date: quote.date,
        status: quote.status,
        lines,
        terms: quote.terms.clone(),
    };
    s.edit_document(&w.staff, w.dossier.id, id, changed)
        .unwrap();
    let (status, page) = client
        .post(&format!("{answer}/code"), &[("code", &code)])
        .await;
    assert_eq!(status, 409);
    assert!(
        page.contains("a été modifié depuis votre demande de code"),
        "{page}"
    );
    assert_eq!(
        s.document(&w.staff, w.dossier.id, id).unwrap().status,
        DocStatus::Sent
    );
    store
        .put_confirmation(&{
            let mut p = store.confirmation(w.client.id, id).unwrap().unwrap();
            p.sent_at -= chrono::Duration::minutes(2);
            p
        })
        .unwrap();

    // Refusing asks for a reason, then the code, and keeps both.
    let (status, page) = client
        .post(
            &answer,
            &[("decision", "refuse"), ("name", "Hélène Garnier")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Dites en quelques mots pourquoi vous refusez ce devis."),
        "{page}"
    );
    let refuse = [
        ("decision", "refuse"),
        ("name", "Hélène Garnier"),
        ("reason", "Trop cher pour cette année."),
    ];
    let (status, page) = client.post(&answer, &refuse).await;
    assert_eq!(status, 303, "{page}");
    let code = code_in_queue(&site);
    let (status, _) = client
        .post(&format!("{answer}/code"), &[("code", &code)])
        .await;
    assert_eq!(status, 303);
    let quote = s.document(&w.staff, w.dossier.id, id).unwrap();
    assert_eq!(quote.status, DocStatus::Refused);
    assert_eq!(quote.answer.unwrap().reason, "Trop cher pour cette année.");
    let said = site.test.messages(w.dossier.id).pop().unwrap();
    assert!(said.text.ends_with("refusé."), "{}", said.text);
    assert!(
        !said.text.contains("Trop cher"),
        "the reason stays with the quote: intervenants read the discussion"
    );
    site.test.stop().await;
}
