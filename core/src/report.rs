//! Period reports: compliance, MTTA and MTTR per priority and metric (SPEC §8).
//!
//! A measurement belongs to the period in which its outcome was decided: its stop if
//! met, its breach instant if breached. A report is evaluated as of the end of its period
//! (or an earlier as-of), so events after the period never rewrite an issued report.
//! Reports keep every decided value, so two reports over disjoint tickets merge into
//! exactly the report of the union, medians and p90 included.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

use crate::calendar::local;
use crate::contract::{Metric, OlaMetric};
use crate::error::{Error, ErrorKind, Result};
use crate::ledger::Evaluation;
use crate::ticket::{MeasurementState, TicketResult, TicketState};
use crate::time::Instant;

/// A reporting period `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    /// Start (inclusive).
    pub from: Instant,
    /// End (exclusive).
    pub to: Instant,
}

impl Period {
    /// `[from, to)`; `to` must be after `from`.
    pub fn new(from: Instant, to: Instant) -> Result<Period> {
        if to <= from {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("period {from} .. {to} is empty (expected from < to)"),
            ));
        }
        Ok(Period { from, to })
    }

    /// The calendar month `year-month` in `tz`: local midnight of its first day to local
    /// midnight of the next month's (a month with a DST change is still exactly that month).
    pub fn month(year: i32, month: u32, tz: Tz) -> Result<Period> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidDate,
                format!("month {year:04}-{month:02} is not a valid month"),
            )
        };
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }
        .ok_or_else(bad)?;
        let from = local::to_instant(tz, first, 0);
        let to = local::to_instant(tz, next, 0);
        from.check_range()?;
        to.check_range()?;
        Period::new(from, to)
    }

    /// Parses `YYYY-MM` as a month in `tz`.
    pub fn parse_month(text: &str, tz: Tz) -> Result<Period> {
        let parsed = text.split_once('-').and_then(|(y, m)| {
            (y.len() == 4 && m.len() == 2)
                .then(|| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
                .flatten()
        });
        let (year, month) = parsed.ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidDate,
                format!("period {text:?} is not a month (expected YYYY-MM, e.g. \"2026-10\")"),
            )
        })?;
        Period::month(year, month, tz)
    }

    /// Whether `t` is inside the period.
    pub fn contains(&self, t: Instant) -> bool {
        self.from <= t && t < self.to
    }
}

/// Summary statistics of durations, exact: mean as a decimal of milliseconds, median and
/// p90 by nearest rank (the value at rank ⌈p·n⌉, always an observed value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurationStats {
    /// Number of values.
    pub count: u64,
    /// Sum in milliseconds.
    pub sum_ms: i64,
    /// Mean in milliseconds, rounded half-even to whole milliseconds.
    pub mean_ms: i64,
    /// Median (nearest rank 50%).
    pub median_ms: i64,
    /// 90th percentile (nearest rank).
    pub p90_ms: i64,
}

impl DurationStats {
    fn of(sorted: &[i64]) -> Option<DurationStats> {
        if sorted.is_empty() {
            return None;
        }
        let n = sorted.len();
        let sum: i64 = sorted.iter().sum();
        let rank = |pct: usize| sorted[(n * pct).div_ceil(100).max(1) - 1];
        let mean = (Decimal::from(sum) / Decimal::from(n as u64))
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointNearestEven);
        Some(DurationStats {
            count: n as u64,
            sum_ms: sum,
            mean_ms: i64::try_from(mean.mantissa()).unwrap_or(i64::MAX),
            median_ms: rank(50),
            p90_ms: rank(90),
        })
    }
}

/// An exact ratio shown as a decimal string: compliance = met / (met + breached).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compliance {
    /// Met measurements.
    pub met: u64,
    /// Met plus breached.
    pub measured: u64,
}

impl Compliance {
    /// The ratio as a percentage, exact to 28 significant digits (rust_decimal), for
    /// comparisons against contract thresholds: `met * 100 / measured`.
    pub fn percent(&self) -> Decimal {
        if self.measured == 0 {
            return Decimal::ZERO;
        }
        Decimal::from(self.met) * Decimal::ONE_HUNDRED / Decimal::from(self.measured)
    }

    /// Whether compliance is strictly below `percent`, decided exactly by cross-multiplying
    /// integers: `met * 100 < percent * measured`.
    pub fn is_below(&self, percent: Decimal) -> bool {
        Decimal::from(self.met) * Decimal::ONE_HUNDRED < percent * Decimal::from(self.measured)
    }
}

impl Serialize for Compliance {
    /// A percentage string with up to 4 decimals, rounded half-even (display only: every
    /// decision uses [`Compliance::is_below`]).
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(
            &self
                .percent()
                .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointNearestEven)
                .normalize(),
        )
    }
}

impl fmt::Display for Compliance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percent().round_dp(2).normalize())
    }
}

/// The counts and values of one priority and metric in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Met, decided in the period.
    pub met: u64,
    /// Breached, decided in the period.
    pub breached: u64,
    /// Undecided at the as-of instant, started before the period's end.
    pub open: u64,
    /// Of excluded tickets, decided in the period.
    pub excluded: u64,
    /// Of tickets cancelled in the period.
    pub cancelled: u64,
    /// Tickets of the met measurements.
    pub met_tickets: Vec<String>,
    /// Tickets of the breached measurements, with the working-time overrun at the as-of.
    pub breached_tickets: Vec<(String, i64)>,
    /// Measurements decided in the period whose first resolution fell in an earlier period
    /// (reopen policy `resume`): decided again here.
    pub redecided: Vec<String>,
    /// Working time the SLA excluded because another party held the tickets
    /// (`pause_when_held_by`), over the measurements decided in the period.
    pub held_ms: i64,
    /// Working time of the stopped, decided measurements (sorted).
    working: Vec<i64>,
    /// Wall time of the same (sorted).
    wall: Vec<i64>,
}

impl Tally {
    /// Met plus breached: what compliance is computed over.
    pub fn measured(&self) -> u64 {
        self.met + self.breached
    }

    /// Compliance, if anything was measured.
    pub fn compliance(&self) -> Option<Compliance> {
        (self.measured() > 0).then_some(Compliance {
            met: self.met,
            measured: self.measured(),
        })
    }

    /// Adds `other`'s counts and lists, leaving the lists unsorted (an unsealed report).
    fn append(&mut self, mut other: Tally) {
        self.met += other.met;
        self.breached += other.breached;
        self.open += other.open;
        self.excluded += other.excluded;
        self.cancelled += other.cancelled;
        self.held_ms += other.held_ms;
        self.met_tickets.append(&mut other.met_tickets);
        self.breached_tickets.append(&mut other.breached_tickets);
        self.redecided.append(&mut other.redecided);
        self.working.append(&mut other.working);
        self.wall.append(&mut other.wall);
    }

    fn merge(&mut self, other: &Tally) {
        self.append(other.clone());
        self.sort_lists();
    }

    /// Puts the lists in order (stable sorts: two sorted runs, as a merge leaves them,
    /// are merged in one pass).
    fn sort_lists(&mut self) {
        self.met_tickets.sort();
        self.breached_tickets.sort();
        self.redecided.sort();
        self.working.sort();
        self.wall.sort();
    }
}

/// The report of one contract for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The contract id.
    pub contract: String,
    /// The period.
    pub period: Period,
    /// The instant the report was evaluated as of (the period's end, or earlier).
    pub as_of: Instant,
    /// Per priority and metric.
    pub tallies: BTreeMap<(String, Metric), Tally>,
    /// OLA clocks per party, priority and metric, decided in the period (co-managed).
    pub ola: BTreeMap<(String, String, OlaMetric), Tally>,
    /// Per party: the tickets resolved in the period that it held, and for how long.
    pub parties: BTreeMap<String, PartySummary>,
    /// Handoffs of the tickets resolved in the period.
    pub handoffs: u64,
    /// Of those, hand-backs to the previous holder (A -> B -> A).
    pub ping_pongs: u64,
}

/// What one party did for the tickets resolved in a period (co-managed IT).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PartySummary {
    /// Tickets it held at some point.
    pub tickets: u64,
    /// Open working time it held them (on each ticket's resolution calendar).
    pub working_ms: i64,
    /// Open wall time it held them.
    pub wall_ms: i64,
    /// Per priority, working time held: the responsibility split of each priority.
    pub by_priority: BTreeMap<String, i64>,
}

impl PartySummary {
    fn merge(&mut self, other: &PartySummary) {
        self.tickets += other.tickets;
        self.working_ms += other.working_ms;
        self.wall_ms += other.wall_ms;
        for (p, ms) in &other.by_priority {
            *self.by_priority.entry(p.clone()).or_default() += ms;
        }
    }
}

impl Report {
    /// Builds the report of `contract` for `period` from an evaluation made as of
    /// `min(period.to, as_of)`. Tickets of other contracts are ignored.
    pub fn from_evaluation(contract: &str, period: Period, evaluation: &Evaluation) -> Report {
        let mut report = Report::unsealed(contract, period, evaluation.as_of);
        for ticket in &evaluation.tickets {
            report.add(ticket);
        }
        report.seal();
        report
    }

    /// An empty report to [`Report::add`] tickets to; [`Report::seal`] finishes it.
    ///
    /// Between the two its lists are in no order, so that reports of parts of a ledger
    /// (chunks of tickets evaluated one after the other, or on several cores) can be
    /// [`Report::absorb`]ed into one without sorting each part.
    pub(crate) fn unsealed(contract: &str, period: Period, as_of: Instant) -> Report {
        Report {
            contract: contract.to_string(),
            period,
            as_of,
            tallies: BTreeMap::new(),
            ola: BTreeMap::new(),
            parties: BTreeMap::new(),
            handoffs: 0,
            ping_pongs: 0,
        }
    }

    /// Counts one ticket of an evaluation as of the report's `as_of` (tickets of other
    /// contracts are ignored).
    pub(crate) fn add(&mut self, ticket: &TicketResult) {
        if ticket.contract != self.contract.as_str() {
            return;
        }
        let period = self.period;
        let (tallies, ola, parties) = (&mut self.tallies, &mut self.ola, &mut self.parties);
        for o in &ticket.ola {
            let tally = ola
                .entry((o.party.clone(), o.priority.clone(), o.metric))
                .or_default();
            match o.decided_at {
                Some(d) if period.contains(d) => {
                    if o.breached_at.is_some() {
                        tally.breached += 1;
                        tally.breached_tickets.push((
                            ticket.ticket.to_string(),
                            (o.elapsed_ms.as_millis() - o.target_ms.as_millis()),
                        ));
                    } else {
                        tally.met += 1;
                        tally.met_tickets.push(ticket.ticket.to_string());
                    }
                    if o.stopped_at.is_some() {
                        tally.working.push(o.elapsed_ms.as_millis());
                    }
                }
                d if d.is_none_or(|d| d >= period.to) && o.received_at < period.to => {
                    tally.open += 1
                }
                _ => {}
            }
        }
        // Party time counts with the ticket's resolution, in the period it was decided.
        let resolved_here = ticket
            .metrics
            .iter()
            .filter(|m| m.metric == Metric::Resolution)
            .filter_map(|m| m.stopped_at)
            .any(|t| period.contains(t));
        if resolved_here {
            let holders: Vec<&str> = ticket
                .held
                .iter()
                .map(|h| h.party.as_str())
                .filter(|p| *p != crate::party::CUSTOMER && *p != crate::party::UNASSIGNED)
                .collect();
            for h in ticket.held.iter().filter(|h| {
                h.party != crate::party::CUSTOMER && h.party != crate::party::UNASSIGNED
            }) {
                let summary = parties.entry(h.party.clone()).or_default();
                summary.tickets += 1;
                summary.working_ms += h.working_ms.as_millis();
                summary.wall_ms += h.wall_ms.as_millis();
                *summary
                    .by_priority
                    .entry(ticket.priority.to_string())
                    .or_default() += h.working_ms.as_millis();
            }
            if !holders.is_empty() {
                self.handoffs += u64::from(ticket.handoffs);
                self.ping_pongs += u64::from(ticket.ping_pongs);
            }
        }
        for m in &ticket.metrics {
            let tally = tallies
                .entry((m.priority.to_string(), m.metric))
                .or_default();
            if ticket.state == TicketState::Cancelled {
                if m.stopped_at.is_some_and(|t| period.contains(t)) {
                    tally.cancelled += 1;
                }
                continue;
            }
            match m.decided_at {
                Some(decided) if period.contains(decided) => {
                    if m.state == MeasurementState::Excluded {
                        tally.excluded += 1;
                        continue;
                    }
                    if m.breached_at.is_some() {
                        tally.breached += 1;
                        let overrun = m.elapsed_ms.as_millis() - m.target_ms.as_millis();
                        tally
                            .breached_tickets
                            .push((ticket.ticket.to_string(), overrun));
                    } else {
                        tally.met += 1;
                        tally.met_tickets.push(ticket.ticket.to_string());
                    }
                    tally.held_ms += m.held_ms.as_millis();
                    if m.first_stopped_at.is_some_and(|first| first < period.from) {
                        tally.redecided.push(ticket.ticket.to_string());
                    }
                    if m.stopped_at.is_some() {
                        tally.working.push(m.elapsed_ms.as_millis());
                        tally.wall.push(m.wall_ms.as_millis());
                    }
                }
                // Undecided when the period closed (decided later, or not yet): open.
                decided => {
                    let undecided_at_end = decided.is_none_or(|d| d >= period.to);
                    if undecided_at_end
                        && m.started_at < period.to
                        && m.state != MeasurementState::Excluded
                    {
                        tally.open += 1;
                    }
                }
            }
        }
    }

    /// Adds the counts and lists of `other`, an unsealed report of other tickets of the
    /// same contract, period and as-of.
    pub(crate) fn absorb(&mut self, other: Report) {
        for (key, tally) in other.tallies {
            self.tallies.entry(key).or_default().append(tally);
        }
        for (key, tally) in other.ola {
            self.ola.entry(key).or_default().append(tally);
        }
        for (party, summary) in &other.parties {
            self.parties
                .entry(party.clone())
                .or_default()
                .merge(summary);
        }
        self.handoffs += other.handoffs;
        self.ping_pongs += other.ping_pongs;
    }

    /// Puts every list in order and drops the rows with nothing in them.
    pub(crate) fn seal(&mut self) {
        for tally in self.tallies.values_mut().chain(self.ola.values_mut()) {
            tally.sort_lists();
        }
        self.tallies
            .retain(|_, t| t.measured() + t.open + t.excluded + t.cancelled > 0);
        self.ola.retain(|_, t| t.measured() + t.open > 0);
    }

    /// Combines two reports of the same contract, period and as-of over disjoint sets of
    /// tickets into exactly the report of their union.
    pub fn merge(&self, other: &Report) -> Result<Report> {
        if self.contract != other.contract
            || self.period != other.period
            || self.as_of != other.as_of
        {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!(
                    "cannot merge the report of {:?} {}..{} as of {} with that of {:?} {}..{} as of {}",
                    self.contract, self.period.from, self.period.to, self.as_of, other.contract, other.period.from, other.period.to, other.as_of
                ),
            ));
        }
        let mut merged = self.clone();
        for (key, tally) in &other.tallies {
            merged.tallies.entry(key.clone()).or_default().merge(tally);
        }
        for (key, tally) in &other.ola {
            merged.ola.entry(key.clone()).or_default().merge(tally);
        }
        for (party, summary) in &other.parties {
            merged
                .parties
                .entry(party.clone())
                .or_default()
                .merge(summary);
        }
        merged.handoffs += other.handoffs;
        merged.ping_pongs += other.ping_pongs;
        Ok(merged)
    }

    /// The tally of all priorities for `metric`.
    pub fn total(&self, metric: Metric) -> Tally {
        let mut total = Tally::default();
        for ((_, m), tally) in &self.tallies {
            if *m == metric {
                total.merge(tally);
            }
        }
        total
    }

    /// The tally of `priority` (`"*"` for all) and `metric`.
    pub fn tally(&self, priority: &str, metric: Metric) -> Tally {
        if priority == "*" {
            return self.total(metric);
        }
        self.tallies
            .get(&(priority.to_string(), metric))
            .cloned()
            .unwrap_or_default()
    }

    /// The rows of the report, per priority and metric, then the totals (`priority = "*"`).
    pub fn rows(&self) -> Vec<ReportRow> {
        let mut rows: Vec<ReportRow> = self
            .tallies
            .iter()
            .map(|((p, m), t)| ReportRow::new(p, *m, t))
            .collect();
        for metric in Metric::ALL {
            let total = self.total(metric);
            if total != Tally::default() {
                rows.push(ReportRow::new("*", metric, &total));
            }
        }
        rows
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One OLA row of a report: a party's clock for a priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OlaRow {
    /// The party.
    pub party: String,
    /// The priority when the party received the tickets.
    pub priority: String,
    /// `acknowledge` or `hold`.
    pub metric: OlaMetric,
    /// Met plus breached.
    pub measured: u64,
    /// Met.
    pub met: u64,
    /// Breached.
    pub breached: u64,
    /// Undecided when the period closed.
    pub open: u64,
    /// Met / measured.
    pub compliance: Option<Compliance>,
    /// Working time of the stopped clocks.
    pub working_time: Option<DurationStats>,
}

impl Report {
    /// The OLA rows, per party, priority and metric.
    pub fn ola_rows(&self) -> Vec<OlaRow> {
        self.ola
            .iter()
            .map(|((party, priority, metric), t)| OlaRow {
                party: party.clone(),
                priority: priority.clone(),
                metric: *metric,
                measured: t.measured(),
                met: t.met,
                breached: t.breached,
                open: t.open,
                compliance: t.compliance(),
                working_time: DurationStats::of(&t.working),
            })
            .collect()
    }
}

/// One row of a report as shown and serialized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRow {
    /// A priority, or `"*"` for the total.
    pub priority: String,
    /// The metric (MTTA for response, MTTR for resolution).
    pub metric: Metric,
    /// Met plus breached.
    pub measured: u64,
    /// Met.
    pub met: u64,
    /// Breached.
    pub breached: u64,
    /// Undecided.
    pub open: u64,
    /// Excluded by agreement.
    pub excluded: u64,
    /// Cancelled.
    pub cancelled: u64,
    /// Met / measured, as a percentage string; absent when nothing was measured.
    pub compliance: Option<Compliance>,
    /// Working time from start to stop of the stopped measurements.
    pub working_time: Option<DurationStats>,
    /// Wall time of the same.
    pub wall_time: Option<DurationStats>,
    /// Tickets decided here whose first resolution was reported in an earlier period.
    pub redecided: Vec<String>,
}

impl ReportRow {
    fn new(priority: &str, metric: Metric, t: &Tally) -> ReportRow {
        ReportRow {
            priority: priority.to_string(),
            metric,
            measured: t.measured(),
            met: t.met,
            breached: t.breached,
            open: t.open,
            excluded: t.excluded,
            cancelled: t.cancelled,
            compliance: t.compliance(),
            working_time: DurationStats::of(&t.working),
            wall_time: DurationStats::of(&t.wall),
            redecided: t.redecided.clone(),
        }
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            contract: &'a str,
            period: &'a Period,
            as_of: Instant,
            rows: Vec<ReportRow>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            ola: Vec<OlaRow>,
            #[serde(skip_serializing_if = "BTreeMap::is_empty")]
            parties: &'a BTreeMap<String, PartySummary>,
            #[serde(skip_serializing_if = "is_zero")]
            handoffs: u64,
            #[serde(skip_serializing_if = "is_zero")]
            ping_pongs: u64,
        }
        Shape {
            contract: &self.contract,
            period: &self.period,
            as_of: self.as_of,
            rows: self.rows(),
            ola: self.ola_rows(),
            parties: &self.parties,
            handoffs: self.handoffs,
            ping_pongs: self.ping_pongs,
        }
        .serialize(s)
    }
}

/// The number of local calendar dates of `period` in `tz` that belong to each month it
/// touches: `(year, month, days counted, days in month)`. A date counts when its local
/// midnight lies inside the period.
pub(crate) fn days_by_month(period: &Period, tz: Tz) -> Vec<(i32, u32, u32, u32)> {
    let mut out: Vec<(i32, u32, u32, u32)> = Vec::new();
    let mut date = local::local_date(tz, period.from);
    if local::to_instant(tz, date, 0) < period.from {
        date = date.succ_opt().unwrap_or(date);
    }
    while local::to_instant(tz, date, 0) < period.to {
        let (y, m) = (date.year(), date.month());
        match out.last_mut() {
            Some(last) if last.0 == y && last.1 == m => last.2 += 1,
            _ => out.push((y, m, 1, days_in_month(y, m))),
        }
        match date.succ_opt() {
            Some(d) => date = d,
            None => break,
        }
    }
    out
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (next, NaiveDate::from_ymd_opt(year, month, 1)) {
        (Some(n), Some(f)) => (n - f).num_days() as u32,
        _ => 30,
    }
}

impl FromStr for Metric {
    type Err = Error;
    fn from_str(s: &str) -> Result<Metric> {
        match s {
            "response" => Ok(Metric::Response),
            "resolution" => Ok(Metric::Resolution),
            other => Err(Error::new(
                ErrorKind::InvalidValue,
                format!("unknown metric {other:?} (expected \"response\" or \"resolution\")"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_cut_at_local_midnight_even_across_dst() {
        let ny = chrono_tz::America::New_York;
        let nov = Period::parse_month("2026-11", ny).unwrap();
        assert_eq!(nov.from.to_string(), "2026-11-01T04:00:00Z"); // EDT midnight
        assert_eq!(nov.to.to_string(), "2026-12-01T05:00:00Z"); // EST midnight
        assert_eq!(
            nov.to.since(nov.from).as_millis(),
            (30 * 24 + 1) * 3_600_000
        );
        assert_eq!(
            Period::parse_month("2026-13", ny).unwrap_err().code(),
            "invalid_date"
        );
        assert_eq!(
            Period::parse_month("Oct 2026", ny).unwrap_err().code(),
            "invalid_date"
        );
    }

    #[test]
    fn nearest_rank_statistics() {
        let s = DurationStats::of(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).unwrap();
        assert_eq!((s.median_ms, s.p90_ms, s.mean_ms, s.sum_ms), (5, 9, 6, 55)); // mean 5.5 -> 6 (half-even)
        let s = DurationStats::of(&[7]).unwrap();
        assert_eq!((s.median_ms, s.p90_ms, s.mean_ms), (7, 7, 7));
        assert!(DurationStats::of(&[]).is_none());
    }

    #[test]
    fn compliance_is_exact() {
        let c = Compliance {
            met: 2,
            measured: 3,
        };
        assert!(c.is_below(Decimal::from(67)));
        assert!(!c.is_below(Decimal::new(6666, 2)));
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"66.6667\"");
        let all = Compliance {
            met: 19,
            measured: 20,
        };
        assert!(
            !all.is_below(Decimal::from(95)),
            "95% is not strictly below 95%"
        );
    }

    #[test]
    fn days_by_month_counts_local_dates() {
        let tz = chrono_tz::Europe::Berlin;
        let oct = Period::parse_month("2026-10", tz).unwrap();
        assert_eq!(days_by_month(&oct, tz), vec![(2026, 10, 31, 31)]);
        let half = Period::new(
            Instant::parse("2026-10-16T00:00:00+02:00").unwrap(),
            Instant::parse("2026-11-03T00:00:00+01:00").unwrap(),
        )
        .unwrap();
        assert_eq!(
            days_by_month(&half, tz),
            vec![(2026, 10, 16, 31), (2026, 11, 2, 30)]
        );
    }
}
