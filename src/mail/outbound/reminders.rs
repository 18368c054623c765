//! Reminder e-mails: each reminder due on a day goes to the client's people whose
//! address still takes mail, in their language, with the document's PDF, its words set
//! by its tone (courteous, firm, a formal notice with the late-payment penalties and, for
//! a business client, the 40 € recovery indemnity; a quote about to expire); queued with
//! the history line and the step marked sent, in one transaction.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::Notifier;
use super::compose::{Addition, Notice, Pack};
use crate::domain::reminders::Tone;
use crate::domain::{Cents, ClientKind, Lang, User};
use crate::error::Result;
use crate::policy::Role;
use crate::service::{DueReminder, Printed};
use crate::templates::format;

impl Notifier {
    /// Sends every reminder due on `today` (the business's day); returns how many went.
    pub fn send_reminders(&self, today: NaiveDate, now: DateTime<Utc>) -> Result<usize> {
        let services = &self.services;
        let seller = services.business_profile()?;
        let mut sent = 0;
        for due in services.reminders_due_on(today)? {
            // One reminder that cannot go (its dossier closed meanwhile, its PDF…) does
            // not hold the others up; it is tried again within the hour.
            match self.send_reminder(&due, &seller, today, now) {
                Ok(true) => sent += 1,
                Ok(false) => {}
                Err(err) => tracing::warn!(
                    document = %due.document.number,
                    error = %err,
                    "a reminder could not go"
                ),
            }
        }
        Ok(sent)
    }

    /// Sends one reminder; false when no one of the client can receive it.
    fn send_reminder(
        &self,
        due: &DueReminder,
        seller: &crate::domain::BusinessProfile,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let services = &self.services;
        let store = services.store();
        let to: Vec<User> = services
            .client_people(&due.client)?
            .into_iter()
            .filter(|o| !o.stopped)
            .map(|o| o.user)
            .collect();
        let doc = &due.document;
        let Some(author) = store.user(doc.owner())? else {
            return Ok(false);
        };
        if to.is_empty() {
            return Ok(false);
        }
        let printed = Printed {
            dossier: due.dossier.clone(),
            role: Role::Staff,
            document: doc.clone(),
            related: due.related.clone(),
            client: due.client.clone(),
            seller: seller.clone(),
        };
        let pdf = Arc::new(crate::printing::pdf(&printed, self.settings.printer())?);
        let late_rate = doc
            .issued
            .as_ref()
            .map(|i| i.seller.late_rate().to_string())
            .unwrap_or_else(|| seller.late_rate().to_string());
        let mut pack = Pack::new(services.store());
        let mut mails = Vec::with_capacity(to.len());
        let mut bounces = Vec::with_capacity(to.len());
        for recipient in &to {
            let note = words(due, recipient.lang, &late_rate);
            let notice = Notice {
                dossier: &due.dossier,
                author: &author,
                recipient,
                items: vec![Addition::Document(
                    Box::new(doc.clone()),
                    pdf.clone(),
                    note,
                    Some(due.tone),
                )],
            };
            let (mail, bounce) = self.compose(&notice, now, &mut pack)?;
            mails.push(mail);
            bounces.push(bounce);
        }
        pack.seal(&mut mails)?;
        services.reminder_sent(due, &to, &mails, &bounces, today)?;
        Ok(true)
    }
}

/// What the reminder of `due` says to a reader of `lang`.
fn words(due: &DueReminder, lang: Lang, late_rate: &str) -> String {
    let doc = &due.document;
    let (number, title) = (&doc.number, &doc.title);
    // What is still owed: the total, less what issued credit notes took back.
    let owed = doc.totals().total.0 - doc.credited(&due.related).0;
    let total = format::money(lang, Cents(owed));
    let day = |d: Option<NaiveDate>| d.map(|d| format::date(lang, d)).unwrap_or_default();
    let (due_day, until) = (day(doc.terms.due), day(doc.terms.valid_until));
    let company = due.client.kind == ClientKind::Company;
    match (due.tone, lang) {
        (Tone::QuoteEnding, Lang::Fr) => format!(
            "Le devis {number} « {title} » ({total} TTC) que nous vous avons adressé est valable jusqu'au {until}. Vous pouvez l'accepter en ligne d'ici là, ou nous répondre simplement."
        ),
        (Tone::QuoteEnding, Lang::En) => format!(
            "Quote {number} “{title}” ({total} incl. VAT) that we sent you is valid until {until}. You can accept it online until then, or simply reply."
        ),
        (Tone::Courteous, Lang::Fr) => format!(
            "Sauf erreur de notre part, la facture {number} « {title} » de {total} TTC, échue le {due_day}, reste à régler. Si le paiement est en cours, merci de ne pas tenir compte de ce message."
        ),
        (Tone::Courteous, Lang::En) => format!(
            "Unless we are mistaken, invoice {number} “{title}” for {total} incl. VAT, due on {due_day}, is still unpaid. If the payment is on its way, please disregard this message."
        ),
        (Tone::Firm, Lang::Fr) => format!(
            "Malgré notre précédent rappel, la facture {number} « {title} » de {total} TTC, échue le {due_day}, n'est toujours pas réglée. Merci de procéder à son paiement sans délai."
        ),
        (Tone::Firm, Lang::En) => format!(
            "Despite our earlier reminder, invoice {number} “{title}” for {total} incl. VAT, due on {due_day}, is still unpaid. Please pay it without delay."
        ),
        // Penalties and the indemnity are owed between professionals (art. L441-10);
        // a private client owes interest at the legal rate once put on notice.
        (Tone::Formal, Lang::Fr) => {
            let owed = if company {
                format!(
                    "des pénalités de retard sont dues au taux de {late_rate} (art. L441-10 du Code de commerce), ainsi qu'une indemnité forfaitaire de 40 € pour frais de recouvrement (art. D441-5 du Code de commerce)"
                )
            } else {
                "des intérêts au taux légal seront dus à compter de la présente mise en demeure (art. 1231-6 du Code civil)".into()
            };
            format!(
                "Mise en demeure de payer. La facture {number} « {title} », échue le {due_day}, reste due pour {total} TTC malgré nos relances. Nous vous mettons en demeure de la régler sous huit jours. À défaut, {owed}."
            )
        }
        (Tone::Formal, Lang::En) => {
            let owed = if company {
                format!(
                    "late-payment penalties are due at the rate of {late_rate} (art. L441-10 of the French Commercial Code), as well as a fixed recovery indemnity of €40 (art. D441-5)"
                )
            } else {
                "interest at the legal rate will be due from this notice (art. 1231-6 of the French Civil Code)".into()
            };
            format!(
                "Formal notice to pay. Invoice {number} “{title}”, due on {due_day}, still owes {total} incl. VAT despite our reminders. Please pay it within eight days. Failing that, {owed}."
            )
        }
    }
}
