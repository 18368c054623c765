//! Stores for the benchmarks, built through the services as users would fill them, and
//! the figures read off them.
//!
//! usage:
//!   scale build DIR DOSSIERS MESSAGES_PER_DOSSIER   → one client per ten dossiers
//!   scale measure DIR                               → open, a client's list, a page, size, memory
//!   scale web DIR                                   → the demo + one dossier with 1,000
//!                                                      messages, 200 files and 100 events
//!   scale notify DIR N                              → the demo + N dossiers with a staff
//!                                                      message each: e-mails to send

use std::path::Path;
use std::time::Instant;

use chrono::TimeZone;
use dossier::app::App;
use dossier::config::Config;
use dossier::domain::{
    BlobRef, Door, EmailAddress, EventDraft, EventTime, FileName, Lang, NewFile, NewMessage, User,
};
use dossier::service::{NewDossierRequest, Operator, PersonRequest, Services};

fn person(s: &Services, name: &str, email: &str, staff: bool) -> User {
    let request = PersonRequest {
        name: name.into(),
        emails: vec![EmailAddress::parse(email).unwrap()],
        lang: Lang::Fr,
        staff,
        password: None,
    };
    s.add_user(&Operator::command_line(), request).unwrap()
}

fn message(text: String) -> NewMessage {
    NewMessage {
        text,
        ..NewMessage::default()
    }
}

fn build(dir: &Path, dossiers: usize, per_dossier: usize) {
    let app = App::open(Config::with_data(dir)).unwrap();
    let s = &app.services;
    let op = Operator::command_line();
    let staff = person(s, "Claire Moreau", "claire@atelier.test", true);
    let start = Instant::now();
    for c in 0..dossiers.div_ceil(10) {
        let member = person(
            s,
            &format!("Client {c}"),
            &format!("client{c}@clients.test"),
            false,
        );
        let company = s.add_company(&op, &format!("Société {c}"), true).unwrap();
        s.add_member(&op, company.id, &member.emails[0]).unwrap();
        for d in 0..10.min(dossiers - c * 10) {
            let request = NewDossierRequest {
                client: company.id,
                title: format!("Chantier {c}-{d}"),
                description: String::new(),
            };
            let dossier = s.create_dossier(&staff, request).unwrap();
            for m in 0..per_dossier {
                let author = if m % 2 == 0 { &member } else { &staff };
                let text = format!(
                    "Message {m} du chantier {c}-{d} : merci pour la visite, voici les mesures \
                     prises sur place et les questions qui restent pour le devis."
                );
                s.post_message(author, dossier.id, Door::Web, message(text))
                    .unwrap();
            }
        }
    }
    s.store().flush().unwrap();
    println!(
        "built {dossiers} dossiers and {} messages in {:.1} s",
        dossiers * per_dossier,
        start.elapsed().as_secs_f64()
    );
}

fn median_ms(mut run: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    times[times.len() / 2]
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn disk_mb(dir: &Path) -> f64 {
    fn walk(dir: &Path) -> u64 {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| match e.metadata() {
                Ok(m) if m.is_dir() => walk(&e.path()),
                Ok(m) => m.len(),
                Err(_) => 0,
            })
            .sum()
    }
    walk(dir) as f64 / 1_000_000.0
}

fn measure(dir: &Path) {
    let start = Instant::now();
    let app = App::open(Config::with_data(dir)).unwrap();
    let open_ms = start.elapsed().as_secs_f64() * 1000.0;
    let s = &app.services;
    let client = s
        .store()
        .user_by_email(&EmailAddress::parse("client0@clients.test").unwrap())
        .unwrap()
        .unwrap();
    let list = s.visible_dossiers(&client).unwrap();
    let list_ms = median_ms(|| {
        std::hint::black_box(s.visible_dossiers(&client).unwrap());
    });
    let page_ms = median_ms(|| {
        std::hint::black_box(s.dossier_view(&client, list[0].id).unwrap());
    });
    println!(
        "{open_ms:.1} {list_ms:.3} {page_ms:.3} {:.1} {:.1} {}",
        disk_mb(dir),
        rss_mb(),
        list.len()
    );
}

fn first_open(s: &Services, staff: &User) -> dossier::domain::Dossier {
    s.visible_dossiers(staff)
        .unwrap()
        .into_iter()
        .find(|d| d.status == dossier::domain::Status::Open)
        .unwrap()
}

fn web(dir: &Path) {
    let app = App::open(Config::with_data(dir)).unwrap();
    dossier::demo::fill_if_empty(&app).unwrap();
    let s = &app.services;
    let staff = s
        .store()
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.staff)
        .unwrap();
    let dossier = first_open(s, &staff);
    for m in 0..1000 {
        let text =
            format!("Message {m} : point sur l'avancement du chantier et prochaines étapes.");
        s.post_message(&staff, dossier.id, Door::Web, message(text))
            .unwrap();
    }
    for f in 0..200 {
        let stored = s
            .store()
            .blobs()
            .put(format!("contenu du fichier {f}").as_bytes())
            .unwrap();
        let blob = BlobRef {
            name: FileName::sanitize(&format!("plan-{f}.pdf")),
            content_type: "application/pdf".into(),
            size: stored.size,
            sha256: stored.sha256,
        };
        s.add_file(&staff, dossier.id, Door::Web, NewFile::attached(blob))
            .unwrap();
    }
    let first = chrono::Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
    for e in 0..100 {
        let start = first + chrono::Duration::hours(7 * e);
        let draft = EventDraft {
            title: format!("Rendez-vous {e}"),
            time: EventTime::Timed {
                start,
                end: start + chrono::Duration::hours(1),
            },
            place: "Sur place".into(),
            description: String::new(),
            attendees: vec![],
        };
        s.add_event(&staff, dossier.id, draft).unwrap();
    }
    s.store().flush().unwrap();
    println!("{}", dossier.number);
}

fn notify(dir: &Path, count: usize) {
    let app = App::open(Config::with_data(dir)).unwrap();
    dossier::demo::fill_if_empty(&app).unwrap();
    let s = &app.services;
    let users = s.store().users().unwrap();
    let staff = users.iter().find(|u| u.staff).unwrap();
    let client = first_open(s, staff).client;
    // One dossier per message: notifications of one author on one dossier are grouped,
    // so each of these makes e-mails of its own.
    for m in 0..count {
        let request = NewDossierRequest {
            client,
            title: format!("Chantier {m}"),
            description: String::new(),
        };
        let dossier = s.create_dossier(staff, request).unwrap();
        let text = format!("Message {m} : le point de la semaine sur le chantier.");
        s.post_message(staff, dossier.id, Door::Web, message(text))
            .unwrap();
    }
    s.store().flush().unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["build", dir, dossiers, per] => build(
            Path::new(dir),
            dossiers.parse().unwrap(),
            per.parse().unwrap(),
        ),
        ["measure", dir] => measure(Path::new(dir)),
        ["web", dir] => web(Path::new(dir)),
        ["notify", dir, count] => notify(Path::new(dir), count.parse().unwrap()),
        _ => {
            eprintln!("usage: scale build DIR DOSSIERS PER_DOSSIER | measure DIR | web DIR");
            std::process::exit(64);
        }
    }
}
