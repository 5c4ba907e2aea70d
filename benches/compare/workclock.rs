//! slaledger's calendar against the `workclock` crate (issue 8, peer comparisons).
//!
//!   cargo run --release -p slaledger-benches --example compare_workclock -- [N] [--rounds R]
//!       [--seed S] [--check] [--skip-peer] [--dump FILE]
//!
//! One seeded query set (N random ranges in 2026, N short ones, N SLA-sized deadlines, N
//! long deadlines)
//! on a calendar that workclock and Business::Hours can both express: Monday to Friday
//! 09:00-17:00 in America/New_York with twelve holidays. Both engines answer every query in this
//! process; the answers are compared query by query, then each engine is timed, best of
//! R rounds (rounds alternate the engines so that a noisy neighbour hits both).
//!
//! `--check` is the CI smoke test: 2,000 queries, one round, a few rule probes, and exit
//! status 1 if any answer disagrees or a probe stops showing the documented behaviour.
//! `--dump FILE` writes the calendar, the ranges, short ranges and SLA deadlines with slaledger's
//! answers and throughput for `business_hours.pl` (the Business::Hours comparison);
//! `--skip-peer` then leaves workclock out.
//!
//! Every instant and duration is a whole second: Business::Hours counts in seconds, and
//! one query set serves both comparisons.

use jiff::civil::{self, Date};
use jiff::{SignedDuration, Timestamp};
use slaledger::{Calendar, Duration, Instant};
use std::hint::black_box;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant as Clock;
use workclock::{Holidays, Schedule, Weekdays, WorkDay};

const ZONE: &str = "America/New_York";
const OPEN: &str = "09:00";
const CLOSE: &str = "17:00";
/// US federal holidays on 2026's weekdays, and New Year 2027 for deadlines that run past
/// the end of the year.
const HOLIDAYS: [&str; 12] = [
    "2026-01-01",
    "2026-01-19",
    "2026-02-16",
    "2026-05-25",
    "2026-06-19",
    "2026-07-03",
    "2026-09-07",
    "2026-10-12",
    "2026-11-11",
    "2026-11-26",
    "2026-12-25",
    "2027-01-01",
];
/// 2026-01-01T00:00:00Z and the length of 2026, in seconds.
const YEAR_START_S: i64 = 1_767_225_600;
const YEAR_S: i64 = 365 * 86_400;

struct Options {
    n: usize,
    rounds: usize,
    seed: u64,
    check: bool,
    skip_peer: bool,
    dump: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        n: 100_000,
        rounds: 5,
        seed: 0x2545_f491_4f6c_dd1d,
        check: false,
        skip_peer: false,
        dump: None,
    };
    let mut n = None;
    let mut rounds = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--check" => o.check = true,
            "--skip-peer" => o.skip_peer = true,
            "--rounds" => {
                rounds = Some(
                    value("--rounds")?
                        .parse()
                        .map_err(|e| format!("--rounds: {e}"))?,
                )
            }
            "--seed" => {
                o.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--dump" => o.dump = Some(value("--dump")?),
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg}")),
            _ => n = Some(arg.parse().map_err(|e| format!("N: {e}"))?),
        }
    }
    if o.check {
        (o.n, o.rounds) = (2_000, 1);
    }
    o.n = n.unwrap_or(o.n).max(1);
    o.rounds = rounds.unwrap_or(o.rounds).max(1);
    if o.seed == 0 {
        return Err("--seed must not be 0 (xorshift would stay at 0)".into());
    }
    Ok(o)
}

fn slaledger_calendar() -> Calendar {
    let day = format!(r#"["{OPEN}-{CLOSE}"]"#);
    let holidays = HOLIDAYS.map(|d| format!("{d:?}")).join(", ");
    Calendar::from_toml(
        "peer",
        &format!(
            r#"timezone = "{ZONE}"
            mon = {day}
            tue = {day}
            wed = {day}
            thu = {day}
            fri = {day}
            holidays = [{holidays}]"#
        ),
    )
    .expect("the comparison calendar is valid")
}

fn workclock_schedule() -> Schedule {
    let time = |hm: &str| hm.parse::<civil::Time>().expect("valid time");
    let dates = HOLIDAYS.map(|d| d.parse::<Date>().expect("valid date"));
    Schedule::builder()
        .time_zone(ZONE)
        .rule(WorkDay::new(time(OPEN), time(CLOSE), Weekdays::MON_TO_FRI))
        .rule(Holidays::new(dates))
        .build()
        .expect("the comparison schedule is valid")
}

/// One query: a start and either an end or a working duration, in whole seconds.
#[derive(Clone, Copy)]
struct Query {
    a: i64,
    b_or_d: i64,
}

struct QuerySet {
    ranges: Vec<Query>,
    short: Vec<Query>,
    sla: Vec<Query>,
    long: Vec<Query>,
}

/// xorshift64: deterministic, no dependency, good enough to scatter queries.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: i64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as i64
    }
}

/// The query set, the same for every run with the same `n` and `seed`.
fn queries(n: usize, seed: u64) -> QuerySet {
    let mut rng = Rng(seed);
    let ranges: Vec<Query> = (0..n)
        .map(|_| {
            let a = YEAR_START_S + rng.below(YEAR_S);
            let b = YEAR_START_S + rng.below(YEAR_S);
            Query {
                a: a.min(b),
                b_or_d: a.max(b),
            }
        })
        .collect();
    // Short ranges, up to three days: what measuring one SLA clock usually asks (the
    // year-long ones favour an engine whose cost does not grow with the range).
    let short = (0..n)
        .map(|_| {
            let a = YEAR_START_S + rng.below(YEAR_S);
            Query {
                a,
                b_or_d: a + rng.below(3 * 86_400),
            }
        })
        .collect();
    // SLA-sized targets: half of them the round figures contracts use (so that some
    // deadlines use up a window exactly and land on its close), half any second from
    // 15 minutes to 8 hours.
    const ROUND: [i64; 6] = [900, 1800, 3600, 7200, 14_400, 28_800];
    let sla = (0..n)
        .map(|_| Query {
            a: YEAR_START_S + rng.below(YEAR_S),
            b_or_d: if rng.below(2) == 0 {
                ROUND[rng.below(ROUND.len() as i64) as usize]
            } else {
                900 + rng.below(8 * 3600 - 900 + 1)
            },
        })
        .collect();
    // Long targets as in the criterion bench: a quarter of each range's wall time.
    let long = ranges
        .iter()
        .map(|q| Query {
            a: q.a,
            b_or_d: (q.b_or_d - q.a) / 4,
        })
        .collect();
    QuerySet {
        ranges,
        short,
        sla,
        long,
    }
}

fn inst(s: i64) -> Instant {
    Instant::from_millis(s * 1000).expect("in range")
}

fn ts(s: i64) -> Timestamp {
    Timestamp::from_second(s).expect("in range")
}

/// Milliseconds, the unit both engines are compared in (workclock works in nanoseconds;
/// anything finer than a millisecond would be a disagreement of its own).
fn wc_ms(d: SignedDuration) -> Option<i64> {
    (d.subsec_nanos() % 1_000_000 == 0).then(|| d.as_millis() as i64)
}

fn wc_ts_ms(t: Timestamp) -> Option<i64> {
    (t.subsec_nanosecond() % 1_000_000 == 0).then(|| t.as_millisecond())
}

fn local(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| {
            t.in_tz(ZONE)
                .expect("known zone")
                .strftime("%a %F %T %Z")
                .to_string()
        })
        .unwrap_or_else(|_| format!("{ms} ms"))
}

/// The answers of one engine to one kind of query, in milliseconds (`None`: an error,
/// or a value that is not a whole millisecond).
type Answers = Vec<Option<i64>>;

struct Engines {
    ours: Calendar,
    peer: Schedule,
}

impl Engines {
    fn ours_wt(&self, q: &[Query]) -> Answers {
        q.iter()
            .map(|q| {
                self.ours
                    .working_time(inst(q.a), inst(q.b_or_d))
                    .ok()
                    .map(|d| d.as_millis())
            })
            .collect()
    }
    fn ours_add(&self, q: &[Query]) -> Answers {
        q.iter()
            .map(|q| {
                self.ours
                    .add_working_time(inst(q.a), Duration::from_millis(q.b_or_d * 1000))
                    .ok()
                    .map(|t| t.as_millis())
            })
            .collect()
    }
    fn peer_wt(&self, q: &[Query]) -> Answers {
        q.iter()
            .map(|q| wc_ms(self.peer.between(ts(q.a), ts(q.b_or_d))))
            .collect()
    }
    fn peer_add(&self, q: &[Query]) -> Answers {
        q.iter()
            .map(|q| {
                self.peer
                    .add(ts(q.a), SignedDuration::from_secs(q.b_or_d))
                    .ok()
                    .and_then(wc_ts_ms)
            })
            .collect()
    }
}

/// Counts the queries whose answers differ and prints the first few.
fn agreement(what: &str, q: &[Query], ours: &Answers, peer: &Answers, instants: bool) -> usize {
    let mut differ = 0;
    for (i, (o, p)) in ours.iter().zip(peer).enumerate() {
        if o == p {
            continue;
        }
        differ += 1;
        if differ <= 5 {
            let show = |v: &Option<i64>| match (v, instants) {
                (None, _) => "error".to_string(),
                (Some(ms), true) => local(*ms),
                (Some(ms), false) => format!("{ms} ms"),
            };
            println!(
                "  {what} #{i}: from {} {} {}: slaledger {} / workclock {}",
                local(q[i].a * 1000),
                if instants { "plus" } else { "to" },
                if instants {
                    format!("{} s", q[i].b_or_d)
                } else {
                    local(q[i].b_or_d * 1000)
                },
                show(o),
                show(p),
            );
        }
    }
    println!("{what}: {} of {} agree", q.len() - differ, q.len());
    differ
}

/// Best-of-`rounds` wall time of each closure per query, alternating them each round.
fn race(
    rounds: usize,
    n: usize,
    mut ours: impl FnMut() -> i64,
    mut peer: Option<impl FnMut() -> i64>,
) -> (f64, Option<f64>) {
    let (mut best_ours, mut best_peer) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..rounds {
        let t = Clock::now();
        black_box(ours());
        best_ours = best_ours.min(t.elapsed().as_secs_f64());
        if let Some(peer) = peer.as_mut() {
            let t = Clock::now();
            black_box(peer());
            best_peer = best_peer.min(t.elapsed().as_secs_f64());
        }
    }
    (n as f64 / best_ours, peer.map(|_| n as f64 / best_peer))
}

/// Fixed cases where the engines follow different rules on purpose (or agree where a
/// peer might not). Not part of the query set; `--check` insists on the documented
/// outcome so that a new workclock release that changes it is noticed.
fn probes() -> bool {
    println!("rule probes (not in the query set):");
    let mut ok = true;
    let every_day = |window: &str| {
        let (s, e) = window.split_once('-').expect("a window");
        let ours = Calendar::from_toml(
            "probe",
            &format!(
                r#"timezone = "{ZONE}"
                mon = ["{window}"]
                tue = ["{window}"]
                wed = ["{window}"]
                thu = ["{window}"]
                fri = ["{window}"]
                sat = ["{window}"]
                sun = ["{window}"]"#
            ),
        )
        .expect("valid probe calendar");
        let t = |hm: &str| hm.parse::<civil::Time>().expect("valid time");
        let peer = Schedule::builder()
            .time_zone(ZONE)
            .rule(WorkDay::new(t(s), t(e), Weekdays::ALL))
            .build()
            .expect("valid probe schedule");
        (ours, peer)
    };
    // (window, day, slaledger's minutes, workclock's minutes, why)
    let cases = [
        (
            "02:30-04:00",
            "2026-03-08",
            60,
            30,
            "a start in the spring-forward gap: slaledger takes the first instant after the \
             gap (03:00 EDT), workclock (jiff's `compatible`) shifts it by the gap (03:30 EDT)",
        ),
        (
            "02:30-03:30",
            "2026-03-08",
            30,
            0,
            "the same rule: workclock's window is empty",
        ),
        (
            "01:30-02:30",
            "2026-11-01",
            120,
            120,
            "fall back: both take the earlier 01:30",
        ),
        (
            "00:00-04:00",
            "2026-11-01",
            300,
            300,
            "fall back: the 25-hour night, 5 real hours",
        ),
    ];
    for (window, day, want_ours, want_peer, why) in cases {
        let (ours, peer) = every_day(window);
        let from: Timestamp = format!("{day}T00:00:00Z").parse().expect("valid");
        let to = from + SignedDuration::from_hours(24);
        let o = ours
            .working_time(inst(from.as_second()), inst(to.as_second()))
            .expect("in range")
            .as_millis()
            / 60_000;
        let p = peer.between(from, to).as_mins();
        let as_documented = o == want_ours && p == want_peer;
        ok &= as_documented;
        println!(
            "  {window} on {day} ({ZONE}): slaledger {o} min, workclock {p} min{}: {why}",
            if as_documented {
                ""
            } else {
                "  <-- NOT AS DOCUMENTED"
            }
        );
    }
    ok
}

fn dump(path: &str, set: &QuerySet, e: &Engines, rates: &[(&str, f64)]) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        f,
        "# slaledger query set for benches/compare/business_hours.pl; times in epoch seconds"
    )?;
    writeln!(f, "zone\t{ZONE}")?;
    for dow in 1..=5 {
        writeln!(f, "hours\t{dow}\t{OPEN}\t{CLOSE}")?;
    }
    for h in HOLIDAYS {
        writeln!(f, "holiday\t{h}")?;
    }
    for (what, rate) in rates {
        writeln!(f, "slaledger_per_s\t{what}\t{rate:.0}")?;
    }
    // W (or S, short) a b working_seconds end_is_working: Business::Hours counts the end
    // second too.
    let tagged = |tag, q: &[Query]| q.iter().map(move |q| (tag, *q)).collect::<Vec<_>>();
    for (tag, q) in tagged('W', &set.ranges)
        .into_iter()
        .chain(tagged('S', &set.short))
    {
        let wt = e
            .ours
            .working_time(inst(q.a), inst(q.b_or_d))
            .expect("in range")
            .as_millis();
        let end_working = e.ours.is_working(inst(q.b_or_d)).expect("in range");
        writeln!(
            f,
            "{tag}\t{}\t{}\t{}\t{}",
            q.a,
            q.b_or_d,
            wt / 1000,
            u8::from(end_working)
        )?;
    }
    // D a seconds deadline first_working_second_at_or_after_deadline: Business::Hours
    // answers a business second, never the close of a window.
    for q in &set.sla {
        let due = e
            .ours
            .add_working_time(inst(q.a), Duration::from_millis(q.b_or_d * 1000))
            .expect("in range");
        let open = if e.ours.is_working(due).expect("in range") {
            due
        } else {
            e.ours
                .next_change(due)
                .expect("in range")
                .expect("opens again")
        };
        writeln!(
            f,
            "D\t{}\t{}\t{}\t{}",
            q.a,
            q.b_or_d,
            due.as_millis() / 1000,
            open.as_millis() / 1000
        )?;
    }
    f.flush()
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("compare_workclock: {e}");
            return ExitCode::from(2);
        }
    };
    let e = Engines {
        ours: slaledger_calendar(),
        peer: workclock_schedule(),
    };
    let set = queries(o.n, o.seed);
    // slaledger compiles a year on its first query; do that before any timing.
    black_box(
        e.ours
            .working_time(inst(YEAR_START_S - 86_400), inst(YEAR_START_S + 2 * YEAR_S))
            .ok(),
    );

    println!(
        "calendar: Mon-Fri {OPEN}-{CLOSE} {ZONE}, {} holidays; {} queries of each kind, seed {:#x}, best of {} round(s)",
        HOLIDAYS.len(),
        o.n,
        o.seed,
        o.rounds
    );
    let mut failed = false;
    if !o.skip_peer {
        let d_wt = agreement(
            "working_time vs between",
            &set.ranges,
            &e.ours_wt(&set.ranges),
            &e.peer_wt(&set.ranges),
            false,
        );
        let d_short = agreement(
            "working_time vs between, short ranges (up to 3 days)",
            &set.short,
            &e.ours_wt(&set.short),
            &e.peer_wt(&set.short),
            false,
        );
        let d_sla = agreement(
            "add_working_time vs add, SLA targets (15m-8h)",
            &set.sla,
            &e.ours_add(&set.sla),
            &e.peer_add(&set.sla),
            true,
        );
        let d_long = agreement(
            "add_working_time vs add, long targets (range/4)",
            &set.long,
            &e.ours_add(&set.long),
            &e.peer_add(&set.long),
            true,
        );
        failed |= d_wt + d_short + d_sla + d_long > 0;
        failed |= !probes();
    }

    let peer = (!o.skip_peer).then_some(&e.peer);
    let between = |q: &[Query]| {
        race(
            o.rounds,
            o.n,
            || {
                q.iter()
                    .map(|q| {
                        e.ours
                            .working_time(inst(q.a), inst(q.b_or_d))
                            .expect("in range")
                            .as_millis()
                    })
                    .sum()
            },
            peer.map(|p| {
                || {
                    q.iter()
                        .map(|q| p.between(ts(q.a), ts(q.b_or_d)).as_millis() as i64)
                        .sum()
                }
            }),
        )
    };
    let wt = between(&set.ranges);
    let short = between(&set.short);
    let add = |q: &[Query]| {
        race(
            o.rounds,
            o.n,
            || {
                q.iter().fold(0, |x, q| {
                    x ^ e
                        .ours
                        .add_working_time(inst(q.a), Duration::from_millis(q.b_or_d * 1000))
                        .expect("in range")
                        .as_millis()
                })
            },
            peer.map(|p| {
                || {
                    q.iter().fold(0, |x, q| {
                        x ^ p
                            .add(ts(q.a), SignedDuration::from_secs(q.b_or_d))
                            .expect("in range")
                            .as_millisecond()
                    })
                }
            }),
        )
    };
    let sla = add(&set.sla);
    let long = add(&set.long);

    println!();
    println!("| query | slaledger | workclock | slaledger / workclock |");
    println!("|---|---|---|---|");
    let rows = [
        ("working_time / between, random ranges in 2026", wt),
        ("working_time / between, short ranges (up to 3 days)", short),
        ("add_working_time / add, SLA targets 15m-8h", sla),
        ("add_working_time / add, long targets (range/4)", long),
    ];
    for (what, (ours, peer)) in rows {
        match peer {
            Some(p) => println!(
                "| {what} | {:.2} M/s | {:.3} M/s | {:.1}x |",
                ours / 1e6,
                p / 1e6,
                ours / p
            ),
            None => println!("| {what} | {:.2} M/s | (skipped) | |", ours / 1e6),
        }
    }

    if let Some(path) = &o.dump {
        let rates = [
            ("working_time", wt.0),
            ("working_time_short", short.0),
            ("deadline_sla", sla.0),
        ];
        if let Err(err) = dump(path, &set, &e, &rates) {
            eprintln!("compare_workclock: writing {path}: {err}");
            return ExitCode::from(2);
        }
        println!("\nwrote {path}");
    }
    if failed {
        println!("\nFAILED: answers or rule probes differ from what is documented");
        return ExitCode::FAILURE;
    }
    if !o.skip_peer {
        println!("\nall answers agree; rule probes as documented");
    }
    ExitCode::SUCCESS
}
