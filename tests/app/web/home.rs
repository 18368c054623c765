//! Each role lands on what needs it: staff on held mail, unread replies, invoices
//! waiting too long and the next two days' events; clients and intervenants on their
//! own dossiers with what is new.

use chrono::{Duration, Utc};
use dossier::domain::{DocKind, DocStatus, Door, EventTime, NewMessage};

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn each_role_lands_on_what_needs_it_and_read_replies_stop_being_new() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let d = w.dossier.id;
    let mut invoice = crate::helpers::quote_draft();
    invoice.title = "Facture des travaux".into();
    invoice.status = DocStatus::Sent;
    let mut invoice = s
        .create_document(&w.staff, d, DocKind::Invoice, invoice, None)
        .unwrap();
    // Issued today, it is not late yet; marked overdue, it is.
    let home = |site: &Site| {
        let s = site.world.services();
        s.home(&site.world.staff).unwrap().unpaid.len()
    };
    assert_eq!(home(&site), 0, "an invoice not yet due is not late");
    invoice.status = DocStatus::Overdue;
    let draft = dossier::domain::DocumentDraft {
        title: invoice.title.clone(),
        date: invoice.date,
        status: DocStatus::Overdue,
        lines: invoice.lines.clone(),
        terms: invoice.terms.clone(),
    };
    let invoice = s.edit_document(&w.staff, d, invoice.id, draft).unwrap();
    let mut visit = crate::helpers::event_draft();
    visit.title = "Visite de fin de chantier".into();
    let start = Utc::now() + Duration::hours(20);
    visit.time = EventTime::Timed {
        start,
        end: start + Duration::hours(1),
    };
    s.add_event(&w.staff, d, visit).unwrap();
    let reply = NewMessage {
        text: "Les plinthes sont posées, merci !".into(),
        ..NewMessage::default()
    };
    s.post_message(&w.client, d, Door::Email, reply).unwrap();

    let staff = visitor(&site, &w.staff.emails[0]).await;
    let home = staff.page("/").await;
    assert!(
        home.contains("Bonjour Claire") || home.contains("Bonjour"),
        "{home}"
    );
    assert!(
        home.contains(&invoice.number.to_string()),
        "an overdue invoice: {home}"
    );
    assert!(
        home.contains("Visite de fin de chantier"),
        "tomorrow's event"
    );
    assert!(
        home.contains("1 nouveau") && home.contains("Les plinthes sont posées"),
        "the unread reply, with its words: {home}"
    );
    // Reading the discussion makes it no longer new.
    staff.page(&format!("/dossiers/{}", w.dossier.number)).await;
    let home = staff.page("/").await;
    assert!(!home.contains("1 nouveau"), "read: {home}");

    let client = visitor(&site, &w.client.emails[0]).await;
    let home = client.page("/").await;
    assert!(home.contains(&w.dossier.number.to_string()), "her dossier");
    assert!(
        home.contains("Visite de fin de chantier"),
        "her coming events"
    );
    assert!(
        !home.contains(&invoice.number.to_string()) && !home.contains("retenu"),
        "no staff business on a client's home: {home}"
    );
    let stranger = visitor(&site, &w.stranger.emails[0]).await;
    let home = stranger.page("/").await;
    assert!(
        !home.contains(&w.dossier.number.to_string()) && !home.contains("plinthes"),
        "nothing of a dossier one has no role on"
    );
    site.test.stop().await;
}
