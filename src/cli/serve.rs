//! `dossier serve [--demo]`: binds, prints `listening http=ADDR` as the first line on
//! stdout, and runs until SIGINT or SIGTERM.

use tokio::net::TcpListener;

use super::{Failure, exit};
use crate::app::App;
use crate::config::Config;
use crate::demo;

/// Flags of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Fill an empty data folder with a demo business and print its logins.
    #[arg(long)]
    demo: bool,
}

/// Runs the server.
pub fn run(config: Config, args: ServeArgs) -> Result<(), Failure> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| Failure {
        code: exit::SOFTWARE,
        message: format!("cannot start the runtime: {e}"),
    })?;
    runtime.block_on(serve(config, args))
}

async fn serve(config: Config, args: ServeArgs) -> Result<(), Failure> {
    let http_addr = config.http;
    let app = App::open(config)?;
    let summary = if args.demo {
        Some(demo::fill_if_empty(&app)?)
    } else {
        None
    };
    let http = TcpListener::bind(http_addr).await.map_err(|e| Failure {
        code: exit::UNAVAILABLE,
        message: format!("cannot listen on {http_addr}: {e}"),
    })?;
    let local = http.local_addr().map_err(|e| Failure {
        code: exit::UNAVAILABLE,
        message: format!("cannot read the bound address: {e}"),
    })?;
    // The first line on stdout: scripts and tests read the bound port from it.
    println!("listening http={local}");
    if let Some(summary) = summary {
        print!("{}", summary.describe(&app.config.data));
    }
    tracing::info!(%local, data = %app.config.data.display(), "serving");
    app.serve(http, shutdown_signal()).await?;
    Ok(())
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
