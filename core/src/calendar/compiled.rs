//! The compiled form of a business calendar: per UTC year, the merged working spans with
//! prefix sums, and an index from each UTC day to its first span.
//!
//! `working_time` is then two O(1) lookups (day index, then a scan over that day's few
//! spans) and `add_working_time` one binary search over a year's spans. Years are
//! compiled lazily, the first time a query reaches them, and shared by every clone of
//! the calendar.

use chrono::NaiveDate;

use super::local;
use super::spec::{DayRule, Schedule, Window};
use crate::time::{days_from_civil, DAY_MS, END_YEAR, MIN_YEAR};

/// Number of compiled years in the supported range.
pub(crate) const YEARS: usize = (END_YEAR - MIN_YEAR) as usize;

/// UTC instant (ms) at which each supported year starts, plus the end of the range.
static YEAR_STARTS: [i64; YEARS + 1] = {
    let mut starts = [0i64; YEARS + 1];
    let mut i = 0;
    while i <= YEARS {
        starts[i] = days_from_civil(MIN_YEAR + i as i32, 1, 1) * DAY_MS;
        i += 1;
    }
    starts
};

/// The index of the UTC year containing `ms`, for `ms` in `[MIN, MAX)`.
#[inline]
pub(crate) fn year_index(ms: i64) -> usize {
    const AVERAGE_YEAR_MS: i64 = 31_556_952_000;
    let mut i = ((ms - YEAR_STARTS[0]) / AVERAGE_YEAR_MS).clamp(0, YEARS as i64 - 1) as usize;
    while i > 0 && ms < YEAR_STARTS[i] {
        i -= 1;
    }
    while i + 1 < YEARS && ms >= YEAR_STARTS[i + 1] {
        i += 1;
    }
    i
}

/// The UTC instants (ms) at which compiled year `i` starts and ends.
pub(crate) fn year_bounds(i: usize) -> (i64, i64) {
    (YEAR_STARTS[i], YEAR_STARTS[i + 1])
}

/// The year and 0-based ordinal of the date `day` days after 1970-01-01, for dates in
/// the supported range (`None` outside it).
pub(crate) fn year_and_ordinal(day: i64) -> Option<(i32, usize)> {
    let ms = day.checked_mul(DAY_MS)?;
    if !(YEAR_STARTS[0]..YEAR_STARTS[YEARS]).contains(&ms) {
        return None;
    }
    let i = year_index(ms);
    Some((
        MIN_YEAR + i as i32,
        ((ms - YEAR_STARTS[i]) / DAY_MS) as usize,
    ))
}

/// A maximal run of working time, with the working time of the chunk before it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub(crate) start: i64,
    pub(crate) end: i64,
    /// Working milliseconds in the chunk before `start`.
    pub(crate) before: i64,
}

/// One UTC year of a calendar, compiled.
#[derive(Debug)]
pub(crate) struct Chunk {
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) spans: Vec<Span>,
    /// Working milliseconds in the whole chunk.
    pub(crate) total: i64,
    /// For each UTC day of the chunk, the index of the first span ending after its start.
    day_first: Vec<u32>,
}

impl Chunk {
    /// Compiles UTC year `MIN_YEAR + index` of `schedule`.
    pub(crate) fn build(schedule: &Schedule, index: usize) -> Chunk {
        let (start, end) = (YEAR_STARTS[index], YEAR_STARTS[index + 1]);
        let year = MIN_YEAR + index as i32;
        let mut raw: Vec<(i64, i64)> = Vec::with_capacity(800);
        // Windows of dates two days either side can reach into this UTC year: offsets are
        // within ±15 hours and a window is at most 48 hours of wall time from its midnight.
        let first = NaiveDate::from_ymd_opt(year, 1, 1)
            .and_then(|d| d.checked_sub_days(chrono::Days::new(2)));
        let last = NaiveDate::from_ymd_opt(year + 1, 1, 1)
            .and_then(|d| d.checked_add_days(chrono::Days::new(1)));
        if let (Some(first), Some(last)) = (first, last) {
            // What each date says, worked out once: a date's windows need to know whether
            // it and the next two dates are closed.
            let mut days = Vec::with_capacity(372);
            let mut dates = Vec::with_capacity(372);
            let mut date = Some(first);
            while let Some(d) = date.filter(|d| *d <= last) {
                days.push(schedule.day(d));
                dates.push(d);
                date = d.succ_opt();
            }
            for k in 1..=2 {
                let beyond = last.checked_add_days(chrono::Days::new(k));
                days.push(beyond.map_or(DayRule::OPEN, |d| schedule.day(d)));
            }
            for (i, &date) in dates.iter().enumerate() {
                let closed = [days[i].closed, days[i + 1].closed, days[i + 2].closed];
                push_day(schedule, date, days[i].windows, closed, &mut raw);
            }
        }
        raw.retain_mut(|(s, e)| {
            *s = (*s).max(start);
            *e = (*e).min(end);
            s < e
        });
        raw.sort_unstable();
        let mut spans: Vec<Span> = Vec::with_capacity(raw.len());
        let mut total = 0i64;
        for (s, e) in raw {
            match spans.last_mut() {
                Some(last) if s <= last.end => {
                    if e > last.end {
                        total += e - last.end;
                        last.end = e;
                    }
                }
                _ => {
                    spans.push(Span {
                        start: s,
                        end: e,
                        before: total,
                    });
                    total += e - s;
                }
            }
        }
        let days = ((end - start) / DAY_MS) as usize;
        let mut day_first = Vec::with_capacity(days);
        let mut k = 0usize;
        for day in 0..days {
            let day_start = start + day as i64 * DAY_MS;
            while k < spans.len() && spans[k].end <= day_start {
                k += 1;
            }
            day_first.push(k as u32);
        }
        Chunk {
            start,
            end,
            spans,
            total,
            day_first,
        }
    }

    /// Index of the first span that ends after `t` (`spans.len()` if none), `t` in the chunk.
    #[inline]
    pub(crate) fn first_ending_after(&self, t: i64) -> usize {
        let day = ((t - self.start) / DAY_MS) as usize;
        let mut k = match self.day_first.get(day) {
            Some(k) => *k as usize,
            None => return self.spans.len(),
        };
        while k < self.spans.len() && self.spans[k].end <= t {
            k += 1;
        }
        k
    }

    /// Working milliseconds in `[self.start, t)`, for `t` in `[start, end]`.
    #[inline]
    pub(crate) fn prefix(&self, t: i64) -> i64 {
        if t >= self.end {
            return self.total;
        }
        self.prefix_at(self.first_ending_after(t), t)
    }

    /// [`Chunk::prefix`] of `t` in `[start, end)`, given `k = first_ending_after(t)`.
    #[inline]
    pub(crate) fn prefix_at(&self, k: usize, t: i64) -> i64 {
        match self.spans.get(k) {
            Some(span) if span.start <= t => span.before + (t - span.start),
            Some(span) => span.before,
            None => self.total,
        }
    }

    /// The earliest instant whose prefix is `amount`, for `0 < amount <= total`, when
    /// every span before `from` ends with at most `amount` before it (the spans ending
    /// before the start of an addition do). Deadlines are usually a few spans after the
    /// start, so those are scanned before a binary search of the rest.
    #[inline]
    pub(crate) fn instant_at_from(&self, from: usize, amount: i64) -> i64 {
        let below = |s: &Span| s.before + (s.end - s.start) < amount;
        let len = self.spans.len();
        let mut k = from.min(len);
        let near = (k + 8).min(len);
        while k < near && below(&self.spans[k]) {
            k += 1;
        }
        if k == near {
            k += self.spans[k..].partition_point(below);
        }
        let span = &self.spans[k.min(len - 1)];
        span.start + (amount - span.before)
    }
}

/// Appends the working intervals of the windows that start on `date`, with holidays and
/// closed periods removed, as UTC milliseconds.
///
/// A holiday closes its whole local date, so the part of an overnight window that spills
/// into a holiday is clipped, and so is the part of a window starting on a holiday that
/// lies on the holiday itself; its part past midnight is on the next date and still
/// counts (SPEC §3). A closed period (an iCalendar timed event) removes its instants
/// whatever the date.
pub(crate) fn day_intervals(schedule: &Schedule, date: NaiveDate, out: &mut Vec<(i64, i64)>) {
    let rule = schedule.day(date);
    if rule.windows.is_empty() {
        return;
    }
    // Holidays among the dates a window can reach: its own date and the next two.
    let mut closed = [rule.closed, false, false];
    let mut day = date.succ_opt();
    for c in closed.iter_mut().skip(1) {
        let Some(d) = day else { break };
        *c = schedule.day(d).closed;
        day = d.succ_opt();
    }
    push_day(schedule, date, rule.windows, closed, out);
}

/// Appends the intervals of `windows` starting on `date`, less the dates of `closed`
/// (`date` and the next two) and the closed periods.
fn push_day(
    schedule: &Schedule,
    date: NaiveDate,
    windows: &[Window],
    closed: [bool; 3],
    out: &mut Vec<(i64, i64)>,
) {
    if windows.is_empty() {
        return;
    }
    let tz = schedule.tz;
    let mut holes: [(i64, i64); 3] = [(0, 0); 3];
    let mut n_closed = 0;
    let mut day = Some(date);
    for is_closed in closed {
        let Some(d) = day else { break };
        day = d.succ_opt();
        if is_closed {
            let from = local::to_instant(tz, d, 0).as_millis();
            let to = local::to_instant(tz, d, local::DAY_SECS).as_millis();
            holes[n_closed] = (from, to);
            n_closed += 1;
        }
    }
    let closed = &holes[..n_closed];
    let from = out.len();
    for window in windows {
        let s = local::to_instant(tz, date, window.start).as_millis();
        let e = local::to_instant(tz, date, window.end).as_millis();
        push_minus(out, (s, e), closed);
    }
    if !schedule.closed.is_empty() {
        remove_periods(out, from, &schedule.closed);
    }
}

/// Removes the `periods` (sorted, disjoint) from the intervals `out[from..]`.
fn remove_periods(out: &mut Vec<(i64, i64)>, from: usize, periods: &[(i64, i64)]) {
    let pieces: Vec<(i64, i64)> = out.drain(from..).collect();
    for (s, e) in pieces {
        // The first period that ends after `s`, then every one that starts before `e`.
        let k = periods.partition_point(|&(_, pe)| pe <= s);
        let holes = &periods[k..];
        let n = holes.partition_point(|&(ps, _)| ps < e);
        push_minus(out, (s, e), &holes[..n]);
    }
}

/// Pushes `interval` minus the `holes` (sorted, disjoint) if anything is left.
fn push_minus(out: &mut Vec<(i64, i64)>, interval: (i64, i64), holes: &[(i64, i64)]) {
    let (mut s, e) = interval;
    for &(hs, he) in holes {
        if he <= s || hs >= e {
            continue;
        }
        if hs > s {
            out.push((s, hs));
        }
        s = s.max(he);
    }
    if s < e {
        out.push((s, e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Instant;

    #[test]
    fn year_index_finds_the_utc_year() {
        for (text, year) in [
            ("1900-01-01T00:00:00Z", 1900),
            ("1999-12-31T23:59:59.999Z", 1999),
            ("2000-01-01T00:00:00Z", 2000),
            ("2024-12-31T12:00:00Z", 2024),
            ("2199-12-31T23:59:59.999Z", 2199),
        ] {
            let t = Instant::parse(text).unwrap().as_millis();
            assert_eq!(MIN_YEAR + year_index(t) as i32, year, "{text}");
        }
    }

    #[test]
    fn holes_split_and_clip() {
        let mut out = vec![];
        push_minus(&mut out, (0, 100), &[(10, 20), (90, 200)]);
        assert_eq!(out, vec![(0, 10), (20, 90)]);
        out.clear();
        push_minus(&mut out, (0, 100), &[(-5, 200)]);
        assert!(out.is_empty());
    }
}
