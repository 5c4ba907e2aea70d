//! The table of tickets: a ticket id to the index of its log.
//!
//! A `HashMap<CompactString, usize>` hashes the id on every call, and ingest asks about
//! one ticket several times per event (look ahead, look up, create). Here the caller
//! hashes an id once ([`TicketTable::hash`]) and hands the hash to every call, over
//! hashbrown's `HashTable`, the map without a built-in hasher. Ids up to 24 bytes sit in
//! the entry itself ([`CompactString`]), so comparing a key reads no second cache line.

use compact_str::CompactString;
use hashbrown::HashTable;
use std::hash::BuildHasher;

#[derive(Debug, Clone)]
struct Entry {
    ticket: CompactString,
    log: usize,
}

#[derive(Debug, Clone, Default)]
pub(super) struct TicketTable {
    entries: HashTable<Entry>,
    /// foldhash, seeded per process: crafted ids cannot force collisions.
    hasher: foldhash::fast::RandomState,
}

impl TicketTable {
    /// The hash every other call takes for `ticket`.
    pub(super) fn hash(&self, ticket: &str) -> u64 {
        self.hasher.hash_one(ticket)
    }

    /// The log of `ticket`, whose hash is `hash`.
    pub(super) fn get(&self, hash: u64, ticket: &str) -> Option<usize> {
        self.entries
            .find(hash, |e| e.ticket == ticket)
            .map(|e| e.log)
    }

    /// Records that `ticket` (new to the table) is in `log`.
    pub(super) fn insert(&mut self, hash: u64, ticket: &str, log: usize) {
        let hasher = &self.hasher;
        self.entries.insert_unique(
            hash,
            Entry {
                ticket: ticket.into(),
                log,
            },
            |e| hasher.hash_one(e.ticket.as_str()),
        );
    }

    /// Points `ticket` at `log`, if it is in the table.
    pub(super) fn set(&mut self, hash: u64, ticket: &str, log: usize) {
        if let Some(e) = self.entries.find_mut(hash, |e| e.ticket == ticket) {
            e.log = log;
        }
    }

    /// Forgets `ticket`, returning its log.
    pub(super) fn remove(&mut self, hash: u64, ticket: &str) -> Option<usize> {
        self.entries
            .find_entry(hash, |e| e.ticket == ticket)
            .ok()
            .map(|e| e.remove().0.log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// The table behaves as a map from ticket to log under any mix of operations.
        #[test]
        fn behaves_as_a_map(ops in proptest::collection::vec((0u8..3, 0u8..40, 0usize..8), 0..300)) {
            let mut table = TicketTable::default();
            let mut model: HashMap<String, usize> = HashMap::new();
            for (op, key, log) in ops {
                // Long and short ids: inline and heap-allocated keys.
                let ticket = if key % 2 == 0 { format!("T{key}") } else { format!("a-ticket-id-longer-than-24-bytes-{key}") };
                let hash = table.hash(&ticket);
                match op {
                    0 => {
                        if !model.contains_key(&ticket) {
                            table.insert(hash, &ticket, log);
                            model.insert(ticket.clone(), log);
                        }
                    }
                    1 => {
                        prop_assert_eq!(table.remove(hash, &ticket), model.remove(&ticket));
                    }
                    _ => {
                        table.set(hash, &ticket, log);
                        if let Some(v) = model.get_mut(&ticket) {
                            *v = log;
                        }
                    }
                }
                for (t, &l) in &model {
                    prop_assert_eq!(table.get(table.hash(t), t), Some(l));
                }
            }
        }
    }
}
