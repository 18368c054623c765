//! Every rate limit of the server, on governor's keyed GCRA limiter: each key has a
//! budget (a burst, given back one unit at a time over the window) that a request checks
//! and spends in one step, so concurrent requests cannot all pass before one is counted.
//! The keys kept are bounded: quiet keys are forgotten as the map grows (a full map is
//! pruned at most once a second), and while it is full of busy keys every check is
//! refused until some quiet down — callers make filling it cost (the web's account
//! budgets are spent only by clients within theirs).

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How many checks between two prunings of quiet keys.
const PRUNE_EVERY: usize = 4096;

/// A budget of `burst` per key over `window`.
pub struct Limit<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    max_keys: usize,
    checks: AtomicUsize,
    pruned: Mutex<Option<Instant>>,
}

impl<K: Hash + Eq + Clone> Limit<K> {
    /// At most `burst` per key within `window` (one unit back every `window / burst`),
    /// remembering at most `max_keys` keys.
    pub fn new(burst: u32, window: Duration, max_keys: usize) -> Limit<K> {
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let period = (window / burst.get()).max(Duration::from_nanos(1));
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Limit {
            limiter: RateLimiter::keyed(quota),
            max_keys: max_keys.max(1),
            checks: AtomicUsize::new(0),
            pruned: Mutex::new(None),
        }
    }

    /// Spends one unit of `key`'s budget; false when it is spent (or the map is full).
    pub fn take(&self, key: &K) -> bool {
        let checks = self.checks.fetch_add(1, Ordering::Relaxed);
        if checks % PRUNE_EVERY == PRUNE_EVERY - 1
            || (self.limiter.len() >= self.max_keys && self.may_prune())
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        if self.limiter.len() >= self.max_keys {
            // Full of busy keys: refuse, rather than grow without end.
            return false;
        }
        self.limiter.check_key(key).is_ok()
    }

    /// A full map is pruned at most once a second: each pruning walks every key.
    fn may_prune(&self) -> bool {
        let mut last = self.pruned.lock().unwrap_or_else(|p| p.into_inner());
        let due = last.is_none_or(|at| at.elapsed() >= Duration::from_secs(1));
        if due {
            *last = Some(Instant::now());
        }
        due
    }

    /// Keys remembered now.
    pub fn keys(&self) -> usize {
        self.limiter.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_per_key_and_spent_by_each_check() {
        let limit = Limit::new(3, Duration::from_secs(3600), 100);
        assert!((0..3).all(|_| limit.take(&"a")));
        assert!(!limit.take(&"a"), "the fourth waits");
        assert!(limit.take(&"b"), "another key has its own");
    }

    #[test]
    fn the_keys_kept_are_bounded() {
        let limit = Limit::new(1, Duration::from_secs(3600), 50);
        for n in 0..1000 {
            limit.take(&n);
        }
        assert!(limit.keys() <= 50, "{}", limit.keys());
        assert!(!limit.take(&5000), "a full map refuses new keys");
    }

    #[test]
    fn quiet_keys_are_forgotten() {
        let limit = Limit::new(1, Duration::from_millis(1), 50);
        for n in 0..49 {
            limit.take(&n);
        }
        // Each budget comes back within a millisecond: poll until pruning sees it.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let mut n = 1000;
        while limit.keys() >= 49 {
            assert!(std::time::Instant::now() < deadline);
            limit.take(&n);
            n += 1;
        }
    }
}
