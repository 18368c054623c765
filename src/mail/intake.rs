//! The one intake every road calls (SMTP and LMTP sessions, `dossier ingest`, the IMAP
//! reader): it judges recipients (a refusal is logged where staff look), spools the
//! message durably with the recipients it accepted, counts it and announces it to the
//! worker. Whatever it accepted reaches a recorded outcome through the pipeline.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::mpsc;

use super::pipeline::{Pipeline, Verdict};
use super::spool::{SpoolId, SpoolWriter};
use crate::domain::Envelope;
use crate::error::Result;

/// What the intake did with one message.
#[derive(Debug)]
pub struct Accepted {
    /// Its spool entry, when at least one recipient was accepted.
    pub id: Option<SpoolId>,
    /// The recipients refused, with the verdict (already logged).
    pub refused: Vec<(String, Verdict)>,
}

/// The intake of one process.
#[derive(Clone)]
pub struct Intake {
    pipeline: Arc<Pipeline>,
    // The worker's queue; `ingest` without a server processes what it accepted itself.
    announce: Option<mpsc::UnboundedSender<SpoolId>>,
}

impl Intake {
    /// An intake writing through `pipeline`, announcing on `announce` when a worker runs.
    pub fn new(
        pipeline: Arc<Pipeline>,
        announce: Option<mpsc::UnboundedSender<SpoolId>>,
    ) -> Intake {
        Intake { pipeline, announce }
    }

    /// The pipeline behind it.
    pub fn pipeline(&self) -> &Arc<Pipeline> {
        &self.pipeline
    }

    /// Judges one recipient for `sender`; a refusal is logged for staff and counted.
    pub fn judge(&self, sender: Option<&str>, recipient: &str) -> Result<Verdict> {
        let verdict = self.pipeline.judge(recipient)?;
        let (why, counted) = match &verdict {
            Verdict::Accept => return Ok(verdict),
            Verdict::Unknown => ("no such address here".to_string(), "unknown-address"),
            Verdict::Closed(sentence) => (sentence.clone(), "closed-dossier"),
        };
        self.pipeline
            .services()
            .metrics()
            .count("dossier_mail_refused_total", counted);
        self.pipeline.record_refusal(sender, recipient, &why)?;
        Ok(verdict)
    }

    /// Takes a whole message: judges its recipients, spools it (durable) for those
    /// accepted, counts and announces it. Nothing is spooled when none is accepted.
    pub fn accept(&self, envelope: &Envelope, raw: &[u8]) -> Result<Accepted> {
        let mut accepted = envelope.clone();
        accepted.recipients.clear();
        let mut refused = Vec::new();
        for recipient in &envelope.recipients {
            match self.judge(envelope.sender.as_deref(), recipient)? {
                Verdict::Accept => accepted.recipients.push(recipient.clone()),
                verdict => refused.push((recipient.clone(), verdict)),
            }
        }
        if !refused.is_empty() {
            self.pipeline.services().store().flush()?;
        }
        if accepted.recipients.is_empty() {
            return Ok(Accepted { id: None, refused });
        }
        Ok(Accepted {
            id: Some(self.spool(&accepted, raw)?),
            refused,
        })
    }

    /// Spools a whole message whose recipients were judged already (durable), counts and
    /// announces it.
    pub fn spool(&self, envelope: &Envelope, raw: &[u8]) -> Result<SpoolId> {
        let mut writer = self.begin(envelope)?;
        writer.write(raw)?;
        self.commit(writer)
    }

    /// Starts a spool entry that a session fills as DATA arrives.
    pub fn begin(&self, envelope: &Envelope) -> Result<SpoolWriter> {
        self.pipeline.spool().begin(envelope)
    }

    /// Makes a spool entry durable (fsync, rename, folder fsync), counts and announces it.
    /// Only after this may a door acknowledge the message.
    pub fn commit(&self, writer: SpoolWriter) -> Result<SpoolId> {
        let id = writer.commit()?;
        self.pipeline
            .services()
            .metrics()
            .mail_accepted
            .fetch_add(1, Ordering::Relaxed);
        if let Some(announce) = &self.announce {
            // The worker also sweeps the spool: a lost announcement only delays it.
            let _ = announce.send(id.clone());
        }
        Ok(id)
    }
}
