//! Messages and files: what people exchange in a dossier, through the web or by e-mail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DossierId, FileId, FileName, MessageId, UserId};

/// Through which door an item came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Door {
    /// A web form.
    Web,
    /// An e-mail (SMTP or `dossier ingest`).
    Email,
    /// The command line.
    Cli,
}

/// Content stored in the blob folder, addressed by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRef {
    /// Safe name to offer for download.
    pub name: FileName,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the content; the blob's address.
    pub sha256: String,
}

/// A part of a blob: `len` bytes from `offset` (a pass of outgoing e-mails is one blob).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// Where it starts.
    pub offset: u64,
    /// Its length.
    pub len: u64,
}

/// A file of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Store id.
    pub id: FileId,
    /// Its dossier.
    pub dossier: DossierId,
    /// Name, type, size and hash.
    pub blob: BlobRef,
    /// Who added it.
    pub added_by: UserId,
    /// When.
    pub added_at: DateTime<Utc>,
    /// Web upload, e-mail attachment or CLI.
    pub door: Door,
    /// The message it came with, if any.
    pub message: Option<MessageId>,
    /// An image shown inside its message's HTML (`cid:`): listed with the message,
    /// not among the dossier's files.
    #[serde(default)]
    pub inline: bool,
}

/// Where an e-mail message came from, so that nothing trimmed away is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailOrigin {
    /// The `Message-ID` header, if there was one.
    pub message_id: Option<String>,
    /// The raw message's SHA-256; the raw file is kept under that name.
    pub raw_sha256: String,
    /// How its sender was trusted (absent on messages posted before the checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<super::Trust>,
}

/// A discussion message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Store id.
    pub id: MessageId,
    /// Its dossier.
    pub dossier: DossierId,
    /// Who wrote it.
    pub author: UserId,
    /// The kept text.
    pub text: String,
    /// What was cut from an e-mail (quoted history, signature), folded in the view.
    pub elided: String,
    /// Web, e-mail or CLI.
    pub door: Door,
    /// Files that came with it.
    pub attachments: Vec<FileId>,
    /// For e-mail: the original message.
    pub mail: Option<MailOrigin>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A file to add, whose content is already stored as a blob.
#[derive(Debug, Clone)]
pub struct NewFile {
    /// The stored content and its name.
    pub blob: BlobRef,
    /// Shown inside its message rather than listed among the files.
    pub inline: bool,
}

impl NewFile {
    /// An ordinary attachment or upload, listed among the dossier's files.
    pub fn attached(blob: BlobRef) -> NewFile {
        NewFile {
            blob,
            inline: false,
        }
    }
}

/// A message to post.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    /// The kept text.
    pub text: String,
    /// The cut part, for e-mail.
    pub elided: String,
    /// Attached files, already stored as blobs.
    pub attachments: Vec<NewFile>,
    /// For e-mail: the original message.
    pub mail: Option<MailOrigin>,
}
