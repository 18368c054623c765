//! The accept loop of the SMTP and LMTP listeners, with caps on connections in total
//! and per peer address (a slot freed however its session ends), backing off when
//! accepting fails, and draining its sessions at shutdown; accepted messages go to the
//! spool and then to the worker.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::BufReader;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;

use tokio_util::task::TaskTracker;

use super::session::{self, End, Mode, Peer, SessionSettings, Tls};
use crate::error::{Error, Result};
use crate::mail::intake::Intake;
use crate::mail::spool::{SpoolId, SpoolWriter};
use crate::running::HandoverKey;

/// What every session of one server shares.
pub struct SmtpShared {
    /// The intake: judges recipients, spools and announces.
    pub intake: Intake,
    /// Session limits.
    pub settings: SessionSettings,
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
    /// Shared state of the sessions of one server.
    pub fn new(
        intake: Intake,
        settings: SessionSettings,
        max_connections: usize,
        max_per_peer: usize,
        tls: Option<TlsAcceptor>,
        handover: Option<HandoverKey>,
    ) -> SmtpShared {
        SmtpShared {
            intake,
            settings,
            connections: Arc::new(Semaphore::new(max_connections)),
            per_peer: Mutex::new(HashMap::new()),
            max_per_peer,
            tls,
            handover,
        }
    }

    /// Makes a spooled message durable, counted and announced, through the intake.
    pub async fn finish(&self, spooled: Result<SpoolWriter>) -> Result<SpoolId> {
        let writer = spooled?;
        let intake = self.intake.clone();
        tokio::task::spawn_blocking(move || intake.commit(writer))
            .await
            .map_err(|e| Error::Storage(crate::error::Cause::of("spool task", e)))?
    }

    /// Takes a connection slot for `ip`; it is given back when the slot drops, however
    /// the session ends (a panic included).
    fn enter(self: &Arc<Self>, ip: IpAddr) -> Option<PeerSlot> {
        let mut peers = self.per_peer.lock().unwrap_or_else(|p| p.into_inner());
        let count = peers.entry(ip).or_insert(0);
        if *count >= self.max_per_peer {
            return None;
        }
        *count += 1;
        Some(PeerSlot {
            shared: self.clone(),
            ip,
        })
    }
}

/// One peer's connection slot, freed on drop.
struct PeerSlot {
    shared: Arc<SmtpShared>,
    ip: IpAddr,
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut peers = self
            .shared
            .per_peer
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(count) = peers.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                peers.remove(&self.ip);
            }
        }
    }
}

/// The longest pause after failed accepts (out of file descriptors, say).
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Accepts connections until `shutdown` turns true; each session runs in its own task,
/// hears the shutdown (a `421` at its next command) and is waited for before returning,
/// so that the store is flushed after the last message was acknowledged.
pub async fn serve(
    listener: Listener,
    shared: Arc<SmtpShared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let sessions = TaskTracker::new();
    let mut backoff = Duration::from_millis(5);
    loop {
        let accepted = tokio::select! {
            accepted = listener.tcp.accept() => accepted,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let (mut stream, peer) = match accepted {
            Ok(pair) => {
                backoff = Duration::from_millis(5);
                pair
            }
            Err(err) => {
                tracing::warn!(error = %err, retry_in = ?backoff, "accepting an SMTP connection failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
        };
        let since = Instant::now();
        // Each reply is one write, sent at once: no wait for the peer's delayed ACK.
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let mode = listener.mode;
        let shutdown = shutdown.clone();
        // Every line a session logs names it and its peer: one line leads to the rest.
        let span = tracing::info_span!("smtp", session = next_session(), %peer, ?mode);
        let session = async move {
            use tokio::io::AsyncWriteExt;
            let Ok(_permit) = shared.connections.clone().try_acquire_owned() else {
                let _ = stream
                    .write_all(b"421 4.7.0 Too many connections, try again later\r\n")
                    .await;
                return;
            };
            let Some(_slot) = shared.enter(peer.ip()) else {
                let _ = stream
                    .write_all(
                        b"421 4.7.0 Too many connections from your address, try again later\r\n",
                    )
                    .await;
                return;
            };
            let peer = Peer {
                address: peer.to_string(),
                mode,
                tls: Tls::Unavailable,
                since,
            };
            if let Err(err) = converse(stream, peer, &shared, shutdown).await {
                tracing::debug!(error = %err, "SMTP session ended with an error");
            }
        };
        sessions.spawn(tracing::Instrument::instrument(session, span));
    }
    sessions.close();
    // A session hears the shutdown at its next read; one stuck writing to a peer that
    // does not read is not waited for past this (it acknowledged nothing meanwhile).
    if tokio::time::timeout(DRAIN, sessions.wait()).await.is_err() {
        tracing::warn!(
            left = sessions.len(),
            "SMTP sessions still open at shutdown are dropped"
        );
    }
}

/// How long a stopping server waits for its SMTP sessions to end.
const DRAIN: Duration = Duration::from_secs(10);

/// One connection: a plain session, then, after STARTTLS, a secured one.
async fn converse(
    stream: TcpStream,
    mut peer: Peer,
    shared: &Arc<SmtpShared>,
    shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    peer.tls = if shared.tls.is_some() {
        Tls::Offered
    } else {
        Tls::Unavailable
    };
    let (address, since, mode) = (peer.address.clone(), peer.since, peer.mode);
    let end = session::run(
        BufReader::new(stream),
        peer,
        shared.clone(),
        shutdown.clone(),
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
    let peer = Peer {
        address,
        mode,
        tls: Tls::Active,
        since,
    };
    session::run(BufReader::new(secured), peer, shared.clone(), shutdown).await?;
    Ok(())
}

/// A number for each SMTP session since the server started, for the log.
fn next_session() -> u64 {
    static SESSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
