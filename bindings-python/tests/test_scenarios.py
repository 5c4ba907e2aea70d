"""Replays the shared scenario corpus (`tests/scenarios/*.toml`) through Python.

The checks are those of the Rust runner (`tests/scenarios.rs`, format in
`tests/scenarios/README.md`): only the fields a scenario lists are checked, against the
core's JSON (`to_dict(raw=True)`), and the string "null" means null or absent. Passing the
same expectations as Rust is what "identical results" means here.

Beyond the Rust runner, every scenario also checks the binding itself: `to_json()` and
`to_dict(raw=True)` agree, the typed `to_dict()` is the raw JSON under the documented type
mapping, records and properties match the typed dicts of the stubs, and ingesting the
events as dicts (`Ledger.ingest`) gives exactly what ingesting them as JSONL gives.
"""

from __future__ import annotations

import json
import tomllib
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import slaledger
from slaledger import _types
from conftest import scenario_files
from typecheck import check

FILES = scenario_files()

TOP_LEVEL = {
    "description",
    "as_of",
    "mode",
    "contracts",
    "events",
    "expect_error",
    "expect_ticket",
    "expect_metric",
    "expect_rejected",
    "expect_stats",
    "explain",
    "period",
    "report_contract",
    "expect_report",
    "expect_credits",
}


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 50, f"expected the scenario corpus, found {len(FILES)} files"


def expected_value(value: Any) -> Any:
    """TOML has no null: the string "null" stands for it, at any depth."""
    if value == "null":
        return None
    if isinstance(value, list):
        return [expected_value(v) for v in value]
    if isinstance(value, dict):
        return {k: expected_value(v) for k, v in value.items()}
    return value


def check_fields(
    expected: dict[str, Any], actual: Any, skip: tuple[str, ...], what: str, failures: list[str]
) -> None:
    for key, want in expected.items():
        if key in skip:
            continue
        got = actual.get(key) if isinstance(actual, dict) else None
        want = expected_value(want)
        if got != want:
            failures.append(f"{what}: {key} expected {want!r}, got {got!r}")


def check_nested(
    expected: dict[str, Any], actual: Any, skip: tuple[str, ...], what: str, failures: list[str]
) -> None:
    for key, want in expected.items():
        if key in skip or key == "absent":
            continue
        if isinstance(want, dict):
            inner = actual.get(key) if isinstance(actual, dict) else None
            check_nested(want, inner, (), f"{what}.{key}", failures)
        else:
            check_fields({key: want}, actual, (), what, failures)


def instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None
    return value


def load(path: Path) -> dict[str, Any]:
    try:
        scenario = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise AssertionError(
            f"{path.name} is not TOML 1.0, which Python's tomllib reads ({err}); the corpus"
            " is shared by every surface, so it must avoid TOML 1.1 syntax such as newlines"
            " inside inline tables"
        ) from None
    unknown = set(scenario) - TOP_LEVEL
    assert not unknown, f"unknown top-level keys {sorted(unknown)}"
    assert scenario["description"].strip(), "empty description"
    return scenario


def build(scenario: dict[str, Any], events: Any = None) -> tuple[slaledger.Ledger, Any]:
    """The ledger and its evaluation, or the error of steps 3-5 of the README."""
    ledger = slaledger.Ledger(lenient=scenario.get("mode", "strict") == "lenient")
    try:
        for spec in scenario["contracts"]:
            ledger.add_contract(slaledger.Contract.from_dict(spec))
        if events is None:
            ledger.ingest_jsonl_text(scenario["events"])
        else:
            ledger.ingest(events)
        return ledger, ledger.evaluate(as_of=instant(scenario["as_of"]))
    except slaledger.SlaError as err:
        return ledger, err


def period_arguments(scenario: dict[str, Any]) -> dict[str, Any]:
    period = scenario["period"]
    if isinstance(period, str):
        return {"period": period}
    return {"from_": instant(period["from"]), "to": instant(period["to"])}


def replay(path: Path) -> list[str]:
    """The Rust runner's checks, in Python."""
    scenario = load(path)
    failures: list[str] = []
    ledger, outcome = build(scenario)
    expected_error = scenario.get("expect_error")
    if isinstance(outcome, slaledger.SlaError):
        if expected_error is None:
            return [f"unexpected error [{outcome.code}]: {outcome}"]
        if outcome.code != expected_error["code"]:
            failures.append(f"expected error {expected_error['code']}, got {outcome.code}: {outcome}")
        for part in expected_error.get("message_contains", []):
            if part not in outcome.message:
                failures.append(f"error message {outcome.message!r} lacks {part!r}")
        return failures
    if expected_error is not None:
        return [f"expected error {expected_error['code']}, got success"]

    evaluation = outcome
    data = evaluation.to_dict(raw=True)
    tickets = {t["ticket"]: t for t in data["tickets"]}
    for expected in scenario.get("expect_ticket", []):
        ticket = tickets.get(expected["ticket"])
        if ticket is not None:
            check_fields(expected, ticket, ("ticket",), f"ticket {expected['ticket']}", failures)
        elif expected.get("absent") is not True:
            failures.append(f"ticket {expected['ticket']} is not in the results")
    for expected in scenario.get("expect_metric", []):
        cycle = expected.get("cycle", 1)
        what = f"ticket {expected['ticket']} {expected['metric']} cycle {cycle}"
        ticket = tickets.get(expected["ticket"])
        found = next(
            (
                m
                for m in (ticket or {}).get("metrics", [])
                if m["metric"] == expected["metric"] and m["cycle"] == cycle
            ),
            None,
        )
        if found is not None:
            check_fields(expected, found, ("ticket", "metric", "cycle"), what, failures)
        elif expected.get("absent") is not True:
            failures.append(f"{what} is not in the results")
    rejected = data["rejected"]
    expected_rejected = scenario.get("expect_rejected", [])
    if len(rejected) != len(expected_rejected):
        failures.append(
            f"expected {len(expected_rejected)} rejected events, got {len(rejected)}: {rejected}"
        )
    for i, (expected, got) in enumerate(zip(expected_rejected, rejected)):
        check_fields(expected, got, (), f"rejected[{i}]", failures)
    if "expect_stats" in scenario:
        check_fields(scenario["expect_stats"], data["stats"], (), "stats", failures)
    as_of = instant(scenario["as_of"])
    for explain in scenario.get("explain", []):
        check_explain(ledger, explain, as_of, failures)
    if "period" in scenario:
        check_report_and_credits(ledger, scenario, as_of, failures)
    return failures


def check_explain(
    ledger: slaledger.Ledger, check_: dict[str, Any], as_of: datetime, failures: list[str]
) -> None:
    try:
        explanation = ledger.explain(check_["ticket"], as_of=as_of)
    except slaledger.SlaError as err:
        failures.append(f"explain {check_['ticket']}: {err}")
        return
    for clock in explanation.to_dict(raw=True)["clocks"]:
        if check_.get("metric") not in (None, clock["metric"]):
            continue
        what = f"explain {check_['ticket']} {clock['metric']} cycle {clock['cycle']}"
        segments = clock["segments"]

        def total(kind: str) -> int:
            return sum(s["working_ms"] for s in segments if s["kind"] == kind)

        wall = sum(
            ms(s["to"]) - ms(s["from"]) for s in segments if s["kind"] != "resolved"
        )
        if total("running") != clock["elapsed_ms"]:
            failures.append(f"{what}: running segments sum to {total('running')}, elapsed_ms is {clock['elapsed_ms']}")
        if total("paused") != clock["paused_ms"]:
            failures.append(f"{what}: paused segments sum to {total('paused')}, paused_ms is {clock['paused_ms']}")
        if wall != clock["wall_ms"]:
            failures.append(f"{what}: segment lengths sum to {wall}, wall_ms is {clock['wall_ms']}")
        for a, b in zip(segments, segments[1:]):
            if ms(a["to"]) > ms(b["from"]):
                failures.append(f"{what}: segments overlap at {b['from']}")
        kinds = check_.get("segment_kinds")
        if kinds is not None and [s["kind"] for s in segments] != kinds:
            failures.append(f"{what}: segment kinds {[s['kind'] for s in segments]}, expected {kinds}")


def ms(text: str) -> int:
    """Milliseconds since the epoch of an RFC 3339 instant (exact, no floats)."""
    delta = instant(text) - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return delta // timedelta(milliseconds=1)


def check_report_and_credits(
    ledger: slaledger.Ledger, scenario: dict[str, Any], as_of: datetime, failures: list[str]
) -> None:
    contract = scenario.get("report_contract", scenario["contracts"][0]["id"])
    arguments = period_arguments(scenario)
    try:
        report = ledger.report(contract, **arguments, as_of=as_of).to_dict(raw=True)
    except slaledger.SlaError as err:
        failures.append(f"report: {err}")
        return
    for expected in scenario.get("expect_report", []):
        what = f"report row {expected['priority']} {expected['metric']}"
        row = next(
            (
                r
                for r in report["rows"]
                if r["priority"] == expected["priority"] and r["metric"] == expected["metric"]
            ),
            None,
        )
        if row is not None:
            check_nested(expected, row, ("priority", "metric"), what, failures)
        elif expected.get("absent") is not True:
            failures.append(f"{what} is not in the report: {report['rows']}")
    expected = scenario.get("expect_credits")
    if expected is None:
        return
    try:
        statement = ledger.credits(contract, **arguments, as_of=as_of).to_dict(raw=True)
    except slaledger.SlaError as err:
        failures.append(f"credits: {err}")
        return
    check_nested(expected, statement, ("lines",), "credits", failures)
    if "lines" in expected:
        got = statement["lines"]
        if len(got) != len(expected["lines"]):
            failures.append(f"credits: expected {len(expected['lines'])} lines, got {len(got)}: {got}")
        for i, (want, line) in enumerate(zip(expected["lines"], got)):
            check_nested(want, line, (), f"credits line {i}", failures)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_replays_to_its_expected_values(path: Path) -> None:
    failures = replay(path)
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------
# The binding's own checks, on the same corpus.

DECIMALS = {"fee", "subtotal", "cap", "total", "amount", "each", "per_hour", "compliance"}


def typed(value: Any, key: str | None = None, parent: str | None = None) -> Any:
    """The documented type mapping, applied to raw JSON: an oracle for `to_dict()`."""
    if isinstance(value, dict):
        return {k: typed(v, k, key) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v, key, parent) for v in value]
    if value is None or key is None:
        return value
    if key.endswith("_ms") and isinstance(value, int):
        return timedelta(milliseconds=value)
    is_instant = (
        key.endswith("_at")
        or key in ("at", "as_of")
        or (key in ("from", "to") and parent != "priority_changes")
    )
    if is_instant and isinstance(value, str):
        return instant(value).astimezone(timezone.utc)
    if key in DECIMALS and isinstance(value, str):
        return Decimal(value)
    return value


def check_result(result: Any, shape: Any, record: Any) -> None:
    raw = result.to_dict(raw=True)
    assert json.loads(result.to_json()) == raw
    assert json.loads(result.to_json(pretty=True)) == raw
    converted = result.to_dict()
    assert converted == typed(raw)
    check(converted, shape)
    for i, row in enumerate(result.to_records()):
        check(row, record, f"record[{i}]", exact=True)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_typed_views_and_records_match_the_raw_json_and_the_stubs(path: Path) -> None:
    scenario = load(path)
    ledger, evaluation = build(scenario)
    if isinstance(evaluation, slaledger.SlaError):
        assert type(evaluation) is not slaledger.SlaError, "errors raise a subclass"
        return
    check_result(evaluation, _types.EvaluationDict, _types.MetricRecord)
    check(evaluation.tickets, list[_types.TicketResult])
    check(evaluation.rejected, list[_types.Rejection])
    check(evaluation.stats, _types.Stats)
    assert evaluation.as_of == instant(scenario["as_of"])
    records = evaluation.to_records()
    assert len(records) == sum(len(t["metrics"]) for t in evaluation.tickets)
    as_of = instant(scenario["as_of"])
    for ticket in evaluation.tickets:
        explanation = ledger.explain(ticket["ticket"], as_of=as_of)
        check_result(explanation, _types.ExplanationDict, _types.SegmentRecord)
        check(explanation.clocks, list[_types.ClockTimeline])
        check(explanation.priority_changes, list[_types.PriorityChange])
    if "period" in scenario:
        contract = scenario.get("report_contract", scenario["contracts"][0]["id"])
        arguments = period_arguments(scenario)
        report = ledger.report(contract, **arguments, as_of=as_of)
        check_result(report, _types.ReportDict, _types.ReportRecord)
        assert len(report.to_records()) == len(report.rows)
        statement = ledger.credits(contract, **arguments, as_of=as_of)
        check_result(statement, _types.CreditStatementDict, _types.CreditRecord)
        lines = statement.to_records()
        assert len(lines) == len(statement.lines) + 1  # the lines, then the total row
        assert lines[-1]["rule"] == "total" and lines[-1]["amount"] == statement.total
        assert statement.total == Decimal(statement.to_dict(raw=True)["total"])


def event_dicts(text: str) -> list[Any] | None:
    """The events of a scenario as dicts, if every line is a JSON value and none is blank
    (blank lines count as lines in JSONL but have no position in a list)."""
    lines = text.splitlines()
    if any(not line.strip() for line in lines):
        return None
    try:
        return [json.loads(line) for line in lines]
    except json.JSONDecodeError:
        return None


def replayable_as_dicts(path: Path) -> bool:
    try:
        return event_dicts(load(path)["events"]) is not None
    except AssertionError:
        return True  # fails in the test, with the reason


# Scenarios whose lines are not all JSON values test JSONL reading, not dicts.
AS_DICTS = [p for p in FILES if replayable_as_dicts(p)]


def test_most_scenarios_replay_as_dicts() -> None:
    assert len(AS_DICTS) >= len(FILES) * 0.9


@pytest.mark.parametrize("path", AS_DICTS, ids=[p.stem for p in AS_DICTS])
def test_ingesting_dicts_equals_ingesting_jsonl(path: Path) -> None:
    scenario = load(path)
    events = event_dicts(scenario["events"])
    _, from_jsonl = build(scenario)
    _, from_dicts = build(scenario, events)
    if isinstance(from_jsonl, slaledger.SlaError):
        assert isinstance(from_dicts, slaledger.SlaError)
        assert (type(from_dicts), from_dicts.code, from_dicts.message) == (
            type(from_jsonl),
            from_jsonl.code,
            from_jsonl.message,
        )
    else:
        assert not isinstance(from_dicts, slaledger.SlaError), from_dicts
        assert from_dicts.to_json() == from_jsonl.to_json()
