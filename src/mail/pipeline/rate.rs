//! One sender's flood into one dossier: at most so many messages an hour are posted, the
//! rest held. Counted in memory, so a restart starts the hour again.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::DossierId;

/// The messages posted in the last hour, per (sender, dossier).
pub(super) struct Rate {
    per_hour: usize,
    recent: Mutex<HashMap<(String, DossierId), VecDeque<Instant>>>,
}

impl Rate {
    /// At most `per_hour` messages an hour from one sender to one dossier.
    pub(super) fn new(per_hour: usize) -> Rate {
        Rate {
            per_hour,
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one more message from `sender` to `dossier`; false beyond the rate.
    pub(super) fn admit(&self, sender: &str, dossier: DossierId) -> bool {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let hour = Duration::from_secs(3600);
        // Senders quiet for an hour are forgotten, so the map stays small.
        recent.retain(|_, times| times.back().is_some_and(|t| t.elapsed() <= hour));
        let times = recent.entry((sender.to_string(), dossier)).or_default();
        while times.front().is_some_and(|t| t.elapsed() > hour) {
            times.pop_front();
        }
        if times.len() >= self.per_hour {
            return false;
        }
        times.push_back(Instant::now());
        true
    }
}
