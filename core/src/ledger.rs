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
use crate::event::{read_jsonl, Event, EventKind, JsonlLine};
use crate::report::{Period, Report};
use crate::ticket::{describe, EventRef, Explanation, TicketHistory, TicketResult};
use crate::time::Instant;

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
    fn new(err: &Error, line: Option<u32>, id: Option<&str>, ticket: Option<&str>) -> Rejection {
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

/// One stored event: what the fold needs, without the ticket (its log's key).
#[derive(Debug, Clone)]
struct Stored {
    at: Instant,
    seq: Option<i64>,
    /// The id as parsed (a `String`: shrinking it to a `Box<str>` would copy it).
    id: String,
    kind: EventKind,
    line: Option<u32>,
}

impl Stored {
    fn new(event: Event, line: Option<u32>) -> Stored {
        Stored {
            at: event.at,
            seq: event.seq,
            id: event.id,
            kind: event.kind,
            line,
        }
    }

    /// The apply order of SPEC §5: `(at, seq, type rank, id)`.
    fn order(&self) -> (Instant, Option<i64>, u8, &str) {
        (self.at, self.seq, self.kind.rank(), &self.id)
    }

    fn view<'a>(&'a self, ticket: &'a str) -> EventRef<'a> {
        EventRef {
            id: &self.id,
            ticket,
            at: self.at,
            kind: &self.kind,
            line: self.line,
        }
    }

    fn to_event(&self, ticket: &str) -> Event {
        Event {
            id: self.id.clone(),
            ticket: ticket.to_string(),
            at: self.at,
            seq: self.seq,
            kind: self.kind.clone(),
        }
    }

    /// Whether `event` (with the same id) has identical content.
    fn same_as(&self, ticket: &str, event: &Event) -> bool {
        ticket == event.ticket
            && self.at == event.at
            && self.seq == event.seq
            && self.kind == event.kind
    }
}

#[derive(Debug, Clone)]
struct TicketLog {
    ticket: Box<str>,
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
    by_ticket: Map<Box<str>, usize>,
    logs: Vec<TicketLog>,
    /// Hash of an event id to the log holding it: no per-event allocation. The id itself
    /// is checked in that log, so a hash collision is never mistaken for a duplicate.
    ids: Map<u64, usize>,
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
        self.events += 1;
        self.latest = Some(self.latest.map_or(event.at, |t| t.max(event.at)));
        let hash = self.hasher.hash_one(event.id.as_str());
        let Some((index, pos)) = self.find_id(&event.id, hash) else {
            self.store(event, line, hash);
            return Ok(Ingested::Added);
        };
        let log = &self.logs[index];
        let stored = &log.events[pos];
        if stored.same_as(&log.ticket, &event) {
            self.duplicates += 1;
            return Ok(Ingested::Duplicate);
        }
        let view = EventRef::of(&event, line);
        let at = stored
            .line
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
        let old = stored.to_event(&log.ticket);
        if event.to_json() < old.to_json() {
            let old_line = stored.line;
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
            self.store(event, line, hash);
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
                .position(|s| &*s.id == id)
                .map(|pos| (index, pos))
        };
        if let Some(found) = self.ids.get(&hash).and_then(|&index| in_log(index)) {
            return Some(found);
        }
        self.colliding_ids.get(id).and_then(|&index| in_log(index))
    }

    fn index_id(&mut self, id: &str, hash: u64, index: usize) {
        match self.ids.entry(hash) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.colliding_ids.insert(id.into(), index);
            }
        }
    }

    fn unindex_id(&mut self, id: &str, hash: u64) {
        if self.colliding_ids.remove(id).is_none() {
            self.ids.remove(&hash);
        }
    }

    fn store(&mut self, event: Event, line: Option<u32>, hash: u64) {
        let index = match self.by_ticket.get(event.ticket.as_str()) {
            Some(&i) => i,
            None => {
                let ticket: Box<str> = event.ticket.as_str().into();
                self.logs.push(TicketLog {
                    ticket: ticket.clone(),
                    events: Vec::with_capacity(8),
                });
                self.by_ticket.insert(ticket, self.logs.len() - 1);
                self.logs.len() - 1
            }
        };
        self.index_id(&event.id, hash, index);
        let stored = Stored::new(event, line);
        let events = &mut self.logs[index].events;
        // Logs are almost always appended in order; insert in place otherwise.
        let pos = if events
            .last()
            .is_none_or(|last| last.order() <= stored.order())
        {
            events.len()
        } else {
            events.partition_point(|s| s.order() <= stored.order())
        };
        events.insert(pos, stored);
    }

    /// Ingests events given directly (no line numbers).
    pub fn ingest(&mut self, events: impl IntoIterator<Item = Event>) -> Result<()> {
        let events = events.into_iter();
        // Growing the id index by doubling rehashes it over and over; reserve up front.
        self.ids.reserve(events.size_hint().0);
        for event in events {
            self.ingest_event(event, None)?;
        }
        Ok(())
    }

    /// Ingests JSONL. Strict mode stops at the first line that is not a valid event;
    /// lenient mode rejects it and goes on.
    pub fn ingest_jsonl<R: BufRead>(&mut self, reader: R) -> Result<()> {
        for line in read_jsonl(reader) {
            self.ingest_line(line)?;
        }
        Ok(())
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
        let mut order: Vec<(&str, usize)> =
            self.by_ticket.iter().map(|(t, &i)| (&**t, i)).collect();
        order.sort_unstable();
        // Tickets are independent, so with the `parallel` feature they are evaluated on
        // all cores; results are assembled in ticket order either way, so the output, and
        // in strict mode the error reported (the first in ticket order), are the same.
        #[cfg(feature = "parallel")]
        let outcomes: Vec<Result<TicketOutcome>> = {
            use rayon::prelude::*;
            order
                .par_iter()
                .map(|&(_, index)| self.evaluate_ticket(index, as_of))
                .collect()
        };
        #[cfg(not(feature = "parallel"))]
        let outcomes = order
            .iter()
            .map(|&(_, index)| self.evaluate_ticket(index, as_of));
        let mut tickets = Vec::with_capacity(order.len());
        let mut rejected = self.ingest_rejections.clone();
        for outcome in outcomes {
            let (ticket, rejections) = outcome?;
            rejected.extend(rejections);
            tickets.extend(ticket);
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

    /// One ticket's result (if it was opened) and the events rejected while folding it.
    fn evaluate_ticket(&self, index: usize, as_of: Instant) -> Result<TicketOutcome> {
        let mut rejected = Vec::new();
        let history = self.fold(&self.logs[index], as_of, &mut rejected)?;
        let result = history.map(|h| h.measure(as_of)).transpose()?;
        Ok((result, rejected))
    }

    /// The report of `contract` for `period`, evaluated as of the period's end or the
    /// earlier `as_of` (SPEC §8): later events never rewrite an issued report.
    pub fn report(&self, contract: &str, period: Period, as_of: Option<Instant>) -> Result<Report> {
        self.contract(contract)?;
        let as_of = as_of.map_or(period.to, |t| t.min(period.to));
        Ok(Report::from_evaluation(
            contract,
            period,
            &self.evaluate(as_of)?,
        ))
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

    /// The timeline behind every number of `ticket` as of `as_of`.
    pub fn explain(&self, ticket: &str, as_of: Instant) -> Result<Explanation> {
        let index = self.by_ticket.get(ticket).ok_or_else(|| {
            Error::new(
                ErrorKind::UnknownTicket,
                format!("no events for ticket {ticket:?}"),
            )
        })?;
        let mut rejected = Vec::new();
        match self.fold(&self.logs[*index], as_of, &mut rejected)? {
            Some(history) => history.explain(as_of),
            None => Err(Error::new(
                ErrorKind::UnknownTicket,
                format!("ticket {ticket:?} has no valid \"opened\" event at or before {as_of}"),
            )),
        }
    }

    /// Folds one ticket's events up to `as_of`; rejections go to `rejected` (lenient) or
    /// end the evaluation (strict).
    fn fold<'a>(
        &'a self,
        log: &'a TicketLog,
        as_of: Instant,
        rejected: &mut Vec<Rejection>,
    ) -> Result<Option<TicketHistory<'a>>> {
        let mut history: Option<TicketHistory<'a>> = None;
        for stored in log.events.iter().take_while(|s| s.at <= as_of) {
            let event = stored.view(&log.ticket);
            let outcome = match &mut history {
                Some(h) => h.apply(event),
                None => self.open(event).map(|h| history = Some(h)),
            };
            if let Err(err) = outcome {
                if self.mode == Mode::Strict {
                    return Err(err);
                }
                rejected.push(Rejection::new(
                    &err,
                    stored.line,
                    Some(&stored.id),
                    Some(&log.ticket),
                ));
                if let Some(h) = &mut history {
                    h.flag("rejected_events");
                }
            }
        }
        if let Some(h) = &mut history {
            if self.rejected_tickets.contains(h.ticket) {
                h.flag("rejected_events");
            }
        }
        Ok(history)
    }

    fn open<'a>(&'a self, event: EventRef<'a>) -> Result<TicketHistory<'a>> {
        let contract: &'a Contract = match event.kind {
            EventKind::Opened {
                contract: Some(id), ..
            } => self.contracts.get(id).map(|c| c.as_ref()).ok_or_else(|| {
                let known: Vec<&String> = self.contracts.keys().collect();
                Error::new(
                    ErrorKind::UnknownContract,
                    format!(
                        "{}: unknown contract {id:?} (loaded: {known:?})",
                        describe(&event)
                    ),
                )
            })?,
            EventKind::Opened { contract: None, .. } => match self.contracts.values().next() {
                Some(only) if self.contracts.len() == 1 => only.as_ref(),
                _ => {
                    let known: Vec<&String> = self.contracts.keys().collect();
                    return Err(Error::new(
                        ErrorKind::AmbiguousContract,
                        format!(
                            "{}: \"opened\" names no contract and {} are loaded {known:?} (expected a \"contract\" field)",
                            describe(&event),
                            known.len()
                        ),
                    ));
                }
            },
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
