//! Replays every scenario of `tests/scenarios/` and checks the expected values.
//!
//! A scenario is one TOML file: the contracts, the events as JSONL, the instant to
//! evaluate as of, the mode, and what is expected. Only the fields a scenario lists are
//! checked, so each file states exactly what it pins, with the arithmetic in comments.
//! The format is documented in `tests/scenarios/README.md`; the Python and JS bindings
//! replay the same files.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use slaledger::{Contract, ContractSpec, Instant, Ledger, Mode, Period};

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    description: String,
    as_of: String,
    #[serde(default)]
    mode: Mode,
    contracts: Vec<ContractSpec>,
    events: String,
    #[serde(default)]
    expect_error: Option<ExpectError>,
    #[serde(default)]
    expect_ticket: Vec<toml::Table>,
    #[serde(default)]
    expect_metric: Vec<toml::Table>,
    #[serde(default)]
    expect_rejected: Vec<toml::Table>,
    #[serde(default)]
    expect_stats: Option<toml::Table>,
    #[serde(default)]
    explain: Vec<ExplainCheck>,
    /// The reporting period for `expect_report` and `expect_credits`: `"YYYY-MM"` in the
    /// contract's zone, or `{ from = "...", to = "..." }`.
    #[serde(default)]
    period: Option<toml::Value>,
    /// The contract the report and statement are for (default: the first one).
    #[serde(default)]
    report_contract: Option<String>,
    /// Report rows, matched by `priority` (`"*"` for the total) and `metric`.
    #[serde(default)]
    expect_report: Vec<toml::Table>,
    /// Statement fields; its `lines` are matched in order, by the fields given.
    #[serde(default)]
    expect_credits: Option<toml::Table>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectError {
    code: String,
    #[serde(default)]
    message_contains: Vec<String>,
}

/// Checks that the explain timeline of a ticket reproduces its numbers, and optionally
/// the kinds of its segments.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExplainCheck {
    ticket: String,
    #[serde(default)]
    metric: Option<String>,
    #[serde(default)]
    segment_kinds: Option<Vec<String>>,
}

/// The scenario files, sorted. `SLALEDGER_SCENARIOS=dir` replays another directory;
/// `SLALEDGER_SCENARIO=text` keeps only the files whose name contains `text`.
fn scenario_files() -> Vec<PathBuf> {
    let dir = match std::env::var_os("SLALEDGER_SCENARIOS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios"),
    };
    let filter = std::env::var("SLALEDGER_SCENARIO").unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the scenario directory exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(filter.as_str()))
        })
        .collect();
    files.sort();
    files
}

/// TOML has no null: the string `"null"` stands for it, at any depth.
fn nulls(value: Value) -> Value {
    match value {
        Value::String(s) if s == "null" => Value::Null,
        Value::Array(items) => Value::Array(items.into_iter().map(nulls).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, nulls(v))).collect()),
        other => other,
    }
}

fn to_json(value: &toml::Value) -> Value {
    serde_json::to_value(value).expect("TOML values are JSON values")
}

/// Every key of `expected` must equal the same key of `actual`; the string "null" means
/// absent or null (TOML has no null).
fn check_fields(
    expected: &toml::Table,
    actual: &Value,
    skip: &[&str],
    what: &str,
    failures: &mut Vec<String>,
) {
    for (key, want) in expected {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let got = actual.get(key).cloned().unwrap_or(Value::Null);
        let want = nulls(to_json(want));
        if got != want {
            failures.push(format!("{what}: {key} expected {want}, got {got}"));
        }
    }
}

fn run(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("readable scenario");
    let scenario: Scenario = match toml::from_str(&text) {
        Ok(s) => s,
        Err(e) => return vec![format!("scenario does not parse: {e}")],
    };
    assert!(
        !scenario.description.trim().is_empty(),
        "{}: empty description",
        path.display()
    );
    let mut failures = Vec::new();
    let as_of = Instant::parse(&scenario.as_of).expect("valid as_of");
    let mut ledger = Ledger::new(scenario.mode);
    let outcome = (|| {
        for spec in &scenario.contracts {
            ledger.add_contract(Contract::from_spec(spec.clone())?)?;
        }
        ledger.ingest_jsonl(scenario.events.as_bytes())?;
        ledger.evaluate(as_of)
    })();
    let evaluation = match (outcome, &scenario.expect_error) {
        (Err(err), Some(expected)) => {
            if err.code() != expected.code {
                failures.push(format!(
                    "expected error {}, got {}: {err}",
                    expected.code,
                    err.code()
                ));
            }
            for part in &expected.message_contains {
                if !err.message().contains(part.as_str()) {
                    failures.push(format!("error message {:?} lacks {part:?}", err.message()));
                }
            }
            return failures;
        }
        (Err(err), None) => return vec![format!("unexpected error [{}]: {err}", err.code())],
        (Ok(_), Some(expected)) => {
            return vec![format!("expected error {}, got success", expected.code)]
        }
        (Ok(e), None) => e,
    };
    let json = serde_json::to_value(&evaluation).expect("serializable");
    let tickets = json["tickets"].as_array().cloned().unwrap_or_default();
    let find_ticket = |id: &str| tickets.iter().find(|t| t["ticket"] == json!(id)).cloned();
    for expected in &scenario.expect_ticket {
        let id = expected
            .get("ticket")
            .and_then(|v| v.as_str())
            .expect("expect_ticket needs ticket");
        match find_ticket(id) {
            Some(t) => check_fields(
                expected,
                &t,
                &["ticket"],
                &format!("ticket {id}"),
                &mut failures,
            ),
            None if expected.get("absent").and_then(|v| v.as_bool()) == Some(true) => {}
            None => failures.push(format!("ticket {id} is not in the results")),
        }
    }
    for expected in &scenario.expect_metric {
        let id = expected
            .get("ticket")
            .and_then(|v| v.as_str())
            .expect("expect_metric needs ticket");
        let metric = expected
            .get("metric")
            .and_then(|v| v.as_str())
            .expect("expect_metric needs metric");
        let cycle = expected
            .get("cycle")
            .and_then(|v| v.as_integer())
            .unwrap_or(1);
        let what = format!("ticket {id} {metric} cycle {cycle}");
        let found = find_ticket(id).and_then(|t| {
            t["metrics"]
                .as_array()?
                .iter()
                .find(|m| m["metric"] == json!(metric) && m["cycle"] == json!(cycle))
                .cloned()
        });
        match found {
            Some(m) => check_fields(
                expected,
                &m,
                &["ticket", "metric", "cycle"],
                &what,
                &mut failures,
            ),
            None if expected.get("absent").and_then(|v| v.as_bool()) == Some(true) => {}
            None => failures.push(format!("{what} is not in the results")),
        }
    }
    let rejected = json["rejected"].as_array().cloned().unwrap_or_default();
    if rejected.len() != scenario.expect_rejected.len() {
        failures.push(format!(
            "expected {} rejected events, got {}: {rejected:#?}",
            scenario.expect_rejected.len(),
            rejected.len()
        ));
    }
    for (i, (expected, got)) in scenario.expect_rejected.iter().zip(&rejected).enumerate() {
        check_fields(expected, got, &[], &format!("rejected[{i}]"), &mut failures);
    }
    if let Some(stats) = &scenario.expect_stats {
        check_fields(stats, &json["stats"], &[], "stats", &mut failures);
    }
    for check in &scenario.explain {
        check_explain(&ledger, check, as_of, &mut failures);
    }
    if let Some(period) = &scenario.period {
        check_report_and_credits(&ledger, &scenario, period, as_of, &mut failures);
    }
    failures
}

fn check_report_and_credits(
    ledger: &Ledger,
    scenario: &Scenario,
    period: &toml::Value,
    as_of: Instant,
    failures: &mut Vec<String>,
) {
    let contract_id = scenario
        .report_contract
        .clone()
        .unwrap_or_else(|| scenario.contracts[0].id.clone());
    let contract = ledger
        .contract(&contract_id)
        .expect("the report contract is loaded");
    let period = match period {
        toml::Value::String(month) => {
            Period::parse_month(month, contract.timezone()).expect("valid month")
        }
        toml::Value::Table(t) => {
            let at = |k: &str| {
                Instant::parse(t.get(k).and_then(|v| v.as_str()).expect("period from/to"))
                    .expect("valid instant")
            };
            Period::new(at("from"), at("to")).expect("valid period")
        }
        other => panic!("period must be a month or a table, got {other}"),
    };
    let report = match ledger.report(&contract_id, period, Some(as_of)) {
        Ok(r) => serde_json::to_value(&r).expect("serializable"),
        Err(e) => return failures.push(format!("report: {e}")),
    };
    let rows = report["rows"].as_array().cloned().unwrap_or_default();
    for expected in &scenario.expect_report {
        let priority = expected
            .get("priority")
            .and_then(|v| v.as_str())
            .expect("expect_report needs priority");
        let metric = expected
            .get("metric")
            .and_then(|v| v.as_str())
            .expect("expect_report needs metric");
        let what = format!("report row {priority} {metric}");
        match rows
            .iter()
            .find(|r| r["priority"] == json!(priority) && r["metric"] == json!(metric))
        {
            Some(row) => check_nested(expected, row, &["priority", "metric"], &what, failures),
            None if expected.get("absent").and_then(|v| v.as_bool()) == Some(true) => {}
            None => failures.push(format!("{what} is not in the report: {rows:#?}")),
        }
    }
    if let Some(expected) = &scenario.expect_credits {
        let statement = match ledger.credits(&contract_id, period, Some(as_of)) {
            Ok(s) => serde_json::to_value(&s).expect("serializable"),
            Err(e) => return failures.push(format!("credits: {e}")),
        };
        check_nested(expected, &statement, &["lines"], "credits", failures);
        if let Some(lines) = expected.get("lines").and_then(|v| v.as_array()) {
            let got = statement["lines"].as_array().cloned().unwrap_or_default();
            if got.len() != lines.len() {
                failures.push(format!(
                    "credits: expected {} lines, got {}: {got:#?}",
                    lines.len(),
                    got.len()
                ));
            }
            for (i, (want, got)) in lines.iter().zip(&got).enumerate() {
                if let Some(want) = want.as_table() {
                    check_nested(want, got, &[], &format!("credits line {i}"), failures);
                }
            }
        }
    }
}

/// Like `check_fields`, but a table value is checked key by key (for `basis`, `period`,
/// `working_time`).
fn check_nested(
    expected: &toml::Table,
    actual: &Value,
    skip: &[&str],
    what: &str,
    failures: &mut Vec<String>,
) {
    for (key, want) in expected {
        if skip.contains(&key.as_str()) || key == "absent" {
            continue;
        }
        match want {
            toml::Value::Table(inner) => {
                check_nested(inner, &actual[key], &[], &format!("{what}.{key}"), failures)
            }
            _ => check_fields(
                &toml::Table::from_iter([(key.clone(), want.clone())]),
                actual,
                &[],
                what,
                failures,
            ),
        }
    }
}

/// The explain timeline must reproduce every number: running working time sums to
/// `elapsed_ms`, paused working time to `paused_ms`, and the lengths of the active
/// segments to `wall_ms`; segments are ordered and do not overlap.
fn check_explain(
    ledger: &Ledger,
    check: &ExplainCheck,
    as_of: Instant,
    failures: &mut Vec<String>,
) {
    let explanation = match ledger.explain(&check.ticket, as_of) {
        Ok(e) => e,
        Err(e) => return failures.push(format!("explain {}: {e}", check.ticket)),
    };
    for clock in &explanation.clocks {
        let r = &clock.result;
        if check
            .metric
            .as_deref()
            .is_some_and(|m| m != r.metric.name())
        {
            continue;
        }
        let what = format!("explain {} {} cycle {}", check.ticket, r.metric, r.cycle);
        let sum = |kinds: &[&str]| -> i64 {
            clock
                .segments
                .iter()
                .filter(|s| {
                    kinds.contains(&serde_json::to_value(s.kind).unwrap().as_str().unwrap())
                })
                .map(|s| s.working_ms.as_millis())
                .sum()
        };
        let wall: i64 = clock
            .segments
            .iter()
            .filter(|s| serde_json::to_value(s.kind).unwrap() != json!("resolved"))
            .map(|s| s.to.as_millis() - s.from.as_millis())
            .sum();
        if sum(&["running"]) != r.elapsed_ms.as_millis() {
            failures.push(format!(
                "{what}: running segments sum to {} ms, elapsed_ms is {}",
                sum(&["running"]),
                r.elapsed_ms.as_millis()
            ));
        }
        if sum(&["paused"]) != r.paused_ms.as_millis() {
            failures.push(format!(
                "{what}: paused segments sum to {} ms, paused_ms is {}",
                sum(&["paused"]),
                r.paused_ms.as_millis()
            ));
        }
        if wall != r.wall_ms.as_millis() {
            failures.push(format!(
                "{what}: segment lengths sum to {wall} ms, wall_ms is {}",
                r.wall_ms.as_millis()
            ));
        }
        for pair in clock.segments.windows(2) {
            if pair[0].to > pair[1].from {
                failures.push(format!("{what}: segments overlap at {}", pair[1].from));
            }
        }
        if let Some(kinds) = &check.segment_kinds {
            let got: Vec<String> = clock
                .segments
                .iter()
                .map(|s| {
                    serde_json::to_value(s.kind)
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            if &got != kinds {
                failures.push(format!("{what}: segment kinds {got:?}, expected {kinds:?}"));
            }
        }
    }
}

#[test]
fn every_scenario_replays_to_its_expected_values() {
    let files = scenario_files();
    assert!(!files.is_empty(), "no scenarios found");
    let mut report = Vec::new();
    for file in &files {
        let failures = run(file);
        if !failures.is_empty() {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            report.push(format!("{name}:\n  {}", failures.join("\n  ")));
        }
    }
    assert!(
        report.is_empty(),
        "{} of {} scenarios failed:\n{}",
        report.len(),
        files.len(),
        report.join("\n")
    );
}
