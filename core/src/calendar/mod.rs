//! Calendars (clocks): which instants are working time (SPEC §3).
//!
//! A [`Calendar`] is either `24x7` or a business calendar built from a [`CalendarSpec`]:
//! an IANA zone, a weekly template of windows, holidays and exceptions, holiday rules and
//! presets (expanded per year on demand), and holiday calendars imported from iCalendar. It is validated
//! once when built and compiled lazily, per UTC year, into spans with prefix sums, so that
//! queries over months or years cost the same as queries over minutes.

mod compiled;
mod ics;
pub(crate) mod local;
mod presets;
mod rules;
mod spec;

use std::fmt;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

pub use rules::{HolidayRule, HolidayRuleSpec, ObservedSpec};
pub use spec::{CalendarSpec, ExceptionSpec};

use crate::error::{Error, ErrorKind, Result};
use crate::time::{Duration, Instant, TargetDuration};
use compiled::{year_index, Chunk, YEARS};
use spec::Schedule;

/// How far deadline and business-day searches look for working time before giving up
/// with `no_working_time_within_horizon`: ten years of consecutive closed time.
pub const SEARCH_HORIZON_YEARS: u32 = 10;

/// The name under which the always-working calendar is available everywhere.
pub const TWENTY_FOUR_SEVEN: &str = "24x7";

/// Which instants are working time: `24x7`, or a validated business calendar.
///
/// Cloning is cheap and clones share the compiled years.
///
/// ```
/// use slaledger::{Calendar, Duration, Instant};
///
/// let cal = Calendar::from_toml("business", r#"
///     timezone = "America/New_York"
///     mon = ["08:00-17:00"]
///     tue = ["08:00-17:00"]
///     wed = ["08:00-17:00"]
///     thu = ["08:00-17:00"]
///     fri = ["08:00-17:00"]
/// "#).unwrap();
/// // Opened Friday 21:00 New York, measured Monday 09:30: 1h30m of working time.
/// let opened: Instant = "2026-11-06T21:00:00-05:00".parse().unwrap();
/// let now: Instant = "2026-11-09T09:30:00-05:00".parse().unwrap();
/// assert_eq!(cal.working_time(opened, now).unwrap(), Duration::from_mins(90));
/// // A 4-hour target from that opening is due Monday 12:00 New York.
/// let due = cal.add_working_time(opened, Duration::from_hours(4)).unwrap();
/// assert_eq!(due.to_string(), "2026-11-09T17:00:00Z");
/// ```
#[derive(Clone)]
pub struct Calendar {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    clock: Clock,
}

// One value per calendar, behind an `Arc`: the size difference costs nothing.
#[allow(clippy::large_enum_variant)]
enum Clock {
    Always,
    Business {
        spec: CalendarSpec,
        schedule: Schedule,
        years: Box<[OnceLock<Chunk>]>,
        /// Per local year, the close of business of each date (`i64::MIN`: none).
        closes: Box<[OnceLock<Box<[i64]>>]>,
        /// Per UTC year, the zone's offsets (for the local date of a clock start).
        offsets: local::OffsetTable,
    },
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Calendar");
        d.field("name", &self.inner.name);
        if let Clock::Business { spec, .. } = &self.inner.clock {
            d.field("spec", spec);
        }
        d.finish()
    }
}

impl Calendar {
    /// The `24x7` calendar: every instant is working time, in every zone.
    pub fn always() -> Calendar {
        Calendar {
            inner: Arc::new(Inner {
                name: TWENTY_FOUR_SEVEN.to_string(),
                clock: Clock::Always,
            }),
        }
    }

    /// Validates `spec` and builds the calendar called `name` (the name is used in errors).
    pub fn from_spec(name: &str, spec: &CalendarSpec) -> Result<Calendar> {
        let schedule = Schedule::validate(name, spec)?;
        let years = (0..YEARS).map(|_| OnceLock::new()).collect();
        let closes = (0..YEARS + 2).map(|_| OnceLock::new()).collect();
        Ok(Calendar {
            inner: Arc::new(Inner {
                name: name.to_string(),
                clock: Clock::Business {
                    spec: spec.clone(),
                    schedule,
                    years,
                    closes,
                    offsets: local::OffsetTable::new(),
                },
            }),
        })
    }

    /// Parses and validates a calendar from TOML (the table of SPEC §3).
    pub fn from_toml(name: &str, text: &str) -> Result<Calendar> {
        let spec = CalendarSpec::from_toml(text)
            .map_err(|e| e.context(format_args!("calendar {name:?}")))?;
        Calendar::from_spec(name, &spec)
    }

    /// Parses and validates a calendar from JSON (same schema as TOML).
    pub fn from_json(name: &str, text: &str) -> Result<Calendar> {
        let spec = CalendarSpec::from_json(text)
            .map_err(|e| e.context(format_args!("calendar {name:?}")))?;
        Calendar::from_spec(name, &spec)
    }

    /// The calendar's name (`"24x7"` for [`Calendar::always`]).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The time zone of a business calendar; `None` for `24x7`.
    pub fn time_zone(&self) -> Option<Tz> {
        match &self.inner.clock {
            Clock::Always => None,
            Clock::Business { schedule, .. } => Some(schedule.tz),
        }
    }

    /// The spec the calendar was built from; `None` for `24x7`.
    pub fn spec(&self) -> Option<&CalendarSpec> {
        match &self.inner.clock {
            Clock::Always => None,
            Clock::Business { spec, .. } => Some(spec),
        }
    }

    /// Whether this is the always-working calendar.
    pub fn is_always(&self) -> bool {
        matches!(self.inner.clock, Clock::Always)
    }

    /// The local dates of `year` that are closed midnight to midnight: listed holidays and
    /// the dates of holiday rules, presets and iCalendar all-day events, less those an
    /// exception or a partial-day rule opens. Empty for `24x7` and for years outside
    /// 1900-2199. For dashboards ("next holiday") and for checking a preset.
    ///
    /// ```
    /// use slaledger::Calendar;
    /// let cal = Calendar::from_toml("us", r#"
    ///     timezone = "America/New_York"
    ///     mon = ["09:00-17:00"]
    ///     holiday_rules = ["us_federal"]
    /// "#).unwrap();
    /// let days: Vec<String> = cal.holidays_in(2026).iter().map(|d| d.to_string()).collect();
    /// // Independence Day 2026 is a Saturday: observed on Friday 3 July.
    /// assert!(days.contains(&"2026-07-03".to_string()));
    /// assert_eq!(days.len(), 12); // 11 holidays, and Saturday 4 July itself
    /// ```
    pub fn holidays_in(&self, year: i32) -> Vec<NaiveDate> {
        let Clock::Business { schedule, .. } = &self.inner.clock else {
            return Vec::new();
        };
        if !(crate::time::MIN_YEAR..crate::time::END_YEAR).contains(&year) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut d = NaiveDate::from_ymd_opt(year, 1, 1);
        while let Some(day) = d.filter(|d| d.year() == year) {
            if schedule.day(day).closed {
                out.push(day);
            }
            d = day.succ_opt();
        }
        out
    }

    /// Working time in `[a, b)`; zero when `b <= a`.
    pub fn working_time(&self, a: Instant, b: Instant) -> Result<Duration> {
        a.check_range()?;
        b.check_range()?;
        if b <= a {
            return Ok(Duration::ZERO);
        }
        let Clock::Business {
            years, schedule, ..
        } = &self.inner.clock
        else {
            return Ok(b.since(a));
        };
        // `a < b <= MAX`, so `a` lies in a compiled year. Nearly every range ends in the
        // year it starts in (or at its end): one year lookup, two prefixes.
        let ia = year_index(a.as_millis());
        let ca = chunk(years, schedule, ia);
        let pa = ca.prefix(a.as_millis());
        if b.as_millis() <= ca.end {
            return Ok(Duration::from_millis(ca.prefix(b.as_millis()) - pa));
        }
        let (ib, pb) = position(years, schedule, b.as_millis());
        let mut total = ca.total - pa;
        for i in ia + 1..ib {
            total += chunk(years, schedule, i).total;
        }
        Ok(Duration::from_millis(total + pb))
    }

    /// The deadline: the earliest instant `x >= a` with `working_time(a, x) == d`.
    ///
    /// `d = 0` gives `a`. A negative `d` is an `invalid_duration` error. If the calendar
    /// has no working time for [`SEARCH_HORIZON_YEARS`] consecutive years the search stops
    /// with `no_working_time_within_horizon` instead of looping.
    pub fn add_working_time(&self, a: Instant, d: Duration) -> Result<Instant> {
        a.check_range()?;
        if d < Duration::ZERO {
            return Err(Error::new(
                ErrorKind::InvalidDuration,
                format!("cannot add a negative working time ({} ms)", d.as_millis()),
            ));
        }
        if d == Duration::ZERO {
            return Ok(a);
        }
        let Clock::Business {
            years, schedule, ..
        } = &self.inner.clock
        else {
            return a.checked_add(d);
        };
        let past_the_end = || {
            Error::new(
                ErrorKind::InstantOutOfRange,
                format!("calendar {:?}: adding {d} of working time to {a} goes past 2200-01-01T00:00:00Z", self.name()),
            )
        };
        // Working time never exceeds wall time, so a `d` longer than the rest of the range
        // cannot fit. Checked first: `p + d` below would overflow for `d` near i64::MAX.
        if d.as_millis() > Instant::MAX.as_millis() - a.as_millis() {
            return Err(past_the_end());
        }
        let ms = a.as_millis();
        // The year of `a`, the working time before `a` in it, and the first span that
        // ends after `a`: the deadline is rarely more than a few spans further on.
        let (mut i, p, mut from) = if ms >= Instant::MAX.as_millis() {
            let c = chunk(years, schedule, YEARS - 1);
            (YEARS - 1, c.total, c.spans.len())
        } else {
            let i = year_index(ms);
            let c = chunk(years, schedule, i);
            let k = c.first_ending_after(ms);
            (i, c.prefix_at(k, ms), k)
        };
        let mut remaining = p + d.as_millis();
        let mut closed_years = 0;
        loop {
            let c = chunk(years, schedule, i);
            if remaining <= c.total {
                return Ok(Instant::from_millis_unchecked(
                    c.instant_at_from(from, remaining),
                ));
            }
            from = 0;
            remaining -= c.total;
            closed_years = if c.total == 0 { closed_years + 1 } else { 0 };
            if closed_years > SEARCH_HORIZON_YEARS {
                return Err(self.no_working_time(a));
            }
            i += 1;
            if i == YEARS {
                return Err(past_the_end());
            }
        }
    }

    /// Whether `t` is working time.
    pub fn is_working(&self, t: Instant) -> Result<bool> {
        t.check_range()?;
        let Clock::Business {
            years, schedule, ..
        } = &self.inner.clock
        else {
            return Ok(true);
        };
        if t == Instant::MAX {
            return Ok(false);
        }
        let ms = t.as_millis();
        let c = chunk(years, schedule, year_index(ms));
        let k = c.first_ending_after(ms);
        Ok(c.spans.get(k).is_some_and(|s| s.start <= ms))
    }

    /// For `t` in a business calendar's compiled range: whether `t` is working time, and
    /// the start of the first span of its year that ends after it (where the calendar
    /// next opens when `t` is closed). `None` when that year has no such span, or `t` is
    /// not in the range, or the calendar is `24x7`.
    fn working_span_at_or_after(&self, t: Instant) -> Option<(bool, i64)> {
        let Clock::Business {
            years, schedule, ..
        } = &self.inner.clock
        else {
            return None;
        };
        let ms = t.as_millis();
        if !(Instant::MIN.as_millis()..Instant::MAX.as_millis()).contains(&ms) {
            return None;
        }
        let c = chunk(years, schedule, year_index(ms));
        let span = c.spans.get(c.first_ending_after(ms))?;
        Some((span.start <= ms, span.start))
    }

    /// The next instant after `t` at which [`is_working`](Calendar::is_working) changes.
    ///
    /// `None` for `24x7`, and when nothing changes within [`SEARCH_HORIZON_YEARS`] or before
    /// the end of the supported range. For dashboards: "opens Monday 08:00".
    pub fn next_change(&self, t: Instant) -> Result<Option<Instant>> {
        t.check_range()?;
        let Clock::Business {
            years, schedule, ..
        } = &self.inner.clock
        else {
            return Ok(None);
        };
        if t == Instant::MAX {
            return Ok(None);
        }
        let ms = t.as_millis();
        let mut i = year_index(ms);
        let c = chunk(years, schedule, i);
        let k = c.first_ending_after(ms);
        let working = c.spans.get(k).is_some_and(|s| s.start <= ms);
        if let Some(span) = c.spans.get(k) {
            if !working {
                return Ok(Some(Instant::from_millis_unchecked(span.start)));
            }
            if span.end < c.end {
                return Ok(Some(Instant::from_millis_unchecked(span.end)));
            }
        }
        // The answer lies in a later year: a span running on past the year's end, or the
        // first span of a later year.
        let last = (i + SEARCH_HORIZON_YEARS as usize + 1).min(YEARS - 1);
        while i < last {
            i += 1;
            let c = chunk(years, schedule, i);
            match c.spans.first() {
                Some(first) if working && first.start == c.start && first.end < c.end => {
                    return Ok(Some(Instant::from_millis_unchecked(first.end)));
                }
                // Working all through this year too: keep looking.
                Some(first) if working && first.start == c.start => {}
                _ if working => return Ok(Some(Instant::from_millis_unchecked(c.start))),
                Some(first) => return Ok(Some(Instant::from_millis_unchecked(first.start))),
                None => {}
            }
        }
        Ok(None)
    }

    /// The close of business of the `n`-th working date after `start` (SPEC §4, `Nbd`).
    ///
    /// `start` is first moved to the next working instant if it is outside working time;
    /// the working date containing it is day 0, so `0bd` is the close of that day. A
    /// working date is a local date, not a holiday, whose own windows hold working time (an
    /// overnight window belongs to the date it starts on), and its close of business is the
    /// end of the last of them, or the previous working date's close if that is later
    /// (overlapping windows). `24x7` has no close of business and refuses; a close past the
    /// supported range is `instant_out_of_range`.
    pub fn close_of_business(&self, start: Instant, n: u32) -> Result<Instant> {
        start.check_range()?;
        let Clock::Business {
            schedule, offsets, ..
        } = &self.inner.clock
        else {
            return Err(Error::new(
                ErrorKind::InvalidDuration,
                format!("calendar {:?}: business days (\"{n}bd\") need a business calendar; 24x7 has no close of business", self.name()),
            ));
        };
        // `start` if it is working time, else the next change (`is_working`, then
        // `next_change`), from one lookup of the start's span when that span is in the
        // start's year.
        let first = match self.working_span_at_or_after(start) {
            Some((true, _)) => start,
            Some((false, next)) => Instant::from_millis_unchecked(next),
            None if self.is_working(start)? => start,
            None => self
                .next_change(start)?
                .ok_or_else(|| self.no_working_time(start))?,
        };
        let ms = first.as_millis();
        // The day before the local date of `first`, as a year and an ordinal (straight
        // from the day number in the supported range).
        let day_before = offsets
            .local_day(schedule.tz, first)
            .and_then(|day| compiled::year_and_ordinal(day - 1));
        // Day 0 is the working date of `first`: the first date, from the day before the
        // local date of `first` on, whose business has not closed at `first`. That is the
        // date whose window holds `first` (the previous date when `first` is in an
        // overnight window), or failing that the next working date.
        //
        // A holiday is never a working date, even though the part of its windows that runs
        // past midnight into the next date is working time (SPEC §3). A start inside such a
        // spill has as day 0 the first working date that closes after it.
        let (mut year, mut ordinal) = day_before.unwrap_or_else(|| {
            let date_of_first = offsets.local_date(schedule.tz, first);
            let date = date_of_first.pred_opt().unwrap_or(date_of_first);
            (date.year(), date.ordinal0() as usize)
        });
        let mut counted = 0;
        // With overlapping windows a date's close can come before the previous date's (a
        // Friday 22:00-06:00 window and a Saturday 01:00-02:00 one): the deadline of N+1
        // business days is never earlier than that of N, so closes are a running maximum.
        let mut latest = i64::MIN;
        let past_the_end = || {
            Error::new(
                ErrorKind::InstantOutOfRange,
                format!("calendar {:?}: the close of business {n} business days after {start} is past 2200-01-01T00:00:00Z", self.name()),
            )
        };
        // The horizon bounds consecutive dates without business, like the deadline search;
        // it used to bound all dates, so 3660bd on a Monday-Friday calendar (about 14 years)
        // failed with `no_working_time_within_horizon`. The end of the supported range
        // bounds the number of working dates.
        let mut closed_dates = 0;
        // Dates are followed as a year and an ordinal in that year's table of closes:
        // nothing is looked up or converted per date.
        let mut table = self.close_table(year);
        loop {
            let close = match table {
                Some(table) => table.get(ordinal).copied().filter(|c| *c != i64::MIN),
                // Outside the cached years (past the supported range): date by date.
                None => {
                    let date = u32::try_from(ordinal + 1)
                        .ok()
                        .and_then(|o| NaiveDate::from_yo_opt(year, o))
                        .ok_or_else(past_the_end)?;
                    compute_close(schedule, date)
                }
            };
            match close {
                Some(close) if close > ms => {
                    closed_dates = 0;
                    latest = latest.max(close);
                    // Dates past 2199 compile to instants past the supported range.
                    if latest > Instant::MAX.as_millis() {
                        return Err(past_the_end());
                    }
                    if counted == n {
                        return Ok(Instant::from_millis_unchecked(latest));
                    }
                    counted += 1;
                }
                _ => {
                    closed_dates += 1;
                    if closed_dates > SEARCH_HORIZON_YEARS * 366 {
                        return Err(self.no_working_time(start));
                    }
                }
            }
            ordinal += 1;
            let days = match table {
                Some(table) => table.len(),
                None if NaiveDate::from_yo_opt(year, 366).is_some() => 366,
                None => 365,
            };
            if ordinal >= days {
                year += 1;
                ordinal = 0;
                table = self.close_table(year);
            }
        }
    }

    /// The close of business of each local date of `year`, by ordinal: the end of its
    /// last window, or `i64::MIN` for a holiday or a date without working time. Cached per
    /// local year, because every `Nbd` clock start walks a few dates and converting wall
    /// times is the slow part. `None` outside the cached years (compute each date then).
    fn close_table(&self, year: i32) -> Option<&[i64]> {
        let Clock::Business {
            schedule, closes, ..
        } = &self.inner.clock
        else {
            return None;
        };
        let slot = usize::try_from(year - CLOSES_FIRST_YEAR)
            .ok()
            .and_then(|i| closes.get(i))?;
        let table = slot.get_or_init(|| {
            let mut table = Vec::with_capacity(366);
            let mut d = NaiveDate::from_ymd_opt(year, 1, 1);
            while let Some(day) = d.filter(|d| d.year() == year) {
                table.push(compute_close(schedule, day).unwrap_or(i64::MIN));
                d = day.succ_opt();
            }
            table.into_boxed_slice()
        });
        Some(table)
    }

    /// The working time a target allows when its clock starts at `start`.
    ///
    /// A working-time target is itself; `Nbd` becomes the working time from `start` to the
    /// close of business of its N-th working date, fixed at the start (SPEC §4).
    pub fn target_working_time(&self, start: Instant, target: TargetDuration) -> Result<Duration> {
        match target {
            TargetDuration::Working(d) => Ok(d),
            TargetDuration::BusinessDays(n) => {
                let close = self.close_of_business(start, n)?;
                self.working_time(start, close)
            }
        }
    }

    fn no_working_time(&self, from: Instant) -> Error {
        Error::new(
            ErrorKind::NoWorkingTimeWithinHorizon,
            format!(
                "calendar {:?}: no working time within {SEARCH_HORIZON_YEARS} years after {from}",
                self.name()
            ),
        )
    }
}

/// The first local year with a cached table of closes (local dates can precede the
/// first supported UTC instant by a day).
const CLOSES_FIRST_YEAR: i32 = crate::time::MIN_YEAR - 1;

fn compute_close(schedule: &Schedule, date: NaiveDate) -> Option<i64> {
    if schedule.day(date).closed {
        return None;
    }
    let mut intervals = Vec::with_capacity(4);
    compiled::day_intervals(schedule, date, &mut intervals);
    intervals.iter().map(|&(_, e)| e).max()
}

/// The compiled year `i`, building it on first use.
#[inline]
fn chunk<'a>(years: &'a [OnceLock<Chunk>], schedule: &Schedule, i: usize) -> &'a Chunk {
    years[i].get_or_init(|| Chunk::build(schedule, i))
}

/// The year of `ms` and the working time from that year's start to `ms`.
///
/// `ms` may be the end of the range, which belongs to the last year.
#[inline]
fn position(years: &[OnceLock<Chunk>], schedule: &Schedule, ms: i64) -> (usize, i64) {
    if ms >= Instant::MAX.as_millis() {
        let c = chunk(years, schedule, YEARS - 1);
        return (YEARS - 1, c.total);
    }
    let i = year_index(ms);
    (i, chunk(years, schedule, i).prefix(ms))
}

/// A set of named calendars, with `24x7` always present.
///
/// Read from a document whose `[calendars.NAME]` tables are calendar specs, which is the
/// shape of the `calendars` section of a contract.
///
/// ```
/// use slaledger::calendar::Calendars;
/// let set = Calendars::from_toml(r#"
///     [calendars.business]
///     timezone = "Asia/Kolkata"
///     mon = ["09:30-18:30"]
/// "#).unwrap();
/// assert_eq!(set.names().collect::<Vec<_>>(), ["24x7", "business"]);
/// ```
#[derive(Debug, Clone)]
pub struct Calendars {
    by_name: std::collections::BTreeMap<String, Calendar>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarsDocument {
    #[serde(default)]
    calendars: std::collections::BTreeMap<String, CalendarSpec>,
}

impl Calendars {
    /// Validates and builds every spec; `24x7` is added and may not be redefined.
    pub fn from_specs<'a>(
        specs: impl IntoIterator<Item = (&'a str, &'a CalendarSpec)>,
    ) -> Result<Calendars> {
        let mut by_name = std::collections::BTreeMap::new();
        by_name.insert(TWENTY_FOUR_SEVEN.to_string(), Calendar::always());
        for (name, spec) in specs {
            if name == TWENTY_FOUR_SEVEN {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("calendar {name:?} is built in and cannot be redefined"),
                ));
            }
            by_name.insert(name.to_string(), Calendar::from_spec(name, spec)?);
        }
        Ok(Calendars { by_name })
    }

    /// Parses `[calendars.NAME]` tables from TOML.
    pub fn from_toml(text: &str) -> Result<Calendars> {
        let doc: CalendarsDocument = toml::from_str(text).map_err(|e| Error::from_toml(&e))?;
        Calendars::from_specs(doc.calendars.iter().map(|(k, v)| (k.as_str(), v)))
    }

    /// Parses `{"calendars": {"NAME": {...}}}` from JSON.
    pub fn from_json(text: &str) -> Result<Calendars> {
        let doc: CalendarsDocument =
            serde_json::from_str(text).map_err(|e| Error::from_json(&e))?;
        Calendars::from_specs(doc.calendars.iter().map(|(k, v)| (k.as_str(), v)))
    }

    /// The calendar called `name`.
    pub fn get(&self, name: &str) -> Option<&Calendar> {
        self.by_name.get(name)
    }

    /// The names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}
