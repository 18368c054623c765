//! Quotes, orders, invoices and credit notes through the web: the mentions a French
//! document must carry, the chain quote → order → deposit → final invoice → credit note,
//! invoices numbered without gap when issued and frozen from then on.

use dossier::domain::{Cents, DocKind, DocStatus, Document};

use super::post_form as post;
use super::*;

fn newest(site: &Site, kind: DocKind) -> Document {
    let w = &site.world;
    w.services()
        .documents(&w.staff, w.dossier.id)
        .unwrap()
        .into_iter()
        .filter(|d| d.kind() == kind)
        .max_by_key(|d| d.created_at)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chain_from_quote_to_credit_note_carries_its_mentions_and_numbers() {
    let site = site().await;
    let w = &site.world;
    let base = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;

    // A quote for building work, with three VAT rates.
    let (status, _) = post(
        &staff,
        &format!("{base}/documents"),
        &csrf,
        &[
            ("kind", "quote"),
            ("title", "Rénovation salle de bains"),
            ("date", "2026-03-02"),
            ("building_work", "on"),
            ("description_0", "Carrelage"),
            ("quantity_0", "10"),
            ("unit_0", "m²"),
            ("price_0", "45"),
            ("vat_0", "10"),
            ("description_1", "Isolation"),
            ("quantity_1", "1"),
            ("price_1", "800"),
            ("vat_1", "5,5"),
            ("description_2", "Meuble vasque"),
            ("quantity_2", "1"),
            ("price_2", "300"),
            ("vat_2", "20"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let quote = newest(&site, DocKind::Quote);
    assert_eq!(quote.totals().before_tax, Cents(155_000));
    assert!(
        quote.terms.valid_until.is_some(),
        "a quote is valid for a time"
    );
    let page = text_of(&staff, &format!("{base}/documents/{}", quote.id)).await;
    for words in [
        "Atelier Moreau SARL",
        "SIREN 130 005 481",
        "SCI Les Tilleuls",
        "Devis reçu avant l'exécution des travaux.",
        "Devis valable jusqu'au",
        "Bon pour accord",
        "TVA 5,5 % sur",
    ] {
        assert!(page.contains(words), "the quote says «{words}»");
    }

    // Accepted; an order from it copies its lines.
    post(
        &staff,
        &format!("{base}/documents/{}/status", quote.id),
        &csrf,
        &[("status", "accepted")],
    )
    .await;
    let from = quote.id.raw().to_string();
    let (status, _) = post(
        &staff,
        &format!("{base}/documents"),
        &csrf,
        &[
            ("kind", "order"),
            ("source", &from),
            ("title", ""),
            ("date", "2026-03-05"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let order = newest(&site, DocKind::Order);
    assert_eq!(
        order.totals(),
        quote.totals(),
        "the order has the quote's lines"
    );

    // A deposit of 30 %: one line per VAT rate, each 30 % of its base.
    let (status, _) = post(
        &staff,
        &format!("{base}/documents/{}/deposit", order.id),
        &csrf,
        &[("share", "30 %")],
    )
    .await;
    assert_eq!(status, 303);
    let deposit = newest(&site, DocKind::Invoice);
    assert_eq!(deposit.lines.len(), 3);
    assert_eq!(deposit.totals().before_tax, Cents(46_500));
    assert!(!deposit.numbered(), "a draft invoice has no number yet");
    let (status, page) = post(
        &staff,
        &format!("{base}/documents/{}/deposit", order.id),
        &csrf,
        &[("share", "beaucoup")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("ni un pourcentage"),
        "a share that reads as nothing is said"
    );

    // Issued: numbered, dated today, due in the business's terms, and frozen.
    let (status, _) = post(
        &staff,
        &format!("{base}/documents/{}/status", deposit.id),
        &csrf,
        &[("status", "sent")],
    )
    .await;
    assert_eq!(status, 303);
    let deposit = w
        .services()
        .document(&w.staff, w.dossier.id, deposit.id)
        .unwrap();
    let first = deposit.number.seq;
    assert!(first > 0 && deposit.frozen());
    assert_eq!(deposit.date, chrono::Utc::now().date_naive());
    assert!(deposit.terms.due.is_some());
    let edit = staff
        .get(format!("{base}/documents/{}/edit", deposit.id))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), 409, "an issued invoice has no edit form");
    let (status, page) = post(
        &staff,
        &format!("{base}/documents/{}/edit", deposit.id),
        &csrf,
        &[
            ("title", "Autre"),
            ("date", "2026-03-05"),
            ("description_0", "x"),
            ("quantity_0", "1"),
            ("price_0", "1"),
            ("vat_0", "20"),
        ],
    )
    .await;
    assert_eq!(status, 409);
    assert!(page.contains("corrigez-le par un avoir"));
    let page = text_of(&staff, &format!("{base}/documents/{}", deposit.id)).await;
    assert!(page.contains("Facture d'acompte F-"), "{page}");
    assert!(
        page.contains("Indemnité forfaitaire pour frais de recouvrement"),
        "a company client is told of the 40 €"
    );
    assert!(page.contains("IBAN FR7630006000011234567890189"));

    // The final invoice: the order's lines, the deposit deducted per rate.
    let (status, _) = post(
        &staff,
        &format!("{base}/documents/{}/final", order.id),
        &csrf,
        &[],
    )
    .await;
    assert_eq!(status, 303);
    let final_invoice = newest(&site, DocKind::Invoice);
    assert_eq!(final_invoice.deducts, [deposit.id]);
    assert_eq!(
        final_invoice.totals().total.0,
        order.totals().total.0 - deposit.totals().total.0,
        "what is left to pay"
    );
    post(
        &staff,
        &format!("{base}/documents/{}/status", final_invoice.id),
        &csrf,
        &[("status", "sent")],
    )
    .await;
    let final_invoice = w
        .services()
        .document(&w.staff, w.dossier.id, final_invoice.id)
        .unwrap();
    assert_eq!(
        final_invoice.number.seq,
        first + 1,
        "the next number, no gap"
    );

    // A credit note corrects the issued final invoice.
    let from = final_invoice.id.raw().to_string();
    let new_credit = text_of(
        &staff,
        &format!("{base}/documents/new?kind=credit_note&from={from}"),
    )
    .await;
    assert!(new_credit.contains("Nouvel avoir"));
    let (status, _) = post(
        &staff,
        &format!("{base}/documents"),
        &csrf,
        &[
            ("kind", "credit_note"),
            ("source", &from),
            ("title", ""),
            ("date", "2026-03-20"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let credit = newest(&site, DocKind::CreditNote);
    assert_eq!(
        credit.title,
        format!("Avoir sur la facture {}", final_invoice.number)
    );
    post(
        &staff,
        &format!("{base}/documents/{}/status", credit.id),
        &csrf,
        &[("status", "sent")],
    )
    .await;
    let page = text_of(&staff, &format!("{base}/documents/{}", credit.id)).await;
    assert!(
        page.contains("Avoir A-") && page.contains("Avoir sur la facture F-"),
        "{page}"
    );
    let header = text_of(&staff, &base).await;
    assert!(header.contains("Facturé"), "the money summary");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_is_issued_only_with_the_sellers_identity_and_reverse_charge_has_no_vat() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let base = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;
    let (status, page) = post(
        &staff,
        &format!("{base}/documents"),
        &csrf,
        &[
            ("kind", "invoice"),
            ("title", "Sous-traitance"),
            ("date", "2026-03-02"),
            ("reverse_charge", "on"),
            ("description_0", "Pose"),
            ("quantity_0", "1"),
            ("price_0", "1000"),
            ("vat_0", "20"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("En autoliquidation"),
        "reverse charge refuses VAT"
    );
    assert!(page.contains("Sous-traitance"), "what was typed is kept");
    let (status, _) = post(
        &staff,
        &format!("{base}/documents"),
        &csrf,
        &[
            ("kind", "invoice"),
            ("title", "Sous-traitance"),
            ("date", "2026-03-02"),
            ("reverse_charge", "on"),
            ("description_0", "Pose"),
            ("quantity_0", "1"),
            ("price_0", "1000"),
            ("vat_0", "0"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let invoice = newest(&site, DocKind::Invoice);
    let page = text_of(&staff, &format!("{base}/documents/{}", invoice.id)).await;
    assert!(page.contains("Autoliquidation") && page.contains("283-2 nonies"));
    assert!(page.contains("Facture (brouillon)"));

    // Without the seller's legal identity, the invoice stays a draft.
    s.set_business_profile(
        &dossier::service::Operator::command_line(),
        Default::default(),
    )
    .unwrap();
    let (status, page) = post(
        &staff,
        &format!("{base}/documents/{}/status", invoice.id),
        &csrf,
        &[("status", "sent")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("Complétez d'abord la fiche de l'entreprise"));
    let still = s.document(&w.staff, w.dossier.id, invoice.id).unwrap();
    assert!(!still.frozen() && still.status == DocStatus::Draft && !still.numbered());
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_document_has_a_pdf_archived_as_pdf_a3_that_says_what_its_page_says() {
    let site = site().await;
    let w = &site.world;
    let url = format!(
        "{}/dossiers/{}/documents/{}/pdf",
        site.base, w.dossier.number, w.quote.id
    );
    let (intervenant, _) = signed_in(&site, &w.intervenant.emails[0]).await;
    assert_eq!(intervenant.get(&url).send().await.unwrap().status(), 404);
    let (client, _) = signed_in(&site, &w.client.emails[0]).await;
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("{}.pdf", w.quote.number))
    );
    let pdf = response.bytes().await.unwrap().to_vec();
    assert!(pdf.starts_with(b"%PDF-1.7"), "a PDF");
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("<pdfaid:part>3</pdfaid:part>")
            && raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "it says it is PDF/A-3b"
    );
    assert!(raw.contains("/FontFile2"), "its font is embedded");
    let Some(pdftotext) = crate::peers::program("pdftotext") else {
        return site.test.stop().await;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("quote.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new(pdftotext)
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for words in [
        &format!("Devis {}", w.quote.number) as &str,
        "Atelier Moreau SARL",
        "SIREN 130 005 481",
        "SCI Les Tilleuls",
        "Main d'œuvre",
        "Total TTC",
        "120,00 €",
        "Bon pour accord",
    ] {
        assert!(text.contains(words), "the PDF says «{words}»: {text}");
    }
    site.test.stop().await;
}

/// The Python factur-x library in the virtual environment `.ci/run` makes.
pub fn facturx_python() -> Option<std::path::PathBuf> {
    let python =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/facturx-venv/bin/python");
    if python.is_file() {
        Some(python)
    } else {
        crate::peers::unavailable(
            "the Python factur-x library is not installed in target/facturx-venv (.ci/run installs it)",
        );
        None
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn issued_invoices_and_credit_notes_are_factur_x_that_the_reference_library_accepts() {
    use dossier::domain::{DocumentDraft, Line, Quantity, Share, Terms, VatRate};
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let d = w.dossier.id;
    let issue = |doc: &Document| s.issue_document(&w.staff, d, doc.id).unwrap();
    let line = |description: &str, cents: i64, rate: u32| Line {
        description: description.into(),
        quantity: Quantity(1000),
        unit: "forfait".into(),
        unit_price: Cents(cents),
        vat_rate: VatRate(rate),
    };
    let draft = |title: &str, lines: Vec<Line>, terms: Terms| DocumentDraft {
        title: title.into(),
        date: crate::helpers::date(2026, 3, 2),
        status: DocStatus::Sent,
        lines,
        terms,
    };
    // Three VAT rates.
    let three = s
        .create_document(
            &w.staff,
            d,
            DocKind::Invoice,
            draft(
                "Trois taux",
                vec![
                    line("Pose", 100_000, 2000),
                    line("Isolation", 50_000, 550),
                    line("Carrelage", 33_333, 1000),
                ],
                Terms::default(),
            ),
            None,
        )
        .unwrap();
    // A deposit of 40 % of the world's order, and its final invoice.
    let deposit = issue(
        &s.create_deposit(&w.staff, d, w.order.id, Share::Percent(4000))
            .unwrap(),
    );
    let last = issue(&s.create_final(&w.staff, d, w.order.id).unwrap());
    // A credit note on the invoice with three rates.
    let credit = s
        .create_document(
            &w.staff,
            d,
            DocKind::CreditNote,
            draft(
                "",
                vec![line("Pose non faite", 100_000, 2000)],
                Terms::default(),
            ),
            Some(three.id),
        )
        .unwrap();
    // Reverse charge: refused until the client's VAT number is known (BR-AE-02).
    let reverse_draft = || {
        draft(
            "Sous-traitance",
            vec![line("Électricité", 200_000, 0)],
            Terms {
                reverse_charge: true,
                ..Terms::default()
            },
        )
    };
    let refused = s.create_document(&w.staff, d, DocKind::Invoice, reverse_draft(), None);
    assert!(
        matches!(&refused, Err(dossier::Error::Invalid(r)) if r.field() == Some("reverse_charge")),
        "{refused:?}"
    );
    let drafts = s.documents(&w.staff, d).unwrap();
    assert!(
        !drafts.iter().any(|doc| doc.title == "Sous-traitance"),
        "nothing is written before it is allowed"
    );
    let client = s.store().client(w.dossier.client).unwrap().unwrap();
    let billing = dossier::domain::Billing {
        siren: "130005481".into(),
        vat_number: "FR19130005481".into(),
        ..client.billing
    };
    s.set_billing(
        &dossier::service::Operator::command_line(),
        client.id,
        billing,
    )
    .unwrap();
    let reverse = s
        .create_document(
            &w.staff,
            d,
            DocKind::Invoice,
            draft(
                "Sous-traitance",
                vec![line("Électricité", 200_000, 0)],
                Terms {
                    reverse_charge: true,
                    ..Terms::default()
                },
            ),
            None,
        )
        .unwrap();
    // A micro-entreprise without VAT.
    let micro = dossier::domain::BusinessProfile {
        vat_number: String::new(),
        vat_exempt: true,
        ..crate::helpers::business_profile()
    };
    s.set_business_profile(&dossier::service::Operator::command_line(), micro)
        .unwrap();
    let exempt = s
        .create_document(
            &w.staff,
            d,
            DocKind::Invoice,
            draft(
                "Franchise",
                vec![line("Conseil", 30_000, 0)],
                Terms::default(),
            ),
            None,
        )
        .unwrap();

    let (client, _) = signed_in(&site, &w.client.emails[0]).await;
    let (intervenant, _) = signed_in(&site, &w.intervenant.emails[0]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for doc in [&three, &deposit, &last, &credit, &reverse, &exempt] {
        assert!(doc.frozen(), "{} issued", doc.title);
        let at = format!(
            "{}/dossiers/{}/documents/{}",
            site.base, w.dossier.number, doc.id
        );
        assert_eq!(
            intervenant
                .get(format!("{at}/xml"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let xml = client.get(format!("{at}/xml")).send().await.unwrap();
        assert_eq!(xml.status(), 200, "{}", doc.title);
        let xml = xml.bytes().await.unwrap();
        let pdf = client
            .get(format!("{at}/pdf"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let (pdf_path, xml_path) = (
            dir.path().join(format!("{}.pdf", doc.id)),
            dir.path().join(format!("{}.xml", doc.id)),
        );
        std::fs::write(&pdf_path, &pdf).unwrap();
        std::fs::write(&xml_path, &xml).unwrap();
        files.push(pdf_path);
        files.push(xml_path);
    }
    let text = |doc: &Document| {
        let at = format!(
            "{}/dossiers/{}/documents/{}/xml",
            site.base, w.dossier.number, doc.id
        );
        let client = client.clone();
        async move { text_of(&client, &at).await }
    };
    assert!(
        text(&deposit)
            .await
            .contains("<ram:TypeCode>386</ram:TypeCode>"),
        "a deposit is a prepayment invoice"
    );
    assert!(
        text(&credit)
            .await
            .contains("<ram:TypeCode>381</ram:TypeCode>")
    );
    assert!(text(&credit).await.contains(&format!(
        "<ram:IssuerAssignedID>{}</ram:IssuerAssignedID>",
        three.number
    )));
    assert!(
        text(&reverse)
            .await
            .contains("<ram:CategoryCode>AE</ram:CategoryCode>")
    );
    assert!(
        text(&exempt)
            .await
            .contains("<ram:CategoryCode>E</ram:CategoryCode>")
    );
    assert!(
        text(&last)
            .await
            .contains("<ram:BilledQuantity unitCode=\"C62\">-1.000</ram:BilledQuantity>"),
        "a deduction is a negative quantity"
    );
    let quote = format!(
        "{}/dossiers/{}/documents/{}/xml",
        site.base, w.dossier.number, w.quote.id
    );
    assert_eq!(
        client.get(quote).send().await.unwrap().status(),
        404,
        "a quote has no invoice XML"
    );

    let Some(python) = facturx_python() else {
        return site.test.stop().await;
    };
    let out = std::process::Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/facturx/check.py"
        ))
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "factur-x refuses: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 6);
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chain_refuses_what_an_accountant_would() {
    use dossier::domain::{DocumentDraft, Share};
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let d = w.dossier.id;
    let base = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;
    // A credit note comes from an issued invoice.
    let (status, page) = post(
        &staff,
        &format!("{base}/documents"),
        &csrf,
        &[
            ("kind", "credit_note"),
            ("title", "Avoir"),
            ("date", "2026-03-02"),
            ("description_0", "x"),
            ("quantity_0", "1"),
            ("price_0", "10"),
            ("vat_0", "20"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("faites-le depuis cette facture"));
    // Deposits stay within the order's total.
    s.create_deposit(&w.staff, d, w.order.id, Share::Percent(6000))
        .unwrap();
    let (status, page) = post(
        &staff,
        &format!("{base}/documents/{}/deposit", w.order.id),
        &csrf,
        &[("share", "60 %")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("dépasserait le total HT"));
    // One final invoice per order.
    let last = s.create_final(&w.staff, d, w.order.id).unwrap();
    let (status, page) = post(
        &staff,
        &format!("{base}/documents/{}/final", w.order.id),
        &csrf,
        &[],
    )
    .await;
    assert_eq!(status, 422, "a second final invoice");
    assert!(page.contains("déjà sa facture"));
    // Credit notes take back at most their invoice.
    let issue = |doc: &Document| s.issue_document(&w.staff, d, doc.id);
    let last = issue(&last).unwrap();
    let whole = s
        .create_document(
            &w.staff,
            d,
            DocKind::CreditNote,
            DocumentDraft {
                title: String::new(),
                date: last.date,
                status: DocStatus::Draft,
                lines: Vec::new(),
                terms: Default::default(),
            },
            Some(last.id),
        )
        .unwrap();
    issue(&whole).unwrap();
    let again = s
        .create_document(
            &w.staff,
            d,
            DocKind::CreditNote,
            DocumentDraft {
                title: String::new(),
                date: last.date,
                status: DocStatus::Draft,
                lines: Vec::new(),
                terms: Default::default(),
            },
            Some(last.id),
        )
        .unwrap();
    let refused = issue(&again).unwrap_err();
    assert!(refused.to_string().contains("cannot exceed"), "{refused}");
    // A credit note says what it pays back, not what lateness costs.
    let page = text_of(&staff, &format!("{base}/documents/{}", whole.id)).await;
    assert!(page.contains("Total de l'avoir TTC") && !page.contains("Indemnité forfaitaire"));
    // A description the font cannot draw still makes a PDF.
    let odd = s
        .create_document(
            &w.staff,
            d,
            DocKind::Quote,
            DocumentDraft {
                title: "Émoji 🏠 et 漢字".into(),
                date: last.date,
                status: DocStatus::Draft,
                lines: vec![dossier::domain::Line {
                    description: "Pose 🔧\tavec tabulation ".repeat(80),
                    ..crate::helpers::quote_draft().lines[0].clone()
                }],
                terms: Default::default(),
            },
            None,
        )
        .unwrap();
    let pdf = staff
        .get(format!("{base}/documents/{}/pdf", odd.id))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_money_at_a_glance_follows_every_document_and_expense() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let d = w.dossier.id;
    let page = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let (staff, _) = signed_in(&site, &w.staff.emails[0]).await;
    let (client, _) = signed_in(&site, &w.client.emails[0]).await;
    let figure = |html: &str, label: &str| {
        let at = html.find(&format!("<dt>{label}</dt><dd>")).expect(label) + label.len() + 13;
        html[at..].split("</dd>").next().unwrap().to_string()
    };
    let before = text_of(&staff, &page).await;
    let theirs = figure(&text_of(&client, &page).await, "Dépenses HT");
    assert_eq!(figure(&before, "Facturé"), "0,00\u{a0}€");
    let expenses = figure(&before, "Dépenses HT");
    assert_eq!(
        figure(&text_of(&staff, &page).await, "Dépenses HT"),
        expenses,
        "shown again, the same"
    );
    let mut invoice = crate::helpers::quote_draft();
    invoice.status = DocStatus::Sent;
    s.create_document(&w.staff, d, DocKind::Invoice, invoice, None)
        .unwrap();
    let after = text_of(&staff, &page).await;
    assert_eq!(
        figure(&after, "Facturé"),
        "120,00\u{a0}€",
        "an issued invoice counts at once"
    );
    s.add_expense(&w.staff, d, crate::helpers::expense_draft(false), None)
        .unwrap();
    let after = text_of(&staff, &page).await;
    assert_ne!(
        figure(&after, "Dépenses HT"),
        expenses,
        "a new expense counts at once"
    );
    // An expense not billed to the client is staff's: the client's figure is their own.
    assert_eq!(
        figure(&text_of(&client, &page).await, "Dépenses HT"),
        theirs
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sales_journal_lists_each_issued_document_per_vat_rate_for_staff_only() {
    use dossier::domain::{DocumentDraft, Line, Quantity, Terms, VatRate};
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let d = w.dossier.id;
    let line = |description: &str, cents: i64, rate: u32| Line {
        description: description.into(),
        quantity: Quantity(1000),
        unit: "forfait".into(),
        unit_price: Cents(cents),
        vat_rate: VatRate(rate),
    };
    let draft = |title: &str, lines: Vec<Line>| DocumentDraft {
        title: title.into(),
        date: chrono::Utc::now().date_naive(),
        status: DocStatus::Sent,
        lines,
        terms: Terms::default(),
    };
    let invoice = s
        .create_document(
            &w.staff,
            d,
            DocKind::Invoice,
            draft(
                "Travaux; lot 1",
                vec![line("Pose", 100_000, 1000), line("Meuble", 50_000, 2000)],
            ),
            None,
        )
        .unwrap();
    let credit = s
        .create_document(
            &w.staff,
            d,
            DocKind::CreditNote,
            draft("", vec![line("Geste", 10_000, 2000)]),
            Some(invoice.id),
        )
        .unwrap();
    // A draft is not in the journal.
    let mut unissued = draft("Brouillon", vec![line("x", 1_000, 2000)]);
    unissued.status = DocStatus::Draft;
    s.create_document(&w.staff, d, DocKind::Invoice, unissued, None)
        .unwrap();

    let (staff, _) = signed_in(&site, &w.staff.emails[0]).await;
    let url = format!("{}/admin/journal.csv", site.base);
    let response = staff.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("Date;Pièce;Type;Dossier;Client"),
        "{}",
        lines[0]
    );
    let (inv, cred) = (invoice.number.to_string(), credit.number.to_string());
    let rows = |number: &str| lines.iter().filter(|l| l.contains(number)).count();
    assert_eq!((rows(&inv), rows(&cred), lines.len()), (2, 1, 4), "{csv}");
    assert!(csv.contains(&format!(";{inv};Facture;")), "{csv}");
    assert!(
        csv.contains(";10;1000,00;100,00;1100,00;"),
        "a line per rate: {csv}"
    );
    assert!(
        csv.contains(&format!(";{cred};Avoir;")) && csv.contains(";20;-100,00;-20,00;-120,00;"),
        "{csv}"
    );
    assert!(!csv.contains("Brouillon"));

    let (client, _) = signed_in(&site, &w.client.emails[0]).await;
    assert_eq!(client.get(&url).send().await.unwrap().status(), 404);
    let bad = staff.get(format!("{url}?from=hier")).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    site.test.stop().await;
}
