//! The index of event ids: an id's hash to the log holding the event.
//!
//! Open addressing with linear probing over one array of 16-byte slots, at most half
//! full. Ingest looks up and inserts one id per event, and in a large ledger every one of
//! those is a cache miss (the ids are unrelated to each other). Here a lookup touches one
//! cache line, at an address known from the hash alone, so [`IdIndex::warm`] can touch
//! it for the next events while the current one is stored and the misses overlap; a
//! `HashMap` keeps its control bytes and entries in two places and exposes neither.
//!
//! One slot per hash: the ledger keeps an id whose 64-bit hash is already taken in a
//! separate map by value (practically never used), and always checks the id itself in
//! the log the slot names.

const EMPTY: usize = usize::MAX;

#[derive(Debug, Clone, Copy)]
struct Slot {
    hash: u64,
    log: usize,
}

const FREE: Slot = Slot {
    hash: 0,
    log: EMPTY,
};

#[derive(Debug, Clone, Default)]
pub(super) struct IdIndex {
    slots: Vec<Slot>,
    len: usize,
}

impl IdIndex {
    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    fn home(&self, hash: u64) -> usize {
        hash as usize & self.mask()
    }

    /// The position of `hash`, or of the free slot where it would go.
    fn find(&self, hash: u64) -> usize {
        let mask = self.mask();
        let mut i = self.home(hash);
        loop {
            let slot = self.slots[i];
            if slot.log == EMPTY || slot.hash == hash {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    pub(super) fn get(&self, hash: u64) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let slot = self.slots[self.find(hash)];
        (slot.log != EMPTY).then_some(slot.log)
    }

    /// Touches the slot `hash` starts from, so the coming lookup finds it in cache.
    pub(super) fn warm(&self, hash: u64) {
        if let Some(slot) = self.slots.get(self.home(hash)) {
            std::hint::black_box(slot.hash);
        }
    }

    /// Makes room for `additional` more ids without growing on the way.
    pub(super) fn reserve(&mut self, additional: usize) {
        let wanted = (self.len + additional).saturating_mul(2).max(16);
        if wanted > self.slots.len() {
            self.grow(wanted.next_power_of_two());
        }
    }

    fn grow(&mut self, capacity: usize) {
        let old = std::mem::replace(&mut self.slots, vec![FREE; capacity]);
        for slot in old.into_iter().filter(|s| s.log != EMPTY) {
            let i = self.find(slot.hash);
            self.slots[i] = slot;
        }
    }

    /// Indexes `hash` to `log`; `false` (and nothing changes) if the hash is taken.
    pub(super) fn insert(&mut self, hash: u64, log: usize) -> bool {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow((self.slots.len() * 2).max(16));
        }
        let i = self.find(hash);
        if self.slots[i].log != EMPTY {
            return false;
        }
        self.slots[i] = Slot { hash, log };
        self.len += 1;
        true
    }

    /// Points `hash` at `log`, if it is indexed.
    pub(super) fn set(&mut self, hash: u64, log: usize) {
        if self.slots.is_empty() {
            return;
        }
        let i = self.find(hash);
        if self.slots[i].log != EMPTY {
            self.slots[i].log = log;
        }
    }

    /// Forgets `hash`, shifting back the slots that probed past it (no tombstones, so
    /// lookups never slow down after removals).
    pub(super) fn remove(&mut self, hash: u64) {
        if self.slots.is_empty() {
            return;
        }
        let mask = self.mask();
        let mut hole = self.find(hash);
        if self.slots[hole].log == EMPTY {
            return;
        }
        self.len -= 1;
        let mut i = hole;
        loop {
            i = (i + 1) & mask;
            let slot = self.slots[i];
            if slot.log == EMPTY {
                break;
            }
            // The slot may move into the hole if its home is not in (hole, i].
            let home = self.home(slot.hash);
            let stays = if hole <= i {
                hole < home && home <= i
            } else {
                hole < home || home <= i
            };
            if !stays {
                self.slots[hole] = slot;
                hole = i;
            }
        }
        self.slots[hole] = FREE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// The index behaves as a map from hash to log under any mix of operations,
        /// including hashes that share a home slot (few distinct low bits).
        #[test]
        fn behaves_as_a_map(ops in proptest::collection::vec((0u8..4, 0u64..64, 0usize..8), 0..400)) {
            let mut index = IdIndex::default();
            let mut model: HashMap<u64, usize> = HashMap::new();
            for (op, key, log) in ops {
                // Spread keys over high bits too, so some collide in the low bits.
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
                prop_assert_eq!(index.len, model.len());
            }
        }
    }
}
