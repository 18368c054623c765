//! `App`: a cheap handle on the configuration, the services and the mail pipeline, and
//! `serve`, which runs the web view, the SMTP (and LMTP) listeners and the mail worker
//! on already bound listeners until a shutdown signal, then flushes the store.

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::config::{Config, TransportConfig};
use crate::error::{Error, Result};
use crate::mail::analysis::Limits;
use crate::mail::auth::AuthSettings;
use crate::mail::intake::Intake;
use crate::mail::outbound::transport::Transport;
use crate::mail::outbound::{Notifier, NotifySettings};
use crate::mail::pipeline::{Pipeline, PipelineSettings};
use crate::mail::smtp::{self, Mode, SessionSettings, SmtpShared};
use crate::running::{HandoverKey, ServerRecord};
use crate::service::Services;
use crate::store::Store;

/// The running application: a handle on its parts that every request clones, so one
/// reference count (cloning each part's counter on every request made two cores fight
/// over their cache lines: 38 % of `/healthz`'s time).
#[derive(Clone)]
pub struct App(Arc<Parts>);

impl std::ops::Deref for App {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// What the application is made of.
pub struct Parts {
    /// Configuration, read-only.
    pub config: Arc<Config>,
    /// The service API.
    pub services: Services,
    /// The inbound mail pipeline.
    pub pipeline: Arc<Pipeline>,
    /// The notification worker's engine.
    pub notifier: Arc<Notifier>,
    /// The sign-in door's limits (argon2 concurrency, failed attempts).
    pub web_guard: Arc<crate::web::throttle::Guard>,
    /// The key `ingest` and `backup` prove they may act for the operator with, made
    /// when `serve` starts.
    pub handover: Arc<std::sync::OnceLock<HandoverKey>>,
    /// The bearer token of `/metrics`, read or made when `serve` starts.
    pub metrics_token: Arc<std::sync::OnceLock<HandoverKey>>,
    /// The site's own address: the Host requests must name, the Origin of forms.
    pub site: Arc<crate::web::site::Site>,
    /// Discussions as last rendered for each reader.
    pub discussions: crate::web::sections::Rendered,
    /// Calendars as last rendered for each reader.
    pub calendars: crate::web::calendar::Rendered,
}

/// The sockets `serve` runs on, bound by the caller (tests bind port 0).
pub struct Listeners {
    /// The web view.
    pub http: TcpListener,
    /// SMTP.
    pub smtp: TcpListener,
    /// LMTP, if configured.
    pub lmtp: Option<TcpListener>,
    /// STARTTLS on SMTP and LMTP, when a certificate is configured.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
}

impl App {
    /// Who prints documents: the business's name and time zone.
    pub fn printer(&self) -> crate::printing::Printer<'_> {
        crate::printing::Printer {
            business_name: &self.config.business_name,
            zone: self.config.timezone,
        }
    }

    /// Opens the store in the configured data folder.
    pub fn open(config: Config) -> Result<App> {
        let store = Store::open(&config.data)?;
        let services =
            Services::new(store, config.mail_domain.clone()).with_business(config.business.clone());
        let pipeline = Pipeline::new(
            services.clone(),
            PipelineSettings {
                mail_domain: config.mail_domain.clone(),
                auth: AuthSettings {
                    dns: config.mail.dns,
                    trusted_authserv: config.mail.trusted_authserv_id.clone(),
                    trusted_relays: config.mail.trusted_relays.clone(),
                    trusted_arc_sealers: config.mail.trusted_arc_sealers.clone(),
                    host: config.mail_domain.clone(),
                },
                unsafe_trust_from: config.mail.unsafe_trust_from,
                limits: Limits::default(),
                rate_per_hour: config.mail.rate_per_hour,
                business: (config.business_name.clone(), config.business_email.clone()),
            },
        )?;
        let transport = match &config.notify.transport {
            TransportConfig::Folder(dir) => Transport::Folder(dir.clone()),
            TransportConfig::Relay(url, ca) => Transport::relay(url, ca.as_deref())
                .map_err(|e| Error::Invalid(crate::error::Refusal::plain(e)))?,
            TransportConfig::Sendmail(path) => Transport::sendmail(path),
        };
        let settings = NotifySettings {
            business: config.business_name.clone(),
            base_url: config.base_url.clone(),
            mail_domain: config.mail_domain.clone(),
            plus_box: config.plus_mailbox.clone(),
            timezone: config.timezone,
            window: config.notify.window,
            retry_first: config.notify.retry_first,
            retry_max: config.notify.retry_max,
            give_up: config.notify.give_up,
            dkim: match &config.notify.dkim {
                Some((key, selector)) => Some(Arc::new(
                    crate::mail::outbound::dkim::Signer::load(key, selector, &config.mail_domain)
                        .map_err(|e| Error::Invalid(crate::error::Refusal::plain(e)))?,
                )),
                None => None,
            },
        };
        let notifier = Notifier::new(services.clone(), settings, transport);
        let web_guard = crate::web::throttle::Guard::new(config.trusted_proxies.clone());
        Ok(App(Arc::new(Parts {
            site: Arc::new(crate::web::site::Site::of(&config)),
            discussions: crate::kept::Kept::new(32 << 20),
            calendars: crate::kept::Kept::new(16 << 20),
            metrics_token: Arc::default(),
            config: Arc::new(config),
            services,
            pipeline: Arc::new(pipeline),
            notifier: Arc::new(notifier),
            web_guard: Arc::new(web_guard),
            handover: Arc::default(),
        })))
    }

    /// The store.
    pub fn store(&self) -> &Store {
        self.services.store()
    }

    /// Records in the data folder where this server listens, with a fresh hand-over key
    /// and the metrics token: from then on, `ingest` and `backup` find it. `serve`
    /// calls it before it says it listens; [`App::serve`] does if no one did.
    pub fn announce(&self, listeners: &Listeners) -> Result<()> {
        let data = self.store().root();
        let local = |l: &TcpListener| l.local_addr().map_err(|e| Error::from_io("listener", e));
        let record = ServerRecord {
            pid: std::process::id(),
            http: local(&listeners.http)?,
            smtp: local(&listeners.smtp)?,
            lmtp: listeners.lmtp.as_ref().map(local).transpose()?,
        };
        let key = HandoverKey::create(data)?;
        record.write(data)?;
        let _ = self.handover.set(key);
        let _ = self.metrics_token.set(HandoverKey::metrics(data)?);
        Ok(())
    }

    /// Serves until `shutdown` completes, then makes the store durable.
    pub async fn serve(
        self,
        listeners: Listeners,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let data = self.store().root().to_path_buf();
        if self.handover.get().is_none() {
            self.announce(&listeners)?;
        }
        let key = self
            .handover
            .get()
            .cloned()
            .ok_or_else(|| Error::storage("no hand-over key"))?;
        // Contents that nothing names and older than a day are leftovers: a post refused
        // after its file was kept, a crash before its record. Collected before any door
        // or worker runs, so that no write can race the collection.
        let store = self.store().clone();
        let collected = tokio::task::spawn_blocking(move || {
            store.collect_garbage(std::time::Duration::from_secs(24 * 3600))
        })
        .await;
        match collected {
            Ok(Ok(c)) if c.blobs > 0 => {
                tracing::info!(blobs = c.blobs, bytes = c.bytes, "removed unnamed contents")
            }
            Ok(Ok(_)) => {}
            Ok(Err(err)) => tracing::warn!(error = %err, "collecting unnamed contents failed"),
            Err(err) => tracing::warn!(error = %err, "collecting unnamed contents failed"),
        }
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let (queue, announced) = mpsc::unbounded_channel();
        let intake = Intake::new(self.pipeline.clone(), Some(queue));
        let imap = self
            .config
            .imap
            .clone()
            .map(|config| crate::mail::imap::Reader {
                config,
                intake: intake.clone(),
                max_message_bytes: self.config.mail.max_message_bytes,
            });
        let mail = &self.config.mail;
        let settings = SessionSettings::new(
            self.config.mail_domain.clone(),
            mail.max_message_bytes,
            mail.idle_timeout,
        );
        let shared = Arc::new(SmtpShared::new(
            intake,
            settings,
            mail.max_connections,
            mail.max_per_peer,
            listeners.tls,
            Some(key),
        ));
        let mut tasks = vec![tokio::spawn(smtp::server::serve(
            smtp::Listener {
                tcp: listeners.smtp,
                mode: Mode::Smtp,
            },
            shared.clone(),
            stopped.clone(),
        ))];
        if let Some(lmtp) = listeners.lmtp {
            let listener = smtp::Listener {
                tcp: lmtp,
                mode: Mode::Lmtp,
            };
            tasks.push(tokio::spawn(smtp::server::serve(
                listener,
                shared,
                stopped.clone(),
            )));
        }
        // The workers count as alive from their start: `/healthz` may be asked before
        // their task first runs.
        let metrics = self.services.metrics();
        crate::metrics::Metrics::beat(&metrics.notifier_beat);
        crate::metrics::Metrics::beat(&metrics.mail_worker_beat);
        tasks.push(tokio::spawn(crate::mail::outbound::run(
            self.notifier.clone(),
            stopped.clone(),
        )));
        if let Some(intake) = imap {
            tasks.push(tokio::spawn(crate::mail::imap::run(
                intake,
                stopped.clone(),
            )));
        }
        tasks.push(tokio::spawn(crate::service::index_worker(
            self.services.clone(),
            stopped.clone(),
        )));
        tasks.push(tokio::spawn(crate::mail::worker::run(
            self.pipeline.clone(),
            announced,
            stopped.clone(),
        )));
        let router = crate::web::router(self.clone());
        let proxies = self.config.trusted_proxies.clone();
        crate::web::listener::serve(
            listeners.http,
            router,
            self.config.web,
            proxies,
            stopped.clone(),
        )
        .await;
        for task in tasks {
            let _ = task.await;
        }
        ServerRecord::remove(&data);
        tracing::info!("shutting down: flushing the store");
        let store = self.store().clone();
        tokio::task::spawn_blocking(move || store.flush())
            .await
            .map_err(|e| Error::Storage(crate::error::Cause::of("flush task", e)))?
    }
}
