//! The attachments of a message, decoded: their names (RFC 2047, RFC 2231 continued
//! in their charset), their types (guessed from the name when the sender declared
//! none useful), and whether an image is the sender's file or part of the message
//! (a signature logo shown through `cid:`).

use std::collections::HashSet;
use std::sync::LazyLock;

use mail_parser::{Encoding, Message, MessagePart, MimeHeaders, PartType};
use regex::Regex;
use serde::Serialize;

use crate::domain::FileName;

/// One attachment, decoded.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    /// Safe file name.
    pub name: FileName,
    /// MIME type, lower case.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// An image the HTML body shows through `cid:`: it stays with its message.
    pub inline: bool,
    /// The decoded content.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// The attachments, decoded. An image the HTML shows is the sender's file when the
/// text part's placeholder for it (`[image: name]`, `[cid:…]`) stands in the kept
/// text (a pasted photo), and the placeholder goes; shown elsewhere (a signature
/// logo) it stays with its message.
pub(super) fn attachments(
    raw: &[u8],
    message: &Message,
    kept: &mut String,
    reasons: &mut Vec<String>,
) -> Vec<Attachment> {
    // Gathered only when a part has a Content-ID to look for (most mail has none).
    let shown = std::cell::OnceCell::new();
    // The parts of a multipart/related are the HTML's own resources (logos, pasted
    // images); an image the HTML shows from a multipart/mixed was attached by the
    // sender and placed in the text (as Apple Mail does): a file like any other.
    let related: Vec<u32> = message
        .parts
        .iter()
        .filter(|p| {
            p.content_type().is_some_and(|t| {
                t.subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("related"))
            })
        })
        .flat_map(|p| match &p.body {
            PartType::Multipart(children) => children.clone(),
            _ => Vec::new(),
        })
        .collect();
    let mut out = Vec::new();
    for id in &message.attachments {
        let Some(part) = message.parts.get(*id as usize) else {
            continue;
        };
        let Some(bytes) = decoded(raw, part) else {
            reasons.push("an attachment could not be decoded and was skipped".into());
            continue;
        };
        let content_type = content_type(part);
        if content_type.starts_with("multipart/") {
            // A multipart without boundaries in its body: read as text, not a file.
            continue;
        }
        let cid = part
            .content_id()
            .map(|c| c.trim_matches(['<', '>']).to_ascii_lowercase());
        let shown_by_cid = related.contains(id)
            && cid
                .as_ref()
                .is_some_and(|c| shown.get_or_init(|| shown_ids(message)).contains(c));
        // A name in continuations is joined here, decoded once in its own charset.
        let header = raw
            .get(part.offset_header as usize..part.offset_body as usize)
            .unwrap_or_default();
        let named = super::rfc2231::continued(header, "filename")
            .or_else(|| super::rfc2231::continued(header, "name"))
            .or_else(|| super::rfc2231::in_adjacent_words(header))
            .or_else(|| part.attachment_name().map(str::to_string))
            .map(|name| FileName::sanitize(&name));
        let content_type = guessed(content_type, named.as_ref());
        let name = match (named, &part.body) {
            (Some(name), _) => name,
            (None, PartType::Message(inner)) => FileName::sanitize(&format!(
                "{}.eml",
                inner
                    .subject()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or("message")
            )),
            (None, _) => {
                FileName::sanitize(&format!("attachment.{}", extension_for(&content_type)))
            }
        };
        let placed = shown_by_cid
            && drop_placeholder(
                kept,
                &[
                    format!("[cid:{}]", cid.as_deref().unwrap_or_default()),
                    format!("[image: {name}]"),
                ],
            );
        let inline = shown_by_cid && !placed;
        if content_type == "application/ms-tnef"
            || name.as_str().eq_ignore_ascii_case("winmail.dat")
        {
            reasons.push(format!(
                "{name} is Outlook's TNEF wrapping: kept as sent (no TNEF reader is trusted here; the sender can send the files again without Outlook's rich text)"
            ));
        }
        out.push(Attachment {
            name,
            size: bytes.len() as u64,
            content_type,
            inline,
            bytes,
        });
    }
    out
}

/// The Content-IDs the bodies show through `cid:`, in lower case: the HTML's images,
/// and the `[cid:…]` a text part writes in their place (a signature logo). Read once
/// for all the parts, whatever their number.
fn shown_ids(message: &Message) -> HashSet<String> {
    static CID: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?i)cid:([^\s"'<>\]\)]+)"#).expect("valid pattern"));
    let bodies = message.html_body.iter().chain(&message.text_body);
    bodies
        .filter_map(|id| match &message.parts.get(*id as usize)?.body {
            PartType::Html(text) | PartType::Text(text) => Some(text),
            _ => None,
        })
        .flat_map(|text| CID.captures_iter(text).map(|c| c[1].to_ascii_lowercase()))
        .collect()
}

/// Takes out of `kept` the first line that is one of `placeholders` (ASCII case
/// aside), with a blank line around it; whether there was one.
fn drop_placeholder(kept: &mut String, placeholders: &[String]) -> bool {
    // Every placeholder opens with a bracket: most texts have none to look at.
    if !kept.contains('[') {
        return false;
    }
    let lines: Vec<&str> = kept.lines().collect();
    let Some(at) = lines.iter().position(|l| {
        placeholders
            .iter()
            .any(|p| l.trim().eq_ignore_ascii_case(p))
    }) else {
        return false;
    };
    let blank = |i: usize| lines.get(i).is_some_and(|l| l.trim().is_empty());
    let end = at + 1 + usize::from(at > 0 && blank(at - 1) && blank(at + 1));
    let mut rest = lines[..at].to_vec();
    rest.extend(&lines[end..]);
    *kept = rest.join("\n").trim().to_string();
    true
}

/// The declared type, or one guessed from the name when the sender declared none
/// useful (`application/octet-stream`).
fn guessed(declared: String, name: Option<&FileName>) -> String {
    if declared != "application/octet-stream" {
        return declared;
    }
    name.and_then(|n| mime_guess::from_path(n.as_str()).first())
        .map(|m| m.essence_str().to_string())
        .unwrap_or(declared)
}

/// `type/subtype` in lower case; `message/rfc822` for forwarded mail.
fn content_type(part: &MessagePart) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_lowercase(),
            None => ct.ctype().to_lowercase(),
        },
        None => "application/octet-stream".into(),
    }
}

fn extension_for(content_type: &str) -> &'static str {
    match content_type {
        "message/rfc822" => "eml",
        "text/plain" => "txt",
        "text/html" => "html",
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        _ => "bin",
    }
}

/// The attachment's bytes as sent: transfer encoding removed, charset untouched (a
/// latin-2 text file stays latin-2); a forwarded message as its raw `.eml`.
pub(super) fn decoded(raw: &[u8], part: &MessagePart) -> Option<Vec<u8>> {
    match &part.body {
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => Some(bytes.to_vec()),
        PartType::Text(_) | PartType::Html(_) | PartType::Message(_) => {
            let body = raw.get(part.offset_body as usize..part.offset_end as usize)?;
            match part.encoding {
                Encoding::Base64 => mail_parser::decoders::base64::base64_decode(body),
                Encoding::QuotedPrintable => {
                    mail_parser::decoders::quoted_printable::quoted_printable_decode(body)
                }
                Encoding::None => Some(body.to_vec()),
            }
        }
        PartType::Multipart(_) => None,
    }
}
