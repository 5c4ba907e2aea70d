//! Bulk ingest: a large batch of events stored by walking each table in address order.
//!
//! Ingesting one event at a time looks its id up in the id index, its ticket up in the
//! ticket table, and appends it to its ticket's log. At a million tickets each of those
//! is a cache miss, because consecutive events belong to unrelated tickets; even
//! overlapped by the look-ahead (`Ledger::warm`) they were about 100 ns of the ~250 ns
//! an event took on the project's machine (docs/benchmarks.md, "Bulk ingest").
//!
//! A batch that is a good part of the tables does the same work in the order of the
//! hashes instead. The tables' home slots are their hashes' top bits (`hash_slots.rs`),
//! so hashes sorted by their top bits (a radix sort: three linear passes) meet the
//! slots from the first to the last, and the processor's prefetcher streams them. New
//! tickets' logs are created in that order too, so appending to them is a walk as well.
//! What is left in random order is one read of each event's stored form, and those
//! reads do not depend on each other, so they overlap.
//!
//! The one ingest-time decision that depends on other events is about ids: a duplicate
//! is skipped, a conflict is an error or a rejection, and which copy stays depends on
//! the mode and on input order. Bulk ingest leaves those to the one-by-one path: if any
//! id of the batch is already taken, in the ledger or twice in the batch, it keeps
//! nothing (it has reserved room and interned the batch's strings, which the events
//! will need anyway) and says so, and the caller ingests the batch one event at a time. Otherwise both paths store the same logs, event for event: each
//! ticket's events are placed in input order (the sort is stable) by the same
//! [`Ledger::place`].

use std::borrow::Borrow;
use std::hash::BuildHasher;

use super::{Ledger, Stored};
use crate::event::Event;

/// Batches smaller than this are ingested one event at a time: sorting pays only when a
/// batch walks a good part of the tables.
pub(super) const BULK_MIN: usize = 1 << 15;

/// The most events sorted at once: bounds a batch's scratch memory (about 170 bytes an
/// event: two sorted lists and their sort buffers, the stored events, their logs), so
/// 1.4 GB at most. The larger the batch, the denser its walks over the tables: at a
/// million tickets, batches of 2^21 events ingested at 233 ns an event and one batch
/// of all 7.9 M at 203 ns (docs/benchmarks.md).
pub(super) const BULK_MAX: usize = 1 << 23;

/// The most bytes of input events a batch holds: `Ledger::ingest` moves owned events into
/// its batch, so their memory is held twice until the caller's collection is dropped.
pub(super) const BULK_BYTES: usize = 256 << 20;

/// What the walks are sorted by: a hash's top 24 bits (three radix passes), which order
/// a table of up to 16 M slots exactly and a larger one by blocks of neighbouring slots.
fn walk_key(hash: u64) -> u32 {
    (hash >> 40) as u32
}

/// How many entries the walks touch at once, ahead of using them.
const TOUCH_AHEAD: usize = 32;

/// The longest ticket id a [`TicketItem`] carries, which keeps the item 24 bytes: most
/// ids are no longer (`INC0048101`, `SYN-0000123`).
const INLINE: usize = 11;

/// A batch event in the walk over tickets: its ticket's hash and, when it is short, the
/// ticket id itself, so that telling the next event's ticket from the last one's reads
/// no memory of the events'. Only a ticket's first event in the walk reads its id.
#[derive(Debug, Clone, Copy)]
struct TicketItem {
    hash: u64,
    pos: u32,
    /// The id's length, or `u8::MAX` if it is longer than [`INLINE`].
    len: u8,
    inline: [u8; INLINE],
}

impl TicketItem {
    fn new(hash: u64, pos: u32, ticket: &str) -> TicketItem {
        let mut inline = [0u8; INLINE];
        let len = match inline.get_mut(..ticket.len()) {
            Some(prefix) => {
                prefix.copy_from_slice(ticket.as_bytes());
                ticket.len() as u8
            }
            None => u8::MAX,
        };
        TicketItem {
            hash,
            pos,
            len,
            inline,
        }
    }

    /// The ticket id's bytes, from the item if it is there, else from the event.
    fn ticket<'a, E: Borrow<Event>>(&'a self, events: &'a [E]) -> &'a [u8] {
        match self.inline.get(..self.len as usize) {
            Some(bytes) => bytes,
            None => events[self.pos as usize].borrow().ticket.as_bytes(),
        }
    }
}

impl Ledger {
    /// Ingests `events` in one walk per table, if none of their ids is taken; `false`,
    /// with nothing ingested, if one is.
    pub(super) fn ingest_bulk<E: Borrow<Event>>(&mut self, events: &[E]) -> bool {
        // Positions fit in u32: a batch holds at most BULK_MAX events.
        debug_assert!(events.len() <= BULK_MAX);
        // One read of the input: each event hashed and stored, in input order as the
        // one-by-one path stores them (the id text is appended as it comes).
        let mut ids: Vec<(u64, u32)> = Vec::with_capacity(events.len());
        let mut tickets: Vec<TicketItem> = Vec::with_capacity(events.len());
        let mut stored: Vec<Stored> = Vec::with_capacity(events.len());
        let id_bytes = self.store.id_bytes();
        for (event, pos) in events.iter().zip(0u32..) {
            let event = event.borrow();
            ids.push((self.hasher.hash_one(event.id.as_str()), pos));
            let hash = self.by_ticket.hash(&event.ticket);
            tickets.push(TicketItem::new(hash, pos, &event.ticket));
            stored.push(self.store.store(event, None));
        }
        self.ids.reserve(events.len());
        radsort::sort_by_key(&mut ids, |&(hash, _)| walk_key(hash));
        if self.any_id_taken(&ids) {
            self.store.truncate_ids(id_bytes);
            return false;
        }

        // From here on the batch is ingested whole.
        radsort::sort_by_key(&mut tickets, |item| walk_key(item.hash));
        // Room for every ticket the batch may add, before the walk: a table that grows
        // during a walk in hash order holds, when it grows, only hashes from the start of
        // the order, which are all homed in the start of the table (half full overall,
        // full there), and linear probing crawls through that block.
        let new_tickets = distinct(&tickets, |item| item.hash);
        self.by_ticket.reserve(new_tickets);
        self.logs.reserve(new_tickets);
        let mut log_of = vec![0u32; events.len()];
        // A ticket's events are neighbours in the walk: the last ticket found is checked
        // before the table.
        let mut last: Option<(&TicketItem, usize)> = None;
        for (k, item) in tickets.iter().enumerate() {
            // The stored events are read in the order of the walk, not the order they lie
            // in: each read is a cache miss. Touched a group at a time in a loop that does
            // nothing else, their misses overlap instead of each stalling a placement.
            if k % TOUCH_AHEAD == 0 {
                for ahead in tickets[k..].iter().take(TOUCH_AHEAD) {
                    // All of it: one in two stored events straddles two lines.
                    std::hint::black_box(stored[ahead.pos as usize]);
                }
            }
            let index = match last {
                Some((seen, index))
                    if seen.hash == item.hash && seen.ticket(events) == item.ticket(events) =>
                {
                    index
                }
                _ => match self.find_ticket_bytes(item.hash, item.ticket(events)) {
                    Some(index) => index,
                    None => {
                        // Room for all of the batch's events with this hash, so the
                        // new log is allocated once.
                        let key = walk_key(item.hash);
                        let count = tickets[k..]
                            .iter()
                            .take_while(|t| walk_key(t.hash) == key)
                            .filter(|t| t.hash == item.hash)
                            .count();
                        // Lazily: the event is a cache miss, and the id is almost
                        // always in the item.
                        let ticket = std::str::from_utf8(item.ticket(events))
                            .unwrap_or_else(|_| &events[item.pos as usize].borrow().ticket);
                        self.new_log(item.hash, ticket, count)
                    }
                },
            };
            last = Some((item, index));
            // Log indexes fit in u32 as event positions do: the index maps them back.
            log_of[item.pos as usize] = index as u32;
            self.place(index, stored[item.pos as usize]);
        }
        for (k, &(hash, pos)) in ids.iter().enumerate() {
            // Read in the order of the ids, `log_of` misses the cache as `stored` did.
            if k % TOUCH_AHEAD == 0 {
                for &(_, ahead) in ids[k..].iter().take(TOUCH_AHEAD) {
                    std::hint::black_box(log_of[ahead as usize]);
                }
            }
            let indexed = self.ids.insert(hash, log_of[pos as usize] as usize);
            debug_assert!(indexed, "any_id_taken found every taken hash");
        }
        self.events += events.len() as u64;
        if let Some(latest) = events.iter().map(|event| event.borrow().at).max() {
            self.latest = Some(self.latest.map_or(latest, |t| t.max(latest)));
        }
        true
    }

    /// Whether any of `ids` (hashes sorted by [`walk_key`]) is in the index or twice in
    /// the list. A hash counts as taken even if its id differs (a collision): the
    /// one-by-one path tells those apart.
    fn any_id_taken(&self, ids: &[(u64, u32)]) -> bool {
        distinct(ids, |&(hash, _)| hash) < ids.len()
            || ids.iter().any(|&(hash, _)| self.ids.get(hash).is_some())
    }
}

/// How many distinct hashes `sorted` (sorted by the [`walk_key`] of `hash`) holds.
fn distinct<T>(sorted: &[T], hash: impl Fn(&T) -> u64) -> usize {
    // Equal hashes have equal keys, so each is in one run of equal keys. A run holds
    // few distinct hashes (24 bits of key spread them) but may be long: all the events
    // of one ticket. So each entry is checked against the run's distinct hashes so far,
    // not against every entry before it.
    let mut seen: Vec<u64> = Vec::new();
    sorted
        .chunk_by(|a, b| walk_key(hash(a)) == walk_key(hash(b)))
        .map(|run| {
            seen.clear();
            for entry in run {
                if !seen.contains(&hash(entry)) {
                    seen.push(hash(entry));
                }
            }
            seen.len()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Mode;
    use crate::synth::{generate, SynthConfig, CONTRACT_TOML};
    use crate::{Contract, Instant};
    use proptest::prelude::*;

    fn ledger(mode: Mode) -> Ledger {
        let mut ledger = Ledger::new(mode);
        ledger
            .add_contract(Contract::from_toml(CONTRACT_TOML).unwrap())
            .unwrap();
        ledger
    }

    fn log(seed: u64, tickets: u64, bad_per_mille: u32) -> Vec<Event> {
        generate(&SynthConfig {
            tickets,
            seed,
            bad_per_mille,
            days: 10,
            ..SynthConfig::default()
        })
    }

    /// Everything an evaluation says, or the error it stopped at.
    fn outcome(ledger: &Ledger) -> String {
        let as_of = Instant::parse("2027-01-01T00:00:00Z").unwrap();
        match ledger.evaluate(as_of) {
            Ok(eval) => serde_json::to_string(&eval).unwrap(),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn a_ticket_item_is_24_bytes() {
        // Each byte more is three more passes of the sort over every event of a batch.
        assert_eq!(std::mem::size_of::<TicketItem>(), 24);
    }

    #[test]
    fn one_ticket_with_many_events_is_one_walk() {
        // All of a batch's events in one run of the walk: counted once, in linear time.
        let events: Vec<Event> = (0..BULK_MIN as u32 * 4)
            .map(|n| {
                Event::from_json(&format!(
                    r#"{{"id":"e{n}","ticket":"INC-1","at":"2026-11-02T09:00:00Z","type":"status","status":"s{}"}}"#,
                    n % 3
                ))
                .unwrap()
            })
            .collect();
        let mut ledger = ledger(Mode::Lenient);
        assert!(ledger.ingest_bulk(&events));
        assert_eq!(ledger.ticket_count(), 1);
        assert_eq!(ledger.logs[0].events.len(), events.len());
        assert_eq!(ledger.logs[0].events.capacity(), events.len());
    }

    #[test]
    fn a_batch_with_a_taken_id_is_declined_untouched() {
        let events = log(3, 40, 0);
        let mut ledger = ledger(Mode::Lenient);
        let mut batch: Vec<&Event> = events.iter().collect();
        // The same id twice in the batch.
        batch.push(batch[7]);
        assert!(!ledger.ingest_bulk(&batch));
        assert_eq!((ledger.ticket_count(), ledger.events), (0, 0));
        assert_eq!(ledger.store.id_bytes(), 0);
        // Each id once: taken whole.
        batch.pop();
        assert!(ledger.ingest_bulk(&batch));
        assert_eq!(ledger.ticket_count(), 40);
        // An id the ledger holds already.
        let id_bytes = ledger.store.id_bytes();
        assert!(!ledger.ingest_bulk(&batch[5..6]));
        assert_eq!(ledger.events, events.len() as u64);
        assert_eq!(ledger.store.id_bytes(), id_bytes);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Batches ingested in bulk (or declined and ingested one by one, when an id is
        /// taken) leave the ledger evaluating exactly as the same events ingested one at a
        /// time: results, rejections, counts, and in strict mode the same error, whether
        /// the tickets are new or already hold events, their ids short enough to be
        /// carried in the walk or not.
        #[test]
        fn bulk_ingest_stores_what_one_by_one_ingest_stores(
            seed in any::<u64>(),
            tickets in 1u64..40,
            bad_per_mille in prop_oneof![Just(0u32), 0u32..300],
            cut in 0usize..400,
            long_ids in any::<bool>(),
            conflict in any::<bool>(),
            strict in any::<bool>(),
        ) {
            let mut events = log(seed, tickets, bad_per_mille);
            if long_ids {
                for event in &mut events {
                    event.ticket.push_str("-from-another-system");
                }
            }
            if conflict {
                // The same id with other content: a conflict, in the batch or across two.
                let mut changed = events[seed as usize % events.len()].clone();
                changed.at = Instant::from_millis_unchecked(changed.at.as_millis() + 60_000);
                events.push(changed);
            }
            let mode = if strict { Mode::Strict } else { Mode::Lenient };
            let cut = cut.min(events.len());
            let (mut bulk, mut one) = (ledger(mode), ledger(mode));
            for part in [&events[..cut], &events[cut..]] {
                let mut batch: Vec<&Event> = part.iter().collect();
                let a = bulk.ingest_batch(batch.drain(..), 0).map_err(|e| e.to_string());
                let b = one.ingest_one_by_one(part.iter()).map_err(|e| e.to_string());
                prop_assert_eq!(&a, &b);
                if a.is_err() {
                    break;
                }
            }
            prop_assert_eq!(bulk.ticket_count(), one.ticket_count());
            prop_assert_eq!(outcome(&bulk), outcome(&one));
        }
    }
}
