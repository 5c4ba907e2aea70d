//! Core errors as Python exceptions.
//!
//! The exception classes are defined in Python (`slaledger/_errors.py`): `SlaError` with
//! the core's stable `.code`, and one subclass per family. The class is chosen from the
//! core's `ErrorKind::category()`: `calendar`, `contract` and `event` errors have their
//! own class wherever they occur. The `time` and `input` families (a bad timestamp, a
//! missing key, a wrong type) can come from any document, so they take the class of the
//! operation that read it (a `missing_field` from `Contract.from_toml` is a
//! `ContractError`, from `Ledger.ingest` an `EventError`, from `Ledger.credits` a
//! `CreditError`). Errors about a call's own arguments (a contract id to look up, a
//! period to parse) take the call's class whatever their family: `Ledger.credits("typo")`
//! is a `CreditError` with code `unknown_contract`, not an event error.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use slaledger::Error;

use crate::convert::InError;

/// Which input an operation reads, and so the exception class of its `time` and `input`
/// errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// `Calendar` construction and queries: `CalendarError`.
    Calendar,
    /// `Contract` construction and `Ledger.add_contract`: `ContractError`.
    Contract,
    /// Ingesting events, `evaluate` and `explain`: `EventError`.
    Event,
    /// `report` and `credits`: `CreditError`.
    Credit,
}

impl Domain {
    fn class_name(self) -> &'static str {
        match self {
            Domain::Calendar => "CalendarError",
            Domain::Contract => "ContractError",
            Domain::Event => "EventError",
            Domain::Credit => "CreditError",
        }
    }
}

fn class<'py>(py: Python<'py>, domain: Domain) -> PyResult<Bound<'py, PyType>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module =
        MODULE.get_or_try_init(py, || py.import("slaledger._errors").map(|m| m.unbind()))?;
    Ok(module
        .bind(py)
        .getattr(domain.class_name())?
        .cast_into::<PyType>()?)
}

/// The Python exception of a core error raised by an operation of `domain`.
pub fn core_err(py: Python<'_>, domain: Domain, err: &Error) -> PyErr {
    let domain = match err.kind().category() {
        "calendar" => Domain::Calendar,
        "contract" => Domain::Contract,
        "event" => Domain::Event,
        _ => domain,
    };
    arg_err(py, domain, err)
}

/// The Python exception of a core error about an argument of an operation of `domain`:
/// always the `domain`'s class.
pub fn arg_err(py: Python<'_>, domain: Domain, err: &Error) -> PyErr {
    match class(py, domain).and_then(|cls| cls.call1((err.message(), err.code()))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(failed) => failed,
    }
}

/// The Python exception of a failed conversion.
pub fn in_err(py: Python<'_>, domain: Domain, err: InError) -> PyErr {
    match err {
        InError::Core(e) => core_err(py, domain, &e),
        InError::Py(e) => e,
    }
}

/// Maps core results to Python results for one domain.
pub trait OrRaise<T> {
    /// Raises a core error as its family's exception, or the `domain`'s.
    fn or_raise(self, py: Python<'_>, domain: Domain) -> PyResult<T>;
    /// Raises a core error about an argument as the `domain`'s exception.
    fn or_raise_arg(self, py: Python<'_>, domain: Domain) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, Error> {
    fn or_raise(self, py: Python<'_>, domain: Domain) -> PyResult<T> {
        self.map_err(|e| core_err(py, domain, &e))
    }
    fn or_raise_arg(self, py: Python<'_>, domain: Domain) -> PyResult<T> {
        self.map_err(|e| arg_err(py, domain, &e))
    }
}

impl<T> OrRaise<T> for Result<T, InError> {
    fn or_raise(self, py: Python<'_>, domain: Domain) -> PyResult<T> {
        self.map_err(|e| in_err(py, domain, e))
    }
    fn or_raise_arg(self, py: Python<'_>, domain: Domain) -> PyResult<T> {
        self.map_err(|e| match e {
            InError::Core(e) => arg_err(py, domain, &e),
            InError::Py(e) => e,
        })
    }
}
