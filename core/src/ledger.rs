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
use crate::ticket::{describe, Explanation, TicketHistory, TicketResult};
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
    fn new(err: &Error, line: Option<u32>, event: Option<&Event>) -> Rejection {
        Rejection {
            line,
            id: event.map(|e| e.id.clone()),
            ticket: event.map(|e| e.ticket.clone()),
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
struct Stored {
    event: Event,
    line: Option<u32>,
}

#[derive(Debug, Clone)]
struct TicketLog {
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
    by_ticket: Map<String, usize>,
    logs: Vec<TicketLog>,
    /// Event id to the index of the ticket log holding it.
    ids: Map<String, usize>,
    ingest_rejections: Vec<Rejection>,
    /// Tickets named by an ingest-time rejection (conflicting duplicate, or a line that
    /// is JSON but not a valid event): flagged `rejected_events` when evaluated.
    rejected_tickets: HashSet<String>,
    events: u64,
    duplicates: u64,
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
        if let Some(&index) = self.ids.get(&event.id) {
            let log = &self.logs[index];
            let Some(pos) = log.events.iter().position(|s| s.event.id == event.id) else {
                return Err(Error::new(
                    ErrorKind::ConflictingDuplicate,
                    format!("{}: lost track of an event id", describe(&event, line)),
                ));
            };
            let stored = &log.events[pos];
            if stored.event == event {
                self.duplicates += 1;
                return Ok(Ingested::Duplicate);
            }
            let at = stored
                .line
                .map(|l| format!("line {l}"))
                .unwrap_or_else(|| "an earlier event".into());
            let err = Error::new(
                ErrorKind::ConflictingDuplicate,
                format!(
                    "{}: id already used by {at} with different content",
                    describe(&event, line)
                ),
            );
            if self.mode == Mode::Strict {
                return Err(err);
            }
            // Fix (scenario lenient_conflicting_duplicate_rejects_later_sorting_json): the
            // ticket of a rejected event is flagged (SPEC §5), at ingest as in replay.
            self.rejected_tickets.insert(event.ticket.clone());
            if event.to_json() < stored.event.to_json() {
                let old = self.logs[index].events.remove(pos);
                let err = Error::new(
                    ErrorKind::ConflictingDuplicate,
                    format!(
                        "{}: id also used by line {} with different content",
                        describe(&old.event, old.line),
                        line.unwrap_or(0)
                    ),
                );
                self.ingest_rejections
                    .push(Rejection::new(&err, old.line, Some(&old.event)));
                self.ids.remove(&event.id);
                self.store(event, line);
            } else {
                self.ingest_rejections
                    .push(Rejection::new(&err, line, Some(&event)));
            }
            return Ok(Ingested::Rejected);
        }
        self.store(event, line);
        Ok(Ingested::Added)
    }

    fn store(&mut self, event: Event, line: Option<u32>) {
        let index = match self.by_ticket.get(&event.ticket) {
            Some(&i) => i,
            None => {
                self.logs.push(TicketLog { events: Vec::new() });
                self.by_ticket
                    .insert(event.ticket.clone(), self.logs.len() - 1);
                self.logs.len() - 1
            }
        };
        self.ids.insert(event.id.clone(), index);
        let events = &mut self.logs[index].events;
        // Logs are almost always appended in order; insert in place otherwise.
        let pos = if events
            .last()
            .is_none_or(|last| last.event.apply_order(&event).is_le())
        {
            events.len()
        } else {
            events.partition_point(|s| s.event.apply_order(&event).is_le())
        };
        events.insert(pos, Stored { event, line });
    }

    /// Ingests events given directly (no line numbers).
    pub fn ingest(&mut self, events: impl IntoIterator<Item = Event>) -> Result<()> {
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

    /// Number of distinct tickets seen.
    pub fn ticket_count(&self) -> usize {
        self.logs.len()
    }

    /// Evaluates every ticket as of `as_of` (events after it are ignored).
    pub fn evaluate(&self, as_of: Instant) -> Result<Evaluation> {
        let mut order: Vec<(&str, usize)> = self
            .by_ticket
            .iter()
            .map(|(t, &i)| (t.as_str(), i))
            .collect();
        order.sort_unstable();
        let mut tickets = Vec::with_capacity(order.len());
        let mut rejected = self.ingest_rejections.clone();
        for (_, index) in order {
            if let Some(history) = self.fold(&self.logs[index], as_of, &mut rejected)? {
                tickets.push(history.measure(as_of)?);
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
    fn fold(
        &self,
        log: &TicketLog,
        as_of: Instant,
        rejected: &mut Vec<Rejection>,
    ) -> Result<Option<TicketHistory>> {
        let mut history: Option<TicketHistory> = None;
        for stored in log.events.iter().take_while(|s| s.event.at <= as_of) {
            let outcome = match &mut history {
                Some(h) => h.apply(&stored.event, stored.line),
                None => self
                    .open(&stored.event, stored.line)
                    .map(|h| history = Some(h)),
            };
            if let Err(err) = outcome {
                if self.mode == Mode::Strict {
                    return Err(err);
                }
                rejected.push(Rejection::new(&err, stored.line, Some(&stored.event)));
                if let Some(h) = &mut history {
                    h.flag("rejected_events");
                }
            }
        }
        if let Some(h) = &mut history {
            if self.rejected_tickets.contains(&h.ticket) {
                h.flag("rejected_events");
            }
        }
        Ok(history)
    }

    fn open(&self, event: &Event, line: Option<u32>) -> Result<TicketHistory> {
        let contract = match &event.kind {
            EventKind::Opened {
                contract: Some(id), ..
            } => self.contracts.get(id).cloned().ok_or_else(|| {
                let known: Vec<&String> = self.contracts.keys().collect();
                Error::new(
                    ErrorKind::UnknownContract,
                    format!(
                        "{}: unknown contract {id:?} (loaded: {known:?})",
                        describe(event, line)
                    ),
                )
            })?,
            EventKind::Opened { contract: None, .. } => {
                if self.contracts.len() == 1 {
                    self.contracts
                        .values()
                        .next()
                        .cloned()
                        .ok_or_else(|| Error::new(ErrorKind::AmbiguousContract, "no contract"))?
                } else {
                    let known: Vec<&String> = self.contracts.keys().collect();
                    return Err(Error::new(
                        ErrorKind::AmbiguousContract,
                        format!("{}: \"opened\" names no contract and {} are loaded {known:?} (expected a \"contract\" field)", describe(event, line), known.len()),
                    ));
                }
            }
            _ => {
                return Err(Error::new(
                    ErrorKind::EventBeforeOpened,
                    format!(
                        "{}: {:?} before the ticket was opened (expected \"opened\" first)",
                        describe(event, line),
                        event.kind.name()
                    ),
                ))
            }
        };
        TicketHistory::open(event, line, contract)
    }
}
