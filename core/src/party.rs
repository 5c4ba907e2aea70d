//! Co-managed IT: who held a ticket when, how its open time splits between the parties,
//! and each party's OLA clocks (issue 7).
//!
//! A ticket has one holder at a time: the `party` of `opened`, or the party whose
//! coverage calendar is working at that instant, then whoever each `assigned` hands it
//! to. While the status pauses the ticket, its time is the customer's. The provider's
//! SLA clocks can exclude the time other parties held it (`pause_when_held_by`); OLA
//! clocks measure each party's own handling and never touch the provider's credits.

use serde::{Deserialize, Serialize};

use crate::contract::{Contract, OlaMetric};
use crate::error::Result;
use crate::ticket::MeasurementState;
use crate::time::{Duration, Instant};
use crate::Calendar;

/// The end of a period that has not ended.
const OPEN: i64 = i64::MAX;

/// The name open time is attributed to while the status pauses the ticket.
pub const CUSTOMER: &str = "customer";

/// The name open time is attributed to before the first holder (a coverage gap).
pub const UNASSIGNED: &str = "unassigned";

/// One party's holding of a ticket.
#[derive(Debug, Clone)]
pub(crate) struct Hold<'a> {
    pub(crate) from: i64,
    pub(crate) to: i64,
    pub(crate) party: &'a str,
    pub(crate) group: Option<&'a str>,
    /// The ticket's priority when the party received it (chooses the OLA target).
    pub(crate) priority: &'a str,
    /// The party's first `responded` while holding it.
    pub(crate) acknowledged: Option<i64>,
}

/// The holders of a ticket, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Holding<'a> {
    holds: Vec<Hold<'a>>,
}

impl<'a> Holding<'a> {
    /// The current holder and group.
    pub(crate) fn current(&self) -> Option<(&'a str, Option<&'a str>)> {
        self.holds
            .last()
            .filter(|h| h.to == OPEN)
            .map(|h| (h.party, h.group))
    }

    /// `party` receives the ticket at `at` (the first holder, or a handoff).
    pub(crate) fn receive(
        &mut self,
        at: i64,
        party: &'a str,
        group: Option<&'a str>,
        priority: &'a str,
    ) {
        if let Some(last) = self.holds.last_mut() {
            if last.to == OPEN {
                last.to = at;
            }
        }
        self.holds.push(Hold {
            from: at,
            to: OPEN,
            party,
            group,
            priority,
            acknowledged: None,
        });
    }

    /// A group change within the holding party: not a handoff.
    pub(crate) fn regroup(&mut self, group: Option<&'a str>) {
        if let Some(last) = self.holds.last_mut() {
            last.group = group;
        }
    }

    /// `party` responded at `at`: the first response acknowledges its holding.
    pub(crate) fn acknowledge(&mut self, at: i64, party: &str) {
        if let Some(last) = self.holds.last_mut() {
            if last.to == OPEN && last.party == party && last.acknowledged.is_none() {
                last.acknowledged = Some(at);
            }
        }
    }

    /// Handoffs: every change of holder after the first.
    pub(crate) fn handoffs(&self) -> u32 {
        self.holds.len().saturating_sub(1) as u32
    }

    /// Ping-pong: a ticket handed back to the party it came from (A -> B -> A).
    pub(crate) fn ping_pongs(&self) -> u32 {
        self.holds
            .windows(3)
            .filter(|w| w[0].party == w[2].party)
            .count() as u32
    }

    /// The periods held by parties whose holding time pauses the SLA clocks, up to `end`.
    pub(crate) fn pausing_periods(
        &self,
        contract: &Contract,
        end: i64,
    ) -> Vec<(i64, i64, &'a str)> {
        self.holds
            .iter()
            .filter(|h| contract.pauses_when_held_by(h.party) && h.from < end)
            .map(|h| (h.from, h.to.min(end), h.party))
            .collect()
    }

    /// Splits the open time (`open` periods, up to `end`) between the holders, with the
    /// time inside `pauses` going to the customer. Working time is on `calendar`.
    pub(crate) fn attribution(
        &self,
        open: &[(i64, i64)],
        pauses: &[(i64, i64)],
        calendar: &Calendar,
        end: i64,
    ) -> Result<Vec<PartyTime>> {
        let mut out: Vec<PartyTime> = Vec::new();
        let mut add = |party: &str, s: i64, e: i64| -> Result<()> {
            if s >= e {
                return Ok(());
            }
            let working = calendar.working_time(
                Instant::from_millis_unchecked(s),
                Instant::from_millis_unchecked(e),
            )?;
            match out.iter_mut().find(|p| p.party == party) {
                Some(p) => {
                    p.working_ms =
                        Duration::from_millis(p.working_ms.as_millis() + working.as_millis());
                    p.wall_ms = Duration::from_millis(p.wall_ms.as_millis() + (e - s));
                }
                None => out.push(PartyTime {
                    party: party.to_string(),
                    working_ms: working,
                    wall_ms: Duration::from_millis(e - s),
                }),
            }
            Ok(())
        };
        if self.holds.is_empty() {
            return Ok(out);
        }
        for &(os, oe) in open {
            let oe = oe.min(end);
            // Before the first holder (coverage left a gap), the time is unassigned.
            let first = self.holds[0].from;
            if os < first.min(oe) {
                add(UNASSIGNED, os, first.min(oe))?;
            }
            for hold in &self.holds {
                let (s, e) = (hold.from.max(os), hold.to.min(oe));
                if s >= e {
                    continue;
                }
                // Within the holding, the paused parts are the customer's.
                let mut t = s;
                for &(ps, pe) in pauses {
                    let (ps, pe) = (ps.max(s), pe.min(e));
                    if ps >= pe {
                        continue;
                    }
                    add(hold.party, t, ps)?;
                    add(CUSTOMER, ps, pe)?;
                    t = pe;
                }
                add(hold.party, t, e)?;
            }
        }
        out.sort_by(|a, b| a.party.cmp(&b.party));
        Ok(out)
    }

    /// The OLA clocks of every holding that has targets, measured up to `end`.
    /// `resolutions` are the instants the ticket was resolved (a resolution stops both
    /// clocks of the holding it falls in).
    pub(crate) fn ola(
        &self,
        contract: &Contract,
        resolutions: &[i64],
        end: i64,
    ) -> Result<Vec<OlaResult>> {
        let mut out = Vec::new();
        for hold in self.holds.iter().filter(|h| h.from <= end) {
            let resolved = resolutions.iter().copied().find(|&r| r >= hold.from);
            for metric in [OlaMetric::Acknowledge, OlaMetric::Hold] {
                let Some(target) = contract.ola_target(hold.party, hold.priority, metric) else {
                    continue;
                };
                let mut stop = [Some(hold.to).filter(|t| *t != OPEN), resolved]
                    .into_iter()
                    .flatten()
                    .min();
                if metric == OlaMetric::Acknowledge {
                    stop = [stop, hold.acknowledged].into_iter().flatten().min();
                }
                let stop = stop.filter(|s| *s <= end);
                let cal = &target.calendar;
                let from = Instant::from_millis_unchecked(hold.from);
                let target_ms = cal.target_working_time(from, target.within)?;
                let until = Instant::from_millis_unchecked(stop.unwrap_or(end));
                let elapsed = cal.working_time(from, until)?;
                let breached_at = if elapsed > target_ms {
                    Some(cal.add_working_time(from, target_ms)?)
                } else {
                    None
                };
                let state = match (breached_at, stop) {
                    (Some(_), _) => MeasurementState::Breached,
                    (None, Some(_)) => MeasurementState::Met,
                    (None, None) => MeasurementState::Running,
                };
                out.push(OlaResult {
                    party: hold.party.to_string(),
                    metric,
                    priority: hold.priority.to_string(),
                    target: target.label.clone(),
                    target_ms,
                    calendar: cal.name().to_string(),
                    received_at: from,
                    stopped_at: stop.map(Instant::from_millis_unchecked),
                    elapsed_ms: elapsed,
                    state,
                    breached_at,
                    decided_at: breached_at.or(stop.map(Instant::from_millis_unchecked)),
                });
            }
        }
        Ok(out)
    }
}

/// Open time attributed to one party (or to the customer while paused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyTime {
    /// The party, or `"customer"` for paused time.
    pub party: String,
    /// Working time on the resolution target's calendar.
    pub working_ms: Duration,
    /// Wall time.
    pub wall_ms: Duration,
}

/// One OLA clock of one holding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OlaResult {
    /// The party measured.
    pub party: String,
    /// `acknowledge` or `hold`.
    pub metric: OlaMetric,
    /// The ticket's priority when the party received it.
    pub priority: String,
    /// The target as written.
    pub target: String,
    /// The target in working milliseconds.
    pub target_ms: Duration,
    /// The calendar of the target.
    pub calendar: String,
    /// When the party received the ticket.
    pub received_at: Instant,
    /// When the clock stopped (response, handoff or resolution), if it has.
    pub stopped_at: Option<Instant>,
    /// Working time used.
    pub elapsed_ms: Duration,
    /// `running`, `met` or `breached`.
    pub state: MeasurementState,
    /// The deadline missed, if breached.
    pub breached_at: Option<Instant>,
    /// The breach instant, or the stop if met.
    pub decided_at: Option<Instant>,
}
