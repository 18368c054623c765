//! The processing worker: takes spooled messages as the doors announce them, and sweeps
//! the spool at start and every little while, so that a crash or a temporary failure
//! only delays a message. One message at a time, on a thread of its own.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::pipeline::Pipeline;
use super::spool::SpoolId;
use crate::dedicated::Dedicated;

/// How often the spool is swept for messages not processed yet.
const SWEEP: Duration = Duration::from_secs(30);

/// Runs until `shutdown` turns true.
pub async fn run(
    pipeline: Arc<Pipeline>,
    mut queue: mpsc::UnboundedReceiver<SpoolId>,
    mut shutdown: watch::Receiver<bool>,
) {
    // One thread of its own: a large message's memory stays in its allocator arena.
    let thread = Dedicated::new("mail-worker", 1, Some(tokio::runtime::Handle::current()));
    // A timer of its own: arrivals do not put the sweep off.
    let mut sweeps = tokio::time::interval(SWEEP);
    sweeps.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        crate::metrics::Metrics::beat(&pipeline.services().metrics().mail_worker_beat);
        tokio::select! {
            // The first tick is at once: the sweep at start.
            _ = sweeps.tick() => sweep(&thread, &pipeline).await,
            next = queue.recv() => match next {
                Some(id) => process(&thread, &pipeline, id).await,
                None => return,
            },
            _ = shutdown.changed() => return,
        }
    }
}

async fn process(thread: &Dedicated, pipeline: &Arc<Pipeline>, id: SpoolId) {
    let p = pipeline.clone();
    let outcome = thread
        .run(move || {
            // Announced and swept: it may be done already.
            if !p.spool().pending()?.contains(&id) {
                return Ok(Vec::new());
            }
            p.process_guarded(&id)
        })
        .await;
    if let Err(err) = outcome {
        tracing::warn!(error = %err, "processing a message failed; it stays in the spool")
    }
}

async fn sweep(thread: &Dedicated, pipeline: &Arc<Pipeline>) {
    let p = pipeline.clone();
    match thread.run(move || p.process_pending()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(messages = n, "processed spooled messages"),
        Err(err) => tracing::warn!(error = %err, "sweeping the spool failed"),
    }
}
