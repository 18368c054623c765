//! Search from the dossier list: accents and case do not matter, the words are found in
//! titles, numbers, clients, references, documents, events and messages, and no one finds
//! what they may not see.

use std::time::Duration;

use dossier::domain::{DocKind, Door, NewMessage};

use super::*;

/// What the list shows `browser` when it searches `q`.
async fn found(site: &Site, browser: &reqwest::Client, q: &str) -> String {
    let url =
        reqwest::Url::parse_with_params(&format!("{}/dossiers", site.base), &[("q", q)]).unwrap();
    text_of(browser, url.as_str()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_with_or_without_accents_and_only_what_the_reader_may_see() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let d = w.dossier.id;
    let message = NewMessage {
        text: "La FAÇADE nord sera ravalée en avril.".into(),
        ..NewMessage::default()
    };
    s.post_message(&w.client, d, Door::Web, message).unwrap();
    s.set_own_reference(&w.staff, d, "CHANTIER-ZX81").unwrap();
    let mut quote = crate::helpers::quote_draft();
    quote.title = "Devis escalier hélicoïdal".into();
    s.create_document(&w.staff, d, DocKind::Quote, quote, None)
        .unwrap();
    let mut tip = crate::helpers::expense_draft(false);
    tip.description = "Pourboire livreur".into();
    s.add_expense(&w.staff, d, tip, None).unwrap();

    let (staff, _) = signed_in(&site, &w.staff.emails[0]).await;
    let (client, _) = signed_in(&site, &w.client.emails[0]).await;
    let (intervenant, _) = signed_in(&site, &w.intervenant.emails[0]).await;
    let (stranger, _) = signed_in(&site, &w.stranger.emails[0]).await;
    let number = w.dossier.number.to_string();
    // The index follows the store within a moment.
    crate::polling::eventually_async(
        "the search index reads the changes",
        Duration::from_secs(20),
        || async { found(&site, &staff, "zx81").await.contains(&number) },
    )
    .await;

    for typed in ["facade", "Façade", "FACADE", "faç"] {
        let page = found(&site, &client, typed).await;
        assert!(
            page.contains(&number) && page.contains("ravalée"),
            "«{typed}» finds the message: {page}"
        );
    }
    assert!(
        found(&site, &client, "helicoidal").await.contains(&number),
        "a quote's title, for the client"
    );
    assert!(
        found(&site, &client, "tilleuls").await.contains(&number),
        "the client's name"
    );
    assert!(
        found(&site, &client, &number).await.contains("Cuisine"),
        "the number"
    );

    let nothing = |page: String| page.contains("Aucun résultat");
    assert!(
        nothing(found(&site, &client, "zx81").await),
        "the internal reference is staff's"
    );
    assert!(
        nothing(found(&site, &client, "pourboire").await),
        "an unbilled expense is staff's"
    );
    assert!(
        !nothing(found(&site, &staff, "pourboire").await),
        "staff find it"
    );
    assert!(
        nothing(found(&site, &intervenant, "helicoidal").await),
        "an intervenant finds no quote"
    );
    assert!(
        !nothing(found(&site, &intervenant, "facade").await),
        "but the discussion"
    );
    let other = found(&site, &stranger, "facade").await;
    assert!(
        nothing(other.clone()) && !other.contains(&number),
        "nothing of a dossier one has no role on"
    );
    site.test.stop().await;
}
