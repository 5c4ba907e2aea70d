//! Flat records: the rows every surface gives for spreadsheets and data frames.
//!
//! The command line's `--format jsonl|csv` and Python's `to_records()` print the same
//! records, so a billing team gets the same columns from a CSV file as from a DataFrame
//! (SPEC §10: every surface gives identical results). They are defined here, once:
//!
//! - `replay`: one record per ticket and metric (clock): the ticket's fields, then the
//!   metric's; the ticket's own `priority` and `state` are `ticket_priority` and
//!   `ticket_state`;
//! - `report`: one record per report row, with the report's contract, period and as-of;
//! - `credits`: one record per statement line, then one `total` record per statement;
//! - `explain`: one record per timeline segment, with its clock's identity.
//!
//! Nested objects are flattened with `_` (`period_from`, `working_time_mean_ms`, a
//! line's `basis_each`). Lists of objects (a ticket's `held` time per party, its `ola`
//! clocks, a report's `parties`) have no place in a flat row and are only in the JSON
//! documents. Every record has every column of its kind, `null` where a value is absent,
//! so each column has one type. The columns are fixed lists rather than learned from the
//! data, so a file's header never depends on what the file happens to contain; a test
//! checks that every field of the JSON documents is a column or deliberately left out.

use serde::Serialize;
use serde_json::Value;

use crate::credit::CreditStatement;
use crate::ledger::Evaluation;
use crate::report::Report;
use crate::ticket::{Explanation, TicketResult};

/// A column of flat records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The column's name.
    pub name: &'static str,
    /// The name of the JSON field the column comes from, without the prefixes flattening
    /// added (`mean_ms` for `working_time_mean_ms`, `priority` for `ticket_priority`).
    /// The core's JSON names give a value's type (`_ms` a duration, `_at` an instant,
    /// see docs/formats.md), so a binding that types values reads it from here.
    pub key: &'static str,
    /// Which object of a record's JSON holds the value.
    part: Part,
    /// Where the value is in that object: a field, or a field of a nested object.
    path: &'static [&'static str],
}

/// The objects a record is made of, outermost first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The document: the ticket, report, statement or explanation.
    Head,
    /// An explanation's clock.
    Clock,
    /// What the record is one of: a metric, report row, statement line or segment.
    Item,
    /// The statement itself, in its `total` record only (`null` in line records).
    Total,
}

const fn column(part: Part, name: &'static str, path: &'static [&'static str]) -> Column {
    Column {
        name,
        key: path[path.len() - 1],
        part,
        path,
    }
}

use Part::{Clock, Head, Item, Total};

/// The columns of an evaluation's records.
pub const REPLAY_COLUMNS: &[Column] = &[
    column(Head, "ticket", &["ticket"]),
    column(Head, "contract", &["contract"]),
    column(Head, "ticket_priority", &["priority"]),
    column(Head, "opened_priority", &["opened_priority"]),
    column(Head, "party", &["party"]),
    column(Head, "ticket_state", &["state"]),
    column(Head, "status", &["status"]),
    column(Head, "reopens", &["reopens"]),
    column(Head, "handoffs", &["handoffs"]),
    column(Head, "ping_pongs", &["ping_pongs"]),
    column(Head, "flags", &["flags"]),
    column(Head, "excluded_reason", &["excluded_reason"]),
    column(Head, "cancelled_reason", &["cancelled_reason"]),
    column(Item, "metric", &["metric"]),
    column(Item, "cycle", &["cycle"]),
    column(Item, "state", &["state"]),
    column(Item, "priority", &["priority"]),
    column(Item, "target", &["target"]),
    column(Item, "target_ms", &["target_ms"]),
    column(Item, "calendar", &["calendar"]),
    column(Item, "started_at", &["started_at"]),
    column(Item, "stopped_at", &["stopped_at"]),
    column(Item, "due_at", &["due_at"]),
    column(Item, "elapsed_ms", &["elapsed_ms"]),
    column(Item, "paused_ms", &["paused_ms"]),
    column(Item, "held_ms", &["held_ms"]),
    column(Item, "wall_ms", &["wall_ms"]),
    column(Item, "remaining_ms", &["remaining_ms"]),
    column(Item, "breached_at", &["breached_at"]),
    column(Item, "warned_at", &["warned_at"]),
    column(Item, "decided_at", &["decided_at"]),
    column(Item, "first_stopped_at", &["first_stopped_at"]),
    column(Item, "first_elapsed_ms", &["first_elapsed_ms"]),
];

/// The columns of reports' records.
pub const REPORT_COLUMNS: &[Column] = &[
    column(Head, "contract", &["contract"]),
    column(Head, "period_from", &["period", "from"]),
    column(Head, "period_to", &["period", "to"]),
    column(Head, "as_of", &["as_of"]),
    column(Item, "priority", &["priority"]),
    column(Item, "metric", &["metric"]),
    column(Item, "measured", &["measured"]),
    column(Item, "met", &["met"]),
    column(Item, "breached", &["breached"]),
    column(Item, "open", &["open"]),
    column(Item, "excluded", &["excluded"]),
    column(Item, "cancelled", &["cancelled"]),
    column(Item, "compliance", &["compliance"]),
    column(Item, "working_time_count", &["working_time", "count"]),
    column(Item, "working_time_sum_ms", &["working_time", "sum_ms"]),
    column(Item, "working_time_mean_ms", &["working_time", "mean_ms"]),
    column(
        Item,
        "working_time_median_ms",
        &["working_time", "median_ms"],
    ),
    column(Item, "working_time_p90_ms", &["working_time", "p90_ms"]),
    column(Item, "wall_time_count", &["wall_time", "count"]),
    column(Item, "wall_time_sum_ms", &["wall_time", "sum_ms"]),
    column(Item, "wall_time_mean_ms", &["wall_time", "mean_ms"]),
    column(Item, "wall_time_median_ms", &["wall_time", "median_ms"]),
    column(Item, "wall_time_p90_ms", &["wall_time", "p90_ms"]),
    column(Item, "redecided", &["redecided"]),
];

/// The columns of credit statements' records.
pub const CREDIT_COLUMNS: &[Column] = &[
    column(Head, "contract", &["contract"]),
    column(Head, "period_from", &["period", "from"]),
    column(Head, "period_to", &["period", "to"]),
    column(Head, "currency", &["currency"]),
    column(Head, "fee", &["fee"]),
    column(Item, "rule", &["rule"]),
    column(Item, "priority", &["priority"]),
    column(Item, "metric", &["metric"]),
    column(Item, "basis_compliance", &["basis", "compliance"]),
    column(Item, "basis_measured", &["basis", "measured"]),
    column(Item, "basis_met", &["basis", "met"]),
    column(Item, "basis_breached", &["basis", "breached"]),
    column(Item, "basis_below", &["basis", "below"]),
    column(Item, "basis_credit", &["basis", "credit"]),
    column(Item, "basis_breaches", &["basis", "breaches"]),
    column(Item, "basis_each", &["basis", "each"]),
    column(Item, "basis_hours", &["basis", "hours"]),
    column(Item, "basis_per_hour", &["basis", "per_hour"]),
    column(Item, "tickets", &["tickets"]),
    column(Item, "amount", &["amount"]),
    column(Total, "subtotal", &["subtotal"]),
    column(Total, "cap", &["cap"]),
    column(Total, "capped", &["capped"]),
    column(Total, "total", &["total"]),
    column(Total, "excluded_held_ms", &["excluded_held_ms"]),
];

/// The columns of an explanation's records.
pub const EXPLAIN_COLUMNS: &[Column] = &[
    column(Head, "ticket", &["ticket"]),
    column(Head, "contract", &["contract"]),
    column(Head, "as_of", &["as_of"]),
    column(Clock, "metric", &["metric"]),
    column(Clock, "cycle", &["cycle"]),
    column(Clock, "clock_state", &["state"]),
    column(Clock, "priority", &["priority"]),
    column(Clock, "target", &["target"]),
    column(Clock, "calendar", &["calendar"]),
    column(Item, "from", &["from"]),
    column(Item, "to", &["to"]),
    column(Item, "kind", &["kind"]),
    column(Item, "reason", &["reason"]),
    column(Item, "working_ms", &["working_ms"]),
];

/// Flat records: fixed columns, and rows holding one value per column (`null` where
/// absent), in the core's JSON form (money a string, durations integer milliseconds).
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    columns: &'static [Column],
    rows: Vec<Vec<Value>>,
}

/// The objects one record's values are taken from (see [`Part`]).
#[derive(Default)]
struct Parts<'a> {
    head: Option<&'a Value>,
    clock: Option<&'a Value>,
    item: Option<&'a Value>,
    total: Option<&'a Value>,
}

impl Records {
    /// One record per ticket and metric.
    pub fn of_evaluation(eval: &Evaluation) -> Records {
        Records::of_tickets(&eval.tickets)
    }

    /// One record per metric of these tickets: a slice of an evaluation's records (a
    /// writer that goes through a large evaluation a slice at a time never holds all of
    /// its records).
    pub fn of_tickets(tickets: &[TicketResult]) -> Records {
        let mut records = Records::new(REPLAY_COLUMNS);
        for t in tickets {
            // Each object is serialized once; its metrics are read out of its JSON.
            let mut ticket = to_value(t);
            let metrics = take_list(&mut ticket, "metrics");
            for metric in &metrics {
                records.push(Parts {
                    head: Some(&ticket),
                    item: Some(metric),
                    ..Parts::default()
                });
            }
        }
        records
    }

    /// One record per row of each report.
    pub fn of_reports(reports: &[Report]) -> Records {
        let mut records = Records::new(REPORT_COLUMNS);
        for report in reports {
            let mut head = to_value(report);
            for row in &take_list(&mut head, "rows") {
                records.push(Parts {
                    head: Some(&head),
                    item: Some(row),
                    ..Parts::default()
                });
            }
        }
        records
    }

    /// One record per line of each statement, then its `total` record: `rule` is
    /// `"total"`, `amount` the total, and `subtotal`, `cap`, `capped`, `total` and
    /// `excluded_held_ms` are filled (they are empty in line records).
    pub fn of_statements(statements: &[CreditStatement]) -> Records {
        let mut records = Records::new(CREDIT_COLUMNS);
        for s in statements {
            let mut head = to_value(s);
            for line in &take_list(&mut head, "lines") {
                records.push(Parts {
                    head: Some(&head),
                    item: Some(line),
                    ..Parts::default()
                });
            }
            let total = serde_json::json!({ "rule": "total", "amount": head["total"] });
            records.push(Parts {
                head: Some(&head),
                item: Some(&total),
                total: Some(&head),
                ..Parts::default()
            });
        }
        records
    }

    /// One record per timeline segment, with its clock's metric, cycle, state, priority,
    /// target and calendar.
    pub fn of_explanation(x: &Explanation) -> Records {
        let mut records = Records::new(EXPLAIN_COLUMNS);
        let mut head = to_value(x);
        for mut clock in take_list(&mut head, "clocks") {
            for segment in &take_list(&mut clock, "segments") {
                records.push(Parts {
                    head: Some(&head),
                    clock: Some(&clock),
                    item: Some(segment),
                    ..Parts::default()
                });
            }
        }
        records
    }

    fn new(columns: &'static [Column]) -> Records {
        Records {
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, parts: Parts<'_>) {
        let row = self
            .columns
            .iter()
            .map(|c| {
                let object = match c.part {
                    Head => parts.head,
                    Clock => parts.clock,
                    Item => parts.item,
                    Total => parts.total,
                };
                let found = c.path.iter().try_fold(object?, |value, key| value.get(key));
                found.cloned()
            })
            .map(|value| value.unwrap_or(Value::Null))
            .collect();
        self.rows.push(row);
    }

    /// The columns, in order.
    pub fn columns(&self) -> &'static [Column] {
        self.columns
    }

    /// The rows: one value per column, in the columns' order.
    pub fn rows(&self) -> &[Vec<Value>] {
        &self.rows
    }

    /// The rows, taken.
    pub fn into_rows(self) -> Vec<Vec<Value>> {
        self.rows
    }

    /// Writes the rows as JSON objects, one per line, columns in order (the records of
    /// `--format jsonl`). Give it a buffered writer: it writes value by value.
    pub fn write_jsonl<W: std::io::Write>(&self, mut out: W) -> std::io::Result<()> {
        // The column names as JSON strings once, then each value straight to the writer
        // (no string per value, no document in memory).
        let names: Vec<String> = self
            .columns
            .iter()
            .map(|c| Value::from(c.name).to_string())
            .collect();
        for row in &self.rows {
            out.write_all(b"{")?;
            for (i, (name, value)) in names.iter().zip(row).enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(name.as_bytes())?;
                out.write_all(b":")?;
                serde_json::to_writer(&mut out, value)?;
            }
            out.write_all(b"}\n")?;
        }
        Ok(())
    }

    /// The rows as JSONL text (see [`Records::write_jsonl`]).
    pub fn to_jsonl(&self) -> String {
        let mut out = Vec::new();
        // Writing to a `Vec` cannot fail, and serde_json writes UTF-8, so neither
        // fallback ever runs.
        let _ = self.write_jsonl(&mut out);
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

fn to_value<T: Serialize>(value: &T) -> Value {
    // The core's result types serialize to JSON without failing (string keys, no
    // non-finite floats); `null` would leave the record's cells empty, not lose it.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Takes the list `key` out of the object `value` (the records are made of its items).
fn take_list(value: &mut Value, key: &str) -> Vec<Value> {
    match value.as_object_mut().and_then(|o| o.remove(key)) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Contract, Instant, Ledger, Mode};
    use serde_json::Map;

    /// Every kind of clock, line and segment: a business-hours contract with every kind
    /// of credit rule, a breach, a pause, a reopen, a handoff and an exclusion.
    const CONTRACT: &str = r#"
        id = "acme"
        currency = "USD"
        timezone = "America/New_York"
        fee = { monthly = "10000.00" }
        [calendars.business]
        timezone = "America/New_York"
        mon = ["09:00-17:00"]
        tue = ["09:00-17:00"]
        wed = ["09:00-17:00"]
        thu = ["09:00-17:00"]
        fri = ["09:00-17:00"]
        [targets.P1]
        response   = { within = "15m", calendar = "24x7" }
        resolution = { within = "4h",  calendar = "business" }
        [credits]
        cap = "10%"
        tiers = [ { priority = "P1", metric = "resolution", levels = [ { below = "95%", credit = "5%" } ] } ]
        per_breach = [ { priority = "P1", metric = "response", amount = "250.00" } ]
        per_hour_late = [ { priority = "P1", metric = "resolution", amount = "100.00" } ]
    "#;

    const EVENTS: &str = r#"{"id":"1","ticket":"INC-1","at":"2026-11-02T14:00:00Z","type":"opened","priority":"P1","party":"msp"}
{"id":"2","ticket":"INC-1","at":"2026-11-02T14:20:00Z","type":"responded"}
{"id":"3","ticket":"INC-1","at":"2026-11-02T15:00:00Z","type":"status","status":"waiting_on_customer"}
{"id":"4","ticket":"INC-1","at":"2026-11-02T16:00:00Z","type":"status","status":"in_progress"}
{"id":"5","ticket":"INC-1","at":"2026-11-02T17:00:00Z","type":"assigned","party":"internal"}
{"id":"6","ticket":"INC-1","at":"2026-11-03T19:30:00Z","type":"resolved"}
{"id":"7","ticket":"INC-1","at":"2026-11-03T20:00:00Z","type":"reopened"}
{"id":"8","ticket":"INC-1","at":"2026-11-03T21:00:00Z","type":"resolved"}
{"id":"9","ticket":"INC-2","at":"2026-11-04T15:00:00Z","type":"opened","priority":"P1"}
{"id":"10","ticket":"INC-2","at":"2026-11-04T16:00:00Z","type":"excluded","reason":"change freeze"}
"#;

    fn ledger() -> Ledger {
        let mut ledger = Ledger::new(Mode::Strict);
        ledger
            .add_contract(Contract::from_toml(CONTRACT).unwrap())
            .unwrap();
        ledger.ingest_jsonl(EVENTS.as_bytes()).unwrap();
        ledger
    }

    fn as_of() -> Instant {
        "2026-12-01T05:00:00Z".parse().unwrap()
    }

    fn period() -> crate::Period {
        crate::Period::parse_month("2026-11", chrono_tz::America::New_York).unwrap()
    }

    /// The field names of `value`'s JSON with nested objects flattened with `_`, minus
    /// the fields in `skip` and what is nested in them.
    fn flat_names<T: Serialize>(value: &T, skip: &[&str]) -> Vec<String> {
        fn walk(prefix: &str, value: &Value, skip: &[&str], out: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        if prefix.is_empty() && skip.contains(&k.as_str()) {
                            continue;
                        }
                        let name = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}_{k}")
                        };
                        walk(&name, v, skip, out);
                    }
                }
                _ => out.push(prefix.to_string()),
            }
        }
        let mut names = Vec::new();
        walk("", &to_value(value), skip, &mut names);
        names
    }

    fn names(columns: &[Column]) -> Vec<&str> {
        columns.iter().map(|c| c.name).collect()
    }

    /// The one rule that keeps the columns complete: a field the core adds to a result
    /// must become a column, or be listed here as deliberately left out.
    #[test]
    fn every_field_of_the_documents_is_a_column_or_left_out_on_purpose() {
        let ledger = ledger();
        let eval = ledger.evaluate(as_of()).unwrap();
        let columns = names(REPLAY_COLUMNS);
        for t in &eval.tickets {
            for name in flat_names(t, &["metrics", "held", "ola"]) {
                let name = match name.as_str() {
                    "priority" => "ticket_priority".to_string(),
                    "state" => "ticket_state".to_string(),
                    _ => name,
                };
                assert!(columns.contains(&name.as_str()), "ticket field {name}");
            }
            for m in &t.metrics {
                for name in flat_names(m, &[]) {
                    assert!(columns.contains(&name.as_str()), "metric field {name}");
                }
            }
        }
        let report = ledger.report("acme", period(), None).unwrap();
        let columns = names(REPORT_COLUMNS);
        // Per-report figures (parties, OLA tallies, handoffs) are not per row.
        let head = flat_names(
            &report,
            &["rows", "parties", "ola", "handoffs", "ping_pongs"],
        );
        let rows = to_value(&report)["rows"].as_array().cloned().unwrap();
        assert!(!rows.is_empty());
        for name in head
            .into_iter()
            .chain(rows.iter().flat_map(|r| flat_names(r, &[])))
        {
            assert!(columns.contains(&name.as_str()), "report field {name}");
        }
        let statement = ledger.credits("acme", period(), None).unwrap();
        let columns = names(CREDIT_COLUMNS);
        let kinds: Vec<&str> = statement.lines.iter().map(|l| l.rule).collect();
        assert_eq!(kinds.len(), 3, "one line of each kind: {kinds:?}");
        for name in flat_names(&statement, &["lines"])
            .into_iter()
            .chain(statement.lines.iter().flat_map(|l| flat_names(l, &[])))
        {
            assert!(columns.contains(&name.as_str()), "statement field {name}");
        }
        let x = ledger.explain("INC-1", as_of()).unwrap();
        let columns = names(EXPLAIN_COLUMNS);
        for clock in &x.clocks {
            for name in clock.segments.iter().flat_map(|s| flat_names(s, &[])) {
                assert!(columns.contains(&name.as_str()), "segment field {name}");
            }
        }
    }

    /// Every column's path leads to a value in some record of the example (a misspelt
    /// path would leave its column empty everywhere).
    #[test]
    fn every_column_is_filled_in_some_record() {
        let ledger = ledger();
        let statement = ledger.credits("acme", period(), None).unwrap();
        let all = [
            Records::of_evaluation(&ledger.evaluate(as_of()).unwrap()),
            Records::of_reports(&[ledger.report("acme", period(), None).unwrap()]),
            Records::of_statements(&[statement]),
            Records::of_explanation(&ledger.explain("INC-1", as_of()).unwrap()),
        ];
        // Never set in the example: no cancellation, no redecided row.
        let unset = ["cancelled_reason"];
        for records in &all {
            for (i, column) in records.columns().iter().enumerate() {
                if unset.contains(&column.name) {
                    continue;
                }
                assert!(
                    records.rows().iter().any(|row| !row[i].is_null()),
                    "column {} is empty in every record",
                    column.name
                );
            }
        }
    }

    #[test]
    fn a_record_per_ticket_and_metric_with_the_tickets_fields_renamed() {
        let eval = ledger().evaluate(as_of()).unwrap();
        let records = Records::of_evaluation(&eval);
        // INC-1: response, resolution (one cycle: reopens resume it by default); INC-2: both.
        assert_eq!(records.rows().len(), 4);
        let at = |row: usize, column: &str| {
            let i = records
                .columns()
                .iter()
                .position(|c| c.name == column)
                .unwrap();
            records.rows()[row][i].clone()
        };
        assert_eq!(at(0, "ticket"), "INC-1");
        assert_eq!(at(0, "ticket_priority"), "P1");
        assert_eq!(at(0, "ticket_state"), "resolved");
        assert_eq!(at(0, "metric"), "response");
        assert_eq!(at(0, "state"), "breached");
        // 14:00 to 14:20 on a 24x7 clock.
        assert_eq!(at(0, "elapsed_ms"), 20 * 60_000);
        assert_eq!(at(0, "breached_at"), "2026-11-02T14:15:00Z");
        assert_eq!(at(0, "status"), "in_progress");
        // The first resolution (Tuesday 19:30Z) is kept beside the final one (21:00Z).
        assert_eq!(at(1, "first_stopped_at"), "2026-11-03T19:30:00Z");
        assert_eq!(at(1, "stopped_at"), "2026-11-03T21:00:00Z");
        assert_eq!(at(3, "ticket"), "INC-2");
        assert_eq!(at(3, "state"), "excluded");
        assert_eq!(at(3, "excluded_reason"), "change freeze");
        assert_eq!(at(3, "status"), Value::Null, "an absent value is null");
        assert_eq!(at(3, "first_stopped_at"), Value::Null);
        for row in records.rows() {
            assert_eq!(row.len(), REPLAY_COLUMNS.len());
        }
    }

    #[test]
    fn statements_end_with_a_total_record() {
        let statement = ledger().credits("acme", period(), None).unwrap();
        let records = Records::of_statements(std::slice::from_ref(&statement));
        assert_eq!(records.rows().len(), statement.lines.len() + 1);
        let column = |name: &str| CREDIT_COLUMNS.iter().position(|c| c.name == name).unwrap();
        let total = records.rows().last().unwrap();
        assert_eq!(total[column("rule")], "total");
        assert_eq!(total[column("amount")], to_value(&statement.total));
        assert_eq!(total[column("capped")], statement.capped);
        let first = &records.rows()[0];
        assert_eq!(first[column("subtotal")], Value::Null);
        assert_eq!(first[column("period_from")], "2026-11-01T04:00:00Z");
    }

    #[test]
    fn jsonl_keeps_the_column_order_and_writes_every_column() {
        let x = ledger().explain("INC-1", as_of()).unwrap();
        let records = Records::of_explanation(&x);
        let text = records.to_jsonl();
        let first = text.lines().next().unwrap();
        assert!(
            first.starts_with(r#"{"ticket":"INC-1","contract":"acme","as_of":"2026-12-01T05:00:00Z","metric":"response","cycle":1,"clock_state":"breached","#),
            "{first}"
        );
        assert_eq!(text.lines().count(), records.rows().len());
        for line in text.lines() {
            let object: Map<String, Value> = serde_json::from_str(line).unwrap();
            assert_eq!(object.len(), EXPLAIN_COLUMNS.len());
        }
    }
}
