//! Output: readable tables for people, and JSON, JSONL and CSV for machines.
//!
//! JSONL and CSV carry the same flat records with the same columns, in the same order:
//! the core's [`Records`] (documented in docs/formats.md, "The command line"), which the
//! Python binding's `to_records()` gives too. In CSV a missing value is an empty cell and
//! a list is joined with `;`.

use std::io::{self, Write};

use clap::ValueEnum;
use serde::Serialize;
use serde_json::Value;
use slaledger::records::{
    Column, Records, CREDIT_COLUMNS, EXPLAIN_COLUMNS, REPLAY_COLUMNS, REPORT_COLUMNS,
};
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

/// A result the CLI prints: a table for people, the JSON document, or flat records.
pub trait Render: Serialize {
    /// The columns of its flat records.
    const COLUMNS: &'static [Column];
    /// Prints the readable table.
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()>;
    /// The flat records (JSONL, CSV), shared with the Python binding, in pieces that are
    /// written and dropped one at a time.
    fn records(&self) -> impl Iterator<Item = Records>;
}

/// Tickets per piece of an evaluation's records: a million tickets' records held at once
/// would take gigabytes (about 1.3 KB a record), a piece of this size a few megabytes.
const TICKETS_PER_PIECE: usize = 4096;

impl Render for Evaluation {
    const COLUMNS: &'static [Column] = REPLAY_COLUMNS;
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()> {
        print_evaluation(out, self)
    }
    fn records(&self) -> impl Iterator<Item = Records> {
        self.tickets
            .chunks(TICKETS_PER_PIECE)
            .map(Records::of_tickets)
    }
}

impl Render for Vec<Report> {
    const COLUMNS: &'static [Column] = REPORT_COLUMNS;
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()> {
        print_reports(out, self)
    }
    fn records(&self) -> impl Iterator<Item = Records> {
        std::iter::once(Records::of_reports(self))
    }
}

impl Render for Vec<CreditStatement> {
    const COLUMNS: &'static [Column] = CREDIT_COLUMNS;
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()> {
        print_statements(out, self)
    }
    fn records(&self) -> impl Iterator<Item = Records> {
        std::iter::once(Records::of_statements(self))
    }
}

impl Render for Explanation {
    const COLUMNS: &'static [Column] = EXPLAIN_COLUMNS;
    fn table<W: Write>(&self, out: &mut W) -> io::Result<()> {
        print_explanation(out, self)
    }
    fn records(&self) -> impl Iterator<Item = Records> {
        std::iter::once(Records::of_explanation(self))
    }
}

/// Writes `value` in `format`.
pub fn emit<W: Write, T: Render>(out: &mut W, format: Format, value: &T) -> io::Result<()> {
    match format {
        Format::Table => value.table(out),
        Format::Json => write_json(out, value),
        records => write_records(out, records, T::COLUMNS, value.records()),
    }
}

/// Writes records as JSONL (every column in order, `null` when absent) or CSV (a header
/// row, even when there are no records).
pub fn write_records(
    out: &mut impl Write,
    format: Format,
    columns: &[Column],
    pieces: impl Iterator<Item = Records>,
) -> io::Result<()> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(columns.iter().map(|c| c.name))?;
            for piece in pieces {
                for row in piece.rows() {
                    w.write_record(row.iter().map(csv_cell))?;
                }
            }
            w.flush()
        }
        _ => {
            for piece in pieces {
                piece.write_jsonl(&mut *out)?;
            }
            Ok(())
        }
    }
}

fn csv_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(csv_cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
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
    match serde_json::to_value(value).unwrap_or(Value::Null) {
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
