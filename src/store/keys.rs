//! Byte keys: big-endian integers, so that sled's lexicographic order is numeric order
//! and one prefix scan returns a dossier's items (or a user's clients) in id order.

/// Key of one id.
pub fn one(a: u64) -> [u8; 8] {
    a.to_be_bytes()
}

/// Key of a pair: `(dossier, item)`, `(user, client)`…
pub fn two(a: u64, b: u64) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&a.to_be_bytes());
    key[8..].copy_from_slice(&b.to_be_bytes());
    key
}

/// The id of a one-id key.
pub fn first(key: &[u8]) -> Option<u64> {
    key.get(..8)?.try_into().ok().map(u64::from_be_bytes)
}

/// The second id of a pair key.
pub fn second(key: &[u8]) -> Option<u64> {
    key.get(8..16)?.try_into().ok().map(u64::from_be_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_keys_sort_by_first_then_second_id() {
        let mut keys = vec![two(2, 1), two(1, 300), two(1, 2), two(256, 0)];
        keys.sort();
        assert_eq!(keys, vec![two(1, 2), two(1, 300), two(2, 1), two(256, 0)]);
        assert_eq!(second(&two(7, 9)), Some(9));
    }
}
