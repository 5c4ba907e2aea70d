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

/// The UTC offsets of `tz` over `[start, end)`: `(from, offset)` pairs in milliseconds,
/// the first from `start`, each offset holding until the next pair's `from`.
///
/// Found by sampling the zone every six hours and bisecting to the millisecond where a
/// sample differs from the last offset, so every transition is found unless two of them
/// within six hours undo each other (the tz database has none: its shortest rule periods
/// last weeks). Built once per calendar and UTC year, for [`OffsetTable::local_date`].
pub(crate) fn offsets_in(tz: Tz, start: i64, end: i64) -> Offsets {
    const STEP_MS: i64 = 6 * 3_600_000;
    let offset_at = |ms: i64| {
        i64::from(
            tz.offset_from_utc_datetime(&utc_naive(ms))
                .fix()
                .local_minus_utc(),
        ) * 1000
    };
    let mut out = vec![(start, offset_at(start))];
    // `lo` always has the last offset found; each step looks `STEP_MS` further.
    let mut lo = start;
    while lo < end - 1 {
        let probe = (lo + STEP_MS).min(end - 1);
        let current = out[out.len() - 1].1;
        if offset_at(probe) == current {
            lo = probe;
            continue;
        }
        let mut hi = probe;
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if offset_at(mid) == current {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        out.push((hi, offset_at(hi)));
        lo = hi;
    }
    out.into_boxed_slice()
}

/// Per UTC year, the offsets of a zone ([`offsets_in`]), built on first use: the local
/// date of an instant is then a short scan and a division instead of a tz database
/// lookup and chrono's conversions (~500 instructions), which every `Nbd` clock start
/// needs.
pub(crate) struct OffsetTable {
    years: Box<[std::sync::OnceLock<Offsets>]>,
}

/// `(from, offset)` pairs, see [`offsets_in`].
type Offsets = Box<[(i64, i64)]>;

impl OffsetTable {
    pub(crate) fn new() -> OffsetTable {
        OffsetTable {
            years: (0..super::compiled::YEARS)
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    /// The local date of `t` in `tz`: [`local_date`], from the table.
    pub(crate) fn local_date(&self, tz: Tz, t: Instant) -> NaiveDate {
        self.local_day(tz, t)
            .and_then(|days| i32::try_from(days + 719_163).ok())
            // Days since 1970-01-01, which is day 719,163 of the common era.
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .unwrap_or_else(|| local_date(tz, t))
    }

    /// The local date of `t` in `tz` as days since 1970-01-01; `None` outside the
    /// supported range.
    pub(crate) fn local_day(&self, tz: Tz, t: Instant) -> Option<i64> {
        let ms = t.as_millis();
        if !(Instant::MIN.as_millis()..Instant::MAX.as_millis()).contains(&ms) {
            return None;
        }
        let i = super::compiled::year_index(ms);
        let table = self.years[i].get_or_init(|| {
            let (start, end) = super::compiled::year_bounds(i);
            offsets_in(tz, start, end)
        });
        let k = table.partition_point(|&(from, _)| from <= ms);
        let offset = table[k.max(1) - 1].1;
        Some((ms + offset).div_euclid(crate::time::DAY_MS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_table_agrees_with_chrono_tz_in_every_zone() {
        // Every zone, in a year of modern rules and one of wartime changes: random
        // instants, and both sides of every transition found.
        for tz in chrono_tz::TZ_VARIANTS {
            let table = OffsetTable::new();
            for (year_start, salt) in [("1942-01-01T00:00:00Z", 7), ("2026-01-01T00:00:00Z", 3)] {
                let from = Instant::parse(year_start).unwrap().as_millis();
                let year = 365 * crate::time::DAY_MS;
                for k in 0..40i64 {
                    let t =
                        Instant::from_millis_unchecked(from + (k * 7_919_993_017 * salt) % year);
                    assert_eq!(table.local_date(tz, t), local_date(tz, t), "{tz} {t}");
                }
                for &(at, _) in offsets_in(tz, from, from + year).iter() {
                    for d in [-1, 0] {
                        let t = Instant::from_millis_unchecked(at + d);
                        assert_eq!(table.local_date(tz, t), local_date(tz, t), "{tz} {t}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_offset_table_gives_chrono_tz_local_dates() {
        use chrono_tz::{America, Asia, Australia, Europe, Pacific};
        // Zones with DST at midnight (Santiago, Havana), half-hour DST (Lord Howe), a
        // skipped date (Apia), odd historical offsets, and no DST at all.
        let zones = [
            America::New_York,
            America::Santiago,
            America::Havana,
            America::St_Johns,
            Australia::Lord_Howe,
            Pacific::Apia,
            Pacific::Kiritimati,
            Asia::Kathmandu,
            Asia::Kolkata,
            Europe::London,
            Europe::Moscow,
            Europe::Dublin,
            chrono_tz::UTC,
        ];
        let table_for = |_: Tz| OffsetTable::new();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let span = Instant::MAX.as_millis() - Instant::MIN.as_millis();
        for tz in zones {
            let table = table_for(tz);
            for _ in 0..3000 {
                let ms = Instant::MIN.as_millis() + (next() % span as u64) as i64;
                let t = Instant::from_millis_unchecked(ms);
                assert_eq!(table.local_date(tz, t), local_date(tz, t), "{tz} {t}");
            }
            // Around every transition of 2026 and 1918-1920, to the millisecond.
            for year_start in ["1918-01-01T00:00:00Z", "2026-01-01T00:00:00Z"] {
                let from = Instant::parse(year_start).unwrap().as_millis();
                let offsets = offsets_in(tz, from, from + 3 * 366 * crate::time::DAY_MS);
                for &(at, _) in offsets.iter() {
                    for d in [-3_600_001, -1, 0, 1, 3_600_000] {
                        let t = Instant::from_millis_unchecked(at + d);
                        assert_eq!(table.local_date(tz, t), local_date(tz, t), "{tz} {t}");
                    }
                }
            }
        }
    }

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
