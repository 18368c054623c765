//! Money for staff: the amounts at a glance in the dossier's header, following every
//! document and expense, and the sales journal per VAT rate.

use dossier::domain::{Cents, DocKind, DocStatus};

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_money_at_a_glance_follows_every_document_and_expense() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let d = w.dossier.id;
    let page = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let client = visitor(&site, &w.client.emails[0]).await;
    let figure = |html: &str, label: &str| {
        let at = html.find(&format!("<dt>{label}</dt><dd>")).expect(label) + label.len() + 13;
        html[at..].split("</dd>").next().unwrap().to_string()
    };
    let before = staff.page(&page).await;
    let theirs = figure(&client.page(&page).await, "Dépenses HT");
    assert_eq!(figure(&before, "Facturé"), "0,00\u{a0}€");
    let expenses = figure(&before, "Dépenses HT");
    assert_eq!(
        figure(&staff.page(&page).await, "Dépenses HT"),
        expenses,
        "shown again, the same"
    );
    let mut invoice = crate::helpers::quote_draft();
    invoice.status = DocStatus::Sent;
    s.create_document(&w.staff, d, DocKind::Invoice, invoice, None)
        .unwrap();
    let after = staff.page(&page).await;
    assert_eq!(
        figure(&after, "Facturé"),
        "120,00\u{a0}€",
        "an issued invoice counts at once"
    );
    s.add_expense(&w.staff, d, crate::helpers::expense_draft(false), None)
        .unwrap();
    let after = staff.page(&page).await;
    assert_ne!(
        figure(&after, "Dépenses HT"),
        expenses,
        "a new expense counts at once"
    );
    // An expense not billed to the client is staff's: the client's figure is their own.
    assert_eq!(figure(&client.page(&page).await, "Dépenses HT"), theirs);
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

    let staff = visitor(&site, &w.staff.emails[0]).await;
    let url = format!("{}/admin/journal.csv", site.base);
    let response = staff.response(&url).await;
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

    // The archive: the same journal, and each document's Factur-X PDF.
    let archive = format!("{}/admin/journal.zip", site.base);
    let response = staff.response(&archive).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(names.len(), 3, "the journal and two documents: {names:?}");
    assert!(
        names[0].starts_with("factures/") && names[2].ends_with(".csv"),
        "{names:?}"
    );
    for number in [&inv, &cred] {
        let name = format!("factures/{number}.pdf");
        let mut pdf = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(&name).unwrap(), &mut pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{name}");
        let xml = pdf.windows(12).any(|w| w == b"factur-x.xml");
        assert!(xml, "{name} carries its Factur-X XML");
    }
    let mut in_archive = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&names[2]).unwrap(), &mut in_archive).unwrap();
    assert_eq!(in_archive, csv, "the journal as the CSV download gives it");

    let client = visitor(&site, &w.client.emails[0]).await;
    assert_eq!(client.get(&url).await.0, 404);
    assert_eq!(client.get(&archive).await.0, 404);
    let bad = staff.response(&format!("{url}?from=hier")).await;
    assert_eq!(bad.status(), 422);
    assert_eq!(staff.get(&format!("{archive}?to=demain")).await.0, 422);
    site.test.stop().await;
}
