//! Classifies a parsed message: our own notifications coming back (loop), bounces and
//! delivery reports, automatic replies (RFC 3834 and the headers and subjects mail
//! programs really use), or ordinary mail. Also reads bounce reports.

use std::sync::LazyLock;

use mail_parser::{Message, MimeHeaders, PartType};
use regex::Regex;
use serde::Serialize;

use super::LOOP_HEADER;

/// What kind of message it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Ordinary mail written by a person.
    Reply,
    /// An automatic reply (out of office, auto-responder, list traffic).
    AutoReply,
    /// A bounce or a delivery status notification.
    Bounce,
    /// One of our own notifications, come back.
    Loop,
    /// Not usable as e-mail (too big a header, too deep, unparsable).
    Malformed,
}

/// Out-of-office subjects, French and English first.
static AUTO_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|auto-response|auto:|réponse automatique|reponse automatique|message d'absence|absence du bureau|absent du bureau|je suis absent|abwesenheitsnotiz|respuesta automática|risposta automatica)")
        .expect("valid pattern")
});
/// Delivery failure subjects of MTAs that do not send a proper DSN.
static BOUNCE_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(undeliver|undelivered mail|delivery status notification|delivery failure|returned mail|mail delivery failed|failure notice|non remis|non distribuable|échec de la remise)")
        .expect("valid pattern")
});

/// The raw value of the first header `name`: only its own bytes are read as UTF-8.
fn header<'a>(message: &'a Message, name: &str) -> Option<&'a str> {
    let header = message
        .headers()
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case(name))?;
    let raw = message
        .raw_message()
        .get(header.offset_start as usize..header.offset_end as usize)?;
    std::str::from_utf8(raw).ok().map(str::trim)
}

fn is_daemon(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        local.as_str(),
        "mailer-daemon" | "postmaster" | "mail-daemon"
    )
}

/// Classifies `message`; `null_sender` when the envelope sender was `<>`.
pub fn classify(message: &Message, null_sender: bool) -> (Class, Vec<String>) {
    let mut reasons = Vec::new();
    if header(message, LOOP_HEADER).is_some() {
        reasons.push(format!(
            "it carries our {LOOP_HEADER} header: one of our notifications came back"
        ));
        return (Class::Loop, reasons);
    }
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("");
    let subject = message.subject().unwrap_or("");
    let report = message.content_type().is_some_and(|ct| {
        ct.subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"))
    });
    if report || has_delivery_status(message) {
        reasons.push("it is a delivery status notification (multipart/report)".into());
        return (Class::Bounce, reasons);
    }
    if (null_sender || is_daemon(from)) && BOUNCE_SUBJECT.is_match(subject) {
        reasons.push(format!(
            "a delivery failure from {}",
            if from.is_empty() { "<>" } else { from }
        ));
        return (Class::Bounce, reasons);
    }
    if let Some(value) = header(message, "Auto-Submitted") {
        let kind = value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if kind != "no" {
            reasons.push(format!("Auto-Submitted: {kind}"));
            return (Class::AutoReply, reasons);
        }
    }
    for name in [
        "X-Autoreply",
        "X-Autorespond",
        "X-Auto-Reply",
        "X-Autoresponder",
    ] {
        if header(message, name).is_some() {
            reasons.push(format!("it carries {name}"));
            return (Class::AutoReply, reasons);
        }
    }
    if let Some(precedence) = header(message, "Precedence") {
        let p = precedence.to_ascii_lowercase();
        if matches!(p.as_str(), "bulk" | "junk" | "list" | "auto_reply") {
            reasons.push(format!("Precedence: {p}"));
            return (Class::AutoReply, reasons);
        }
    }
    if null_sender {
        reasons.push("the envelope sender is empty (<>), as for automatic mail".into());
        return (Class::AutoReply, reasons);
    }
    if is_daemon(from) {
        reasons.push(format!("it comes from {from}"));
        return (Class::AutoReply, reasons);
    }
    if AUTO_SUBJECT.is_match(subject) {
        reasons.push(format!("the subject «{subject}» is an out-of-office reply"));
        return (Class::AutoReply, reasons);
    }
    (Class::Reply, reasons)
}

fn has_delivery_status(message: &Message) -> bool {
    message.parts.iter().any(|p| {
        p.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("message")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
        })
    })
}

/// The recipients a delivery report says failed, and whether permanently (5.x.x).
pub fn bounced(message: &Message) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for part in &message.parts {
        let is_status = part.content_type().is_some_and(|ct| {
            ct.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
        });
        if !is_status {
            continue;
        }
        let text = match &part.body {
            PartType::Text(t) => t.to_string(),
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                String::from_utf8_lossy(b).into_owned()
            }
            _ => continue,
        };
        let mut recipient: Option<String> = None;
        for line in text.lines() {
            let (name, value) = match line.split_once(':') {
                Some((n, v)) => (n.trim().to_ascii_lowercase(), v.trim()),
                None => continue,
            };
            match name.as_str() {
                "final-recipient" | "original-recipient"
                    if recipient.is_none() || name == "final-recipient" =>
                {
                    recipient = Some(
                        value
                            .rsplit(';')
                            .next()
                            .unwrap_or(value)
                            .trim()
                            .to_lowercase(),
                    );
                }
                "status" => {
                    if let Some(r) = recipient.take() {
                        out.push((r, value.starts_with('5')));
                    }
                }
                _ => {}
            }
        }
    }
    out
}
