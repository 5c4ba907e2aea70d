//! Result objects: `Evaluation`, `Explanation`, `Report`, `CreditStatement`.
//!
//! Each holds the core's value. `to_json()` is the core's JSON exactly, `to_dict(raw=True)`
//! the same as Python values, `to_dict()` the typed view (see `convert`), and
//! `to_records()` flat rows for `pandas.DataFrame(records)`.
//!
//! Records are the core's (`slaledger::records`): the same columns and rows as the CLI's
//! `--format csv`, every row with every column (`None` where absent), so a DataFrame has
//! the same columns whatever the data. Only the typing of values is done here.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use serde::Serialize;
use slaledger::records::{
    Column, Records, CREDIT_COLUMNS, EXPLAIN_COLUMNS, REPLAY_COLUMNS, REPORT_COLUMNS,
};

use crate::convert::{Json, NoGc, Out, RecordList};
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

/// The core's flat records (the rows of the CLI's `--format csv`, see
/// `slaledger::records`) as a list of dicts, converted a piece at a time.
fn flat_records<'py>(
    py: Python<'py>,
    columns: &'static [Column],
    pieces: impl Iterator<Item = Records>,
) -> PyResult<Bound<'py, PyList>> {
    let mut list = RecordList::new(py, columns)?;
    for piece in pieces {
        list.extend(piece.into_rows())?;
    }
    Ok(list.finish())
}

/// Tickets per piece of an evaluation's records: their rows as JSON take ~1.3 KB each,
/// so a piece of this size is a few megabytes, where a million tickets' would be gigabytes.
const TICKETS_PER_PIECE: usize = 4096;

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

    /// One flat dict per ticket and metric: the ticket's fields, then the metric's; the
    /// ticket's `priority` and `state` are `ticket_priority`, `ticket_state`.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        flat_records(
            py,
            REPLAY_COLUMNS,
            self.inner
                .tickets
                .chunks(TICKETS_PER_PIECE)
                .map(Records::of_tickets),
        )
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

    /// One flat dict per segment: `ticket`, `contract`, `as_of`, the clock's `metric`,
    /// `cycle`, `clock_state`, `priority`, `target`, `calendar`, then the segment's `from`,
    /// `to`, `kind`, `reason`, `working_ms`.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        flat_records(
            py,
            EXPLAIN_COLUMNS,
            std::iter::once(Records::of_explanation(&self.inner)),
        )
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
        flat_records(
            py,
            REPORT_COLUMNS,
            std::iter::once(Records::of_reports(std::slice::from_ref(&self.inner))),
        )
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
    /// the line's `rule`, `priority`, `metric`, its basis as `basis_*` (`None` in lines of
    /// other kinds), `tickets`, `amount`; then one `total` row (`rule == "total"`,
    /// `amount` the total) that fills `subtotal`, `cap`, `capped`, `total` and
    /// `excluded_held_ms`, as the CLI's `--format csv` does.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        flat_records(
            py,
            CREDIT_COLUMNS,
            std::iter::once(Records::of_statements(std::slice::from_ref(&self.inner))),
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "CreditStatement(contract={:?}, currency={:?}, total={})",
            self.inner.contract, self.inner.currency, self.inner.total
        )
    }
}
