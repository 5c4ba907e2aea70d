//! `Contract`: targets, calendars, policies and credit terms (SPEC §6, §9).

use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::calendar::PyCalendar;
use crate::convert::{self, Json, Out};
use crate::errors::{Domain, OrRaise};

const D: Domain = Domain::Contract;

/// A validated contract.
#[pyclass(module = "slaledger._native", name = "Contract", frozen)]
#[derive(Debug)]
pub struct PyContract {
    pub inner: slaledger::Contract,
}

#[pymethods]
impl PyContract {
    /// Parses and validates a contract from TOML text.
    #[classmethod]
    fn from_toml(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = convert::text_in(text, "text")?;
        let inner = slaledger::Contract::from_toml(&text).or_raise(cls.py(), D)?;
        Ok(PyContract { inner })
    }

    /// Parses and validates a contract from JSON text (same schema as TOML).
    #[classmethod]
    fn from_json(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = convert::text_in(text, "text")?;
        let inner = slaledger::Contract::from_json(&text).or_raise(cls.py(), D)?;
        Ok(PyContract { inner })
    }

    /// Builds a contract from a dict (same schema as TOML). Money is `Decimal` or `str`;
    /// floats are refused.
    #[classmethod]
    fn from_dict(cls: &Bound<'_, PyType>, spec: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = cls.py();
        let json = convert::json_in(spec, "", convert::Doc::Spec).or_raise(py, D)?;
        let inner = slaledger::Contract::from_json(&json.to_string()).or_raise(py, D)?;
        Ok(PyContract { inner })
    }

    /// The contract id.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }

    /// The IANA zone billing periods are cut in.
    #[getter]
    fn timezone(&self) -> String {
        self.inner.timezone().name().to_string()
    }

    /// The priorities the contract has targets for, sorted.
    #[getter]
    fn priorities(&self) -> Vec<String> {
        self.inner.priorities().map(str::to_string).collect()
    }

    /// The calendar called `name` (`"24x7"` or one of the contract's `calendars`).
    fn calendar(&self, name: &str) -> PyResult<PyCalendar> {
        match self.inner.calendars().get(name) {
            Some(cal) => Ok(PyCalendar { inner: cal.clone() }),
            None => Err(PyKeyError::new_err(format!(
                "contract {:?} has no calendar {name:?} (it has {:?})",
                self.inner.id(),
                self.inner.calendars().names().collect::<Vec<_>>()
            ))),
        }
    }

    /// The contract as parsed, in the core's JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Out::new(py, true).value(&Json::of(self.inner.spec())?, None, None)
    }

    /// The contract as parsed, as JSON text (`Contract.from_json` reads it back).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.spec()).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn __repr__(&self) -> String {
        format!(
            "Contract(id={:?}, timezone={:?})",
            self.inner.id(),
            self.inner.timezone().name()
        )
    }
}
