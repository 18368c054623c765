//! `dossier serve [--demo]`: binds the web, SMTP (and LMTP) sockets, prints
//! `listening http=ADDR smtp=ADDR` as the first line on stdout, and runs until SIGINT or
//! SIGTERM.

use tokio::net::TcpListener;

use super::{Failure, exit};
use crate::app::{App, Listeners};
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

async fn serve(mut config: Config, args: ServeArgs) -> Result<(), Failure> {
    if args.demo && config.business_name == "Dossier" {
        // The demo is a business of its own; a configured name still wins.
        config.business_name = "Atelier Moreau".into();
    }
    let (http_addr, smtp_addr, lmtp_addr) = (config.http, config.mail.smtp, config.mail.lmtp);
    let tls = match &config.mail.tls {
        Some((cert, key)) => Some(crate::mail::smtp::tls::acceptor(cert, key).map_err(
            |message| Failure {
                code: exit::CONFIG,
                message,
            },
        )?),
        None => None,
    };
    // Heard from here on: a signal while the store opens stops the server once started.
    let shutdown = shutdown_signal()?;
    let http = bind(http_addr).await?;
    config.serve_on(local(&http)?);
    let app = App::open(config)?;
    let summary = if args.demo {
        Some(demo::fill_if_empty(&app)?)
    } else {
        None
    };
    let smtp = bind(smtp_addr).await?;
    let lmtp = match lmtp_addr {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let listeners = Listeners {
        http,
        smtp,
        lmtp,
        tls,
    };
    // Recorded before the line below: whoever reads it finds the server in the folder.
    app.announce(&listeners)?;
    // The first line on stdout: scripts and tests read the bound ports from it.
    let mut line = format!(
        "listening http={} smtp={}",
        local(&listeners.http)?,
        local(&listeners.smtp)?
    );
    if let Some(lmtp) = &listeners.lmtp {
        line.push_str(&format!(" lmtp={}", local(lmtp)?));
    }
    println!("{line}");
    if let Some(summary) = summary {
        print!("{}", summary.describe(&app.config.data));
    }
    tracing::info!(data = %app.config.data.display(), "{line}");
    app.serve(listeners, shutdown).await?;
    Ok(())
}

async fn bind(addr: std::net::SocketAddr) -> Result<TcpListener, Failure> {
    TcpListener::bind(addr).await.map_err(|e| Failure {
        code: exit::UNAVAILABLE,
        message: format!("cannot listen on {addr}: {e}"),
    })
}

fn local(listener: &TcpListener) -> Result<std::net::SocketAddr, Failure> {
    listener.local_addr().map_err(|e| Failure {
        code: exit::UNAVAILABLE,
        message: format!("cannot read the bound address: {e}"),
    })
}

/// Completes on SIGINT or SIGTERM. The handlers are in place when it returns, long
/// before the listening line: a signal sent as soon as that line is read stops the
/// server cleanly instead of killing it.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, Failure> {
    use tokio::signal::unix::{SignalKind, signal};
    let handler = |kind| {
        signal(kind).map_err(|e| Failure {
            code: exit::UNAVAILABLE,
            message: format!("cannot listen for signals: {e}"),
        })
    };
    let (mut interrupt, mut terminate) = (
        handler(SignalKind::interrupt())?,
        handler(SignalKind::terminate())?,
    );
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}
