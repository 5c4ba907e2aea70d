//! Every conversion between Python values and the core's types, in one place.
//!
//! In: tz-aware `datetime` (or an RFC 3339 string) to [`Instant`], `timedelta` (or a
//! duration string) to [`Duration`], and documents (`dict`/`list`/`str`/`int`/`bool`/
//! `None`, plus `Decimal`, `datetime`, `date` and `timedelta` leaves) to JSON for the
//! core's parsers. In contracts and calendars floats are refused: no float ever touches
//! money.
//!
//! Out: the core's serde output (read into [`Json`], which keeps the core's field order)
//! to Python, with the type mapping of the binding: fields ending in `_ms` become
//! `timedelta`, instant fields become UTC `datetime`, money and compliance strings become
//! `Decimal`, everything else stays what JSON has. `raw` output is the core's JSON
//! exactly (as `json.loads` gives it).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDateAccess, PyDateTime, PyDelta, PyDeltaAccess, PyDict, PyFloat, PyInt,
    PyList, PyMapping, PyModule, PyString, PyTimeAccess, PyTuple, PyType, PyTzInfo,
};
use pyo3::IntoPyObjectExt;
use serde_json::{Map, Value};
use std::fmt;

use slaledger::records::Column;
use slaledger::{Duration, Error, ErrorKind, Instant};

/// An error of a conversion into the core: a core error (with its code), or a Python
/// error (a wrong Python type, or an exception raised while reading a value).
pub enum InError {
    /// Bad value: raised as the operation's `SlaError` subclass with the core's code.
    Core(Error),
    /// Wrong Python type or a Python exception: raised as is.
    Py(PyErr),
}

impl From<PyErr> for InError {
    fn from(err: PyErr) -> InError {
        InError::Py(err)
    }
}

impl From<Error> for InError {
    fn from(err: Error) -> InError {
        InError::Core(err)
    }
}

pub type InResult<T> = Result<T, InError>;

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}

/// The name of a value's Python type, for messages.
fn type_name(ob: &Bound<'_, PyAny>) -> String {
    ob.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A missing value in a batch: `None`, or pandas' `NaT`.
pub fn is_missing(ob: &Bound<'_, PyAny>) -> bool {
    if ob.is_none() {
        return true;
    }
    // Batches hold thousands of items: a plain datetime, str or timedelta is never `NaT`,
    // and is recognised without building its type's name.
    let ty = ob.get_type();
    let py = ob.py();
    if ty.is(py.get_type::<PyDateTime>())
        || ty.is(py.get_type::<PyString>())
        || ty.is(py.get_type::<PyDelta>())
    {
        return false;
    }
    type_name(ob) == "NaTType"
}

// ---------------------------------------------------------------------------------------
// Instants and durations in.

/// Microseconds since the Unix epoch of an aware datetime, from its fields and offset.
fn datetime_micros(dt: &Bound<'_, PyDateTime>, what: impl fmt::Display) -> InResult<i64> {
    let offset = dt.call_method0(pyo3::intern!(dt.py(), "utcoffset"))?;
    if offset.is_none() {
        return Err(Error::new(
            ErrorKind::MissingOffset,
            format!(
                "{what}: expected a timezone-aware datetime, found the naive datetime {} (attach a tzinfo, e.g. .replace(tzinfo=datetime.timezone.utc) or a zoneinfo.ZoneInfo)",
                dt.str().map(|s| s.to_string()).unwrap_or_default()
            ),
        )
        .into());
    }
    let offset = offset.cast::<PyDelta>().map_err(PyErr::from)?;
    let offset_us = delta_micros(offset);
    let date = chrono::NaiveDate::from_ymd_opt(
        dt.get_year(),
        u32::from(dt.get_month()),
        u32::from(dt.get_day()),
    );
    let time = chrono::NaiveTime::from_hms_micro_opt(
        u32::from(dt.get_hour()),
        u32::from(dt.get_minute()),
        u32::from(dt.get_second()),
        dt.get_microsecond(),
    );
    match (date, time) {
        (Some(d), Some(t)) => Ok(d.and_time(t).and_utc().timestamp_micros() - offset_us),
        _ => Err(PyTypeError::new_err(format!("{what}: not a valid datetime")).into()),
    }
}

fn delta_micros(td: &Bound<'_, PyDelta>) -> i64 {
    (i64::from(td.get_days()) * 86_400 + i64::from(td.get_seconds())) * 1_000_000
        + i64::from(td.get_microseconds())
}

/// An aware `datetime` (or an RFC 3339 string) as an instant, truncated toward the past
/// to the millisecond like every instant of the core.
pub fn instant_in(ob: &Bound<'_, PyAny>, what: impl fmt::Display + Copy) -> InResult<Instant> {
    if let Ok(dt) = ob.cast::<PyDateTime>() {
        let us = datetime_micros(dt, what)?;
        return Instant::from_millis(us.div_euclid(1000)).map_err(|e| e.context(what).into());
    }
    if let Ok(text) = ob.cast::<PyString>() {
        return Instant::parse(&text.to_cow()?).map_err(|e| e.context(what).into());
    }
    Err(PyTypeError::new_err(format!(
        "{what}: expected a timezone-aware datetime.datetime, found {}",
        type_name(ob)
    ))
    .into())
}

/// A `timedelta` (or a duration string such as `"4h"`) in whole milliseconds, truncated
/// toward the past.
pub fn duration_in(ob: &Bound<'_, PyAny>, what: impl fmt::Display + Copy) -> InResult<Duration> {
    if let Ok(td) = ob.cast::<PyDelta>() {
        return Ok(Duration::from_millis(delta_micros(td).div_euclid(1000)));
    }
    if let Ok(text) = ob.cast::<PyString>() {
        return Duration::parse(&text.to_cow()?).map_err(|e| e.context(what).into());
    }
    Err(PyTypeError::new_err(format!(
        "{what}: expected a datetime.timedelta, found {}",
        type_name(ob)
    ))
    .into())
}

/// Text input: `str`, or `bytes` holding UTF-8.
pub fn text_in(ob: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = ob.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if let Ok(b) = ob.extract::<Vec<u8>>() {
        return String::from_utf8(b)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("{what}: {e}")));
    }
    Err(PyTypeError::new_err(format!(
        "{what}: expected str or bytes, found {}",
        type_name(ob)
    )))
}

// ---------------------------------------------------------------------------------------
// Documents in.

/// How [`json_in`] treats values that the core itself judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    /// Calendars and contracts: floats are refused (money is `Decimal` or `str`) and so
    /// are naive datetimes, with messages that name the Python value.
    Spec,
    /// Events: passed on as JSON as far as possible, so that the core judges them exactly
    /// as it judges JSONL (a float `seq` is the core's error, a naive `at` is written
    /// without an offset and is the core's `missing_offset`, with the event's line and id).
    Event,
}

/// A Python document as JSON for the core's parsers. `path` names the value in messages.
pub fn json_in(ob: &Bound<'_, PyAny>, path: &str, doc: Doc) -> InResult<Value> {
    let py = ob.py();
    if ob.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = ob.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = ob.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if ob.is_instance_of::<PyInt>() {
        if let Ok(n) = ob.extract::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = ob.extract::<u64>() {
            return Ok(Value::from(n));
        }
        return Err(invalid(path, format!("integer {ob} is out of range")));
    }
    if ob.is_instance_of::<PyFloat>() {
        if doc == Doc::Event {
            let f: f64 = ob.extract()?;
            return Ok(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number));
        }
        return Err(invalid(
            path,
            format!("floats are not accepted (found {ob}): write money as decimal.Decimal or str, e.g. Decimal(\"12500.00\"), and counts as int"),
        ));
    }
    if ob.is_instance(decimal_type(py)?)? {
        // Fixed-point notation: the core's amounts have no exponents.
        let text = py
            .import("builtins")?
            .getattr("format")?
            .call1((ob, "f"))?
            .extract::<String>()?;
        return Ok(Value::String(text));
    }
    if let Ok(dt) = ob.cast::<PyDateTime>() {
        if doc == Doc::Event && dt.call_method0("utcoffset")?.is_none() {
            return Ok(Value::String(dt.call_method0("isoformat")?.extract()?));
        }
        return Ok(Value::String(instant_in(ob, path)?.to_string()));
    }
    if ob.cast::<PyDate>().is_ok() {
        return Ok(Value::String(ob.call_method0("isoformat")?.extract()?));
    }
    if ob.cast::<PyDelta>().is_ok() {
        return Ok(Value::String(format!(
            "{}ms",
            duration_in(ob, path)?.as_millis()
        )));
    }
    if let Ok(dict) = ob.cast::<PyDict>() {
        return object_in(dict.items().iter(), path, doc);
    }
    if let Ok(list) = ob.cast::<PyList>() {
        return array_in(list.iter(), path, doc);
    }
    if let Ok(tuple) = ob.cast::<PyTuple>() {
        return array_in(tuple.iter(), path, doc);
    }
    if let Ok(mapping) = ob.cast::<PyMapping>() {
        return object_in(mapping.items()?.iter(), path, doc);
    }
    Err(PyTypeError::new_err(format!(
        "{}: unsupported value of type {} (expected dict, list, str, int, bool, None, Decimal, datetime, date or timedelta)",
        display_path(path),
        type_name(ob)
    ))
    .into())
}

fn object_in<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    path: &str,
    doc: Doc,
) -> InResult<Value> {
    let mut map = Map::new();
    for item in items {
        let (key, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item.extract()?;
        let Ok(key) = key.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!(
                "{}: keys must be strings, found {} {key}",
                display_path(path),
                type_name(&key)
            ))
            .into());
        };
        let key = key.to_cow()?.into_owned();
        let child = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        map.insert(key, json_in(&value, &child, doc)?);
    }
    Ok(Value::Object(map))
}

fn array_in<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    path: &str,
    doc: Doc,
) -> InResult<Value> {
    items
        .enumerate()
        .map(|(i, item)| json_in(&item, &format!("{path}[{i}]"), doc))
        .collect::<InResult<Vec<_>>>()
        .map(Value::Array)
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "value"
    } else {
        path
    }
}

fn invalid(path: &str, message: String) -> InError {
    InError::Core(Error::new(
        ErrorKind::InvalidValue,
        format!("{}: {message}", display_path(path)),
    ))
}

// ---------------------------------------------------------------------------------------
// Results out.

/// How one leaf of the core's JSON is shown in Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaf {
    Instant,
    Duration,
    Decimal,
    Plain,
}

/// The type of the field `key` of an object that is itself the field `parent` (array
/// elements count as their array's field). This is the whole type mapping, by the naming
/// rules of the core's JSON: durations end in `_ms` (SPEC §2), instants end in `_at` or
/// are `as_of`, `at`, or the `from`/`to` of a period or segment (the `from`/`to` of a
/// priority change are priorities), and money and compliance have their own names.
fn leaf(parent: Option<&str>, key: &str) -> Leaf {
    // Money strings (statements) and compliance percentages (reports, tier bases).
    const DECIMALS: &[&str] = &[
        "fee",
        "subtotal",
        "cap",
        "total",
        "amount",
        "each",
        "per_hour",
        "compliance",
    ];
    if key.ends_with("_ms") {
        Leaf::Duration
    } else if key.ends_with("_at") || key == "at" || key == "as_of" {
        Leaf::Instant
    } else if key == "from" || key == "to" {
        if parent == Some("priority_changes") {
            Leaf::Plain
        } else {
            Leaf::Instant
        }
    } else if DECIMALS.contains(&key) {
        Leaf::Decimal
    } else {
        Leaf::Plain
    }
}

/// The core's JSON with fields in the order the core writes them (serde_json's `Value`
/// sorts keys unless its `preserve_order` feature is on, and turning that on here would
/// change `Value` for every crate of a workspace build).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// The null of absent fields.
pub static NULL: Json = Json::Null;

impl Json {
    /// The core's JSON of `value`.
    pub fn of<T: serde::Serialize>(value: &T) -> PyResult<Json> {
        serde_json::to_string(value)
            .and_then(|text| serde_json::from_str(&text))
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }

    /// A `serde_json` value (whose objects, unlike the core's JSON text, have their
    /// fields sorted: use it for values without objects, such as record cells).
    pub fn from_value(value: serde_json::Value) -> Json {
        use serde_json::Value;
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Json::Int(i),
                (None, Some(u)) => Json::UInt(u),
                _ => Json::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Json::Str(s),
            Value::Array(items) => Json::Array(items.into_iter().map(Json::from_value).collect()),
            Value::Object(map) => Json::Object(
                map.into_iter()
                    .map(|(k, v)| (k, Json::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// The field `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.fields().iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The field `key` of an object, or null.
    pub fn at(&self, key: &str) -> &Json {
        self.get(key).unwrap_or(&NULL)
    }

    /// The fields of an object (none for other values).
    pub fn fields(&self) -> &[(String, Json)] {
        match self {
            Json::Object(fields) => fields,
            _ => &[],
        }
    }
}

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Json;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_none<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(i64::try_from(v).map_or(Json::UInt(v), Json::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
                Ok(Json::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Json, E> {
                Ok(Json::Str(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry()? {
                    fields.push(field);
                }
                Ok(Json::Object(fields))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Builds Python values from the core's JSON.
pub struct Out<'py> {
    py: Python<'py>,
    raw: bool,
}

impl<'py> Out<'py> {
    /// Typed output (the binding's mapping), or `raw` JSON values.
    pub fn new(py: Python<'py>, raw: bool) -> Out<'py> {
        Out { py, raw }
    }

    /// The value of field `key` (`None` at the top) of the object `parent`.
    pub fn value(
        &self,
        v: &Json,
        key: Option<&str>,
        parent: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        match v {
            Json::Object(fields) => {
                let dict = PyDict::new(py);
                for (k, child) in fields {
                    dict.set_item(k, self.value(child, Some(k), key)?)?;
                }
                Ok(dict.into_any())
            }
            Json::Array(items) => {
                let list = PyList::empty(py);
                for item in items {
                    list.append(self.value(item, key, parent)?)?;
                }
                Ok(list.into_any())
            }
            Json::Null => Ok(py.None().into_bound(py)),
            Json::Bool(b) => b.into_bound_py_any(py),
            Json::Float(f) => f.into_bound_py_any(py),
            Json::UInt(u) => u.into_bound_py_any(py),
            Json::Int(ms) => match key {
                Some(k) if !self.raw && leaf(parent, k) == Leaf::Duration => {
                    self.duration(Duration::from_millis(*ms))
                }
                _ => ms.into_bound_py_any(py),
            },
            Json::Str(s) => match key.map(|k| leaf(parent, k)) {
                Some(Leaf::Instant) if !self.raw => match Instant::parse(s) {
                    Ok(t) => self.instant(t),
                    Err(_) => s.into_bound_py_any(py),
                },
                Some(Leaf::Decimal) if !self.raw => decimal_type(py)?.call1((s.as_str(),)),
                _ => s.into_bound_py_any(py),
            },
        }
    }

    /// A UTC `datetime`.
    pub fn instant(&self, t: Instant) -> PyResult<Bound<'py, PyAny>> {
        use chrono::{Datelike, Timelike};
        let dt = t.to_datetime();
        let utc = PyTzInfo::utc(self.py)?;
        Ok(PyDateTime::new(
            self.py,
            dt.year(),
            dt.month() as u8,
            dt.day() as u8,
            dt.hour() as u8,
            dt.minute() as u8,
            dt.second() as u8,
            dt.timestamp_subsec_micros(),
            Some(&utc),
        )?
        .into_any())
    }

    /// A `timedelta`.
    pub fn duration(&self, d: Duration) -> PyResult<Bound<'py, PyAny>> {
        let ms = d.as_millis();
        let days = i32::try_from(ms.div_euclid(86_400_000))
            .map_err(|_| pyo3::exceptions::PyOverflowError::new_err("duration out of range"))?;
        let rest = ms.rem_euclid(86_400_000);
        Ok(PyDelta::new(
            self.py,
            days,
            (rest / 1000) as i32,
            (rest % 1000 * 1000) as i32,
            true,
        )?
        .into_any())
    }
}

// ---------------------------------------------------------------------------------------
// Records: flat rows for `pandas.DataFrame(records)`.

/// Turns Python's cyclic garbage collector off while results are built (it would run
/// again and again over the new containers, which hold no cycles) and back on after.
/// The GIL is held throughout, so no other Python code sees the change.
pub struct NoGc<'py> {
    gc: Option<Bound<'py, PyModule>>,
}

impl<'py> NoGc<'py> {
    pub fn new(py: Python<'py>) -> PyResult<NoGc<'py>> {
        let gc = py.import("gc")?;
        if gc.call_method0("isenabled")?.is_truthy()? {
            gc.call_method0("disable")?;
            return Ok(NoGc { gc: Some(gc) });
        }
        Ok(NoGc { gc: None })
    }
}

impl Drop for NoGc<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.gc {
            // Re-enabling cannot fail in practice; there is nowhere to report it if it did.
            let _ = gc.call_method0("enable");
        }
    }
}

/// The list of dicts of flat records (`slaledger::records`), built from the core's rows a
/// piece at a time, so a large evaluation's rows never all exist as JSON at once. Every
/// dict has every column, in order, `None` where a value is absent, so that every column
/// has one type in a DataFrame; each value is typed by the name of the field its column
/// comes from.
///
/// Consecutive rows often share values (a ticket's fields repeat in each of its metric
/// rows): a scalar equal to the one in the same column of the row before is converted
/// once (comparing two small values costs far less than building a Python object).
pub struct RecordList<'py> {
    out: Out<'py>,
    names: Vec<Bound<'py, PyString>>,
    keys: Vec<&'static str>,
    list: Bound<'py, PyList>,
    /// The row before, and the objects made of its values.
    previous: Option<(Vec<Json>, Vec<Bound<'py, PyAny>>)>,
    _no_gc: NoGc<'py>,
}

impl<'py> RecordList<'py> {
    pub fn new(py: Python<'py>, columns: &'static [Column]) -> PyResult<RecordList<'py>> {
        Ok(RecordList {
            out: Out::new(py, false),
            names: columns
                .iter()
                .map(|c| PyString::intern(py, c.name).clone())
                .collect(),
            keys: columns.iter().map(|c| c.key).collect(),
            list: PyList::empty(py),
            previous: None,
            _no_gc: NoGc::new(py)?,
        })
    }

    /// Appends one dict per row (one value per column, in the columns' order).
    pub fn extend(&mut self, rows: Vec<Vec<Value>>) -> PyResult<()> {
        let py = self.out.py;
        for row in rows {
            // The values move into the binding's JSON without a trip through text.
            let row: Vec<Json> = row.into_iter().map(Json::from_value).collect();
            let mut objects = Vec::with_capacity(row.len());
            let dict = PyDict::new(py);
            for (i, (value, name)) in row.iter().zip(&self.names).enumerate() {
                let scalar = !matches!(value, Json::Array(_) | Json::Object(_));
                let object = match &self.previous {
                    Some((before, made)) if scalar && before.get(i) == Some(value) => {
                        made[i].clone()
                    }
                    _ => self.out.value(value, Some(self.keys[i]), None)?,
                };
                dict.set_item(name, &object)?;
                objects.push(object);
            }
            self.list.append(dict)?;
            self.previous = Some((row, objects));
        }
        Ok(())
    }

    pub fn finish(self) -> Bound<'py, PyList> {
        self.list
    }
}
