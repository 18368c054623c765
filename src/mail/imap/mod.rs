//! The IMAP intake: for a business that cannot point an MX at us, `serve` reads dossier
//! mail from one of its mailboxes. Each new message is spooled (durable) and goes
//! through the same pipeline as SMTP; only then is it moved out of the folder (or marked
//! and kept). IDLE when the server offers it, polling otherwise; any failure leaves the
//! message where it is for the next pass. It never deletes a message it has not stored.

mod connect;
mod envelope;

use std::time::Duration;

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use self::connect::ImapSession;
use super::intake::Intake;
use crate::config::{ImapAfter, ImapConfig};
use crate::metrics::Metrics;

/// How long one IDLE lasts before it is renewed (servers drop it after 30 minutes).
const IDLE_RENEW: Duration = Duration::from_secs(240);
/// The longest wait between two reconnection attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(300);
/// The keyword a kept message is marked with.
const KEYWORD: &str = "$Dossier";

/// What the mailbox reader needs.
pub struct Reader {
    /// The mailbox.
    pub config: ImapConfig,
    /// The intake the messages go through.
    pub intake: Intake,
    /// The largest message taken.
    pub max_message_bytes: u64,
}

impl Reader {
    /// The name of this mailbox in claims and in the store: a digest of where it is.
    fn mailbox_key(&self) -> String {
        let described = self.config.describe();
        hex::encode(&Sha256::digest(described.as_bytes())[..8])
    }
}

/// Runs until `shutdown` turns true, reconnecting after any failure.
pub async fn run(reader: Reader, mut shutdown: watch::Receiver<bool>) {
    let mut backoff = Duration::from_secs(1);
    loop {
        match session(&reader, &mut shutdown).await {
            Ok(()) => return,
            Err(why) => {
                reader
                    .intake
                    .pipeline()
                    .services()
                    .metrics()
                    .count("dossier_imap_failures_total", "session");
                tracing::warn!(mailbox = %reader.config.describe(), %why, retry_in = ?backoff, "IMAP reader failed; messages stay in the mailbox");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = shutdown.changed() => return,
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// One connection: passes over the folder, waiting in between, until shutdown (`Ok`) or
/// a failure (`Err`).
async fn session(reader: &Reader, shutdown: &mut watch::Receiver<bool>) -> Result<(), String> {
    let config = &reader.config;
    let mut session = connect::open(config).await?;
    let capabilities = session.capabilities().await.map_err(imap("CAPABILITY"))?;
    let idle = capabilities.has_str("IDLE");
    let moves = capabilities.has_str("MOVE");
    if let ImapAfter::Move(folder) = &config.after {
        // Made once; "already exists" is the usual answer.
        let _ = session.create(folder).await;
    }
    tracing::info!(mailbox = %config.describe(), idle, "IMAP reader connected");
    let mut passed_again = false;
    loop {
        let selected = session
            .select(&config.folder)
            .await
            .map_err(imap("SELECT"))?;
        let validity = selected.uid_validity.unwrap_or(0);
        pass(reader, &mut session, validity, moves, shutdown).await?;
        Metrics::beat(&reader.intake.pipeline().services().metrics().imap_beat);
        if *shutdown.borrow() {
            let _ = session.logout().await;
            return Ok(());
        }
        // Mail that arrived while the pass ran was announced in answers to its commands;
        // waiting in IDLE now would only hear of it at the next renewal. Once in a row
        // at most, so that a server repeating itself cannot keep us from waiting.
        let arrived = arrived_meanwhile(&session);
        if arrived && !passed_again {
            passed_again = true;
            continue;
        }
        passed_again = false;
        if idle {
            let mut handle = session.idle();
            handle.init().await.map_err(imap("IDLE"))?;
            {
                let (wait, _stop) = handle.wait_with_timeout(IDLE_RENEW);
                tokio::select! {
                    answer = wait => { answer.map_err(imap("IDLE"))?; }
                    _ = shutdown.changed() => {}
                }
            }
            session = handle.done().await.map_err(imap("DONE"))?;
        } else {
            tokio::select! {
                _ = tokio::time::sleep(config.poll) => {}
                _ = shutdown.changed() => {}
            }
        }
        if *shutdown.borrow() {
            let _ = session.logout().await;
            return Ok(());
        }
    }
}

/// Whether the server said, in passing, that messages arrived (it sends `EXISTS` with the
/// answers to other commands); drains what it said.
fn arrived_meanwhile(session: &ImapSession) -> bool {
    let mut arrived = false;
    while let Ok(said) = session.unsolicited_responses.try_recv() {
        arrived |= matches!(
            said,
            async_imap::types::UnsolicitedResponse::Exists(_)
                | async_imap::types::UnsolicitedResponse::Recent(_)
        );
    }
    arrived
}

/// Takes every message after the last one taken: spool (durable), announce, then move or
/// mark it. A message that cannot be spooled stops the pass, left for the next one.
async fn pass(
    reader: &Reader,
    session: &mut ImapSession,
    validity: u32,
    moves: bool,
    shutdown: &watch::Receiver<bool>,
) -> Result<(), String> {
    let store = reader.intake.pipeline().services().store().clone();
    let key = reader.mailbox_key();
    let after = match store.imap_position(&key).map_err(|e| e.to_string())? {
        Some((v, uid)) if v == validity => uid,
        _ => 0,
    };
    // `UID n:*` also answers the last message when there is nothing after `n`.
    let mut uids: Vec<u32> = session
        .uid_search(format!("UID {}:*", after + 1))
        .await
        .map_err(imap("UID SEARCH"))?
        .into_iter()
        .filter(|uid| *uid > after)
        .collect();
    uids.sort_unstable();
    for uid in uids {
        if *shutdown.borrow() {
            break;
        }
        let raw = fetch(session, uid).await?;
        let source = format!("imap/{key}/{validity}/{uid}");
        let envelope = envelope::of_message(&raw, reader.intake.pipeline(), source);
        if raw.len() as u64 > reader.max_message_bytes {
            tracing::warn!(
                uid,
                bytes = raw.len(),
                "a message in the mailbox is too large; it stays there"
            );
        } else if envelope.recipients.is_empty() {
            tracing::info!(
                uid,
                "a message in the mailbox is for none of our addresses; it stays there"
            );
        } else {
            // Judged like RCPT: an address of ours that names nothing (or a closed
            // dossier) is refused and logged; the message then stays in the folder.
            let door = reader.intake.clone();
            let accepted = tokio::task::spawn_blocking(move || door.accept(&envelope, &raw))
                .await
                .map_err(|e| format!("spooling task: {e}"))?
                .map_err(|e| format!("cannot spool message {uid}: {e}"))?;
            if accepted.id.is_none() {
                tracing::info!(uid, refused = ?accepted.refused, "a message in the mailbox is for none of our open addresses; it stays there");
            } else {
                done_with(session, &reader.config.after, uid, moves).await?;
            }
        }
        let (store, key) = (store.clone(), key.clone());
        tokio::task::spawn_blocking(move || store.set_imap_position(&key, validity, uid))
            .await
            .map_err(|e| format!("position task: {e}"))?
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

async fn fetch(session: &mut ImapSession, uid: u32) -> Result<Vec<u8>, String> {
    let fetched: Vec<_> = session
        .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
        .await
        .map_err(imap("UID FETCH"))?
        .try_collect()
        .await
        .map_err(imap("UID FETCH"))?;
    fetched
        .iter()
        .find(|f| f.uid == Some(uid))
        .and_then(|f| f.body())
        .map(<[u8]>::to_vec)
        .ok_or_else(|| format!("the server sent no body for message {uid}"))
}

/// Moves the stored message out of the folder, or marks it and keeps it.
async fn done_with(
    session: &mut ImapSession,
    after: &ImapAfter,
    uid: u32,
    moves: bool,
) -> Result<(), String> {
    let set = uid.to_string();
    match after {
        ImapAfter::Move(folder) if moves => {
            session.uid_mv(&set, folder).await.map_err(imap("UID MOVE"))
        }
        ImapAfter::Move(folder) => {
            session
                .uid_copy(&set, folder)
                .await
                .map_err(imap("UID COPY"))?;
            store_flags(session, &set, "+FLAGS.SILENT (\\Deleted)").await?;
            let _: Vec<_> = session
                .expunge()
                .await
                .map_err(imap("EXPUNGE"))?
                .try_collect()
                .await
                .map_err(imap("EXPUNGE"))?;
            Ok(())
        }
        ImapAfter::Keep => {
            store_flags(session, &set, &format!("+FLAGS.SILENT (\\Seen {KEYWORD})")).await
        }
    }
}

async fn store_flags(session: &mut ImapSession, set: &str, flags: &str) -> Result<(), String> {
    let _: Vec<_> = session
        .uid_store(set, flags)
        .await
        .map_err(imap("UID STORE"))?
        .try_collect()
        .await
        .map_err(imap("UID STORE"))?;
    Ok(())
}

fn imap(command: &'static str) -> impl Fn(async_imap::error::Error) -> String {
    move |e| format!("{command} failed: {e}")
}
