//! `App`: a cheap handle on the configuration and the services, and `serve`, which runs
//! the web view on an already bound listener until a shutdown signal, then flushes.

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::service::Services;
use crate::store::Store;

/// The running application.
#[derive(Clone)]
pub struct App {
    /// Configuration, read-only.
    pub config: Arc<Config>,
    /// The service API.
    pub services: Services,
}

impl App {
    /// Opens the store in the configured data folder.
    pub fn open(config: Config) -> Result<App> {
        let store = Store::open(&config.data)?;
        let services = Services::new(store, config.mail_domain.clone());
        Ok(App {
            config: Arc::new(config),
            services,
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        self.services.store()
    }

    /// Serves the web view on `http` until `shutdown` completes, then makes the store
    /// durable. Tests pass a listener bound to `127.0.0.1:0`.
    pub async fn serve(
        self,
        http: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let router = crate::web::router(self.clone());
        axum::serve(http, router)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| Error::from_io("web server", e))?;
        tracing::info!("shutting down: flushing the store");
        let store = self.store().clone();
        tokio::task::spawn_blocking(move || store.flush())
            .await
            .map_err(|e| Error::Storage(format!("flush task: {e}")))?
    }
}
