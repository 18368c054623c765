//! A refused form comes back with everything typed and the sentence next to its field, in
//! the reader's language; "add a line" without JavaScript shows the document form again
//! with one more line and saves nothing; form pages open only for who may make the change.

use super::*;

/// The value attribute of the input named `name` in `html`.
fn value_of(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let value = &tag[tag.find("value=\"")? + 7..];
    Some(value[..value.find('"')?].to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_form_keeps_what_was_typed_with_the_sentence_next_to_its_field() {
    let site = site().await;
    let w = &site.world;
    let base = format!("/dossiers/{}", w.dossier.number);
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let before = w.services().events(&w.staff, w.dossier.id).unwrap().len();
    let event = [
        ("title", "Réception des travaux"),
        ("start", "2026-06-10"),
        ("start_time", "9h"),
        ("end_time", "11:00"),
        ("place", "Sur le chantier"),
    ];
    let (status, page) = staff.post(&format!("{base}/events"), &event).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("id=\"start_time-error\"")
            && page.contains("« 9h » n'est pas une heure : écrivez-la comme 14:30."),
        "the sentence, in French, next to the time: {page}"
    );
    assert!(page.contains("aria-describedby=\"start_time-error\""));
    assert_eq!(
        value_of(&page, "title").as_deref(),
        Some("Réception des travaux")
    );
    assert_eq!(value_of(&page, "place").as_deref(), Some("Sur le chantier"));
    assert_eq!(
        value_of(&page, "start_time").as_deref(),
        Some("9h"),
        "even the mistake"
    );
    assert_eq!(
        w.services().events(&w.staff, w.dossier.id).unwrap().len(),
        before,
        "nothing stored"
    );

    // A service's refusal (the end before the start) comes back the same way.
    let event = [
        ("title", "Réception"),
        ("start", "2026-06-10"),
        ("end", "2026-06-09"),
    ];
    let (status, page) = staff.post(&format!("{base}/events"), &event).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"end-error\"") && page.contains("La fin d'un événement"));

    // An expense with a negative amount: the sentence by the amount, the rest kept.
    let expense = [
        ("date", "2026-03-04"),
        ("category", "purchase"),
        ("description", "Silicone"),
        ("amount", "-8"),
        ("vat_rate", "20"),
    ];
    let (status, page) = staff
        .post_multipart(&format!("{base}/expenses"), &expense, None)
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"amount-error\"") && page.contains("ne peut pas être négative"));
    assert_eq!(value_of(&page, "description").as_deref(), Some("Silicone"));
    assert!(
        page.contains(r#"<option value="purchase" selected>"#),
        "the category chosen stays chosen"
    );

    // An empty title on a new dossier.
    let client_id = w.dossier.client.raw().to_string();
    let dossier = [
        ("client", client_id.as_str()),
        ("title", "  "),
        ("description", "Refaire la toiture"),
    ];
    let (status, page) = staff.post("/dossiers", &dossier).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"title-error\"") && page.contains("Le titre est obligatoire."));
    assert!(
        page.contains(">Refaire la toiture</textarea>"),
        "the description is kept"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_in_english_is_refused_in_english() {
    let site = site().await;
    let w = &site.world;
    w.services()
        .set_language(&w.staff, dossier::domain::Lang::En)
        .unwrap();
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let rename = format!("/dossiers/{}/files/{}/rename", w.dossier.number, w.file.id);
    let (status, page) = staff.post(&rename, &[("name", "  ")]).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Type the file's new name.") && !page.contains("Saisissez"),
        "{page}"
    );
    assert!(page.contains("id=\"name-error\""));
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn adding_a_line_without_javascript_shows_the_form_again_and_saves_nothing() {
    let site = site().await;
    let w = &site.world;
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let before = w
        .services()
        .documents(&w.staff, w.dossier.id)
        .unwrap()
        .len();
    let mut form = vec![
        ("kind", "quote".to_string()),
        ("title", "Salle d'eau".to_string()),
        ("date", "2026-05-02".to_string()),
        ("more", "1".to_string()),
    ];
    for i in 0..9 {
        form.push(leak(format!("description_{i}"), format!("Poste {i}")));
        form.push(leak(format!("quantity_{i}"), "1".into()));
        form.push(leak(format!("price_{i}"), "10".into()));
        form.push(leak(format!("vat_{i}"), "20".into()));
    }
    let documents = format!("/dossiers/{}/documents", w.dossier.number);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page) = staff.post(&documents, &pairs).await;
    assert_eq!(status, 200, "nothing refused: the form, one line longer");
    assert_eq!(value_of(&page, "title").as_deref(), Some("Salle d'eau"));
    assert_eq!(
        value_of(&page, "description_8").as_deref(),
        Some("Poste 8"),
        "more than eight lines"
    );
    assert_eq!(
        value_of(&page, "description_9").as_deref(),
        Some(""),
        "and a new one"
    );
    assert!(
        page.contains("108,00\u{a0}€"),
        "the totals of what was typed: {page}"
    );
    assert_eq!(
        w.services()
            .documents(&w.staff, w.dossier.id)
            .unwrap()
            .len(),
        before,
        "nothing saved yet"
    );
    form.retain(|(k, _)| *k != "more");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(staff.posted(&documents, &pairs).await, 303);
    let quote = w
        .services()
        .documents(&w.staff, w.dossier.id)
        .unwrap()
        .into_iter()
        .find(|d| d.title == "Salle d'eau")
        .unwrap();
    assert_eq!(quote.lines.len(), 9, "every line kept");
    site.test.stop().await;
}

fn leak(name: String, value: String) -> (&'static str, String) {
    (Box::leak(name.into_boxed_str()), value)
}

#[tokio::test(flavor = "multi_thread")]
async fn form_pages_open_only_for_who_may_make_the_change() {
    let site = site().await;
    let w = &site.world;
    let base = format!("/dossiers/{}", w.dossier.number);
    let client = visitor(&site, &w.client.emails[0]).await;
    let intervenant = visitor(&site, &w.intervenant.emails[0]).await;
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let status = |v: &Visitor, path: String| {
        let (v, path) = (v.clone(), format!("{base}{path}"));
        async move { v.get(&path).await.0 }
    };
    for path in [
        "/events/new".to_string(),
        format!("/events/{}/edit", w.event.id),
        "/expenses/new".into(),
        format!("/files/{}/rename", w.file.id),
        format!("/documents/{}/edit", w.quote.id),
    ] {
        assert_eq!(status(&staff, path.clone()).await, 200, "{path}");
        assert_eq!(
            status(&client, path.clone()).await,
            403,
            "a client sees, may not change: {path}"
        );
    }
    assert_eq!(
        status(&intervenant, format!("/documents/{}/edit", w.quote.id)).await,
        404,
        "an intervenant does not know documents exist"
    );
    assert_eq!(
        status(&client, "/reference".into()).await,
        200,
        "everyone keeps a reference"
    );
    w.services().close_dossier(&w.staff, w.dossier.id).unwrap();
    assert_eq!(
        status(&staff, "/events/new".into()).await,
        409,
        "closed means closed"
    );
    assert_eq!(
        status(&staff, "/events".into()).await,
        200,
        "and still readable"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_directory_and_the_settings_say_what_is_wrong_next_to_the_field() {
    let site = site().await;
    let w = &site.world;
    let staff = visitor(&site, &w.staff.emails[0]).await;
    let taken = w.client.emails[0].as_str().to_string();
    let person = [
        ("name", "Hélène Bis"),
        ("email", taken.as_str()),
        ("lang", "en"),
    ];
    let (status, page) = staff.post("/admin/people", &person).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("id=\"email-error\"") && page.contains("déjà celle de"),
        "the clash, by the address: {page}"
    );
    assert_eq!(
        value_of(&page, "name").as_deref(),
        Some("Hélène Bis"),
        "the name kept"
    );
    assert!(
        page.contains(r#"<option value="en" selected>"#),
        "and the language chosen"
    );
    let (status, page) = staff
        .post("/admin/clients", &[("name", "SCI Les Tilleuls")])
        .await;
    assert_eq!(status, 422, "the directory again, not a page of its own");
    assert!(
        page.contains("id=\"name-error\"") && page.contains("existe déjà"),
        "{page}"
    );

    let change = [
        ("current", "pas le bon mot de passe"),
        ("password", "un nouveau mot de passe"),
    ];
    let (status, page) = staff.post("/settings/password", &change).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("id=\"current-error\"") && page.contains("n'est pas le bon"),
        "by the current password: {page}"
    );
    assert!(
        !page.contains("pas le bon mot de passe\"") && !page.contains("un nouveau mot de passe\""),
        "no password is written back into the page"
    );
    site.test.stop().await;
}
