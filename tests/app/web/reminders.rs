//! Reminders on a clock passed as a parameter: an unpaid invoice at J+7 (courteous),
//! J+15 (firm) and J+30 (formal notice with the penalties and, for a business, the 40 €
//! indemnity), each once, none once paid or turned off; a quote in its last days once;
//! every one in the history; staff see tomorrow's on the mail page.

use chrono::{Days, NaiveDate, Utc};
use dossier::domain::{DocKind, DocStatus, Document, DocumentDraft, OutMail};
use dossier::mail::outbound::Notifier;
use dossier::mail::outbound::transport::Transport;

use super::*;

fn notifier(site: &Site) -> Notifier {
    Notifier::new(
        site.world.services().clone(),
        crate::notify::settings(60),
        Transport::Folder(site.world.data().join("outbox-reminders")),
    )
}

/// The queued e-mails whose subject names `number`, oldest first.
fn mails_about(site: &Site, number: &str) -> Vec<OutMail> {
    let mut mails: Vec<OutMail> = site
        .test
        .app
        .store()
        .out_mails(1000)
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.contains(number))
        .collect();
    mails.reverse();
    mails
}

fn text_of_mail(site: &Site, mail: &OutMail) -> String {
    let raw = site.test.app.store().out_raw(mail).unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(parsed.attachment_count(), 1, "the PDF goes with it");
    parsed.body_text(0).unwrap().to_string()
}

fn issued_invoice(site: &Site, title: &str) -> Document {
    let w = &site.world;
    let s = w.services();
    let mut draft = crate::helpers::quote_draft();
    draft.title = title.into();
    let invoice = s
        .create_document(
            &w.staff,
            w.dossier.id,
            DocKind::Invoice,
            draft,
            Some(w.order.id),
        )
        .unwrap();
    s.issue_document(&w.staff, w.dossier.id, invoice.id)
        .unwrap()
}

fn set_status(site: &Site, doc: &Document, status: DocStatus) {
    let w = &site.world;
    let draft = DocumentDraft {
        title: doc.title.clone(),
        date: doc.date,
        status,
        lines: doc.lines.clone(),
        terms: doc.terms.clone(),
    };
    w.services()
        .edit_document(&w.staff, w.dossier.id, doc.id, draft)
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unpaid_invoice_is_reminded_on_the_schedule_until_paid_or_turned_off() {
    let site = site().await;
    let w = &site.world;
    let notifier = notifier(&site);
    let invoice = issued_invoice(&site, "Travaux de mars");
    let number = invoice.number.to_string();
    let due: NaiveDate = invoice.terms.due.unwrap();
    let on = |days: u64| due + Days::new(days);
    let now = Utc::now();

    assert_eq!(notifier.send_reminders(on(6), now).unwrap(), 0, "J+6");
    assert_eq!(notifier.send_reminders(on(7), now).unwrap(), 1, "J+7");
    assert_eq!(
        notifier.send_reminders(on(8), now).unwrap(),
        0,
        "each step once"
    );
    let mails = mails_about(&site, &number);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipient, w.client.emails[0]);
    assert!(
        mails[0]
            .subject
            .contains(&format!("rappel : facture {number}")),
        "{}",
        mails[0].subject
    );
    assert!(text_of_mail(&site, &mails[0]).contains("Sauf erreur de notre part"));

    assert_eq!(notifier.send_reminders(on(15), now).unwrap(), 1, "J+15");
    assert_eq!(notifier.send_reminders(on(30), now).unwrap(), 1, "J+30");
    let mails = mails_about(&site, &number);
    assert_eq!(mails.len(), 3);
    assert!(text_of_mail(&site, &mails[1]).contains("Malgré notre précédent rappel"));
    assert!(
        mails[2].subject.contains("mise en demeure : facture"),
        "{}",
        mails[2].subject
    );
    let formal = text_of_mail(&site, &mails[2]);
    assert!(
        formal.contains("pénalités de retard") && formal.contains("40 €"),
        "{formal}"
    );

    let staff = visitor(&site, &w.staff.emails[0]).await;
    let history = staff
        .page(&format!("/dossiers/{}/history", w.dossier.number))
        .await;
    for words in [
        format!("Relance 1 (aimable) : facture {number} → Hélène Garnier"),
        format!("Relance 2 (ferme) : facture {number}"),
        format!("Relance 3 (mise en demeure) : facture {number}"),
    ] {
        assert!(history.contains(&words), "the history says «{words}»");
    }

    // Paid: no reminder; turned off through the documents page: none either.
    let paid = issued_invoice(&site, "Travaux payés");
    set_status(&site, &paid, DocStatus::Paid);
    let quiet = issued_invoice(&site, "Travaux sans relance");
    let reminders = format!(
        "/dossiers/{}/documents/{}/reminders",
        w.dossier.number, quiet.id
    );
    assert_eq!(staff.posted(&reminders, &[("off", "yes")]).await, 303);
    let day = paid.terms.due.unwrap() + Days::new(7);
    assert_eq!(
        notifier.send_reminders(day, now).unwrap(),
        0,
        "paid, or turned off"
    );
    assert_eq!(staff.posted(&reminders, &[("off", "no")]).await, 303);
    assert_eq!(notifier.send_reminders(day, now).unwrap(), 1, "on again");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quote_in_its_last_days_is_reminded_once_and_staff_see_tomorrows() {
    let site = site().await;
    let w = &site.world;
    let s = w.services();
    let notifier = notifier(&site);
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    let mut draft = crate::helpers::quote_draft();
    draft.title = "Terrasse".into();
    draft.status = DocStatus::Sent;
    draft.terms.valid_until = Some(today + Days::new(4));
    let quote = s
        .create_document(&w.staff, w.dossier.id, DocKind::Quote, draft, None)
        .unwrap();
    let (staff, _) = signed_in(&site, &w.staff.emails[0]).await;
    let page = text_of(&staff, &format!("{}/admin/mail", site.base)).await;
    assert!(page.contains("Relances prévues demain"), "{page}");
    assert!(
        page.contains(&quote.number.to_string()),
        "tomorrow's reminder is listed: {page}"
    );

    let now = Utc::now();
    assert_eq!(notifier.send_reminders(today, now).unwrap(), 0);
    assert_eq!(
        notifier.send_reminders(today + Days::new(1), now).unwrap(),
        1
    );
    assert_eq!(
        notifier.send_reminders(today + Days::new(2), now).unwrap(),
        0,
        "once"
    );
    let mails = mails_about(&site, &quote.number.to_string());
    assert_eq!(mails.len(), 1);
    assert!(text_of_mail(&site, &mails[0]).contains("Vous pouvez l'accepter en ligne"));
    site.test.stop().await;
}
