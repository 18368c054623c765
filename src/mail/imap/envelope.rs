//! The envelope of a message read from a mailbox: the SMTP envelope is gone, so the
//! recipients are our addresses found in `Delivered-To`, `X-Original-To`, `To` and `Cc`
//! (in that order), and the sender is the `Return-Path` the delivering server wrote.

use chrono::Utc;
use mail_parser::{HeaderName, MessageParser};

use crate::domain::{Entrance, Envelope};
use crate::mail::pipeline::Pipeline;

/// The envelope of `raw`, named `source`; no recipient when none of its addresses is ours.
pub fn of_message(raw: &[u8], pipeline: &Pipeline, source: String) -> Envelope {
    let mut recipients: Vec<String> = Vec::new();
    let mut sender = Some(String::new());
    if let Some(message) = MessageParser::default().parse_headers(raw) {
        let mut candidates: Vec<String> = Vec::new();
        for name in ["Delivered-To", "X-Original-To"] {
            candidates.extend(
                message
                    .header_values(HeaderName::Other(name.into()))
                    .filter_map(|value| value.as_text())
                    .map(|text| bare(text).to_string()),
            );
        }
        for list in [message.to(), message.cc()].into_iter().flatten() {
            candidates.extend(list.iter().filter_map(|a| a.address()).map(str::to_string));
        }
        for candidate in candidates {
            let known = recipients
                .iter()
                .any(|r| r.eq_ignore_ascii_case(&candidate));
            if !known && pipeline.ours(&candidate).is_some() {
                recipients.push(candidate);
            }
        }
        sender = match message.header_raw(HeaderName::ReturnPath) {
            Some(path) if bare(path).is_empty() => None,
            Some(path) => Some(bare(path).to_string()),
            // No Return-Path: the message is treated as sent by a person, as `ingest`
            // does without `--sender`.
            None => Some(String::new()),
        };
    }
    Envelope {
        sender,
        recipients,
        entrance: Entrance::Imap,
        peer: None,
        helo: None,
        received_at: Utc::now(),
        source: Some(source),
    }
}

/// `<a@b>` → `a@b`.
fn bare(text: &str) -> &str {
    text.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
}
