//! What one raw message is, decided without touching the store: its class (reply,
//! auto-reply, bounce, loop), its sender, the kept and elided text, its attachments and
//! the reasons behind each decision. `dossier inspect` prints exactly this.

use std::borrow::Cow;
use std::sync::LazyLock;

use mail_parser::{
    HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};
use regex::Regex;
use serde::Serialize;

pub use super::attachments::Attachment;
use super::classify::{self, Class};
use super::reply::structure::{self, Beside, Hint};
use super::reply::{Cut, Trimmed, trim};
use crate::domain::EmailAddress;

/// "Fwd:", "TR :", "WG:" subjects.
static FORWARD_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(fwd?|tr|wg|rv|enc|pd|i|doorst|vb|vl|fw|továbbítás|tov|προώθ|ilt|İlt|fs|prosl|pers|edasi|pārs)\s*:")
        .expect("valid pattern")
});

/// The parser of the analysis: the MIME headers, the message ids, the sender and the
/// subject are parsed; the rest (Received, To, dates…) is kept raw, unread.
static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .with_message_ids()
        .header_address(HeaderName::From)
        .header_text(HeaderName::Subject)
});

/// Bodies longer than this are not trimmed (the trimmer reads line by line).
const MAX_TRIMMED_BYTES: usize = 512 * 1024;
/// HTML laid out for one message, all parts together; the rest has its tags dropped.
const MAX_LAID_OUT_PER_MESSAGE: usize = 512 * 1024;
/// Longest kept (or elided) text; the raw message keeps the rest.
const MAX_TEXT_CHARS: usize = 100_000;

/// Cuts `text` to `max` characters; true if it was longer.
fn cap(text: &mut String, max: usize) -> bool {
    // No more bytes than the bound: no more characters either.
    if text.len() <= max {
        return false;
    }
    match text.char_indices().nth(max) {
        Some((at, _)) => {
            text.truncate(at);
            true
        }
        None => false,
    }
}

/// Bounds against mail bombs.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest header block, in bytes.
    pub max_header_bytes: usize,
    /// Most MIME parts.
    pub max_parts: usize,
    /// Deepest MIME nesting.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_header_bytes: 512 * 1024,
            max_parts: 1_000,
            max_depth: 32,
        }
    }
}

/// What the analysis needs besides the bytes.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The envelope sender was the null sender `<>` (bounces, automatic mail).
    pub null_sender: bool,
    /// Bounds.
    pub limits: Limits,
}

/// Everything decided about one message.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// reply, auto-reply, bounce, loop or malformed.
    pub class: Class,
    /// The From address.
    pub from: Option<String>,
    /// How many mailboxes the From fields name, all fields counted (one, normally).
    pub from_count: usize,
    /// The From display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    /// Subject.
    pub subject: String,
    /// Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// The kept text.
    pub text: String,
    /// The cut part.
    pub elided: String,
    /// What was cut, where, and by which rule.
    pub cuts: Vec<Cut>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
    /// Why it was classified, trimmed and bounded as it was.
    pub reasons: Vec<String>,
    /// For bounces: the addresses that failed, and whether permanently.
    pub bounced: Vec<(String, bool)>,
    /// Message-IDs this one answers (In-Reply-To, References).
    #[serde(skip)]
    pub references: Vec<String>,
}

impl Analysis {
    /// The From address, parsed.
    pub fn from_address(&self) -> Option<EmailAddress> {
        self.from
            .as_deref()
            .and_then(|f| EmailAddress::parse(f).ok())
    }

    fn malformed(reason: String) -> Analysis {
        Analysis {
            class: Class::Malformed,
            from: None,
            from_name: None,
            from_count: 0,
            subject: String::new(),
            message_id: None,
            text: String::new(),
            elided: String::new(),
            cuts: Vec::new(),
            attachments: Vec::new(),
            reasons: vec![reason],
            bounced: Vec::new(),
            references: Vec::new(),
        }
    }
}

/// The header block's length: up to the first empty line.
fn header_len(raw: &[u8]) -> usize {
    let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = raw.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => raw.len(),
    }
}

/// Analyses one raw message.
pub fn analyze(raw: &[u8], context: &Context) -> Analysis {
    let limits = &context.limits;
    if header_len(raw) > limits.max_header_bytes {
        return Analysis::malformed(format!(
            "the header is larger than {} KiB",
            limits.max_header_bytes / 1024
        ));
    }
    // Some programs put blank lines before the header; read past them.
    let start = raw
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(raw.len());
    let raw = &raw[start..];
    let Some(message) = PARSER.parse(raw) else {
        return Analysis::malformed("the message cannot be parsed as e-mail".into());
    };
    if message.headers().is_empty() {
        return Analysis::malformed("the message has no header".into());
    }
    if message.parts.len() > limits.max_parts {
        return Analysis::malformed(format!(
            "the message has more than {} MIME parts",
            limits.max_parts
        ));
    }
    let depth = depth(&message, 0, 0);
    if depth > limits.max_depth {
        return Analysis::malformed(format!(
            "the MIME structure is nested deeper than {}",
            limits.max_depth
        ));
    }
    build(raw, &message, context)
}

/// The nesting depth of part `id`.
fn depth(message: &Message, id: usize, level: usize) -> usize {
    if level > 64 {
        return level;
    }
    match message.parts.get(id).map(|p| &p.body) {
        Some(PartType::Multipart(children)) => children
            .iter()
            .map(|c| depth(message, *c as usize, level + 1))
            .max()
            .unwrap_or(level),
        Some(PartType::Message(inner)) => depth(inner, 0, level + 1),
        _ => level,
    }
}

fn build(raw: &[u8], message: &Message, context: &Context) -> Analysis {
    let mut reasons = Vec::new();
    let from = message.from().and_then(|a| a.first());
    let (class, class_reasons) = classify::classify(message, context.null_sender);
    reasons.extend(class_reasons);
    let (body, hints) = body_text(message, &mut reasons);
    let subject = message.subject().unwrap_or("").trim();
    let forwarded = FORWARD_SUBJECT.is_match(subject);
    if forwarded {
        reasons.push("the subject says it is a forward: the embedded message is kept".into());
    }
    let Trimmed {
        mut kept,
        mut elided,
        cuts,
    } = if body.len() > MAX_TRIMMED_BYTES {
        reasons.push("the text is too long to look for quotes: it is kept whole".into());
        Trimmed {
            kept: body.trim().to_string(),
            ..Trimmed::default()
        }
    } else {
        trim(&body, &hints, forwarded)
    };
    if cap(&mut kept, MAX_TEXT_CHARS) | cap(&mut elided, MAX_TEXT_CHARS) {
        reasons.push(format!(
            "the text was cut at {MAX_TEXT_CHARS} characters; the original message keeps all of it"
        ));
    }
    for cut in &cuts {
        reasons.push(format!(
            "cut {} line{} from line {} ({}): {}",
            cut.lines,
            if cut.lines == 1 { "" } else { "s" },
            cut.line,
            cut.rule.describe(),
            cut.first
        ));
    }
    let attachments = super::attachments::attachments(raw, message, &mut kept, &mut reasons);
    Analysis {
        class,
        from: from.and_then(|a| a.address()).map(|a| a.to_lowercase()),
        from_name: from.and_then(|a| a.name()).map(str::to_string),
        from_count: from_count(message),
        subject: subject.to_string(),
        message_id: message.message_id().map(str::to_string),
        text: kept,
        elided,
        cuts,
        attachments,
        reasons,
        bounced: if class == Class::Bounce {
            classify::bounced(message)
        } else {
            Vec::new()
        },
        references: references(message),
    }
}

/// The mailboxes named by every From field of the header.
fn from_count(message: &Message) -> usize {
    message
        .header_values(mail_parser::HeaderName::From)
        .map(|value| match value {
            HeaderValue::Address(address) => address.iter().count(),
            _ => 1,
        })
        .sum()
}

/// The Message-IDs a message answers (In-Reply-To, then References).
pub(crate) fn references(message: &Message) -> Vec<String> {
    let mut ids = Vec::new();
    for value in [message.in_reply_to(), message.references()] {
        match value {
            HeaderValue::Text(id) => ids.push(id.to_string()),
            HeaderValue::TextList(list) => ids.extend(list.iter().map(|id| id.to_string())),
            _ => {}
        }
    }
    ids
}

/// For a `format=flowed` part, whether it says `delsp=yes`.
fn flowed(part: &MessagePart) -> Option<bool> {
    let content_type = part.content_type()?;
    let format = content_type.attribute("format")?;
    format.eq_ignore_ascii_case("flowed").then(|| {
        content_type
            .attribute("delsp")
            .is_some_and(|d| d.eq_ignore_ascii_case("yes"))
    })
}

/// A text part whose declared charset is not UTF-8 but whose bytes are UTF-8 (some
/// programs label UTF-8 as Big5 or Latin-1): read as UTF-8. Real text in a legacy
/// charset is almost never valid UTF-8 once it holds a non-ASCII byte.
fn mislabelled_utf8(raw: &[u8], part: &MessagePart) -> Option<String> {
    let charset = part
        .content_type()?
        .attribute("charset")?
        .to_ascii_lowercase();
    if matches!(charset.as_str(), "utf-8" | "utf8" | "us-ascii" | "ascii") {
        return None;
    }
    let bytes = super::attachments::decoded(raw, part)?;
    if bytes.is_ascii() {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// The body as text, and the marks the HTML part gives it: text/plain parts when
/// they say something (marked where the HTML shows the reply structure), else the HTML
/// laid out with its marks.
fn body_text(message: &Message, reasons: &mut Vec<String>) -> (String, Vec<Hint>) {
    let texts: Vec<Cow<str>> = message
        .text_body
        .iter()
        .filter_map(|id| {
            let part = message.parts.get(*id as usize)?;
            match &part.body {
                PartType::Text(text) => {
                    let text = mislabelled_utf8(message.raw_message(), part)
                        .map_or(Cow::Borrowed(text.as_ref()), Cow::Owned);
                    Some(match flowed(part) {
                        Some(delsp) => Cow::Owned(super::flowed::unflow(&text, delsp)),
                        None => text,
                    })
                }
                _ => None,
            }
        })
        .collect();
    let has_text = texts.iter().any(|t| !t.trim().is_empty());
    let mut stripped = false;
    // What html2text may lay out for one message, all its HTML parts together.
    let mut layout_budget = MAX_LAID_OUT_PER_MESSAGE;
    let mut convert = |html: &str| {
        let converted = super::html::convert_within(html, &mut layout_budget);
        stripped |= !converted.laid_out;
        converted
    };
    let htmls =
        message
            .html_body
            .iter()
            .filter_map(|id| match &message.parts.get(*id as usize)?.body {
                PartType::Html(html) => Some(html.as_ref()),
                _ => None,
            });
    if has_text {
        // Beside a text part, the HTML is read only for the signature it marks.
        let hints = htmls
            .flat_map(|html| match structure::beside_text(html) {
                Beside::Nothing => Vec::new(),
                Beside::Hint(hint) => vec![hint],
                Beside::Parse => {
                    let converted = convert(html);
                    match converted.marked {
                        true => structure::hints(&converted.text),
                        false => Vec::new(),
                    }
                }
            })
            .collect();
        return (texts.join("\n\n"), hints);
    }
    let htmls: Vec<super::html::Converted> = htmls.map(convert).collect();
    if stripped {
        reasons.push(
            "an HTML part is too large (or the HTML of the message too much) or nested too deep to lay out: only its tags were dropped"
                .into(),
        );
    }
    if !htmls.is_empty() {
        reasons.push("no text/plain part: the HTML part was converted to text".into());
        let texts: Vec<String> = htmls.into_iter().map(|c| c.text).collect();
        return (texts.join("\n\n"), Vec::new());
    }
    if message.parts.len() == 1 {
        // A multipart without any boundary in its body: read the body as text.
        let body = message
            .raw_message()
            .get(message.parts[0].offset_body as usize..)
            .unwrap_or(&[]);
        reasons.push("the body has no MIME part: it was read as plain text".into());
        return (String::from_utf8_lossy(body).into_owned(), Vec::new());
    }
    (String::new(), Vec::new())
}

#[cfg(test)]
mod tests {
    use super::FORWARD_SUBJECT;

    #[test]
    fn forward_subjects_are_read_in_the_programs_languages() {
        for subject in [
            "Fwd: Plan",
            "TR: Devis",
            "WG: Angebot",
            "İLT: Ölçüler",
            "PD: Oferta",
        ] {
            assert!(FORWARD_SUBJECT.is_match(subject), "{subject}");
        }
        // Finnish "VS:" answers: a reply, not a forward.
        for subject in ["Re: Plan", "VS: Tarjous", "AW: Angebot"] {
            assert!(!FORWARD_SUBJECT.is_match(subject), "{subject}");
        }
    }
}
