//! Values kept in memory while what they were made from has not changed: each is stored
//! with the version (a stamp of the store) it was made at, and a reader asking with
//! another version makes it again. Bounded in bytes: when full, everything is
//! forgotten at once and made again on demand.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// A bounded map of values and the version each was made at.
pub struct Kept<K, V, Ver = u64> {
    limit: usize,
    inner: Mutex<Entries<K, V, Ver>>,
}

struct Entries<K, V, Ver> {
    map: HashMap<K, (Ver, V, usize)>,
    bytes: usize,
}

impl<K: Eq + Hash, V: Clone, Ver: PartialEq> Kept<K, V, Ver> {
    /// An empty map holding at most `limit` bytes (as the callers count them).
    pub fn new(limit: usize) -> Self {
        Kept {
            limit,
            inner: Mutex::new(Entries {
                map: HashMap::new(),
                bytes: 0,
            }),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries<K, V, Ver>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value kept for `key` if it was made at `version`.
    pub fn get(&self, key: &K, version: &Ver) -> Option<V> {
        self.entries()
            .map
            .get(key)
            .filter(|(made, ..)| made == version)
            .map(|(_, value, _)| value.clone())
    }

    /// Keeps `value`, made at `version` and weighing `bytes`; one heavier than a
    /// quarter of the limit is not kept.
    pub fn put(&self, key: K, version: Ver, value: V, bytes: usize) {
        if bytes > self.limit / 4 {
            return;
        }
        let mut entries = self.entries();
        if entries.bytes + bytes > self.limit {
            entries.map.clear();
            entries.bytes = 0;
        }
        entries.bytes += bytes;
        if let Some((_, _, old)) = entries.map.insert(key, (version, value, bytes)) {
            entries.bytes -= old;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[test]
    fn a_value_is_kept_for_its_version_only() {
        let kept = Kept::new(100);
        kept.put("a", 1, "one", 10);
        assert_eq!(kept.get(&"a", &1), Some("one"));
        assert_eq!(kept.get(&"a", &2), None);
        kept.put("a", 2, "two", 10);
        assert_eq!(kept.get(&"a", &2), Some("two"));
    }

    #[test]
    fn a_full_map_forgets_and_a_heavy_value_is_not_kept() {
        let kept = Kept::new(100);
        kept.put("a", 1, "one", 25);
        kept.put("b", 1, "two", 26);
        assert_eq!(kept.get(&"b", &1), None);
        for (i, key) in ["c", "d", "e", "f"].into_iter().enumerate() {
            kept.put(key, 1, "x", 25);
            assert_eq!(kept.get(&key, &1), Some("x"), "{i}");
        }
        kept.put("g", 1, "y", 25);
        assert_eq!(kept.get(&"c", &1), None);
        assert_eq!(kept.get(&"g", &1), Some("y"));
    }
}
