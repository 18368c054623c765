//! Plain types and rules of the product, with no I/O: ids, addresses, people, dossiers
//! and their contents, money. Everything here is built once at a boundary (form, mail,
//! CLI, store) and trusted inside.

mod addresses;
mod agreement;
mod answer;
mod business;
mod company_ids;
mod deliveries;
mod discussion;
mod documents;
mod dossier;
mod email;
mod ids;
mod intents;
mod items;
mod mail;
pub mod money;
mod people;
pub mod reminders;
pub mod text;
mod trust;

pub use addresses::{Addressing, OurAddress, Token};
pub use agreement::says_agreement;
pub use answer::{
    Answer, CODE_MINUTES, CODE_RESEND_SECONDS, CODE_TRIES, CodeCheck, Confirmation, Decision,
    new_code,
};
pub use business::{Billing, BusinessProfile, Insurance, PostalAddress};
pub use deliveries::{NoticeKind, OutId, OutMail, OutState, Prefs};
pub use discussion::{BlobRef, Door, FileEntry, MailOrigin, Message, NewFile, NewMessage, Part};
pub use documents::{
    Buyer, DocKind, DocNumber, DocStatus, Document, DocumentDraft, Issued, Lifecycle, Nature,
    Share, Terms,
};
pub use dossier::{
    Dossier, DossierNumber, HistoryEntry, HistoryKind, ItemChange, ItemKind, MailKey, NewDossier,
    Status,
};
pub use email::{BadAddress, EmailAddress};
pub use ids::*;
pub use intents::{EventChange, Intent, Subject};
pub use items::{
    Activity, ActivityDraft, Assignment, Attendance, Event, EventDraft, EventTime, Expense,
    ExpenseCategory, ExpenseDraft, PartStat,
};
pub use mail::{
    AddressHealth, BounceTarget, Entrance, Envelope, HARD_BOUNCE_LIMIT, HeldId, HeldMail, LogEntry,
    LogId, Outcome, ReplyAddress,
};
pub use money::{Cents, Line, Quantity, Totals, VatRate};
pub use people::{Client, ClientKind, Lang, NewUser, User};
pub use text::FileName;
pub use trust::{AuthResult, CheckedBy, SenderCheck, Trust};
