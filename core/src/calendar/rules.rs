//! Holiday rules (SPEC §3): dates that recur by rule rather than being listed, expanded
//! lazily for whatever local years the queries reach.
//!
//! A rule is a fixed day (`{ fixed = "12-25" }`), the n-th or last weekday of a month
//! (`{ month = 11, weekday = "thu", nth = 4 }`), a weekday before or after a day of the
//! year (`{ weekday = "wed", before = "11-23" }`), an offset from Easter Sunday
//! (`{ easter = -2 }`), or (from iCalendar) a `FREQ=YEARLY` recurrence. Each may be bounded
//! by years, may shift off weekends (`observed`), and may be a partial day (`hours`).
//! Presets (`"us_federal"`, ...) are lists of such rules; see `presets.rs`.
//!
//! Expansion: the dates of local year `Y` are worked out once, on first use, from the
//! rules of years `Y-1..=Y+1` (a New Year's Day on a Saturday is observed on 31 December
//! of the year before), and cached per year like the compiled UTC years.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::spec::{parse_windows, Window, WEEKDAY_KEYS};
use crate::error::{Error, ErrorKind, Result};
use crate::time::{END_YEAR, MIN_YEAR};

// ---------------------------------------------------------------------------------------
// The serde form.
// ---------------------------------------------------------------------------------------

/// One entry of a calendar's `holiday_rules`: a preset's name or a rule.
///
/// ```toml
/// holiday_rules = ["us_federal", { fixed = "12-24", hours = ["08:00-12:00"] },
///                  { easter = -2 }, { month = 11, weekday = "thu", nth = 4 },
///                  { fixed = "07-04", observed = true }]
/// ```
// A spec holds a few of these and reads them once: boxing the rule would only make them
// clumsier to build.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HolidayRuleSpec {
    /// A preset such as `"us_federal"`, `"gb_england_wales"`, `"de_national"` or `"de_by"`.
    Preset(String),
    /// A rule written out.
    Rule(HolidayRule),
}

/// A holiday rule as written. Exactly one way of naming the date must be given:
/// `fixed`; `easter`; `month` + `weekday` + `nth`; or `weekday` + `before` or `after`.
///
/// Nothing is checked while deserializing beyond the shape; the calendar's validation
/// reports an impossible rule as `invalid_holiday_rule`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayRule {
    /// A label for people (`"Christmas Eve"`); not used in any computation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A day every year, `"MM-DD"` (`"02-29"` occurs in leap years only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// The month (1-12) of an n-th weekday rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<i64>,
    /// A weekday, `"mon"` to `"sun"`, for `nth`, `before` and `after` rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    /// Which `weekday` of `month`: 1 to 5 from the start, -1 (last) to -5 from the end.
    /// A month without a fifth such weekday simply has no date that year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<i64>,
    /// The last `weekday` strictly before this `"MM-DD"` (Buß- und Bettag: Wednesday
    /// before 23 November).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The first `weekday` strictly after this `"MM-DD"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Days from Easter Sunday (Gregorian computus): -2 Good Friday, 1 Easter Monday,
    /// 39 Ascension, 50 Whit Monday, 60 Corpus Christi.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easter: Option<i64>,
    /// For a `fixed` day on a weekend, also close a weekday: `true` or `"nearest"`
    /// (Saturday to Friday, Sunday to Monday, as US federal holidays), or `"substitute"`
    /// (the next weekday that is not already a holiday of the rules, as UK bank holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<ObservedSpec>,
    /// The first year the rule applies (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_year: Option<i64>,
    /// The last year the rule applies (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_year: Option<i64>,
    /// A partial day: the date is open only these windows (like an exception), instead of
    /// being closed midnight to midnight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Vec<String>>,
}

/// The value of a rule's `observed` key: `true`/`false`, or a mode's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObservedSpec {
    /// `true` is `"nearest"`; `false` is no shifting.
    Flag(bool),
    /// `"nearest"`, `"substitute"` or `"none"`.
    Mode(String),
}

impl Serialize for HolidayRuleSpec {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            HolidayRuleSpec::Preset(name) => s.serialize_str(name),
            HolidayRuleSpec::Rule(rule) => rule.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for HolidayRuleSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct RuleVisitor;
        impl<'de> Visitor<'de> for RuleVisitor {
            type Value = HolidayRuleSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a preset name such as \"us_federal\" or a rule table such as { fixed = \"12-25\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(HolidayRuleSpec::Preset(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                HolidayRule::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(HolidayRuleSpec::Rule)
            }
        }
        d.deserialize_any(RuleVisitor)
    }
}

impl Serialize for ObservedSpec {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            ObservedSpec::Flag(b) => s.serialize_bool(*b),
            ObservedSpec::Mode(m) => s.serialize_str(m),
        }
    }
}

impl<'de> Deserialize<'de> for ObservedSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct ObservedVisitor;
        impl Visitor<'_> for ObservedVisitor {
            type Value = ObservedSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true, false, \"nearest\" or \"substitute\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Self::Value, E> {
                Ok(ObservedSpec::Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(ObservedSpec::Mode(v.to_string()))
            }
        }
        d.deserialize_any(ObservedVisitor)
    }
}

/// The rule as inline TOML, for error messages: `{ month = 11, weekday = "thx", nth = 4 }`.
impl fmt::Display for HolidayRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |v: &Option<String>| v.as_ref().map(|v| format!("{v:?}"));
        let number = |v: Option<i64>| v.map(|v| v.to_string());
        let observed = self.observed.as_ref().map(|o| match o {
            ObservedSpec::Flag(b) => b.to_string(),
            ObservedSpec::Mode(m) => format!("{m:?}"),
        });
        let hours = self.hours.as_ref().map(|hours| {
            let list: Vec<String> = hours.iter().map(|h| format!("{h:?}")).collect();
            format!("[{}]", list.join(", "))
        });
        let fields = [
            ("name", text(&self.name)),
            ("fixed", text(&self.fixed)),
            ("month", number(self.month)),
            ("weekday", text(&self.weekday)),
            ("nth", number(self.nth)),
            ("before", text(&self.before)),
            ("after", text(&self.after)),
            ("easter", number(self.easter)),
            ("observed", observed),
            ("from_year", number(self.from_year)),
            ("to_year", number(self.to_year)),
            ("hours", hours),
        ];
        let parts: Vec<String> = fields
            .into_iter()
            .filter_map(|(key, value)| value.map(|v| format!("{key} = {v}")))
            .collect();
        write!(f, "{{ {} }}", parts.join(", "))
    }
}

// ---------------------------------------------------------------------------------------
// The validated form.
// ---------------------------------------------------------------------------------------

/// How a closed day on a weekend is also observed on a weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Shift {
    None,
    /// Saturday to the Friday before, Sunday to the Monday after (US federal).
    Nearest,
    /// The next weekday that is not already a holiday of the rules (UK bank holidays).
    Substitute,
}

/// Which date(s) of a year a rule names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DateRule {
    /// Month and day; no date in years where it does not exist (29 February).
    Fixed { month: u32, day: u32 },
    /// The `nth` `weekday` of `month`; negative counts from the end.
    Nth {
        month: u32,
        weekday: Weekday,
        nth: i8,
    },
    /// Days from Easter Sunday.
    Easter(i32),
    /// The last `weekday` strictly before month-day.
    Before {
        month: u32,
        day: u32,
        weekday: Weekday,
    },
    /// The first `weekday` strictly after month-day.
    After {
        month: u32,
        day: u32,
        weekday: Weekday,
    },
    /// An iCalendar `FREQ=YEARLY` recurrence.
    Yearly(Box<Yearly>),
}

/// The dates an iCalendar `FREQ=YEARLY` rule names in a year (RFC 5545 §3.3.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Yearly {
    /// Days of months (negative from the month's end), optionally only on some weekdays.
    MonthDays {
        months: Vec<u32>,
        days: Vec<i8>,
        weekdays: Vec<Weekday>,
    },
    /// Weekdays of months: every such weekday (`None`) or the n-th one.
    MonthWeekdays {
        months: Vec<u32>,
        days: Vec<(Option<i8>, Weekday)>,
    },
    /// Weekdays of the year: every such weekday (`None`) or the n-th one.
    YearWeekdays { days: Vec<(Option<i8>, Weekday)> },
}

/// A validated rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) date: DateRule,
    /// The years the rule applies to (inclusive), as years of the rule, not of the date it
    /// lands on (New Year's Day 2022 observed on 2021-12-31 belongs to 2022).
    pub(crate) years: (i32, i32),
    /// Every `interval`-th year counted from `years.0` (iCalendar `INTERVAL`).
    pub(crate) interval: u32,
    /// Dates outside these (inclusive) are not produced (iCalendar `DTSTART`, `UNTIL`).
    pub(crate) dates: (NaiveDate, NaiveDate),
    /// Dates the rule would produce but does not (iCalendar `EXDATE`).
    pub(crate) except: Vec<NaiveDate>,
    pub(crate) shift: Shift,
    /// Consecutive dates closed from each date (multi-day iCalendar events); at least 1.
    pub(crate) days: u16,
    /// A partial day: the windows that replace the date's own.
    pub(crate) hours: Option<Vec<Window>>,
}

impl Rule {
    /// A closing rule for every supported year.
    pub(crate) fn closing(date: DateRule) -> Rule {
        Rule {
            date,
            years: (i32::MIN, i32::MAX),
            interval: 1,
            dates: (NaiveDate::MIN, NaiveDate::MAX),
            except: Vec::new(),
            shift: Shift::None,
            days: 1,
            hours: None,
        }
    }

    /// Restricts the rule to the years `from..=to`.
    pub(crate) fn years(mut self, from: i32, to: i32) -> Rule {
        self.years = (from, to);
        self
    }

    /// Makes a weekend date observed on a weekday too.
    pub(crate) fn shift(mut self, shift: Shift) -> Rule {
        self.shift = shift;
        self
    }

    /// Appends the dates the rule produces for rule year `year`.
    fn dates_in(&self, year: i32, out: &mut Vec<NaiveDate>) {
        if year < self.years.0 || year > self.years.1 {
            return;
        }
        if self.interval > 1
            && (i64::from(year) - i64::from(self.years.0)) % i64::from(self.interval) != 0
        {
            return;
        }
        let from = out.len();
        self.date.dates_in(year, out);
        let mut i = from;
        while i < out.len() {
            let d = out[i];
            if d < self.dates.0 || d > self.dates.1 || self.except.contains(&d) {
                out.remove(i);
            } else {
                i += 1;
            }
        }
    }
}

impl DateRule {
    /// Appends the dates this rule names for year `year` (sorted, no duplicates).
    pub(crate) fn dates_in(&self, year: i32, out: &mut Vec<NaiveDate>) {
        match self {
            DateRule::Fixed { month, day } => {
                out.extend(NaiveDate::from_ymd_opt(year, *month, *day))
            }
            DateRule::Nth {
                month,
                weekday,
                nth,
            } => out.extend(nth_weekday_of_month(year, *month, *weekday, *nth)),
            DateRule::Easter(offset) => {
                out.extend(easter_sunday(year).and_then(|e| add_days(e, i64::from(*offset))))
            }
            DateRule::Before {
                month,
                day,
                weekday,
            } => {
                if let Some(d) = NaiveDate::from_ymd_opt(year, *month, *day) {
                    let back = (7 + d.weekday().num_days_from_monday() as i64
                        - weekday.num_days_from_monday() as i64
                        - 1)
                        % 7
                        + 1;
                    out.extend(add_days(d, -back));
                }
            }
            DateRule::After {
                month,
                day,
                weekday,
            } => {
                if let Some(d) = NaiveDate::from_ymd_opt(year, *month, *day) {
                    let ahead = (7 + weekday.num_days_from_monday() as i64
                        - d.weekday().num_days_from_monday() as i64
                        - 1)
                        % 7
                        + 1;
                    out.extend(add_days(d, ahead));
                }
            }
            DateRule::Yearly(yearly) => {
                let from = out.len();
                yearly.dates_in(year, out);
                out[from..].sort_unstable();
                let mut tail: Vec<NaiveDate> = out.drain(from..).collect();
                tail.dedup();
                out.extend(tail);
            }
        }
    }
}

impl Yearly {
    fn dates_in(&self, year: i32, out: &mut Vec<NaiveDate>) {
        match self {
            Yearly::MonthDays {
                months,
                days,
                weekdays,
            } => {
                for &month in months {
                    let len = days_in_month(year, month);
                    for &day in days {
                        let day = if day < 0 {
                            i64::from(len) + 1 + i64::from(day)
                        } else {
                            i64::from(day)
                        };
                        let Some(date) = u32::try_from(day)
                            .ok()
                            .and_then(|d| NaiveDate::from_ymd_opt(year, month, d))
                        else {
                            continue;
                        };
                        if weekdays.is_empty() || weekdays.contains(&date.weekday()) {
                            out.push(date);
                        }
                    }
                }
            }
            Yearly::MonthWeekdays { months, days } => {
                for &month in months {
                    for &(nth, weekday) in days {
                        match nth {
                            Some(n) => out.extend(nth_weekday_of_month(year, month, weekday, n)),
                            None => {
                                let mut n = 1;
                                while let Some(d) = nth_weekday_of_month(year, month, weekday, n) {
                                    out.push(d);
                                    n += 1;
                                }
                            }
                        }
                    }
                }
            }
            Yearly::YearWeekdays { days } => {
                for &(nth, weekday) in days {
                    let (Some(first), Some(last)) = (
                        NaiveDate::from_ymd_opt(year, 1, 1),
                        NaiveDate::from_ymd_opt(year, 12, 31),
                    ) else {
                        continue;
                    };
                    let ahead = (7 + weekday.num_days_from_monday() as i64
                        - first.weekday().num_days_from_monday() as i64)
                        % 7;
                    let back = (7 + last.weekday().num_days_from_monday() as i64
                        - weekday.num_days_from_monday() as i64)
                        % 7;
                    let date = match nth {
                        Some(n) if n > 0 => add_days(first, ahead + 7 * (i64::from(n) - 1)),
                        Some(n) => add_days(last, -(back + 7 * (-i64::from(n) - 1))),
                        None => {
                            let mut d = add_days(first, ahead);
                            while let Some(day) = d.filter(|d| d.year() == year) {
                                out.push(day);
                                d = add_days(day, 7);
                            }
                            continue;
                        }
                    };
                    out.extend(date.filter(|d| d.year() == year));
                }
            }
        }
    }
}

/// The `nth` `weekday` of a month (negative: from the end), if the month has one.
pub(crate) fn nth_weekday_of_month(
    year: i32,
    month: u32,
    weekday: Weekday,
    nth: i8,
) -> Option<NaiveDate> {
    let len = days_in_month(year, month);
    if nth > 0 {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let ahead =
            (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
        let day = 1 + ahead + 7 * (u32::from(nth.unsigned_abs()) - 1);
        (day <= len)
            .then(|| NaiveDate::from_ymd_opt(year, month, day))
            .flatten()
    } else if nth < 0 {
        let last = NaiveDate::from_ymd_opt(year, month, len)?;
        let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        let from_end = back + 7 * (u32::from(nth.unsigned_abs()) - 1);
        (from_end < len)
            .then(|| NaiveDate::from_ymd_opt(year, month, len - from_end))
            .flatten()
    } else {
        None
    }
}

/// The number of days of a month (0 for a month that is not 1-12).
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if NaiveDate::from_ymd_opt(year, 2, 29).is_some() => 29,
        2 => 28,
        _ => 0,
    }
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, as given by
/// Meeus, *Astronomical Algorithms*, ch. 8).
pub(crate) fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let y = year;
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

// ---------------------------------------------------------------------------------------
// Validation of a written rule.
// ---------------------------------------------------------------------------------------

/// Parses a weekday key, `"mon"` to `"sun"`.
pub(crate) fn parse_weekday(text: &str) -> Option<Weekday> {
    WEEKDAY_KEYS
        .iter()
        .position(|k| *k == text)
        .and_then(|i| Weekday::try_from(i as u8).ok())
}

/// Parses `"MM-DD"`, a day that exists in some year (so `"02-29"` but not `"02-30"`).
fn parse_month_day(text: &str) -> std::result::Result<(u32, u32), String> {
    let bad = || format!("{text:?} is not a day of the year (expected \"MM-DD\", e.g. \"12-25\")");
    let (m, d) = text.split_once('-').ok_or_else(bad)?;
    if m.len() != 2 || d.len() != 2 || !(m.bytes().chain(d.bytes())).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (month, day) = (
        m.parse::<u32>().map_err(|_| bad())?,
        d.parse::<u32>().map_err(|_| bad())?,
    );
    // 2000 is a leap year: every day that exists in some year exists in it.
    if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
        return Err(format!("{text:?} does not exist in any year"));
    }
    Ok((month, day))
}

/// Validates one written rule.
pub(crate) fn compile(rule: &HolidayRule, place: &str) -> Result<Rule> {
    let place = format!("{place} {rule}");
    let bad = |why: String| Error::new(ErrorKind::InvalidHolidayRule, format!("{place}: {why}"));
    let weekday = |text: &String| {
        parse_weekday(text).ok_or_else(|| {
            bad(format!(
                "weekday {text:?} is not one of {}",
                WEEKDAY_KEYS.join(", ")
            ))
        })
    };
    let present = |used: &[&str]| -> Result<()> {
        let all: [(&str, bool); 7] = [
            ("fixed", rule.fixed.is_some()),
            ("month", rule.month.is_some()),
            ("weekday", rule.weekday.is_some()),
            ("nth", rule.nth.is_some()),
            ("before", rule.before.is_some()),
            ("after", rule.after.is_some()),
            ("easter", rule.easter.is_some()),
        ];
        for (key, set) in all {
            if set && !used.contains(&key) {
                return Err(bad(format!(
                    "\"{key}\" does not go with \"{}\" (a rule is one of: fixed; easter; month + weekday + nth; weekday + before; weekday + after)",
                    used.join("\" + \"")
                )));
            }
        }
        Ok(())
    };
    let date = if let Some(fixed) = &rule.fixed {
        present(&["fixed"])?;
        let (month, day) = parse_month_day(fixed).map_err(bad)?;
        DateRule::Fixed { month, day }
    } else if let Some(offset) = rule.easter {
        present(&["easter"])?;
        if !(-366..=366).contains(&offset) {
            return Err(bad(format!(
                "easter offset {offset} is out of range (expected -366 to 366 days)"
            )));
        }
        DateRule::Easter(offset as i32)
    } else if let (Some(day), Some(wd)) = (&rule.before, &rule.weekday) {
        present(&["weekday", "before"])?;
        let (month, day) = parse_month_day(day).map_err(bad)?;
        DateRule::Before {
            month,
            day,
            weekday: weekday(wd)?,
        }
    } else if let (Some(day), Some(wd)) = (&rule.after, &rule.weekday) {
        present(&["weekday", "after"])?;
        let (month, day) = parse_month_day(day).map_err(bad)?;
        DateRule::After {
            month,
            day,
            weekday: weekday(wd)?,
        }
    } else if rule.month.is_some() || rule.nth.is_some() || rule.weekday.is_some() {
        let (Some(month), Some(wd), Some(nth)) = (rule.month, &rule.weekday, rule.nth) else {
            let missing: Vec<&str> = [
                ("month", rule.month.is_none()),
                ("weekday", rule.weekday.is_none()),
                ("nth", rule.nth.is_none()),
            ]
            .iter()
            .filter(|(_, m)| *m)
            .map(|(k, _)| *k)
            .collect();
            return Err(bad(format!(
                "an n-th weekday rule needs month, weekday and nth (missing {})",
                missing.join(", ")
            )));
        };
        present(&["month", "weekday", "nth"])?;
        if !(1..=12).contains(&month) {
            return Err(bad(format!("month {month} is not 1 to 12")));
        }
        let weekday = weekday(wd)?;
        if nth == 0 || !(-5..=5).contains(&nth) {
            return Err(bad(format!(
                "nth = {nth}: no month has that many of a weekday (expected 1 to 5, or -1 for the last to -5)"
            )));
        }
        DateRule::Nth {
            month: month as u32,
            weekday,
            nth: nth as i8,
        }
    } else {
        return Err(bad(
            "the rule names no date (give fixed; easter; month + weekday + nth; or weekday + before/after)".into(),
        ));
    };
    let year = |key: &str, v: Option<i64>, default: i32| -> Result<i32> {
        match v {
            None => Ok(default),
            Some(y) if (i64::from(MIN_YEAR)..i64::from(END_YEAR)).contains(&y) => Ok(y as i32),
            Some(y) => Err(bad(format!(
                "{key} {y} is outside the supported years {MIN_YEAR}-{}",
                END_YEAR - 1
            ))),
        }
    };
    let from = year("from_year", rule.from_year, i32::MIN)?;
    let to = year("to_year", rule.to_year, i32::MAX)?;
    if from > to {
        return Err(bad(format!("from_year {from} is after to_year {to}")));
    }
    let shift = match &rule.observed {
        None | Some(ObservedSpec::Flag(false)) => Shift::None,
        Some(ObservedSpec::Flag(true)) => Shift::Nearest,
        Some(ObservedSpec::Mode(m)) => match m.as_str() {
            "nearest" => Shift::Nearest,
            "substitute" => Shift::Substitute,
            "none" => Shift::None,
            other => {
                return Err(bad(format!(
                    "observed = {other:?} is not true, false, \"nearest\" or \"substitute\""
                )))
            }
        },
    };
    if shift != Shift::None && rule.fixed.is_none() {
        return Err(bad(
            "\"observed\" applies to fixed days only (the other rules name weekdays already)"
                .into(),
        ));
    }
    let hours = match &rule.hours {
        None => None,
        Some(_) if shift != Shift::None => {
            return Err(bad(
                "\"observed\" shifts closed days; a partial day (\"hours\") is not shifted".into(),
            ))
        }
        Some(texts) => Some(parse_windows(texts, &format!("{place}: hours"))?),
    };
    Ok(Rule {
        date,
        years: (from, to),
        interval: 1,
        dates: (NaiveDate::MIN, NaiveDate::MAX),
        except: Vec::new(),
        shift,
        days: 1,
        hours,
    })
}

// ---------------------------------------------------------------------------------------
// Expansion, per local year, cached.
// ---------------------------------------------------------------------------------------

/// The first local year with an expansion slot: local dates reach a day before the
/// first supported UTC instant.
const FIRST_YEAR: i32 = MIN_YEAR - 1;
/// Local years with a slot: `FIRST_YEAR..=END_YEAR`.
const SLOTS: usize = (END_YEAR - FIRST_YEAR + 1) as usize;

/// What the rules make of one local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleDay<'a> {
    /// No rule names the date.
    Open,
    /// Closed midnight to midnight.
    Closed,
    /// A partial day: these windows replace the date's own.
    Hours(&'a [Window]),
}

/// One local year of expanded rules.
#[derive(Debug, Clone, Default)]
struct YearDays {
    /// Bit `ordinal0` set: the date is closed.
    closed: [u64; 6],
    /// Partial days by `ordinal0`, sorted; windows sorted by start.
    partial: Vec<(u16, Vec<Window>)>,
}

/// All holiday rules of a calendar (inline, presets, iCalendar) and their expansions.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleSet {
    rules: Vec<Rule>,
    /// One-off closed dates and their length in days, sorted (presets' one-off holidays,
    /// iCalendar events that do not recur).
    once: Vec<(NaiveDate, u16)>,
    years: Box<[OnceLock<YearDays>]>,
}

impl RuleSet {
    pub(crate) fn new(rules: Vec<Rule>, mut once: Vec<(NaiveDate, u16)>) -> RuleSet {
        once.sort_unstable();
        once.dedup();
        let years = if rules.is_empty() && once.is_empty() {
            Box::default()
        } else {
            (0..SLOTS).map(|_| OnceLock::new()).collect()
        };
        RuleSet { rules, once, years }
    }

    /// Whether a partial-day rule has a window (for the "any working time" check).
    pub(crate) fn any_hours(&self) -> bool {
        self.rules
            .iter()
            .any(|r| r.hours.as_ref().is_some_and(|w| !w.is_empty()))
    }

    /// What the rules make of `date`.
    #[inline]
    pub(crate) fn day(&self, date: NaiveDate) -> RuleDay<'_> {
        if self.years.is_empty() {
            return RuleDay::Open;
        }
        let Some(slot) = usize::try_from(date.year() - FIRST_YEAR)
            .ok()
            .and_then(|i| self.years.get(i))
        else {
            return RuleDay::Open;
        };
        let year = slot.get_or_init(|| self.expand(date.year()));
        let ordinal = date.ordinal0() as usize;
        // A partial day wins over a closure: it is the more specific statement
        // (`{ fixed = "08-15", hours = [...] }` re-opens a preset's holiday).
        if !year.partial.is_empty() {
            if let Ok(i) = year
                .partial
                .binary_search_by_key(&(ordinal as u16), |(o, _)| *o)
            {
                return RuleDay::Hours(&year.partial[i].1);
            }
        }
        if year.closed[ordinal / 64] & (1 << (ordinal % 64)) != 0 {
            RuleDay::Closed
        } else {
            RuleDay::Open
        }
    }

    /// Works out the closed and partial dates of local year `year`.
    ///
    /// Rules of the years before and after are included: an observed day can move into
    /// the neighbouring year, and a substitute day must skip the holidays around it. The
    /// candidates are taken in date order (then rule order), so that a UK Christmas on a
    /// Saturday takes Monday and Boxing Day on the Sunday then takes Tuesday.
    fn expand(&self, year: i32) -> YearDays {
        // (date, rule index or usize::MAX for a one-off, length in days)
        let mut candidates: Vec<(NaiveDate, usize, u16)> = Vec::new();
        let mut dates = Vec::new();
        for y in year - 1..=year + 1 {
            for (i, rule) in self.rules.iter().enumerate() {
                dates.clear();
                rule.dates_in(y, &mut dates);
                candidates.extend(dates.iter().map(|&d| (d, i, rule.days)));
            }
        }
        // One-offs that can reach the three years (events are at most 366 days long).
        let lo = NaiveDate::from_ymd_opt(year - 3, 1, 1).unwrap_or(NaiveDate::MIN);
        let hi = NaiveDate::from_ymd_opt(year + 2, 1, 1).unwrap_or(NaiveDate::MAX);
        let start = self.once.partition_point(|(d, _)| *d < lo);
        for &(d, len) in self.once[start..].iter().take_while(|(d, _)| *d < hi) {
            candidates.push((d, usize::MAX, len));
        }
        candidates.sort_unstable();

        let rule_of = |i: usize| self.rules.get(i);
        let closes = |i: usize| rule_of(i).is_none_or(|r| r.hours.is_none());
        let span = |d: NaiveDate, len: u16| (0..i64::from(len)).filter_map(move |k| add_days(d, k));
        // Dates already holidays, which a substitute day skips.
        let mut taken: BTreeSet<NaiveDate> = candidates
            .iter()
            .filter(|(_, i, _)| closes(*i))
            .flat_map(|&(d, _, len)| span(d, len))
            .collect();
        let mut out = YearDays::default();
        let close = |out: &mut YearDays, d: NaiveDate| {
            if d.year() == year {
                let o = d.ordinal0() as usize;
                out.closed[o / 64] |= 1 << (o % 64);
            }
        };
        let mut seen: BTreeSet<(NaiveDate, Shift, u16)> = BTreeSet::new();
        for &(d, i, len) in &candidates {
            let shift = rule_of(i).map_or(Shift::None, |r| r.shift);
            if let Some(hours) = rule_of(i).and_then(|r| r.hours.as_ref()) {
                if d.year() == year {
                    let o = d.ordinal0() as u16;
                    match out.partial.binary_search_by_key(&o, |(x, _)| *x) {
                        Ok(k) => {
                            out.partial[k].1.extend_from_slice(hours);
                            out.partial[k].1.sort_by_key(|w| (w.start, w.end));
                        }
                        Err(k) => out.partial.insert(k, (o, hours.clone())),
                    }
                }
                continue;
            }
            // The same holiday from two rules (a preset named twice, or a preset and a
            // rule) is one holiday: it gets one substitute day, not two.
            if !seen.insert((d, shift, len)) {
                continue;
            }
            for day in span(d, len) {
                close(&mut out, day);
            }
            if !is_weekend(d) {
                continue;
            }
            match shift {
                Shift::None => {}
                Shift::Nearest => {
                    let k = if d.weekday() == Weekday::Sat { -1 } else { 1 };
                    if let Some(day) = add_days(d, k) {
                        close(&mut out, day);
                    }
                }
                Shift::Substitute => {
                    let mut day = add_days(d, 1);
                    while let Some(x) = day.filter(|x| is_weekend(*x) || taken.contains(x)) {
                        day = add_days(x, 1);
                    }
                    if let Some(day) = day {
                        taken.insert(day);
                        close(&mut out, day);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn easter_sundays() {
        // Published Easter dates (Gregorian).
        for (year, date) in [
            (1900, "1900-04-15"),
            (1954, "1954-04-18"),
            (1981, "1981-04-19"),
            (2000, "2000-04-23"),
            (2008, "2008-03-23"),
            (2011, "2011-04-24"),
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ] {
            assert_eq!(easter_sunday(year), Some(d(date)), "{year}");
        }
    }

    #[test]
    fn nth_weekdays() {
        use Weekday::*;
        assert_eq!(
            nth_weekday_of_month(2026, 11, Thu, 4),
            Some(d("2026-11-26"))
        );
        assert_eq!(
            nth_weekday_of_month(2026, 5, Mon, -1),
            Some(d("2026-05-25"))
        );
        assert_eq!(
            nth_weekday_of_month(2026, 8, Mon, -1),
            Some(d("2026-08-31"))
        );
        assert_eq!(nth_weekday_of_month(2026, 8, Mon, 5), Some(d("2026-08-31")));
        assert_eq!(nth_weekday_of_month(2026, 9, Mon, 5), None);
        assert_eq!(nth_weekday_of_month(2026, 9, Mon, -5), None);
        assert_eq!(nth_weekday_of_month(2026, 8, Sat, 1), Some(d("2026-08-01")));
        assert_eq!(
            nth_weekday_of_month(2026, 2, Sat, -4),
            Some(d("2026-02-07"))
        );
    }

    #[test]
    fn before_and_after() {
        let before = DateRule::Before {
            month: 11,
            day: 23,
            weekday: Weekday::Wed,
        };
        for (year, date) in [
            (2023, "2023-11-22"),
            (2024, "2024-11-20"),
            (2025, "2025-11-19"),
            (2026, "2026-11-18"),
        ] {
            let mut out = vec![];
            before.dates_in(year, &mut out);
            assert_eq!(out, vec![d(date)], "{year}");
        }
        // 23 November 2022 was a Wednesday: the Wednesday strictly before is the 16th.
        let mut out = vec![];
        before.dates_in(2022, &mut out);
        assert_eq!(out, vec![d("2022-11-16")]);
        let after = DateRule::After {
            month: 6,
            day: 19,
            weekday: Weekday::Sat,
        };
        let mut out = vec![];
        after.dates_in(2026, &mut out); // 2026-06-19 is a Friday
        after.dates_in(2027, &mut out); // 2027-06-19 is a Saturday: the next one
        assert_eq!(out, vec![d("2026-06-20"), d("2027-06-26")]);
    }
}
