//! Shared helpers for the calendar test suites: parsing shortcuts, the random business
//! calendars of the property tests, and the UTC offset transitions of the test zones.
//!
//! Nothing here converts local wall time to instants: the oracle does that itself by
//! scanning UTC (see `calendar_oracle.rs`), and the law tests never need it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Days, NaiveDate, Offset, TimeZone, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;
use slaledger::{Calendar, Duration, Instant};

/// The zones of the random calendars: whole-hour, half-hour (Kolkata, Lord Howe's 30-minute
/// DST), midnight transitions (Sao Paulo until 2019) and a skipped day (Apia 2011-12-30).
pub const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Apia",
    "Europe/Berlin",
    "America/Sao_Paulo",
    "UTC",
];

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 86_400_000;

/// The number of property-test cases: `default`, or `PROPTEST_CASES` when it is set.
pub fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Parses an RFC 3339 timestamp with an offset, panicking on bad test input.
pub fn t(text: &str) -> Instant {
    Instant::parse(text).unwrap_or_else(|e| panic!("bad test timestamp {text:?}: {e}"))
}

/// An instant from UTC milliseconds, panicking when out of range.
pub fn at(ms: i64) -> Instant {
    Instant::from_millis(ms).unwrap()
}

pub fn mins(m: i64) -> Duration {
    Duration::from_mins(m)
}

pub fn hours(h: i64) -> Duration {
    Duration::from_hours(h)
}

pub fn hm(h: i64, m: i64) -> Duration {
    Duration::from_mins(h * 60 + m)
}

/// Builds a calendar from TOML, panicking with the error on failure.
pub fn cal(toml: &str) -> Calendar {
    Calendar::from_toml("test", toml).unwrap_or_else(|e| panic!("{e}\n{toml}"))
}

pub fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A working window in local wall time: seconds after the midnight starting its date.
/// `end <= start` is an overnight window; `end == 86400` is written `24:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Win {
    pub start: u32,
    pub end: u32,
}

impl Win {
    /// The window's end in seconds after the midnight starting its date (past 86400 for an
    /// overnight window).
    pub fn end_after_start(self) -> u32 {
        if self.end <= self.start {
            self.end + 86_400
        } else {
            self.end
        }
    }

    pub fn wall_secs(self) -> u32 {
        self.end_after_start() - self.start
    }

    pub fn text(self) -> String {
        format!("{}-{}", clock(self.start), clock(self.end))
    }
}

fn clock(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// A random business calendar in structured form, convertible to the TOML of SPEC §3.
#[derive(Debug, Clone, Default)]
pub struct GenCal {
    pub zone: &'static str,
    pub week: [Vec<Win>; 7],
    pub holidays: Vec<NaiveDate>,
    pub exceptions: Vec<(NaiveDate, Vec<Win>)>,
    /// `holiday_rules`.
    pub rules: Vec<GenRule>,
    /// All-day events of a `holiday_ics` text.
    pub ics_dates: Vec<NaiveDate>,
    /// Timed events of a `holiday_ics` text: closed periods, UTC milliseconds.
    pub ics_periods: Vec<(i64, i64)>,
}

/// How a holiday rule of a random calendar names its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenDate {
    Fixed(u32, u32),
    Nth(u32, Weekday, i8),
    Easter(i64),
    /// A fixed day with `observed = true`: Saturday also closes Friday, Sunday Monday.
    Observed(u32, u32),
}

/// A holiday rule of a random calendar.
#[derive(Debug, Clone)]
pub struct GenRule {
    pub date: GenDate,
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    /// A partial day.
    pub hours: Option<Vec<Win>>,
}

const WEEKDAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl GenRule {
    pub fn toml(&self) -> String {
        let mut parts = Vec::new();
        match self.date {
            GenDate::Fixed(m, d) => parts.push(format!("fixed = \"{m:02}-{d:02}\"")),
            GenDate::Observed(m, d) => {
                parts.push(format!("fixed = \"{m:02}-{d:02}\""));
                parts.push("observed = true".into());
            }
            GenDate::Nth(m, wd, n) => {
                let key = WEEKDAY_KEYS[wd.num_days_from_monday() as usize];
                parts.push(format!("month = {m}, weekday = \"{key}\", nth = {n}"));
            }
            GenDate::Easter(k) => parts.push(format!("easter = {k}")),
        }
        if let Some(y) = self.from_year {
            parts.push(format!("from_year = {y}"));
        }
        if let Some(y) = self.to_year {
            parts.push(format!("to_year = {y}"));
        }
        if let Some(hours) = &self.hours {
            let list: Vec<String> = hours.iter().map(|w| format!("{:?}", w.text())).collect();
            parts.push(format!("hours = [{}]", list.join(", ")));
        }
        format!("{{ {} }}", parts.join(", "))
    }

    /// The dates this rule names for rule year `year`, worked out without the engine:
    /// by scanning the month for n-th weekdays, and from a table of Easter Sundays.
    pub fn dates(&self, year: i32) -> Vec<NaiveDate> {
        if self.from_year.is_some_and(|y| year < y) || self.to_year.is_some_and(|y| year > y) {
            return vec![];
        }
        match self.date {
            GenDate::Fixed(m, d) => NaiveDate::from_ymd_opt(year, m, d).into_iter().collect(),
            GenDate::Observed(m, d) => match NaiveDate::from_ymd_opt(year, m, d) {
                None => vec![],
                Some(x) if x.weekday() == Weekday::Sat => vec![x, add_days(x, -1)],
                Some(x) if x.weekday() == Weekday::Sun => vec![x, add_days(x, 1)],
                Some(x) => vec![x],
            },
            GenDate::Nth(m, wd, n) => {
                let days: Vec<NaiveDate> = (1..=31)
                    .filter_map(|d| NaiveDate::from_ymd_opt(year, m, d))
                    .filter(|d| d.weekday() == wd)
                    .collect();
                let i = if n > 0 {
                    n as i64 - 1
                } else {
                    days.len() as i64 + n as i64
                };
                usize::try_from(i)
                    .ok()
                    .and_then(|i| days.get(i))
                    .copied()
                    .into_iter()
                    .collect()
            }
            GenDate::Easter(k) => vec![add_days(easter_from_table(year), k)],
        }
    }
}

/// Easter Sunday 2008-2032, from published tables (not computed).
pub fn easter_from_table(year: i32) -> NaiveDate {
    const TABLE: [(i32, u32, u32); 25] = [
        (2008, 3, 23),
        (2009, 4, 12),
        (2010, 4, 4),
        (2011, 4, 24),
        (2012, 4, 8),
        (2013, 3, 31),
        (2014, 4, 20),
        (2015, 4, 5),
        (2016, 3, 27),
        (2017, 4, 16),
        (2018, 4, 1),
        (2019, 4, 21),
        (2020, 4, 12),
        (2021, 4, 4),
        (2022, 4, 17),
        (2023, 4, 9),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2027, 3, 28),
        (2028, 4, 16),
        (2029, 4, 1),
        (2030, 4, 21),
        (2031, 4, 13),
        (2032, 3, 28),
    ];
    let &(_, m, d) = TABLE
        .iter()
        .find(|(y, _, _)| *y == year)
        .unwrap_or_else(|| panic!("no Easter for {year} in the test table"));
    NaiveDate::from_ymd_opt(year, m, d).unwrap()
}

/// What the holiday rules and iCalendar all-day events of a calendar make of local dates:
/// the dates they close, and the partial days (a union of windows when several rules
/// name the date).
#[derive(Debug, Default)]
pub struct RuleDays {
    pub closed: BTreeSet<NaiveDate>,
    pub partial: BTreeMap<NaiveDate, Vec<Win>>,
}

impl GenCal {
    pub fn tz(&self) -> Tz {
        self.zone.parse().unwrap()
    }

    pub fn toml(&self) -> String {
        let mut out = format!("timezone = {:?}\n", self.zone);
        for (key, windows) in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .zip(&self.week)
        {
            let list: Vec<String> = windows.iter().map(|w| format!("{:?}", w.text())).collect();
            writeln!(out, "{key} = [{}]", list.join(", ")).unwrap();
        }
        let holidays: Vec<String> = self.holidays.iter().map(|d| format!("\"{d}\"")).collect();
        writeln!(out, "holidays = [{}]", holidays.join(", ")).unwrap();
        out.push_str("exceptions = [");
        for (i, (d, windows)) in self.exceptions.iter().enumerate() {
            let list: Vec<String> = windows.iter().map(|w| format!("{:?}", w.text())).collect();
            if i > 0 {
                out.push_str(", ");
            }
            write!(out, "{{ date = \"{d}\", hours = [{}] }}", list.join(", ")).unwrap();
        }
        out.push_str("]\n");
        if !self.rules.is_empty() {
            let list: Vec<String> = self.rules.iter().map(GenRule::toml).collect();
            writeln!(out, "holiday_rules = [{}]", list.join(", ")).unwrap();
        }
        if !self.ics_dates.is_empty() || !self.ics_periods.is_empty() {
            writeln!(out, "holiday_ics = '''\n{}'''", self.ics()).unwrap();
        }
        out
    }

    pub fn build(&self) -> Calendar {
        cal(&self.toml())
    }

    /// The rule dates of the rule years `from..=to` (a date observed in the year before
    /// its rule's year is included when its rule year is).
    pub fn rule_days(&self, from: i32, to: i32) -> RuleDays {
        let mut out = RuleDays::default();
        for year in from..=to {
            for rule in &self.rules {
                for d in rule.dates(year) {
                    match &rule.hours {
                        Some(w) => out.partial.entry(d).or_default().extend(w.iter().copied()),
                        None => {
                            out.closed.insert(d);
                        }
                    }
                }
            }
        }
        out.closed.extend(self.ics_dates.iter().copied());
        out
    }

    /// The `holiday_ics` text of the calendar's iCalendar events (timed ones in UTC).
    pub fn ics(&self) -> String {
        let mut out =
            String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slaledger//tests//EN\r\n");
        for (i, d) in self.ics_dates.iter().enumerate() {
            write!(
                out,
                "BEGIN:VEVENT\r\nUID:day-{i}\r\nDTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}\r\nSUMMARY:Closed\r\nEND:VEVENT\r\n",
                d.format("%Y%m%d"),
                add_days(*d, 1).format("%Y%m%d")
            )
            .unwrap();
        }
        let utc = |ms: i64| {
            DateTime::from_timestamp_millis(ms)
                .unwrap()
                .format("%Y%m%dT%H%M%SZ")
                .to_string()
        };
        for (i, (s, e)) in self.ics_periods.iter().enumerate() {
            write!(
                out,
                "BEGIN:VEVENT\r\nUID:period-{i}\r\nDTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Maintenance\r\nEND:VEVENT\r\n",
                utc(*s),
                utc(*e)
            )
            .unwrap();
        }
        out.push_str("END:VCALENDAR\r\n");
        out
    }
}

/// A random calendar and the instant its interesting dates were chosen around.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub cal: GenCal,
    /// UTC milliseconds: an offset transition of the zone, or a random instant 2010..2030.
    pub anchor: i64,
}

/// The instants (UTC ms) at which `tz` changes its UTC offset in `[from, to)` years.
pub fn transitions(tz: Tz, from_year: i32, to_year: i32) -> Vec<i64> {
    const STEP: i64 = 6 * HOUR_MS;
    let offset_at = |ms: i64| {
        let utc = DateTime::from_timestamp_millis(ms).unwrap().naive_utc();
        tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()
    };
    let start = NaiveDate::from_ymd_opt(from_year, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let end = NaiveDate::from_ymd_opt(to_year, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let mut out = Vec::new();
    let mut ms = start;
    let mut off = offset_at(ms);
    while ms < end {
        let next = ms + STEP;
        let next_off = offset_at(next);
        if next_off != off {
            // The earliest instant with the new offset, to the millisecond.
            let (mut lo, mut hi) = (ms, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(mid) == off {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(hi);
            off = next_off;
        }
        ms = next;
    }
    out
}

/// The transitions of each zone of [`ZONES`] in 2009..2031, computed once.
pub fn zone_transitions(zone: &str) -> &'static [i64] {
    static CACHE: OnceLock<HashMap<&'static str, Vec<i64>>> = OnceLock::new();
    let map = CACHE.get_or_init(|| {
        ZONES
            .iter()
            .map(|z| (*z, transitions(z.parse().unwrap(), 2009, 2031)))
            .collect()
    });
    &map[zone]
}

/// The local date of UTC milliseconds `ms` in `tz`.
pub fn local_date(tz: Tz, ms: i64) -> NaiveDate {
    let utc = DateTime::from_timestamp_millis(ms).unwrap().naive_utc();
    tz.from_utc_datetime(&utc).date_naive()
}

pub fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap()
    } else {
        d.checked_sub_days(Days::new((-n) as u64)).unwrap()
    }
}

/// 2010-01-01T00:00:00Z and 2031-01-01T00:00:00Z in milliseconds.
pub const RANGE_START: i64 = 1_262_304_000_000;
pub const RANGE_END: i64 = 1_924_992_000_000;

/// Anchors: an offset transition of the zone (DST, Apia's skipped day), any instant of
/// 2010..2030, or a UTC new year. With `minute_only` the random instant is a whole minute.
pub fn arb_anchor(zone: &'static str, minute_only: bool) -> BoxedStrategy<i64> {
    let random = if minute_only {
        (RANGE_START / MINUTE_MS..RANGE_END / MINUTE_MS)
            .prop_map(|m| m * MINUTE_MS)
            .boxed()
    } else {
        (RANGE_START..RANGE_END).boxed()
    };
    let list: Vec<i64> = zone_transitions(zone)
        .iter()
        .copied()
        .filter(|ms| (RANGE_START..RANGE_END).contains(ms))
        .collect();
    // UTC new year: the engine compiles calendars per UTC year and splits spans there.
    let new_year = (2010..2031)
        .prop_map(|y| {
            NaiveDate::from_ymd_opt(y, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis()
        })
        .boxed();
    if list.is_empty() {
        prop_oneof![3 => random, 1 => new_year].boxed()
    } else {
        prop_oneof![6 => proptest::sample::select(list), 2 => random, 1 => new_year].boxed()
    }
}

/// A window: one of the interesting fixed ones, or random (whole minutes, or with seconds).
pub fn arb_window(minute_only: bool) -> BoxedStrategy<Win> {
    let fixed = proptest::sample::select(vec![
        (8 * 3600, 17 * 3600),
        (9 * 3600, 17 * 3600 + 1800),
        (22 * 3600, 6 * 3600),
        (0, 86_400),
        (0, 4 * 3600),
        (3600 + 1800, 2 * 3600 + 1800),
        (2 * 3600 + 1800, 3 * 3600 + 1800),
        (23 * 3600, 3600),
        (2 * 3600, 3 * 3600),
        (12 * 3600, 12 * 3600 + 1800),
        (18 * 3600, 0),
    ])
    .prop_map(|(start, end)| Win { start, end });
    let seconds = if minute_only { 0..1u32 } else { 0..60u32 };
    let random = (0..1440u32, 0..=1440u32, seconds.clone(), seconds).prop_map(|(s, e, ss, es)| {
        let start = s * 60 + ss;
        let end = if e == 1440 { 86_400 } else { e * 60 + es };
        let end = if end == start {
            (end + 3600) % 86_400
        } else {
            end
        };
        Win { start, end }
    });
    prop_oneof![1 => fixed, 2 => random].boxed()
}

fn arb_day(minute_only: bool) -> BoxedStrategy<Vec<Win>> {
    prop_oneof![
        1 => Just(Vec::new()),
        3 => proptest::collection::vec(arb_window(minute_only), 1..=3),
    ]
    .boxed()
}

/// A random holiday rule (before its date is known): the kind, the day offset from the
/// anchor's local date, counting the weekday from the end, the year bounds, and hours.
type RawRule = (u8, i64, bool, u8, Option<Vec<Win>>);

fn arb_rule(minute_only: bool) -> BoxedStrategy<RawRule> {
    (
        0u8..4,
        -4i64..=4,
        any::<bool>(),
        0u8..6,
        prop_oneof![
            3 => Just(None),
            1 => proptest::collection::vec(arb_window(minute_only), 0..3).prop_map(Some),
        ],
    )
        .boxed()
}

/// A rule naming the date `base + offset` in one of four ways, bounded by years around
/// it (sometimes excluding it), maybe a partial day (never with `observed`).
fn make_rule(base: NaiveDate, (kind, offset, from_end, bounds, hours): RawRule) -> GenRule {
    let d = add_days(base, offset);
    let date = match kind {
        0 => GenDate::Fixed(d.month(), d.day()),
        1 => {
            let nth = if from_end {
                let days_left = (1..=31)
                    .filter_map(|x| NaiveDate::from_ymd_opt(d.year(), d.month(), x))
                    .filter(|x| x.weekday() == d.weekday() && *x > d)
                    .count();
                -(days_left as i8) - 1
            } else {
                ((d.day() - 1) / 7 + 1) as i8
            };
            GenDate::Nth(d.month(), d.weekday(), nth)
        }
        2 => GenDate::Easter((d - easter_from_table(d.year())).num_days()),
        _ => GenDate::Observed(d.month(), d.day()),
    };
    let y = d.year();
    let (from_year, to_year) = match bounds {
        0 | 1 => (None, None),
        2 => (Some(y), None),
        3 => (None, Some(y)),
        4 => (Some(y + 1), None), // excludes the year of `d`
        _ => (Some(y - 1), Some(y - 1)),
    };
    let hours = if matches!(date, GenDate::Observed(..)) {
        None
    } else {
        hours
    };
    GenRule {
        date,
        from_year,
        to_year,
        hours,
    }
}

/// A random business calendar in a random zone, with holidays, exceptions, holiday rules
/// and iCalendar events within four days of the anchor (so they fall on and around DST
/// days), and the anchor.
pub fn arb_scenario(minute_only: bool) -> BoxedStrategy<Scenario> {
    proptest::sample::select(ZONES)
        .prop_flat_map(move |zone| (Just(zone), arb_anchor(zone, minute_only)))
        .prop_flat_map(move |(zone, anchor)| {
            (
                Just(zone),
                Just(anchor),
                proptest::array::uniform7(arb_day(minute_only)),
                proptest::collection::vec(-4i64..=4, 0..4),
                proptest::collection::vec(
                    (
                        -4i64..=4,
                        proptest::collection::vec(arb_window(minute_only), 0..3),
                    ),
                    0..3,
                ),
                proptest::collection::vec(arb_rule(minute_only), 0..3),
                proptest::collection::vec(-4i64..=4, 0..2),
                proptest::collection::vec((-3 * 1440i64..1440, 1i64..600), 0..2),
            )
        })
        .prop_map(
            |(zone, anchor, mut week, holiday_days, exception_days, rules, ics_days, periods)| {
                let tz: Tz = zone.parse().unwrap();
                let base = local_date(tz, anchor);
                // Enough weekly working time that deadlines a few days out stay near the anchor.
                let weekly: u32 = week.iter().flatten().map(|w| w.wall_secs()).sum();
                if weekly < 2 * 3600 {
                    week[0].push(Win {
                        start: 9 * 3600,
                        end: 17 * 3600,
                    });
                }
                let mut holidays: Vec<NaiveDate> =
                    holiday_days.iter().map(|&n| add_days(base, n)).collect();
                holidays.sort();
                holidays.dedup();
                let mut exceptions: Vec<(NaiveDate, Vec<Win>)> = Vec::new();
                for (n, windows) in exception_days {
                    let d = add_days(base, n);
                    if exceptions.iter().all(|(e, _)| *e != d) {
                        exceptions.push((d, windows));
                    }
                }
                let rules = rules.into_iter().map(|r| make_rule(base, r)).collect();
                let ics_dates = ics_days.iter().map(|&n| add_days(base, n)).collect();
                // Closed periods on whole minutes (iCalendar times are whole seconds).
                let minute = anchor / MINUTE_MS * MINUTE_MS;
                let ics_periods = periods
                    .iter()
                    .map(|&(start, len)| {
                        let s = minute + start * MINUTE_MS;
                        (s, s + len * MINUTE_MS)
                    })
                    .collect();
                Scenario {
                    cal: GenCal {
                        zone,
                        week,
                        holidays,
                        exceptions,
                        rules,
                        ics_dates,
                        ics_periods,
                    },
                    anchor,
                }
            },
        )
        .boxed()
}
