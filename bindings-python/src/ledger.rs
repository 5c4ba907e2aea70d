//! `Ledger`: ingest events, evaluate, explain, report and credit (SPEC §5, §7–§9).

use std::io::BufReader;
use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use slaledger::{Instant, Mode, Period};

use crate::contract::PyContract;
use crate::convert;
use crate::errors::{Domain, OrRaise};
use crate::results::{PyCreditStatement, PyEvaluation, PyExplanation, PyReport};

/// Replays ticket events against contracts.
#[pyclass(module = "slaledger._native", name = "Ledger")]
#[derive(Debug)]
pub struct PyLedger {
    inner: slaledger::Ledger,
}

fn instant(py: Python<'_>, ob: &Bound<'_, PyAny>, what: &str, domain: Domain) -> PyResult<Instant> {
    convert::instant_in(ob, what).or_raise_arg(py, domain)
}

#[pymethods]
impl PyLedger {
    /// An empty ledger. Strict (default): the first bad event raises `EventError`.
    /// Lenient: bad events are rejected and listed in the evaluation's `rejected`.
    #[new]
    #[pyo3(signature = (*, lenient = false))]
    fn new(lenient: bool) -> Self {
        let mode = if lenient { Mode::Lenient } else { Mode::Strict };
        PyLedger {
            inner: slaledger::Ledger::new(mode),
        }
    }

    /// Whether bad events are rejected (lenient) rather than raised (strict).
    #[getter]
    fn lenient(&self) -> bool {
        self.inner.mode() == Mode::Lenient
    }

    /// The ids of the loaded contracts, sorted.
    #[getter]
    fn contract_ids(&self) -> Vec<String> {
        self.inner.contracts().map(|c| c.id().to_string()).collect()
    }

    /// The number of distinct tickets seen.
    #[getter]
    fn ticket_count(&self) -> usize {
        self.inner.ticket_count()
    }

    /// Adds a contract; its id must be new (`ContractError` `duplicate_contract`).
    fn add_contract(&mut self, py: Python<'_>, contract: PyRef<'_, PyContract>) -> PyResult<()> {
        self.inner
            .add_contract(contract.inner.clone())
            .or_raise(py, Domain::Contract)
    }

    /// The loaded contract `id` (`ContractError` `unknown_contract` if there is none).
    fn contract(&self, py: Python<'_>, id: &str) -> PyResult<PyContract> {
        let inner = self.inner.contract(id).or_raise_arg(py, Domain::Contract)?;
        Ok(PyContract {
            inner: inner.clone(),
        })
    }

    /// Ingests events given as dicts (the JSON fields of SPEC §5; `at` may be an aware
    /// `datetime`). They are read exactly as the same events written as JSONL would be:
    /// `line` in errors and rejections is the 1-based position in `events`.
    fn ingest(&mut self, py: Python<'_>, events: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut jsonl = String::new();
        for item in events.try_iter()? {
            let value =
                convert::json_in(&item?, "", convert::Doc::Event).or_raise(py, Domain::Event)?;
            jsonl.push_str(&value.to_string());
            jsonl.push('\n');
        }
        self.ingest_text(py, &jsonl)
    }

    /// Ingests JSONL from a file: a path, or an open file (text or binary, e.g. from
    /// `gzip.open`).
    fn ingest_jsonl(&mut self, py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<()> {
        if source.hasattr("read")? && !source.is_instance_of::<PyString>() {
            let text = convert::text_in(&source.call_method0("read")?, "source.read()")?;
            return self.ingest_text(py, &text);
        }
        let path: PathBuf = source.extract().map_err(|_| {
            PyTypeError::new_err("source: expected a path (str or os.PathLike) or a file object")
        })?;
        let file = std::fs::File::open(&path)?;
        let inner = &mut self.inner;
        py.detach(|| inner.ingest_jsonl(BufReader::new(file)))
            .or_raise(py, Domain::Event)
    }

    /// Ingests JSONL given as a `str` (or UTF-8 `bytes`).
    fn ingest_jsonl_text(&mut self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<()> {
        let text = convert::text_in(text, "text")?;
        self.ingest_text(py, &text)
    }

    /// Evaluates every ticket as of `as_of` (events after it are ignored).
    #[pyo3(signature = (*, as_of))]
    fn evaluate(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>) -> PyResult<PyEvaluation> {
        let as_of = instant(py, as_of, "as_of", Domain::Event)?;
        let inner = &self.inner;
        let evaluation = py
            .detach(|| inner.evaluate(as_of))
            .or_raise(py, Domain::Event)?;
        Ok(PyEvaluation { inner: evaluation })
    }

    /// The timeline behind every number of `ticket` as of `as_of`.
    #[pyo3(signature = (ticket, *, as_of))]
    fn explain(
        &self,
        py: Python<'_>,
        ticket: &str,
        as_of: &Bound<'_, PyAny>,
    ) -> PyResult<PyExplanation> {
        let as_of = instant(py, as_of, "as_of", Domain::Event)?;
        let inner = &self.inner;
        let explanation = py
            .detach(|| inner.explain(ticket, as_of))
            .or_raise(py, Domain::Event)?;
        Ok(PyExplanation { inner: explanation })
    }

    /// The report of `contract` for a month (`period="2026-11"`, in the contract's zone)
    /// or `[from_, to)`, evaluated as of the period's end or the earlier `as_of`.
    #[pyo3(signature = (contract, *, period = None, from_ = None, to = None, as_of = None))]
    fn report(
        &self,
        py: Python<'_>,
        contract: &str,
        period: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyReport> {
        let (period, as_of) = self.period(py, contract, period, from_, to, as_of)?;
        let inner = &self.inner;
        let report = py
            .detach(|| inner.report(contract, period, as_of))
            .or_raise(py, Domain::Credit)?;
        Ok(PyReport { inner: report })
    }

    /// The credit statement of `contract` for a period (same arguments as `report`).
    #[pyo3(signature = (contract, *, period = None, from_ = None, to = None, as_of = None))]
    fn credits(
        &self,
        py: Python<'_>,
        contract: &str,
        period: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCreditStatement> {
        let (period, as_of) = self.period(py, contract, period, from_, to, as_of)?;
        let inner = &self.inner;
        let statement = py
            .detach(|| inner.credits(contract, period, as_of))
            .or_raise(py, Domain::Credit)?;
        Ok(PyCreditStatement { inner: statement })
    }

    fn __repr__(&self) -> String {
        format!(
            "Ledger(lenient={}, contracts={:?}, tickets={})",
            if self.lenient() { "True" } else { "False" },
            self.contract_ids(),
            self.inner.ticket_count()
        )
    }
}

impl PyLedger {
    fn ingest_text(&mut self, py: Python<'_>, text: &str) -> PyResult<()> {
        let inner = &mut self.inner;
        py.detach(|| inner.ingest_jsonl(text.as_bytes()))
            .or_raise(py, Domain::Event)
    }

    /// The period and as-of of `report` and `credits`.
    fn period(
        &self,
        py: Python<'_>,
        contract: &str,
        period: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(Period, Option<Instant>)> {
        const D: Domain = Domain::Credit;
        let period = match (period, from_, to) {
            (Some(month), None, None) => {
                let month: String = month
                    .extract()
                    .map_err(|_| PyTypeError::new_err("period: expected a month as \"YYYY-MM\""))?;
                let tz = self
                    .inner
                    .contract(contract)
                    .or_raise_arg(py, D)?
                    .timezone();
                Period::parse_month(&month, tz).or_raise_arg(py, D)?
            }
            (None, Some(from), Some(to)) => {
                self.inner.contract(contract).or_raise_arg(py, D)?;
                Period::new(instant(py, from, "from_", D)?, instant(py, to, "to", D)?)
                    .or_raise_arg(py, D)?
            }
            _ => {
                return Err(PyTypeError::new_err(
                    "give either period=\"YYYY-MM\" or both from_= and to=",
                ))
            }
        };
        let as_of = as_of.map(|t| instant(py, t, "as_of", D)).transpose()?;
        Ok((period, as_of))
    }
}
