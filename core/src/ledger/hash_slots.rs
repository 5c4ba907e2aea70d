//! Open addressing over one array of 16-byte slots, each a 64-bit hash and a value (a
//! log's index), at most half full, linear probing from the hash's top bits,
//! backward-shift removal.
//!
//! The ledger's two indexes (event ids and tickets, `id_index.rs` and `ticket_table.rs`)
//! are this table. A slot holds no key, only the key's hash: the caller checks a
//! candidate against its own copy of the key (the id in the log, the ticket of the log),
//! so the table's memory is 16 bytes a slot whatever the keys, and several keys may share
//! a hash. What it is for is ingest at scale: every lookup there is a cache miss (keys are
//! unrelated to each other), and here the line a lookup starts from is known from the
//! hash alone, so [`HashSlots::warm`] can touch it for the next events while the current
//! one is stored and the misses overlap; a `HashMap` keeps its control bytes and entries
//! in two places and exposes neither.

const EMPTY: usize = usize::MAX;

#[derive(Debug, Clone, Copy)]
struct Slot {
    hash: u64,
    value: usize,
}

const FREE: Slot = Slot {
    hash: 0,
    value: EMPTY,
};

#[derive(Debug, Clone, Default)]
pub(super) struct HashSlots {
    slots: Vec<Slot>,
    len: usize,
}

impl HashSlots {
    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// A hash's first slot: its top bits. A walk over hashes sorted by their top bits
    /// (bulk ingest, `ledger/bulk.rs`) then meets the slots in address order, whatever the
    /// table's size.
    fn home(&self, hash: u64) -> usize {
        // The table's length is a power of two (or zero, where nothing is looked up).
        match self.slots.len().trailing_zeros() {
            0 => 0,
            bits => (hash >> (64 - bits)) as usize,
        }
    }

    /// The position of the slot holding `hash` with a value `is` accepts, or of the free
    /// slot that ends the probe. The table is never full, so a probe always ends.
    fn find(&self, hash: u64, mut is: impl FnMut(usize) -> bool) -> usize {
        let mask = self.mask();
        let mut i = self.home(hash);
        loop {
            let slot = self.slots[i];
            if slot.value == EMPTY || (slot.hash == hash && is(slot.value)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of the first slot holding `hash` that `is` accepts.
    pub(super) fn get(&self, hash: u64, is: impl FnMut(usize) -> bool) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let slot = self.slots[self.find(hash, is)];
        (slot.value != EMPTY).then_some(slot.value)
    }

    /// Touches the slot `hash` starts from, so the coming lookup finds it in cache.
    pub(super) fn warm(&self, hash: u64) {
        if let Some(slot) = self.slots.get(self.home(hash)) {
            std::hint::black_box(slot.hash);
        }
    }

    /// Makes room for `additional` more values without growing on the way.
    pub(super) fn reserve(&mut self, additional: usize) {
        let wanted = (self.len + additional).saturating_mul(2).max(16);
        if wanted > self.slots.len() {
            self.grow(wanted.next_power_of_two());
        }
    }

    fn grow(&mut self, capacity: usize) {
        let old = std::mem::replace(&mut self.slots, vec![FREE; capacity]);
        for slot in old.into_iter().filter(|s| s.value != EMPTY) {
            let i = self.find(slot.hash, |_| false);
            self.slots[i] = slot;
        }
    }

    /// Adds `value` under `hash`, beside any values the hash already has.
    pub(super) fn insert(&mut self, hash: u64, value: usize) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow((self.slots.len() * 2).max(16));
        }
        let i = self.find(hash, |_| false);
        self.slots[i] = Slot { hash, value };
        self.len += 1;
    }

    /// Adds `value` under `hash` unless the hash has a value already: `false` then, and
    /// nothing changes. One probe, where a lookup and then an insert would be two.
    pub(super) fn insert_if_absent(&mut self, hash: u64, value: usize) -> bool {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow((self.slots.len() * 2).max(16));
        }
        let i = self.find(hash, |_| true);
        if self.slots[i].value != EMPTY {
            return false;
        }
        self.slots[i] = Slot { hash, value };
        self.len += 1;
        true
    }

    /// Replaces the first value under `hash` that `is` accepts with `value`.
    pub(super) fn set(&mut self, hash: u64, is: impl FnMut(usize) -> bool, value: usize) {
        if self.slots.is_empty() {
            return;
        }
        let i = self.find(hash, is);
        if self.slots[i].value != EMPTY {
            self.slots[i].value = value;
        }
    }

    /// Removes the first value under `hash` that `is` accepts and returns it, shifting
    /// back the slots that probed past it (no tombstones, so lookups never slow down
    /// after removals).
    pub(super) fn remove(&mut self, hash: u64, is: impl FnMut(usize) -> bool) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut hole = self.find(hash, is);
        let removed = self.slots[hole].value;
        if removed == EMPTY {
            return None;
        }
        self.len -= 1;
        let mut i = hole;
        loop {
            i = (i + 1) & mask;
            let slot = self.slots[i];
            if slot.value == EMPTY {
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
        Some(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The table behaves as a multimap from hash to values under any mix of
        /// operations, including hashes that share a home slot (a small table homes by few
        /// top bits)
        /// and values that share a hash.
        #[test]
        fn behaves_as_a_multimap(ops in proptest::collection::vec((0u8..4, 0u64..24, 0usize..6), 0..400)) {
            let mut table = HashSlots::default();
            let mut model: Vec<(u64, usize)> = Vec::new();
            for (op, key, value) in ops {
                // 24 keys (64 in the index) over the few top bits a small table homes by.
                let hash = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) & 0xFFFF_0000_0000_003F;
                match op {
                    0 => {
                        table.insert(hash, value);
                        model.push((hash, value));
                    }
                    1 => {
                        let at = model.iter().position(|&(h, v)| h == hash && v == value);
                        prop_assert_eq!(table.remove(hash, |v| v == value), at.map(|_| value));
                        if let Some(at) = at {
                            model.remove(at);
                        }
                    }
                    2 => {
                        // Repoint one value under the hash (pairs that are equal are
                        // interchangeable, so which of them does not matter).
                        if let Some(entry) = model.iter_mut().find(|(h, _)| *h == hash) {
                            let old = entry.1;
                            table.set(hash, |v| v == old, value);
                            entry.1 = value;
                        }
                    }
                    3 if value % 2 == 0 => {
                        let absent = !model.iter().any(|&(h, _)| h == hash);
                        prop_assert_eq!(table.insert_if_absent(hash, value), absent);
                        if absent {
                            model.push((hash, value));
                        }
                    }
                    _ => table.reserve(value * 10),
                }
                for &(h, v) in &model {
                    prop_assert_eq!(table.get(h, |x| x == v), Some(v));
                    let any = table.get(h, |_| true);
                    prop_assert!(any.is_some_and(|x| model.contains(&(h, x))));
                }
                prop_assert_eq!(table.get(hash, |_| true).is_some(), model.iter().any(|&(h, _)| h == hash));
                prop_assert_eq!(table.len, model.len());
            }
        }
    }
}
