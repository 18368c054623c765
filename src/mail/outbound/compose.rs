//! One notification e-mail for one person: built with lettre's message builder (which
//! encodes every header, so no user text can inject one), the text and HTML parts from
//! `templates/email.rs`, an `invite.ics` per event, and the headers that make replies
//! come back to the dossier and keep mail programs from answering automatically.

use chrono::{DateTime, Utc};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::Notifier;
use std::sync::Arc;

use crate::domain::reminders::Tone;
use crate::domain::{
    BounceTarget, Document, Dossier, Event, EventChange, EventTime, FileEntry, Message, OurAddress,
    OutMail, OutState, Token, User,
};
use crate::error::{Error, Result};
use crate::mail::LOOP_HEADER;
use crate::printing::Pdf;
use crate::store::{BlobWriter, Blobs, Part, Store};
use crate::templates::email::{self, EmailView, ItemView};
use crate::templates::format;

/// One addition to tell about.
#[derive(Debug, Clone)]
pub enum Addition {
    /// A message and its (non-inline) files.
    Message(Message, Vec<FileEntry>),
    /// A file.
    File(FileEntry),
    /// An event and what happened to it.
    Event(Event, EventChange),
    /// A document sent with its PDF, what its sender wrote with it, and the tone of the
    /// reminder it is, if it is one.
    Document(Box<Document>, Arc<Pdf>, String, Option<Tone>),
}

/// Who tells whom about what.
pub struct Notice<'a> {
    /// The dossier.
    pub dossier: &'a Dossier,
    /// Who added the items.
    pub author: &'a User,
    /// Who reads the e-mail.
    pub recipient: &'a User,
    /// What they may see of it.
    pub items: Vec<Addition>,
}

fn header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

fn mailbox(name: Option<String>, address: &str) -> Result<Mailbox> {
    let email = address
        .parse()
        .map_err(|e| Error::Storage(crate::error::Cause::of(format!("address {address}"), e)))?;
    Ok(Mailbox::new(name, email))
}

/// The id every notification of a dossier points at, so each dossier is one thread.
pub fn thread_root(dossier: &Dossier, domain: &str) -> String {
    format!("<dossier-{}@{domain}>", dossier.number)
}

/// The e-mails of one pass, written as parts of one blob: one file and its fsyncs for
/// them all. The file is made with the first e-mail, so a pass with none writes nothing.
pub struct Pack {
    blobs: Blobs,
    writer: Option<BlobWriter>,
}

impl Pack {
    /// An empty pack in `store`'s blob folder.
    pub fn new(store: &Store) -> Pack {
        Pack {
            blobs: store.blobs().clone(),
            writer: None,
        }
    }

    /// Writes `raw` as the pack's next part.
    fn add(&mut self, raw: &[u8]) -> Result<Part> {
        let writer = match &mut self.writer {
            Some(writer) => writer,
            None => self.writer.insert(self.blobs.writer()?),
        };
        writer.part(raw)
    }

    /// Makes the pack durable and names it in each of its `mails`.
    pub fn seal<'a>(self, mails: impl IntoIterator<Item = &'a mut OutMail>) -> Result<()> {
        let Some(writer) = self.writer else {
            return Ok(());
        };
        let stored = writer.finish()?;
        for mail in mails {
            mail.raw_sha256 = stored.sha256.clone();
        }
        Ok(())
    }
}

impl Notifier {
    /// Builds the e-mail and its bounce address; the raw message is written in `pack`,
    /// which the caller seals before queuing the e-mail.
    pub fn compose(
        &self,
        notice: &Notice,
        now: DateTime<Utc>,
        pack: &mut Pack,
    ) -> Result<(OutMail, BounceTarget)> {
        let s = &self.settings;
        let store = self.services.store();
        let (dossier, recipient) = (notice.dossier, notice.recipient);
        let reply = store.reply_address(dossier.id, recipient.id)?;
        let reply_address = s.address(&OurAddress::Reply(reply.token.clone()));
        let id = store.new_id()?;
        let bounce = BounceTarget {
            mail: Some(id),
            token: Token::generate(),
            recipient: recipient.primary_email().clone(),
            dossier: Some(dossier.id),
        };
        let envelope_from = s.address(&OurAddress::Bounce(bounce.token.clone()));
        let message_id = format!("{}@{}", uuid::Uuid::new_v4(), s.mail_domain);
        let dossier_url = format!("{}/dossiers/{}", s.base_url, dossier.number);
        let mute = reply.mute.as_ref().ok_or_else(|| {
            Error::storage(format!(
                "the reply address {} has no mute token",
                reply.token
            ))
        })?;
        let mute_url = format!("{}/mute/{}", s.base_url, mute);
        let view = EmailView {
            lang: recipient.lang,
            business: s.business.clone(),
            number: dossier.number.to_string(),
            title: dossier.title.clone(),
            author: notice.author.name.clone(),
            items: notice
                .items
                .iter()
                .map(|item| self.item_view(item, recipient, &dossier_url))
                .collect(),
            dossier_url: dossier_url.clone(),
            mute_url: mute_url.clone(),
        };
        let subject = email::subject(&view);
        let root = thread_root(dossier, &s.mail_domain);
        let alternative = MultiPart::alternative()
            .singlepart(SinglePart::plain(email::text(&view)))
            .singlepart(SinglePart::html(email::html(&view).into_string()));
        let organizer = s.address(&OurAddress::Notifications);
        let mut attachments = Vec::new();
        for item in &notice.items {
            match item {
                Addition::Event(event, _) => {
                    let method = crate::ical::invite_method(event);
                    let calendar = ContentType::parse(&format!(
                        "text/calendar; charset=utf-8; method={method}"
                    ))
                    .map_err(|e| Error::Storage(crate::error::Cause::of("calendar type", e)))?;
                    attachments.push(Attachment::new("invite.ics".into()).body(
                        crate::ical::invite(event, &organizer, recipient.primary_email().as_str()),
                        calendar,
                    ));
                }
                Addition::Document(_, pdf, ..) => {
                    let pdf_type = ContentType::parse("application/pdf")
                        .map_err(|e| Error::Storage(crate::error::Cause::of("PDF type", e)))?;
                    attachments.push(
                        Attachment::new(pdf.name.to_string()).body(pdf.bytes.clone(), pdf_type),
                    );
                }
                Addition::Message(..) | Addition::File(_) => {}
            }
        }
        let body = if attachments.is_empty() {
            alternative
        } else {
            attachments
                .into_iter()
                .fold(MultiPart::mixed().multipart(alternative), |mixed, part| {
                    mixed.singlepart(part)
                })
        };
        let message = lettre::Message::builder()
            .from(mailbox(
                Some(format!("{} (via {})", notice.author.name, s.business)),
                &organizer,
            )?)
            .reply_to(mailbox(
                Some(format!("{} {}", dossier.number, dossier.title)),
                &reply_address,
            )?)
            .to(mailbox(
                Some(recipient.name.clone()),
                recipient.primary_email().as_str(),
            )?)
            .subject(subject.clone())
            .date(now.into())
            .message_id(Some(format!("<{message_id}>")))
            .in_reply_to(root.clone())
            // The thread root only: References are copied to everyone in a thread, so
            // they carry no one's reply token.
            .references(root.clone())
            .raw_header(header("Auto-Submitted", "auto-generated".into()))
            .raw_header(header("X-Auto-Response-Suppress", "All".into()))
            .raw_header(header(LOOP_HEADER, s.mail_domain.clone()))
            .raw_header(header(
                "List-Id",
                format!("<{}.{}>", dossier.number, s.mail_domain),
            ))
            .raw_header(header("List-Unsubscribe", format!("<{mute_url}>")))
            .raw_header(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".into(),
            ))
            .multipart(body)
            .map_err(|e| Error::Storage(crate::error::Cause::of("building a notification", e)))?;
        let raw = self.signed(message.formatted())?;
        let part = pack.add(&raw)?;
        let mail = OutMail {
            id,
            created_at: now,
            dossier: Some(dossier.id),
            user: recipient.id,
            recipient: recipient.primary_email().clone(),
            envelope_from,
            message_id,
            subject,
            // Known once the pack is sealed.
            raw_sha256: String::new(),
            raw_part: Some(part),
            attempts: 0,
            next_at: now,
            state: OutState::Pending,
            last_error: None,
        };
        Ok((mail, bounce))
    }

    fn item_view(&self, item: &Addition, reader: &User, dossier_url: &str) -> ItemView {
        let file_url = |f: &FileEntry| format!("{dossier_url}/files/{}", f.id);
        match item {
            Addition::Message(message, files) => ItemView::Message {
                text: message.text.clone(),
                files: files
                    .iter()
                    .map(|f| (f.blob.name.to_string(), file_url(f)))
                    .collect(),
                url: format!("{dossier_url}#message-{}", message.id),
            },
            Addition::File(file) => ItemView::File {
                name: file.blob.name.to_string(),
                url: file_url(file),
            },
            Addition::Event(event, change) => ItemView::Event {
                change: *change,
                title: event.title.clone(),
                when: match &event.time {
                    EventTime::Timed { start, end } => format!(
                        "{} – {}",
                        format::datetime(reader.lang, self.settings.timezone, *start),
                        format::datetime(reader.lang, self.settings.timezone, *end)
                    ),
                    EventTime::AllDay { first, last } if first == last => {
                        format::date(reader.lang, *first)
                    }
                    EventTime::AllDay { first, last } => {
                        format!(
                            "{} – {}",
                            format::date(reader.lang, *first),
                            format::date(reader.lang, *last)
                        )
                    }
                },
                place: event.place.clone(),
                description: event.description.clone(),
                url: format!("{dossier_url}#event-{}", event.id),
            },
            Addition::Document(doc, pdf, note, reminder) => ItemView::Document {
                reminder: *reminder,
                kind: doc.kind(),
                number: doc.number.to_string(),
                title: doc.title.clone(),
                total: format::money(reader.lang, doc.totals().total),
                until: match doc.kind() {
                    crate::domain::DocKind::Quote => doc.terms.valid_until,
                    crate::domain::DocKind::Invoice => doc.terms.due,
                    _ => None,
                }
                .map(|day| format::date(reader.lang, day)),
                note: note.clone(),
                pdf: pdf.name.to_string(),
                url: format!("{dossier_url}/documents/{}", doc.id),
            },
        }
    }
}
