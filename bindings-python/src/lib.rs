//! The Python binding of slaledger: the native module `slaledger._native`.
//!
//! Thin by design (STYLE.md, "Bindings"): every function converts its arguments, calls
//! the core, and converts the result or maps the error. All conversions are in the
//! `convert` module; the exception classes live in `python/slaledger/_errors.py` and are
//! chosen in the `errors` module. The pure-Python package `slaledger` re-exports the
//! classes; its stubs are `python/slaledger/_native.pyi`.

mod calendar;
mod contract;
mod convert;
mod errors;
mod ledger;
mod results;

use pyo3::prelude::*;

/// The native module `slaledger._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<calendar::PyCalendar>()?;
    m.add_class::<contract::PyContract>()?;
    m.add_class::<ledger::PyLedger>()?;
    m.add_class::<results::PyEvaluation>()?;
    m.add_class::<results::PyExplanation>()?;
    m.add_class::<results::PyReport>()?;
    m.add_class::<results::PyCreditStatement>()?;
    Ok(())
}
