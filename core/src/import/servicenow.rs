//! The ServiceNow incident audit export (CSV) turned into slaledger events.
//!
//! The export has one row per update of an incident: a snapshot of every field after
//! that update, with local wall times and no zone. [`import`] groups the rows by
//! incident, puts each incident's rows in update order, and derives the events from
//! what changed between consecutive snapshots. The rules are written out, with the
//! reasons for each, in `docs/import-servicenow.md`; in short:
//!
//! - `opened` at `opened_at`, with the priority of the first row (`"1 - Critical"` is
//!   `P1`, `"N - Name"` is `PN`), the `contract` of the options, and the assignment group
//!   of the first row as the party;
//! - `responded` at the first update that shows the incident out of `New`;
//! - `status` at each change of `incident_state`, snake-cased (`Awaiting User Info` is
//!   `awaiting_user_info`); the contract decides which statuses pause;
//! - `priority` at each change of `priority`; `assigned` at each change of
//!   `assignment_group`;
//! - `resolved` on entering `Resolved` (or a `Closed` that is not the last state),
//!   `reopened` on leaving it for an open state, `closed` at the start of the final run
//!   of `Closed` rows (`cancelled` for `Canceled`).
//!
//! Row order: `sys_mod_count`, then `sys_updated_at`, then the row's place in the file.
//! An update dated earlier than the one before it is moved to that one's time, unless
//! its `sys_mod_count` is repeated in the incident, in which case it is the misnumbered
//! copy and is dropped. Every such decision is reported as a [`Problem`] with its row.
//!
//! ```
//! use slaledger::import::{parse_time_zone, servicenow};
//!
//! let csv = "\
//! number,incident_state,sys_mod_count,opened_at,sys_updated_at,priority,assignment_group
//! INC1,New,0,2/3/2016 09:00,2/3/2016 09:00,2 - High,Group 7
//! INC1,Active,1,2/3/2016 09:00,2/3/2016 09:20,2 - High,Group 7
//! INC1,Resolved,2,2/3/2016 09:00,2/3/2016 11:00,2 - High,Group 7
//! ";
//! let tz = parse_time_zone("Europe/Berlin")?;
//! let import = servicenow::import(csv.as_bytes(), tz, &servicenow::Options::default())?;
//! let kinds: Vec<&str> = import.events.iter().map(|e| e.kind.name()).collect();
//! assert_eq!(kinds, ["opened", "status", "responded", "status", "status", "resolved"]);
//! assert_eq!(import.events[0].at.to_string(), "2016-03-02T08:00:00Z");
//! assert!(import.problems.is_empty());
//! # Ok::<(), slaledger::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

use crate::calendar::local;
use crate::error::{Error, ErrorKind, Result};
use crate::event::{Event, EventKind};
use crate::time::{Instant, END_YEAR, MIN_YEAR};

/// How the export writes dates with slashes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DateOrder {
    /// `29/2/2016 01:16` (the public data set, and most instances outside the US).
    #[default]
    DayMonthYear,
    /// `2/29/2016 01:16`.
    MonthDayYear,
}

/// What the importer needs besides the rows and the zone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The contract to name on every `opened` event.
    pub contract: Option<String>,
    /// How slashed dates are ordered; ISO dates (`2016-02-29 01:16:00`) are always read.
    pub date_order: DateOrder,
}

/// Something the importer noticed in one row, and what it did about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The data row, 1-based, not counting the header (row 1 is line 2 of the file).
    pub row: u64,
    /// The incident number, when the row has one.
    pub incident: Option<String>,
    /// A stable snake_case code: `malformed_row`, `missing_field`, `invalid_timestamp`,
    /// `invalid_value`, `unknown_state`, `out_of_order`, `before_opened`, `after_closed`,
    /// `incident_skipped`.
    pub code: &'static str,
    /// What was expected, what was found, and what the importer did.
    pub message: String,
}

/// One imported incident, with the export's own facts kept for comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// The incident number (the ticket id of its events).
    pub number: String,
    /// Rows of the export used for it.
    pub rows: u64,
    /// The `opened_at` instant.
    pub opened_at: Instant,
    /// The opening priority (`P3`).
    pub priority: String,
    /// `incident_state` of the last row in update order, as written in the export.
    pub final_state: String,
    /// ServiceNow's own `made_sla` on the last row in update order, if given.
    pub made_sla: Option<bool>,
    /// The largest `reopen_count` of its rows.
    pub reopen_count: u32,
    /// `priority` events emitted.
    pub priority_changes: u32,
    /// `reopened` events emitted.
    pub reopens: u32,
}

/// The result of an import: events in ticket order, problems in row order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Import {
    /// The events, grouped by incident (sorted by number), each incident in apply order.
    pub events: Vec<Event>,
    /// Every problem met, sorted by row.
    pub problems: Vec<Problem>,
    /// One entry per imported incident, sorted by number.
    pub incidents: Vec<Incident>,
    /// Data rows read (the header not counted), including the ones with problems.
    pub rows: u64,
}

/// The columns the importer reads; the first six are required.
const REQUIRED: [&str; 6] = [
    "number",
    "incident_state",
    "sys_mod_count",
    "opened_at",
    "sys_updated_at",
    "priority",
];

/// Reads a ServiceNow incident audit export (CSV with a header row, `?` or empty for a
/// missing value) whose wall times are in `tz`.
///
/// Fails only when the header lacks a required column or the reader fails; everything
/// wrong in a row is a [`Problem`] and the import goes on.
pub fn import<R: BufRead>(reader: R, tz: Tz, options: &Options) -> Result<Import> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let columns = Columns::from_header(csv.headers().map_err(|e| csv_error(&e))?)?;
    let mut out = Import::default();
    let mut incidents: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let row = out.rows + 1;
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                out.rows = row;
                if let Some((number, parsed)) = columns.parse(&record, row, options, tz, &mut out) {
                    incidents.entry(number).or_default().push(parsed);
                }
            }
            Err(err) if matches!(err.kind(), csv::ErrorKind::Io(_)) => {
                return Err(csv_error(&err).context(format_args!("row {row}")))
            }
            Err(err) => {
                out.rows = row;
                out.problems.push(Problem {
                    row,
                    incident: None,
                    code: "malformed_row",
                    message: format!("row {row}: {}; row ignored", csv_error(&err).message()),
                });
            }
        }
    }
    for (number, rows) in incidents {
        import_incident(&number, rows, options, &mut out);
    }
    out.problems.sort_by_key(|p| p.row);
    Ok(out)
}

fn csv_error(err: &csv::Error) -> Error {
    Error::new(ErrorKind::InvalidValue, format!("unreadable CSV: {err}"))
}

/// Where each column is.
struct Columns {
    number: usize,
    state: usize,
    mod_count: usize,
    opened_at: usize,
    updated_at: usize,
    priority: usize,
    group: Option<usize>,
    made_sla: Option<usize>,
    reopen_count: Option<usize>,
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Columns> {
        let names: Vec<&str> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim())
            .collect();
        let find = |name: &str| names.iter().position(|h| h.eq_ignore_ascii_case(name));
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|n| find(n).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(Error::new(
                ErrorKind::MissingField,
                format!(
                    "ServiceNow export: the header lacks {missing:?} (expected the columns {REQUIRED:?}, found {names:?})"
                ),
            ));
        }
        let at = |name: &str| find(name).unwrap_or_default();
        Ok(Columns {
            number: at("number"),
            state: at("incident_state"),
            mod_count: at("sys_mod_count"),
            opened_at: at("opened_at"),
            updated_at: at("sys_updated_at"),
            priority: at("priority"),
            group: find("assignment_group"),
            made_sla: find("made_sla"),
            reopen_count: find("reopen_count"),
        })
    }

    /// Parses one record; `None` (with a problem) when the row cannot be used at all.
    fn parse(
        &self,
        record: &csv::StringRecord,
        row: u64,
        options: &Options,
        tz: Tz,
        out: &mut Import,
    ) -> Option<(String, Row)> {
        let field = |i: usize| value(record.get(i).unwrap_or(""));
        let mut problem = |incident: Option<&str>, code: &'static str, message: String| {
            out.problems.push(Problem {
                row,
                incident: incident.map(str::to_string),
                code,
                message: format!("row {row}: {message}"),
            });
        };
        let Some(number) = field(self.number) else {
            problem(
                None,
                "missing_field",
                "no incident number; row ignored".into(),
            );
            return None;
        };
        let inc = Some(number);
        let mod_count = match field(self.mod_count).map(str::parse::<i64>) {
            Some(Ok(n)) => n,
            other => {
                let found = record.get(self.mod_count).unwrap_or("");
                let code = if other.is_none() {
                    "missing_field"
                } else {
                    "invalid_value"
                };
                problem(
                    inc,
                    code,
                    format!("expected an integer sys_mod_count, found {found:?}; row ignored"),
                );
                return None;
            }
        };
        let updated =
            match field(self.updated_at).map(|t| parse_timestamp(t, options.date_order, tz)) {
                Some(Ok(t)) => t,
                Some(Err(message)) => {
                    problem(
                        inc,
                        "invalid_timestamp",
                        format!("sys_updated_at: {message}; row ignored"),
                    );
                    return None;
                }
                None => {
                    problem(
                        inc,
                        "missing_field",
                        "no sys_updated_at; row ignored".into(),
                    );
                    return None;
                }
            };
        let opened = match field(self.opened_at).map(|t| parse_timestamp(t, options.date_order, tz))
        {
            Some(Ok(t)) => Some(t),
            Some(Err(message)) => {
                problem(inc, "invalid_timestamp", format!("opened_at: {message}"));
                None
            }
            None => None,
        };
        let state = match field(self.state).map(State::parse) {
            Some(Some(state)) => Some(state),
            Some(None) => {
                let found = record.get(self.state).unwrap_or("");
                problem(
                    inc,
                    "unknown_state",
                    format!("expected an incident_state name such as \"Active\", found {found:?}; the state before it is kept"),
                );
                None
            }
            None => {
                problem(
                    inc,
                    "missing_field",
                    "no incident_state; the state before it is kept".into(),
                );
                None
            }
        };
        let priority = match field(self.priority) {
            Some(text) => match map_priority(text) {
                Some(p) => Some(p),
                None => {
                    problem(
                        inc,
                        "invalid_value",
                        format!("expected a priority such as \"1 - Critical\", found {text:?}; the priority before it is kept"),
                    );
                    None
                }
            },
            None => None,
        };
        let optional = |i: Option<usize>| i.and_then(field);
        let made_sla = match optional(self.made_sla) {
            Some(t) if t.eq_ignore_ascii_case("true") => Some(true),
            Some(t) if t.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
        let reopen_count = optional(self.reopen_count).and_then(|t| t.parse::<u32>().ok());
        let group = optional(self.group).map(str::to_string);
        let number = number.to_string();
        Some((
            number,
            Row {
                row,
                mod_count,
                updated,
                opened,
                state,
                priority,
                group,
                made_sla,
                reopen_count,
            },
        ))
    }
}

/// A field's value: `None` when empty or `?` (the export's missing value).
fn value(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && text != "?").then_some(text)
}

/// One usable row of the export.
#[derive(Debug, Clone)]
struct Row {
    row: u64,
    mod_count: i64,
    updated: Instant,
    opened: Option<Instant>,
    state: Option<State>,
    priority: Option<String>,
    group: Option<String>,
    made_sla: Option<bool>,
    reopen_count: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    New,
    Open,
    Resolved,
    Closed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    /// As written in the export.
    raw: String,
    /// The slaledger status string.
    status: String,
    phase: Phase,
}

impl State {
    /// A state name is letters, digits after the first letter, spaces, `-` and `_`;
    /// anything else (`-100`) is not a state.
    fn parse(raw: &str) -> Option<State> {
        let first = raw.chars().next()?;
        if !first.is_ascii_alphabetic()
            || !raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        {
            return None;
        }
        let mut status = String::with_capacity(raw.len());
        for word in raw.split([' ', '-', '_']).filter(|w| !w.is_empty()) {
            if !status.is_empty() {
                status.push('_');
            }
            status.push_str(&word.to_ascii_lowercase());
        }
        let phase = match status.as_str() {
            "new" => Phase::New,
            "resolved" => Phase::Resolved,
            "closed" => Phase::Closed,
            "canceled" | "cancelled" => Phase::Cancelled,
            _ => Phase::Open,
        };
        Some(State {
            raw: raw.to_string(),
            status,
            phase,
        })
    }

    fn is_final(&self) -> bool {
        matches!(self.phase, Phase::Closed | Phase::Cancelled)
    }
}

/// `"1 - Critical"` is `P1`; any `"N - Name"` (or a bare `N`) is `PN`.
fn map_priority(text: &str) -> Option<String> {
    let digits = text.split(['-', ' ']).next()?.trim();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 3 {
        return None;
    }
    Some(format!("P{}", digits.trim_start_matches('0'))).filter(|p| p.len() > 1)
}

/// Parses `D/M/YYYY H:MM[:SS]` (or `M/D/YYYY`, per `order`) or `YYYY-MM-DD HH:MM[:SS]`
/// as local wall time in `tz`.
fn parse_timestamp(text: &str, order: DateOrder, tz: Tz) -> std::result::Result<Instant, String> {
    let fail = || {
        let shape = match order {
            DateOrder::DayMonthYear => "D/M/YYYY H:MM",
            DateOrder::MonthDayYear => "M/D/YYYY H:MM",
        };
        format!(
            "expected a wall time such as {shape}[:SS] or YYYY-MM-DD HH:MM[:SS], found {text:?}"
        )
    };
    let (date, time) = text.split_once([' ', 'T']).ok_or_else(fail)?;
    let numbers = |s: &str, sep: char| -> Option<Vec<u32>> {
        s.split(sep)
            .map(|p| {
                let p = p.trim();
                (!p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
                    .then(|| p.parse().ok())
                    .flatten()
            })
            .collect()
    };
    let (year, month, day) = if date.contains('/') {
        match (numbers(date, '/').as_deref(), order) {
            (Some(&[d, m, y]), DateOrder::DayMonthYear) => (y, m, d),
            (Some(&[m, d, y]), DateOrder::MonthDayYear) => (y, m, d),
            _ => return Err(fail()),
        }
    } else {
        match numbers(date, '-').as_deref() {
            Some(&[y, m, d]) => (y, m, d),
            _ => return Err(fail()),
        }
    };
    let (hour, minute, second) = match numbers(time.trim(), ':').as_deref() {
        Some(&[h, m]) => (h, m, 0),
        Some(&[h, m, s]) => (h, m, s),
        _ => return Err(fail()),
    };
    let year = i32::try_from(year).map_err(|_| fail())?;
    if !(MIN_YEAR..END_YEAR).contains(&year) || hour > 23 || minute > 59 || second > 59 {
        return Err(fail());
    }
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(fail)?;
    let instant = local::to_instant(tz, date, hour * 3600 + minute * 60 + second);
    Instant::from_millis(instant.as_millis()).map_err(|_| fail())
}

/// Turns one incident's rows into events.
fn import_incident(number: &str, mut rows: Vec<Row>, options: &Options, out: &mut Import) {
    rows.sort_by(|a, b| {
        a.mod_count
            .cmp(&b.mod_count)
            .then(a.updated.cmp(&b.updated))
            .then(a.row.cmp(&b.row))
    });
    let first_row = rows.first().map_or(0, |r| r.row);
    let mut problem = |row: u64, code: &'static str, message: String| {
        out.problems.push(Problem {
            row,
            incident: Some(number.to_string()),
            code,
            message: format!("row {row}: {message}"),
        });
    };
    let Some(opened_at) = rows.iter().find_map(|r| r.opened) else {
        problem(
            first_row,
            "incident_skipped",
            format!("incident {number} has no usable opened_at; its rows are ignored"),
        );
        return;
    };
    let Some(opening_priority) = rows.iter().find_map(|r| r.priority.clone()) else {
        problem(
            first_row,
            "incident_skipped",
            format!("incident {number} has no usable priority; its rows are ignored"),
        );
        return;
    };

    // Put the rows on a time line that never goes back.
    let mut mod_counts: HashMap<i64, u32> = HashMap::new();
    for r in &rows {
        *mod_counts.entry(r.mod_count).or_default() += 1;
    }
    let mut kept: Vec<(Row, Instant)> = Vec::with_capacity(rows.len());
    for r in rows {
        let before = kept.last().map_or(opened_at, |(_, at)| *at);
        let mut at = r.updated;
        if r.updated < before {
            match kept.last() {
                Some((prev, _)) if mod_counts.get(&r.mod_count).copied().unwrap_or(0) > 1 => {
                    problem(
                        r.row,
                        "out_of_order",
                        format!(
                            "update {} of {number} is dated {} but follows update {} dated {before} and repeats its sys_mod_count; row ignored",
                            r.mod_count, r.updated, prev.mod_count
                        ),
                    );
                    continue;
                }
                Some((prev, _)) => problem(
                    r.row,
                    "out_of_order",
                    format!(
                        "update {} of {number} is dated {} but follows update {} dated {before}; moved to {before}",
                        r.mod_count, r.updated, prev.mod_count
                    ),
                ),
                None => problem(
                    r.row,
                    "before_opened",
                    format!(
                        "update {} of {number} is dated {}, before opened_at {opened_at}; moved to {opened_at}",
                        r.mod_count, r.updated
                    ),
                ),
            }
            at = before;
        }
        kept.push((r, at));
    }

    // The state of each row (a row without one keeps the state before it), and where the
    // final run of Closed (or Canceled) rows begins.
    let mut states: Vec<Option<State>> = Vec::with_capacity(kept.len());
    for (r, _) in &kept {
        let carried = states.last().cloned().flatten();
        states.push(r.state.clone().or(carried));
    }
    let final_from = match states.last() {
        Some(Some(last)) if last.is_final() => states
            .iter()
            .rposition(|s| s.as_ref().is_none_or(|s| s.phase != last.phase))
            .map_or(0, |i| i + 1),
        _ => kept.len(),
    };

    let mut events = Vec::new();
    let mut push = |seq: usize, at: Instant, kind: EventKind| {
        events.push(Event {
            id: format!("{number}-{seq}-{}", kind.name()),
            ticket: number.to_string(),
            at,
            seq: Some(seq as i64),
            kind,
        });
    };
    let first_group = kept.first().and_then(|(r, _)| r.group.clone());
    push(
        0,
        opened_at,
        EventKind::Opened {
            priority: opening_priority.clone(),
            contract: options.contract.clone(),
            party: first_group.clone(),
        },
    );
    let mut priority = opening_priority.clone();
    let mut group = first_group;
    let mut status: Option<String> = None;
    let mut phase = Phase::New;
    let mut responded = false;
    let mut ended = false;
    let mut incident = Incident {
        number: number.to_string(),
        rows: kept.len() as u64,
        opened_at,
        priority: opening_priority,
        final_state: String::new(),
        made_sla: None,
        reopen_count: 0,
        priority_changes: 0,
        reopens: 0,
    };
    for (i, ((r, at), state)) in kept.iter().zip(&states).enumerate() {
        let (seq, at) = (i + 1, *at);
        incident.made_sla = r.made_sla.or(incident.made_sla);
        incident.reopen_count = incident.reopen_count.max(r.reopen_count.unwrap_or(0));
        if let Some(s) = state {
            incident.final_state.clone_from(&s.raw);
        }
        let new_priority = r.priority.as_ref().filter(|p| **p != priority);
        let new_group = r.group.as_ref().filter(|g| group.as_ref() != Some(*g));
        if ended {
            let mut changes = Vec::new();
            if let Some(p) = new_priority {
                changes.push(format!("priority {priority} -> {p}"));
            }
            if let Some(g) = new_group {
                changes.push(format!("assignment_group -> {g:?}"));
            }
            if let Some(s) = state
                .as_ref()
                .filter(|s| status.as_ref() != Some(&s.status))
            {
                changes.push(format!("state -> {:?}", s.raw));
            }
            if !changes.is_empty() {
                problem(
                    r.row,
                    "after_closed",
                    format!(
                        "{} on {number} after it was closed; ignored (closed is final)",
                        changes.join(", ")
                    ),
                );
            }
            continue;
        }
        let Some(state) = state else {
            // No state known yet: only priority and group changes can be read.
            if let Some(p) = new_priority {
                push(
                    seq,
                    at,
                    EventKind::Priority {
                        priority: p.clone(),
                    },
                );
                incident.priority_changes += 1;
                priority.clone_from(p);
            }
            if let Some(g) = new_group {
                push(
                    seq,
                    at,
                    EventKind::Assigned {
                        party: g.clone(),
                        group: None,
                    },
                );
                group = Some(g.clone());
            }
            continue;
        };
        if !responded && state.phase != Phase::New {
            responded = true;
            push(
                seq,
                at,
                EventKind::Responded {
                    party: r.group.clone().or(group.clone()),
                },
            );
        }
        if status.as_ref() != Some(&state.status) {
            push(
                seq,
                at,
                EventKind::Status {
                    status: state.status.clone(),
                },
            );
            status = Some(state.status.clone());
        }
        if let Some(p) = new_priority {
            push(
                seq,
                at,
                EventKind::Priority {
                    priority: p.clone(),
                },
            );
            incident.priority_changes += 1;
            priority.clone_from(p);
        }
        if let Some(g) = new_group {
            push(
                seq,
                at,
                EventKind::Assigned {
                    party: g.clone(),
                    group: None,
                },
            );
            group = Some(g.clone());
        }
        if i == final_from {
            let kind = if state.phase == Phase::Cancelled {
                EventKind::Cancelled {
                    reason: Some(format!("ServiceNow state {:?}", state.raw)),
                }
            } else {
                EventKind::Closed
            };
            push(seq, at, kind);
            ended = true;
            continue;
        }
        match state.phase {
            Phase::Resolved | Phase::Closed | Phase::Cancelled => {
                if phase != Phase::Resolved {
                    push(seq, at, EventKind::Resolved);
                    phase = Phase::Resolved;
                }
            }
            Phase::New | Phase::Open => {
                if phase == Phase::Resolved {
                    push(seq, at, EventKind::Reopened);
                    incident.reopens += 1;
                }
                phase = Phase::Open;
            }
        }
    }
    out.events.extend(events);
    out.incidents.push(incident);
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTC: Tz = chrono_tz::UTC;

    #[test]
    fn priorities_map_by_their_number() {
        assert_eq!(map_priority("1 - Critical").as_deref(), Some("P1"));
        assert_eq!(map_priority("4 - Low").as_deref(), Some("P4"));
        assert_eq!(map_priority("5").as_deref(), Some("P5"));
        assert_eq!(map_priority("Critical"), None);
        assert_eq!(map_priority("0 - None"), None);
    }

    #[test]
    fn states_become_snake_case_statuses() {
        let s = State::parse("Awaiting User Info").unwrap();
        assert_eq!(
            (s.status.as_str(), s.phase),
            ("awaiting_user_info", Phase::Open)
        );
        assert_eq!(State::parse("Closed").unwrap().phase, Phase::Closed);
        assert_eq!(State::parse("-100"), None);
        assert_eq!(State::parse(""), None);
    }

    #[test]
    fn timestamps_are_wall_times_in_the_given_zone() {
        let berlin = chrono_tz::Europe::Berlin;
        let t = parse_timestamp("29/2/2016 01:16", DateOrder::DayMonthYear, berlin).unwrap();
        assert_eq!(t.to_string(), "2016-02-29T00:16:00Z");
        let t = parse_timestamp("2/29/2016 01:16", DateOrder::MonthDayYear, UTC).unwrap();
        assert_eq!(t.to_string(), "2016-02-29T01:16:00Z");
        let t = parse_timestamp("2016-02-29 01:16:30", DateOrder::DayMonthYear, UTC).unwrap();
        assert_eq!(t.to_string(), "2016-02-29T01:16:30Z");
        // Clocks went back in Berlin at 03:00 on 2016-10-30: 02:30 is the earlier one.
        let t = parse_timestamp("30/10/2016 02:30", DateOrder::DayMonthYear, berlin).unwrap();
        assert_eq!(t.to_string(), "2016-10-30T00:30:00Z");
        // 02:30 did not exist on 2016-03-27: the first instant after the gap.
        let t = parse_timestamp("27/3/2016 02:30", DateOrder::DayMonthYear, berlin).unwrap();
        assert_eq!(t.to_string(), "2016-03-27T01:00:00Z");
        for bad in [
            "31/2/2016 01:00",
            "29/2/2016",
            "29/2/2016 24:00",
            "x",
            "1/1/1800 00:00",
            "29/2/16 1:00:00:00",
        ] {
            assert!(
                parse_timestamp(bad, DateOrder::DayMonthYear, UTC).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_header_without_required_columns_is_an_error() {
        let err = import(
            "number,priority\nINC1,1\n".as_bytes(),
            UTC,
            &Options::default(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "missing_field");
        assert!(err.message().contains("incident_state"), "{err}");
    }
}
