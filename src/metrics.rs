//! Counters for `/metrics` (Prometheus text format) and the workers' heartbeats for
//! `/healthz`. Plain atomics: counting costs nothing on the hot paths; gauges that live
//! in the store (queue length, size) are read at scrape time.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the HTTP latency histogram, in seconds.
const BUCKETS: [f64; 8] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

/// Every counter of the running server.
#[derive(Default)]
pub struct Metrics {
    /// Messages spooled after DATA (or by `ingest` handed to us).
    pub mail_accepted: AtomicU64,
    labelled: Mutex<BTreeMap<(&'static str, String), u64>>,
    latency: [AtomicU64; 9],
    /// HTTP requests by status class (index 1 to 5 for 1xx to 5xx).
    http_status: [AtomicU64; 6],
    latency_sum_ms: AtomicU64,
    /// Unix seconds of the notification worker's last pass.
    pub notifier_beat: AtomicI64,
    /// Unix seconds of the mail worker's last pass.
    pub mail_worker_beat: AtomicI64,
    /// Unix seconds of the IMAP intake's last pass over its folder.
    pub imap_beat: AtomicI64,
}

impl Metrics {
    /// Adds one to the counter `name` with the label value `label`.
    pub fn count(&self, name: &'static str, label: &str) {
        let mut map = self.labelled.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry((name, label.to_string())).or_default() += 1;
    }

    /// Records one HTTP request's duration.
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        self.latency[bucket].fetch_add(1, Ordering::Relaxed);
        self.latency_sum_ms
            .fetch_add(elapsed.as_millis() as u64, Ordering::Relaxed);
    }

    /// Counts one HTTP response by its status class: atomics only, on every request.
    pub fn count_http(&self, status: u16) {
        let class = usize::from(status / 100).min(5);
        self.http_status[class].fetch_add(1, Ordering::Relaxed);
    }

    /// Marks a worker alive now.
    pub fn beat(beat: &AtomicI64) {
        beat.store(chrono::Utc::now().timestamp(), Ordering::Relaxed);
    }

    /// Whether a worker passed within `within`.
    pub fn alive(beat: &AtomicI64, within: Duration) -> bool {
        chrono::Utc::now().timestamp() - beat.load(Ordering::Relaxed) <= within.as_secs() as i64
    }

    /// The Prometheus text exposition, with the store's gauges.
    pub fn render(&self, pending: usize, dead: usize, held: usize, store_bytes: u64) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP dossier_mail_accepted_total Messages accepted and spooled.\n# TYPE dossier_mail_accepted_total counter\ndossier_mail_accepted_total {}",
            self.mail_accepted.load(Ordering::Relaxed)
        );
        let map = self.labelled.lock().unwrap_or_else(|p| p.into_inner());
        let mut last = "";
        for ((name, label), value) in map.iter() {
            if *name != last {
                let _ = writeln!(out, "# TYPE {name} counter");
                last = name;
            }
            let _ = writeln!(
                out,
                "{name}{{kind=\"{}\"}} {value}",
                label.replace(['"', '\\', '\n'], "_")
            );
        }
        let _ = writeln!(
            out,
            "# HELP dossier_notifications_pending Notifications not yet sent (queued e-mails and additions not yet made into e-mails).\n# TYPE dossier_notifications_pending gauge\ndossier_notifications_pending {pending}"
        );
        let _ = writeln!(
            out,
            "# TYPE dossier_notifications_dead gauge\ndossier_notifications_dead {dead}"
        );
        let _ = writeln!(
            out,
            "# TYPE dossier_mail_held gauge\ndossier_mail_held {held}"
        );
        let _ = writeln!(
            out,
            "# TYPE dossier_store_bytes gauge\ndossier_store_bytes {store_bytes}"
        );
        let _ = writeln!(out, "# TYPE dossier_http_requests_total counter");
        for class in 1..=5 {
            let _ = writeln!(
                out,
                "dossier_http_requests_total{{status=\"{class}xx\"}} {}",
                self.http_status[class].load(Ordering::Relaxed)
            );
        }
        let latency: Vec<u64> = self
            .latency
            .iter()
            .map(|bucket| bucket.load(Ordering::Relaxed))
            .collect();
        let _ = writeln!(
            out,
            "# TYPE dossier_http_request_duration_seconds histogram"
        );
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += latency[i];
            let _ = writeln!(
                out,
                "dossier_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += latency[BUCKETS.len()];
        let _ = writeln!(
            out,
            "dossier_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let _ = writeln!(
            out,
            "dossier_http_request_duration_seconds_sum {}",
            self.latency_sum_ms.load(Ordering::Relaxed) as f64 / 1000.0
        );
        let _ = writeln!(
            out,
            "dossier_http_request_duration_seconds_count {cumulative}"
        );
        out
    }
}
