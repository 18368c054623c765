//! The discussion and the files: every actor reads, posts, uploads and downloads;
//! staff rename and delete files. Adding a message or a file writes its notification
//! intent in the same transaction.

use crate::domain::{
    Door, DossierId, FileEntry, FileId, FileName, HistoryKind, Message, MessageId, NewFile,
    NewMessage, Subject, User,
};
use crate::error::{Error, Refusal, Result};
use crate::policy::{self, Action};
use crate::store::Change;

use super::dossiers::entry;
use super::{MESSAGE, Services, now};

/// A message's text as it is kept, or why it cannot be: the doors ask before they keep
/// the files that come with it.
pub fn message_text(text: &str, with_files: bool) -> Result<String> {
    let body = MESSAGE.body(text, 100_000)?;
    if body.trim().is_empty() && !with_files {
        return Err(Error::Invalid(
            Refusal::new(
                "Écrivez un message ou joignez un fichier.",
                "A message needs some text or a file.",
            )
            .on("text"),
        ));
    }
    Ok(body)
}

impl Services {
    /// The discussion of a dossier, oldest first.
    pub fn messages(&self, actor: &User, dossier: DossierId) -> Result<Vec<Message>> {
        self.authorize(actor, dossier, Action::ReadMessages)?;
        self.store.items(dossier)
    }

    /// Posts a message with its attachments (already stored as blobs); they become files
    /// of the dossier. One intent tells the other actors about the message and its files.
    pub fn post_message(
        &self,
        actor: &User,
        dossier: DossierId,
        door: Door,
        new: NewMessage,
    ) -> Result<Message> {
        self.post_message_with(actor, dossier, door, new, |_, _| Ok(()))
    }

    /// Posts a message, letting the caller add writes to the same transaction (the mail
    /// pipeline adds its claims and its log line, so a message is ingested exactly once).
    /// Each attachment is a file of its own, even when its bytes are an earlier file's
    /// (only the blob is shared).
    pub(crate) fn post_message_with(
        &self,
        actor: &User,
        dossier: DossierId,
        door: Door,
        new: NewMessage,
        extra: impl Fn(&mut Change, MessageId) -> Result<()>,
    ) -> Result<Message> {
        let visit = self.authorize(actor, dossier, Action::PostMessage)?;
        if !new.attachments.is_empty() {
            self.authorize(actor, dossier, Action::UploadFiles)?;
        }
        let body = message_text(&new.text, !new.attachments.is_empty())?;
        let id: MessageId = self.store.new_id()?;
        let at = now();
        // Each upload is a file of its own (name, sender, message, time), even when its
        // bytes are an earlier file's: only the blob is shared. Within one message, the
        // same file given twice (same bytes, same name) is listed once.
        let mut files: Vec<FileEntry> = Vec::new();
        let mut attachments = Vec::new();
        for file in &new.attachments {
            let known = files.iter().find(|f| {
                f.blob.sha256 == file.blob.sha256
                    && f.blob.name == file.blob.name
                    && f.inline == file.inline
            });
            match known {
                Some(known) => attachments.push(known.id),
                None => {
                    let entry = self.file_entry(dossier, actor, door, file, Some(id))?;
                    attachments.push(entry.id);
                    files.push(entry);
                }
            }
        }
        let message = Message {
            id,
            dossier,
            author: actor.id,
            text: body,
            elided: new.elided,
            door,
            attachments,
            mail: new.mail,
            at,
        };
        let intent = self.intent(&visit, actor, Subject::Message(id))?;
        let mut change = Change::to(dossier);
        for file in &files {
            change.put(file)?;
        }
        change.put(&message)?.notify(&intent)?;
        extra(&mut change, id)?;
        self.store.apply(&change)?;
        Ok(message)
    }

    /// Adds one file (already stored as a blob) and tells the other actors.
    pub fn add_file(
        &self,
        actor: &User,
        dossier: DossierId,
        door: Door,
        new: NewFile,
    ) -> Result<FileEntry> {
        let visit = self.authorize(actor, dossier, Action::UploadFiles)?;
        let file = self.file_entry(dossier, actor, door, &new, None)?;
        let intent = self.intent(&visit, actor, Subject::File(file.id))?;
        let mut change = Change::to(dossier);
        change.put(&file)?.notify(&intent)?;
        self.store.apply(&change)?;
        Ok(file)
    }

    /// The files of a dossier, oldest first (images shown inside messages aside).
    pub fn files(&self, actor: &User, dossier: DossierId) -> Result<Vec<FileEntry>> {
        self.authorize(actor, dossier, Action::DownloadFiles)?;
        Ok(self
            .store
            .items::<FileEntry>(dossier)?
            .into_iter()
            .filter(|f| !f.inline)
            .collect())
    }

    /// One file, for download.
    pub fn file(&self, actor: &User, dossier: DossierId, id: FileId) -> Result<FileEntry> {
        self.authorize(actor, dossier, Action::DownloadFiles)?;
        self.store.item(dossier, id.raw())?.ok_or(Error::NotFound)
    }

    /// Renames a file (staff); recorded in the history.
    pub fn rename_file(
        &self,
        actor: &User,
        dossier: DossierId,
        id: FileId,
        name: &str,
    ) -> Result<FileEntry> {
        self.authorize(actor, dossier, Action::ManageFiles)?;
        let mut file = self.file(actor, dossier, id)?;
        // An empty name is a mistake, not a wish for "file".
        if name.trim().trim_matches('.').trim().is_empty() {
            return Err(Error::Invalid(
                Refusal::new(
                    "Saisissez le nouveau nom du fichier.",
                    "Type the file's new name.",
                )
                .on("name"),
            ));
        }
        let new_name = FileName::sanitize(name);
        let from = std::mem::replace(&mut file.blob.name, new_name);
        let mut change = Change::to(dossier);
        change.put(&file)?.record(entry(
            actor,
            HistoryKind::FileRenamed {
                from: from.to_string(),
                to: file.blob.name.to_string(),
            },
        ));
        self.store.apply(&change)?;
        Ok(file)
    }

    /// Deletes a file from the dossier (staff); recorded in the history. The content
    /// stays in the blob folder while anything else names it.
    pub fn delete_file(&self, actor: &User, dossier: DossierId, id: FileId) -> Result<()> {
        self.authorize(actor, dossier, Action::ManageFiles)?;
        let file = self.file(actor, dossier, id)?;
        let mut change = Change::to(dossier);
        change.remove(&file).record(entry(
            actor,
            HistoryKind::FileDeleted {
                name: file.blob.name.to_string(),
            },
        ));
        self.store.apply(&change)
    }

    fn file_entry(
        &self,
        dossier: DossierId,
        actor: &User,
        door: Door,
        new: &NewFile,
        message: Option<MessageId>,
    ) -> Result<FileEntry> {
        if !self.store.blobs().exists(&new.blob.sha256) {
            return Err(Error::storage(format!(
                "blob {} was not stored first",
                new.blob.sha256
            )));
        }
        Ok(FileEntry {
            id: self.store.new_id()?,
            dossier,
            blob: new.blob.clone(),
            added_by: actor.id,
            added_at: now(),
            door,
            message,
            inline: new.inline,
        })
    }
}

impl Services {
    /// The original e-mail a message came from, as received (readers of the message).
    pub fn original_mail(
        &self,
        actor: &User,
        dossier: DossierId,
        id: MessageId,
    ) -> Result<std::fs::File> {
        let visit = self.authorize(actor, dossier, Action::ReadMessages)?;
        let message: Message = self.store.item(dossier, id.raw())?.ok_or(Error::NotFound)?;
        if !policy::may_read_original(actor, visit.role, message.author) {
            return Err(Error::NotFound);
        }
        let origin = message.mail.ok_or(Error::NotFound)?;
        self.store.blobs().open_blob(&origin.raw_sha256)
    }

    /// A temporary file for an upload, kept only by [`crate::store::BlobWriter::finish`].
    pub fn upload_file(&self) -> Result<crate::store::BlobWriter> {
        self.store.blobs().writer()
    }

    /// A file of the dossier and its content, for downloading.
    pub fn file_content(
        &self,
        actor: &User,
        dossier: DossierId,
        id: FileId,
    ) -> Result<(FileEntry, std::fs::File)> {
        let file = self.file(actor, dossier, id)?;
        let content = self.store.blobs().open_blob(&file.blob.sha256)?;
        Ok((file, content))
    }
}
