//! Reminders as the services see them: which are due on a day (for the clock's road and
//! for staff, who see what goes out tomorrow), recording one sent with its e-mails in one
//! transaction, and turning them off or on for a document.

use chrono::NaiveDate;

use super::documents::item_line;
use super::{Services, staff_only};
use crate::domain::reminders::{self, SentReminder, Tone};
use crate::domain::{
    BounceTarget, Client, Document, DocumentId, Dossier, DossierId, HistoryEntry, ItemChange,
    OutMail, Status, User,
};
use crate::error::{Error, Result};
use crate::policy::Action;

/// A reminder due.
pub struct DueReminder {
    /// Its dossier.
    pub dossier: Dossier,
    /// The dossier's client.
    pub client: Client,
    /// The document reminded.
    pub document: Document,
    /// The dossier's documents (credit notes, deposits).
    pub related: Vec<Document>,
    /// Its step, from 1.
    pub step: u8,
    /// How it speaks.
    pub tone: Tone,
}

impl Services {
    /// Every reminder due on `day`, the clock's road: open dossiers only.
    pub(crate) fn reminders_due_on(&self, day: NaiveDate) -> Result<Vec<DueReminder>> {
        let profile = self.business_profile()?;
        let mut due = Vec::new();
        for dossier in self.store.all_dossiers()?.iter() {
            if dossier.status != Status::Open {
                continue;
            }
            let related: Vec<Document> = self.store.items(dossier.id)?;
            for document in &related {
                let Some((step, tone)) = reminders::due(document, &related, &profile, day) else {
                    continue;
                };
                let client = self.store.client(dossier.client)?.ok_or_else(|| {
                    Error::storage(format!("dossier {} has no client", dossier.number))
                })?;
                due.push(DueReminder {
                    dossier: dossier.clone(),
                    client,
                    document: document.clone(),
                    related: related.clone(),
                    step,
                    tone,
                });
            }
        }
        Ok(due)
    }

    /// The reminders that go out on `day`, for staff.
    pub fn reminders_planned(&self, actor: &User, day: NaiveDate) -> Result<Vec<DueReminder>> {
        staff_only(actor)?;
        self.reminders_due_on(day)
    }

    /// Records that `due` went to `to` on `day` as `mails` (with their `bounces`), in one
    /// transaction; the history names the staff member who issued or wrote the document.
    pub(crate) fn reminder_sent(
        &self,
        due: &DueReminder,
        to: &[User],
        mails: &[OutMail],
        bounces: &[BounceTarget],
        day: NaiveDate,
    ) -> Result<Document> {
        let doc = &due.document;
        let line = HistoryEntry {
            at: super::now(),
            by: doc.owner(),
            what: item_line(
                doc,
                ItemChange::Reminded {
                    step: due.step,
                    tone: due.tone,
                    to: to
                        .iter()
                        .map(|u| format!("{} <{}>", u.name, u.primary_email()))
                        .collect(),
                },
            ),
        };
        let step = due.step;
        self.store.send_document(
            due.dossier.id,
            doc.id,
            |d| d.reminders.sent.push(SentReminder { step, on: day }),
            std::slice::from_ref(&line),
            mails,
            bounces,
        )
    }

    /// Turns the reminders of document `id` off (or on again); staff, on any document
    /// of an open dossier, issued or not.
    pub fn set_reminders_off(
        &self,
        actor: &User,
        dossier: DossierId,
        id: DocumentId,
        off: bool,
    ) -> Result<Document> {
        self.authorize(actor, dossier, Action::EditDocuments)?;
        self.store
            .update_item(dossier, id.raw(), None, |doc: &mut Document| {
                doc.reminders.off = off;
                Ok(())
            })
    }
}
