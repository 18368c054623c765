//! Quotes, orders, invoices and credit notes through the web: the mentions a French
//! document must carry, the chain quote → order → deposit → final invoice → credit note,
//! invoices numbered without gap when issued and frozen from then on.

use dossier::domain::{Cents, DocKind, DocStatus, Document};

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
    let staff = visitor(&site, &w.staff.emails[0]).await;

    // A quote for building work, with three VAT rates.
    let (status, _) = staff
        .post(
            &format!("{base}/documents"),
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
    let page = staff.page(&format!("{base}/documents/{}", quote.id)).await;
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
    staff
        .post(
            &format!("{base}/documents/{}/status", quote.id),
            &[("status", "accepted")],
        )
        .await;
    let from = quote.id.raw().to_string();
    let (status, _) = staff
        .post(
            &format!("{base}/documents"),
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
    let (status, _) = staff
        .post(
            &format!("{base}/documents/{}/deposit", order.id),
            &[("share", "30 %")],
        )
        .await;
    assert_eq!(status, 303);
    let deposit = newest(&site, DocKind::Invoice);
    assert_eq!(deposit.lines.len(), 3);
    assert_eq!(deposit.totals().before_tax, Cents(46_500));
    assert!(!deposit.numbered(), "a draft invoice has no number yet");
    let (status, page) = staff
        .post(
            &format!("{base}/documents/{}/deposit", order.id),
            &[("share", "beaucoup")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("ni un pourcentage"),
        "a share that reads as nothing is said"
    );

    // Issued: numbered, dated today, due in the business's terms, and frozen.
    let (status, _) = staff
        .post(
            &format!("{base}/documents/{}/status", deposit.id),
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
        .response(&format!("{base}/documents/{}/edit", deposit.id))
        .await;
    assert_eq!(edit.status(), 409, "an issued invoice has no edit form");
    let (status, page) = staff
        .post(
            &format!("{base}/documents/{}/edit", deposit.id),
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
    let page = staff
        .page(&format!("{base}/documents/{}", deposit.id))
        .await;
    assert!(page.contains("Facture d'acompte F-"), "{page}");
    assert!(
        page.contains("Indemnité forfaitaire pour frais de recouvrement"),
        "a company client is told of the 40 €"
    );
    assert!(page.contains("IBAN FR7630006000011234567890189"));

    // The final invoice: the order's lines, the deposit deducted per rate.
    let (status, _) = staff
        .post(&format!("{base}/documents/{}/final", order.id), &[])
        .await;
    assert_eq!(status, 303);
    let final_invoice = newest(&site, DocKind::Invoice);
    assert_eq!(final_invoice.deducts, [deposit.id]);
    assert_eq!(
        final_invoice.totals().total.0,
        order.totals().total.0 - deposit.totals().total.0,
        "what is left to pay"
    );
    staff
        .post(
            &format!("{base}/documents/{}/status", final_invoice.id),
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
    let new_credit = staff
        .page(&format!(
            "{base}/documents/new?kind=credit_note&from={from}"
        ))
        .await;
    assert!(new_credit.contains("Nouvel avoir"));
    let (status, _) = staff
        .post(
            &format!("{base}/documents"),
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
    staff
        .post(
            &format!("{base}/documents/{}/status", credit.id),
            &[("status", "sent")],
        )
        .await;
    let page = staff.page(&format!("{base}/documents/{}", credit.id)).await;
    assert!(
        page.contains("Avoir A-") && page.contains("Avoir sur la facture F-"),
        "{page}"
    );
    let header = staff.page(&base).await;
    assert!(header.contains("Facturé"), "the money summary");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_is_issued_only_with_the_sellers_identity_and_reverse_charge_has_no_vat() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let base = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let subcontracted = |vat| {
        [
            ("kind", "invoice"),
            ("title", "Sous-traitance"),
            ("date", "2026-03-02"),
            ("reverse_charge", "on"),
            ("description_0", "Pose"),
            ("quantity_0", "1"),
            ("price_0", "1000"),
            ("vat_0", vat),
        ]
    };
    let documents = format!("{base}/documents");
    let (status, page) = staff.post(&documents, &subcontracted("20")).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("En autoliquidation"),
        "reverse charge refuses VAT"
    );
    assert!(page.contains("Sous-traitance"), "what was typed is kept");
    let (status, _) = staff.post(&documents, &subcontracted("0")).await;
    assert_eq!(status, 303);
    let invoice = newest(&site, DocKind::Invoice);
    let page = staff
        .page(&format!("{base}/documents/{}", invoice.id))
        .await;
    assert!(page.contains("Autoliquidation") && page.contains("283-2 nonies"));
    assert!(page.contains("Facture (brouillon)"));

    // Without the seller's legal identity, the invoice stays a draft.
    s.set_business_profile(
        &dossier::service::Operator::command_line(),
        Default::default(),
    )
    .unwrap();
    let (status, page) = staff
        .post(
            &format!("{base}/documents/{}/status", invoice.id),
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
async fn the_chain_refuses_what_an_accountant_would() {
    use dossier::domain::{DocumentDraft, Share};
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let d = w.dossier.id;
    let base = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let staff = visitor(&site, &w.staff.emails[0]).await;
    // A credit note comes from an issued invoice.
    let (status, page) = staff
        .post(
            &format!("{base}/documents"),
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
    let (status, page) = staff
        .post(
            &format!("{base}/documents/{}/deposit", w.order.id),
            &[("share", "60 %")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("dépasserait le total HT"));
    // One final invoice per order.
    let last = s.create_final(&w.staff, d, w.order.id).unwrap();
    let (status, page) = staff
        .post(&format!("{base}/documents/{}/final", w.order.id), &[])
        .await;
    assert_eq!(status, 422, "a second final invoice");
    assert!(page.contains("déjà sa facture"));
    // Credit notes take back at most their invoice.
    let issue = |doc: &Document| s.issue_document(&w.staff, d, doc.id);
    let last = issue(&last).unwrap();
    // Made from the invoice, a credit note takes back all of it.
    let credit_note = || {
        let draft = DocumentDraft {
            title: String::new(),
            date: last.date,
            status: DocStatus::Draft,
            lines: Vec::new(),
            terms: Default::default(),
        };
        s.create_document(&w.staff, d, DocKind::CreditNote, draft, Some(last.id))
            .unwrap()
    };
    let whole = credit_note();
    issue(&whole).unwrap();
    let refused = issue(&credit_note()).unwrap_err();
    assert!(refused.to_string().contains("cannot exceed"), "{refused}");
    // A credit note says what it pays back, not what lateness costs.
    let page = staff.page(&format!("{base}/documents/{}", whole.id)).await;
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
        .response(&format!("{base}/documents/{}/pdf", odd.id))
        .await;
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    site.test.stop().await;
}
