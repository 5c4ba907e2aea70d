//! The WebAssembly binding of slaledger.
//!
//! Thin by design (STYLE.md, "Bindings"): every function converts its arguments, calls the
//! core, and maps the core's [`Error`] to a JS `Error` whose `.code` is the core's stable
//! code. Results cross the boundary as JSON text in the shapes of SPEC §7–§9 (the core's
//! `serde::Serialize` output, byte for byte what the CLI prints with `--format json`); the
//! JS package in `js/` parses them into plain objects and gives them TypeScript types.
//!
//! Conversions at the boundary:
//!
//! | core | JS |
//! |---|---|
//! | [`Instant`] | RFC 3339 string in, UTC RFC 3339 string out |
//! | [`Duration`] | milliseconds, a `number` holding an integer |
//! | money, compliance | strings (inside the JSON results) |
//! | [`Error`] | `Error` with `.code` |
//!
//! Everything that is not conversion lives in the core. The raw exports are not the
//! public API: `js/index.js` wraps them (`replay`, `report`, `credits`, `explain`,
//! `Calendar`, `Ledger`) and `js/index.d.ts` types them. The one thing here that is not a
//! conversion is a memory hint for the WebAssembly allocator (`reserve_heap`).
//!
//! The crate also builds for the native target (so that the workspace's clippy and tests
//! see it); only the functions that touch JS values need a JS host, and the unit tests
//! below exercise the conversions without one.

use serde::Serialize;
use slaledger::{Calendar, Contract, Duration, Error, ErrorKind, Instant, Ledger, Mode, Period};
use wasm_bindgen::prelude::*;

/// Turns a core error into a JS `Error` with the core's code in `.code` and its family
/// (`time`, `calendar`, `contract`, `event`, `input`) in `.category`.
fn to_js(err: Error) -> JsValue {
    let js = js_sys::Error::new(err.message());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&js, &JsValue::from_str("code"), &err.code().into());
    let category = err.kind().category();
    let _ = js_sys::Reflect::set(&js, &JsValue::from_str("category"), &category.into());
    js.into()
}

/// Every error code of the core, in the core's order (for callers that switch on
/// `.code`, and for the test that keeps the TypeScript union complete).
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    ErrorKind::ALL
        .iter()
        .map(|k| k.code().to_string())
        .collect()
}

/// Parses an RFC 3339 instant (the offset is mandatory; see [`Instant::parse`]).
fn instant(text: &str) -> slaledger::Result<Instant> {
    Instant::parse(text)
}

/// The largest integer a JS `number` holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JS number of milliseconds as a [`Duration`]: it must be a finite integer that a JS
/// number holds exactly, so that no fraction of a millisecond is silently dropped.
fn duration(ms: f64) -> slaledger::Result<Duration> {
    if !ms.is_finite() || ms.fract() != 0.0 || ms.abs() > MAX_SAFE_INTEGER {
        return Err(Error::new(
            ErrorKind::InvalidDuration,
            format!("expected a whole number of milliseconds, found {ms}"),
        ));
    }
    // In range and integral: the conversion is exact.
    Ok(Duration::from_millis(ms as i64))
}

/// A [`Duration`] as a JS number of milliseconds (exact: working time never exceeds the
/// supported range of 300 years, far below 2^53 ms).
fn millis(d: Duration) -> f64 {
    d.as_millis() as f64
}

/// Grows the WebAssembly heap by about `bytes` in one step, when the engine allows it.
///
/// The allocator of `wasm32-unknown-unknown` (dlmalloc) grows linear memory only as far
/// as each allocation needs, and every `memory.grow` is slow in JS engines (V8 also
/// collects garbage on it): ingesting the 100,000-ticket benchmark log made thousands of
/// them and spent about half its time there. One large allocation freed at once grows
/// memory in one step and leaves the space to the allocator for the small allocations
/// that follow (wasm memory is never handed back to the engine anyway). A no-op natively.
fn reserve_heap(bytes: usize) {
    #[cfg(target_arch = "wasm32")]
    {
        let mut block: Vec<u8> = Vec::new();
        // Failure (the engine's memory limit) only means no head start.
        if block.try_reserve_exact(bytes).is_ok() {
            std::hint::black_box(&mut block);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = bytes;
}

/// Heap bytes to reserve per byte of JSONL ingested: a generous estimate of what the
/// ledger keeps per event (with it, ingesting the 100,000-ticket log, 87 MB of JSONL,
/// became about three times faster under Node).
const HEAP_PER_INPUT_BYTE: usize = 3;
/// Heap bytes to reserve per ticket evaluated: its results and their JSON text.
const HEAP_PER_TICKET: usize = 4096;

/// Serializes a result in its SPEC JSON shape.
fn json<T: Serialize>(value: &T) -> slaledger::Result<String> {
    serde_json::to_string(value).map_err(|e| {
        Error::new(
            ErrorKind::InvalidValue,
            format!("cannot serialize the result: {e}"),
        )
    })
}

/// A business calendar or `24x7` (SPEC §3), exported to JS as `Calendar`.
#[wasm_bindgen(js_name = Calendar)]
#[derive(Debug, Clone)]
pub struct WasmCalendar {
    inner: Calendar,
}

#[wasm_bindgen(js_class = Calendar)]
impl WasmCalendar {
    /// Parses and validates a calendar table written in TOML (SPEC §3).
    #[wasm_bindgen(js_name = fromToml)]
    pub fn from_toml(name: &str, text: &str) -> Result<WasmCalendar, JsValue> {
        Calendar::from_toml(name, text)
            .map(|inner| WasmCalendar { inner })
            .map_err(to_js)
    }

    /// Parses and validates a calendar given as JSON text (same schema as TOML).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(name: &str, text: &str) -> Result<WasmCalendar, JsValue> {
        Calendar::from_json(name, text)
            .map(|inner| WasmCalendar { inner })
            .map_err(to_js)
    }

    /// The `24x7` calendar.
    pub fn always() -> WasmCalendar {
        WasmCalendar {
            inner: Calendar::always(),
        }
    }

    /// The calendar's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// The IANA zone of a business calendar; `undefined` for `24x7`.
    #[wasm_bindgen(getter, js_name = timeZone)]
    pub fn time_zone(&self) -> Option<String> {
        self.inner.time_zone().map(|tz| tz.name().to_string())
    }

    /// Working time in `[from, to)`, in milliseconds.
    #[wasm_bindgen(js_name = workingTime)]
    pub fn working_time(&self, from: &str, to: &str) -> Result<f64, JsValue> {
        self.working_time_ms(from, to).map_err(to_js)
    }

    /// The deadline: the earliest instant `x >= from` with `workingTime(from, x) == ms`.
    #[wasm_bindgen(js_name = addWorkingTime)]
    pub fn add_working_time(&self, from: &str, ms: f64) -> Result<String, JsValue> {
        self.deadline(from, ms).map_err(to_js)
    }

    /// Whether `at` is working time.
    #[wasm_bindgen(js_name = isWorking)]
    pub fn is_working(&self, at: &str) -> Result<bool, JsValue> {
        instant(at)
            .and_then(|t| self.inner.is_working(t))
            .map_err(to_js)
    }

    /// The next instant after `at` at which `isWorking` changes; `undefined` if none.
    #[wasm_bindgen(js_name = nextChange)]
    pub fn next_change(&self, at: &str) -> Result<Option<String>, JsValue> {
        self.change_after(at).map_err(to_js)
    }
}

impl WasmCalendar {
    fn working_time_ms(&self, from: &str, to: &str) -> slaledger::Result<f64> {
        let d = self.inner.working_time(instant(from)?, instant(to)?)?;
        Ok(millis(d))
    }

    fn deadline(&self, from: &str, ms: f64) -> slaledger::Result<String> {
        let t = self.inner.add_working_time(instant(from)?, duration(ms)?)?;
        Ok(t.to_string())
    }

    fn change_after(&self, at: &str) -> slaledger::Result<Option<String>> {
        Ok(self.inner.next_change(instant(at)?)?.map(|t| t.to_string()))
    }
}

/// A ledger of contracts and ticket events (SPEC §5–§9), exported to JS as `Ledger`.
#[wasm_bindgen(js_name = Ledger)]
#[derive(Debug)]
pub struct WasmLedger {
    inner: Ledger,
}

#[wasm_bindgen(js_class = Ledger)]
impl WasmLedger {
    /// An empty ledger, strict unless `lenient`.
    #[wasm_bindgen(constructor)]
    pub fn new(lenient: bool) -> WasmLedger {
        let mode = if lenient { Mode::Lenient } else { Mode::Strict };
        WasmLedger {
            inner: Ledger::new(mode),
        }
    }

    /// Adds a contract written in TOML.
    #[wasm_bindgen(js_name = addContractToml)]
    pub fn add_contract_toml(&mut self, text: &str) -> Result<(), JsValue> {
        self.add(Contract::from_toml(text)).map_err(to_js)
    }

    /// Adds a contract given as JSON text (same schema as TOML).
    #[wasm_bindgen(js_name = addContractJson)]
    pub fn add_contract_json(&mut self, text: &str) -> Result<(), JsValue> {
        self.add(Contract::from_json(text)).map_err(to_js)
    }

    /// The ids of the loaded contracts, sorted.
    #[wasm_bindgen(js_name = contractIds)]
    pub fn contract_ids(&self) -> Vec<String> {
        self.inner.contracts().map(|c| c.id().to_string()).collect()
    }

    /// The contract `id` as loaded, in the JSON schema of SPEC §6 (also for TOML input).
    pub fn contract(&self, id: &str) -> Result<String, JsValue> {
        self.contract_json(id).map_err(to_js)
    }

    /// Ingests events as JSONL (one JSON object per line; line numbers name errors).
    #[wasm_bindgen(js_name = ingestJsonl)]
    pub fn ingest_jsonl(&mut self, text: &str) -> Result<(), JsValue> {
        self.ingest(text.as_bytes()).map_err(to_js)
    }

    /// Ingests events as UTF-8 JSONL bytes (a file read as bytes: no string decoding).
    #[wasm_bindgen(js_name = ingestJsonlBytes)]
    pub fn ingest_jsonl_bytes(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.ingest(bytes).map_err(to_js)
    }

    /// The latest instant of any event ingested (RFC 3339), the default as-of; `undefined`
    /// before any event.
    #[wasm_bindgen(js_name = latestEventAt)]
    pub fn latest_event_at(&self) -> Option<String> {
        self.inner.latest_event_at().map(|t| t.to_string())
    }

    /// The evaluation as of `as_of` (SPEC §7), as JSON text.
    pub fn evaluate(&self, as_of: &str) -> Result<String, JsValue> {
        self.evaluation(as_of).map_err(to_js)
    }

    /// The report of a contract for a period (SPEC §8), as JSON text. The period is
    /// `month` (`YYYY-MM` in the contract's zone) or `[from, to)`.
    pub fn report(
        &self,
        contract: Option<String>,
        month: Option<String>,
        from: Option<String>,
        to: Option<String>,
        as_of: Option<String>,
    ) -> Result<String, JsValue> {
        let query = PeriodQuery {
            contract,
            month,
            from,
            to,
            as_of,
        };
        self.report_json(&query).map_err(to_js)
    }

    /// The credit statement of a contract for a period (SPEC §9), as JSON text.
    pub fn credits(
        &self,
        contract: Option<String>,
        month: Option<String>,
        from: Option<String>,
        to: Option<String>,
        as_of: Option<String>,
    ) -> Result<String, JsValue> {
        let query = PeriodQuery {
            contract,
            month,
            from,
            to,
            as_of,
        };
        self.credits_json(&query).map_err(to_js)
    }

    /// The timeline of one ticket as of `as_of` (SPEC §7 `explain`), as JSON text.
    pub fn explain(&self, ticket: &str, as_of: &str) -> Result<String, JsValue> {
        self.explanation(ticket, as_of).map_err(to_js)
    }
}

/// The arguments of a report or statement, as they come from JS.
#[derive(Debug, Default)]
struct PeriodQuery {
    contract: Option<String>,
    month: Option<String>,
    from: Option<String>,
    to: Option<String>,
    as_of: Option<String>,
}

impl WasmLedger {
    fn add(&mut self, contract: slaledger::Result<Contract>) -> slaledger::Result<()> {
        self.inner.add_contract(contract?)
    }

    fn ingest(&mut self, jsonl: &[u8]) -> slaledger::Result<()> {
        reserve_heap(jsonl.len().saturating_mul(HEAP_PER_INPUT_BYTE));
        self.inner.ingest_jsonl(jsonl)
    }

    fn contract_json(&self, id: &str) -> slaledger::Result<String> {
        json(self.inner.contract(id)?.spec())
    }

    fn evaluation(&self, as_of: &str) -> slaledger::Result<String> {
        reserve_heap(self.inner.ticket_count().saturating_mul(HEAP_PER_TICKET));
        json(&self.inner.evaluate(instant(as_of)?)?)
    }

    fn explanation(&self, ticket: &str, as_of: &str) -> slaledger::Result<String> {
        json(&self.inner.explain(ticket, instant(as_of)?)?)
    }

    fn report_json(&self, query: &PeriodQuery) -> slaledger::Result<String> {
        let (id, period, as_of) = self.resolve(query)?;
        reserve_heap(self.inner.ticket_count().saturating_mul(HEAP_PER_TICKET));
        json(&self.inner.report(&id, period, as_of)?)
    }

    fn credits_json(&self, query: &PeriodQuery) -> slaledger::Result<String> {
        let (id, period, as_of) = self.resolve(query)?;
        reserve_heap(self.inner.ticket_count().saturating_mul(HEAP_PER_TICKET));
        json(&self.inner.credits(&id, period, as_of)?)
    }

    /// The contract (the only loaded one when none is named), the period, and the
    /// optional as-of instant of a query.
    fn resolve(&self, query: &PeriodQuery) -> slaledger::Result<(String, Period, Option<Instant>)> {
        let contract = self.inner.contract_or_only(query.contract.as_deref())?;
        let id = contract.id().to_owned();
        let period = match (&query.month, &query.from, &query.to) {
            (Some(month), None, None) => Period::parse_month(month, contract.timezone())?,
            (None, Some(from), Some(to)) => Period::new(instant(from)?, instant(to)?)?,
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    "expected a period: a month \"YYYY-MM\", or { from, to }",
                ))
            }
        };
        let as_of = query.as_of.as_deref().map(instant).transpose()?;
        Ok((id, period, as_of))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT: &str = r#"
        id = "acme"
        currency = "USD"
        timezone = "America/New_York"
        fee = { monthly = "1000.00" }
        [targets.P1]
        response   = { within = "15m", calendar = "24x7" }
        resolution = { within = "4h",  calendar = "24x7" }
        [credits]
        per_breach = [ { priority = "P1", metric = "response", amount = "50.00" } ]
    "#;

    const EVENTS: &str = r#"{"id":"e1","ticket":"INC-1","at":"2026-11-02T09:00:00Z","type":"opened","priority":"P1"}
{"id":"e2","ticket":"INC-1","at":"2026-11-02T09:20:00Z","type":"responded"}
{"id":"e3","ticket":"INC-1","at":"2026-11-02T10:00:00Z","type":"resolved"}
"#;

    fn ledger() -> WasmLedger {
        let mut ledger = WasmLedger::new(false);
        ledger.add(Contract::from_toml(CONTRACT)).unwrap();
        ledger.ingest(EVENTS.as_bytes()).unwrap();
        ledger
    }

    #[test]
    fn every_code_is_listed() {
        let codes = error_codes();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        assert!(codes.iter().any(|c| c == "unknown_ticket"));
    }

    #[test]
    fn durations_must_be_whole_safe_milliseconds() {
        assert_eq!(duration(90_000.0).unwrap(), Duration::from_secs(90));
        for bad in [0.5, f64::NAN, f64::INFINITY, 1e300] {
            assert_eq!(duration(bad).unwrap_err().code(), "invalid_duration");
        }
        // Negative durations pass conversion; the core refuses them where they matter.
        assert_eq!(duration(-1.0).unwrap(), Duration::from_millis(-1));
    }

    #[test]
    fn calendar_queries_convert_both_ways() {
        let cal = WasmCalendar {
            inner: Calendar::from_toml(
                "business",
                "timezone = \"Europe/London\"\nmon = [\"09:00-17:00\"]\n",
            )
            .unwrap(),
        };
        let wt = cal
            .working_time_ms("2026-11-02T08:00:00Z", "2026-11-02T10:00:00+00:00")
            .unwrap();
        assert_eq!(wt, 3_600_000.0);
        assert_eq!(
            cal.deadline("2026-11-02T16:00:00Z", 7_200_000.0).unwrap(),
            "2026-11-09T10:00:00Z"
        );
        assert_eq!(
            cal.change_after("2026-11-02T10:00:00Z").unwrap().as_deref(),
            Some("2026-11-02T17:00:00Z")
        );
        assert_eq!(
            cal.working_time_ms("2026-11-02T08:00:00", "2026-11-02T10:00:00Z")
                .unwrap_err()
                .code(),
            "missing_offset"
        );
    }

    #[test]
    fn results_are_the_core_json() {
        let ledger = ledger();
        let eval: serde_json::Value =
            serde_json::from_str(&ledger.evaluation("2026-11-03T00:00:00Z").unwrap()).unwrap();
        assert_eq!(eval["tickets"][0]["metrics"][0]["state"], "breached");
        let query = PeriodQuery {
            month: Some("2026-11".into()),
            ..PeriodQuery::default()
        };
        let statement: serde_json::Value =
            serde_json::from_str(&ledger.credits_json(&query).unwrap()).unwrap();
        assert_eq!(statement["total"], "50.00");
        assert_eq!(statement["period"]["from"], "2026-11-01T04:00:00Z");
        let spec: serde_json::Value =
            serde_json::from_str(&ledger.contract_json("acme").unwrap()).unwrap();
        assert_eq!(spec["targets"]["P1"]["response"]["within"], "15m");
    }

    #[test]
    fn queries_name_what_is_missing() {
        let ledger = ledger();
        let no_period = PeriodQuery::default();
        assert_eq!(
            ledger.report_json(&no_period).unwrap_err().code(),
            "invalid_value"
        );
        let unknown = PeriodQuery {
            contract: Some("nope".into()),
            month: Some("2026-11".into()),
            ..PeriodQuery::default()
        };
        assert_eq!(
            ledger.report_json(&unknown).unwrap_err().code(),
            "unknown_contract"
        );
        let mut empty = WasmLedger::new(true);
        let month = PeriodQuery {
            month: Some("2026-11".into()),
            ..PeriodQuery::default()
        };
        assert_eq!(
            empty.report_json(&month).unwrap_err().code(),
            "ambiguous_contract"
        );
        empty.add(Contract::from_toml(CONTRACT)).unwrap();
        assert_eq!(
            empty.add(Contract::from_toml(CONTRACT)).unwrap_err().code(),
            "duplicate_contract"
        );
        assert_eq!(
            ledger
                .explanation("INC-9", "2026-11-03T00:00:00Z")
                .unwrap_err()
                .code(),
            "unknown_ticket"
        );
    }
}
