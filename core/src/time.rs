//! Instants and durations: UTC milliseconds, RFC 3339 parsing, and the duration syntax of
//! SPEC §4.
//!
//! Facts are instants. Nothing in this module knows about time zones beyond parsing an
//! offset; turning local wall times into instants happens in exactly one place,
//! `calendar::local`.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorKind, Result};

/// Milliseconds in one civil day of 24 hours (used for UTC arithmetic only).
pub(crate) const DAY_MS: i64 = 86_400_000;

/// A point in time: milliseconds since 1970-01-01T00:00:00Z.
///
/// The supported range is `[Instant::MIN, Instant::MAX]`, 1900-01-01 to 2200-01-01 UTC:
/// wide enough for any ticket log and every query horizon, small enough that calendars
/// can index it by year. Parsing or arithmetic outside it is an `instant_out_of_range`
/// error, never a panic or a wrap-around.
///
/// ```
/// use slaledger::Instant;
/// let t: Instant = "2026-11-02T09:20:00-05:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2026-11-02T14:20:00Z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(i64);

/// The first civil year inside the supported range.
pub(crate) const MIN_YEAR: i32 = 1900;
/// The first civil year past the supported range.
pub(crate) const END_YEAR: i32 = 2200;

impl Instant {
    /// 1900-01-01T00:00:00Z, the earliest supported instant.
    pub const MIN: Instant = Instant(days_from_civil(MIN_YEAR, 1, 1) * DAY_MS);
    /// 2200-01-01T00:00:00Z, the latest supported instant (an end bound only).
    pub const MAX: Instant = Instant(days_from_civil(END_YEAR, 1, 1) * DAY_MS);

    /// Builds an instant from milliseconds since the Unix epoch, checking the range.
    pub fn from_millis(ms: i64) -> Result<Instant> {
        let t = Instant(ms);
        t.check_range()?;
        Ok(t)
    }

    /// Milliseconds since the Unix epoch.
    pub fn as_millis(self) -> i64 {
        self.0
    }

    /// Converts a chrono UTC date-time, truncating to the millisecond toward the past.
    pub fn from_datetime(dt: DateTime<Utc>) -> Result<Instant> {
        Instant::from_millis(dt.timestamp_millis())
    }

    /// The chrono UTC date-time of this instant.
    pub fn to_datetime(self) -> DateTime<Utc> {
        // In range by construction, and the range is far inside chrono's.
        DateTime::from_timestamp_millis(self.0).unwrap_or_default()
    }

    /// Parses RFC 3339 with a mandatory offset (`Z` or `±hh:mm`).
    ///
    /// Finer than millisecond precision is truncated toward the past. A timestamp without
    /// an offset is a `missing_offset` error: guessing its zone would move SLA clocks.
    pub fn parse(text: &str) -> Result<Instant> {
        match DateTime::parse_from_rfc3339(text) {
            Ok(dt) => Instant::from_datetime(dt.with_timezone(&Utc)).map_err(|e| {
                Error::new(
                    e.kind(),
                    format!(
                        "timestamp {text:?} is outside the supported range 1900-01-01..2200-01-01"
                    ),
                )
            }),
            Err(err) => {
                let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                    .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"));
                if naive.is_ok() {
                    Err(Error::new(
                        ErrorKind::MissingOffset,
                        format!("timestamp {text:?} has no UTC offset (expected RFC 3339 ending in Z or ±hh:mm)"),
                    ))
                } else {
                    Err(Error::new(
                        ErrorKind::InvalidTimestamp,
                        format!("expected an RFC 3339 timestamp such as \"2026-11-02T09:14:00Z\", found {text:?} ({err})"),
                    ))
                }
            }
        }
    }

    /// Adds a duration, checking the supported range.
    pub fn checked_add(self, d: Duration) -> Result<Instant> {
        match self.0.checked_add(d.0) {
            Some(ms) => Instant::from_millis(ms),
            None => Err(out_of_range(self.0)),
        }
    }

    /// The duration from `earlier` to `self` (negative if `earlier` is later).
    pub fn since(self, earlier: Instant) -> Duration {
        Duration(self.0 - earlier.0)
    }

    pub(crate) fn check_range(self) -> Result<()> {
        if self < Instant::MIN || self > Instant::MAX {
            return Err(out_of_range(self.0));
        }
        Ok(())
    }

    /// Builds an instant without a range check; for values derived from checked ones.
    pub(crate) const fn from_millis_unchecked(ms: i64) -> Instant {
        Instant(ms)
    }
}

fn out_of_range(ms: i64) -> Error {
    let shown = DateTime::from_timestamp_millis(ms)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| format!("{ms} ms since 1970"));
    Error::new(
        ErrorKind::InstantOutOfRange,
        format!("instant {shown} is outside the supported range 1900-01-01T00:00:00Z..2200-01-01T00:00:00Z"),
    )
}

impl fmt::Display for Instant {
    /// RFC 3339 in UTC, with milliseconds only when they are not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match DateTime::from_timestamp_millis(self.0) {
            Some(dt) => f.write_str(&dt.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            None => write!(f, "{}ms", self.0),
        }
    }
}

impl FromStr for Instant {
    type Err = Error;
    fn from_str(s: &str) -> Result<Instant> {
        Instant::parse(s)
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Instant, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Instant::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A span of time in whole milliseconds (working time or wall time, by context).
///
/// Serialized as an integer number of milliseconds (JSON fields holding one end in `_ms`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Duration(i64);

impl Duration {
    /// No time.
    pub const ZERO: Duration = Duration(0);

    /// A duration of `ms` milliseconds.
    pub const fn from_millis(ms: i64) -> Duration {
        Duration(ms)
    }
    /// A duration of `s` seconds.
    pub const fn from_secs(s: i64) -> Duration {
        Duration(s * 1000)
    }
    /// A duration of `m` minutes.
    pub const fn from_mins(m: i64) -> Duration {
        Duration(m * 60_000)
    }
    /// A duration of `h` hours.
    pub const fn from_hours(h: i64) -> Duration {
        Duration(h * 3_600_000)
    }
    /// The number of milliseconds.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// Parses `15m`, `4h`, `1h30m`, `90s`, `250ms` or ISO 8601 `PT4H30M` (SPEC §4).
    ///
    /// Days are refused (`1d`, `P1D`): a contract day is either 24 hours, which should be
    /// written `24h`, or a business day, written `1bd` (see [`TargetDuration`]).
    ///
    /// ```
    /// use slaledger::Duration;
    /// assert_eq!(Duration::parse("1h30m").unwrap(), Duration::from_mins(90));
    /// assert_eq!(Duration::parse("PT4H").unwrap(), Duration::from_hours(4));
    /// ```
    pub fn parse(text: &str) -> Result<Duration> {
        let invalid = |why: &str| {
            Error::new(
                ErrorKind::InvalidDuration,
                format!("duration {text:?}: {why} (expected e.g. \"15m\", \"4h\", \"1h30m\", \"90s\", \"PT4H\" or \"2bd\")"),
            )
        };
        if text.is_empty() {
            return Err(invalid("is empty"));
        }
        if let Some(iso) = text.strip_prefix("PT").or_else(|| text.strip_prefix("pt")) {
            return parse_units(iso, &[("H", 3_600_000), ("M", 60_000), ("S", 1000)], true)
                .map_err(|w| invalid(&w));
        }
        if text.starts_with('P') || text.starts_with('p') {
            return Err(invalid("ISO 8601 days, weeks, months and years are not durations of working time; use hours or \"Nbd\""));
        }
        parse_units(
            text,
            &[("h", 3_600_000), ("ms", 1), ("m", 60_000), ("s", 1000)],
            false,
        )
        .map_err(|w| invalid(&w))
    }
}

/// Parses `<number><unit>` groups, units in descending order, each at most once.
fn parse_units(
    text: &str,
    units: &[(&str, i64)],
    iso: bool,
) -> std::result::Result<Duration, String> {
    let mut rest = text;
    let mut total: i64 = 0;
    let mut last_rank: Option<usize> = None;
    if rest.is_empty() {
        return Err("has no value".into());
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("expected a number at {rest:?}"));
        }
        let (number, after) = rest.split_at(digits);
        let value: i64 = number
            .parse()
            .map_err(|_| format!("number {number} is too large"))?;
        let Some((rank, (unit, scale))) = units
            .iter()
            .enumerate()
            .find(|(_, (u, _))| after.starts_with(u))
        else {
            if after.starts_with(['d', 'D']) && !iso {
                return Err("days are ambiguous; write \"24h\" for a day of working time or \"1bd\" for a business day".into());
            }
            return Err(format!("expected a unit after {number}"));
        };
        // Order: h before m before s (ms sorts with s for ordering purposes).
        let order = if iso { rank } else { [0, 3, 1, 2][rank] };
        if last_rank.is_some_and(|r| r >= order) {
            return Err(format!("unit {unit:?} is repeated or out of order"));
        }
        last_rank = Some(order);
        let part = value.checked_mul(*scale).ok_or("is too large")?;
        total = total.checked_add(part).ok_or("is too large")?;
        rest = &after[unit.len()..];
    }
    Ok(Duration(total))
}

impl fmt::Display for Duration {
    /// Compact form that [`Duration::parse`] reads back, e.g. `1h30m`, `0s`, `1s500ms`.
    ///
    /// A negative duration prints as `-` and its magnitude. The magnitude is taken as a
    /// `u64`: `-i64::MIN` does not fit in an `i64` (found by `fuzz/fuzz_targets/duration.rs`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.unsigned_abs();
        if self.0 < 0 {
            f.write_str("-")?;
        }
        if ms == 0 {
            return f.write_str("0s");
        }
        let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 {
            write!(f, "{s}s")?;
        }
        if milli > 0 {
            write!(f, "{milli}ms")?;
        }
        Ok(())
    }
}

impl FromStr for Duration {
    type Err = Error;
    fn from_str(s: &str) -> Result<Duration> {
        Duration::parse(s)
    }
}

/// A target as written in a contract: working time, or a number of business days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetDuration {
    /// Working time on the target's calendar (`"4h"`, `"PT4H"`).
    Working(Duration),
    /// `"Nbd"`: due at the close of business of the N-th working date after the start.
    BusinessDays(u32),
}

impl TargetDuration {
    /// Parses a target duration: `"Nbd"` or anything [`Duration::parse`] accepts.
    ///
    /// ```
    /// use slaledger::{Duration, TargetDuration};
    /// assert_eq!(TargetDuration::parse("2bd").unwrap(), TargetDuration::BusinessDays(2));
    /// assert_eq!(TargetDuration::parse("15m").unwrap(), TargetDuration::Working(Duration::from_mins(15)));
    /// ```
    pub fn parse(text: &str) -> Result<TargetDuration> {
        if let Some(n) = text.strip_suffix("bd") {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                return n
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 3660)
                    .map(TargetDuration::BusinessDays)
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidDuration,
                            format!("duration {text:?}: at most 3660 business days are supported"),
                        )
                    });
            }
        }
        Duration::parse(text).map(TargetDuration::Working)
    }
}

impl fmt::Display for TargetDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetDuration::Working(d) => d.fmt(f),
            TargetDuration::BusinessDays(n) => write!(f, "{n}bd"),
        }
    }
}

impl FromStr for TargetDuration {
    type Err = Error;
    fn from_str(s: &str) -> Result<TargetDuration> {
        TargetDuration::parse(s)
    }
}

impl Serialize for TargetDuration {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TargetDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<TargetDuration, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        TargetDuration::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian).
///
/// Howard Hinnant's `days_from_civil`; `const` so the supported range is a constant.
pub(crate) const fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y as i64 - 1 } else { y as i64 };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offsets_and_truncates_to_millis() {
        let t = Instant::parse("2026-11-02T09:20:00.123999-05:00").unwrap();
        assert_eq!(t.to_string(), "2026-11-02T14:20:00.123Z");
        let before_epoch = Instant::parse("1969-12-31T23:59:59.9999Z").unwrap();
        assert_eq!(
            before_epoch.as_millis(),
            -1,
            "truncation is toward the past"
        );
    }

    #[test]
    fn missing_offset_is_its_own_error() {
        assert_eq!(
            Instant::parse("2026-11-02T09:20:00").unwrap_err().code(),
            "missing_offset"
        );
        assert_eq!(
            Instant::parse("yesterday").unwrap_err().code(),
            "invalid_timestamp"
        );
        assert_eq!(
            Instant::parse("2300-01-01T00:00:00Z").unwrap_err().code(),
            "instant_out_of_range"
        );
    }

    #[test]
    fn range_constants_are_the_documented_dates() {
        assert_eq!(Instant::MIN.to_string(), "1900-01-01T00:00:00Z");
        assert_eq!(Instant::MAX.to_string(), "2200-01-01T00:00:00Z");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn durations_parse_as_spec_section_4() {
        let cases = [
            ("15m", 15 * 60_000),
            ("4h", 4 * 3_600_000),
            ("1h30m", 90 * 60_000),
            ("90s", 90_000),
            ("250ms", 250),
            ("1s500ms", 1500),
            ("PT4H", 4 * 3_600_000),
            ("PT1H30M", 90 * 60_000),
            ("PT45S", 45_000),
            ("0m", 0),
        ];
        for (text, ms) in cases {
            assert_eq!(Duration::parse(text).unwrap().as_millis(), ms, "{text}");
        }
        for bad in [
            "",
            "4",
            "h",
            "1d",
            "P1D",
            "PT",
            "30m1h",
            "1h1h",
            "4 h",
            "-1h",
            "99999999999999999999h",
        ] {
            let err = Duration::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_duration", "{bad}");
        }
        assert!(Duration::parse("1d").unwrap_err().message().contains("1bd"));
    }

    #[test]
    fn durations_print_in_a_form_that_parses_back() {
        for ms in [
            0,
            1,
            999,
            1000,
            59_999,
            3_600_000,
            5_400_000,
            86_400_000 + 1,
        ] {
            let d = Duration::from_millis(ms);
            assert_eq!(Duration::parse(&d.to_string()).unwrap(), d, "{d}");
        }
    }

    #[test]
    fn business_days_parse() {
        assert_eq!(
            TargetDuration::parse("0bd").unwrap(),
            TargetDuration::BusinessDays(0)
        );
        assert_eq!(
            TargetDuration::parse("10bd").unwrap(),
            TargetDuration::BusinessDays(10)
        );
        assert_eq!(
            TargetDuration::parse("bd").unwrap_err().code(),
            "invalid_duration"
        );
        assert_eq!(
            TargetDuration::parse("99999bd").unwrap_err().code(),
            "invalid_duration"
        );
        assert_eq!(TargetDuration::parse("2bd").unwrap().to_string(), "2bd");
    }
}
