//! One sender's flood into one dossier: at most so many messages an hour are posted, the
//! rest held. Counted in memory ([`crate::limits`]), so a restart starts the hour again.

use std::time::Duration;

use crate::domain::DossierId;
use crate::limits::Limit;

/// (sender, dossier) pairs remembered.
const MAX_KEYS: usize = 100_000;

/// The budget of each (sender, dossier).
pub(super) struct Rate {
    limit: Limit<(String, DossierId)>,
}

impl Rate {
    /// At most `per_hour` messages an hour from one sender to one dossier.
    pub(super) fn new(per_hour: usize) -> Rate {
        let burst = u32::try_from(per_hour).unwrap_or(u32::MAX);
        Rate {
            limit: Limit::new(burst, Duration::from_secs(3600), MAX_KEYS),
        }
    }

    /// Counts one more message from `sender` to `dossier`; false beyond the rate.
    pub(super) fn admit(&self, sender: &str, dossier: DossierId) -> bool {
        self.limit.take(&(sender.to_string(), dossier))
    }
}
