//! Sending a document by e-mail, as the services see it: staff send, on an open dossier,
//! to the client's people whose address still takes mail; a draft invoice or credit note
//! is issued first, a draft quote becomes sent; the history keeps who sent which PDF
//! (its SHA-256) to whom, in the transaction that queues the e-mails.

use super::documents::item_line;
use super::dossiers::entry;
use super::{Printed, Services};
use crate::domain::{
    BounceTarget, Client, DocStatus, Document, DocumentId, DossierId, ItemChange, OutMail, User,
    UserId,
};
use crate::error::{Error, Refusal, Result};
use crate::policy::Action;

/// A document about to be sent, and who it may go to.
pub struct Sending {
    /// The document as it prints.
    pub printed: Printed,
    /// The client's people.
    pub offered: Vec<Offered>,
}

/// One person a document may be sent to.
pub struct Offered {
    /// Who.
    pub user: User,
    /// Their address bounced for good: nothing is sent to it any more.
    pub stopped: bool,
}

impl Sending {
    /// The people of `chosen` among those offered, refused when none is left.
    pub fn recipients(&self, chosen: &[UserId]) -> Result<Vec<User>> {
        let to: Vec<User> = self
            .offered
            .iter()
            .filter(|o| !o.stopped && chosen.contains(&o.user.id))
            .map(|o| o.user.clone())
            .collect();
        if to.is_empty() {
            return Err(Error::Invalid(
                Refusal::new(
                    "Choisissez au moins un destinataire.",
                    "Choose at least one recipient.",
                )
                .on("to"),
            ));
        }
        Ok(to)
    }
}

/// A sender's note to go with a document.
const NOTE: super::Named = super::Named::new("note", "Le mot d'accompagnement", "note");

/// The longest note, in characters.
const NOTE_MAX: usize = 5_000;

impl Services {
    /// A client's people, each with whether their address stopped taking mail.
    pub(crate) fn client_people(&self, client: &Client) -> Result<Vec<Offered>> {
        let mut people = Vec::new();
        for member in &client.members {
            if let Some(user) = self.store.user(*member)? {
                let stopped = self.store.is_stopped(user.primary_email())?;
                people.push(Offered { user, stopped });
            }
        }
        Ok(people)
    }

    /// The note a sender typed to go with a document: possibly empty, not too long.
    pub fn sending_note(&self, text: &str) -> Result<String> {
        NOTE.body(text, NOTE_MAX)
    }

    /// Document `id` of `dossier` as it would be sent, and the client's people it may be
    /// sent to. Staff only, on an open dossier.
    pub fn sending(&self, actor: &User, dossier: DossierId, id: DocumentId) -> Result<Sending> {
        let visit = self.authorize(actor, dossier, Action::EditDocuments)?;
        let offered = self.client_people(&visit.client)?;
        Ok(Sending {
            printed: self.printed_in(visit, id)?,
            offered,
        })
    }

    /// `sending`, ready to print: a draft invoice or credit note is issued first (it is
    /// numbered, its seller and buyer kept); any other document goes as it stands.
    pub fn ready_to_send(&self, actor: &User, sending: Sending) -> Result<Sending> {
        let doc = &sending.printed.document;
        if !(doc.kind().issued_once() && !doc.frozen() && doc.status == DocStatus::Draft) {
            return Ok(sending);
        }
        let dossier = sending.printed.dossier.id;
        let issued = self.issue_document(actor, dossier, doc.id)?;
        let mut sending = sending;
        let printed = &mut sending.printed;
        printed.related = self.store.items(dossier)?;
        printed.document = issued;
        Ok(sending)
    }

    /// Records that `actor` sent document `id` of `sending` to `to` as the PDF `pdf`
    /// (kept as a blob, named by its SHA-256 in the history), and queues `mails` (with their `bounces`) in the same
    /// transaction. A draft quote becomes sent.
    pub fn document_sent(
        &self,
        actor: &User,
        sending: &Sending,
        to: &[User],
        pdf: &[u8],
        mails: &[OutMail],
        bounces: &[BounceTarget],
    ) -> Result<Document> {
        let printed = &sending.printed;
        let dossier = printed.dossier.id;
        self.authorize(actor, dossier, Action::EditDocuments)?;
        // The exact PDF sent is kept: the history names it by its SHA-256.
        let pdf_sha256 = self.store.blobs().put(pdf)?.sha256;
        let doc = &printed.document;
        let mut lines = Vec::new();
        if doc.status == DocStatus::Draft {
            let change = ItemChange::Status {
                from: DocStatus::Draft,
                to: DocStatus::Sent,
            };
            lines.push(entry(actor, item_line(doc, change)));
        }
        let sent = ItemChange::Sent {
            to: to
                .iter()
                .map(|u| format!("{} <{}>", u.name, u.primary_email()))
                .collect(),
            pdf_sha256,
        };
        lines.push(entry(actor, item_line(doc, sent)));
        self.store.send_document(
            dossier,
            doc.id,
            |d| {
                if d.status == DocStatus::Draft {
                    d.status = DocStatus::Sent;
                }
            },
            &lines,
            mails,
            bounces,
        )
    }
}
