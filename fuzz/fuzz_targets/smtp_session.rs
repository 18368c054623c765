//! A byte stream from an SMTP client → one session of the real listener code, with the
//! real pipeline and store in a temp folder: no panic, whatever the client sends.
#![no_main]

use std::sync::{Arc, LazyLock};

use dossier::app::App;
use dossier::config::Config;
use dossier::mail::intake::Intake;
use dossier::mail::smtp::Mode;
use dossier::mail::smtp::server::SmtpShared;
use dossier::mail::smtp::session::{Peer, SessionSettings, Tls, run};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    shared: Arc<SmtpShared>,
    runtime: tokio::runtime::Runtime,
    app: App,
    _dir: tempfile::TempDir,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(Config::with_data(dir.path())).unwrap();
    let settings = SessionSettings::new(
        "dossier.localhost".into(),
        64 * 1024,
        std::time::Duration::from_secs(5),
    );
    // No worker: what the sessions accept is removed from the spool after each input.
    let intake = Intake::new(app.pipeline.clone(), None);
    let shared = Arc::new(SmtpShared::new(
        intake,
        settings,
        10,
        10,
        None,
        None,
    ));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    Fixture {
        shared,
        runtime,
        app,
        _dir: dir,
    }
});

fuzz_target!(|input: &[u8]| {
    let fixture = &*FIXTURE;
    let stream = tokio::io::BufReader::new(tokio::io::join(
        std::io::Cursor::new(input.to_vec()),
        tokio::io::sink(),
    ));
    let shared = fixture.shared.clone();
    let peer = Peer {
        address: "127.0.0.1:1".into(),
        mode: Mode::Smtp,
        tls: Tls::Unavailable,
        since: std::time::Instant::now(),
    };
    let (_stop, shutdown) = tokio::sync::watch::channel(false);
    let _ = fixture.runtime.block_on(run(stream, peer, shared, shutdown));
    // Accepted messages pile up in the spool otherwise.
    let spool = fixture.app.pipeline.spool();
    for id in spool.pending().unwrap_or_default() {
        let _ = spool.remove(&id);
    }
});
