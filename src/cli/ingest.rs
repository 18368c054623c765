//! `dossier ingest --rcpt ADDRESS [--sender ADDRESS]`: one message on standard input, for
//! an MTA's pipe transport. Same outcomes as SMTP, as sysexits codes: 0 delivered (and
//! durable), 65 malformed or too large, 67 unknown or refused address, 75 try later.
//! When `serve` holds the data folder, the message is handed to *that* server (found
//! through the record it keeps in the folder) over SMTP, proven with its hand-over key.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::{Failure, exit};
use crate::app::App;
use crate::config::Config;
use crate::domain::{Entrance, Envelope};
use crate::error::Error;
use crate::mail::intake::Intake;
use crate::mail::pipeline::Verdict;
use crate::running::{HandoverKey, ServerRecord};

/// Flags of `ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// A recipient (repeat for several): one of our addresses.
    #[arg(long, required = true)]
    rcpt: Vec<String>,
    /// The envelope sender; empty or `<>` for the null sender of bounces and automatic
    /// mail. When not given, the message is treated as sent by a person.
    #[arg(long)]
    sender: Option<String>,
    /// Seconds to wait for a data folder held by another `ingest` before saying
    /// "try later" (75).
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    wait: u64,
}

fn fail(code: u8, message: impl Into<String>) -> Failure {
    Failure {
        code,
        message: message.into(),
    }
}

/// Reads the message and delivers it.
pub fn run(config: Config, args: IngestArgs) -> Result<(), Failure> {
    let max = config.mail.max_message_bytes;
    let mut raw = Vec::new();
    std::io::stdin()
        .take(max + 1)
        .read_to_end(&mut raw)
        .map_err(|e| fail(exit::TEMPFAIL, format!("cannot read the message: {e}")))?;
    if raw.len() as u64 > max {
        return Err(fail(
            exit::DATA,
            format!("the message is larger than {max} bytes"),
        ));
    }
    if !starts_with_header_field(&raw) {
        return Err(fail(
            exit::DATA,
            "the input is not an e-mail message: it does not start with a header field",
        ));
    }
    let sender = match args
        .sender
        .as_deref()
        .map(|s| s.trim().trim_matches(['<', '>']))
    {
        Some("") => None,
        Some(address) => Some(address.to_string()),
        None => Some(String::new()),
    };
    let data = config.data.clone();
    // Another `ingest` may hold the folder for a moment (an MTA runs several pipes at
    // once): wait for it, unless a running server takes the message.
    let deadline = Instant::now() + Duration::from_secs(args.wait);
    loop {
        match App::open(config.clone()) {
            Ok(app) => return deliver_here(&app, sender, args.rcpt, raw),
            Err(Error::Locked(_)) => match hand_over(&data, &sender, &args.rcpt, &raw) {
                Err(HandOver::NoServer(why)) if Instant::now() >= deadline => {
                    return Err(fail(
                        exit::TEMPFAIL,
                        format!("the data folder is in use and no server took the message: {why}"),
                    ));
                }
                Err(HandOver::NoServer(_)) => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(HandOver::Refused(failure)) => return Err(failure),
                Ok(()) => return Ok(()),
            },
            Err(err) => return Err(err.into()),
        }
    }
}

/// Why a running server did not take a message.
enum HandOver {
    /// No server answers: the folder is held by another `ingest`.
    NoServer(String),
    /// The server answered with a refusal (temporary or permanent).
    Refused(Failure),
}

/// RFC 5322 §2.2: a message starts with a field name (printable ASCII but the colon and
/// space) followed by a colon. An mbox "From " line is tolerated before it.
fn starts_with_header_field(raw: &[u8]) -> bool {
    let start = raw
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(raw.len());
    let mut rest = &raw[start..];
    if rest.starts_with(b"From ") {
        rest = rest.splitn(2, |b| *b == b'\n').nth(1).unwrap_or(&[]);
    }
    let name_len = rest
        .iter()
        .take_while(|b| (33..=126).contains(*b) && **b != b':')
        .count();
    name_len > 0 && rest.get(name_len) == Some(&b':')
}

/// The data folder is free: through the intake (judge, spool durably), then process
/// at once. A refused recipient refuses the whole message: one exit code says it all.
fn deliver_here(
    app: &App,
    sender: Option<String>,
    recipients: Vec<String>,
    raw: Vec<u8>,
) -> Result<(), Failure> {
    let intake = Intake::new(app.pipeline.clone(), None);
    for recipient in &recipients {
        let refusal = match intake.judge(sender.as_deref(), recipient)? {
            Verdict::Accept => continue,
            Verdict::Unknown => "no such address here".to_string(),
            Verdict::Closed(sentence) => sentence.lines().collect::<Vec<_>>().join(" / "),
        };
        app.store().flush()?;
        return Err(fail(exit::NO_USER, format!("{recipient}: {refusal}")));
    }
    let envelope = Envelope {
        sender,
        recipients,
        entrance: Entrance::Ingest,
        peer: None,
        helo: None,
        received_at: Utc::now(),
        source: None,
    };
    // Every recipient was judged above: spool it as it is.
    let id = intake.spool(&envelope, &raw)?;
    // The message is durable from here: a failure below only delays it to the next run.
    if let Err(err) = app.pipeline.process_guarded(&id) {
        tracing::warn!(error = %err, "the message is stored; processing will resume with the next run");
    }
    Ok(())
}

/// `raw` with every line ending in CRLF: a bare LF, and a CR alone, become CRLF (the
/// same message is accepted whether or not a server runs).
fn crlf_lines(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    for (i, byte) in raw.iter().enumerate() {
        match byte {
            b'\n' if i == 0 || raw[i - 1] != b'\r' => out.extend_from_slice(b"\r\n"),
            b'\r' if raw.get(i + 1) != Some(&b'\n') => out.extend_from_slice(b"\r\n"),
            _ => out.push(*byte),
        }
    }
    out
}

/// `serve` holds the data folder: give it the message over SMTP, with the key it wrote
/// in the folder, so that it judges the message as coming from behind the MTA.
fn hand_over(
    data: &Path,
    sender: &Option<String>,
    recipients: &[String],
    raw: &[u8],
) -> Result<(), HandOver> {
    use lettre::address::{Address, Envelope as SmtpEnvelope};
    use lettre::transport::smtp::authentication::{Credentials, Mechanism};
    use lettre::{SmtpTransport, Transport};
    let (Some(record), Some(key)) = (ServerRecord::read(data), HandoverKey::read(data)) else {
        return Err(HandOver::NoServer(
            "the folder is held by another ingest (no server record in it)".into(),
        ));
    };
    let smtp = record.smtp;
    let parse = |text: &str| {
        text.parse::<Address>().map_err(|_| {
            HandOver::Refused(fail(
                exit::NO_USER,
                format!("{text}: not an e-mail address"),
            ))
        })
    };
    let from = match sender.as_deref() {
        Some(s) if !s.is_empty() => Some(parse(s)?),
        _ => None,
    };
    let to = recipients
        .iter()
        .map(|r| parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    let envelope = SmtpEnvelope::new(from, to)
        .map_err(|e| HandOver::Refused(fail(exit::DATA, format!("bad envelope: {e}"))))?;
    let transport = SmtpTransport::builder_dangerous(smtp.ip().to_string())
        .port(smtp.port())
        .credentials(Credentials::new("ingest".into(), key.secret().into()))
        .authentication(vec![Mechanism::Plain])
        .build();
    // An MTA's pipe hands over the message as a local file, lines ending in LF; on the
    // wire they end in CRLF (the server refuses bare line ends).
    match transport.send_raw(&envelope, &crlf_lines(raw)) {
        Ok(_) => Ok(()),
        Err(err) if err.is_permanent() => {
            let text = err.to_string();
            let code = if text.contains("5.3.4") || text.contains("5.5.2") {
                // Too large, or not acceptable as it is: the message, not the address.
                exit::DATA
            } else if text.contains("5.7.8") || text.contains("5.5.4") {
                // Our key was refused: the folder's record is stale (a new server is
                // starting); the message is fine, try again.
                exit::TEMPFAIL
            } else {
                exit::NO_USER
            };
            Err(HandOver::Refused(fail(code, text)))
        }
        Err(err) if err.is_transient() => Err(HandOver::Refused(fail(
            exit::TEMPFAIL,
            format!("the server at {smtp} asks to try later: {err}"),
        ))),
        Err(err) => Err(HandOver::NoServer(err.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::crlf_lines;

    #[test]
    fn every_line_end_becomes_crlf_once() {
        assert_eq!(crlf_lines(b"a\nb\r\nc\rd\n"), b"a\r\nb\r\nc\r\nd\r\n");
        assert_eq!(crlf_lines(b"\n\r"), b"\r\n\r\n");
    }
}
