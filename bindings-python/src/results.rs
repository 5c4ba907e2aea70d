//! Result objects: `Evaluation`, `Explanation`, `Report`, `CreditStatement`.
//!
//! Each holds the core's value. `to_json()` is the core's JSON exactly, `to_dict(raw=True)`
//! the same as Python values, `to_dict()` the typed view (see `convert`), and
//! `to_records()` flat rows for `pandas.DataFrame(records)`.
//!
//! Record columns are learned from the core's JSON itself, in the core's field order, so
//! a field the core adds appears in the records without a change here. Every row has
//! every column (`None` where absent), and the fields the core omits when empty
//! (`status`, `first_stopped_at`, ...) and the MTTA/MTTR statistics are always columns, so
//! a DataFrame has the same columns whatever the data.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use serde::Serialize;
use slaledger::report::DurationStats;

use crate::convert::{records, Field, Json, NoGc, Out, NULL};
use crate::errors::{Domain, OrRaise};

fn to_json<T: Serialize>(value: &T, pretty: bool) -> PyResult<String> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    text.map_err(|e| PyValueError::new_err(e.to_string()))
}

fn to_dict<'py, T: Serialize>(
    py: Python<'py>,
    value: &T,
    raw: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let json = Json::of(value)?;
    let _no_gc = NoGc::new(py)?;
    Out::new(py, raw).value(&json, None, None)
}

/// The typed field `key` of the core's JSON of `value`.
fn field<'py, T: Serialize>(py: Python<'py>, value: &T, key: &str) -> PyResult<Bound<'py, PyAny>> {
    Out::new(py, false).value(Json::of(value)?.at(key), Some(key), None)
}

/// A column group: a field, or a nested object flattened as `field_subfield` columns.
enum Column {
    Leaf {
        column: String,
        key: String,
    },
    Nested {
        key: String,
        subs: Vec<(String, String)>,
    },
}

impl Column {
    fn key(&self) -> &str {
        match self {
            Column::Leaf { key, .. } | Column::Nested { key, .. } => key,
        }
    }
}

/// Inserts the keys of `fields` into `order`, keeping each new key after the key that
/// precedes it in `fields`: the order of the core's struct, even when an optional field
/// only appears in a later row.
fn merge_keys<'a>(order: &mut Vec<String>, fields: impl Iterator<Item = &'a str>) {
    let mut next = 0;
    for key in fields {
        match order.iter().position(|k| k == key) {
            Some(i) => next = i + 1,
            None => {
                order.insert(next, key.to_string());
                next += 1;
            }
        }
    }
}

/// The columns of a kind of object, learned from the objects themselves.
struct Columns(Vec<Column>);

impl Columns {
    /// `always`: fields that are columns even if no object has them (the core omits them
    /// when empty). `nested`: fields that are objects (or null) with these subfields.
    fn learn<'a>(
        objects: impl Iterator<Item = &'a Json>,
        skip: &[&str],
        always: &[&str],
        nested: &[(&str, &[String])],
        rename: impl Fn(&str) -> Option<String>,
    ) -> Columns {
        let mut order: Vec<String> = Vec::new();
        let mut subs: Vec<(String, Vec<String>)> = nested
            .iter()
            .map(|(k, s)| (k.to_string(), s.to_vec()))
            .collect();
        let mut last: &[(String, Json)] = &[];
        for object in objects {
            let fields = object.fields();
            // Objects of one kind nearly always have the same fields: merge only changes.
            let same =
                fields.len() == last.len() && fields.iter().zip(last).all(|(a, b)| a.0 == b.0);
            if !same {
                merge_keys(&mut order, fields.iter().map(|(k, _)| k.as_str()));
                last = fields;
            }
            for (key, value) in fields {
                if let Json::Object(inner) = value {
                    let at = match subs.iter().position(|(k, _)| k == key) {
                        Some(at) => at,
                        None => {
                            subs.push((key.clone(), Vec::new()));
                            subs.len() - 1
                        }
                    };
                    merge_keys(&mut subs[at].1, inner.iter().map(|(k, _)| k.as_str()));
                }
            }
        }
        merge_keys(&mut order, always.iter().copied());
        let mut out = Vec::new();
        for key in order.into_iter().filter(|k| !skip.contains(&k.as_str())) {
            let name = rename(&key).unwrap_or_else(|| key.clone());
            out.push(match subs.iter().find(|(k, _)| *k == key) {
                Some((_, fields)) => Column::Nested {
                    subs: fields
                        .iter()
                        .map(|sub| (format!("{name}_{sub}"), sub.clone()))
                        .collect(),
                    key,
                },
                None => Column::Leaf { column: name, key },
            });
        }
        Columns(out)
    }

    fn has(&self, key: &str) -> bool {
        self.0.iter().any(|c| c.key() == key)
    }

    /// Adds the fields of `actual` (null where absent) to `row`. Objects of one kind have
    /// their fields in the same order, so a cursor finds each in turn.
    fn fill<'a>(&'a self, actual: &'a Json, row: &mut Vec<Field<'a>>) {
        let fields = actual.fields();
        let mut cursor = 0;
        for col in &self.0 {
            let key = col.key();
            let value = match fields.get(cursor) {
                Some((k, v)) if k == key => {
                    cursor += 1;
                    v
                }
                _ => match fields.iter().position(|(k, _)| k == key) {
                    Some(p) => {
                        cursor = p + 1;
                        &fields[p].1
                    }
                    None => &NULL,
                },
            };
            match col {
                Column::Leaf { column, key } => row.push(Field::new(column, key, value)),
                Column::Nested { subs, .. } => {
                    for (column, sub) in subs {
                        row.push(Field::new(column, sub, value.at(sub)));
                    }
                }
            }
        }
    }
}

/// Ticket fields the core omits when empty.
const TICKET_OPTIONAL: &[&str] = &["status", "excluded_reason", "cancelled_reason"];
/// Metric fields the core omits when empty.
const METRIC_OPTIONAL: &[&str] = &["first_stopped_at", "first_elapsed_ms"];

/// The fields of the MTTA/MTTR statistics of a report row (`working_time`, `wall_time`),
/// which are null when nothing was measured.
fn stats_fields() -> PyResult<Vec<String>> {
    let stats = DurationStats {
        count: 0,
        sum_ms: 0,
        mean_ms: 0,
        median_ms: 0,
        p90_ms: 0,
    };
    Ok(Json::of(&stats)?
        .fields()
        .iter()
        .map(|(k, _)| k.clone())
        .collect())
}

/// The result of `Ledger.evaluate`: every ticket and metric, the rejected events, counts.
#[pyclass(module = "slaledger._native", name = "Evaluation", frozen)]
#[derive(Debug)]
pub struct PyEvaluation {
    pub inner: slaledger::Evaluation,
}

#[pymethods]
impl PyEvaluation {
    /// The instant the evaluation was made as of (UTC).
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Out::new(py, false).instant(self.inner.as_of)
    }

    /// Per ticket (typed, as in `to_dict()`), sorted by ticket id.
    #[getter]
    fn tickets<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        field(py, &self.inner, "tickets")
    }

    /// Every rejected event (lenient mode) with `line`, `id`, `ticket`, `code` and `message`:
    /// flat dicts, ready for `pandas.DataFrame(evaluation.rejected)`.
    #[getter]
    fn rejected<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Out::new(py, false).value(&Json::of(&self.inner.rejected)?, Some("rejected"), None)
    }

    /// Counts: `events`, `duplicates`, `tickets`, `rejected`.
    #[getter]
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner.stats, false)
    }

    /// The core's JSON (SPEC §7), exactly.
    #[pyo3(signature = (*, pretty = false))]
    fn to_json(&self, pretty: bool) -> PyResult<String> {
        to_json(&self.inner, pretty)
    }

    /// The evaluation as a dict: typed (`datetime`, `timedelta`), or `raw=True` for the
    /// core's JSON values.
    #[pyo3(signature = (*, raw = false))]
    fn to_dict<'py>(&self, py: Python<'py>, raw: bool) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner, raw)
    }

    /// One flat dict per ticket and metric (and cycle): the ticket's fields, then the
    /// metric's; the ticket's `priority` and `state` are `ticket_priority`, `ticket_state`.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let value = Json::of(&self.inner)?;
        let tickets = value.at("tickets").items();
        let metrics = tickets.iter().flat_map(|t| t.at("metrics").items());
        let metric_cols = Columns::learn(metrics, &[], METRIC_OPTIONAL, &[], |_| None);
        let ticket_cols = Columns::learn(tickets.iter(), &["metrics"], TICKET_OPTIONAL, &[], |k| {
            metric_cols.has(k).then(|| format!("ticket_{k}"))
        });
        let mut rows = Vec::new();
        for ticket in tickets {
            for metric in ticket.at("metrics").items() {
                let mut row = Vec::new();
                ticket_cols.fill(ticket, &mut row);
                metric_cols.fill(metric, &mut row);
                rows.push(row);
            }
        }
        records(&Out::new(py, false), &rows)
    }

    fn __repr__(&self) -> String {
        format!(
            "Evaluation(as_of={}, tickets={}, rejected={})",
            self.inner.as_of,
            self.inner.tickets.len(),
            self.inner.rejected.len()
        )
    }
}

/// The result of `Ledger.explain`: the timeline behind every number of one ticket.
#[pyclass(module = "slaledger._native", name = "Explanation", frozen)]
#[derive(Debug)]
pub struct PyExplanation {
    pub inner: slaledger::Explanation,
}

#[pymethods]
impl PyExplanation {
    /// The ticket id.
    #[getter]
    fn ticket(&self) -> &str {
        &self.inner.ticket
    }

    /// The contract id.
    #[getter]
    fn contract(&self) -> &str {
        &self.inner.contract
    }

    /// The instant the timeline is measured to.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Out::new(py, false).instant(self.inner.as_of)
    }

    /// One timeline per clock (typed): the metric's numbers plus its `segments`.
    #[getter]
    fn clocks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        field(py, &self.inner, "clocks")
    }

    /// Every priority change with the policy that applied.
    #[getter]
    fn priority_changes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        field(py, &self.inner, "priority_changes")
    }

    /// The core's JSON, exactly.
    #[pyo3(signature = (*, pretty = false))]
    fn to_json(&self, pretty: bool) -> PyResult<String> {
        to_json(&self.inner, pretty)
    }

    /// The explanation as a dict: typed, or `raw=True` for the core's JSON values.
    #[pyo3(signature = (*, raw = false))]
    fn to_dict<'py>(&self, py: Python<'py>, raw: bool) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner, raw)
    }

    /// One flat dict per segment: `ticket`, `contract`, `metric`, `cycle`, then the
    /// segment's `from`, `to`, `kind`, `reason`, `working_ms`.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let value = Json::of(&self.inner)?;
        let mut rows = Vec::new();
        for clock in value.at("clocks").items() {
            for segment in clock.at("segments").items() {
                let mut row = vec![
                    Field::new("ticket", "ticket", value.at("ticket")),
                    Field::new("contract", "contract", value.at("contract")),
                    Field::new("metric", "metric", clock.at("metric")),
                    Field::new("cycle", "cycle", clock.at("cycle")),
                ];
                for (key, v) in segment.fields() {
                    row.push(Field::new(key, key, v));
                }
                rows.push(row);
            }
        }
        records(&Out::new(py, false), &rows)
    }

    fn __repr__(&self) -> String {
        format!(
            "Explanation(ticket={:?}, as_of={}, clocks={})",
            self.inner.ticket,
            self.inner.as_of,
            self.inner.clocks.len()
        )
    }
}

/// A period report of one contract: compliance, MTTA and MTTR per priority and metric.
#[pyclass(module = "slaledger._native", name = "Report", frozen)]
#[derive(Debug)]
pub struct PyReport {
    pub inner: slaledger::Report,
}

#[pymethods]
impl PyReport {
    /// The contract id.
    #[getter]
    fn contract(&self) -> &str {
        &self.inner.contract
    }

    /// The period `(from, to)`, half-open, as UTC datetimes.
    #[getter]
    fn period<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let out = Out::new(py, false);
        Ok((
            out.instant(self.inner.period.from)?,
            out.instant(self.inner.period.to)?,
        ))
    }

    /// The instant the report was evaluated as of.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Out::new(py, false).instant(self.inner.as_of)
    }

    /// The rows (typed), per priority and metric, then the totals (`priority == "*"`).
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        field(py, &self.inner, "rows")
    }

    /// The report of this report's tickets and `other`'s (disjoint tickets, same contract,
    /// period and as-of).
    fn merge(&self, py: Python<'_>, other: PyRef<'_, PyReport>) -> PyResult<PyReport> {
        let inner = self
            .inner
            .merge(&other.inner)
            .or_raise(py, Domain::Credit)?;
        Ok(PyReport { inner })
    }

    /// The core's JSON (SPEC §8), exactly.
    #[pyo3(signature = (*, pretty = false))]
    fn to_json(&self, pretty: bool) -> PyResult<String> {
        to_json(&self.inner, pretty)
    }

    /// The report as a dict: typed, or `raw=True` for the core's JSON values.
    #[pyo3(signature = (*, raw = false))]
    fn to_dict<'py>(&self, py: Python<'py>, raw: bool) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner, raw)
    }

    /// One flat dict per row: `contract`, `period_from`, `period_to`, `as_of`, then the
    /// row's fields with `working_time` and `wall_time` flattened (`working_time_mean_ms`).
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let value = Json::of(&self.inner)?;
        let stats = stats_fields()?;
        let nested: [(&str, &[String]); 2] = [("working_time", &stats), ("wall_time", &stats)];
        let cols = Columns::learn(value.at("rows").items().iter(), &[], &[], &nested, |_| None);
        let period = value.at("period");
        let mut rows = Vec::new();
        for r in value.at("rows").items() {
            let mut row = vec![
                Field::new("contract", "contract", value.at("contract")),
                Field::new("period_from", "from", period.at("from")),
                Field::new("period_to", "to", period.at("to")),
                Field::new("as_of", "as_of", value.at("as_of")),
            ];
            cols.fill(r, &mut row);
            rows.push(row);
        }
        records(&Out::new(py, false), &rows)
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(contract={:?}, period={}..{}, as_of={})",
            self.inner.contract, self.inner.period.from, self.inner.period.to, self.inner.as_of
        )
    }
}

/// What a contract's provider owes for a period (SPEC §9). Money is `Decimal`.
#[pyclass(module = "slaledger._native", name = "CreditStatement", frozen)]
#[derive(Debug)]
pub struct PyCreditStatement {
    pub inner: slaledger::CreditStatement,
}

#[pymethods]
impl PyCreditStatement {
    /// The contract id.
    #[getter]
    fn contract(&self) -> &str {
        &self.inner.contract
    }

    /// The ISO 4217 currency code.
    #[getter]
    fn currency(&self) -> &str {
        &self.inner.currency
    }

    /// The period `(from, to)`, half-open, as UTC datetimes.
    #[getter]
    fn period<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let out = Out::new(py, false);
        Ok((
            out.instant(self.inner.period.from)?,
            out.instant(self.inner.period.to)?,
        ))
    }

    /// The fee for the period.
    #[getter]
    fn fee<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        field(py, &self.inner, "fee")
    }

    /// The exact sum of the rounded lines.
    #[getter]
    fn subtotal<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        field(py, &self.inner, "subtotal")
    }

    /// The cap, if the contract has one.
    #[getter]
    fn cap<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        field(py, &self.inner, "cap")
    }

    /// Whether the cap applied.
    #[getter]
    fn capped(&self) -> bool {
        self.inner.capped
    }

    /// The subtotal, capped.
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        field(py, &self.inner, "total")
    }

    /// The lines (typed): one per contract rule entry that pays something.
    #[getter]
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        field(py, &self.inner, "lines")
    }

    /// The core's JSON (SPEC §9), exactly; amounts are strings.
    #[pyo3(signature = (*, pretty = false))]
    fn to_json(&self, pretty: bool) -> PyResult<String> {
        to_json(&self.inner, pretty)
    }

    /// The statement as a dict: typed (amounts `Decimal`), or `raw=True` for the core's
    /// JSON values (amounts strings).
    #[pyo3(signature = (*, raw = false))]
    fn to_dict<'py>(&self, py: Python<'py>, raw: bool) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner, raw)
    }

    /// One flat dict per line: `contract`, `period_from`, `period_to`, `currency`, `fee`,
    /// then the line's `rule`, `priority`, `metric`, `tickets`, `amount` and its basis as
    /// `basis_*` (the fields of every kind of basis in the statement, `None` in lines of
    /// other kinds).
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let value = Json::of(&self.inner)?;
        let cols = Columns::learn(value.at("lines").items().iter(), &[], &[], &[], |_| None);
        let period = value.at("period");
        let mut rows = Vec::new();
        for line in value.at("lines").items() {
            let mut row = vec![
                Field::new("contract", "contract", value.at("contract")),
                Field::new("period_from", "from", period.at("from")),
                Field::new("period_to", "to", period.at("to")),
                Field::new("currency", "currency", value.at("currency")),
                Field::new("fee", "fee", value.at("fee")),
            ];
            cols.fill(line, &mut row);
            rows.push(row);
        }
        records(&Out::new(py, false), &rows)
    }

    fn __repr__(&self) -> String {
        format!(
            "CreditStatement(contract={:?}, currency={:?}, total={})",
            self.inner.contract, self.inner.currency, self.inner.total
        )
    }
}
