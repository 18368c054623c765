//! The forms of a dossier's items: adding and changing events, intervenants, files,
//! time entries, documents and expenses, the agenda they make, and mistakes shown again
//! with their sentence.

use chrono::TimeZone;
use dossier::domain::EventTime;

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn staff_forms_add_and_change_every_kind_of_item_and_others_are_refused() {
    let site = site().await;
    let (s, w) = (site.world.services(), &site.world);
    let d = w.dossier.id;
    let at = |path: &str| format!("/dossiers/{}/{path}", w.dossier.number);
    let staff = visitor(&site, &w.staff.emails[0]).await;
    assert!(
        staff.page(&at("events")).await.contains("Nouvel événement")
            && staff
                .page(&at("intervenants"))
                .await
                .contains("Ajouter un intervenant")
            && staff.page(&at("documents")).await.contains("Nouveau devis"),
        "staff see the forms"
    );
    let meeting = [
        ("title", "Réunion"),
        ("start", "2026-04-02"),
        ("start_time", "09:30"),
        ("end", "2026-04-02"),
        ("end_time", "10:30"),
        ("place", "Bureau"),
    ];
    assert_eq!(staff.posted(&at("events"), &meeting).await, 303);
    let events = s.events(&w.staff, d).unwrap();
    let event = events.iter().find(|e| e.title == "Réunion").unwrap();
    let paris = |h| chrono::Utc.with_ymd_and_hms(2026, 4, 2, h, 30, 0).unwrap();
    let stored = EventTime::Timed {
        start: paris(7),
        end: paris(8),
    };
    assert_eq!(
        format!("{:?}", event.time),
        format!("{stored:?}"),
        "Paris time stored as UTC"
    );
    let cancel = at(&format!("events/{}/cancel", event.id));
    assert_eq!(staff.posted(&cancel, &[]).await, 303);
    let plumber = [("email", "leo@plomb.test"), ("role", "Plombier")];
    assert_eq!(staff.posted(&at("intervenants"), &plumber).await, 303);
    let remove = at(&format!("intervenants/{}/remove", w.spare_intervenant.id));
    assert_eq!(staff.posted(&remove, &[]).await, 303);
    let rename = at(&format!("files/{}/rename", w.file.id));
    assert_eq!(
        staff.posted(&rename, &[("name", "plan-final.pdf")]).await,
        303
    );
    let delete = at(&format!("files/{}/delete", w.doomed_file.id));
    assert_eq!(staff.posted(&delete, &[]).await, 303);
    let order = w.order.id.raw().to_string();
    let time = [
        ("date", "2026-03-05"),
        ("hours", "1,5"),
        ("description", "Métré"),
        ("order", &order),
    ];
    assert_eq!(staff.posted(&at("activities"), &time).await, 303);
    let invoice = [
        ("kind", "invoice"),
        ("title", "Solde"),
        ("date", "2026-03-20"),
        ("source", &order),
        ("description_0", "Pose"),
        ("quantity_0", "2"),
        ("price_0", "150"),
        ("vat_0", "10"),
    ];
    assert_eq!(staff.posted(&at("documents"), &invoice).await, 303);
    let documents = s.documents(&w.staff, d).unwrap();
    let invoice = documents.iter().find(|x| x.title == "Solde").unwrap();
    assert_eq!(
        invoice.totals().total,
        dossier::domain::Cents(33000),
        "2 × 150 € at 10 %"
    );
    let status = at(&format!("documents/{}/status", invoice.id));
    assert_eq!(staff.posted(&status, &[("status", "paid")]).await, 303);
    let expense = [
        ("date", "2026-03-06"),
        ("category", "purchase"),
        ("description", "Joints"),
        ("amount", "12,50"),
        ("vat", "2,50"),
        ("billed", "on"),
    ];
    let receipt = (
        "receipt",
        "ticket.pdf",
        "application/pdf",
        &b"%PDF ticket"[..],
    );
    let added = staff
        .post_multipart(&at("expenses"), &expense, Some(receipt))
        .await;
    assert_eq!(added.0, 303);
    let wrong = [
        ("kind", "quote"),
        ("title", "X"),
        ("date", "2026-03-20"),
        ("description_0", "Pose"),
        ("quantity_0", "deux"),
        ("price_0", "1"),
        ("vat_0", "20"),
    ];
    let bad = staff.posted(&at("documents"), &wrong).await;
    assert_eq!(bad, 422, "a wrong number is explained, nothing stored");

    let view = s.dossier_view(&w.staff, d).unwrap();
    assert!(
        view.events
            .iter()
            .any(|e| e.title == "Réunion" && e.cancelled)
    );
    assert!(
        view.intervenants.iter().any(|i| i.name == "Léo Plombier")
            && !view.intervenants.iter().any(|i| i.name == "Nadia Benali")
    );
    assert!(
        view.files
            .iter()
            .any(|f| f.blob.name.as_str() == "plan-final.pdf")
            && !view.files.iter().any(|f| f.id == w.doomed_file.id)
    );
    assert!(
        view.activities
            .iter()
            .any(|a| a.minutes == 90 && a.description == "Métré")
    );
    let paid = dossier::domain::DocStatus::Paid;
    let documents = view.documents.unwrap();
    assert!(
        documents
            .iter()
            .any(|x| x.title == "Solde" && x.status == paid)
    );
    assert!(
        view.expenses
            .iter()
            .any(|e| e.description == "Joints" && e.billed_to_client)
    );

    let client = visitor(&site, &w.client.emails[0]).await;
    let event = [("title", "X"), ("start", "2026-04-02")];
    let refused = client.posted(&at("events"), &event).await;
    assert_eq!(refused, 403, "a client may not add events");
    let intervenant = visitor(&site, &w.intervenant.emails[0]).await;
    let quote = [("kind", "quote"), ("title", "X"), ("date", "2026-03-20")];
    assert_eq!(
        intervenant.posted(&at("documents"), &quote).await,
        404,
        "an intervenant does not know documents exist"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_change_existing_items_and_a_mistake_shows_the_page_again_with_its_sentence() {
    let site = site().await;
    let (s, w) = (site.world.services(), &site.world);
    let at = |path: String| format!("/dossiers/{}/{path}", w.dossier.number);
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let agenda = staff.page(&at("events".into())).await;
    let documents = staff.page(&at("documents".into())).await;
    assert!(
        agenda.contains(&format!("/events/{}/edit\"", w.event.id))
            && documents.contains(&format!("/documents/{}/edit", w.quote.id)),
        "each item leads staff to its form"
    );
    let form = staff.page(&at(format!("events/{}/edit", w.event.id))).await;
    let action = format!(
        "action=\"/dossiers/{}/events/{}\"",
        w.dossier.number, w.event.id
    );
    assert!(
        form.contains(&format!("value=\"{}\"", w.event.title)) && form.contains(&action),
        "the form is prefilled: {form}"
    );
    let visit = [
        ("title", "Visite avancée"),
        ("start", "2026-03-09"),
        ("start_time", "08:00"),
        ("end_time", "09:00"),
        ("place", "Sur place"),
    ];
    let changed = staff
        .posted(&at(format!("events/{}", w.event.id)), &visit)
        .await;
    assert_eq!(changed, 303);
    let events = s.events(&w.staff, w.dossier.id).unwrap();
    let event = events.iter().find(|e| e.id == w.event.id).unwrap();
    assert_eq!(
        (event.title.as_str(), event.sequence),
        ("Visite avancée", 1)
    );
    let edit = at(format!("documents/{}/edit", w.quote.id));
    let revised = [
        ("title", "Travaux révisés"),
        ("date", "2026-03-02"),
        ("description_0", "Main d'œuvre"),
        ("quantity_0", "3"),
        ("price_0", "50"),
        ("vat_0", "20"),
    ];
    assert_eq!(staff.posted(&edit, &revised).await, 303);
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(
        (quote.title.as_str(), quote.totals().total),
        ("Travaux révisés", dossier::domain::Cents(18000))
    );
    let who = w.staff.id.raw().to_string();
    let hours = [
        ("user", who.as_str()),
        ("date", "2026-03-04"),
        ("hours", "2"),
        ("description", "Pose"),
    ];
    let activity = at(format!("activities/{}", w.activity.id));
    assert_eq!(staff.posted(&activity, &hours).await, 303);
    let activities = s.activities(&w.staff, w.dossier.id).unwrap();
    let entry = activities.iter().find(|a| a.id == w.activity.id).unwrap();
    assert_eq!(entry.minutes, 120);
    let toll = [
        ("date", "2026-03-03"),
        ("category", "travel"),
        ("description", "Péage A6"),
        ("amount", "9,60"),
        ("vat", "1,60"),
        ("billed", "on"),
    ];
    let expense = at(format!("expenses/{}", w.billed.id));
    assert_eq!(staff.post_multipart(&expense, &toll, None).await.0, 303);
    let billed = s.expense(&w.staff, w.dossier.id, w.billed.id).unwrap();
    assert_eq!(
        (billed.description.as_str(), billed.amount),
        ("Péage A6", dossier::domain::Cents(960))
    );
    assert!(
        billed.receipt.is_some(),
        "the receipt stays when no new one is sent"
    );

    let mistake = [
        ("title", "X"),
        ("date", "2026-03-02"),
        ("description_0", "Pose"),
        ("quantity_0", "deux"),
        ("price_0", "1"),
        ("vat_0", "20"),
    ];
    let (status, again) = staff.post(&edit, &mistake).await;
    assert_eq!(status, 422);
    assert!(
        again.contains("role=\"alert\"")
            && again.contains("Ligne 1 : la quantité « deux » ne se lit pas comme un nombre.")
            && again.contains("value=\"deux\"")
            && again.contains("value=\"X\""),
        "the document's form again, what was typed kept, the sentence above its lines: {again}"
    );
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(quote.title, "Travaux révisés", "nothing changed");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_agenda_lists_coming_events_then_past_ones_with_their_times() {
    use chrono::TimeZone;
    let site = site().await;
    let s = site.world.services();
    let d = &site.world.dossier;
    let add = |title: String, start: chrono::DateTime<chrono::Utc>| {
        let mut draft = crate::helpers::event_draft();
        draft.title = title;
        draft.time = dossier::domain::EventTime::Timed {
            start,
            end: start + chrono::Duration::hours(1),
        };
        s.add_event(&site.world.staff, d.id, draft).unwrap();
    };
    add(
        "Visite à venir".into(),
        chrono::Utc::now() + chrono::Duration::days(3),
    );
    for i in 0..24 {
        let start = chrono::Utc
            .with_ymd_and_hms(2020, 1, 1 + i, 9, 0, 0)
            .unwrap();
        add(format!("Passée {i:02}"), start);
    }
    let (browser, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let agenda = text_of(
        &browser,
        &format!("{}/dossiers/{}/events", site.base, d.number),
    )
    .await;
    let (coming, past) = agenda
        .split_once("Passés")
        .expect("a heading for the past ones");
    assert!(coming.contains("Visite à venir"), "the ones to come first");
    assert!(
        past.find("Passée 23").unwrap() < past.find("Passée 00").unwrap(),
        "then the past ones, the most recent first"
    );
    assert!(
        past.contains("mer. 1 janv. 2020, 10:00–11:00"),
        "each with its day and hours in the business's zone"
    );
    let discussion = text_of(&browser, &format!("{}/dossiers/{}", site.base, d.number)).await;
    assert!(
        discussion.contains("Prochain événement") && discussion.contains("Visite à venir"),
        "the header names the next event"
    );
    // Cancelled, it is no longer the next one: the header follows the change at once.
    let coming = s
        .events(&site.world.staff, d.id)
        .unwrap()
        .into_iter()
        .find(|e| e.title == "Visite à venir")
        .unwrap();
    s.cancel_event(&site.world.staff, d.id, coming.id).unwrap();
    let discussion = text_of(&browser, &format!("{}/dossiers/{}", site.base, d.number)).await;
    assert!(
        !discussion.contains("Prochain événement"),
        "nothing else is to come"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expenses_vat_is_a_french_rate_of_its_amount_and_negatives_are_refused() {
    let site = site().await;
    let w = &site.world;
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let url = format!("/dossiers/{}/expenses", w.dossier.number);
    let post = |amount: &'static str, rate: &'static str| {
        let paint = [
            ("date", "2026-03-03"),
            ("category", "purchase"),
            ("description", "Peinture"),
            ("amount", amount),
            ("vat_rate", rate),
        ];
        let (staff, url) = (staff.clone(), url.clone());
        async move { staff.post_multipart(&url, &paint, None).await }
    };
    assert_eq!(post("12,50", "20").await.0, 303);
    let s = w.services();
    let view = s.dossier_view(&w.staff, w.dossier.id).unwrap();
    let paint = view
        .expenses
        .iter()
        .find(|e| e.description == "Peinture")
        .unwrap();
    assert_eq!(
        paint.vat,
        dossier::domain::Cents(250),
        "20 % of 12,50 €, not 20 €"
    );
    let (status, page) = post("-5", "20").await;
    assert_eq!(status, 422);
    assert!(page.contains("ne peut pas être négative"));
    assert_eq!(post("10", "7").await.0, 422, "7 % is not a French rate");
    // A receipt with several rates gives its VAT as an amount.
    let meal = [
        ("date", "2026-03-04"),
        ("category", "other"),
        ("description", "Repas d'équipe"),
        ("amount", "30"),
        ("vat_rate", "keep"),
        ("vat", "4,20"),
    ];
    assert_eq!(staff.post_multipart(&url, &meal, None).await.0, 303);
    let view = s.dossier_view(&w.staff, w.dossier.id).unwrap();
    let meal = view
        .expenses
        .iter()
        .find(|e| e.description == "Repas d'équipe")
        .unwrap();
    assert_eq!(meal.vat, dossier::domain::Cents(420));
    let page = staff.page(&url).await;
    let row = &page[page.find("Peinture").expect("the expense is listed")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        page.contains(">Achat<")
            && row.contains("12,50\u{a0}€")
            && row.contains("2,50\u{a0}€")
            && row.contains("15,00\u{a0}€"),
        "its category, amount, VAT and total: {row}"
    );
    site.test.stop().await;
}
