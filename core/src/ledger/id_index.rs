//! The index of event ids: an id's hash to the log holding the event.
//!
//! One value per hash: the ledger keeps an id whose 64-bit hash is already taken in a
//! separate map by value (practically never used), and always checks the id itself in
//! the log the index names. The table is [`HashSlots`], whose slots can be touched ahead
//! ([`IdIndex::warm`]).

use super::hash_slots::HashSlots;

#[derive(Debug, Clone, Default)]
pub(super) struct IdIndex {
    slots: HashSlots,
}

/// Any value under a hash is the one: the index keeps one per hash.
fn any(_: usize) -> bool {
    true
}

impl IdIndex {
    pub(super) fn get(&self, hash: u64) -> Option<usize> {
        self.slots.get(hash, any)
    }

    /// Touches the slot `hash` starts from, so the coming lookup finds it in cache.
    pub(super) fn warm(&self, hash: u64) {
        self.slots.warm(hash);
    }

    /// Makes room for `additional` more ids without growing on the way.
    pub(super) fn reserve(&mut self, additional: usize) {
        self.slots.reserve(additional);
    }

    /// Indexes `hash` to `log`; `false` (and nothing changes) if the hash is taken.
    pub(super) fn insert(&mut self, hash: u64, log: usize) -> bool {
        self.slots.insert_if_absent(hash, log)
    }

    /// Points `hash` at `log`, if it is indexed.
    pub(super) fn set(&mut self, hash: u64, log: usize) {
        self.slots.set(hash, any, log);
    }

    /// Forgets `hash`.
    pub(super) fn remove(&mut self, hash: u64) {
        self.slots.remove(hash, any);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// The index behaves as a map from hash to log under any mix of operations,
        /// including hashes that share a home slot (a small table homes by few top bits).
        #[test]
        fn behaves_as_a_map(ops in proptest::collection::vec((0u8..4, 0u64..64, 0usize..8), 0..400)) {
            let mut index = IdIndex::default();
            let mut model: HashMap<u64, usize> = HashMap::new();
            for (op, key, log) in ops {
                // 24 keys (64 in the index) over the few top bits a small table homes by.
                let hash = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) & 0xFFFF_0000_0000_003F;
                match op {
                    0 => {
                        let fresh = !model.contains_key(&hash);
                        prop_assert_eq!(index.insert(hash, log), fresh);
                        model.entry(hash).or_insert(log);
                    }
                    1 => {
                        index.remove(hash);
                        model.remove(&hash);
                    }
                    2 => {
                        index.set(hash, log);
                        if let Some(v) = model.get_mut(&hash) {
                            *v = log;
                        }
                    }
                    _ => index.reserve(log * 10),
                }
                for (&h, &l) in &model {
                    prop_assert_eq!(index.get(h), Some(l));
                }
                            }
        }
    }
}
