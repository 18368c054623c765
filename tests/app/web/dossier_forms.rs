//! The dossier's own forms: closing, reopening, references, new dossiers; a status
//! list that starts on the current status, an order made from a quote, the history of
//! changes, and destructive actions that ask first.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn forms_close_reopen_set_references_and_open_dossiers_by_role() {
    let site = site().await;
    let number = site.world.dossier.number.to_string();
    let at = |path: &str| format!("/dossiers/{number}/{path}");
    let client = visitor(&site, &site.world.client.emails[0]).await;
    let staff = visitor(&site, &site.world.staff.emails[0]).await;
    assert_eq!(
        client.posted(&at("close"), &[]).await,
        403,
        "clients may not close"
    );
    assert_eq!(staff.posted(&at("close"), &[]).await, 303);
    let reference = [("reference", "BC-118")];
    let refused = client.posted(&at("reference"), &reference).await;
    assert_eq!(refused, 409, "closed means closed");
    assert_eq!(staff.posted(&at("reopen"), &[]).await, 303);
    assert_eq!(client.posted(&at("reference"), &reference).await, 303);
    assert!(
        client
            .page(&format!("/dossiers/{number}"))
            .await
            .contains("BC-118")
    );
    let history = staff.page(&at("history")).await;
    assert!(
        history.contains("Dossier clôturé") && history.contains("Dossier rouvert"),
        "closing and reopening are in the history"
    );

    let form = client.page("/dossiers/new").await;
    assert!(
        form.contains("SCI Les Tilleuls") && !form.contains("Autre SARL"),
        "only her own company"
    );
    let client_id = site.world.dossier.client.raw().to_string();
    let titled = |title| [("client", client_id.as_str()), ("title", title)];
    let (status, page) = client.post("/dossiers", &titled(" ")).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Le titre est obligatoire"),
        "the form comes back with the sentence"
    );
    assert_eq!(
        client.posted("/dossiers", &titled("Salle de bain")).await,
        303
    );
    let intervenant = visitor(&site, &site.world.intervenant.emails[0]).await;
    assert_eq!(intervenant.get("/dossiers/new").await.0, 404);
    assert_eq!(
        intervenant.posted("/dossiers", &titled("Pirate")).await,
        404,
        "an intervenant cannot open a dossier for a client"
    );
    site.test.stop().await;
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
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let page = staff
        .page(&format!("/dossiers/{}/documents", w.dossier.number))
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
    let status = format!(
        "/dossiers/{}/documents/{}/status",
        w.dossier.number, w.quote.id
    );
    assert_eq!(staff.posted(&status, &[("status", "accepted")]).await, 303);
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(quote.status, dossier::domain::DocStatus::Accepted);
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_made_from_a_quote_copies_its_lines() {
    let site = site().await;
    let w = &site.world;
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let quote = w.quote.id.to_string();
    let order = [
        ("kind", "order"),
        ("title", "Commande des travaux"),
        ("date", "2026-03-05"),
        ("source", &quote),
    ];
    let documents = format!("/dossiers/{}/documents", w.dossier.number);
    assert_eq!(staff.posted(&documents, &order).await, 303);
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
async fn changes_to_items_are_in_the_history_for_those_who_may_see_them() {
    let site = site().await;
    let w = &site.world;
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let base = format!("/dossiers/{}", w.dossier.number);
    let status = format!("{base}/documents/{}/status", w.quote.id);
    assert_eq!(staff.posted(&status, &[("status", "accepted")]).await, 303);
    let tip = [
        ("date", "2026-03-03"),
        ("category", "other"),
        ("description", "Pourboire du livreur"),
        ("amount", "5"),
        ("vat_rate", "0"),
    ];
    let added = staff
        .post_multipart(&format!("{base}/expenses"), &tip, None)
        .await;
    assert_eq!(added.0, 303);
    let number = w.quote.number.to_string();
    let history = staff.page(&format!("{base}/history")).await;
    assert!(
        history.contains(&format!("Statut : devis {number} : Brouillon → Accepté")),
        "the status change, in words"
    );
    assert!(history.contains("Ajout : dépense « Pourboire du livreur »"));
    let client = visitor(&site, &w.client.emails[0]).await;
    assert!(
        client
            .page(&format!("{base}/documents"))
            .await
            .contains(&number),
        "clients see documents"
    );
    assert!(
        !client
            .page(&format!("{base}/expenses"))
            .await
            .contains("Pourboire"),
        "an unbilled expense is staff's"
    );
    let intervenant = visitor(&site, &w.intervenant.emails[0]).await;
    assert!(
        !intervenant.page(&base).await.contains("Statut : devis"),
        "intervenants see no quote"
    );
    let history = intervenant.get(&format!("{base}/history")).await.0;
    assert_eq!(history, 404, "the history is staff's");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn destructive_actions_ask_first_and_an_empty_name_is_refused() {
    let site = site().await;
    let w = &site.world;
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let base = format!("/dossiers/{}", w.dossier.number);
    let delete = format!("{base}/files/{}/delete", w.doomed_file.id);
    for (section, path) in [
        ("/files", delete.clone()),
        ("", format!("{base}/close")),
        ("/events", format!("{base}/events/{}/cancel", w.event.id)),
        (
            "/intervenants",
            format!("{base}/intervenants/{}/remove", w.intervenant.id),
        ),
    ] {
        let page = staff.page(&format!("{base}{section}")).await;
        assert!(
            page.contains(&format!("href=\"{path}\"")),
            "a link to ask first: {path}"
        );
        let (status, asked) = staff.get(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            asked.contains(&format!("action=\"{path}\"")) && asked.contains("Confirmer"),
            "{path}"
        );
        assert!(
            asked.contains(&format!("href=\"{base}{section}\"")),
            "a way back to where it was asked"
        );
    }
    assert!(
        staff.page(&delete).await.contains("old.pdf"),
        "it names the file"
    );
    // Asking changed nothing.
    let s = w.services();
    assert!(s.file(&w.staff, w.dossier.id, w.doomed_file.id).is_ok());
    let client = visitor(&site, &w.client.emails[0]).await;
    let refused = client.get(&format!("{base}/close")).await.0;
    assert_eq!(refused, 404, "only who may do it is asked");
    assert_eq!(staff.posted(&delete, &[]).await, 303);
    assert!(s.file(&w.staff, w.dossier.id, w.doomed_file.id).is_err());
    let rename = format!("{base}/files/{}/rename", w.file.id);
    assert_eq!(staff.posted(&rename, &[("name", "  ")]).await, 422);
    let file = s.file(&w.staff, w.dossier.id, w.file.id).unwrap();
    assert_eq!(
        file.blob.name.as_str(),
        "plan.pdf",
        "not turned into «file»"
    );
    site.test.stop().await;
}
