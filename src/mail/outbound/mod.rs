//! Notifications: intents written with each file, message or event become one e-mail per
//! recipient ([`prepare`]), queued durably, then handed to the transport with retries
//! and backoff ([`delivery`]). Documents sent by staff ([`document`]) and reminders
//! ([`reminders`], looked for every hour) go through the same queue. Nothing is sent
//! from a request or an SMTP session.

pub mod compose;
pub mod delivery;
pub mod direct;
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

/// Runs until `shutdown` turns true, looking for work every second (at once again after
/// a full batch).
pub async fn run(
    notifier: std::sync::Arc<Notifier>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut reminded: Option<std::time::Instant> = None;
    loop {
        crate::metrics::Metrics::beat(&notifier.services.metrics().notifier_beat);
        // Reminders are looked for at start and then every hour; each is sent once.
        if reminded.is_none_or(|at| at.elapsed() >= REMINDER_EVERY) {
            reminded = Some(std::time::Instant::now());
            let n = notifier.clone();
            let sent = tokio::task::spawn_blocking(move || {
                let now = chrono::Utc::now();
                n.send_reminders(now.with_timezone(&n.settings.timezone).date_naive(), now)
            })
            .await;
            if let Ok(Err(err)) = sent {
                tracing::warn!(error = %err, "sending reminders failed; they are tried again within the hour");
            }
        }
        let n = notifier.clone();
        let prepared = tokio::task::spawn_blocking(move || n.prepare(chrono::Utc::now())).await;
        let mut busy = false;
        match prepared {
            Ok(Ok(groups)) => busy |= groups >= prepare::GROUPS_PER_PASS,
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "preparing notifications failed; they stay in the outbox")
            }
            Err(_) => {}
        }
        match notifier.deliver_due(chrono::Utc::now()).await {
            Ok(n) => busy |= n >= delivery::BATCH,
            Err(err) => {
                tracing::warn!(error = %err, "delivering notifications failed; they stay queued")
            }
        }
        // A full pass: more is probably due, go on at once.
        if busy && !*shutdown.borrow() {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
