//! The one place where local wall times become instants (SPEC §3).
//!
//! Rules are civil, facts are instants: calendars are written in wall time, everything
//! else works on [`Instant`]s. The mapping is:
//! - a local time that occurs once maps to that instant;
//! - one that occurs twice (clocks going back) maps to its **earlier** occurrence;
//! - one that does not occur (clocks going forward) maps to the first instant after the gap.

use chrono::{Duration as ChronoDuration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::time::Instant;

/// Seconds in a civil day.
pub(crate) const DAY_SECS: u32 = 86_400;

/// The instant of local wall time `secs` seconds after midnight starting `date` in `tz`.
///
/// `secs` may exceed one day (an overnight window's end is on the next date).
pub(crate) fn to_instant(tz: Tz, date: NaiveDate, secs: u32) -> Instant {
    let wall = date.and_time(chrono::NaiveTime::MIN) + ChronoDuration::seconds(i64::from(secs));
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(dt) => Instant::from_millis_unchecked(dt.timestamp_millis()),
        LocalResult::Ambiguous(a, b) => {
            Instant::from_millis_unchecked(a.timestamp_millis().min(b.timestamp_millis()))
        }
        LocalResult::None => first_instant_after_gap(tz, wall),
    }
}

/// The first instant after the gap that swallowed the non-existent wall time `wall`.
///
/// Steps forward in wall time until a time exists (gaps are at most a day long: Apia
/// skipped 2011-12-30), then finds the transition instant by bisection on the offset:
/// the transition is the earliest instant that already has the post-gap offset.
fn first_instant_after_gap(tz: Tz, wall: NaiveDateTime) -> Instant {
    const STEP_MINUTES: i64 = 15;
    let mut probe = wall;
    // 49 hours of 15-minute steps bounds the loop; every real gap is far shorter.
    for _ in 0..(49 * 60 / STEP_MINUTES) {
        probe += ChronoDuration::minutes(STEP_MINUTES);
        let Some(after) = tz.from_local_datetime(&probe).earliest() else {
            continue;
        };
        let after_ms = after.timestamp_millis();
        let post_offset = after.offset().fix();
        // The transition lies within one step before `after`.
        let mut lo = after_ms - STEP_MINUTES * 60_000; // has the pre-gap offset
        let mut hi = after_ms; // has the post-gap offset
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            let offset = tz.offset_from_utc_datetime(&utc_naive(mid)).fix();
            if offset == post_offset {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return Instant::from_millis_unchecked(hi);
    }
    // Unreachable for the tz database; fall back to reading the wall time as UTC.
    Instant::from_millis_unchecked(wall.and_utc().timestamp_millis())
}

fn utc_naive(ms: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .naive_utc()
}

/// The local date of an instant in `tz`.
pub(crate) fn local_date(tz: Tz, t: Instant) -> NaiveDate {
    tz.from_utc_datetime(&utc_naive(t.as_millis())).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(tz: Tz, date: &str, secs: u32) -> String {
        to_instant(tz, date.parse().unwrap(), secs).to_string()
    }

    #[test]
    fn repeated_wall_time_maps_to_the_earlier_occurrence() {
        // New York falls back at 02:00 EDT on 2026-11-01; 01:30 happens twice.
        assert_eq!(
            at(chrono_tz::America::New_York, "2026-11-01", 5400),
            "2026-11-01T05:30:00Z"
        );
    }

    #[test]
    fn missing_wall_time_maps_to_the_end_of_the_gap() {
        // New York springs forward at 02:00 EST on 2026-03-08 to 03:00 EDT.
        assert_eq!(
            at(chrono_tz::America::New_York, "2026-03-08", 9000),
            "2026-03-08T07:00:00Z"
        );
        // Lord Howe moves 30 minutes forward at 02:00 on 2026-10-04.
        assert_eq!(
            at(chrono_tz::Australia::Lord_Howe, "2026-10-04", 7200 + 600),
            "2026-10-03T15:30:00Z"
        );
        // Apia skipped all of 2011-12-30: its every wall time maps to 2011-12-31 00:00 +14.
        assert_eq!(
            at(chrono_tz::Pacific::Apia, "2011-12-30", 9 * 3600),
            "2011-12-30T10:00:00Z"
        );
    }

    #[test]
    fn wall_time_past_midnight_lands_on_the_next_date() {
        assert_eq!(
            at(chrono_tz::Asia::Kolkata, "2026-01-01", DAY_SECS + 6 * 3600),
            "2026-01-02T00:30:00Z"
        );
    }
}
