//! The accept loop of the SMTP and LMTP listeners, with caps on connections in total
//! and per peer address, handing accepted messages to the spool and then to the worker.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::io::BufReader;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio_rustls::TlsAcceptor;

use super::session::{self, End, Mode, SessionSettings, Tls};
use crate::error::{Error, Result};
use crate::mail::pipeline::Pipeline;
use crate::mail::spool::{SpoolId, SpoolWriter};
use crate::running::HandoverKey;

/// What every session of one server shares.
pub struct SmtpShared {
    /// The pipeline: judges recipients, owns the spool.
    pub pipeline: Arc<Pipeline>,
    /// Session limits.
    pub settings: SessionSettings,
    queue: mpsc::UnboundedSender<SpoolId>,
    connections: Arc<Semaphore>,
    per_peer: Mutex<HashMap<IpAddr, usize>>,
    max_per_peer: usize,
    /// STARTTLS, when a certificate is configured.
    pub tls: Option<TlsAcceptor>,
    /// The key with which `ingest` hands a message over (`AUTH PLAIN`, from this
    /// machine only): its mail is judged as coming from behind the MTA, not as the MX.
    pub handover: Option<HandoverKey>,
}

/// A bound listener and the protocol it speaks.
pub struct Listener {
    /// The socket.
    pub tcp: TcpListener,
    /// SMTP or LMTP.
    pub mode: Mode,
}

impl SmtpShared {
    /// Shared state; accepted messages are announced on `queue`.
    pub fn new(
        pipeline: Arc<Pipeline>,
        settings: SessionSettings,
        queue: mpsc::UnboundedSender<SpoolId>,
        max_connections: usize,
        max_per_peer: usize,
        tls: Option<TlsAcceptor>,
        handover: Option<HandoverKey>,
    ) -> SmtpShared {
        SmtpShared {
            pipeline,
            settings,
            queue,
            connections: Arc::new(Semaphore::new(max_connections)),
            per_peer: Mutex::new(HashMap::new()),
            max_per_peer,
            tls,
            handover,
        }
    }

    /// Makes a spooled message durable (fsync, rename, folder fsync), then queues it.
    pub async fn finish(&self, spooled: Result<SpoolWriter>) -> Result<SpoolId> {
        let writer = spooled?;
        let id = tokio::task::spawn_blocking(move || writer.commit())
            .await
            .map_err(|e| Error::Storage(format!("spool task: {e}")))??;
        self.pipeline
            .services()
            .metrics()
            .mail_accepted
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // The worker also sweeps the spool, so a lost announcement only delays processing.
        let _ = self.queue.send(id.clone());
        Ok(id)
    }

    fn enter(&self, ip: IpAddr) -> bool {
        let mut peers = self.per_peer.lock().unwrap_or_else(|p| p.into_inner());
        let count = peers.entry(ip).or_insert(0);
        if *count >= self.max_per_peer {
            return false;
        }
        *count += 1;
        true
    }

    fn leave(&self, ip: IpAddr) {
        let mut peers = self.per_peer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = peers.get_mut(&ip) {
            *count -= 1;
            if *count == 0 {
                peers.remove(&ip);
            }
        }
    }
}

/// Accepts connections until `shutdown` turns true; each session runs in its own task.
pub async fn serve(
    listener: Listener,
    shared: Arc<SmtpShared>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.tcp.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let (mut stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(err) => {
                tracing::warn!(error = %err, "accepting an SMTP connection failed");
                continue;
            }
        };
        // Each reply is one write, sent at once: no wait for the peer's delayed ACK.
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let mode = listener.mode;
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let Ok(permit) = shared.connections.clone().try_acquire_owned() else {
                let _ = stream
                    .write_all(b"421 4.7.0 Too many connections, try again later\r\n")
                    .await;
                return;
            };
            if !shared.enter(peer.ip()) {
                let _ = stream
                    .write_all(
                        b"421 4.7.0 Too many connections from your address, try again later\r\n",
                    )
                    .await;
                return;
            }
            if let Err(err) = converse(stream, peer.to_string(), mode, &shared).await {
                tracing::debug!(%peer, error = %err, "SMTP session ended with an error");
            }
            shared.leave(peer.ip());
            drop(permit);
        });
    }
}

/// One connection: a plain session, then, after STARTTLS, a secured one.
async fn converse(
    stream: TcpStream,
    peer: String,
    mode: Mode,
    shared: &Arc<SmtpShared>,
) -> std::io::Result<()> {
    let offered = if shared.tls.is_some() {
        Tls::Offered
    } else {
        Tls::Unavailable
    };
    let end = session::run(
        BufReader::new(stream),
        peer.clone(),
        mode,
        shared.clone(),
        offered,
    )
    .await?;
    let (End::StartTls(reader), Some(acceptor)) = (end, &shared.tls) else {
        return Ok(());
    };
    // RFC 3207 §5: anything the client sent after STARTTLS in the clear must not be
    // read as if it came through TLS.
    if !reader.buffer().is_empty() {
        return Ok(());
    }
    let secured = acceptor.accept(reader.into_inner()).await?;
    session::run(
        BufReader::new(secured),
        peer,
        mode,
        shared.clone(),
        Tls::Active,
    )
    .await?;
    Ok(())
}
