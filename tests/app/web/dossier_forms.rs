//! The dossier's forms: closing, reopening, references, new dossiers, and adding or
//! changing every kind of item, with mistakes shown again with their sentence.

use chrono::TimeZone;
use dossier::domain::EventTime;

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn forms_close_reopen_set_references_and_open_dossiers_by_role() {
    let site = site().await;
    let number = site.world.dossier.number.to_string();
    let at = |path: &str| format!("{}/dossiers/{number}/{path}", site.base);
    let (client, client_csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let (staff, staff_csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    assert_eq!(
        client
            .post(at("close"))
            .form(&[("csrf", &client_csrf)])
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "clients may not close"
    );
    assert_eq!(
        staff
            .post(at("close"))
            .form(&[("csrf", &staff_csrf)])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let refused = client
        .post(at("reference"))
        .form(&[("csrf", client_csrf.as_str()), ("reference", "BC-118")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409, "closed means closed");
    assert_eq!(
        staff
            .post(at("reopen"))
            .form(&[("csrf", &staff_csrf)])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        client
            .post(at("reference"))
            .form(&[("csrf", client_csrf.as_str()), ("reference", "BC-118")])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let page = text_of(&client, &format!("{}/dossiers/{number}", site.base)).await;
    assert!(page.contains("BC-118"));
    let history = text_of(&staff, &at("history")).await;
    assert!(
        history.contains("Dossier clôturé") && history.contains("Dossier rouvert"),
        "closing and reopening are in the history"
    );

    let form = text_of(&client, &format!("{}/dossiers/new", site.base)).await;
    assert!(
        form.contains("SCI Les Tilleuls") && !form.contains("Autre SARL"),
        "only her own company"
    );
    let client_id = site.world.dossier.client.raw().to_string();
    let empty = client
        .post(format!("{}/dossiers", site.base))
        .form(&[
            ("csrf", client_csrf.as_str()),
            ("client", client_id.as_str()),
            ("title", " "),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("Le titre est obligatoire"),
        "the form comes back with the sentence"
    );
    let made = client
        .post(format!("{}/dossiers", site.base))
        .form(&[
            ("csrf", client_csrf.as_str()),
            ("client", client_id.as_str()),
            ("title", "Salle de bain"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let (intervenant, csrf) = signed_in(&site, &site.world.intervenant.emails[0]).await;
    assert_eq!(
        intervenant
            .get(format!("{}/dossiers/new", site.base))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let forged = intervenant
        .post(format!("{}/dossiers", site.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("client", client_id.as_str()),
            ("title", "Pirate"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        404,
        "an intervenant cannot open a dossier for a client"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_forms_add_and_change_every_kind_of_item_and_others_are_refused() {
    let site = site().await;
    let s = site.world.services();
    let d = site.world.dossier.id;
    let at = |path: &str| {
        format!(
            "{}/dossiers/{}/{path}",
            site.base, site.world.dossier.number
        )
    };
    let (staff, csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let (staff, csrf) = (staff.clone(), csrf.clone());
        async move {
            let mut form: Vec<(&str, String)> = vec![("csrf", csrf)];
            form.extend(fields);
            staff
                .post(path)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert!(
        text_of(&staff, &at("events"))
            .await
            .contains("Nouvel événement")
            && text_of(&staff, &at("intervenants"))
                .await
                .contains("Ajouter un intervenant")
            && text_of(&staff, &at("documents"))
                .await
                .contains("Nouveau devis"),
        "staff see the forms"
    );
    assert_eq!(
        post(
            at("events"),
            vec![
                ("title", "Réunion".into()),
                ("start", "2026-04-02".into()),
                ("start_time", "09:30".into()),
                ("end", "2026-04-02".into()),
                ("end_time", "10:30".into()),
                ("place", "Bureau".into())
            ]
        )
        .await,
        303
    );
    let event = s
        .events(&site.world.staff, d)
        .unwrap()
        .into_iter()
        .find(|e| e.title == "Réunion")
        .unwrap();
    assert_eq!(
        format!("{:?}", event.time),
        format!(
            "{:?}",
            EventTime::Timed {
                start: chrono::Utc.with_ymd_and_hms(2026, 4, 2, 7, 30, 0).unwrap(),
                end: chrono::Utc.with_ymd_and_hms(2026, 4, 2, 8, 30, 0).unwrap()
            }
        ),
        "Paris time stored as UTC"
    );
    assert_eq!(
        post(at(&format!("events/{}/cancel", event.id)), vec![]).await,
        303
    );
    assert_eq!(
        post(
            at("intervenants"),
            vec![
                ("email", "leo@plomb.test".into()),
                ("role", "Plombier".into())
            ]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at(&format!(
                "intervenants/{}/remove",
                site.world.spare_intervenant.id
            )),
            vec![]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at(&format!("files/{}/rename", site.world.file.id)),
            vec![("name", "plan-final.pdf".into())]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at(&format!("files/{}/delete", site.world.doomed_file.id)),
            vec![]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at("activities"),
            vec![
                ("date", "2026-03-05".into()),
                ("hours", "1,5".into()),
                ("description", "Métré".into()),
                ("order", site.world.order.id.raw().to_string())
            ]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at("documents"),
            vec![
                ("kind", "invoice".into()),
                ("title", "Solde".into()),
                ("date", "2026-03-20".into()),
                ("source", site.world.order.id.raw().to_string()),
                ("description_0", "Pose".into()),
                ("quantity_0", "2".into()),
                ("price_0", "150".into()),
                ("vat_0", "10".into())
            ]
        )
        .await,
        303
    );
    let invoice = s
        .documents(&site.world.staff, d)
        .unwrap()
        .into_iter()
        .find(|x| x.title == "Solde")
        .unwrap();
    assert_eq!(
        invoice.totals().total,
        dossier::domain::Cents(33000),
        "2 × 150 € at 10 %"
    );
    assert_eq!(
        post(
            at(&format!("documents/{}/status", invoice.id)),
            vec![("status", "paid".into())]
        )
        .await,
        303
    );
    let expense = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("date", "2026-03-06")
        .text("category", "purchase")
        .text("description", "Joints")
        .text("amount", "12,50")
        .text("vat", "2,50")
        .text("billed", "on")
        .part(
            "receipt",
            reqwest::multipart::Part::bytes(b"%PDF ticket".to_vec())
                .file_name("ticket.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    assert_eq!(
        staff
            .post(at("expenses"))
            .multipart(expense)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let bad = post(
        at("documents"),
        vec![
            ("kind", "quote".into()),
            ("title", "X".into()),
            ("date", "2026-03-20".into()),
            ("description_0", "Pose".into()),
            ("quantity_0", "deux".into()),
            ("price_0", "1".into()),
            ("vat_0", "20".into()),
        ],
    )
    .await;
    assert_eq!(bad, 422, "a wrong number is explained, nothing stored");

    let view = s.dossier_view(&site.world.staff, d).unwrap();
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
            && !view.files.iter().any(|f| f.id == site.world.doomed_file.id)
    );
    assert!(
        view.activities
            .iter()
            .any(|a| a.minutes == 90 && a.description == "Métré")
    );
    assert!(
        view.documents
            .unwrap()
            .iter()
            .any(|x| x.title == "Solde" && x.status == dossier::domain::DocStatus::Paid)
    );
    assert!(
        view.expenses
            .iter()
            .any(|e| e.description == "Joints" && e.billed_to_client)
    );

    let (client, client_csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let refused = client
        .post(at("events"))
        .form(&[
            ("csrf", client_csrf.as_str()),
            ("title", "X"),
            ("start", "2026-04-02"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "a client may not add events");
    let (intervenant, i_csrf) = signed_in(&site, &site.world.intervenant.emails[0]).await;
    let hidden = intervenant
        .post(at("documents"))
        .form(&[
            ("csrf", i_csrf.as_str()),
            ("kind", "quote"),
            ("title", "X"),
            ("date", "2026-03-20"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        hidden.status(),
        404,
        "an intervenant does not know documents exist"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_change_existing_items_and_a_mistake_shows_the_page_again_with_its_sentence() {
    let site = site().await;
    let (s, w) = (site.world.services(), &site.world);
    let at = |path: String| format!("{}/dossiers/{}/{path}", site.base, w.dossier.number);
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;
    let agenda = text_of(&staff, &at("events".into())).await;
    let documents = text_of(&staff, &at("documents".into())).await;
    assert!(
        agenda.contains(&format!("/events/{}/edit\"", w.event.id))
            && documents.contains(&format!("/documents/{}/edit", w.quote.id)),
        "each item leads staff to its form"
    );
    let form = text_of(&staff, &at(format!("events/{}/edit", w.event.id))).await;
    assert!(
        form.contains(&format!("value=\"{}\"", w.event.title))
            && form.contains(&format!(
                "action=\"/dossiers/{}/events/{}\"",
                w.dossier.number, w.event.id
            )),
        "the form is prefilled: {form}"
    );
    let send = |path: String, fields: Vec<(&'static str, &'static str)>| {
        let (staff, csrf) = (staff.clone(), csrf.clone());
        async move {
            let mut form = vec![("csrf", csrf.as_str().to_string())];
            form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
            staff.post(path).form(&form).send().await.unwrap()
        }
    };
    let changed = send(
        at(format!("events/{}", w.event.id)),
        vec![
            ("title", "Visite avancée"),
            ("start", "2026-03-09"),
            ("start_time", "08:00"),
            ("end_time", "09:00"),
            ("place", "Sur place"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    let event = s
        .events(&w.staff, w.dossier.id)
        .unwrap()
        .into_iter()
        .find(|e| e.id == w.event.id)
        .unwrap();
    assert_eq!(
        (event.title.as_str(), event.sequence),
        ("Visite avancée", 1)
    );
    let edited = send(
        at(format!("documents/{}/edit", w.quote.id)),
        vec![
            ("title", "Travaux révisés"),
            ("date", "2026-03-02"),
            ("description_0", "Main d'œuvre"),
            ("quantity_0", "3"),
            ("price_0", "50"),
            ("vat_0", "20"),
        ],
    )
    .await;
    assert_eq!(edited.status(), 303);
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(
        (quote.title.as_str(), quote.totals().total),
        ("Travaux révisés", dossier::domain::Cents(18000))
    );
    let who: &'static str = Box::leak(w.staff.id.raw().to_string().into_boxed_str());
    let hours = send(
        at(format!("activities/{}", w.activity.id)),
        vec![
            ("user", who),
            ("date", "2026-03-04"),
            ("hours", "2"),
            ("description", "Pose"),
        ],
    )
    .await;
    assert_eq!(hours.status(), 303);
    assert_eq!(
        s.activities(&w.staff, w.dossier.id)
            .unwrap()
            .into_iter()
            .find(|a| a.id == w.activity.id)
            .unwrap()
            .minutes,
        120
    );
    let expense = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("date", "2026-03-03")
        .text("category", "travel")
        .text("description", "Péage A6")
        .text("amount", "9,60")
        .text("vat", "1,60")
        .text("billed", "on");
    assert_eq!(
        staff
            .post(at(format!("expenses/{}", w.billed.id)))
            .multipart(expense)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let billed = s.expense(&w.staff, w.dossier.id, w.billed.id).unwrap();
    assert_eq!(
        (billed.description.as_str(), billed.amount),
        ("Péage A6", dossier::domain::Cents(960))
    );
    assert!(
        billed.receipt.is_some(),
        "the receipt stays when no new one is sent"
    );

    let mistake = send(
        at(format!("documents/{}/edit", w.quote.id)),
        vec![
            ("title", "X"),
            ("date", "2026-03-02"),
            ("description_0", "Pose"),
            ("quantity_0", "deux"),
            ("price_0", "1"),
            ("vat_0", "20"),
        ],
    )
    .await;
    assert_eq!(mistake.status(), 422);
    let again = mistake.text().await.unwrap();
    assert!(
        again.contains("role=\"alert\"")
            && again.contains("Ligne 1 : la quantité « deux » ne se lit pas comme un nombre.")
            && again.contains("value=\"deux\"")
            && again.contains("value=\"X\""),
        "the document's form again, what was typed kept, the sentence above its lines: {again}"
    );
    assert_eq!(
        s.document(&w.staff, w.dossier.id, w.quote.id)
            .unwrap()
            .title,
        "Travaux révisés",
        "nothing changed"
    );
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
async fn a_status_list_starts_on_the_current_status_in_french() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let mut draft = crate::helpers::quote_draft();
    draft.status = dossier::domain::DocStatus::Accepted;
    s.edit_document(&w.staff, w.dossier.id, w.quote.id, draft)
        .unwrap();
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;
    let page = text_of(
        &staff,
        &format!("{}/dossiers/{}/documents", site.base, w.dossier.number),
    )
    .await;
    let action = format!("/documents/{}/status\"", w.quote.id);
    let form = &page[page.find(&action).expect("the quote's status form")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        form.contains(r#"<option value="accepted" selected>Accepté</option>"#),
        "{form}"
    );
    assert!(
        form.contains(">Brouillon<") && !form.contains(">draft<"),
        "{form}"
    );
    // Pressing "Changer" as the page shows it changes nothing.
    let changed = staff
        .post(format!(
            "{}/dossiers/{}/documents/{}/status",
            site.base, w.dossier.number, w.quote.id
        ))
        .form(&[("csrf", csrf.as_str()), ("status", "accepted")])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 303);
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(quote.status, dossier::domain::DocStatus::Accepted);
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_made_from_a_quote_copies_its_lines() {
    let site = site().await;
    let w = &site.world;
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;
    let made = staff
        .post(format!(
            "{}/dossiers/{}/documents",
            site.base, w.dossier.number
        ))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "order"),
            ("title", "Commande des travaux"),
            ("date", "2026-03-05"),
            ("source", &w.quote.id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let s = w.services();
    let documents = s.documents(&w.staff, w.dossier.id).unwrap();
    let order = documents
        .iter()
        .find(|d| d.title == "Commande des travaux")
        .expect("the order");
    assert_eq!(order.lines, w.quote.lines, "the quote's lines");
    assert_eq!(order.totals().total, w.quote.totals().total);
    assert!(order.totals().total.0 > 0, "not 0,00 €");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expenses_vat_is_a_french_rate_of_its_amount_and_negatives_are_refused() {
    let site = site().await;
    let w = &site.world;
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;
    let url = format!("{}/dossiers/{}/expenses", site.base, w.dossier.number);
    let post = |amount: &'static str, rate: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("date", "2026-03-03")
            .text("category", "purchase")
            .text("description", "Peinture")
            .text("amount", amount)
            .text("vat_rate", rate);
        staff.post(&url).multipart(form).send()
    };
    assert_eq!(post("12,50", "20").await.unwrap().status(), 303);
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
    let negative = post("-5", "20").await.unwrap();
    assert_eq!(negative.status(), 422);
    assert!(
        negative
            .text()
            .await
            .unwrap()
            .contains("ne peut pas être négative")
    );
    let odd = post("10", "7").await.unwrap();
    assert_eq!(odd.status(), 422, "7 % is not a French rate");
    // A receipt with several rates gives its VAT as an amount.
    let several = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("date", "2026-03-04")
        .text("category", "other")
        .text("description", "Repas d'équipe")
        .text("amount", "30")
        .text("vat_rate", "keep")
        .text("vat", "4,20");
    assert_eq!(
        staff
            .post(&url)
            .multipart(several)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let view = s.dossier_view(&w.staff, w.dossier.id).unwrap();
    let meal = view
        .expenses
        .iter()
        .find(|e| e.description == "Repas d'équipe")
        .unwrap();
    assert_eq!(meal.vat, dossier::domain::Cents(420));
    let page = text_of(
        &staff,
        &format!("{}/dossiers/{}/expenses", site.base, w.dossier.number),
    )
    .await;
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

#[tokio::test(flavor = "multi_thread")]
async fn changes_to_items_are_in_the_history_for_those_who_may_see_them() {
    let site = site().await;
    let w = &site.world;
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;
    let base = format!("{}/dossiers/{}", site.base, w.dossier.number);
    let status = staff
        .post(format!("{base}/documents/{}/status", w.quote.id))
        .form(&[("csrf", csrf.as_str()), ("status", "accepted")])
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 303);
    let expense = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("date", "2026-03-03")
        .text("category", "other")
        .text("description", "Pourboire du livreur")
        .text("amount", "5")
        .text("vat_rate", "0");
    assert_eq!(
        staff
            .post(format!("{base}/expenses"))
            .multipart(expense)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let number = w.quote.number.to_string();
    let history = text_of(&staff, &format!("{base}/history")).await;
    assert!(
        history.contains(&format!("Statut : devis {number} : Brouillon → Accepté")),
        "the status change, in words"
    );
    assert!(history.contains("Ajout : dépense « Pourboire du livreur »"));
    let (client, _) = signed_in(&site, &w.client.emails[0]).await;
    assert!(
        text_of(&client, &format!("{base}/documents"))
            .await
            .contains(&number),
        "clients see documents"
    );
    assert!(
        !text_of(&client, &format!("{base}/expenses"))
            .await
            .contains("Pourboire"),
        "an unbilled expense is staff's"
    );
    let (intervenant, _) = signed_in(&site, &w.intervenant.emails[0]).await;
    assert!(
        !text_of(&intervenant, &base)
            .await
            .contains("Statut : devis"),
        "intervenants see no quote"
    );
    assert_eq!(
        intervenant
            .get(format!("{base}/history"))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "the history is staff's"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn destructive_actions_ask_first_and_an_empty_name_is_refused() {
    let site = site().await;
    let w = &site.world;
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;
    let base = format!("/dossiers/{}", w.dossier.number);
    let get = |b: &reqwest::Client, path: String| b.get(format!("{}{path}", site.base)).send();
    for (section, path) in [
        (
            "/files",
            format!("{base}/files/{}/delete", w.doomed_file.id),
        ),
        ("", format!("{base}/close")),
        ("/events", format!("{base}/events/{}/cancel", w.event.id)),
        (
            "/intervenants",
            format!("{base}/intervenants/{}/remove", w.intervenant.id),
        ),
    ] {
        let page = get(&staff, format!("{base}{section}"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!("href=\"{path}\"")),
            "a link to ask first: {path}"
        );
        let asked = get(&staff, path.clone()).await.unwrap();
        assert_eq!(asked.status(), 200, "{path}");
        let asked = asked.text().await.unwrap();
        assert!(
            asked.contains(&format!("action=\"{path}\"")) && asked.contains("Confirmer"),
            "{path}"
        );
        assert!(
            asked.contains(&format!("href=\"{base}{section}\"")),
            "a way back to where it was asked"
        );
    }
    let asked = get(&staff, format!("{base}/files/{}/delete", w.doomed_file.id))
        .await
        .unwrap();
    assert!(
        asked.text().await.unwrap().contains("old.pdf"),
        "it names the file"
    );
    // Asking changed nothing.
    let s = w.services();
    assert!(s.file(&w.staff, w.dossier.id, w.doomed_file.id).is_ok());
    let (client, _) = signed_in(&site, &w.client.emails[0]).await;
    let refused = get(&client, format!("{base}/close")).await.unwrap();
    assert_eq!(refused.status(), 404, "only who may do it is asked");
    let confirmed = staff
        .post(format!(
            "{}{base}/files/{}/delete",
            site.base, w.doomed_file.id
        ))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);
    assert!(s.file(&w.staff, w.dossier.id, w.doomed_file.id).is_err());
    let renamed = staff
        .post(format!("{}{base}/files/{}/rename", site.base, w.file.id))
        .form(&[("csrf", csrf.as_str()), ("name", "  ")])
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 422);
    let file = s.file(&w.staff, w.dossier.id, w.file.id).unwrap();
    assert_eq!(
        file.blob.name.as_str(),
        "plan.pdf",
        "not turned into «file»"
    );
    site.test.stop().await;
}
