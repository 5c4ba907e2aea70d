//! The serde form of a business calendar (SPEC §3) and its validation into a [`Schedule`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ics;
use super::local::DAY_SECS;
use super::presets::{preset, PRESETS};
use super::rules::{self, HolidayRuleSpec, RuleDay, RuleSet};
use crate::error::{Error, ErrorKind, Result};
use crate::time::{END_YEAR, MIN_YEAR};

/// The weekday keys of a calendar spec, Monday first.
pub(crate) const WEEKDAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A business calendar as written by people (TOML) or machines (JSON).
///
/// ```toml
/// timezone = "America/New_York"
/// mon = ["08:00-18:00"]
/// tue = ["08:00-12:00", "13:00-18:00"]
/// sun = ["22:00-06:00"]                    # runs into Monday
/// holidays = ["2026-11-26", "2026-12-25"]
/// exceptions = [ { date = "2026-12-24", hours = ["08:00-12:00"] } ]
/// holiday_rules = ["us_federal", { fixed = "12-31", hours = ["08:00-12:00"] }]
/// ```
///
/// Holiday calendars in iCalendar form (`.ics` text) are added with
/// [`CalendarSpec::with_ics`] or the `holiday_ics` key (a string or a list of strings).
///
/// Nothing is checked while deserializing beyond the shape; [`crate::Calendar::from_spec`]
/// validates everything once and reports the first problem with its code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarSpec {
    /// IANA time zone name, e.g. `"Europe/Berlin"`.
    pub timezone: Option<String>,
    /// Working windows per weekday, Monday first; `None` (absent) means closed.
    pub week: [Option<Vec<String>>; 7],
    /// Dates (`YYYY-MM-DD`) closed midnight to midnight.
    pub holidays: Vec<String>,
    /// Dates whose windows replace the weekly template's.
    pub exceptions: Vec<ExceptionSpec>,
    /// Holidays by rule: presets (`"us_federal"`) and rules (`{ easter = -2 }`), expanded
    /// for whatever years the queries reach.
    pub holiday_rules: Vec<HolidayRuleSpec>,
    /// iCalendar (`.ics`) texts whose events are holidays (all-day events) and closed
    /// periods (timed events). Kept as text so that the spec stays serializable; see
    /// [`CalendarSpec::with_ics`].
    pub holiday_ics: Vec<String>,
    /// Weekdays that appeared more than once (kept to be reported by validation).
    duplicate_days: Vec<&'static str>,
}

/// One exception date: its windows replace the weekly template for windows starting that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionSpec {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// Its windows; an empty list closes the date.
    pub hours: Vec<String>,
}

impl CalendarSpec {
    /// Parses a spec from TOML text.
    pub fn from_toml(text: &str) -> Result<CalendarSpec> {
        toml::from_str(text).map_err(|e| Error::from_toml(&e))
    }

    /// Parses a spec from JSON text.
    pub fn from_json(text: &str) -> Result<CalendarSpec> {
        serde_json::from_str(text).map_err(|e| Error::from_json(&e))
    }

    /// Adds a holiday calendar in iCalendar form, the text of an `.ics` file: its all-day
    /// events close their dates like holiday rules, its timed events are closed periods,
    /// and yearly recurrences (`RRULE:FREQ=YEARLY`) repeat (see `docs/semantics.md` §2).
    ///
    /// The text is checked now (`invalid_ics` if it is not iCalendar the import reads) and
    /// kept in [`holiday_ics`](CalendarSpec::holiday_ics); floating times are read in the
    /// calendar's zone when the calendar is built.
    ///
    /// ```
    /// use slaledger::{Calendar, CalendarSpec};
    /// let mut spec = CalendarSpec::from_toml(r#"
    ///     timezone = "Europe/Berlin"
    ///     mon = ["08:00-17:00"]
    /// "#).unwrap();
    /// spec.with_ics("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261228\r\n\
    ///                SUMMARY:Team day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    /// let cal = Calendar::from_spec("berlin", &spec).unwrap();
    /// assert_eq!(cal.holidays_in(2026).len(), 1);
    /// ```
    pub fn with_ics(&mut self, text: &str) -> Result<()> {
        ics::check(text)?;
        self.holiday_ics.push(text.to_string());
        Ok(())
    }
}

impl Serialize for CalendarSpec {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(tz) = &self.timezone {
            map.serialize_entry("timezone", tz)?;
        }
        for (key, windows) in WEEKDAY_KEYS.iter().zip(&self.week) {
            if let Some(windows) = windows {
                map.serialize_entry(key, windows)?;
            }
        }
        if !self.holidays.is_empty() {
            map.serialize_entry("holidays", &self.holidays)?;
        }
        if !self.exceptions.is_empty() {
            map.serialize_entry("exceptions", &self.exceptions)?;
        }
        if !self.holiday_rules.is_empty() {
            map.serialize_entry("holiday_rules", &self.holiday_rules)?;
        }
        if !self.holiday_ics.is_empty() {
            map.serialize_entry("holiday_ics", &self.holiday_ics)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for CalendarSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<CalendarSpec, D::Error> {
        d.deserialize_map(SpecVisitor)
    }
}

struct SpecVisitor;

const FIELDS: &[&str] = &[
    "timezone",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "holidays",
    "exceptions",
    "holiday_rules",
    "holiday_ics",
];

impl<'de> Visitor<'de> for SpecVisitor {
    type Value = CalendarSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a calendar table with timezone, mon..sun, holidays, exceptions, holiday_rules and holiday_ics")
    }

    // A hand-written visitor rather than a derive: a weekday given twice must be reported
    // as `duplicate_day` with its name, which a derived struct cannot do.
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<CalendarSpec, A::Error> {
        let mut spec = CalendarSpec::default();
        let mut seen_tz = false;
        while let Some(key) = map.next_key::<String>()? {
            if let Some(day) = WEEKDAY_KEYS.iter().position(|k| *k == key) {
                let windows: Vec<String> = map.next_value()?;
                if spec.week[day].is_some() {
                    spec.duplicate_days.push(WEEKDAY_KEYS[day]);
                }
                spec.week[day] = Some(windows);
                continue;
            }
            match key.as_str() {
                "timezone" if seen_tz => return Err(de::Error::duplicate_field("timezone")),
                "timezone" => {
                    seen_tz = true;
                    spec.timezone = Some(map.next_value()?);
                }
                "holidays" => spec.holidays.extend(map.next_value::<Vec<String>>()?),
                "exceptions" => spec
                    .exceptions
                    .extend(map.next_value::<Vec<ExceptionSpec>>()?),
                "holiday_rules" => spec
                    .holiday_rules
                    .extend(map.next_value::<Vec<HolidayRuleSpec>>()?),
                "holiday_ics" => spec.holiday_ics.extend(map.next_value::<StringOrList>()?.0),
                _ => return Err(de::Error::unknown_field(&key, FIELDS)),
            }
        }
        Ok(spec)
    }
}

/// A string, or a list of strings (`holiday_ics`).
struct StringOrList(Vec<String>);

impl<'de> Deserialize<'de> for StringOrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = StringOrList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("iCalendar text, or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(StringOrList(vec![v.to_string()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(text) = seq.next_element::<String>()? {
                    out.push(text);
                }
                Ok(StringOrList(out))
            }
        }
        d.deserialize_any(ListVisitor)
    }
}

/// A working window in local wall time, in seconds from the midnight starting its date.
///
/// `end` may be past [`DAY_SECS`]: an overnight window ends on the next date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// A validated calendar: zone, weekly template, holidays, exceptions, holiday rules and
/// closed periods.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    pub(crate) tz: Tz,
    /// Windows per weekday, Monday first, sorted by start.
    pub(crate) week: [Vec<Window>; 7],
    pub(crate) holidays: BTreeSet<NaiveDate>,
    pub(crate) exceptions: BTreeMap<NaiveDate, Vec<Window>>,
    /// Holiday rules (inline, presets, iCalendar all-day events), expanded per local year.
    pub(crate) rules: RuleSet,
    /// Closed periods (iCalendar timed events): UTC milliseconds, sorted, disjoint and not
    /// touching.
    pub(crate) closed: Vec<(i64, i64)>,
}

/// What a local date contributes: its own windows, and whether its whole date is closed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DayRule<'a> {
    /// The windows starting on the date. A holiday keeps its weekly windows: only their
    /// part on the holiday's own date is removed (see `closed`).
    pub(crate) windows: &'a [Window],
    /// The date is a holiday: all working time whose local date is this one is removed.
    pub(crate) closed: bool,
}

impl DayRule<'_> {
    /// A date without windows that is not closed (past the end of the supported dates).
    pub(crate) const OPEN: DayRule<'static> = DayRule {
        windows: &[],
        closed: false,
    };
}

impl Schedule {
    /// The windows starting on `date`, and whether the date is a closed holiday.
    ///
    /// The more specific statement wins: an exception (dated hours) over everything, then
    /// a listed holiday (a dated closure), then a rule's partial day (`hours`), then a
    /// rule's closure (presets, rules, iCalendar all-day events). So "this Christmas Eve we
    /// open 08:00-12:00" beats a holiday, and `{ fixed = "08-15", hours = [...] }` re-opens
    /// a preset's holiday.
    ///
    /// A holiday returns its weekly windows with `closed` set, not an empty list: SPEC §3
    /// says the part of a window starting on the holiday that runs past midnight into the
    /// next day is on the next date and still counts. The holiday's own date is clipped
    /// out by `compiled::day_intervals`. (Returning no windows here dropped that part.)
    pub(crate) fn day(&self, date: NaiveDate) -> DayRule<'_> {
        if let Some(windows) = self.exceptions.get(&date) {
            return DayRule {
                windows,
                closed: false,
            };
        }
        let weekday = date.weekday().num_days_from_monday() as usize;
        let windows = &self.week[weekday];
        if self.holidays.contains(&date) {
            return DayRule {
                windows,
                closed: true,
            };
        }
        match self.rules.day(date) {
            RuleDay::Open => DayRule {
                windows,
                closed: false,
            },
            RuleDay::Closed => DayRule {
                windows,
                closed: true,
            },
            RuleDay::Hours(windows) => DayRule {
                windows,
                closed: false,
            },
        }
    }

    pub(crate) fn validate(name: &str, spec: &CalendarSpec) -> Result<Schedule> {
        let place = format!("calendar {name:?}");
        let tz_name = spec.timezone.as_deref().ok_or_else(|| {
            Error::new(ErrorKind::MissingField, format!("{place}: missing \"timezone\" (expected an IANA name such as \"America/New_York\")"))
        })?;
        let tz = Tz::from_str(tz_name).map_err(|_| {
            Error::new(
                ErrorKind::UnknownTimeZone,
                format!("{place}: unknown time zone {tz_name:?} (expected an IANA name such as \"America/New_York\")"),
            )
        })?;
        if let Some(day) = spec.duplicate_days.first() {
            return Err(Error::new(
                ErrorKind::DuplicateDay,
                format!("{place}: weekday {day:?} is given more than once"),
            ));
        }
        let mut week: [Vec<Window>; 7] = Default::default();
        for (i, windows) in spec.week.iter().enumerate() {
            if let Some(windows) = windows {
                week[i] = parse_windows(windows, &format!("{place}: on {}", WEEKDAY_KEYS[i]))?;
            }
        }
        let mut holidays = BTreeSet::new();
        for text in &spec.holidays {
            holidays.insert(parse_date(text, &format!("{place}: holiday"))?);
        }
        let mut exceptions = BTreeMap::new();
        for exception in &spec.exceptions {
            let date = parse_date(&exception.date, &format!("{place}: exception"))?;
            let windows = parse_windows(
                &exception.hours,
                &format!("{place}: exception {}", exception.date),
            )?;
            if exceptions.insert(date, windows).is_some() {
                return Err(Error::new(
                    ErrorKind::DuplicateDate,
                    format!(
                        "{place}: exception date {} is given more than once",
                        exception.date
                    ),
                ));
            }
        }
        let (rules, closed) = compile_rules(&place, spec, tz)?;
        let any_window = week.iter().any(|w| !w.is_empty())
            || exceptions.values().any(|w| !w.is_empty())
            || rules.any_hours();
        if !any_window {
            return Err(Error::new(
                ErrorKind::NoWorkingTime,
                format!("{place}: no working time at all (every weekday is closed and no exception opens a date)"),
            ));
        }
        Ok(Schedule {
            tz,
            week,
            holidays,
            exceptions,
            rules,
            closed,
        })
    }
}

/// Validates the holiday rules, presets and iCalendar texts of a spec.
fn compile_rules(place: &str, spec: &CalendarSpec, tz: Tz) -> Result<(RuleSet, Vec<(i64, i64)>)> {
    let mut rules = Vec::new();
    let mut once = Vec::new();
    for (i, entry) in spec.holiday_rules.iter().enumerate() {
        let at = format!("{place}: holiday_rules[{i}]");
        match entry {
            HolidayRuleSpec::Rule(rule) => rules.push(rules::compile(rule, &at)?),
            HolidayRuleSpec::Preset(name) => {
                let p = preset(name).ok_or_else(|| {
                    Error::new(
                        ErrorKind::UnknownPreset,
                        format!(
                            "{at}: unknown preset {name:?} (known: {})",
                            PRESETS.join(", ")
                        ),
                    )
                })?;
                rules.extend(p.rules);
                once.extend(p.once);
            }
        }
    }
    let mut closed = Vec::new();
    for (i, text) in spec.holiday_ics.iter().enumerate() {
        let imported = ics::import(text, tz)
            .map_err(|e| e.context(format_args!("{place}: holiday_ics[{i}]")))?;
        rules.extend(imported.rules);
        once.extend(imported.once);
        closed.extend(imported.periods);
    }
    closed.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(closed.len());
    for (s, e) in closed {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    Ok((RuleSet::new(rules, once), merged))
}

pub(super) fn parse_windows(texts: &[String], place: &str) -> Result<Vec<Window>> {
    let mut windows = texts
        .iter()
        .map(|t| parse_window(t).map_err(|e| e.context(place)))
        .collect::<Result<Vec<_>>>()?;
    windows.sort_by_key(|w| (w.start, w.end));
    Ok(windows)
}

/// Parses `HH:MM[:SS]-HH:MM[:SS]`; an end at or before the start runs into the next day.
fn parse_window(text: &str) -> Result<Window> {
    let bad = |why: String| Error::new(ErrorKind::InvalidTime, format!("window {text:?}: {why}"));
    let (start, end) = text.split_once('-').ok_or_else(|| {
        bad("expected \"HH:MM-HH:MM\" with a hyphen between start and end".into())
    })?;
    let start = parse_clock(start.trim()).map_err(|why| bad(format!("start {why}")))?;
    let end = parse_clock(end.trim()).map_err(|why| bad(format!("end {why}")))?;
    if start == DAY_SECS {
        return Err(bad("24:00 is allowed only as an end".into()));
    }
    if start == end {
        return Err(Error::new(
            ErrorKind::EmptyWindow,
            format!("window {text:?} has no length (start equals end)"),
        ));
    }
    let end = if end <= start { end + DAY_SECS } else { end };
    Ok(Window { start, end })
}

/// Parses `HH:MM` or `HH:MM:SS` to seconds after midnight; `24:00` is 86400.
fn parse_clock(text: &str) -> std::result::Result<u32, String> {
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("{text:?} is not HH:MM or HH:MM:SS"));
    }
    let num = |p: &str| p.parse::<u32>().unwrap_or(u32::MAX);
    let (h, m, s) = (
        num(parts[0]),
        num(parts[1]),
        parts.get(2).map_or(0, |p| num(p)),
    );
    if h == 24 && m == 0 && s == 0 {
        return Ok(DAY_SECS);
    }
    if h > 23 {
        return Err(format!(
            "{text:?} has hour {h} (expected 00-23, or 24:00 as an end)"
        ));
    }
    if m > 59 || s > 59 {
        return Err(format!("{text:?} has minutes or seconds past 59"));
    }
    Ok(h * 3600 + m * 60 + s)
}

fn parse_date(text: &str, place: &str) -> Result<NaiveDate> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10);
    match date {
        Some(d) if (MIN_YEAR..END_YEAR).contains(&d.year()) => Ok(d),
        Some(_) => Err(Error::new(
            ErrorKind::InvalidDate,
            format!(
                "{place} {text:?} is outside the supported years {MIN_YEAR}-{}",
                END_YEAR - 1
            ),
        )),
        None => Err(Error::new(
            ErrorKind::InvalidDate,
            format!("{place} {text:?} is not a date (expected YYYY-MM-DD)"),
        )),
    }
}
