//! Holiday calendars imported from iCalendar text (RFC 5545, `.ics`).
//!
//! The `icalendar` crate parses the text (line unfolding, parameters, quoting, nested
//! components); this module reads the `VEVENT`s of it:
//! - an all-day event (`DTSTART;VALUE=DATE`) closes its dates, midnight to midnight, like
//!   a holiday rule (`DTEND` is exclusive; no `DTEND` is one day);
//! - a timed event is a **closed period**: its instants are removed from working time
//!   whatever the windows, holidays and exceptions say;
//! - `RRULE` with `FREQ=YEARLY` (with `INTERVAL`, `COUNT`, `UNTIL`, `BYMONTH`,
//!   `BYMONTHDAY`, `BYDAY`) recurs; `EXDATE`, `RDATE` and `RECURRENCE-ID` overrides are
//!   honoured; `STATUS:CANCELLED` events are skipped. All-day recurrences expand lazily
//!   per year like any holiday rule; timed ones are expanded up to the end of the
//!   supported range when the calendar is built.
//!
//! Anything else that would change which time is closed (another `FREQ`, `BYSETPOS`, a
//! `TZID` that is not an IANA name) is refused with `invalid_ics` rather than guessed.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike, Weekday};
use chrono_tz::Tz;
use icalendar::parser::{read_components, unfold, Component, Property};

use super::local;
use super::rules::{DateRule, Rule, Yearly};
use crate::error::{Error, ErrorKind, Result};
use crate::time::{Instant, END_YEAR};

/// What a calendar takes from an iCalendar text.
#[derive(Debug, Default)]
pub(crate) struct Imported {
    /// Recurring all-day events.
    pub(crate) rules: Vec<Rule>,
    /// One-off all-day events: first date and number of dates.
    pub(crate) once: Vec<(NaiveDate, u16)>,
    /// Timed events: closed periods, UTC milliseconds, unsorted.
    pub(crate) periods: Vec<(i64, i64)>,
}

/// Checks that `text` is iCalendar the import understands, before the calendar's zone
/// is known (floating times are read in UTC for the check, and in the calendar's zone
/// when the calendar is built).
pub(crate) fn check(text: &str) -> Result<()> {
    import(text, Tz::UTC).map(|_| ())
}

/// Reads the events of `text`; floating times are in `tz`, the calendar's zone.
pub(crate) fn import(text: &str, tz: Tz) -> Result<Imported> {
    let events = parse(text)?;
    // RECURRENCE-ID overrides replace an occurrence of the event with the same UID.
    let mut moved: HashMap<&str, Vec<When>> = HashMap::new();
    for e in &events {
        if let (Some(rid), Some(uid)) = (e.recurrence_id, e.uid.as_deref()) {
            moved.entry(uid).or_default().push(rid);
        }
    }
    let mut out = Imported::default();
    for e in &events {
        let mut exdates = e.exdates.clone();
        if e.recurrence_id.is_none() {
            if let Some(more) = e.uid.as_deref().and_then(|u| moved.get(u)) {
                exdates.extend(more.iter().copied());
            }
        }
        if e.cancelled {
            continue;
        }
        let result = match e.start {
            When::Date(start) => all_day(e, start, &exdates, &mut out),
            _ => timed(e, tz, &exdates, &mut out),
        };
        result.map_err(|why| bad(format!("event {}: {why}", e.label)))?;
    }
    Ok(out)
}

fn bad(why: String) -> Error {
    Error::new(ErrorKind::InvalidIcs, format!("invalid iCalendar: {why}"))
}

// ---------------------------------------------------------------------------------------
// Reading the text.
// ---------------------------------------------------------------------------------------

/// A `DATE` or `DATE-TIME` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Date(NaiveDate),
    /// Local time without a zone: the calendar's zone.
    Floating(NaiveDateTime),
    Utc(NaiveDateTime),
    Zoned(NaiveDateTime, Tz),
}

/// A `DURATION` value: nominal days (weeks are 7 days) and exact seconds.
#[derive(Debug, Clone, Copy)]
struct Dur {
    days: i64,
    secs: i64,
}

#[derive(Debug, Clone)]
struct RRule {
    yearly: Yearly,
    interval: u32,
    count: Option<u32>,
    until: Option<When>,
}

#[derive(Debug)]
struct Event {
    /// `"SUMMARY"` or the UID or its position, for messages.
    label: String,
    uid: Option<String>,
    start: When,
    end: Option<When>,
    duration: Option<Dur>,
    rrule: Option<String>,
    exdates: Vec<When>,
    rdates: Vec<When>,
    recurrence_id: Option<When>,
    cancelled: bool,
}

fn parse(text: &str) -> Result<Vec<Event>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match text.lines().map(str::trim).find(|l| !l.is_empty()) {
        None => return Err(bad("the text is empty, not iCalendar".into())),
        Some(first) if !first.eq_ignore_ascii_case("BEGIN:VCALENDAR") => {
            let first: String = first.chars().take(60).collect();
            return Err(bad(format!(
                "the text is not iCalendar: expected BEGIN:VCALENDAR on the first line, found {first:?}"
            )));
        }
        Some(_) => {}
    }
    let unfolded = unfold(text.trim_end());
    let roots = read_components(&unfolded).map_err(|e| bad(parse_error(&e)))?;
    let mut events = Vec::new();
    for root in &roots {
        if !root.name.as_str().eq_ignore_ascii_case("VCALENDAR") {
            return Err(bad(format!(
                "expected BEGIN:VCALENDAR, found BEGIN:{}",
                root.name.as_str()
            )));
        }
        for component in &root.components {
            if component.name.as_str().eq_ignore_ascii_case("VEVENT") {
                let n = events.len() + 1;
                events.push(event(component, n)?);
            }
        }
    }
    if roots.is_empty() {
        return Err(bad("the text holds no VCALENDAR".into()));
    }
    Ok(events)
}

/// The parser's error, shortened to the line it stopped at.
fn parse_error(message: &str) -> String {
    let mut lines = message.lines();
    while let Some(line) = lines.next() {
        if let Some(at) = line.find("at line ") {
            let number: String = line[at + 8..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let content = lines.next().unwrap_or("").trim_end();
            if content.is_empty() {
                return format!(
                    "the text ends before it should (line {number}: a BEGIN without its END?)"
                );
            }
            return format!("cannot read line {number} (after unfolding): {content:?}");
        }
    }
    "the text is empty or is not iCalendar (expected BEGIN:VCALENDAR)".into()
}

fn event(c: &Component<'_>, n: usize) -> Result<Event> {
    fn find<'c, 'p>(
        c: &'c Component<'p>,
        name: &'static str,
    ) -> impl Iterator<Item = &'c Property<'p>> {
        c.properties
            .iter()
            .filter(move |p| p.name.as_str().eq_ignore_ascii_case(name))
    }
    let find = |name: &'static str| find(c, name);
    let one = |name: &'static str| find(name).next();
    let summary = one("SUMMARY").map(|p| p.val.as_str().to_string());
    let uid = one("UID").map(|p| p.val.as_str().to_string());
    let label = match (&summary, &uid) {
        (Some(s), _) => format!("{s:?}"),
        (None, Some(u)) => format!("UID {u:?}"),
        (None, None) => format!("#{n}"),
    };
    let fail = |why: String| bad(format!("event {label}: {why}"));
    let when = |p: &Property<'_>| parse_when(p).map_err(fail);
    let start = one("DTSTART")
        .ok_or_else(|| fail("has no DTSTART".into()))
        .and_then(when)?;
    let end = one("DTEND").map(when).transpose()?;
    let duration = one("DURATION")
        .map(|p| parse_duration(p.val.as_str()).map_err(fail))
        .transpose()?;
    if end.is_some() && duration.is_some() {
        return Err(fail("has both DTEND and DURATION".into()));
    }
    let mut rrules = find("RRULE");
    let rrule = rrules.next().map(|p| p.val.as_str().to_string());
    if rrules.next().is_some() {
        return Err(fail("has more than one RRULE".into()));
    }
    if one("EXRULE").is_some() {
        return Err(fail(
            "EXRULE is not supported (RFC 5545 deprecated it)".into(),
        ));
    }
    let mut exdates = Vec::new();
    for p in find("EXDATE") {
        exdates.extend(parse_when_list(p).map_err(fail)?);
    }
    let mut rdates = Vec::new();
    for p in find("RDATE") {
        if param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("PERIOD")) {
            return Err(fail("RDATE;VALUE=PERIOD is not supported".into()));
        }
        rdates.extend(parse_when_list(p).map_err(fail)?);
    }
    let recurrence_id = match one("RECURRENCE-ID") {
        Some(p) if param(p, "RANGE").is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE")) => {
            return Err(fail(
                "RECURRENCE-ID;RANGE=THISANDFUTURE is not supported".into(),
            ))
        }
        Some(p) => Some(when(p)?),
        None => None,
    };
    let cancelled = one("STATUS").is_some_and(|p| p.val.as_str().eq_ignore_ascii_case("CANCELLED"));
    let event = Event {
        label: label.clone(),
        uid,
        start,
        end,
        duration,
        rrule,
        exdates,
        rdates,
        recurrence_id,
        cancelled,
    };
    // Check the recurrence now, so that a bad one is reported by `check` too.
    if let Some(text) = &event.rrule {
        parse_rrule(text, &event.start).map_err(fail)?;
    }
    Ok(event)
}

fn param<'a>(p: &'a Property<'_>, key: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|q| q.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|q| q.val.as_ref())
        .map(|v| v.as_str())
}

/// An IANA zone from a `TZID`, also when a generator prefixed it
/// (`/mozilla.org/20050126_1/Europe/Berlin`).
fn zone(tzid: &str) -> std::result::Result<Tz, String> {
    let tzid = tzid.trim_matches('"');
    let mut rest = tzid;
    loop {
        if let Ok(tz) = Tz::from_str(rest) {
            return Ok(tz);
        }
        match rest.find('/') {
            Some(i) => rest = &rest[i + 1..],
            None => {
                return Err(format!(
                    "TZID {tzid:?} is not an IANA time zone name (such as \"Europe/Berlin\"); export the calendar with IANA zones, in UTC, or as all-day events"
                ))
            }
        }
    }
}

fn parse_when(p: &Property<'_>) -> std::result::Result<When, String> {
    let mut list = parse_when_list(p)?;
    match (list.pop(), list.is_empty()) {
        (Some(w), true) => Ok(w),
        _ => Err(format!(
            "{} {:?} must be one date or date-time",
            p.name.as_str(),
            p.val.as_str()
        )),
    }
}

/// A comma-separated list of `DATE` or `DATE-TIME` values of one property.
fn parse_when_list(p: &Property<'_>) -> std::result::Result<Vec<When>, String> {
    let tz = param(p, "TZID").map(zone).transpose()?;
    let date_only = param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
    p.val
        .as_str()
        .split(',')
        .map(|v| {
            let v = v.trim();
            let when = parse_value(v, tz).ok_or_else(|| {
                format!(
                    "{} {v:?} is not a DATE (YYYYMMDD) or DATE-TIME (YYYYMMDDTHHMMSS[Z])",
                    p.name.as_str()
                )
            })?;
            if date_only && !matches!(when, When::Date(_)) {
                return Err(format!(
                    "{} {v:?} is not a DATE (VALUE=DATE)",
                    p.name.as_str()
                ));
            }
            Ok(when)
        })
        .collect()
}

fn parse_value(v: &str, tz: Option<Tz>) -> Option<When> {
    if !v.is_ascii() {
        return None;
    }
    if v.len() == 8 {
        return NaiveDate::parse_from_str(v, "%Y%m%d").ok().map(When::Date);
    }
    let (text, utc) = match v.strip_suffix(['Z', 'z']) {
        Some(t) => (t, true),
        None => (v, false),
    };
    if text.len() != 15 {
        return None;
    }
    let dt = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").ok()?;
    Some(match (utc, tz) {
        (true, _) => When::Utc(dt),
        (false, Some(tz)) => When::Zoned(dt, tz),
        (false, None) => When::Floating(dt),
    })
}

/// `P1D`, `P2W`, `PT4H30M`, `P1DT12H`: nominal days and exact seconds.
fn parse_duration(text: &str) -> std::result::Result<Dur, String> {
    let bad =
        || format!("DURATION {text:?} is not a positive RFC 5545 duration (such as P1D or PT4H)");
    let rest = text.strip_prefix('+').unwrap_or(text);
    let rest = rest.strip_prefix(['P', 'p']).ok_or_else(bad)?;
    let (date, time) = match rest.find(['T', 't']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut dur = Dur { days: 0, secs: 0 };
    let mut any = false;
    let mut number = String::new();
    for c in date.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        match c.to_ascii_uppercase() {
            'W' => dur.days += n.checked_mul(7).ok_or_else(bad)?,
            'D' => dur.days += n,
            _ => return Err(bad()),
        }
        any = true;
    }
    if !number.is_empty() {
        return Err(bad());
    }
    if let Some(time) = time {
        if time.is_empty() {
            return Err(bad());
        }
        for c in time.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: i64 = number.parse().map_err(|_| bad())?;
            number.clear();
            let unit = match c.to_ascii_uppercase() {
                'H' => 3600,
                'M' => 60,
                'S' => 1,
                _ => return Err(bad()),
            };
            dur.secs += n.checked_mul(unit).ok_or_else(bad)?;
            any = true;
        }
        if !number.is_empty() {
            return Err(bad());
        }
    }
    if !any || dur.days > 1_000_000 || dur.secs > 1_000_000_000 {
        return Err(bad());
    }
    Ok(dur)
}

fn parse_weekday(text: &str) -> Option<Weekday> {
    Some(match text.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// The local date and time a recurrence counts from.
fn local_start(start: &When) -> NaiveDateTime {
    match *start {
        When::Date(d) => d.and_time(chrono::NaiveTime::MIN),
        When::Floating(dt) | When::Utc(dt) | When::Zoned(dt, _) => dt,
    }
}

fn parse_rrule(text: &str, start: &When) -> std::result::Result<RRule, String> {
    let mut freq = None;
    let (mut interval, mut count, mut until) = (1u32, None, None);
    let (mut months, mut monthdays, mut days) = (Vec::new(), Vec::new(), Vec::new());
    for part in text.split(';').filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("RRULE part {part:?} is not KEY=VALUE"))?;
        let list = || value.split(',').map(str::trim);
        let bad = || format!("RRULE {key}={value} is not valid");
        match key.to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(value.to_ascii_uppercase()),
            "INTERVAL" => {
                interval = value.parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?;
            }
            "COUNT" => count = Some(value.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(bad)?),
            "UNTIL" => until = Some(parse_value(value, None).ok_or_else(bad)?),
            "BYMONTH" => {
                for m in list() {
                    months.push(m.parse::<u32>().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?);
                }
            }
            "BYMONTHDAY" => {
                for d in list() {
                    let d = d.strip_prefix('+').unwrap_or(d);
                    monthdays.push(
                        d.parse::<i8>()
                            .ok()
                            .filter(|d| *d != 0 && (-31..=31).contains(d))
                            .ok_or_else(bad)?,
                    );
                }
            }
            "BYDAY" => {
                for d in list() {
                    let split = d.len().checked_sub(2).ok_or_else(bad)?;
                    if !d.is_char_boundary(split) {
                        return Err(bad());
                    }
                    let (n, wd) = d.split_at(split);
                    let wd = parse_weekday(wd).ok_or_else(bad)?;
                    let n = match n.strip_prefix('+').unwrap_or(n) {
                        "" => None,
                        n => Some(n.parse::<i8>().ok().filter(|n| *n != 0 && (-53..=53).contains(n)).ok_or_else(bad)?),
                    };
                    days.push((n, wd));
                }
            }
            "WKST" => {
                parse_weekday(value).ok_or_else(bad)?;
            }
            other => {
                return Err(format!(
                    "RRULE part {other} is not supported (supported: FREQ=YEARLY with INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY)"
                ))
            }
        }
    }
    match freq.as_deref() {
        Some("YEARLY") => {}
        Some(other) => {
            return Err(format!(
                "RRULE FREQ={other} is not supported: only yearly recurrences (FREQ=YEARLY) are imported"
            ))
        }
        None => return Err(format!("RRULE {text:?} has no FREQ")),
    }
    if count.is_some() && until.is_some() {
        return Err("RRULE has both COUNT and UNTIL".into());
    }
    let first = local_start(start).date();
    let yearly = if !monthdays.is_empty() {
        if days.iter().any(|(n, _)| n.is_some()) {
            return Err(
                "RRULE BYDAY with a number together with BYMONTHDAY is not supported".into(),
            );
        }
        Yearly::MonthDays {
            months: if months.is_empty() {
                (1..=12).collect()
            } else {
                months
            },
            days: monthdays,
            weekdays: days.into_iter().map(|(_, wd)| wd).collect(),
        }
    } else if !days.is_empty() {
        if months.is_empty() {
            Yearly::YearWeekdays { days }
        } else {
            Yearly::MonthWeekdays { months, days }
        }
    } else {
        Yearly::MonthDays {
            months: if months.is_empty() {
                vec![first.month()]
            } else {
                months
            },
            days: vec![first.day() as i8],
            weekdays: Vec::new(),
        }
    };
    Ok(RRule {
        yearly,
        interval,
        count,
        until,
    })
}

// ---------------------------------------------------------------------------------------
// Events to closed dates and periods.
// ---------------------------------------------------------------------------------------

/// The occurrence dates of a recurrence from `first` (always the first occurrence, RFC
/// 5545 §3.8.5.3), while `keep` accepts them, at most `count`, up to the supported range.
fn occurrences(
    rule: &RRule,
    first: NaiveDate,
    mut keep: impl FnMut(NaiveDate) -> bool,
) -> Vec<NaiveDate> {
    let mut out = vec![first];
    let mut dates = Vec::new();
    let date_rule = DateRule::Yearly(Box::new(rule.yearly.clone()));
    let mut year = first.year();
    while year < END_YEAR {
        if (i64::from(year) - i64::from(first.year())) % i64::from(rule.interval) == 0 {
            dates.clear();
            date_rule.dates_in(year, &mut dates);
            for &d in dates.iter().filter(|d| **d > first) {
                if rule.count.is_some_and(|c| out.len() >= c as usize) || !keep(d) {
                    return out;
                }
                out.push(d);
            }
        }
        year += 1;
    }
    out
}

fn all_day(
    e: &Event,
    start: NaiveDate,
    exdates: &[When],
    out: &mut Imported,
) -> std::result::Result<(), String> {
    let days = match (e.end, e.duration) {
        (Some(When::Date(end)), _) if end < start => {
            return Err(format!("DTEND {end} is before DTSTART {start}"))
        }
        // DTEND is exclusive; a DTEND equal to DTSTART (some exporters) is read as one day.
        (Some(When::Date(end)), _) => (end - start).num_days().max(1),
        (Some(_), _) => return Err("DTSTART is a DATE (all-day) but DTEND is a DATE-TIME".into()),
        (None, Some(d)) if d.secs != 0 => {
            return Err("an all-day event's DURATION must be whole days (such as P1D)".into())
        }
        (None, Some(d)) => d.days.max(1),
        (None, None) => 1,
    };
    let days = u16::try_from(days)
        .ok()
        .filter(|d| *d <= 366)
        .ok_or_else(|| format!("lasts {days} days; an all-day event may last at most 366"))?;
    let excluded: Vec<NaiveDate> = exdates.iter().map(|w| local_start(w).date()).collect();
    for rdate in &e.rdates {
        match rdate {
            When::Date(d) if !excluded.contains(d) => out.once.push((*d, days)),
            When::Date(_) => {}
            _ => return Err("an all-day event's RDATE must be DATEs".into()),
        }
    }
    let Some(text) = &e.rrule else {
        if !excluded.contains(&start) {
            out.once.push((start, days));
        }
        return Ok(());
    };
    let rule = parse_rrule(text, &e.start)?;
    let until = rule.until.map(|u| local_start(&u).date());
    let last = match (rule.count, until) {
        (Some(_), _) => *occurrences(&rule, start, |_| true)
            .last()
            .expect("the first occurrence is always there"),
        (None, Some(until)) => until,
        (None, None) => NaiveDate::MAX,
    };
    if !excluded.contains(&start) && start <= last {
        out.once.push((start, days));
    }
    let mut r = Rule::closing(DateRule::Yearly(Box::new(rule.yearly)));
    r.years = (start.year(), i32::MAX);
    r.interval = rule.interval;
    r.dates = (start, last);
    r.except = excluded;
    r.days = days;
    out.rules.push(r);
    Ok(())
}

fn timed(
    e: &Event,
    tz: Tz,
    exdates: &[When],
    out: &mut Imported,
) -> std::result::Result<(), String> {
    let zone = match e.start {
        When::Utc(_) => Tz::UTC,
        When::Zoned(_, z) => z,
        _ => tz,
    };
    let instant = |w: &When| -> i64 {
        match *w {
            When::Date(d) => local::to_instant(zone, d, 0).as_millis(),
            When::Utc(dt) => dt.and_utc().timestamp_millis(),
            When::Zoned(dt, z) => to_ms(z, dt),
            When::Floating(dt) => to_ms(tz, dt),
        }
    };
    let local = local_start(&e.start);
    let start = instant(&e.start);
    let end = match (e.end, e.duration) {
        (Some(When::Date(_)), _) => {
            return Err("DTSTART is a DATE-TIME but DTEND is a DATE (all-day)".into())
        }
        (Some(w), _) => instant(&w),
        (None, Some(d)) => {
            let shifted = local
                .checked_add_signed(chrono::Duration::days(d.days))
                .ok_or("DURATION goes past the supported range")?;
            to_ms(zone, shifted) + d.secs * 1000
        }
        // No end: the event takes no time (RFC 5545 §3.6.1).
        (None, None) => start,
    };
    if end < start {
        return Err("ends before it starts".into());
    }
    let length = end - start;
    let mut push = |s: i64| {
        let (lo, hi) = (Instant::MIN.as_millis(), Instant::MAX.as_millis());
        let (s, e) = (s.clamp(lo, hi), (s + length).clamp(lo, hi));
        if s < e {
            out.periods.push((s, e));
        }
    };
    let excluded: Vec<i64> = exdates.iter().map(&instant).collect();
    let excluded_dates: Vec<NaiveDate> = exdates
        .iter()
        .filter_map(|w| match w {
            When::Date(d) => Some(*d),
            _ => None,
        })
        .collect();
    let secs = local.time().num_seconds_from_midnight();
    let at = |d: NaiveDate| local::to_instant(zone, d, secs).as_millis();
    let skip = |d: NaiveDate, s: i64| excluded.contains(&s) || excluded_dates.contains(&d);
    for rdate in &e.rdates {
        let (d, s) = match rdate {
            When::Date(d) => (*d, at(*d)),
            w => (local_start(w).date(), instant(w)),
        };
        if !skip(d, s) {
            push(s);
        }
    }
    let Some(text) = &e.rrule else {
        if !skip(local.date(), start) {
            push(start);
        }
        return Ok(());
    };
    let rule = parse_rrule(text, &e.start)?;
    let until = rule.until;
    let dates = occurrences(&rule, local.date(), |d| match until {
        None => true,
        Some(When::Date(u)) => d <= u,
        Some(w) => at(d) <= instant(&w),
    });
    for d in dates {
        let s = if d == local.date() { start } else { at(d) };
        if !skip(d, s) {
            push(s);
        }
    }
    Ok(())
}

fn to_ms(tz: Tz, dt: NaiveDateTime) -> i64 {
    local::to_instant(tz, dt.date(), dt.time().num_seconds_from_midnight()).as_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let d = parse_duration("P1D").unwrap();
        assert_eq!((d.days, d.secs), (1, 0));
        let d = parse_duration("P2W").unwrap();
        assert_eq!((d.days, d.secs), (14, 0));
        let d = parse_duration("P1DT4H30M5S").unwrap();
        assert_eq!((d.days, d.secs), (1, 4 * 3600 + 1800 + 5));
        for bad in [
            "",
            "P",
            "PT",
            "1D",
            "-P1D",
            "P1H",
            "PT1D",
            "P1DT",
            "PT1H2",
            "P99999999999999999999D",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parse_errors_name_the_line() {
        let e = check("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VTODO\nEND:VCALENDAR\n").unwrap_err();
        assert_eq!(e.code(), "invalid_ics");
        assert!(e.message().contains("line 4"), "{e}");
        let e = check("").unwrap_err();
        assert_eq!(e.code(), "invalid_ics");
        let e = check("BEGIN:VEVENT\nDTSTART:20261225T000000Z\nEND:VEVENT\n").unwrap_err();
        assert!(e.message().contains("VCALENDAR"), "{e}");
    }
}
