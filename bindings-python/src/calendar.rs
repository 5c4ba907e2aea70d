//! `Calendar`: working time on a business or 24x7 clock (SPEC §3).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyType};
use slaledger::{Duration, Instant, TargetDuration};

use crate::convert::{self, is_missing, Json, Out};
use crate::errors::{Domain, OrRaise};

const D: Domain = Domain::Calendar;

/// Which instants are working time: `24x7`, or a validated business calendar.
#[pyclass(module = "slaledger._native", name = "Calendar", frozen)]
#[derive(Debug)]
pub struct PyCalendar {
    pub inner: slaledger::Calendar,
}

fn instant(
    py: Python<'_>,
    ob: &Bound<'_, PyAny>,
    what: impl std::fmt::Display + Copy,
) -> PyResult<Instant> {
    convert::instant_in(ob, what).or_raise(py, D)
}

fn duration(
    py: Python<'_>,
    ob: &Bound<'_, PyAny>,
    what: impl std::fmt::Display + Copy,
) -> PyResult<Duration> {
    convert::duration_in(ob, what).or_raise(py, D)
}

/// An item of a batch argument, for messages (`starts[3]`): formatted only when a message
/// is written, not for every item.
#[derive(Debug, Clone, Copy)]
struct Label<'a> {
    name: &'a str,
    index: usize,
}

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.name, self.index)
    }
}

/// Converts the items of a batch argument (`None`/`NaT` for missing values).
fn column<T>(
    ob: &Bound<'_, PyAny>,
    name: &str,
    convert: impl Fn(&Bound<'_, PyAny>, Label<'_>) -> PyResult<T>,
) -> PyResult<Vec<Option<T>>> {
    ob.try_iter()?
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            if is_missing(&item) {
                Ok(None)
            } else {
                convert(&item, Label { name, index: i }).map(Some)
            }
        })
        .collect()
}

fn same_length(a: usize, b: usize, names: &str) -> PyResult<()> {
    if a != b {
        return Err(PyValueError::new_err(format!(
            "{names} must have the same length (got {a} and {b})"
        )));
    }
    Ok(())
}

/// Runs `f` over the (present) items without holding the GIL.
fn batch<A: Sync, B: Sync, T: Send>(
    py: Python<'_>,
    a: &[Option<A>],
    b: &[Option<B>],
    f: impl Fn(&A, &B) -> slaledger::Result<T> + Sync,
) -> PyResult<Vec<Option<T>>> {
    py.detach(|| {
        a.iter()
            .zip(b)
            .map(|pair| match pair {
                (Some(x), Some(y)) => f(x, y).map(Some),
                _ => Ok(None),
            })
            .collect::<slaledger::Result<Vec<_>>>()
    })
    .or_raise(py, D)
}

fn list<'py, T>(
    py: Python<'py>,
    items: Vec<Option<T>>,
    convert: impl Fn(T) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for item in items {
        match item {
            Some(v) => list.append(convert(v)?)?,
            None => list.append(py.None())?,
        }
    }
    Ok(list)
}

#[pymethods]
impl PyCalendar {
    /// Builds a business calendar from a dict with the schema of SPEC §3.
    #[classmethod]
    #[pyo3(signature = (spec, *, name = "calendar"))]
    fn from_dict(_cls: &Bound<'_, PyType>, spec: &Bound<'_, PyAny>, name: &str) -> PyResult<Self> {
        let py = spec.py();
        let json = convert::json_in(spec, "", convert::Doc::Spec).or_raise(py, D)?;
        Self::from_json_text(py, name, &json.to_string())
    }

    /// Parses and validates a calendar from JSON text.
    #[classmethod]
    #[pyo3(signature = (text, *, name = "calendar"))]
    fn from_json(_cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>, name: &str) -> PyResult<Self> {
        let text = convert::text_in(text, "text")?;
        Self::from_json_text(_cls.py(), name, &text)
    }

    /// Parses and validates a calendar from TOML text (the table of SPEC §3).
    #[classmethod]
    #[pyo3(signature = (text, *, name = "calendar"))]
    fn from_toml(_cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>, name: &str) -> PyResult<Self> {
        let py = text.py();
        let text = convert::text_in(text, "text")?;
        let inner = slaledger::Calendar::from_toml(name, &text).or_raise(py, D)?;
        Ok(PyCalendar { inner })
    }

    /// The `24x7` calendar: every instant is working time.
    #[classmethod]
    fn always(_cls: &Bound<'_, PyType>) -> Self {
        PyCalendar {
            inner: slaledger::Calendar::always(),
        }
    }

    /// The calendar's name (`"24x7"` for the always-working calendar).
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The IANA time zone of a business calendar; `None` for `24x7`.
    #[getter]
    fn timezone(&self) -> Option<String> {
        self.inner.time_zone().map(|tz| tz.name().to_string())
    }

    /// The spec the calendar was built from (as the core serializes it); `None` for `24x7`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.inner.spec() {
            Some(spec) => Out::new(py, true)
                .value(&Json::of(spec)?, None, None)
                .map(Some),
            None => Ok(None),
        }
    }

    /// Working time in `[start, end)`; zero when `end <= start`.
    fn working_time<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (a, b) = (instant(py, start, "start")?, instant(py, end, "end")?);
        let d = self.inner.working_time(a, b).or_raise(py, D)?;
        Out::new(py, false).duration(d)
    }

    /// The deadline: the earliest instant `x >= start` with `working_time(start, x) == duration`.
    fn add_working_time<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        duration: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = instant(py, start, "start")?;
        let d = self::duration(py, duration, "duration")?;
        let t = self.inner.add_working_time(a, d).or_raise(py, D)?;
        Out::new(py, false).instant(t)
    }

    /// Whether `at` is working time.
    fn is_working(&self, py: Python<'_>, at: &Bound<'_, PyAny>) -> PyResult<bool> {
        let t = instant(py, at, "at")?;
        self.inner.is_working(t).or_raise(py, D)
    }

    /// The next instant after `at` at which `is_working` changes; `None` for `24x7` or when
    /// nothing changes within the search horizon.
    fn next_change<'py>(
        &self,
        py: Python<'py>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let t = instant(py, at, "at")?;
        match self.inner.next_change(t).or_raise(py, D)? {
            Some(next) => Out::new(py, false).instant(next).map(Some),
            None => Ok(None),
        }
    }

    /// The close of business of the `business_days`-th working date after `start` (`Nbd`).
    fn close_of_business<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        business_days: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = instant(py, start, "start")?;
        let t = self
            .inner
            .close_of_business(a, business_days)
            .or_raise(py, D)?;
        Out::new(py, false).instant(t)
    }

    /// The working time a target (`"4h"`, `"2bd"`, or a `timedelta`) allows from `start`.
    fn target_working_time<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = instant(py, start, "start")?;
        let target = match target.extract::<String>() {
            Ok(text) => TargetDuration::parse(&text).or_raise(py, D)?,
            Err(_) => TargetDuration::Working(duration(py, target, "target")?),
        };
        let d = self.inner.target_working_time(a, target).or_raise(py, D)?;
        Out::new(py, false).duration(d)
    }

    /// `working_time` for each pair of `starts` and `ends` (e.g. two DataFrame columns);
    /// `None` (or `NaT`) in either gives `None`.
    fn working_time_many<'py>(
        &self,
        py: Python<'py>,
        starts: &Bound<'py, PyAny>,
        ends: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let a = column(starts, "starts", |x, w| instant(py, x, w))?;
        let b = column(ends, "ends", |x, w| instant(py, x, w))?;
        same_length(a.len(), b.len(), "starts and ends")?;
        let out = batch(py, &a, &b, |x, y| self.inner.working_time(*x, *y))?;
        let conv = Out::new(py, false);
        list(py, out, |d| conv.duration(d))
    }

    /// `add_working_time` for each pair of `starts` and `durations`.
    fn add_working_time_many<'py>(
        &self,
        py: Python<'py>,
        starts: &Bound<'py, PyAny>,
        durations: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let a = column(starts, "starts", |x, w| instant(py, x, w))?;
        let b = column(durations, "durations", |x, w| duration(py, x, w))?;
        same_length(a.len(), b.len(), "starts and durations")?;
        let out = batch(py, &a, &b, |x, y| self.inner.add_working_time(*x, *y))?;
        let conv = Out::new(py, false);
        list(py, out, |t| conv.instant(t))
    }

    /// `is_working` for each instant.
    fn is_working_many<'py>(
        &self,
        py: Python<'py>,
        instants: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let a = column(instants, "instants", |x, w| instant(py, x, w))?;
        let out = batch(py, &a, &vec![Some(()); a.len()], |x, _| {
            self.inner.is_working(*x)
        })?;
        list(py, out, |b| {
            Ok(pyo3::types::PyBool::new(py, b).to_owned().into_any())
        })
    }

    /// `next_change` for each instant.
    fn next_change_many<'py>(
        &self,
        py: Python<'py>,
        instants: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let a = column(instants, "instants", |x, w| instant(py, x, w))?;
        let out = batch(py, &a, &vec![Some(()); a.len()], |x, _| {
            self.inner.next_change(*x)
        })?;
        let conv = Out::new(py, false);
        list(py, out.into_iter().map(Option::flatten).collect(), |t| {
            conv.instant(t)
        })
    }

    fn __repr__(&self) -> String {
        match self.inner.time_zone() {
            Some(tz) => format!(
                "Calendar(name={:?}, timezone={:?})",
                self.inner.name(),
                tz.name()
            ),
            None => format!("Calendar(name={:?})", self.inner.name()),
        }
    }
}

impl PyCalendar {
    fn from_json_text(py: Python<'_>, name: &str, text: &str) -> PyResult<Self> {
        let inner = slaledger::Calendar::from_json(name, text).or_raise(py, D)?;
        Ok(PyCalendar { inner })
    }
}
