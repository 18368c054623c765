//! Notifications: intents written with each file, message or event become one e-mail per
//! recipient ([`prepare`]), queued durably, then handed to the transport with retries
//! and backoff ([`delivery`]). Documents sent by staff ([`document`]) and reminders
//! ([`reminders`], looked for every hour) go through the same queue. Nothing is sent
//! from a request or an SMTP session.

pub mod codes_and_links;
pub mod compose;
pub mod delivery;
pub mod dkim;
pub mod document;
pub mod prepare;
pub mod relay;
pub mod reminders;
pub mod transport;

use std::time::Duration;

use chrono_tz::Tz;

use crate::domain::Addressing;
use crate::service::Services;
use transport::Transport;

/// What the notifier needs to know.
#[derive(Debug, Clone)]
pub struct NotifySettings {
    /// The business's name, in From.
    pub business: String,
    /// The web view's public address, for links.
    pub base_url: String,
    /// Our mail domain.
    pub mail_domain: String,
    /// The shared mailbox our addresses go through, if any (see [`Addressing`]).
    pub plus_box: Option<String>,
    /// The business's time zone, for event times.
    pub timezone: Tz,
    /// Grouping window.
    pub window: Duration,
    /// First retry delay.
    pub retry_first: Duration,
    /// Longest retry delay.
    pub retry_max: Duration,
    /// Give up after.
    pub give_up: Duration,
    /// Signs every e-mail, when a key is configured.
    pub dkim: Option<std::sync::Arc<dkim::Signer>>,
}

impl NotifySettings {
    /// Who prints the documents the e-mails carry.
    pub fn printer(&self) -> crate::printing::Printer<'_> {
        crate::printing::Printer {
            business_name: &self.business,
            zone: self.timezone,
        }
    }

    /// One of our addresses, written as the configuration says.
    pub fn address(&self, ours: &crate::domain::OurAddress) -> String {
        Addressing {
            domain: self.mail_domain.clone(),
            plus_box: self.plus_box.clone(),
        }
        .write(ours)
    }
}

/// Prepares and delivers notifications.
pub struct Notifier {
    services: Services,
    settings: NotifySettings,
    transport: Transport,
}

impl Notifier {
    /// A notifier writing through `services` and sending with `transport`.
    pub fn new(services: Services, settings: NotifySettings, transport: Transport) -> Notifier {
        Notifier {
            services,
            settings,
            transport,
        }
    }

    /// `raw` as it goes out: DKIM-signed when a key is configured.
    pub fn signed(&self, raw: Vec<u8>) -> crate::error::Result<Vec<u8>> {
        match &self.settings.dkim {
            Some(signer) => signer.sign(&raw),
            None => Ok(raw),
        }
    }

    /// Prepares what is due and attempts what is due, once.
    pub async fn run_once(&self, now: chrono::DateTime<chrono::Utc>) -> crate::error::Result<()> {
        self.prepare(now)?;
        self.deliver_due(now).await?;
        Ok(())
    }
}

/// How often reminders are looked for.
const REMINDER_EVERY: Duration = Duration::from_secs(3600);

/// How long a worker rests when it found nothing to do.
const REST: Duration = Duration::from_secs(1);

/// Runs until `shutdown` turns true: one loop prepares e-mails (and looks for reminders
/// every hour), the other delivers them, woken as soon as a pass queued some, so the
/// first e-mails of a long backlog go out while the rest are written.
pub async fn run(notifier: std::sync::Arc<Notifier>, shutdown: tokio::sync::watch::Receiver<bool>) {
    let queued = std::sync::Arc::new(tokio::sync::Notify::new());
    // The notifier is alive when both loops went round lately.
    let prepared_at = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    crate::metrics::Metrics::beat(&prepared_at);
    let preparing = tokio::spawn(prepare_loop(
        notifier.clone(),
        shutdown.clone(),
        queued.clone(),
        prepared_at.clone(),
    ));
    deliver_loop(notifier, shutdown, queued, prepared_at).await;
    let _ = preparing.await;
}

async fn prepare_loop(
    notifier: std::sync::Arc<Notifier>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
    queued: std::sync::Arc<tokio::sync::Notify>,
    beat: std::sync::Arc<std::sync::atomic::AtomicI64>,
) {
    let mut reminded: Option<std::time::Instant> = None;
    loop {
        crate::metrics::Metrics::beat(&beat);
        let (n, wake, alive) = (notifier.clone(), queued.clone(), beat.clone());
        let stop = shutdown.clone();
        // Each pack queued wakes delivery and shows a long backlog's pass alive; a
        // stopping server ends the pass there (the rest stays for the next start).
        let prepared = tokio::task::spawn_blocking(move || {
            n.prepare_then(chrono::Utc::now(), &|| {
                wake.notify_one();
                crate::metrics::Metrics::beat(&alive);
                !*stop.borrow()
            })
        })
        .await;
        match prepared {
            Ok(Ok(_)) => {}
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "preparing notifications failed; they stay in the outbox")
            }
            Err(err) => {
                tracing::error!(error = %err, "preparing notifications stopped short; they stay in the outbox")
            }
        }
        // Reminders are looked for after the first pass and then every hour; each is sent
        // once.
        if *shutdown.borrow() {
            return;
        }
        if reminded.is_none_or(|at| at.elapsed() >= REMINDER_EVERY) {
            reminded = Some(std::time::Instant::now());
            let n = notifier.clone();
            let sent = tokio::task::spawn_blocking(move || {
                let now = chrono::Utc::now();
                n.send_reminders(now.with_timezone(&n.settings.timezone).date_naive(), now)
            })
            .await;
            match sent {
                Ok(Ok(_)) => queued.notify_one(),
                Ok(Err(err)) => {
                    tracing::warn!(error = %err, "sending reminders failed; they are tried again within the hour")
                }
                Err(err) => {
                    tracing::error!(error = %err, "looking for reminders stopped short; they are looked for again within the hour")
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(REST) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn deliver_loop(
    notifier: std::sync::Arc<Notifier>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
    queued: std::sync::Arc<tokio::sync::Notify>,
    prepared_at: std::sync::Arc<std::sync::atomic::AtomicI64>,
) {
    use std::sync::atomic::Ordering;
    let metrics = notifier.services.metrics();
    loop {
        let now = chrono::Utc::now().timestamp();
        let both = now.min(prepared_at.load(Ordering::Relaxed));
        metrics.notifier_beat.store(both, Ordering::Relaxed);
        let full = match notifier.deliver_due(chrono::Utc::now()).await {
            Ok(n) => n >= delivery::BATCH,
            Err(err) => {
                tracing::warn!(error = %err, "delivering notifications failed; they stay queued");
                false
            }
        };
        if *shutdown.borrow() {
            return;
        }
        // A full batch: more are probably due, go on at once.
        if full {
            continue;
        }
        tokio::select! {
            _ = queued.notified() => {}
            _ = tokio::time::sleep(REST) => {}
            _ = shutdown.changed() => return,
        }
    }
}
