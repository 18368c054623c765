//! A document's files: its PDF (PDF/A-3, saying what its page says) and, for issued
//! invoices and credit notes, Factur-X that the reference library accepts, with the bare
//! CII and UBL XML; who may download which.

use dossier::domain::{Cents, DocKind, DocStatus, Document};

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn every_document_has_a_pdf_archived_as_pdf_a3_that_says_what_its_page_says() {
    let site = site().await;
    let w = &site.world;
    let url = format!(
        "{}/dossiers/{}/documents/{}/pdf",
        site.base, w.dossier.number, w.quote.id
    );
    let intervenant = visitor(&site, &w.intervenant.emails[0]).await;
    assert_eq!(intervenant.get(&url).await.0, 404);
    let client = visitor(&site, &w.client.emails[0]).await;
    let response = client.response(&url).await;
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

    let client = visitor(&site, &w.client.emails[0]).await;
    let intervenant = visitor(&site, &w.intervenant.emails[0]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for doc in [&three, &deposit, &last, &credit, &reverse, &exempt] {
        assert!(doc.frozen(), "{} issued", doc.title);
        let at = format!(
            "{}/dossiers/{}/documents/{}",
            site.base, w.dossier.number, doc.id
        );
        assert_eq!(intervenant.get(&format!("{at}/xml")).await.0, 404);
        let xml = client.response(&format!("{at}/xml")).await;
        assert_eq!(xml.status(), 200, "{}", doc.title);
        let xml = xml.bytes().await.unwrap();
        let pdf = client
            .response(&format!("{at}/pdf"))
            .await
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
        async move { client.page(&at).await }
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
        client.get(&quote).await.0,
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
