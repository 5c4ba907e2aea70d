//! The table of tickets: a ticket id to the index of its log.
//!
//! The caller hashes a ticket id once ([`TicketTable::hash`]) and hands the hash to every
//! call: ingest asks about one ticket several times per event (look ahead, look up,
//! create). The table is [`HashSlots`]: it keeps the hash and the log, not the id, and the
//! caller says whether a candidate log is the ticket's (by comparing the log's own key).
//! So the line a lookup starts from is known from the hash, and ingest touches it ahead
//! (see `Ledger::warm`).

use super::hash_slots::HashSlots;
use std::hash::BuildHasher;

#[derive(Debug, Clone, Default)]
pub(super) struct TicketTable {
    slots: HashSlots,
    /// foldhash, seeded per process: crafted ids cannot force collisions.
    hasher: foldhash::fast::RandomState,
}

impl TicketTable {
    /// The hash every other call takes for `ticket`.
    pub(super) fn hash(&self, ticket: &str) -> u64 {
        self.hasher.hash_one(ticket)
    }

    /// The log under `hash` that `is_ticket` accepts.
    pub(super) fn get(&self, hash: u64, is_ticket: impl FnMut(usize) -> bool) -> Option<usize> {
        self.slots.get(hash, is_ticket)
    }

    /// The first log under `hash`, whichever ticket it is: what ingest touches ahead.
    pub(super) fn candidate(&self, hash: u64) -> Option<usize> {
        self.slots.get(hash, |_| true)
    }

    /// Touches the slot `hash` starts from, so the coming lookup finds it in cache.
    pub(super) fn warm(&self, hash: u64) {
        self.slots.warm(hash);
    }

    /// Makes room for `additional` more tickets without growing on the way.
    pub(super) fn reserve(&mut self, additional: usize) {
        self.slots.reserve(additional);
    }

    /// Records that a ticket new to the table, whose hash is `hash`, is in `log`.
    pub(super) fn insert(&mut self, hash: u64, log: usize) {
        self.slots.insert(hash, log);
    }

    /// Points the ticket whose log `is_ticket` accepts at `log`.
    pub(super) fn set(&mut self, hash: u64, is_ticket: impl FnMut(usize) -> bool, log: usize) {
        self.slots.set(hash, is_ticket, log);
    }

    /// Forgets the ticket whose log `is_ticket` accepts, returning that log.
    pub(super) fn remove(
        &mut self,
        hash: u64,
        is_ticket: impl FnMut(usize) -> bool,
    ) -> Option<usize> {
        self.slots.remove(hash, is_ticket)
    }
}
