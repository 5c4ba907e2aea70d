//! A seeded generator of realistic synthetic ticket logs, for benchmarks, tests and demos.
//!
//! The same seed gives the same events on every platform and every version of the
//! dependencies: randomness is a hand-written SplitMix64 and every distribution is built
//! from integer arithmetic (quantile tables with linear interpolation), so no float
//! transcendental (whose last bits differ between libms, and between native and WASM)
//! ever decides a value.
//!
//! The shape follows what service desks see: a priority mix dominated by P3/P4, arrivals
//! concentrated on weekday business hours, right-skewed response and resolution times,
//! waits on the customer (pauses), some priority changes and reopens, and optionally a
//! share of bad events (duplicates, events out of sequence) to exercise lenient mode.

use crate::event::{Event, EventKind};
use crate::time::{Instant, DAY_MS};

/// The contract the generated events are written for (`contract = "synthetic"`).
pub const CONTRACT_TOML: &str = r#"
id = "synthetic"
customer = "Synthetic Customer Inc."
currency = "USD"
timezone = "America/New_York"
fee = { monthly = "20000.00" }
pause_statuses = ["waiting_on_customer", "pending_vendor"]
warn_at = ["75%"]

[calendars.business]
timezone = "America/New_York"
mon = ["08:00-18:00"]
tue = ["08:00-18:00"]
wed = ["08:00-18:00"]
thu = ["08:00-18:00"]
fri = ["08:00-17:00"]
holidays = ["2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-07-03", "2026-09-07",
            "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"]

[targets.P1]
response   = { within = "15m", calendar = "24x7" }
resolution = { within = "4h",  calendar = "24x7" }
[targets.P2]
response   = { within = "1h",  calendar = "24x7" }
resolution = { within = "8h",  calendar = "business" }
[targets.P3]
response   = { within = "4h",  calendar = "business" }
resolution = { within = "3bd", calendar = "business" }
[targets.P4]
response   = { within = "1bd", calendar = "business" }
resolution = { within = "5bd", calendar = "business" }

[credits]
cap = "20%"
min_tickets = 10
tiers = [ { priority = "P1", metric = "resolution", levels = [ { below = "95%", credit = "5%" }, { below = "90%", credit = "10%" } ] } ]
per_breach = [ { priority = "P1", metric = "response", amount = "250.00" } ]
"#;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    /// Number of tickets.
    pub tickets: u64,
    /// The seed; the same seed gives the same events.
    pub seed: u64,
    /// The first instant tickets may open (they open over `days` days from here).
    pub start: Instant,
    /// Over how many days tickets open.
    pub days: u32,
    /// Bad events per thousand tickets (duplicates and out-of-sequence events).
    pub bad_per_mille: u32,
}

impl Default for SynthConfig {
    fn default() -> SynthConfig {
        SynthConfig {
            tickets: 1000,
            seed: 1,
            // 2026-11-02T00:00:00Z, a Monday.
            start: Instant::from_millis_unchecked(1_793_577_600_000),
            days: 28,
            bad_per_mille: 0,
        }
    }
}

/// SplitMix64: tiny, fast, and fully specified, so streams never change.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by multiply-shift (bias below 2^-32 for our n).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next() >> 32) * u128::from(n)) >> 32) as u64
    }

    /// True with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// A draw from a distribution given by its deciles (11 points, 0% to 100%), with
    /// linear interpolation between them: right-skewed tables give lognormal-like shapes.
    fn quantile(&mut self, deciles: &[i64; 11]) -> i64 {
        let u = self.below(10_000) as i64; // 0..9999, in hundredths of a percent
        let i = (u / 1000) as usize;
        let within = u % 1000;
        deciles[i] + (deciles[i + 1] - deciles[i]) * within / 1000
    }
}

const MINUTE: i64 = 60_000;

/// Response times in minutes by priority (deciles): most fast, a long tail.
const RESPONSE_MIN: [[i64; 11]; 4] = [
    [1, 3, 4, 5, 6, 8, 10, 12, 15, 22, 90],
    [2, 8, 12, 18, 24, 30, 40, 55, 75, 110, 480],
    [5, 20, 35, 50, 70, 95, 130, 180, 260, 420, 2880],
    [10, 60, 120, 180, 260, 360, 480, 720, 1100, 1800, 7200],
];
/// Resolution times in minutes after the response, by priority (deciles).
const RESOLUTION_MIN: [[i64; 11]; 4] = [
    [15, 45, 70, 95, 120, 150, 185, 230, 300, 420, 1440],
    [30, 120, 200, 300, 420, 560, 740, 1000, 1440, 2400, 7200],
    [60, 300, 600, 900, 1300, 1800, 2500, 3400, 4800, 7000, 20160],
    [
        120, 720, 1440, 2200, 3000, 4000, 5300, 7000, 9500, 14000, 40320,
    ],
];
/// Share of each priority, per mille: P1, P2, P3, P4.
const PRIORITY_MIX: [u64; 4] = [40, 160, 500, 300];
/// Relative arrival weight per local hour of day (business hours peak).
const HOUR_WEIGHT: [u64; 24] = [
    1, 1, 1, 1, 1, 2, 3, 6, 12, 14, 14, 12, 9, 12, 13, 12, 10, 7, 4, 3, 2, 2, 1, 1,
];
/// Relative arrival weight per weekday, Monday first.
const WEEKDAY_WEIGHT: [u64; 7] = [22, 20, 19, 18, 16, 3, 2];

fn weighted(rng: &mut Rng, weights: &[u64]) -> usize {
    let total: u64 = weights.iter().sum();
    let mut x = rng.below(total);
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Generates the events of `config.tickets` tickets, sorted by `(at, id)` like a real
/// export. About eight events per ticket.
///
/// ```
/// use slaledger::synth::{generate, SynthConfig};
/// let a = generate(&SynthConfig { tickets: 50, seed: 7, ..SynthConfig::default() });
/// let b = generate(&SynthConfig { tickets: 50, seed: 7, ..SynthConfig::default() });
/// assert_eq!(a, b);
/// assert!(a.len() > 50 * 5);
/// ```
pub fn generate(config: &SynthConfig) -> Vec<Event> {
    let mut rng = Rng(config.seed ^ 0x5EED_0F51_A1ED_6E55);
    let mut events = Vec::with_capacity(config.tickets as usize * 9);
    let days = i64::from(config.days.max(1));
    // New York is UTC-5 in winter; arrival hours are drawn in local time and shifted.
    const LOCAL_OFFSET_MS: i64 = 5 * 3_600_000;
    for n in 0..config.tickets {
        let ticket = format!("SYN-{n:07}");
        let mut id = 0u32;
        let mut push = |events: &mut Vec<Event>, at: i64, kind: EventKind| {
            id += 1;
            events.push(Event {
                id: format!("{ticket}-{id}"),
                ticket: ticket.clone(),
                at: Instant::from_millis_unchecked(at),
                seq: None,
                kind,
            });
        };
        // Arrival: pick a day with the weekday weights, then an hour and a minute.
        let day = loop {
            let d = rng.below(days as u64) as i64;
            let weekday = ((config.start.as_millis() / DAY_MS + d + 3) % 7) as usize; // 1970-01-01 was a Thursday
            if rng.below(22) < WEEKDAY_WEIGHT[weekday] {
                break d;
            }
        };
        let hour = weighted(&mut rng, &HOUR_WEIGHT) as i64;
        let opened = config.start.as_millis()
            + day * DAY_MS
            + hour * 3_600_000
            + rng.below(3600) as i64 * 1000
            + LOCAL_OFFSET_MS;
        let p = weighted(&mut rng, &PRIORITY_MIX);
        let priority = format!("P{}", p + 1);
        push(
            &mut events,
            opened,
            EventKind::Opened {
                priority: priority.clone(),
                contract: Some("synthetic".into()),
                party: Some("msp".into()),
            },
        );
        push(
            &mut events,
            opened,
            EventKind::Status {
                status: "new".into(),
            },
        );
        let responded =
            opened + rng.quantile(&RESPONSE_MIN[p]) * MINUTE + rng.below(60) as i64 * 1000;
        let group = format!("tier{}", 1 + rng.below(3));
        push(
            &mut events,
            opened + (responded - opened) / 2,
            EventKind::Assigned {
                party: "msp".into(),
                group: Some(group),
            },
        );
        push(
            &mut events,
            responded,
            EventKind::Responded {
                party: Some("msp".into()),
            },
        );
        push(
            &mut events,
            responded + 1000,
            EventKind::Status {
                status: "in_progress".into(),
            },
        );
        let mut t = responded;
        let work = rng.quantile(&RESOLUTION_MIN[p]) * MINUTE;
        // A wait on the customer in 35% of tickets.
        if rng.chance(350) {
            let wait_start = t + work / 3;
            let wait =
                rng.quantile(&[10, 30, 60, 120, 240, 480, 900, 1440, 2880, 4320, 10080]) * MINUTE;
            push(
                &mut events,
                wait_start,
                EventKind::Status {
                    status: "waiting_on_customer".into(),
                },
            );
            push(
                &mut events,
                wait_start + wait,
                EventKind::Status {
                    status: "in_progress".into(),
                },
            );
            t += wait;
        }
        // A priority change in 6% of tickets, one step up or down.
        if rng.chance(60) {
            let q = if p == 0 || (p < 3 && rng.chance(500)) {
                p + 1
            } else {
                p - 1
            };
            push(
                &mut events,
                t + work / 2,
                EventKind::Priority {
                    priority: format!("P{}", q + 1),
                },
            );
        }
        let resolved = t + work;
        push(&mut events, resolved, EventKind::Resolved);
        let mut last = resolved;
        // A reopen in 5% of tickets.
        if rng.chance(50) {
            let reopened = resolved
                + rng.quantile(&[30, 60, 120, 240, 480, 720, 1440, 2000, 2880, 4320, 7200])
                    * MINUTE;
            push(&mut events, reopened, EventKind::Reopened);
            last = reopened + rng.quantile(&RESOLUTION_MIN[p]) * MINUTE / 2;
            push(&mut events, last, EventKind::Resolved);
        }
        push(&mut events, last + 3 * DAY_MS, EventKind::Closed);
        // Bad events: an exact duplicate, or a second resolution while resolved.
        if config.bad_per_mille > 0 && rng.chance(u64::from(config.bad_per_mille)) {
            if rng.chance(500) {
                let copy = events[events.len() - 2].clone();
                events.push(copy);
            } else {
                push(&mut events, last + 60_000, EventKind::Resolved);
            }
        }
    }
    events.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    events
}

/// Writes events as JSONL (one line each, newline-terminated).
pub fn to_jsonl(events: &[Event]) -> String {
    let mut out = String::with_capacity(events.len() * 120);
    for e in events {
        out.push_str(&e.to_json());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Contract, Ledger, Mode};

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
        let config = SynthConfig {
            tickets: 200,
            seed: 42,
            ..SynthConfig::default()
        };
        let a = to_jsonl(&generate(&config));
        assert_eq!(a, to_jsonl(&generate(&config)));
        assert_ne!(a, to_jsonl(&generate(&SynthConfig { seed: 43, ..config })));
    }

    #[test]
    fn clean_logs_replay_without_rejections_and_have_the_documented_mix() {
        let events = generate(&SynthConfig {
            tickets: 2000,
            seed: 3,
            ..SynthConfig::default()
        });
        let mut ledger = Ledger::new(Mode::Strict);
        ledger
            .add_contract(Contract::from_toml(CONTRACT_TOML).unwrap())
            .unwrap();
        let n = events.len();
        ledger.ingest(events).unwrap();
        let eval = ledger
            .evaluate(Instant::parse("2027-01-01T00:00:00Z").unwrap())
            .unwrap();
        assert_eq!(eval.tickets.len(), 2000);
        assert!(eval.rejected.is_empty());
        assert!((7 * 2000..10 * 2000).contains(&n), "{n} events");
        let p3 = eval
            .tickets
            .iter()
            .filter(|t| t.opened_priority == "P3")
            .count();
        assert!((850..1150).contains(&p3), "{p3} P3 tickets of 2000");
        let breached = eval
            .tickets
            .iter()
            .flat_map(|t| &t.metrics)
            .filter(|m| m.breached_at.is_some())
            .count();
        assert!(breached > 0, "a realistic log has some breaches");
    }

    #[test]
    fn bad_events_are_rejected_in_lenient_mode() {
        let events = generate(&SynthConfig {
            tickets: 1000,
            seed: 5,
            bad_per_mille: 100,
            ..SynthConfig::default()
        });
        let mut ledger = Ledger::new(Mode::Lenient);
        ledger
            .add_contract(Contract::from_toml(CONTRACT_TOML).unwrap())
            .unwrap();
        ledger.ingest(events).unwrap();
        let eval = ledger
            .evaluate(Instant::parse("2027-01-01T00:00:00Z").unwrap())
            .unwrap();
        assert!(
            eval.stats.duplicates > 10 && !eval.rejected.is_empty(),
            "{:?}",
            eval.stats
        );
        assert!(
            eval.rejected.iter().all(|r| r.code == "already_resolved"),
            "{:?}",
            eval.rejected
        );
    }
}
