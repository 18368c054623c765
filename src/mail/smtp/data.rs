//! DATA of an SMTP/LMTP session: the message goes to its spool file as it arrives (a
//! session holds one line, not the message). RFC 5321 §4.1.1.4: only `<CR><LF>.<CR><LF>`
//! ends it; a bare LF or CR anywhere makes the message refused after that end (as
//! Postfix's `smtpd_forbid_bare_newline`), so no input can make us read the rest of the
//! message as commands (SMTP smuggling).

use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::io::{AsyncBufRead, AsyncWrite};

use super::session::{Input, Mode, Next, Session, State, multiline};
use crate::domain::{Entrance, Envelope};
use crate::error::Error;
use crate::mail::pipeline::Pipeline;

/// Longest line kept inside DATA; longer ones make the message refused.
const MAX_DATA_LINE: usize = 1024 * 1024;
/// DATA may be slow at first (a client's TCP window opening); the rate counts after this.
const RATE_GRACE: Duration = Duration::from_secs(10);

/// The most of the header kept in memory, to judge mail to the notifications address.
const MAX_KEPT_HEADER: usize = 64 * 1024;

/// What the lines of one DATA said.
#[derive(Default)]
struct Received {
    bytes: u64,
    too_big: bool,
    bare_newline: bool,
    /// The header block, up to its empty line (or [`MAX_KEPT_HEADER`]).
    header: Vec<u8>,
    header_done: bool,
}

impl<S: AsyncBufRead + AsyncWrite + Unpin> Session<S> {
    /// DATA: reads the message to its end, then answers once (SMTP) or per recipient
    /// (LMTP). The transaction ends whatever the answer.
    pub(super) async fn data(&mut self) -> std::io::Result<Next> {
        let tx = match std::mem::replace(&mut self.state, State::Greeted) {
            State::Transaction(tx) if !tx.recipients.is_empty() => tx,
            State::Transaction(tx) => {
                self.state = State::Transaction(tx);
                self.reply("554 5.5.1 No valid recipients").await?;
                return Ok(Next::Continue);
            }
            other => {
                self.state = other;
                self.reply("503 5.5.1 MAIL first").await?;
                return Ok(Next::Continue);
            }
        };
        let count = tx.recipients.len();
        let envelope = Envelope {
            sender: tx.sender,
            recipients: tx.recipients,
            entrance: match self.mode {
                _ if self.handed_over => Entrance::Ingest,
                Mode::Smtp => Entrance::Smtp,
                Mode::Lmtp => Entrance::Lmtp,
            },
            peer: Some(self.peer.clone()),
            helo: self.helo.clone(),
            received_at: Utc::now(),
            source: None,
        };
        // A failure to write is answered after the final dot.
        let mut spooled = self.shared.intake.begin(&envelope);
        self.reply("354 End data with <CR><LF>.<CR><LF>").await?;
        let max = self.shared.settings.max_message_bytes;
        let min_rate = self.shared.settings.min_data_rate;
        let started = Instant::now();
        let mut seen = Received::default();
        // DATA's own line ended in CRLF, so a first line "." ends an empty message.
        let mut after_crlf = true;
        loop {
            let crlf = match self.read(MAX_DATA_LINE).await? {
                Input::Line => {
                    let line = &self.buf[..];
                    let crlf = line.ends_with(b"\r\n");
                    if crlf && after_crlf && line == b".\r\n" {
                        break;
                    }
                    seen.bytes += line.len() as u64;
                    let content = &line[..line.len() - if crlf { 2 } else { 1 }];
                    if !crlf || content.contains(&b'\r') {
                        seen.bare_newline = true;
                    }
                    // RFC 5321 §4.5.2: remove the leading dot of a stuffed line.
                    let unstuffed = line.strip_prefix(b".").unwrap_or(line);
                    if !seen.header_done {
                        seen.header_done = content.is_empty()
                            || seen.header.len() + unstuffed.len() > MAX_KEPT_HEADER;
                        if !seen.header_done {
                            seen.header.extend_from_slice(unstuffed);
                        }
                    }
                    if let Ok(writer) = spooled.as_mut()
                        && !seen.too_big
                        && !seen.bare_newline
                    {
                        if writer.size() + unstuffed.len() as u64 > max {
                            seen.too_big = true;
                        } else if let Err(err) = writer.write(unstuffed) {
                            spooled = Err(err);
                        }
                    }
                    crlf
                }
                Input::TooLong(crlf) => {
                    seen.too_big = true;
                    crlf
                }
                // The partial entry goes with its writer; nothing was acknowledged.
                ended => return self.close(ended).await,
            };
            after_crlf = crlf;
            let elapsed = started.elapsed();
            if elapsed > RATE_GRACE && seen.bytes < min_rate * elapsed.as_secs() {
                self.refused("too-slow");
                self.reply("421 4.4.2 The message arrives too slowly, closing the connection")
                    .await?;
                return Ok(Next::Quit);
            }
        }
        // Mail to the notifications address names its dossier in References: a closed
        // one is refused now, as RCPT refuses the dossier's own addresses.
        let refusals = self.refusals_by_references(&envelope, &seen.header).await;
        let reply = if seen.bare_newline {
            drop(spooled);
            self.refused("bare-newline");
            "550 5.5.2 Message refused: a line ends with a bare LF or holds a bare CR; only CRLF ends a line (RFC 5321 2.3.8)".to_string()
        } else if seen.too_big {
            drop(spooled);
            self.refused("too-large");
            "552 5.3.4 The message is larger than the size we accept".to_string()
        } else if refusals.iter().all(Option::is_some) {
            drop(spooled);
            for (recipient, sentence) in envelope.recipients.iter().zip(&refusals) {
                let sentence = sentence.as_deref().unwrap_or_default();
                self.log_refusal(&envelope, recipient, sentence, None).await;
            }
            let sentence = refusals
                .iter()
                .flatten()
                .next()
                .cloned()
                .unwrap_or_default();
            return self
                .final_replies(count, |_| multiline("550", "5.7.1", &sentence))
                .await;
        } else {
            if let Ok(writer) = &spooled {
                let id = writer.id().clone();
                for (index, sentence) in refusals.iter().enumerate() {
                    if let Some(sentence) = sentence {
                        let claim = Pipeline::spool_claim(&id, index);
                        let recipient = &envelope.recipients[index];
                        self.log_refusal(&envelope, recipient, sentence, Some(claim))
                            .await;
                    }
                }
            }
            match self.shared.finish(spooled).await {
                Ok(id) => {
                    tracing::info!(spool = id.as_str(), recipients = count, "message accepted");
                    format!("250 2.0.0 Ok: queued as {}", id.as_str())
                }
                Err(Error::DiskFull) => {
                    "452 4.3.1 Insufficient system storage, try again later".into()
                }
                Err(err) => {
                    tracing::error!(peer = %self.peer, error = %err, "spooling a message failed");
                    "451 4.3.0 Temporary failure, try again later".into()
                }
            }
        };
        // SMTP has one answer for the message (taken for some recipients); LMTP tells
        // each recipient its own.
        let lmtp = self.mode == Mode::Lmtp;
        self.final_replies(count, |index| match &refusals[index] {
            Some(sentence) if lmtp && reply.starts_with("250") => {
                multiline("550", "5.7.1", sentence)
            }
            _ => reply.clone(),
        })
        .await
    }

    /// RFC 2033 §4.2: LMTP answers once per recipient; SMTP once for the message.
    async fn final_replies(
        &mut self,
        count: usize,
        reply_for: impl Fn(usize) -> String,
    ) -> std::io::Result<Next> {
        let replies = if self.mode == Mode::Lmtp { count } else { 1 };
        for index in 0..replies {
            let reply = reply_for(index);
            self.reply(&reply).await?;
        }
        Ok(Next::Continue)
    }

    /// For each recipient, the sentence refusing it once the header is read (mail to the
    /// notifications address about a closed dossier), or `None`.
    async fn refusals_by_references(
        &self,
        envelope: &Envelope,
        header: &[u8],
    ) -> Vec<Option<String>> {
        let pipeline = self.shared.intake.pipeline().clone();
        let (recipients, header) = (envelope.recipients.clone(), header.to_vec());
        let judged = tokio::task::spawn_blocking(move || {
            recipients
                .iter()
                .map(|r| pipeline.closed_by_references(r, &header).ok().flatten())
                .collect::<Vec<_>>()
        })
        .await;
        // A failure to judge lets the message through: the pipeline records the rest.
        judged.unwrap_or_else(|_| vec![None; envelope.recipients.len()])
    }

    /// Logs a refusal for staff, with the claim that settles its spool recipient.
    async fn log_refusal(
        &self,
        envelope: &Envelope,
        recipient: &str,
        why: &str,
        claim: Option<String>,
    ) {
        self.refused("closed-dossier");
        let pipeline = self.shared.intake.pipeline().clone();
        let (sender, recipient, why) = (
            envelope.sender.clone(),
            recipient.to_string(),
            why.to_string(),
        );
        let logged = tokio::task::spawn_blocking(move || {
            pipeline.record_refusal_claimed(sender.as_deref(), &recipient, &why, claim)?;
            pipeline.services().store().flush()
        })
        .await;
        if !matches!(logged, Ok(Ok(()))) {
            tracing::warn!(peer = %self.peer, "a refusal could not be logged");
        }
    }
}
