//! Streaming replay: years of events in memory bounded by the tickets open at once.
//!
//! A [`Ledger`] keeps every event, because it must answer for any as-of instant and take
//! late events in their place. An auditor replaying a long log once needs less: each
//! ticket's result once nothing can change it any more. [`StreamReplay`] keeps an inner
//! ledger of the tickets still open, and when a ticket is done it evaluates the ticket,
//! hands the result out and forgets the ticket's events. A ticket is done
//!
//! - `lateness` after its `closed` or `cancelled` (both final, SPEC §5), or
//! - `reopen_window` after its `resolved`, if no `reopened` came,
//!
//! measured against the latest event instant read so far (the watermark): the log must be
//! sorted by time, give or take those margins. An event that arrives for a ticket already
//! handed out is rejected as `late_event` (in strict mode, an error), never dropped
//! silently. Every rule of the batch ledger applies to the open tickets (ordering,
//! duplicates, conflicting duplicates, lenient rejections), so on a log where no event is
//! late the results are those of [`Ledger::evaluate`] as of the same instant, in the order
//! tickets were handed out rather than by ticket id (`core/tests/stream_laws.rs`).
//!
//! What it keeps: the open tickets' events, the ids of their events (for duplicates), and
//! one 8-byte hash per ticket handed out (to name a late event as late). Duplicates of a
//! handed-out ticket's events are late events, not counted duplicates, and an id reused
//! across a handed-out and an open ticket is not seen as a conflict: that is the price of
//! forgetting. docs/semantics.md §9 states the rules.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::hash::BuildHasher;

use crate::contract::Contract;
use crate::error::{Error, ErrorKind, Result};
use crate::event::{Event, EventKind};
use crate::ledger::{Evaluation, Ingested, Ledger, Mode, Rejection, Stats};
use crate::ticket::{describe, EventRef, TicketResult};
use crate::time::{Duration, Instant};

type Hasher = foldhash::fast::RandomState;

/// When a ticket is done (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamOptions {
    /// How long after `resolved` a ticket is kept for a `reopened`. Default 28 days: the
    /// longest auto-close delay of the common tools (Zendesk's maximum; ServiceNow closes
    /// resolved incidents after 7 days by default).
    pub reopen_window: Duration,
    /// How long after `closed` or `cancelled` a ticket is kept for events that arrive out
    /// of time order. Default 1 hour.
    pub lateness: Duration,
    /// Evaluate as of this instant (events after it are ignored, as in
    /// [`Ledger::evaluate`]); `None`: as of the latest event read.
    pub as_of: Option<Instant>,
}

impl Default for StreamOptions {
    fn default() -> StreamOptions {
        StreamOptions {
            reopen_window: Duration::from_millis(28 * 24 * 3_600_000),
            lateness: Duration::from_millis(3_600_000),
            as_of: None,
        }
    }
}

/// Where a ticket stands for handing out: decided by its latest event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Open,
    Resolved,
    Final,
}

#[derive(Debug, Clone, Copy)]
struct Tail {
    at: Instant,
    stage: Stage,
}

/// Replays a time-sorted log keeping only open tickets (see the module documentation).
///
/// ```
/// use slaledger::stream::{StreamOptions, StreamReplay};
/// use slaledger::{Contract, Mode};
///
/// let contract = Contract::from_toml(r#"
///     id = "acme"
///     timezone = "UTC"
///     [targets.P1]
///     response   = { within = "15m", calendar = "24x7" }
///     resolution = { within = "4h",  calendar = "24x7" }
/// "#)?;
/// let mut stream = StreamReplay::new(Mode::Strict, StreamOptions::default());
/// stream.add_contract(contract)?;
/// stream.ingest_jsonl(r#"
/// {"id":"e1","ticket":"INC-1","at":"2026-11-02T09:00:00Z","type":"opened","priority":"P1"}
/// {"id":"e2","ticket":"INC-1","at":"2026-11-02T09:20:00Z","type":"closed"}
/// {"id":"e3","ticket":"INC-2","at":"2026-11-02T11:00:00Z","type":"opened","priority":"P1"}
/// "#.as_bytes())?;
/// // INC-1 closed more than an hour before the latest event: handed out and forgotten.
/// let done = stream.take_results();
/// assert_eq!(done.len(), 1);
/// assert_eq!(done[0].ticket, "INC-1");
/// assert_eq!(stream.open_tickets(), 1);
/// let rest = stream.finish()?;
/// assert_eq!(rest.tickets[0].ticket, "INC-2");
/// # Ok::<(), slaledger::Error>(())
/// ```
#[derive(Debug)]
pub struct StreamReplay {
    ledger: Ledger,
    options: StreamOptions,
    tails: HashMap<Box<str>, Tail, Hasher>,
    /// Tickets that may be done, by the instant they will be; checked when they come up
    /// (a later event may have moved the instant).
    queue: BinaryHeap<Reverse<(Instant, Box<str>)>>,
    handed_out: HashSet<u64, Hasher>,
    hasher: Hasher,
    watermark: Option<Instant>,
    results: Vec<TicketResult>,
    rejected: Vec<Rejection>,
    late: u64,
    tickets: u64,
    rejected_total: u64,
    peak_open: usize,
    since_compaction: u32,
}

impl StreamReplay {
    /// An empty stream.
    pub fn new(mode: Mode, options: StreamOptions) -> StreamReplay {
        StreamReplay {
            ledger: Ledger::new(mode),
            options,
            tails: HashMap::default(),
            queue: BinaryHeap::new(),
            handed_out: HashSet::default(),
            hasher: Hasher::default(),
            watermark: None,
            results: Vec::new(),
            rejected: Vec::new(),
            late: 0,
            tickets: 0,
            rejected_total: 0,
            peak_open: 0,
            since_compaction: 0,
        }
    }

    /// Adds a contract; its id must be new.
    pub fn add_contract(&mut self, contract: Contract) -> Result<()> {
        self.ledger.add_contract(contract)
    }

    /// Tickets held now.
    pub fn open_tickets(&self) -> usize {
        self.tails.len()
    }

    /// The most tickets held at once so far.
    pub fn peak_open_tickets(&self) -> usize {
        self.peak_open
    }

    /// Ingests JSONL (see [`Ledger::ingest_jsonl`]).
    pub fn ingest_jsonl<R: std::io::BufRead>(&mut self, reader: R) -> Result<()> {
        for line in crate::event::read_jsonl(reader) {
            self.ingest_line(line)?;
        }
        Ok(())
    }

    /// Ingests one line read by [`crate::event::read_jsonl`].
    pub fn ingest_line(&mut self, line: crate::event::JsonlLine) -> Result<()> {
        match line.event {
            Ok(event) => self.ingest_event(event, Some(line.line)),
            Err(_) => {
                self.ledger.ingest_line(line)?;
                self.collect_ingest_rejections();
                Ok(())
            }
        }
    }

    /// Ingests one event; hands out the tickets that are done by its instant.
    pub fn ingest_event(&mut self, event: Event, line: Option<u32>) -> Result<()> {
        let ticket_hash = self.hasher.hash_one(event.ticket.as_str());
        if !self.tails.contains_key(event.ticket.as_str())
            && self.handed_out.contains(&ticket_hash)
            && !matches!(event.kind, EventKind::Opened { .. })
        {
            self.reject_late(&event, line)?;
        } else if self.ledger.ingest_event_ref(&event, line)? == Ingested::Added {
            self.track(&event);
        }
        self.collect_ingest_rejections();
        if self.watermark.is_none_or(|w| event.at > w) {
            self.watermark = Some(event.at);
            self.hand_out_done()?;
        }
        Ok(())
    }

    fn reject_late(&mut self, event: &Event, line: Option<u32>) -> Result<()> {
        let err = Error::new(
            ErrorKind::LateEvent,
            format!(
                "{}: the ticket was already closed or resolved and handed out (streaming \
                 replay keeps a ticket for `lateness` after closed and `reopen_window` after \
                 resolved); sort the log by time or widen those margins",
                describe(&EventRef::of(event, line))
            ),
        );
        if self.ledger.mode() == Mode::Strict {
            return Err(err);
        }
        self.late += 1;
        self.rejected_total += 1;
        self.rejected.push(Rejection::new(
            &err,
            line,
            Some(&event.id),
            Some(&event.ticket),
        ));
        Ok(())
    }

    /// Notes the stage of the event's ticket, and when it will be done.
    fn track(&mut self, event: &Event) {
        let stage = match event.kind {
            EventKind::Closed | EventKind::Cancelled { .. } => Stage::Final,
            EventKind::Resolved => Stage::Resolved,
            _ => Stage::Open,
        };
        let tail = Tail {
            at: event.at,
            stage,
        };
        match self.tails.get_mut(event.ticket.as_str()) {
            Some(old) if old.at > event.at => return,
            Some(old) => *old = tail,
            None => {
                self.tails.insert(event.ticket.as_str().into(), tail);
                self.peak_open = self.peak_open.max(self.tails.len());
            }
        }
        if let Some(done) = self.done_at(tail) {
            self.queue
                .push(Reverse((done, event.ticket.as_str().into())));
        }
    }

    fn done_at(&self, tail: Tail) -> Option<Instant> {
        let margin = match tail.stage {
            Stage::Open => return None,
            Stage::Resolved => self.options.reopen_window,
            Stage::Final => self.options.lateness,
        };
        Some(Instant::from_millis_unchecked(
            tail.at.as_millis().saturating_add(margin.as_millis()),
        ))
    }

    /// Hands out every ticket done before the watermark.
    fn hand_out_done(&mut self) -> Result<()> {
        let Some(watermark) = self.watermark else {
            return Ok(());
        };
        while let Some(Reverse((done, _))) = self.queue.peek() {
            if *done >= watermark {
                break;
            }
            let Some(Reverse((done, ticket))) = self.queue.pop() else {
                break;
            };
            // A later event may have reopened the ticket or moved its instant.
            let current = self.tails.get(&ticket).and_then(|&tail| self.done_at(tail));
            if current == Some(done) {
                self.hand_out(&ticket, watermark)?;
            }
        }
        Ok(())
    }

    fn hand_out(&mut self, ticket: &str, watermark: Instant) -> Result<()> {
        // Every clock of a done ticket has stopped, so any instant after its last event
        // gives the same result; the watermark is one (or the requested as-of, if earlier).
        let as_of = self.options.as_of.map_or(watermark, |a| a.min(watermark));
        let (result, rejections) = self.ledger.evaluate_one(ticket, as_of)?;
        self.rejected_total += rejections.len() as u64;
        self.rejected.extend(rejections);
        if let Some(result) = result {
            self.tickets += 1;
            self.results.push(result);
        }
        self.ledger.remove_ticket(ticket);
        self.tails.remove(ticket);
        self.handed_out.insert(self.hasher.hash_one(ticket));
        self.since_compaction += 1;
        if self.since_compaction >= 65_536 {
            self.since_compaction = 0;
            if self.ledger.wants_compaction() {
                self.ledger.compact();
            }
        }
        Ok(())
    }

    fn collect_ingest_rejections(&mut self) {
        let taken = self.ledger.take_ingest_rejections();
        self.rejected_total += taken.len() as u64;
        self.rejected.extend(taken);
    }

    /// The results handed out since the last call, in the order the tickets were done.
    pub fn take_results(&mut self) -> Vec<TicketResult> {
        std::mem::take(&mut self.results)
    }

    /// The rejections made since the last call.
    pub fn take_rejected(&mut self) -> Vec<Rejection> {
        std::mem::take(&mut self.rejected)
    }

    /// Evaluates the tickets still held, as of the requested instant or the latest event:
    /// the results and rejections not yet taken, then those of the tickets still open
    /// (by ticket id); `stats` counts the whole stream.
    pub fn finish(mut self) -> Result<Evaluation> {
        let as_of = self
            .options
            .as_of
            .or(self.watermark)
            .unwrap_or(Instant::from_millis_unchecked(0));
        let rest = self.ledger.evaluate(as_of)?;
        let (events, duplicates) = self.ledger.counts();
        let mut tickets = std::mem::take(&mut self.results);
        tickets.extend(rest.tickets);
        let mut rejected = std::mem::take(&mut self.rejected);
        rejected.extend(rest.rejected);
        let stats = Stats {
            events: events + self.late,
            duplicates,
            tickets: self.tickets + rest.stats.tickets,
            rejected: self.rejected_total + rest.stats.rejected,
        };
        Ok(Evaluation {
            as_of,
            tickets,
            rejected,
            stats,
        })
    }
}
