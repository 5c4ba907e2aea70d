//! An independent brute-force oracle for business calendars (SPEC §3), compared with the
//! engine minute by minute.
//!
//! The oracle shares nothing with the engine's local-to-instant conversion. It only asks
//! chrono-tz for the local wall time of each UTC minute (the unambiguous direction), and
//! implements the SPEC mapping itself by scanning UTC:
//! - a local wall time `w` maps to the earliest UTC minute whose local wall time is `w`
//!   (the earlier occurrence when clocks go back);
//! - if no minute has it (clocks go forward), to the first minute whose local wall time is
//!   later than `w`: the first instant after the gap.
//!
//! Windows start on their date and run into the next day when `end <= start`; a holiday
//! removes every minute whose LOCAL DATE is the holiday (also the spill of the previous
//! day's overnight window, while the part of the holiday's own windows past midnight
//! still counts); an exception replaces the windows starting on its date, and an
//! exception on a holiday date wins (the date is no longer a holiday).
//!
//! Holiday rules and iCalendar all-day events are dates like any holiday: the oracle
//! works their dates out on its own (`GenRule::dates` scans months and reads a table of
//! Easter Sundays) and then treats them exactly as listed holidays, except that a listed
//! holiday wins over a rule's partial day (`hours`, which acts as an exception), which
//! wins over a rule's closure. iCalendar timed events are closed periods: their minutes
//! are never working.
//!
//! Windows, offsets and transitions are whole minutes in every zone and year tested, so
//! stepping minute by minute is exact.

mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use common::*;
use proptest::prelude::*;
use slaledger::Calendar;

/// UTC minutes since the epoch.
type Minute = i64;

struct Oracle {
    base: Minute,
    /// Local wall time of each minute from `base`.
    local: Vec<NaiveDateTime>,
    /// Working or not, for each minute from `base` (only `[from, to)` is filled in).
    working: Vec<bool>,
    from: Minute,
    to: Minute,
}

fn utc_of_minute(m: Minute) -> NaiveDateTime {
    DateTime::from_timestamp(m * 60, 0).unwrap().naive_utc()
}

impl Oracle {
    /// Works out which minutes of `[from, to)` are working time on `cal`.
    fn new(cal: &GenCal, from: Minute, to: Minute) -> Oracle {
        assert!(from <= to);
        let tz: Tz = cal.tz();
        // Six days of margin either side: every window reaching [from, to) starts at most
        // two local dates before it, and the mapping scans 30 hours either side.
        let base = from - 6 * 1440;
        let end = to + 6 * 1440;
        let local: Vec<NaiveDateTime> = (base..end)
            .map(|m| tz.from_utc_datetime(&utc_of_minute(m)).naive_local())
            .collect();

        // SPEC §3 mapping of a local wall time to an instant, by scanning UTC minutes.
        let map = |w: NaiveDateTime| -> Minute {
            let center = w.and_utc().timestamp() / 60 - base;
            let lo = (center - 30 * 60).max(0) as usize;
            let hi = ((center + 30 * 60) as usize).min(local.len());
            if let Some(i) = (lo..hi).find(|&i| local[i] == w) {
                return base + i as Minute;
            }
            let i = (lo..hi)
                .find(|&i| local[i] > w)
                .unwrap_or_else(|| panic!("no minute at or after {w} in the scan"));
            base + i as Minute
        };

        let holidays: BTreeSet<NaiveDate> = cal.holidays.iter().copied().collect();
        let exception = |d: NaiveDate| cal.exceptions.iter().find(|(e, _)| *e == d);
        let first_year = local[0].date().year() - 1;
        let last_year = local[local.len() - 1].date().year() + 1;
        let rules = cal.rule_days(first_year, last_year);
        // The windows starting on a date, and whether the date is closed: an exception,
        // then a listed holiday, then a rule's partial day, then a rule's closure.
        let day = |d: NaiveDate| -> (&[Win], bool) {
            let weekly = &cal.week[d.weekday().num_days_from_monday() as usize];
            if let Some((_, windows)) = exception(d) {
                (windows, false)
            } else if holidays.contains(&d) {
                (weekly, true)
            } else if let Some(windows) = rules.partial.get(&d) {
                (windows, false)
            } else {
                (weekly, rules.closed.contains(&d))
            }
        };
        let closed = |d: NaiveDate| day(d).1;
        let in_closed_period = |m: Minute| {
            cal.ics_periods
                .iter()
                .any(|&(s, e)| s <= m * MINUTE_MS && m * MINUTE_MS < e)
        };

        // Every window starting on a date that can reach [from, to).
        let first_date = add_days(local[(from - base) as usize].date(), -2);
        let last_date = local[(to - base) as usize].date();
        let mut intervals: Vec<(Minute, Minute)> = Vec::new();
        let mut d = first_date;
        while d <= last_date {
            let windows = day(d).0;
            let midnight = d.and_hms_opt(0, 0, 0).unwrap();
            for w in windows {
                let s = map(midnight + chrono::Duration::seconds(i64::from(w.start)));
                let e = map(midnight + chrono::Duration::seconds(i64::from(w.end_after_start())));
                intervals.push((s, e));
            }
            d = d.succ_opt().unwrap();
        }

        let mut working = vec![false; local.len()];
        for m in from..to {
            let i = (m - base) as usize;
            working[i] = !closed(local[i].date())
                && !in_closed_period(m)
                && intervals.iter().any(|&(s, e)| s <= m && m < e);
        }
        Oracle {
            base,
            local,
            working,
            from,
            to,
        }
    }

    fn is_working(&self, m: Minute) -> bool {
        assert!((self.from..self.to).contains(&m));
        self.working[(m - self.base) as usize]
    }

    fn working_ms(&self, a: Minute, b: Minute) -> i64 {
        (a..b).filter(|&m| self.is_working(m)).count() as i64 * MINUTE_MS
    }

    fn local(&self, m: Minute) -> NaiveDateTime {
        self.local[(m - self.base) as usize]
    }

    /// Compares the engine with the oracle on every minute of the range, on the working
    /// time of the whole range and of `cuts` sub-ranges, and on `next_change`.
    fn check(&self, cal: &GenCal, engine: &Calendar, cuts: &[(f64, f64)]) -> Result<(), String> {
        let inst = |m: Minute| at(m * MINUTE_MS);
        let mut wrong = Vec::new();
        for m in self.from..self.to {
            let e = engine.is_working(inst(m)).unwrap();
            if e != self.is_working(m) && wrong.len() < 5 {
                wrong.push(format!(
                    "{} (local {}): engine {e}, oracle {}",
                    inst(m),
                    self.local(m),
                    self.is_working(m)
                ));
            }
        }
        if !wrong.is_empty() {
            return Err(format!(
                "is_working differs:\n  {}\n{}",
                wrong.join("\n  "),
                cal.toml()
            ));
        }
        let span = (self.to - self.from) as f64;
        let mut ranges = vec![(self.from, self.to)];
        for &(x, y) in cuts {
            let a = self.from + (span * x.min(y)) as Minute;
            let b = self.from + (span * x.max(y)) as Minute;
            ranges.push((a, b));
        }
        for (a, b) in ranges {
            let got = engine.working_time(inst(a), inst(b)).unwrap().as_millis();
            let want = self.working_ms(a, b);
            if got != want {
                return Err(format!(
                    "working_time({}, {}) = {got} ms, oracle {want} ms\n{}",
                    inst(a),
                    inst(b),
                    cal.toml()
                ));
            }
            // The next change after `a`, when the oracle sees one inside the range.
            if a >= self.to {
                continue;
            }
            let state = self.is_working(a);
            if let Some(flip) = (a..self.to).find(|&m| self.is_working(m) != state) {
                let got = engine.next_change(inst(a)).unwrap();
                if got != Some(inst(flip)) {
                    return Err(format!(
                        "next_change({}) = {got:?}, oracle {}\n{}",
                        inst(a),
                        inst(flip),
                        cal.toml()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Runs the comparison for `cal` on `[from, to)` (RFC 3339 instants on whole minutes).
fn compare(cal: &GenCal, from: &str, to: &str) {
    let (a, b) = (t(from).as_millis(), t(to).as_millis());
    assert!(a % MINUTE_MS == 0 && b % MINUTE_MS == 0);
    let oracle = Oracle::new(cal, a / MINUTE_MS, b / MINUTE_MS);
    let cuts = [(0.1, 0.6), (0.25, 0.3), (0.5, 0.9), (0.0, 0.45)];
    if let Err(msg) = oracle.check(cal, &cal.build(), &cuts) {
        panic!("[{from}, {to}): {msg}");
    }
}

/// `"22:00-06:00"` as a [`Win`].
fn w(text: &str) -> Win {
    let (s, e) = text.split_once('-').unwrap();
    let secs = |c: &str| {
        let (h, m) = c.split_once(':').unwrap();
        h.parse::<u32>().unwrap() * 3600 + m.parse::<u32>().unwrap() * 60
    };
    Win {
        start: secs(s),
        end: secs(e),
    }
}

fn ws(texts: &[&str]) -> Vec<Win> {
    texts.iter().map(|t| w(t)).collect()
}

/// A calendar with the same windows every day of the week.
fn every_day(zone: &'static str, windows: &[&str]) -> GenCal {
    GenCal {
        zone,
        week: std::array::from_fn(|_| ws(windows)),
        ..GenCal::default()
    }
}

fn with_holidays(mut cal: GenCal, dates: &[&str]) -> GenCal {
    cal.holidays = dates.iter().map(|d| date(d)).collect();
    cal
}

fn with_exception(mut cal: GenCal, day: &str, windows: &[&str]) -> GenCal {
    cal.exceptions.push((date(day), ws(windows)));
    cal
}

// ---------------------------------------------------------------------------------------
// Fixed cases: every DST shape of the test zones, with the windows the SPEC names.
// ---------------------------------------------------------------------------------------

const NIGHT: &[&str] = &["00:00-04:00", "01:30-02:30", "02:30-03:30", "22:00-06:00"];

#[test]
fn oracle_new_york_both_dst_nights() {
    for windows in [
        &["00:00-04:00"][..],
        &["01:30-02:30"],
        &["02:30-03:30"],
        &["22:00-06:00"],
        &["01:59-02:01", "08:00-17:00"],
        NIGHT,
    ] {
        let cal = every_day("America/New_York", windows);
        compare(&cal, "2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z");
        compare(&cal, "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z");
    }
}

#[test]
fn oracle_london_and_berlin_both_dst_nights() {
    for zone in ["Europe/London", "Europe/Berlin"] {
        for windows in [
            &["00:00-04:00"][..],
            &["00:30-03:30"],
            &["01:30-02:30"],
            &["02:30-03:30"],
            NIGHT,
        ] {
            let cal = every_day(zone, windows);
            compare(&cal, "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z");
            compare(&cal, "2026-10-23T00:00:00Z", "2026-10-27T00:00:00Z");
        }
    }
}

#[test]
fn oracle_lord_howe_half_hour_dst() {
    // Lord Howe: +11 in summer, +10:30 in winter; changes at 02:00 local.
    for windows in [
        &["01:00-03:00"][..],
        &["01:45-02:15"],
        &["02:00-02:30"],
        &["23:00-02:30"],
        NIGHT,
    ] {
        let cal = every_day("Australia/Lord_Howe", windows);
        compare(&cal, "2026-04-03T12:00:00Z", "2026-04-06T12:00:00Z");
        compare(&cal, "2026-10-02T12:00:00Z", "2026-10-05T12:00:00Z");
    }
}

#[test]
fn oracle_kolkata_half_hour_offset() {
    let cal = every_day(
        "Asia/Kolkata",
        &["09:30-18:30", "23:45-00:15", "05:00-05:30"],
    );
    compare(&cal, "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z");
    let cal = with_holidays(cal, &["2026-01-02"]);
    compare(&cal, "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z");
}

#[test]
fn oracle_apia_skipped_day() {
    // Apia skipped Friday 2011-12-30: 2011-12-29 23:59:59 -10:00 was followed by
    // 2011-12-31 00:00:00 +14:00.
    for windows in [
        &["08:00-17:00"][..],
        &["22:00-06:00"],
        &["00:00-24:00"],
        &["23:00-01:00", "12:00-13:00"],
    ] {
        let cal = every_day("Pacific/Apia", windows);
        compare(&cal, "2011-12-28T00:00:00Z", "2012-01-02T00:00:00Z");
        let cal = with_holidays(cal, &["2011-12-29"]);
        compare(&cal, "2011-12-28T00:00:00Z", "2012-01-02T00:00:00Z");
        let cal = with_holidays(cal, &["2011-12-31"]);
        compare(&cal, "2011-12-28T00:00:00Z", "2012-01-02T00:00:00Z");
        let cal = with_exception(cal, "2011-12-30", &["09:00-10:00", "20:00-02:00"]);
        compare(&cal, "2011-12-28T00:00:00Z", "2012-01-02T00:00:00Z");
    }
}

#[test]
fn oracle_sao_paulo_midnight_transitions() {
    // DST started at 00:00 (to 01:00) on 2018-11-04 and ended at 00:00 (back to 23:00 on
    // the 16th) on 2019-02-17: midnight itself is skipped or the hour before it repeats.
    for windows in [
        &["00:00-04:00"][..],
        &["23:00-01:00"],
        &["22:00-06:00"],
        &["23:30-00:30", "08:00-17:00"],
    ] {
        let cal = every_day("America/Sao_Paulo", windows);
        compare(&cal, "2018-11-02T00:00:00Z", "2018-11-06T00:00:00Z");
        compare(&cal, "2019-02-15T00:00:00Z", "2019-02-19T00:00:00Z");
        let cal = with_holidays(cal, &["2018-11-04", "2019-02-16"]);
        compare(&cal, "2018-11-02T00:00:00Z", "2018-11-06T00:00:00Z");
        compare(&cal, "2019-02-15T00:00:00Z", "2019-02-19T00:00:00Z");
    }
}

#[test]
fn oracle_holidays_on_dst_days_and_overnight_spills() {
    let base = every_day("America/New_York", &["22:00-06:00", "08:00-17:00"]);
    let cal = with_holidays(base.clone(), &["2026-03-08", "2026-11-01"]);
    compare(&cal, "2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z");
    compare(&cal, "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z");
    // A holiday before the DST day: its own window's spill into the DST night counts.
    let cal = with_holidays(base.clone(), &["2026-03-07", "2026-10-31"]);
    compare(&cal, "2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z");
    compare(&cal, "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z");
    // An exception on a holiday wins; an empty exception closes the day's own windows.
    let cal = with_exception(cal, "2026-03-07", &["10:00-02:30"]);
    let cal = with_exception(cal, "2026-11-01", &[]);
    compare(&cal, "2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z");
    compare(&cal, "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z");
    // London and Lord Howe holidays on their DST days.
    let cal = with_holidays(
        every_day("Europe/London", &["22:00-06:00"]),
        &["2026-03-29", "2026-10-25"],
    );
    compare(&cal, "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z");
    compare(&cal, "2026-10-23T00:00:00Z", "2026-10-27T00:00:00Z");
    let cal = with_holidays(
        every_day("Australia/Lord_Howe", &["21:00-03:00"]),
        &["2026-04-05", "2026-10-03"],
    );
    compare(&cal, "2026-04-03T12:00:00Z", "2026-04-06T12:00:00Z");
    compare(&cal, "2026-10-02T12:00:00Z", "2026-10-05T12:00:00Z");
}

// ---------------------------------------------------------------------------------------
// Random calendars.
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig {
        cases: proptest_cases(128),
        ..ProptestConfig::default()
    })]

    /// Random calendars with whole-minute windows, on a random range of up to four days
    /// around the anchor (usually an offset transition of the zone, with the holidays and
    /// exceptions of the calendar within four days of it).
    #[test]
    fn engine_matches_oracle(
        s in arb_scenario(true),
        start in -3 * 1440i64..1440,
        len in 0i64..4 * 1440,
        cuts in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0), 4),
    ) {
        let from = s.anchor / MINUTE_MS + start;
        let oracle = Oracle::new(&s.cal, from, from + len);
        if let Err(msg) = oracle.check(&s.cal, &s.cal.build(), &cuts) {
            return Err(TestCaseError::fail(format!("[{}, {}): {msg}", at(from * MINUTE_MS), at((from + len) * MINUTE_MS))));
        }
    }
}

#[test]
fn oracle_holiday_rules_and_ics_on_dst_days() {
    let rule = |date: GenDate, hours: Option<&[&str]>| GenRule {
        date,
        from_year: None,
        to_year: None,
        hours: hours.map(ws),
    };
    use chrono::Weekday::{Mon, Sun};
    // New York: the second Sunday of March (clocks go forward) closed, the first Sunday of
    // November (clocks go back) a partial day in the repeated hour, Saturday 4 July 2026
    // observed on Friday the 3rd, a maintenance period across the fall-back hour.
    let mut cal = every_day("America/New_York", &["22:00-06:00", "08:00-17:00"]);
    cal.rules = vec![
        rule(GenDate::Nth(3, Sun, 2), None),
        rule(
            GenDate::Nth(11, Sun, 1),
            Some(&["01:30-02:30", "23:00-01:00"]),
        ),
        rule(GenDate::Observed(7, 4), None),
        rule(GenDate::Nth(10, Mon, -1), None),
    ];
    cal.ics_periods = vec![(
        t("2026-11-01T05:00:00Z").as_millis(),
        t("2026-11-01T06:45:00Z").as_millis(),
    )];
    cal.ics_dates = vec![date("2026-03-09")];
    compare(&cal, "2026-03-06T00:00:00Z", "2026-03-11T00:00:00Z");
    compare(&cal, "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z");
    compare(&cal, "2026-07-01T00:00:00Z", "2026-07-07T00:00:00Z");
    // A listed holiday wins over a rule's partial day, an exception over both.
    let mut cal2 = with_holidays(cal.clone(), &["2026-11-01"]);
    compare(&cal2, "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z");
    cal2 = with_exception(cal2, "2026-11-01", &["00:00-03:00"]);
    compare(&cal2, "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z");
    // Easter offsets on London's spring-forward Sunday (29 March 2026 is Easter - 7).
    let mut cal = every_day("Europe/London", &["00:30-03:30", "22:00-02:00"]);
    cal.rules = vec![
        rule(GenDate::Easter(-7), None),
        rule(GenDate::Easter(-6), Some(&["01:00-02:00"])),
    ];
    compare(&cal, "2026-03-27T00:00:00Z", "2026-04-01T00:00:00Z");
}
