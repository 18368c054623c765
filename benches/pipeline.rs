//! Inbound pipeline throughput over the corpus: mail-parser parsing the bytes alone (the
//! reference), our analysis (parse + classify + trim + attachments), and the whole door
//! (spool with fsync, analysis, store, flush). Prints one Markdown section for
//! `BENCHMARKS.md`: the median of the runs and the ratio to the reference.

use std::path::Path;
use std::time::Instant;

use dossier::app::App;
use dossier::config::Config;
use dossier::domain::{Entrance, Envelope};
use dossier::mail::analysis::{Context, analyze};

const RUNS: usize = 5;

/// The `.eml` files of the corpus: other projects' fixtures and the replies written
/// as each mail program writes them.
fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let written = root.join("written");
    let manifests = [
        (root.clone(), root.join("manifest.tsv")),
        (written.clone(), written.join("manifest-fr.tsv")),
        (written.clone(), written.join("manifest-intl.tsv")),
    ];
    manifests
        .iter()
        .flat_map(|(dir, manifest)| {
            let manifest = std::fs::read_to_string(manifest).expect("the corpus");
            manifest
                .lines()
                .skip(1)
                .filter_map(|row| row.split('\t').next())
                .filter(|file| file.ends_with(".eml"))
                .filter_map(|file| std::fs::read(dir.join(file)).ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The message as sent by `from`: its first From line replaced.
fn sent_by(raw: &[u8], from: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    // As an MTA with a DMARC milter in front of `ingest` writes it: the sender is verified.
    let domain = from.rsplit('@').next().unwrap_or("");
    let mut out = format!(
        "Authentication-Results: mx.bench.test; dmarc=pass header.from={domain}\r\nFrom: {from}\r\n"
    );
    let mut replaced = false;
    for line in text.split_inclusive('\n') {
        if !replaced && line.to_ascii_lowercase().starts_with("from:") {
            replaced = true;
            continue;
        }
        out.push_str(line);
    }
    out.into_bytes()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

fn main() {
    let messages = corpus();
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let mb = bytes as f64 / 1_000_000.0;
    let (mut parse, mut analysis, mut whole) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        // The reference: mail-parser alone, several passes so the time is measurable.
        let start = Instant::now();
        for _ in 0..20 {
            for raw in &messages {
                std::hint::black_box(mail_parser::MessageParser::default().parse(raw));
            }
        }
        parse.push(20.0 * mb / start.elapsed().as_secs_f64());

        let context = Context::default();
        let start = Instant::now();
        for _ in 0..20 {
            for raw in &messages {
                std::hint::black_box(analyze(raw, &context));
            }
        }
        analysis.push(20.0 * mb / start.elapsed().as_secs_f64());

        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::with_data(dir.path());
        config.mail.trusted_authserv_id = vec!["mx.bench.test".into()];
        let app = App::open(config).unwrap();
        let demo = dossier::demo::fill_if_empty(&app).unwrap();
        let client = demo.users.iter().find(|u| u.kind == "client").unwrap();
        let dossier = demo.dossiers.iter().find(|d| d.status == "open").unwrap();
        let prepared: Vec<Vec<u8>> = messages.iter().map(|m| sent_by(m, &client.email)).collect();
        let start = Instant::now();
        for raw in &prepared {
            let envelope = Envelope {
                sender: Some(client.email.clone()),
                recipients: vec![dossier.address.clone()],
                entrance: Entrance::Ingest,
                peer: None,
                helo: None,
                received_at: chrono::Utc::now(),
                source: None,
            };
            let id = app.pipeline.spool().accept(&envelope, raw).unwrap();
            app.pipeline.process(&id).unwrap();
        }
        whole.push(mb / start.elapsed().as_secs_f64());
    }
    let (parse, analysis, whole) = (median(parse), median(analysis), median(whole));
    println!("## Inbound pipeline\n");
    println!(
        "{} messages of the corpus ({:.2} MB), {RUNS} runs, median. Reference: mail-parser parsing the same bytes.\n",
        messages.len(),
        mb
    );
    println!("| path | MB/s | ratio to mail-parser |\n|---|---|---|");
    println!("| mail-parser parse alone (reference) | {parse:.1} | 1.00 |");
    println!(
        "| analysis: parse + classify + trim + attachments | {analysis:.1} | {:.2} |",
        analysis / parse
    );
    println!(
        "| whole door: spool (fsync) + analysis + store + flush, one message at a time | {whole:.2} | {:.3} |",
        whole / parse
    );
    println!();
}
