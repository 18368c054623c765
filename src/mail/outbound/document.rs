//! A document sent by e-mail: one e-mail per chosen person of the client, in their
//! language, with the PDF attached (Factur-X for an invoice or a credit note), a link to
//! the document and their reply address; queued through the outbox in the transaction
//! that marks the document sent and writes who sent which PDF to whom.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Notifier;
use super::compose::{Addition, Notice, Pack};
use crate::domain::{Document, DocumentId, DossierId, User, UserId};
use crate::error::Result;

impl Notifier {
    /// Sends document `id` of `dossier` as `actor` to the people of `chosen`
    /// among the client's, with `note`. A draft invoice or credit note is issued first.
    pub fn send_document(
        &self,
        actor: &User,
        dossier: DossierId,
        id: DocumentId,
        chosen: &[UserId],
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<Document> {
        let services = &self.services;
        let sending = services.sending(actor, dossier, id)?;
        let to = sending.recipients(chosen)?;
        let note = services.sending_note(note)?;
        let sending = services.ready_to_send(actor, sending)?;
        let printed = &sending.printed;
        let pdf = Arc::new(crate::printing::pdf(printed, self.settings.printer())?);
        let mut pack = Pack::new(services.store());
        let mut mails = Vec::with_capacity(to.len());
        let mut bounces = Vec::with_capacity(to.len());
        for recipient in &to {
            let notice = Notice {
                dossier: &printed.dossier,
                author: actor,
                recipient,
                items: vec![Addition::Document(
                    Box::new(printed.document.clone()),
                    pdf.clone(),
                    note.clone(),
                    None,
                )],
            };
            let (mail, bounce) = self.compose(&notice, now, &mut pack)?;
            mails.push(mail);
            bounces.push(bounce);
        }
        pack.seal(&mut mails)?;
        services.document_sent(actor, &sending, &to, &pdf.bytes, &mails, &bounces)
    }
}
