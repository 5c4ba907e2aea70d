//! The ledger: ingest events (dedupe, order, strict or lenient) and evaluate every ticket
//! as of an instant (SPEC §5, §7).
//!
//! # What the ledger keeps
//!
//! Every accepted event, grouped by ticket and kept in apply order, plus one index entry
//! per event id for duplicate detection. Events are kept (rather than folded on arrival)
//! because SPEC §5 makes results independent of input order: a late event dated inside a
//! ticket's life must be folded in its place, and `evaluate(as_of)` must be able to
//! ignore events after any instant. Evaluation folds one ticket at a time, so its extra
//! memory is one ticket's state plus the results. A streaming mode that keeps only open
//! tickets is a separate tool for very long logs.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasher;

/// A hash map with foldhash: several times faster than SipHash on short ids, and seeded
/// per process, so crafted ids cannot force collisions.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::io::BufRead;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::contract::Contract;
use crate::credit::CreditStatement;
use crate::error::{Error, ErrorKind, Result};
use crate::event::{read_jsonl, Event, JsonlLine, KindRef};
use crate::report::{Period, Report};
use crate::ticket::{describe, EventRef, Explanation, TicketHistory, TicketResult};
use crate::time::Instant;

mod bulk;
mod hash_slots;
mod id_index;
mod store;
mod ticket_table;
use compact_str::CompactString;
use id_index::IdIndex;
use store::{Store, Stored};
use ticket_table::TicketTable;

/// What to do with a bad event (SPEC §5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Stop at the first bad event with an error naming its line, id and ticket.
    #[default]
    Strict,
    /// Reject the bad event, go on, and list it with its reason; the ticket is flagged.
    Lenient,
}

/// A rejected event and why (lenient mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The line of the input, when the event came from JSONL.
    pub line: Option<u32>,
    /// The event id, when it could be read.
    pub id: Option<String>,
    /// The ticket, when it could be read.
    pub ticket: Option<String>,
    /// The stable error code.
    pub code: String,
    /// The full message.
    pub message: String,
}

impl Rejection {
    pub(crate) fn new(
        err: &Error,
        line: Option<u32>,
        id: Option<&str>,
        ticket: Option<&str>,
    ) -> Rejection {
        Rejection {
            line,
            id: id.map(str::to_string),
            ticket: ticket.map(str::to_string),
            code: err.code().to_string(),
            message: err.message().to_string(),
        }
    }
}

/// Counts of an evaluation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Events read (accepted, duplicate or rejected at ingest).
    pub events: u64,
    /// Exact duplicates skipped.
    pub duplicates: u64,
    /// Tickets in the results.
    pub tickets: u64,
    /// Events rejected (at ingest or during replay).
    pub rejected: u64,
}

/// The result of [`Ledger::evaluate`]: the data contract shared by every surface (SPEC §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Events after this instant were ignored; running clocks are measured up to it.
    pub as_of: Instant,
    /// Per ticket, sorted by ticket id.
    pub tickets: Vec<TicketResult>,
    /// Every rejected event with its reason, in ticket then apply order.
    pub rejected: Vec<Rejection>,
    /// Counts.
    pub stats: Stats,
}

/// How many events [`Ledger::ingest`] looks ahead to overlap their cache misses: enough
/// to keep the processor's memory pipeline full, few enough to stay in L1.
const LOOKAHEAD: usize = 32;

/// An event's hashes: its id's, for the id index, and its ticket's, for the ticket table.
#[derive(Debug, Clone, Copy)]
struct Hashes {
    id: u64,
    ticket: u64,
}

/// Tickets evaluated together: a unit of work for a core, and what a report holds of
/// results at once.
const CHUNK: usize = 4096;

/// How many tickets' logs evaluation touches at once, ahead of folding them (see
/// [`Ledger::evaluate`]).
const EVALUATE_AHEAD: usize = 16;

/// One evaluated ticket: its result, if it was opened, and the events rejected in it.
type TicketOutcome = (Option<TicketResult>, Vec<Rejection>);

/// What happened to one ingested event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingested {
    /// Stored.
    Added,
    /// An exact duplicate of a stored event: skipped and counted.
    Duplicate,
    /// Rejected (lenient mode): listed in the evaluation's `rejected`.
    Rejected,
}

#[derive(Debug, Clone)]
struct TicketLog {
    /// Inline up to 24 bytes: no allocation per ticket.
    ticket: CompactString,
    /// In apply order.
    events: Vec<Stored>,
}

/// Replays ticket events against contracts.
///
/// ```
/// use slaledger::{Contract, Instant, Ledger, Mode};
///
/// let contract = Contract::from_toml(r#"
///     id = "acme"
///     timezone = "UTC"
///     [targets.P1]
///     response   = { within = "15m", calendar = "24x7" }
///     resolution = { within = "4h",  calendar = "24x7" }
/// "#)?;
/// let mut ledger = Ledger::new(Mode::Strict);
/// ledger.add_contract(contract)?;
/// ledger.ingest_jsonl(r#"
/// {"id":"e1","ticket":"INC-1","at":"2026-11-02T09:00:00Z","type":"opened","priority":"P1"}
/// {"id":"e2","ticket":"INC-1","at":"2026-11-02T09:20:00Z","type":"responded"}
/// "#.as_bytes())?;
/// let eval = ledger.evaluate("2026-11-02T10:00:00Z".parse()?)?;
/// let response = &eval.tickets[0].metrics[0];
/// assert_eq!(response.elapsed_ms.as_millis(), 20 * 60_000);
/// assert_eq!(response.breached_at.unwrap().to_string(), "2026-11-02T09:15:00Z");
/// # Ok::<(), slaledger::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    mode: Mode,
    contracts: BTreeMap<String, Arc<Contract>>,
    /// Ticket id to its log.
    by_ticket: TicketTable,
    logs: Vec<TicketLog>,
    /// What stored events point into: interned strings and id text.
    store: Store,
    /// Hash of an event id to the log holding it: no per-event allocation. The id itself
    /// is checked in that log, so a hash collision is never mistaken for a duplicate.
    ids: IdIndex,
    /// Ids whose hash collided with an indexed one (practically never), by value.
    colliding_ids: Map<Box<str>, usize>,
    hasher: foldhash::fast::RandomState,
    ingest_rejections: Vec<Rejection>,
    /// Tickets named by an ingest-time rejection (conflicting duplicate, or a line that
    /// is JSON but not a valid event): flagged `rejected_events` when evaluated.
    rejected_tickets: HashSet<String>,
    events: u64,
    duplicates: u64,
    /// The latest `at` of any event read (the natural default as-of).
    latest: Option<Instant>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new(mode: Mode) -> Ledger {
        Ledger {
            mode,
            ..Ledger::default()
        }
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Adds a contract; its id must be new.
    pub fn add_contract(&mut self, contract: Contract) -> Result<()> {
        let id = contract.id().to_string();
        if self.contracts.contains_key(&id) {
            return Err(Error::new(
                ErrorKind::DuplicateContract,
                format!("contract {id:?} is loaded twice"),
            ));
        }
        self.contracts.insert(id, Arc::new(contract));
        Ok(())
    }

    /// The loaded contracts, by id.
    pub fn contracts(&self) -> impl Iterator<Item = &Contract> {
        self.contracts.values().map(|c| c.as_ref())
    }

    /// Ingests one event. `line` is its position in the input, for messages.
    ///
    /// Strict mode returns the error of a conflicting duplicate; lenient mode rejects one
    /// of the two deterministically (the one whose JSON sorts last), so the input order
    /// never decides which survives.
    pub fn ingest_event(&mut self, event: Event, line: Option<u32>) -> Result<Ingested> {
        self.ingest_event_ref(&event, line)
    }

    /// [`Ledger::ingest_event`] from a borrowed event: the ledger copies what it keeps.
    pub(crate) fn ingest_event_ref(
        &mut self,
        event: &Event,
        line: Option<u32>,
    ) -> Result<Ingested> {
        let hashes = self.hashes(event);
        self.ingest_hashed(event, line, hashes, None)
    }

    /// An event's hashes, computed once per event and handed to every lookup.
    fn hashes(&self, event: &Event) -> Hashes {
        Hashes {
            id: self.hasher.hash_one(event.id.as_str()),
            ticket: self.by_ticket.hash(&event.ticket),
        }
    }

    /// [`Ledger::ingest_event_ref`] with the event's hashes, and its log if the look-ahead
    /// found it (a log found once stays; a ticket not found may have been created since).
    fn ingest_hashed(
        &mut self,
        event: &Event,
        line: Option<u32>,
        hashes: Hashes,
        log: Option<usize>,
    ) -> Result<Ingested> {
        self.events += 1;
        self.latest = Some(self.latest.map_or(event.at, |t| t.max(event.at)));
        let hash = hashes.id;
        let Some((index, pos)) = self.find_id(&event.id, hash) else {
            self.add(event, line, hashes, log);
            return Ok(Ingested::Added);
        };
        let log = &self.logs[index];
        let stored = log.events[pos];
        if self.store.same_as(&stored, &log.ticket, event) {
            self.duplicates += 1;
            return Ok(Ingested::Duplicate);
        }
        let view = EventRef::of(event, line);
        let at = stored
            .line()
            .map(|l| format!("line {l}"))
            .unwrap_or_else(|| "an earlier event".into());
        let err = Error::new(
            ErrorKind::ConflictingDuplicate,
            format!(
                "{}: id already used by {at} with different content",
                describe(&view)
            ),
        );
        if self.mode == Mode::Strict {
            return Err(err);
        }
        // The ticket of a rejected event is flagged (SPEC §5), at ingest as in replay.
        self.rejected_tickets.insert(event.ticket.clone());
        let old = self.store.to_event(&stored, &log.ticket);
        if event.to_json() < old.to_json() {
            let old_line = stored.line();
            self.logs[index].events.remove(pos);
            self.unindex_id(&event.id, hash);
            let err = Error::new(
                ErrorKind::ConflictingDuplicate,
                format!(
                    "{}: id also used by line {} with different content",
                    describe(&EventRef::of(&old, old_line)),
                    line.unwrap_or(0)
                ),
            );
            self.ingest_rejections.push(Rejection::new(
                &err,
                old_line,
                Some(&old.id),
                Some(&old.ticket),
            ));
            self.add(event, line, hashes, None);
        } else {
            self.ingest_rejections.push(Rejection::new(
                &err,
                line,
                Some(&event.id),
                Some(&event.ticket),
            ));
        }
        Ok(Ingested::Rejected)
    }

    /// The log and position of the stored event with id `id`.
    fn find_id(&self, id: &str, hash: u64) -> Option<(usize, usize)> {
        let in_log = |index: usize| {
            self.logs[index]
                .events
                .iter()
                .position(|s| self.store.id(s) == id)
                .map(|pos| (index, pos))
        };
        if let Some(found) = self.ids.get(hash).and_then(in_log) {
            return Some(found);
        }
        self.colliding_ids.get(id).and_then(|&index| in_log(index))
    }

    fn index_id(&mut self, id: &str, hash: u64, index: usize) {
        if !self.ids.insert(hash, index) {
            self.colliding_ids.insert(id.into(), index);
        }
    }

    fn unindex_id(&mut self, id: &str, hash: u64) {
        if self.colliding_ids.remove(id).is_none() {
            self.ids.remove(hash);
        }
    }

    fn add(&mut self, event: &Event, line: Option<u32>, hashes: Hashes, log: Option<usize>) {
        let found = log.or_else(|| self.find_ticket(hashes.ticket, &event.ticket));
        let index = found.unwrap_or_else(|| self.new_log(hashes.ticket, &event.ticket, 8));
        self.index_id(&event.id, hashes.id, index);
        let stored = self.store.store(event, line);
        self.place(index, stored);
    }

    /// A log for a ticket new to the ledger, with room for `capacity` events.
    fn new_log(&mut self, hash: u64, ticket: &str, capacity: usize) -> usize {
        self.logs.push(TicketLog {
            ticket: ticket.into(),
            events: Vec::with_capacity(capacity),
        });
        let index = self.logs.len() - 1;
        self.by_ticket.insert(hash, index);
        index
    }

    /// Puts `stored` into log `index` at its place in apply order.
    fn place(&mut self, index: usize, stored: Stored) {
        let store = &self.store;
        let events = &mut self.logs[index].events;
        // Logs are almost always appended in order; insert in place otherwise.
        let after = |s: &Stored| store.order(s, &stored).is_le();
        let pos = if events.last().is_none_or(after) {
            events.len()
        } else {
            events.partition_point(after)
        };
        events.insert(pos, stored);
    }

    /// Ingests events given directly (no line numbers), owned or borrowed: the ledger
    /// copies what it keeps into its compact store either way.
    ///
    /// Large inputs (from 32 Ki events) are taken up to 8 Mi events at a time (borrowed;
    /// owned ones up to 256 MiB of them) and stored
    /// in the order of their hashes, which walks the ledger's tables instead of jumping
    /// around them (`ledger/bulk.rs`); a batch with a duplicate or conflicting id, and a
    /// small input, are ingested one event at a time. The logs are the same either way,
    /// and so is every result and error.
    pub fn ingest<E: Borrow<Event>>(&mut self, events: impl IntoIterator<Item = E>) -> Result<()> {
        let mut events = events.into_iter();
        // Growing the id index by doubling rehashes it over and over; reserve up front.
        self.ids.reserve(events.size_hint().0);
        // Owned events are moved into the batch while the caller's collection may still
        // hold its buffer: the batch holds at most BULK_BYTES of them (about 1.8 M
        // `Event`s), where borrowed ones (8 bytes each) fill a whole BULK_MAX.
        let most = bulk::BULK_MAX.min(bulk::BULK_BYTES / std::mem::size_of::<E>().max(1));
        let mut batch: Vec<E> = Vec::new();
        loop {
            batch.extend(events.by_ref().take(most));
            if batch.is_empty() {
                return Ok(());
            }
            self.ingest_batch(batch.drain(..), bulk::BULK_MIN)?;
        }
    }

    /// Ingests `batch` in bulk if it has at least `bulk_min` events and no taken id,
    /// one event at a time otherwise.
    fn ingest_batch<E: Borrow<Event>>(
        &mut self,
        batch: std::vec::Drain<'_, E>,
        bulk_min: usize,
    ) -> Result<()> {
        if batch.len() >= bulk_min && self.ingest_bulk(batch.as_slice()) {
            return Ok(());
        }
        self.ingest_one_by_one(batch)
    }

    /// Ingests events one at a time, looking [`LOOKAHEAD`] events ahead.
    fn ingest_one_by_one<E: Borrow<Event>>(
        &mut self,
        events: impl Iterator<Item = E>,
    ) -> Result<()> {
        let mut events = events;
        let mut chunk: Vec<E> = Vec::with_capacity(LOOKAHEAD);
        let mut ahead = Vec::with_capacity(LOOKAHEAD);
        loop {
            chunk.extend(events.by_ref().take(LOOKAHEAD));
            if chunk.is_empty() {
                return Ok(());
            }
            self.warm(chunk.iter().map(Borrow::borrow), &mut ahead);
            for (event, &(hashes, log)) in chunk.drain(..).zip(&ahead) {
                self.ingest_hashed(event.borrow(), None, hashes, log)?;
            }
        }
    }

    /// Touches what ingesting `events` will read and write: their slots in the id index,
    /// their tickets' entries, and the ends of their logs.
    ///
    /// In a large ledger each of these is a cache miss (hundreds of nanoseconds on the
    /// project's machine, see docs/benchmarks.md), and storing one event waits for its
    /// misses before the next event starts, so they come one at a time. Touched here for
    /// a few dozen events in a row, with nothing depending on the answers, the misses
    /// overlap; ingest then finds the lines in cache. Nothing observable changes: the one
    /// write is a copy of a log's last event into the log's spare capacity, past its end.
    ///
    /// `ahead` receives each event's hashes and, if its ticket already has one, its log.
    fn warm<'e>(
        &mut self,
        events: impl Iterator<Item = &'e Event> + Clone,
        ahead: &mut Vec<(Hashes, Option<usize>)>,
    ) {
        // Three rounds over the events, each touching lines whose addresses the previous
        // round brought into cache: the slots the id and the ticket start from (known
        // from the hashes), then the log those ticket slots name, then the end of the
        // ticket's log. Each round is a tight loop of independent loads, so its misses
        // overlap each other instead of each event's waiting for the one before.
        ahead.clear();
        for event in events.clone() {
            let hashes = self.hashes(event);
            self.ids.warm(hashes.id);
            self.by_ticket.warm(hashes.ticket);
            ahead.push((hashes, None));
        }
        // The first log under each ticket's hash: almost always the ticket's own, which
        // the last round then checks before probing the table again.
        for (hashes, candidate) in ahead.iter_mut() {
            *candidate = self.by_ticket.candidate(hashes.ticket);
            if let Some(log) = *candidate {
                let log = &self.logs[log];
                std::hint::black_box((log.ticket.len(), log.events.len()));
            }
        }
        for (event, (hashes, found)) in events.zip(ahead.iter_mut()) {
            *found = match *found {
                Some(log) if self.logs[log].ticket == event.ticket => Some(log),
                Some(_) => self.find_ticket(hashes.ticket, &event.ticket),
                // Nothing under the hash: a ticket new to the ledger.
                None => None,
            };
            if let Some(index) = *found {
                let log = &mut self.logs[index].events;
                // Where the event will be appended (unless the log must grow): the one
                // write, a copy of the last event into spare capacity past the end.
                if let Some(&last) = log.last() {
                    if let Some(slot) = log.spare_capacity_mut().first_mut() {
                        slot.write(last);
                    }
                }
            }
        }
    }

    /// The log of `ticket`, whose hash is `hash`.
    fn find_ticket(&self, hash: u64, ticket: &str) -> Option<usize> {
        self.find_ticket_bytes(hash, ticket.as_bytes())
    }

    /// [`Ledger::find_ticket`] by the id's bytes.
    fn find_ticket_bytes(&self, hash: u64, ticket: &[u8]) -> Option<usize> {
        self.by_ticket
            .get(hash, |log| self.logs[log].ticket.as_bytes() == ticket)
    }

    /// Ingests lines read by [`read_jsonl`] (see [`Ledger::ingest_line`]), looking ahead
    /// a few lines at a time like [`Ledger::ingest`].
    pub fn ingest_lines(&mut self, lines: impl IntoIterator<Item = JsonlLine>) -> Result<()> {
        let mut lines = lines.into_iter();
        let mut chunk: Vec<JsonlLine> = Vec::with_capacity(LOOKAHEAD);
        let mut ahead = Vec::with_capacity(LOOKAHEAD);
        loop {
            chunk.extend(lines.by_ref().take(LOOKAHEAD));
            if chunk.is_empty() {
                return Ok(());
            }
            self.warm(
                chunk.iter().filter_map(|line| line.event.as_ref().ok()),
                &mut ahead,
            );
            // `ahead` holds one entry per line that is an event, in order.
            let mut ahead = ahead.iter();
            for line in chunk.drain(..) {
                match (&line.event, ahead.as_slice().first()) {
                    (Ok(event), Some(&(hashes, log))) => {
                        ahead.next();
                        self.ingest_hashed(event, Some(line.line), hashes, log)?;
                    }
                    _ => {
                        self.ingest_line(line)?;
                    }
                }
            }
        }
    }

    /// Ingests JSONL. Strict mode stops at the first line that is not a valid event;
    /// lenient mode rejects it and goes on.
    pub fn ingest_jsonl<R: BufRead>(&mut self, reader: R) -> Result<()> {
        self.ingest_lines(read_jsonl(reader))
    }

    /// Ingests one line read by [`read_jsonl`]: the event, or (lenient mode) the
    /// rejection of a line that is not one, naming its id and ticket when the line has
    /// them; that ticket is flagged `rejected_events`.
    pub fn ingest_line(&mut self, line: JsonlLine) -> Result<Ingested> {
        match line.event {
            Ok(event) => self.ingest_event(event, Some(line.line)),
            Err(err) => {
                self.events += 1;
                if self.mode == Mode::Strict {
                    return Err(err);
                }
                if let Some(ticket) = &line.ticket {
                    self.rejected_tickets.insert(ticket.clone());
                }
                self.ingest_rejections.push(Rejection {
                    line: Some(line.line),
                    id: line.id,
                    ticket: line.ticket,
                    code: err.code().to_string(),
                    message: err.message().to_string(),
                });
                Ok(Ingested::Rejected)
            }
        }
    }

    /// The latest `at` of any event read so far: evaluating as of it covers the whole log.
    pub fn latest_event_at(&self) -> Option<Instant> {
        self.latest
    }

    /// Number of distinct tickets seen.
    pub fn ticket_count(&self) -> usize {
        self.logs.len()
    }

    /// Evaluates every ticket as of `as_of` (events after it are ignored).
    pub fn evaluate(&self, as_of: Instant) -> Result<Evaluation> {
        // Tickets are folded in ticket order, a chunk at a time, each result moved once
        // from its chunk to its place; with the `parallel` feature the chunks are folded
        // on all cores. The output, and in strict mode the error reported (the first in
        // ticket order: each chunk stops at its first, and chunks are read in order), are
        // the same either way.
        let order = self.ticket_order();
        let fold_into = |chunk: &[usize],
                         results: &mut Vec<TicketResult>,
                         rejected: &mut Vec<Rejection>|
         -> Result<()> {
            // Logs lie in the order tickets were created, not in ticket order, so each
            // ticket's log and its entry in `logs` are cache misses. Touched one batch
            // at a time in a loop that does nothing else, a batch's misses overlap each
            // other; interleaved with the folds, each would stall a fold in turn. The
            // entries are touched two batches ahead, their events one batch ahead (by
            // then the entries, which say where the events are, are in cache).
            let batches: Vec<&[usize]> = chunk.chunks(EVALUATE_AHEAD).collect();
            for (b, batch) in batches.iter().enumerate() {
                for &ahead in batches.get(b + 2).copied().unwrap_or_default() {
                    std::hint::black_box(self.logs[ahead].events.len());
                }
                for &ahead in batches.get(b + 1).copied().unwrap_or_default() {
                    for event in &self.logs[ahead].events {
                        std::hint::black_box(event.at);
                    }
                }
                for &index in *batch {
                    self.evaluate_ticket_into(index, as_of, results, rejected)?;
                }
            }
            Ok(())
        };
        let mut tickets: Vec<TicketResult> = Vec::with_capacity(order.len());
        let mut rejected = self.ingest_rejections.clone();
        // On one core the results go straight to their place; on several, each chunk's
        // go to a list of its own, appended in order.
        #[cfg(not(feature = "parallel"))]
        fold_into(&order, &mut tickets, &mut rejected)?;
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            let chunks: Vec<Result<(Vec<TicketResult>, Vec<Rejection>)>> = order
                .par_chunks(CHUNK)
                .map(|chunk| {
                    let mut results = Vec::with_capacity(chunk.len());
                    let mut rejections = Vec::new();
                    fold_into(chunk, &mut results, &mut rejections).map(|()| (results, rejections))
                })
                .collect();
            for chunk in chunks {
                let (results, rejections) = chunk?;
                tickets.extend(results);
                rejected.extend(rejections);
            }
        }
        let stats = Stats {
            events: self.events,
            duplicates: self.duplicates,
            tickets: tickets.len() as u64,
            rejected: rejected.len() as u64,
        };
        Ok(Evaluation {
            as_of,
            tickets,
            rejected,
            stats,
        })
    }

    /// The logs' indexes sorted by ticket id.
    fn ticket_order(&self) -> Vec<usize> {
        // Tickets are sorted by their first sixteen bytes, zero-padded (so the order of
        // the prefixes is that of the ids), then runs of equal prefixes by the whole id.
        // A radix sort over the prefixes makes one linear pass per byte in which the ids
        // differ ("SYN-0000000123" and its million neighbours differ in seven), where a
        // comparison sort made ~20 comparisons per ticket: 570 instructions per ticket
        // at 200k tickets, 9% of an evaluation (docs/benchmarks.md).
        let prefix = |ticket: &str| {
            let mut bytes = [0u8; 16];
            let n = ticket.len().min(16);
            bytes[..n].copy_from_slice(&ticket.as_bytes()[..n]);
            u128::from_be_bytes(bytes)
        };
        let mut order: Vec<(u128, usize)> = self
            .logs
            .iter()
            .enumerate()
            .map(|(index, log)| (prefix(&log.ticket), index))
            .collect();
        radsort::sort_by_key(&mut order, |&(prefix, _)| prefix);
        for run in order.chunk_by_mut(|a, b| a.0 == b.0) {
            if run.len() > 1 {
                run.sort_unstable_by(|a, b| self.logs[a.1].ticket.cmp(&self.logs[b.1].ticket));
            }
        }
        order.into_iter().map(|(_, index)| index).collect()
    }

    /// One ticket's result (if it was opened) and the events rejected while folding it.
    fn evaluate_ticket(&self, index: usize, as_of: Instant) -> Result<TicketOutcome> {
        let mut results = Vec::with_capacity(1);
        let mut rejected = Vec::new();
        self.evaluate_ticket_into(index, as_of, &mut results, &mut rejected)?;
        Ok((results.pop(), rejected))
    }

    /// [`Ledger::evaluate_ticket`] appending to the caller's lists: the result (304 bytes)
    /// is written once, where it stays, instead of travelling through the return values.
    fn evaluate_ticket_into(
        &self,
        index: usize,
        as_of: Instant,
        results: &mut Vec<TicketResult>,
        rejected: &mut Vec<Rejection>,
    ) -> Result<()> {
        let mut history = None;
        self.fold(&self.logs[index], as_of, rejected, &mut history)?;
        if let Some(history) = &history {
            history.measure_into(as_of, results)?;
        }
        Ok(())
    }

    /// One ticket's result and rejections as of `as_of` (streaming replay).
    pub(crate) fn evaluate_one(&self, ticket: &str, as_of: Instant) -> Result<TicketOutcome> {
        match self.find_ticket(self.by_ticket.hash(ticket), ticket) {
            Some(index) => self.evaluate_ticket(index, as_of),
            None => Ok((None, Vec::new())),
        }
    }

    /// Events read and exact duplicates skipped, so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (self.events, self.duplicates)
    }

    /// The rejections made at ingest since the last call (streaming replay hands them
    /// on as it goes, so they are not kept).
    pub(crate) fn take_ingest_rejections(&mut self) -> Vec<Rejection> {
        std::mem::take(&mut self.ingest_rejections)
    }

    /// Forgets `ticket`: its events, their ids, its flag (streaming replay, once the
    /// ticket is evaluated). Its id text stays in the store until [`Ledger::compact`].
    pub(crate) fn remove_ticket(&mut self, ticket: &str) {
        let logs = &self.logs;
        let hash = self.by_ticket.hash(ticket);
        let Some(index) = self
            .by_ticket
            .remove(hash, |log| logs[log].ticket == ticket)
        else {
            return;
        };
        self.rejected_tickets.remove(ticket);
        for stored in &self.logs[index].events {
            let id = self.store.id(stored);
            let hash = self.hasher.hash_one(id);
            if self.colliding_ids.remove(id).is_none() {
                self.ids.remove(hash);
            }
        }
        let last = self.logs.len() - 1;
        self.logs.swap_remove(index);
        if index == last {
            return;
        }
        // The last log moved into `index`: repoint its ticket and its ids.
        let moved = &self.logs[index];
        self.by_ticket
            .set(self.by_ticket.hash(&moved.ticket), |log| log == last, index);
        for stored in &moved.events {
            let id = self.store.id(stored);
            let hash = self.hasher.hash_one(id);
            // An id kept by value first: its hash's slot may belong to another id of
            // this same log, and repointing that slot must not leave this one behind.
            if let Some(slot) = self.colliding_ids.get_mut(id) {
                *slot = index;
            } else if self.ids.get(hash) == Some(last) {
                self.ids.set(hash, index);
            }
        }
    }

    /// Whether removed tickets left more id text behind than the live events hold.
    pub(crate) fn wants_compaction(&self) -> bool {
        let live: usize = self
            .logs
            .iter()
            .flat_map(|log| &log.events)
            .map(|stored| stored.id().len())
            .sum();
        self.store.id_bytes() > 2 * live + (1 << 20)
    }

    /// Copies the live events into a fresh store, dropping what removed tickets left.
    pub(crate) fn compact(&mut self) {
        let old = std::mem::take(&mut self.store);
        for log in &mut self.logs {
            for stored in &mut log.events {
                *stored = self.store.restore(&old, stored);
            }
        }
    }

    /// The report of `contract` for `period`, evaluated as of the period's end or the
    /// earlier `as_of` (SPEC §8): later events never rewrite an issued report.
    pub fn report(&self, contract: &str, period: Period, as_of: Option<Instant>) -> Result<Report> {
        self.contract(contract)?;
        let as_of = as_of.map_or(period.to, |t| t.min(period.to));
        match self.report_by_chunks(contract, period, as_of) {
            Some(report) => Ok(report),
            // A ticket failed (strict mode): the whole evaluation names the first failure
            // in ticket order, whichever chunk met one first.
            None => Ok(Report::from_evaluation(
                contract,
                period,
                &self.evaluate(as_of)?,
            )),
        }
    }

    /// The report, counting each ticket's result as soon as it is measured and dropping
    /// it: a report of a million tickets never holds their million results (a gigabyte),
    /// only what the report keeps. `None` if a ticket fails to evaluate.
    fn report_by_chunks(&self, contract: &str, period: Period, as_of: Instant) -> Option<Report> {
        let chunk_report = |chunk: usize| -> Option<Report> {
            let mut report = Report::unsealed(contract, period, as_of);
            let end = ((chunk + 1) * CHUNK).min(self.logs.len());
            // One result at a time, in one reused slot; rejections do not count here.
            let (mut results, mut rejected) = (Vec::with_capacity(1), Vec::new());
            for index in chunk * CHUNK..end {
                self.evaluate_ticket_into(index, as_of, &mut results, &mut rejected)
                    .ok()?;
                if let Some(result) = results.pop() {
                    report.add(&result);
                }
                rejected.clear();
            }
            Some(report)
        };
        let chunks = self.logs.len().div_ceil(CHUNK);
        let absorb = |mut a: Report, b: Report| {
            a.absorb(b);
            a
        };
        #[cfg(feature = "parallel")]
        let report = {
            use rayon::prelude::*;
            (0..chunks).into_par_iter().map(chunk_report).try_reduce(
                || Report::unsealed(contract, period, as_of),
                |a, b| Some(absorb(a, b)),
            )
        };
        #[cfg(not(feature = "parallel"))]
        let report = (0..chunks)
            .map(chunk_report)
            .try_fold(Report::unsealed(contract, period, as_of), |a, b| {
                Some(absorb(a, b?))
            });
        let mut report = report?;
        report.seal();
        Some(report)
    }

    /// The credit statement of `contract` for `period` (SPEC §9), from its report.
    pub fn credits(
        &self,
        contract: &str,
        period: Period,
        as_of: Option<Instant>,
    ) -> Result<CreditStatement> {
        let report = self.report(contract, period, as_of)?;
        CreditStatement::compute(self.contract(contract)?, &report)
    }

    /// The loaded contract `id`.
    pub fn contract(&self, id: &str) -> Result<&Contract> {
        self.contracts.get(id).map(|c| c.as_ref()).ok_or_else(|| {
            let known: Vec<&String> = self.contracts.keys().collect();
            Error::new(
                ErrorKind::UnknownContract,
                format!("unknown contract {id:?} (loaded: {known:?})"),
            )
        })
    }

    /// The contract `id` names, or when `id` is `None` the only one loaded (SPEC §6: an
    /// `opened` without `contract` takes the only contract). Replay and every binding
    /// choose through here, so the rule and its two errors are written once.
    pub fn contract_or_only(&self, id: Option<&str>) -> Result<&Contract> {
        if let Some(id) = id {
            return self.contract(id);
        }
        match self.contracts.values().next() {
            Some(only) if self.contracts.len() == 1 => Ok(only.as_ref()),
            _ => {
                let known: Vec<&String> = self.contracts.keys().collect();
                Err(Error::new(
                    ErrorKind::AmbiguousContract,
                    format!(
                        "no contract named and {} are loaded {known:?} (expected a contract id)",
                        known.len()
                    ),
                ))
            }
        }
    }

    /// The timeline behind every number of `ticket` as of `as_of`.
    pub fn explain(&self, ticket: &str, as_of: Instant) -> Result<Explanation> {
        let index = self
            .find_ticket(self.by_ticket.hash(ticket), ticket)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownTicket,
                    format!("no events for ticket {ticket:?}"),
                )
            })?;
        let mut rejected = Vec::new();
        let mut history = None;
        self.fold(&self.logs[index], as_of, &mut rejected, &mut history)?;
        match history {
            Some(history) => history.explain(as_of),
            None => Err(Error::new(
                ErrorKind::UnknownTicket,
                format!("ticket {ticket:?} has no valid \"opened\" event at or before {as_of}"),
            )),
        }
    }

    /// Folds one ticket's events up to `as_of` into `history` (left `None` if the ticket
    /// was not opened); rejections go to `rejected` (lenient) or end the evaluation
    /// (strict). The history (about a kilobyte) is built in the caller's slot: returned
    /// through `Result<Option<_>>` it was copied twice per ticket (docs/benchmarks.md).
    fn fold<'a>(
        &'a self,
        log: &'a TicketLog,
        as_of: Instant,
        rejected: &mut Vec<Rejection>,
        history: &mut Option<TicketHistory<'a>>,
    ) -> Result<()> {
        for stored in log.events.iter().take_while(|s| s.at <= as_of) {
            let event = self.store.view(stored, &log.ticket);
            let outcome = match history {
                Some(h) => h.apply(event),
                None => self.open(event).map(|h| *history = Some(h)),
            };
            if let Err(err) = outcome {
                if self.mode == Mode::Strict {
                    return Err(err);
                }
                rejected.push(Rejection::new(
                    &err,
                    stored.line(),
                    Some(self.store.id(stored)),
                    Some(&log.ticket),
                ));
                if let Some(h) = history {
                    h.flag("rejected_events");
                }
            }
        }
        if let Some(h) = history {
            if !self.rejected_tickets.is_empty() && self.rejected_tickets.contains(h.ticket) {
                h.flag("rejected_events");
            }
        }
        Ok(())
    }

    fn open<'a>(&'a self, event: EventRef<'a>) -> Result<TicketHistory<'a>> {
        let contract: &'a Contract = match event.kind {
            KindRef::Opened { contract, .. } => self
                .contract_or_only(contract)
                .map_err(|e| e.context(format!("{}: \"opened\"", describe(&event))))?,
            _ => {
                return Err(Error::new(
                    ErrorKind::EventBeforeOpened,
                    format!(
                        "{}: {:?} before the ticket was opened (expected \"opened\" first)",
                        describe(&event),
                        event.kind.name()
                    ),
                ))
            }
        };
        TicketHistory::open(event, contract)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn opened(id: usize, ticket: &str) -> Event {
        Event::from_json(&format!(
            r#"{{"id":"e{id}","ticket":{ticket:?},"at":"2026-11-02T09:00:00Z","type":"opened","priority":"P1"}}"#
        ))
        .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Tickets are evaluated in the order of their ids, whatever their length and
        /// however long a prefix they share (past 16 bytes, the whole id decides).
        #[test]
        fn tickets_are_ordered_by_id(
            tickets in proptest::collection::hash_set(
                ("T(SYN-00000000000|INC|)", "[0-9a-c]{0,6}", "(|-reopened-copy|é)")
                    .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
                0..700,
            ),
        ) {
            let mut ledger = Ledger::new(Mode::Lenient);
            let tickets: Vec<String> = tickets.into_iter().collect();
            let events: Vec<Event> = tickets.iter().enumerate().map(|(i, t)| opened(i, t)).collect();
            ledger.ingest(&events).unwrap();
            let ordered: Vec<&str> = ledger
                .ticket_order()
                .into_iter()
                .map(|index| ledger.logs[index].ticket.as_str())
                .collect();
            let mut expected: Vec<&str> = tickets.iter().map(String::as_str).collect();
            expected.sort_unstable();
            prop_assert_eq!(ordered, expected);
        }
    }
}
