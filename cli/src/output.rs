//! Output: readable tables for people, and JSON, JSONL and CSV for machines.
//!
//! JSONL and CSV carry the same flat records with the same columns, in the same order
//! (documented in docs/formats.md, "The command line"): one record per ticket-metric
//! (`replay`), per report row (`report`), per statement line plus a closing `total`
//! record (`credits`), per timeline segment (`explain`). Nested objects are flattened
//! with `_` (`period_from`, `working_time_median_ms`); in CSV a missing value is an empty
//! cell and a list is joined with `;`. Lists of objects (a ticket's `held` time per
//! party, its `ola` clocks) are only in `--format json`.

use std::io::{self, Write};

use clap::ValueEnum;
use serde::Serialize;
use serde_json::{Map, Value};
use slaledger::{CreditStatement, Evaluation, Explanation, Report};

/// How to print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable tables (the default).
    Table,
    /// One JSON document, as in docs/formats.md.
    Json,
    /// One flat JSON object per line (per ticket-metric, report row, credit line, segment).
    Jsonl,
    /// The same flat records as CSV with a header row.
    Csv,
}

pub type Record = Map<String, Value>;

/// Columns of `replay --format jsonl|csv`: ticket fields, then the metric's.
pub const REPLAY_COLUMNS: &[&str] = &[
    "ticket",
    "contract",
    "ticket_priority",
    "opened_priority",
    "party",
    "ticket_state",
    "status",
    "reopens",
    "handoffs",
    "ping_pongs",
    "flags",
    "excluded_reason",
    "cancelled_reason",
    "metric",
    "cycle",
    "state",
    "priority",
    "target",
    "target_ms",
    "calendar",
    "started_at",
    "stopped_at",
    "due_at",
    "elapsed_ms",
    "paused_ms",
    "held_ms",
    "wall_ms",
    "remaining_ms",
    "breached_at",
    "warned_at",
    "decided_at",
    "first_stopped_at",
    "first_elapsed_ms",
];

/// Columns of `report --format jsonl|csv`.
pub const REPORT_COLUMNS: &[&str] = &[
    "contract",
    "period_from",
    "period_to",
    "as_of",
    "priority",
    "metric",
    "measured",
    "met",
    "breached",
    "open",
    "excluded",
    "cancelled",
    "compliance",
    "working_time_count",
    "working_time_sum_ms",
    "working_time_mean_ms",
    "working_time_median_ms",
    "working_time_p90_ms",
    "wall_time_count",
    "wall_time_sum_ms",
    "wall_time_mean_ms",
    "wall_time_median_ms",
    "wall_time_p90_ms",
    "redecided",
];

/// Columns of `credits --format jsonl|csv`.
pub const CREDIT_COLUMNS: &[&str] = &[
    "contract",
    "period_from",
    "period_to",
    "currency",
    "fee",
    "rule",
    "priority",
    "metric",
    "basis_compliance",
    "basis_measured",
    "basis_met",
    "basis_breached",
    "basis_below",
    "basis_credit",
    "basis_breaches",
    "basis_each",
    "basis_hours",
    "basis_per_hour",
    "tickets",
    "amount",
    "subtotal",
    "cap",
    "capped",
    "total",
    "excluded_held_ms",
];

/// Columns of `explain --format jsonl|csv`.
pub const EXPLAIN_COLUMNS: &[&str] = &[
    "ticket",
    "contract",
    "as_of",
    "metric",
    "cycle",
    "clock_state",
    "priority",
    "target",
    "calendar",
    "from",
    "to",
    "kind",
    "reason",
    "working_ms",
];

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Flattens nested objects into `prefix_key` entries; lists and scalars stay as they are.
fn flatten_into(prefix: &str, value: Value, out: &mut Record) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k
                } else {
                    format!("{prefix}_{k}")
                };
                flatten_into(&key, v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other);
        }
    }
}

fn rename(record: &mut Record, from: &str, to: &str) {
    if let Some(v) = record.remove(from) {
        record.insert(to.to_string(), v);
    }
}

pub fn replay_records(eval: &Evaluation) -> Vec<Record> {
    let mut records = Vec::new();
    for t in &eval.tickets {
        let mut ticket = Record::new();
        flatten_into("", to_value(t), &mut ticket);
        ticket.remove("metrics");
        rename(&mut ticket, "priority", "ticket_priority");
        rename(&mut ticket, "state", "ticket_state");
        for m in &t.metrics {
            let mut record = ticket.clone();
            flatten_into("", to_value(m), &mut record);
            records.push(record);
        }
    }
    records
}

pub fn report_records(reports: &[Report]) -> Vec<Record> {
    let mut records = Vec::new();
    for report in reports {
        let mut head = Record::new();
        flatten_into("", to_value(report), &mut head);
        let rows = head.remove("rows");
        for row in rows.into_iter().flat_map(|r| match r {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        }) {
            let mut record = head.clone();
            flatten_into("", row, &mut record);
            records.push(record);
        }
    }
    records
}

pub fn credit_records(statements: &[CreditStatement]) -> Vec<Record> {
    let mut records = Vec::new();
    for s in statements {
        let mut head = Record::new();
        head.insert("contract".into(), Value::from(s.contract.clone()));
        flatten_into("period", to_value(&s.period), &mut head);
        head.insert("currency".into(), Value::from(s.currency.clone()));
        head.insert("fee".into(), to_value(&s.fee));
        for line in &s.lines {
            let mut record = head.clone();
            flatten_into("", to_value(line), &mut record);
            records.push(record);
        }
        let mut total = head;
        total.insert("rule".into(), Value::from("total"));
        total.insert("amount".into(), to_value(&s.total));
        total.insert("subtotal".into(), to_value(&s.subtotal));
        total.insert("cap".into(), to_value(&s.cap));
        total.insert("capped".into(), Value::from(s.capped));
        total.insert("total".into(), to_value(&s.total));
        total.insert("excluded_held_ms".into(), to_value(&s.excluded_held_ms));
        records.push(total);
    }
    records
}

pub fn explain_records(x: &Explanation) -> Vec<Record> {
    let mut records = Vec::new();
    for clock in &x.clocks {
        let r = &clock.result;
        for segment in &clock.segments {
            let mut record = Record::new();
            record.insert("ticket".into(), Value::from(x.ticket.clone()));
            record.insert("contract".into(), Value::from(x.contract.clone()));
            record.insert("as_of".into(), to_value(&x.as_of));
            record.insert("metric".into(), Value::from(r.metric.name()));
            record.insert("cycle".into(), Value::from(r.cycle));
            record.insert("clock_state".into(), to_value(&r.state));
            record.insert("priority".into(), Value::from(r.priority.as_str()));
            record.insert("target".into(), Value::from(r.target.as_str()));
            record.insert("calendar".into(), Value::from(r.calendar.as_str()));
            flatten_into("", to_value(segment), &mut record);
            records.push(record);
        }
    }
    records
}

/// A result the CLI prints: a table for people, the JSON document, or flat records.
pub trait Render: Serialize {
    /// The columns of the flat records, in order.
    const COLUMNS: &'static [&'static str];
    /// Prints the readable table.
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()>;
    /// The flat records (JSONL, CSV).
    fn records(&self) -> Vec<Record>;
}

impl Render for Evaluation {
    const COLUMNS: &'static [&'static str] = REPLAY_COLUMNS;
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()> {
        print_evaluation(out, self)
    }
    fn records(&self) -> Vec<Record> {
        replay_records(self)
    }
}

impl Render for Vec<Report> {
    const COLUMNS: &'static [&'static str] = REPORT_COLUMNS;
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()> {
        print_reports(out, self)
    }
    fn records(&self) -> Vec<Record> {
        report_records(self)
    }
}

impl Render for Vec<CreditStatement> {
    const COLUMNS: &'static [&'static str] = CREDIT_COLUMNS;
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()> {
        print_statements(out, self)
    }
    fn records(&self) -> Vec<Record> {
        credit_records(self)
    }
}

impl Render for Explanation {
    const COLUMNS: &'static [&'static str] = EXPLAIN_COLUMNS;
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()> {
        print_explanation(out, self)
    }
    fn records(&self) -> Vec<Record> {
        explain_records(self)
    }
}

/// Writes `value` in `format`.
pub fn emit<W: Write, T: Render>(out: &mut W, format: Format, value: &T) -> io::Result<()> {
    match format {
        Format::Table => value.table(out),
        Format::Json => write_json(out, value),
        records => write_records(out, records, T::COLUMNS, &value.records()),
    }
}

/// Writes records as JSONL (columns in order, `null` when absent) or CSV.
pub fn write_records(
    out: &mut impl Write,
    format: Format,
    columns: &[&str],
    records: &[Record],
) -> io::Result<()> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(columns)?;
            for record in records {
                w.write_record(columns.iter().map(|c| csv_cell(record.get(*c))))?;
            }
            w.flush()
        }
        _ => {
            for record in records {
                let mut ordered = String::from("{");
                for (i, c) in columns.iter().enumerate() {
                    if i > 0 {
                        ordered.push(',');
                    }
                    ordered.push_str(&Value::from(*c).to_string());
                    ordered.push(':');
                    ordered.push_str(&record.get(*c).unwrap_or(&Value::Null).to_string());
                }
                ordered.push('}');
                writeln!(out, "{ordered}")?;
            }
            Ok(())
        }
    }
}

fn csv_cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| csv_cell(Some(v)))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

pub fn write_json<T: Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::other)?;
    writeln!(out)
}

/// `h:mm` of a duration in milliseconds.
pub fn hours(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.abs();
    format!("{sign}{}:{:02}", ms / 3_600_000, ms / 60_000 % 60)
}

fn name_of<T: Serialize>(value: &T) -> String {
    match to_value(value) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

pub fn print_evaluation(out: &mut impl Write, eval: &Evaluation) -> io::Result<()> {
    writeln!(
        out,
        "as of {}: {} tickets, {} events ({} duplicates, {} rejected)",
        eval.as_of,
        eval.stats.tickets,
        eval.stats.events,
        eval.stats.duplicates,
        eval.stats.rejected
    )?;
    writeln!(
        out,
        "{:<14} {:<4} {:<10} {:<3} {:<9} {:>9} {:>9} {:>9}  due / breached at",
        "ticket", "prio", "metric", "cyc", "state", "target", "used", "paused"
    )?;
    for t in &eval.tickets {
        for m in &t.metrics {
            let when = m
                .breached_at
                .or(m.due_at)
                .map(|i| i.to_string())
                .unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "{:<14} {:<4} {:<10} {:<3} {:<9} {:>9} {:>9} {:>9}  {when}",
                t.ticket,
                m.priority,
                m.metric.name(),
                m.cycle,
                name_of(&m.state),
                hours(m.target_ms.as_millis()),
                hours(m.elapsed_ms.as_millis()),
                hours(m.paused_ms.as_millis()),
            )?;
        }
    }
    Ok(())
}

pub fn print_reports(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    for report in reports {
        writeln!(
            out,
            "report, contract {}: {} .. {} (as of {})",
            report.contract, report.period.from, report.period.to, report.as_of
        )?;
        writeln!(
            out,
            "  {:<5} {:<10} {:>8} {:>5} {:>8} {:>5} {:>8} {:>9} {:>10} {:>9} {:>9}",
            "prio",
            "metric",
            "measured",
            "met",
            "breached",
            "open",
            "excluded",
            "cancelled",
            "compliance",
            "median",
            "p90"
        )?;
        for row in report.rows() {
            let compliance = row
                .compliance
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".into());
            let (median, p90) = row
                .working_time
                .as_ref()
                .map_or(("-".into(), "-".into()), |s| {
                    (hours(s.median_ms), hours(s.p90_ms))
                });
            writeln!(
                out,
                "  {:<5} {:<10} {:>8} {:>5} {:>8} {:>5} {:>8} {:>9} {:>10} {:>9} {:>9}",
                row.priority,
                row.metric.name(),
                row.measured,
                row.met,
                row.breached,
                row.open,
                row.excluded,
                row.cancelled,
                compliance,
                median,
                p90
            )?;
        }
        writeln!(
            out,
            "  (median and p90: working time h:mm from start to stop, MTTA for response, MTTR for resolution)\n"
        )?;
        print_parties(out, report)?;
    }
    Ok(())
}

/// The co-managed part of a report: who held the tickets resolved in the period, and
/// each party's OLA compliance. Nothing for a contract without parties.
fn print_parties(out: &mut impl Write, report: &Report) -> io::Result<()> {
    if report.parties.is_empty() && report.ola.is_empty() {
        return Ok(());
    }
    let total: i64 = report.parties.values().map(|p| p.working_ms).sum();
    writeln!(
        out,
        "  who held the tickets resolved in the period ({} handoffs, {} hand-backs):",
        report.handoffs, report.ping_pongs
    )?;
    writeln!(
        out,
        "  {:<12} {:>7} {:>12} {:>7}",
        "party", "tickets", "working h:mm", "share"
    )?;
    for (party, p) in &report.parties {
        let share = if total > 0 {
            format!("{}%", p.working_ms * 100 / total)
        } else {
            "-".into()
        };
        writeln!(
            out,
            "  {:<12} {:>7} {:>12} {:>7}",
            party,
            p.tickets,
            hours(p.working_ms),
            share
        )?;
    }
    let rows = report.ola_rows();
    if !rows.is_empty() {
        writeln!(
            out,
            "  OLA (each party's own commitments; not part of the credits):"
        )?;
        writeln!(
            out,
            "  {:<12} {:<5} {:<12} {:>8} {:>5} {:>8} {:>5} {:>10}",
            "party", "prio", "clock", "measured", "met", "breached", "open", "compliance"
        )?;
        for row in rows {
            let compliance = row
                .compliance
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "  {:<12} {:<5} {:<12} {:>8} {:>5} {:>8} {:>5} {:>10}",
                row.party,
                row.priority,
                row.metric.name(),
                row.measured,
                row.met,
                row.breached,
                row.open,
                compliance
            )?;
        }
    }
    writeln!(out)
}

/// The basis of a credit line in words.
fn basis_text(line: &slaledger::credit::CreditLine) -> String {
    use slaledger::credit::Basis;
    match &line.basis {
        Basis::Tier {
            compliance,
            measured,
            met,
            below,
            credit,
            ..
        } => format!("{met}/{measured} met = {compliance}, below {below}: {credit} of the fee"),
        Basis::PerBreach { breaches, each } => format!("{breaches} breaches x {each}"),
        Basis::PerHourLate { hours, per_hour } => {
            format!("{hours} started hours late x {per_hour}")
        }
    }
}

pub fn print_statements(out: &mut impl Write, statements: &[CreditStatement]) -> io::Result<()> {
    for s in statements {
        writeln!(
            out,
            "credit statement, contract {}: {} .. {}, fee {} {}",
            s.contract, s.period.from, s.period.to, s.fee, s.currency
        )?;
        if s.lines.is_empty() {
            writeln!(out, "  (no rule pays anything this period)")?;
        }
        for line in &s.lines {
            writeln!(
                out,
                "  {:<13} {:<3} {:<10} {:>12}  {}",
                line.rule,
                line.priority,
                line.metric.name(),
                line.amount.to_string(),
                basis_text(line)
            )?;
            if !line.tickets.is_empty() {
                writeln!(
                    out,
                    "  {:<28} {:>12}  tickets: {}",
                    "",
                    "",
                    line.tickets.join(", ")
                )?;
            }
        }
        writeln!(out, "  {:<28} {:>12}", "subtotal", s.subtotal.to_string())?;
        if let Some(cap) = s.cap {
            writeln!(
                out,
                "  {:<28} {:>12}{}",
                "cap",
                cap.to_string(),
                if s.capped { "  (applied)" } else { "" }
            )?;
        }
        writeln!(
            out,
            "  {:<28} {:>12} {}\n",
            "total credit",
            s.total.to_string(),
            s.currency
        )?;
    }
    Ok(())
}

pub fn print_explanation(out: &mut impl Write, x: &Explanation) -> io::Result<()> {
    writeln!(
        out,
        "ticket {} (contract {}) as of {}",
        x.ticket, x.contract, x.as_of
    )?;
    for c in &x.priority_changes {
        writeln!(
            out,
            "  priority {} -> {} at {} ({})",
            c.from,
            c.to,
            c.at,
            name_of(&c.policy)
        )?;
    }
    for clock in &x.clocks {
        let r = &clock.result;
        let outcome = match (r.breached_at, r.stopped_at) {
            (Some(b), _) => format!("breached at {b}"),
            (None, Some(s)) => format!("stopped at {s}"),
            (None, None) => match r.due_at {
                Some(d) => format!("due {d}"),
                None => "paused".into(),
            },
        };
        writeln!(
            out,
            "\n{} cycle {}: {} ({} on {}, target {}): used {}, paused {}, wall {}; {outcome}",
            r.metric,
            r.cycle,
            name_of(&r.state),
            r.priority,
            r.calendar,
            r.target,
            hours(r.elapsed_ms.as_millis()),
            hours(r.paused_ms.as_millis()),
            hours(r.wall_ms.as_millis())
        )?;
        for s in &clock.segments {
            writeln!(
                out,
                "  {} .. {}  {:<12} {:>7}  {}",
                s.from,
                s.to,
                name_of(&s.kind),
                hours(s.working_ms.as_millis()),
                s.reason
            )?;
        }
    }
    Ok(())
}
