//! Inbound e-mail: the spool (durable before `250`), the analysis of one message
//! (classify, trim, attachments), the one pipeline behind every door, and the SMTP /
//! LMTP session. Nothing here sends mail.

pub mod spool;
