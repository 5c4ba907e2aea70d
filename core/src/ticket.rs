//! One ticket: the fold of its events into clocks, and the measurement of those clocks
//! as of an instant (SPEC §6–§7).
//!
//! The fold is pure and fallible: `TicketHistory::apply` takes events in apply order
//! and records, per clock, the periods in which it was active and the priority changes
//! that reached it. Measuring is separate (`TicketHistory::measure_into`), because the
//! priority policy `recalculate` re-measures the same periods under another calendar and
//! target, and because an evaluation `as_of` an instant closes open periods there.

use serde::{Deserialize, Serialize};

use crate::contract::{Contract, Metric, OnPriorityChange, OnReopen, Target};
use crate::error::{Error, ErrorKind, Result};
use crate::event::{Event, KindRef};
use crate::party::{Holding, OlaResult, PartyTime};
use crate::time::{Duration, Instant};
use crate::Calendar;
use compact_str::CompactString;

/// The end of a period that has not ended.
const OPEN: i64 = i64::MAX;

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    /// Opened or reopened, not resolved.
    Open,
    /// Resolved (may still be reopened).
    Resolved,
    /// Closed: final.
    Closed,
    /// Cancelled: never measured.
    Cancelled,
}

/// The state of one measurement (SPEC §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementState {
    /// The clock is running and the target has not been exceeded.
    Running,
    /// The clock is paused and the target has not been exceeded.
    Paused,
    /// Stopped within the target.
    Met,
    /// The used time exceeded the target (decided at the breach instant, even while running).
    Breached,
    /// The ticket was cancelled: never counted.
    Cancelled,
    /// The ticket was excluded by agreement: shown, not counted.
    Excluded,
}

/// A short list stored inline: nearly every clock has one to three periods, and a
/// replay makes millions of them, so they must not each cost a heap allocation. Past
/// `N` items it moves to the heap.
#[derive(Debug, Clone)]
enum Small<T, const N: usize> {
    Inline(u8, [T; N]),
    Spilled(Vec<T>),
}

impl<T: Copy + Default, const N: usize> Default for Small<T, N> {
    fn default() -> Self {
        Small::Inline(0, [T::default(); N])
    }
}

impl<T: Copy + Default, const N: usize> Small<T, N> {
    fn one(item: T) -> Self {
        let mut items = [T::default(); N];
        items[0] = item;
        Small::Inline(1, items)
    }

    #[inline]
    fn push(&mut self, item: T) {
        match self {
            Small::Inline(len, items) => {
                let n = usize::from(*len);
                if n < N {
                    items[n] = item;
                    *len += 1;
                } else {
                    let mut spill = Vec::with_capacity(2 * N);
                    spill.extend_from_slice(items);
                    spill.push(item);
                    *self = Small::Spilled(spill);
                }
            }
            Small::Spilled(spill) => spill.push(item),
        }
    }

    fn as_slice(&self) -> &[T] {
        match self {
            Small::Inline(len, items) => &items[..usize::from(*len)],
            Small::Spilled(spill) => spill,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            Small::Inline(len, items) => &mut items[..usize::from(*len)],
            Small::Spilled(spill) => spill,
        }
    }

    fn last_mut(&mut self) -> Option<&mut T> {
        match self {
            Small::Inline(0, _) => None,
            Small::Inline(len, items) => Some(&mut items[usize::from(*len) - 1]),
            Small::Spilled(spill) => spill.last_mut(),
        }
    }

    fn last(&self) -> Option<&T> {
        self.as_slice().last()
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }
}

impl<'p, T: Copy + Default, const N: usize> IntoIterator for &'p Small<T, N> {
    type Item = &'p T;
    type IntoIter = std::slice::Iter<'p, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

/// Periods `(start, end)` in milliseconds; an open end is [`OPEN`].
type Periods = Small<(i64, i64), 3>;

/// A priority of the ticket's contract, as its index there: comparing and looking up
/// targets by index costs no string comparison (`Contract::priority_name` gives it back).
type Prio = u32;

/// One clock of one ticket: response, or one cycle of resolution.
#[derive(Debug, Clone)]
struct Clock {
    metric: Metric,
    cycle: u32,
    started_at: i64,
    /// The priority in force when the clock started.
    base_priority: Prio,
    /// Periods in which the clock was active (before pauses); the last may be open.
    active: Periods,
    /// Priority changes that reached the clock while it was live, in order.
    changes: Vec<(i64, Prio)>,
    /// Changes made while the clock was stopped but could still resume (reopen policy
    /// `resume`): they apply only if it does.
    pending: Vec<(i64, Prio)>,
    first_stop: Option<i64>,
    last_stop: Option<i64>,
}

impl Clock {
    fn new(metric: Metric, cycle: u32, at: i64, priority: Prio) -> Clock {
        Clock {
            metric,
            cycle,
            started_at: at,
            base_priority: priority,
            active: Periods::one((at, OPEN)),
            changes: Vec::new(),
            pending: Vec::new(),
            first_stop: None,
            last_stop: None,
        }
    }

    fn is_running(&self) -> bool {
        self.active.last().is_some_and(|p| p.1 == OPEN)
    }

    fn stop(&mut self, at: i64) {
        if let Some(last) = self.active.last_mut() {
            if last.1 == OPEN {
                last.1 = at;
                self.first_stop.get_or_insert(at);
                self.last_stop = Some(at);
            }
        }
    }

    fn resume(&mut self, at: i64) {
        if !self.is_running() {
            self.active.push((at, OPEN));
            self.last_stop = None;
            self.changes.append(&mut self.pending);
        }
    }
}

/// A ticket's folded history.
#[derive(Debug, Clone)]
pub(crate) struct TicketHistory<'a> {
    pub(crate) ticket: &'a str,
    pub(crate) contract: &'a Contract,
    opened_priority: Prio,
    priority: Prio,
    party: Option<&'a str>,
    state: TicketState,
    status: Option<&'a str>,
    /// Periods in a pause status; the last may be open.
    pauses: Periods,
    /// The status that started each pause period.
    pause_reasons: Small<&'a str, 3>,
    reopens: u32,
    excluded: Option<&'a str>,
    cancelled: Option<Option<&'a str>>,
    response: Clock,
    /// The first resolution cycle, and the later ones (reopen policy `new_cycle`): the
    /// first is inline, so that a ticket's fold allocates nothing for it.
    resolution: Clock,
    later_cycles: Vec<Clock>,
    /// Priority changes `(at, from, to)`, as shown in `explain`.
    priority_changes: Vec<(i64, Prio, Prio)>,
    flags: Vec<&'static str>,
    /// Who held the ticket when (co-managed IT).
    holding: Holding<'a>,
    /// Periods in which the ticket was open (not resolved); the last may be open.
    open_periods: Periods,
    /// Instants at which the ticket was resolved (or closed or cancelled while open);
    /// recorded only for contracts with OLAs, their one use.
    resolutions: Vec<i64>,
}

/// A priority change, as shown in `explain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityChange {
    /// When.
    pub at: Instant,
    /// The priority before.
    pub from: String,
    /// The priority after.
    pub to: String,
    /// The policy that decides what it does to the clocks.
    pub policy: OnPriorityChange,
}

/// One stored event as the fold sees it: borrowed from the ledger's log.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventRef<'a> {
    pub(crate) id: LazyId<'a>,
    pub(crate) ticket: &'a str,
    pub(crate) at: Instant,
    pub(crate) kind: KindRef<'a>,
    pub(crate) line: Option<u32>,
}

impl<'a> EventRef<'a> {
    /// A view of a whole event.
    pub(crate) fn of(event: &'a Event, line: Option<u32>) -> EventRef<'a> {
        EventRef {
            id: LazyId::whole(&event.id),
            ticket: &event.ticket,
            at: event.at,
            kind: event.kind.as_ref(),
            line,
        }
    }
}

/// An event's id, sliced from the text it lies in only when asked for.
///
/// A ledger keeps its events' ids in one arena in input order, and slicing a `str`
/// reads the bytes at both ends (to check they are character boundaries): done for
/// every event folded, that is one cache miss per event in a large ledger, for an id
/// that only error messages use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LazyId<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

impl<'a> LazyId<'a> {
    /// The id at `start..end` of `text`.
    pub(crate) fn new(text: &'a str, start: usize, end: usize) -> LazyId<'a> {
        LazyId { text, start, end }
    }

    /// An id that is all of `id`.
    pub(crate) fn whole(id: &'a str) -> LazyId<'a> {
        LazyId::new(id, 0, id.len())
    }

    /// The id (empty if the range is not one of `text`, which the ledger never makes).
    pub(crate) fn get(self) -> &'a str {
        self.text.get(self.start..self.end).unwrap_or_default()
    }
}

/// Describes an event for error messages: `event "e18" for ticket "INC-42" (line 318)`.
pub(crate) fn describe(event: &EventRef<'_>) -> String {
    match event.line {
        Some(line) => format!(
            "event {:?} for ticket {:?} (line {line})",
            event.id.get(),
            event.ticket
        ),
        None => format!("event {:?} for ticket {:?}", event.id.get(), event.ticket),
    }
}

impl<'a> TicketHistory<'a> {
    /// Starts a history from an `opened` event whose contract was already resolved.
    pub(crate) fn open(event: EventRef<'a>, contract: &'a Contract) -> Result<TicketHistory<'a>> {
        let KindRef::Opened {
            priority, party, ..
        } = event.kind
        else {
            return Err(Error::new(
                ErrorKind::EventBeforeOpened,
                format!(
                    "{}: {:?} before the ticket was opened (expected \"opened\" first)",
                    describe(&event),
                    event.kind.name()
                ),
            ));
        };
        let Some(prio) = contract.priority_index(priority) else {
            return Err(unknown_priority(&event, priority, contract));
        };
        let prio = prio as Prio;
        let at = event.at.as_millis();
        // The first holder: the opening party, or whoever's coverage includes the instant.
        let party: Option<&'a str> = match party {
            Some(p) => Some(p),
            None => contract.covering_party(event.at)?,
        };
        if let Some(p) = party {
            if contract.is_co_managed() && !contract.has_party(p) {
                return Err(unknown_party(&event, p, contract));
            }
        }
        // Holders are tracked for co-managed contracts only: attribution, handoffs and
        // OLAs mean nothing without parties, and tracking costs every ticket.
        let mut holding = Holding::default();
        if let (Some(p), true) = (party, contract.is_co_managed()) {
            holding.receive(at, p, None, contract.priority_name(prio));
        }
        // Coverage that leaves a gap is reported on the ticket, not refused: the ticket
        // is real, and its clocks still run.
        let flags = if party.is_none() && contract.has_coverage() {
            vec!["uncovered"]
        } else {
            Vec::new()
        };
        Ok(TicketHistory {
            holding,
            open_periods: Periods::one((at, OPEN)),
            resolutions: Vec::new(),
            ticket: event.ticket,
            opened_priority: prio,
            priority: prio,
            party,
            state: TicketState::Open,
            status: None,
            pauses: Periods::default(),
            pause_reasons: Small::default(),
            reopens: 0,
            excluded: None,
            cancelled: None,
            response: Clock::new(Metric::Response, 1, at, prio),
            resolution: Clock::new(Metric::Resolution, 1, at, prio),
            later_cycles: Vec::new(),
            priority_changes: Vec::new(),
            flags,
            contract,
        })
    }

    /// Marks the ticket as having had events rejected (lenient mode).
    pub(crate) fn flag(&mut self, flag: &'static str) {
        if !self.flags.contains(&flag) {
            self.flags.push(flag);
        }
    }

    /// Applies the next event in apply order. On error the history is unchanged.
    pub(crate) fn apply(&mut self, event: EventRef<'a>) -> Result<()> {
        let at = event.at.as_millis();
        let fail = |kind: ErrorKind, what: String| {
            Err(Error::new(kind, format!("{}: {what}", describe(&event))))
        };
        match self.state {
            TicketState::Closed => {
                return fail(
                    ErrorKind::EventAfterClosed,
                    format!("{:?} after the ticket was closed", event.kind.name()),
                )
            }
            TicketState::Cancelled => {
                return fail(
                    ErrorKind::EventAfterCancelled,
                    format!("{:?} after the ticket was cancelled", event.kind.name()),
                )
            }
            TicketState::Open | TicketState::Resolved => {}
        }
        match event.kind {
            KindRef::Opened { .. } => {
                return fail(
                    ErrorKind::AlreadyOpened,
                    "second \"opened\" for a ticket that is already open".into(),
                )
            }
            KindRef::Responded { party } => {
                if self.response.is_running() {
                    self.response.stop(at);
                }
                if let Some(who) = party.or(self.party) {
                    self.holding.acknowledge(at, who);
                }
            }
            KindRef::Status { status } => {
                let pausing = self.contract.is_pause_status(status);
                let paused = self.pauses.last().is_some_and(|p| p.1 == OPEN);
                if pausing && !paused {
                    self.pauses.push((at, OPEN));
                    self.pause_reasons.push(status);
                } else if !pausing && paused {
                    if let Some(last) = self.pauses.last_mut() {
                        last.1 = at;
                    }
                }
                self.status = Some(status);
            }
            KindRef::Priority { priority } => {
                let Some(prio) = self.contract.priority_index(priority) else {
                    return Err(unknown_priority(&event, priority, self.contract));
                };
                let prio = prio as Prio;
                if prio != self.priority {
                    self.change_priority(at, prio);
                }
            }
            KindRef::Assigned { party, group } => {
                if self.contract.is_co_managed() && !self.contract.has_party(party) {
                    return Err(unknown_party(&event, party, self.contract));
                }
                self.party = Some(party);
                if !self.contract.is_co_managed() {
                    return Ok(());
                }
                match self.holding.current() {
                    Some((holder, held_group)) if holder == party => {
                        if held_group == group && self.contract.is_co_managed() {
                            return fail(
                                ErrorKind::HandoffToHolder,
                                format!("\"assigned\" to {party:?} (group {group:?}), which already holds the ticket"),
                            );
                        }
                        self.holding.regroup(group);
                    }
                    _ => self.holding.receive(
                        at,
                        party,
                        group,
                        self.contract.priority_name(self.priority),
                    ),
                }
            }
            KindRef::Resolved => {
                if self.state == TicketState::Resolved {
                    let since = self
                        .last_cycle()
                        .last_stop
                        .map(Instant::from_millis_unchecked);
                    let since = since.map(|t| format!(" at {t}")).unwrap_or_default();
                    return fail(
                        ErrorKind::AlreadyResolved,
                        format!("\"resolved\" while already resolved{since}"),
                    );
                }
                self.state = TicketState::Resolved;
                self.end_open(at);
                self.response.stop(at);
                self.last_cycle_mut().stop(at);
            }
            KindRef::Reopened => {
                if self.state == TicketState::Open {
                    return fail(
                        ErrorKind::ReopenedWhileOpen,
                        "\"reopened\" while the ticket is open (expected \"resolved\" first)"
                            .into(),
                    );
                }
                self.state = TicketState::Open;
                self.open_periods.push((at, OPEN));
                self.reopens += 1;
                match self.contract.on_reopen() {
                    OnReopen::Resume => self.last_cycle_mut().resume(at),
                    OnReopen::NewCycle => {
                        let cycle = self.later_cycles.len() as u32 + 2;
                        let priority = self.clock_priority();
                        self.later_cycles
                            .push(Clock::new(Metric::Resolution, cycle, at, priority));
                    }
                    OnReopen::Ignore => {}
                }
            }
            KindRef::Closed => {
                if self.state == TicketState::Open {
                    // Closing an open ticket resolves it at the same instant.
                    self.flag("closed_without_resolution");
                    self.end_open(at);
                    self.response.stop(at);
                    self.last_cycle_mut().stop(at);
                }
                self.state = TicketState::Closed;
                self.end_pending();
            }
            KindRef::Cancelled { reason } => {
                self.end_open(at);
                self.response.stop(at);
                self.last_cycle_mut().stop(at);
                self.state = TicketState::Cancelled;
                self.cancelled = Some(reason);
                self.end_pending();
            }
            KindRef::Excluded { reason } => self.excluded = Some(reason),
        }
        Ok(())
    }

    /// The priority a new clock starts under: the current one, or the opening one under `keep`.
    fn clock_priority(&self) -> Prio {
        match self.contract.on_priority_change() {
            OnPriorityChange::Keep => self.opened_priority,
            _ => self.priority,
        }
    }

    fn change_priority(&mut self, at: i64, priority: Prio) {
        let policy = self.contract.on_priority_change();
        let from = std::mem::replace(&mut self.priority, priority);
        self.priority_changes.push((at, from, priority));
        if policy == OnPriorityChange::Keep {
            return;
        }
        // A change acts on clocks running or paused at that instant, never on a stopped one.
        if self.response.is_running() {
            self.response.changes.push((at, priority));
        }
        let resumable = self.contract.on_reopen() == OnReopen::Resume;
        let clock = self.last_cycle_mut();
        if clock.is_running() {
            clock.changes.push((at, priority));
        } else if resumable {
            clock.pending.push((at, priority));
        }
    }

    /// The current resolution cycle.
    fn last_cycle(&self) -> &Clock {
        self.later_cycles.last().unwrap_or(&self.resolution)
    }

    fn last_cycle_mut(&mut self) -> &mut Clock {
        match self.later_cycles.last_mut() {
            Some(clock) => clock,
            None => &mut self.resolution,
        }
    }

    /// Every clock, in result order: response, then each resolution cycle.
    fn clocks(&self) -> impl Iterator<Item = &Clock> {
        [&self.response, &self.resolution]
            .into_iter()
            .chain(&self.later_cycles)
    }

    /// The open time split between holders and the customer, on the calendar of the
    /// current priority's resolution target (24x7 if it has none).
    fn attribution(&self, end: i64) -> Result<Vec<PartyTime>> {
        let always;
        let calendar = match self.contract.target_at(self.priority, Metric::Resolution) {
            Some(target) => &target.calendar,
            None => {
                always = Calendar::always();
                &always
            }
        };
        self.holding.attribution(
            self.open_periods.as_slice(),
            self.pauses.as_slice(),
            calendar,
            end,
        )
    }

    /// The ticket stops being open at `at` (resolved, or closed or cancelled while open).
    fn end_open(&mut self, at: i64) {
        if let Some(last) = self.open_periods.last_mut() {
            if last.1 == OPEN {
                last.1 = at;
                if self.contract.has_ola() {
                    self.resolutions.push(at);
                }
            }
        }
    }

    fn end_pending(&mut self) {
        self.resolution.pending.clear();
        for clock in &mut self.later_cycles {
            clock.pending.clear();
        }
    }

    /// Measures every clock as of `as_of` (which must not precede the last applied event)
    /// and appends the result to `results`: built where it stays (304 bytes), not moved
    /// out through a `Result` and in again.
    pub(crate) fn measure_into(
        &self,
        as_of: Instant,
        results: &mut Vec<TicketResult>,
    ) -> Result<()> {
        let end = as_of.as_millis();
        let mut metrics = Vec::with_capacity(2 + self.later_cycles.len());
        for clock in self.clocks() {
            // The regime stays here; only the result is built, straight into the list.
            if let Some((regime, sticky)) = self.measure_clock(clock, end)? {
                metrics.push(self.result(clock, &regime, sticky, end)?);
            }
        }
        // Attribution and OLAs are co-managed accounting: contracts without parties
        // skip them (the synthetic log's tickets name a party but no contract party).
        let held = if self.contract.is_co_managed() {
            self.attribution(end)?
        } else {
            Vec::new()
        };
        let ola = if self.contract.has_ola() {
            self.holding.ola(self.contract, &self.resolutions, end)?
        } else {
            Vec::new()
        };
        results.push(TicketResult {
            ticket: self.ticket.into(),
            contract: self.contract.id_string(),
            priority: self.contract.priority_string(self.priority),
            opened_priority: self.contract.priority_string(self.opened_priority),
            party: self.party.map(CompactString::from),
            state: self.state,
            status: self.status.map(CompactString::from),
            reopens: self.reopens,
            flags: self.flags.iter().map(|f| f.to_string()).collect(),
            excluded_reason: self.excluded.map(CompactString::from),
            cancelled_reason: self.cancelled.flatten().map(CompactString::from),
            metrics,
            held,
            handoffs: self.holding.handoffs(),
            ping_pongs: self.holding.ping_pongs(),
            ola,
        });
        Ok(())
    }

    /// The timeline of every clock as of `as_of`: segments whose sums reproduce the numbers.
    pub(crate) fn explain(&self, as_of: Instant) -> Result<Explanation> {
        let end = as_of.as_millis();
        let mut clocks = Vec::new();
        for clock in self.clocks() {
            if let Some((regime, sticky)) = self.measure_clock(clock, end)? {
                let result = self.result(clock, &regime, sticky, end)?;
                let segments = self.segments(clock, &regime, end)?;
                clocks.push(ClockTimeline { result, segments });
            }
        }
        Ok(Explanation {
            ticket: self.ticket.to_string(),
            contract: self.contract.id().to_string(),
            as_of,
            priority_changes: self
                .priority_changes
                .iter()
                .map(|&(at, from, to)| PriorityChange {
                    at: Instant::from_millis_unchecked(at),
                    from: self.contract.priority_name(from).to_string(),
                    to: self.contract.priority_name(to).to_string(),
                    policy: self.contract.on_priority_change(),
                })
                .collect(),
            clocks,
        })
    }

    /// Measures one clock: splits it into priority regimes, applies the policy and sticky
    /// breaches, and fills every field of SPEC §7.
    /// Measures one clock's regimes: the one whose target is applied, and the earliest
    /// breach of an earlier one (sticky).
    // Always inlined into the loop over clocks, as is `result`: the regime and the result
    // are then built where they are used instead of copied out through `Result`s (4% of
    // an evaluation's instructions, docs/benchmarks.md).
    #[inline(always)]
    fn measure_clock<'s>(
        &'s self,
        clock: &'s Clock,
        end: i64,
    ) -> Result<Option<(Regime<'s>, Option<i64>)>> {
        let policy = self.contract.on_priority_change();
        let changes: &[(i64, Prio)] = if policy == OnPriorityChange::Keep {
            &[]
        } else {
            &clock.changes
        };
        let base = if policy == OnPriorityChange::Keep && clock.cycle == 1 {
            self.opened_priority
        } else {
            clock.base_priority
        };
        let start_of = |from: i64| {
            if policy == OnPriorityChange::Restart {
                from
            } else {
                clock.started_at
            }
        };
        // Regime i runs from its change instant to the next change; walked without
        // collecting them, since nearly every clock has one.
        let mut regimes = std::iter::once((clock.started_at, base))
            .chain(changes.iter().copied().filter(|c| c.0 <= end));
        let mut current = regimes.next().unwrap_or((clock.started_at, base));
        // The earliest breach of an earlier regime: (breach, regime start and priority, end).
        let mut sticky: Option<(i64, (i64, Prio), i64)> = None;
        for next in regimes {
            let (from, priority) = current;
            let until = next.0;
            if let Some(target) = self.contract.target_at(priority, clock.metric) {
                let regime = Regime::new(self, clock, priority, target, start_of(from), until)?;
                if regime.used > regime.target_ms {
                    if let Some(breach) = regime.reach(regime.target_ms)? {
                        if sticky.is_none_or(|(b, ..)| breach < b) {
                            sticky = Some((breach, current, until));
                        }
                    }
                }
            }
            current = next;
        }
        let (last_from, last_priority) = current;
        let regime = match self.contract.target_at(last_priority, clock.metric) {
            Some(target) => {
                Regime::new(self, clock, last_priority, target, start_of(last_from), end)?
            }
            None => match sticky {
                // The final priority does not measure this metric, but an earlier one was
                // already breached: a breach stays a breach.
                Some((_, (from, priority), until)) => {
                    let target =
                        self.contract
                            .target_at(priority, clock.metric)
                            .ok_or_else(|| {
                                Error::new(
                                    ErrorKind::MissingTarget,
                                    format!(
                                        "ticket {:?}: lost the target of a sticky breach",
                                        self.ticket
                                    ),
                                )
                            })?;
                    Regime::new(self, clock, priority, target, start_of(from), until)?
                }
                None => return Ok(None),
            },
        };
        Ok(Some((regime, sticky.map(|(b, ..)| b))))
    }

    /// Fills every field of SPEC §7 for a measured clock.
    #[inline(always)] // see `measure_clock`
    fn result(
        &self,
        clock: &Clock,
        regime: &Regime<'_>,
        sticky: Option<i64>,
        end: i64,
    ) -> Result<MetricResult> {
        let cal = &regime.target.calendar;
        // Fix (scenario priority_change_to_unmeasured_metric): a sticky regime kept
        // because the final priority does not measure this metric ends at the change;
        // its measurement stops there, so stopped_at, wall_ms and the explain segments
        // agree with elapsed_ms (which is measured up to the change).
        let stop = match clock.last_stop.filter(|s| *s <= end) {
            Some(s) => Some(s.min(regime.until)),
            None => (regime.until < end).then_some(regime.until),
        };
        let measured_to = stop.unwrap_or(end);
        let own_breach = if regime.used > regime.target_ms {
            regime.reach(regime.target_ms)?
        } else {
            None
        };
        let breached_at = match (sticky, own_breach) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let paused_now = stop.is_none()
            && regime.target.pausable
            && self
                .pauses
                .last()
                .is_some_and(|p| p.0 <= end && (p.1 == OPEN || p.1 > end));
        let state = if self.cancelled.is_some() {
            MeasurementState::Cancelled
        } else if self.excluded.is_some() {
            MeasurementState::Excluded
        } else if breached_at.is_some() {
            MeasurementState::Breached
        } else if stop.is_some() {
            MeasurementState::Met
        } else if paused_now {
            MeasurementState::Paused
        } else {
            MeasurementState::Running
        };
        let remaining = regime.target_ms - regime.used;
        // A breached measurement is due at the deadline it missed, even when a later
        // priority's target has room left (a sticky breach).
        let due_at = if breached_at.is_some() {
            breached_at
        } else if regime.used >= regime.target_ms {
            regime.reach(regime.target_ms)?
        } else if let Some(stop) = stop {
            Some(
                cal.add_working_time(
                    Instant::from_millis_unchecked(stop),
                    Duration::from_millis(remaining),
                )?
                .as_millis(),
            )
        } else if paused_now {
            None
        } else {
            Some(
                cal.add_working_time(
                    Instant::from_millis_unchecked(end),
                    Duration::from_millis(remaining),
                )?
                .as_millis(),
            )
        };
        let warn_at = self.contract.warn_at();
        let mut warned_at = Vec::new();
        for i in 0..warn_at.len() {
            let threshold = self.contract.warn_threshold(i, regime.target_ms);
            if regime.used >= threshold {
                if let Some(t) = regime.reach(threshold)? {
                    if warned_at.capacity() == 0 {
                        warned_at = Vec::with_capacity(warn_at.len());
                    }
                    warned_at.push(Instant::from_millis_unchecked(t));
                }
            }
        }
        let wall: i64 = clock
            .active
            .as_slice()
            .iter()
            .map(|&(s, e)| (e.min(measured_to) - s.max(regime.start)).max(0))
            .sum();
        let (first_stopped_at, first_elapsed_ms) = match clock.first_stop {
            Some(first) if clock.active.len() > 1 && first <= end => (
                Some(Instant::from_millis_unchecked(first)),
                Some(Duration::from_millis(regime.used_until(first)?)),
            ),
            _ => (None, None),
        };
        let (target_label, calendar) = self.contract.target_strings(regime.priority, clock.metric);
        let result = MetricResult {
            metric: clock.metric,
            cycle: clock.cycle,
            state,
            priority: self.contract.priority_string(regime.priority),
            target: target_label,
            target_ms: Duration::from_millis(regime.target_ms),
            calendar,
            started_at: Instant::from_millis_unchecked(regime.start),
            stopped_at: stop.map(Instant::from_millis_unchecked),
            due_at: due_at.map(Instant::from_millis_unchecked),
            elapsed_ms: Duration::from_millis(regime.used),
            paused_ms: Duration::from_millis(regime.paused),
            held_ms: Duration::from_millis(regime.held),
            wall_ms: Duration::from_millis(wall),
            remaining_ms: Duration::from_millis(remaining),
            breached_at: breached_at.map(Instant::from_millis_unchecked),
            warned_at,
            decided_at: breached_at.or(stop).map(Instant::from_millis_unchecked),
            first_stopped_at,
            first_elapsed_ms,
        };
        Ok(result)
    }

    /// Splits the measured span of a clock into running, closed-hours, paused and resolved
    /// segments.
    /// The periods that pause a clock, disjoint and in order, with why: the pause
    /// statuses if the clock is pausable, and the time held by parties whose holding
    /// pauses the SLA (`pause_when_held_by`), up to `end`. Where both apply, the status
    /// is the reason shown.
    fn pause_pieces(&self, pausable: bool, end: i64) -> Vec<(i64, i64, PauseWhy<'a>)> {
        let mut pieces: Vec<(i64, i64, PauseWhy<'a>)> = Vec::new();
        if pausable {
            for (&(s, e), &status) in self.pauses.as_slice().iter().zip(&self.pause_reasons) {
                if s < end {
                    pieces.push((s, e.min(end), PauseWhy::Status(status)));
                }
            }
        }
        let statuses: Vec<(i64, i64)> = pieces.iter().map(|p| (p.0, p.1)).collect();
        for (hs, he, party) in self.holding.pausing_periods(self.contract, end) {
            let mut t = hs;
            for &(ps, pe) in &statuses {
                if pe <= t || ps >= he {
                    continue;
                }
                if ps > t {
                    pieces.push((t, ps, PauseWhy::HeldBy(party)));
                }
                t = t.max(pe);
            }
            if t < he {
                pieces.push((t, he, PauseWhy::HeldBy(party)));
            }
        }
        pieces.sort_by_key(|p| p.0);
        pieces
    }

    fn segments(&self, clock: &Clock, regime: &Regime<'_>, end: i64) -> Result<Vec<Segment>> {
        let cal = &regime.target.calendar;
        let start = regime.start;
        let stop = clock
            .last_stop
            .filter(|s| *s <= end)
            .unwrap_or(end)
            .min(regime.until);
        let mut out = Vec::new();
        let mut cursor = start;
        for &(s, e) in clock.active.as_slice() {
            let (s, e) = (s.max(start), e.min(stop));
            if s >= e {
                continue;
            }
            if s > cursor {
                out.push(Segment::new(
                    cursor,
                    s,
                    SegmentKind::Resolved,
                    "resolved".into(),
                    0,
                ));
            }
            let mut t = s;
            for (ps, pe, why) in self.pause_pieces(regime.target.pausable, end) {
                let (ps, pe) = (ps.max(s), pe.min(e));
                if ps >= pe {
                    continue;
                }
                if ps > t {
                    split_by_calendar(cal, t, ps, &mut out)?;
                }
                let w = wt(cal, ps, pe)?;
                let reason = match why {
                    PauseWhy::Status(status) => format!("status {status:?}"),
                    PauseWhy::HeldBy(party) => format!("held by {party:?}"),
                };
                out.push(Segment::new(ps, pe, SegmentKind::Paused, reason, w));
                t = pe;
            }
            if t < e {
                split_by_calendar(cal, t, e, &mut out)?;
            }
            cursor = e;
        }
        Ok(out)
    }
}

/// Why a clock is paused.
#[derive(Debug, Clone, Copy)]
enum PauseWhy<'a> {
    /// A pause status.
    Status(&'a str),
    /// Held by a party whose holding pauses the SLA.
    HeldBy(&'a str),
}

/// One priority regime of a clock, measured.
#[derive(Debug)]
struct Regime<'a> {
    priority: Prio,
    target: &'a Target,
    start: i64,
    /// Where the regime ends: the next priority change, or the as-of instant.
    until: i64,
    target_ms: i64,
    /// Running periods: active, from `start`, up to the regime's end, minus pauses.
    running: Running,
    used: i64,
    paused: i64,
    held: i64,
}

impl<'a> Regime<'a> {
    fn new(
        history: &TicketHistory,
        clock: &Clock,
        priority: Prio,
        target: &'a Target,
        start: i64,
        until: i64,
    ) -> Result<Regime<'a>> {
        let cal = &target.calendar;
        let target_ms = cal
            .target_working_time(Instant::from_millis_unchecked(start), target.within)?
            .as_millis();
        // Status pauses need no copy; only co-managed holding pauses build a merged list.
        let pauses: std::borrow::Cow<'_, [(i64, i64)]> =
            if history.contract.spec().pause_when_held_by.is_empty() {
                if target.pausable {
                    std::borrow::Cow::Borrowed(history.pauses.as_slice())
                } else {
                    std::borrow::Cow::Borrowed(&[])
                }
            } else {
                std::borrow::Cow::Owned(
                    history
                        .pause_pieces(target.pausable, until)
                        .into_iter()
                        .map(|(s, e, _)| (s, e))
                        .collect(),
                )
            };
        // Of the paused time, how much another party held the ticket (shown per metric
        // and summed on the credit statement).
        let mut held = 0;
        if !history.contract.spec().pause_when_held_by.is_empty() {
            for (ps, pe, why) in history.pause_pieces(target.pausable, until) {
                if let PauseWhy::HeldBy(_) = why {
                    for &(s, e) in clock.active.as_slice() {
                        let (s, e) = (s.max(start).max(ps), e.min(until).min(pe));
                        if s < e {
                            held += wt(cal, s, e)?;
                        }
                    }
                }
            }
        }
        let mut running = Running::default();
        let mut paused = 0;
        for &(s, e) in clock.active.as_slice() {
            let (s, e) = (s.max(start), e.min(until));
            if s >= e {
                continue;
            }
            if !pauses.is_empty() {
                let mut t = s;
                for (ps, pe) in clip(&pauses, s, e) {
                    if ps > t {
                        running.push((t, ps, 0));
                    }
                    paused += wt(cal, ps, pe)?;
                    t = pe;
                }
                if t < e {
                    running.push((t, e, 0));
                }
            } else {
                running.push((s, e, 0));
            }
        }
        // Each running period keeps its working time: `reach` walks them again.
        let mut used = 0;
        for period in running.as_mut_slice() {
            period.2 = wt(cal, period.0, period.1)?;
            used += period.2;
        }
        Ok(Regime {
            priority,
            target,
            start,
            until,
            target_ms,
            running,
            used,
            paused,
            held,
        })
    }

    /// The earliest instant at which the used time reached `amount`, if it did.
    fn reach(&self, amount: i64) -> Result<Option<i64>> {
        let cal = &self.target.calendar;
        let mut acc = 0;
        for &(s, _, w) in &self.running {
            if acc + w >= amount {
                let t = cal.add_working_time(
                    Instant::from_millis_unchecked(s),
                    Duration::from_millis(amount - acc),
                )?;
                return Ok(Some(t.as_millis()));
            }
            acc += w;
        }
        Ok(None)
    }

    /// Used time up to `t`.
    fn used_until(&self, t: i64) -> Result<i64> {
        let mut acc = 0;
        for &(s, e, w) in &self.running {
            if s >= t {
                break;
            }
            acc += if e <= t {
                w
            } else {
                wt(&self.target.calendar, s, t)?
            };
        }
        Ok(acc)
    }
}

/// Running periods `(start, end, working time)`.
type Running = Small<(i64, i64, i64), 3>;

fn wt(cal: &Calendar, s: i64, e: i64) -> Result<i64> {
    Ok(cal
        .working_time(
            Instant::from_millis_unchecked(s),
            Instant::from_millis_unchecked(e),
        )?
        .as_millis())
}

/// The parts of `periods` inside `[s, e)`, open ends closed at `e`.
fn clip(periods: &[(i64, i64)], s: i64, e: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
    periods.iter().filter_map(move |&(ps, pe)| {
        let (a, b) = (ps.max(s), pe.min(e));
        (a < b).then_some((a, b))
    })
}

/// Pushes `[s, e)` as alternating running and closed-hours segments of `cal`.
fn split_by_calendar(cal: &Calendar, s: i64, e: i64, out: &mut Vec<Segment>) -> Result<()> {
    let mut t = s;
    while t < e {
        let at = Instant::from_millis_unchecked(t);
        let working = cal.is_working(at)?;
        let next = cal.next_change(at)?.map_or(e, |n| n.as_millis().min(e));
        let (kind, reason, w) = if working {
            (SegmentKind::Running, String::new(), next - t)
        } else {
            (
                SegmentKind::ClosedHours,
                format!("outside calendar {:?}", cal.name()),
                0,
            )
        };
        out.push(Segment::new(t, next, kind, reason, w));
        t = next;
    }
    Ok(())
}

fn unknown_party(event: &EventRef<'_>, party: &str, contract: &Contract) -> Error {
    Error::new(
        ErrorKind::UnknownParty,
        format!(
            "{}: unknown party {party:?} for contract {:?} (expected one of {:?})",
            describe(event),
            contract.id(),
            contract.spec().parties
        ),
    )
}

fn unknown_priority(event: &EventRef<'_>, priority: &str, contract: &Contract) -> Error {
    let known: Vec<&str> = contract.priorities().collect();
    Error::new(
        ErrorKind::UnknownPriority,
        format!(
            "{}: unknown priority {priority:?} for contract {:?} (expected one of {known:?})",
            describe(event),
            contract.id()
        ),
    )
}

/// The result of one clock (SPEC §7). Durations serialize as integer milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricResult {
    /// `response` or `resolution`.
    pub metric: Metric,
    /// 1, or the cycle number under the reopen policy `new_cycle`.
    pub cycle: u32,
    /// See [`MeasurementState`].
    pub state: MeasurementState,
    /// The priority whose target is applied.
    pub priority: CompactString,
    /// The target as written (`"4h"`, `"2bd"`).
    pub target: CompactString,
    /// The target in working milliseconds (for `Nbd`, fixed when the clock started).
    pub target_ms: Duration,
    /// The calendar whose working time counts.
    pub calendar: CompactString,
    /// When the clock started (for `restart`, the last restart).
    pub started_at: Instant,
    /// When it stopped, if it has.
    pub stopped_at: Option<Instant>,
    /// The deadline: the breach instant if the target was exceeded, else where the
    /// remaining time runs out from the stop or the as-of instant; absent while paused.
    pub due_at: Option<Instant>,
    /// Working time used.
    pub elapsed_ms: Duration,
    /// Working time that passed while the clock was paused.
    pub paused_ms: Duration,
    /// Of `paused_ms`, the working time another party held the ticket and the contract
    /// excludes it (`pause_when_held_by`); 0 otherwise.
    pub held_ms: Duration,
    /// Wall time during which the clock was active (running or paused, not resolved).
    pub wall_ms: Duration,
    /// Target minus elapsed; negative when over.
    pub remaining_ms: Duration,
    /// The earliest instant at which the used time reached the target, if breached.
    pub breached_at: Option<Instant>,
    /// The instants at which each `warn_at` threshold was reached.
    pub warned_at: Vec<Instant>,
    /// When the outcome was decided: the breach instant if breached, else the stop if
    /// met; absent while undecided. Reports count a measurement in the period holding
    /// this instant. For cancelled and excluded tickets it is the underlying outcome's.
    pub decided_at: Option<Instant>,
    /// Under reopen policy `resume`, after a reopen: when the clock first stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_stopped_at: Option<Instant>,
    /// Under reopen policy `resume`, after a reopen: the working time used at the first stop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_elapsed_ms: Option<Duration>,
}

/// The result of one ticket (SPEC §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketResult {
    /// The ticket id.
    pub ticket: CompactString,
    /// The contract id.
    pub contract: CompactString,
    /// The current priority.
    pub priority: CompactString,
    /// The opening priority.
    pub opened_priority: CompactString,
    /// The party holding the ticket.
    pub party: Option<CompactString>,
    /// Where the ticket is in its life.
    pub state: TicketState,
    /// The last status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CompactString>,
    /// How many times it was reopened.
    pub reopens: u32,
    /// Flags: `rejected_events`, `closed_without_resolution`.
    pub flags: Vec<String>,
    /// Why it is excluded, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_reason: Option<CompactString>,
    /// Why it was cancelled, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_reason: Option<CompactString>,
    /// One entry per measured clock.
    pub metrics: Vec<MetricResult>,
    /// The open time split between the parties that held the ticket, and the customer
    /// while paused; working time on the resolution target's calendar.
    pub held: Vec<PartyTime>,
    /// Changes of holder.
    pub handoffs: u32,
    /// Handoffs back to the party the ticket came from (A -> B -> A).
    pub ping_pongs: u32,
    /// Each party's OLA clocks (co-managed contracts with `ola` targets).
    pub ola: Vec<OlaResult>,
}

/// The kind of an explain segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// The clock ran in working time.
    Running,
    /// The clock ran, but the calendar was closed.
    ClosedHours,
    /// The clock was paused by a pause status.
    Paused,
    /// The ticket was resolved (between a resolution and a reopen).
    Resolved,
}

/// One segment of an explain timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Start (inclusive).
    pub from: Instant,
    /// End (exclusive).
    pub to: Instant,
    /// What the clock did.
    pub kind: SegmentKind,
    /// Why, in words.
    pub reason: String,
    /// Working time in the segment on the target's calendar: counted for `running`,
    /// not counted for `paused` (it is the paused time), zero otherwise.
    pub working_ms: Duration,
}

impl Segment {
    fn new(from: i64, to: i64, kind: SegmentKind, reason: String, working_ms: i64) -> Segment {
        Segment {
            from: Instant::from_millis_unchecked(from),
            to: Instant::from_millis_unchecked(to),
            kind,
            reason,
            working_ms: Duration::from_millis(working_ms),
        }
    }
}

/// The timeline of one clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockTimeline {
    /// The clock's numbers.
    #[serde(flatten)]
    pub result: MetricResult,
    /// Its segments in order: running `working_ms` sum to `elapsed_ms`, paused ones to
    /// `paused_ms`, and running, closed-hours and paused lengths sum to `wall_ms`.
    pub segments: Vec<Segment>,
}

/// `explain(ticket)`: the timeline behind every number of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The ticket id.
    pub ticket: String,
    /// The contract id.
    pub contract: String,
    /// The instant the timeline is measured to.
    pub as_of: Instant,
    /// Every priority change, with the policy that applied.
    pub priority_changes: Vec<PriorityChange>,
    /// One timeline per clock.
    pub clocks: Vec<ClockTimeline>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_lists_spill_to_the_heap_and_keep_their_order() {
        let mut periods = Periods::default();
        assert!(periods.last().is_none() && periods.last_mut().is_none());
        for i in 0..7i64 {
            periods.push((i, OPEN));
            assert_eq!(periods.len(), i as usize + 1);
            assert_eq!(periods.last(), Some(&(i, OPEN)));
            if let Some(last) = periods.last_mut() {
                last.1 = i + 10;
            }
        }
        let expected: Vec<(i64, i64)> = (0..7).map(|i| (i, i + 10)).collect();
        assert_eq!(periods.as_slice(), expected.as_slice());
        assert_eq!(periods.into_iter().count(), 7);
        for p in periods.as_mut_slice() {
            p.1 += 1;
        }
        assert_eq!(periods.as_slice()[6], (6, 17));
        assert_eq!(Periods::one((1, 2)).as_slice(), &[(1, 2)]);
    }
}
