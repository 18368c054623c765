//! Raw bytes through the one intake and the pipeline, as `ingest` delivers them: judged,
//! spooled, the sender checked (against a DNS server that never answers), analysed and
//! routed. Whatever is accepted must reach a recorded outcome: no panic escapes, and the
//! spool is empty afterwards.
#![no_main]

use std::sync::LazyLock;

use dossier::app::App;
use dossier::config::{Config, ConfigArgs};
use dossier::domain::{Entrance, Envelope, OurAddress};
use dossier::mail::intake::Intake;
use libfuzzer_sys::fuzz_target;

struct Fixture {
    app: App,
    intake: Intake,
    to: String,
    _dir: tempfile::TempDir,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let args = ConfigArgs {
        data: Some(dir.path().to_path_buf()),
        // Nothing answers on port 9: the checks never leave this machine.
        dns: Some("127.0.0.1:9".parse().unwrap()),
        trusted_authserv_id: vec!["mx.dossier.localhost".into()],
        ..ConfigArgs::default()
    };
    let app = App::open(Config::load(&args).unwrap()).unwrap();
    let demo = dossier::demo::fill_if_empty(&app).unwrap();
    let to = demo
        .dossiers
        .iter()
        .find(|d| d.status == "open")
        .unwrap()
        .address
        .clone();
    let intake = Intake::new(app.pipeline.clone(), None);
    Fixture {
        app,
        intake,
        to,
        _dir: dir,
    }
});

fuzz_target!(|raw: &[u8]| {
    let fixture = &*FIXTURE;
    // The first byte picks the recipient: the dossier, the new-dossier address, or the
    // notifications address.
    let to = match raw.first().map(|b| b % 3) {
        Some(0) | None => fixture.to.clone(),
        Some(1) => OurAddress::NewDossier.at("dossier.localhost"),
        _ => OurAddress::Notifications.at("dossier.localhost"),
    };
    let envelope = Envelope {
        sender: Some("helene.garnier@sci-tilleuls.example".into()),
        recipients: vec![to],
        entrance: Entrance::Ingest,
        peer: None,
        helo: None,
        received_at: chrono::Utc::now(),
        source: None,
    };
    let accepted = fixture.intake.accept(&envelope, raw).expect("the intake takes it");
    let id = accepted.id.expect("an open address accepts");
    let pipeline = fixture.app.pipeline.clone();
    for _ in 0..dossier::mail::pipeline::MAX_ATTEMPTS {
        if pipeline.process_guarded(&id).is_ok() {
            break;
        }
    }
    assert!(
        !pipeline.spool().pending().unwrap().contains(&id),
        "every accepted message reaches a recorded outcome"
    );
});
