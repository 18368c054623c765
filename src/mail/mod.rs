//! Inbound e-mail: the spool (durable before `250`), the analysis of one message
//! (classify, trim, attachments), the one pipeline behind every door, and the SMTP /
//! LMTP session, the IMAP intake. Nothing here sends mail.

pub mod analysis;
pub mod attachments;
pub mod auth;
pub mod classify;
pub mod flowed;
pub mod html;
pub mod imap;
pub mod intake;
pub mod outbound;
pub mod pipeline;
pub mod reply;
pub mod rfc2231;
pub mod smtp;
pub mod spool;
pub mod tls;
pub mod worker;

/// The header our notifications carry; mail that has it is never posted.
pub const LOOP_HEADER: &str = "X-Dossier-Loop";
