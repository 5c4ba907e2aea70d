"""Types in and out: records load into pandas keeping their types; documents and files in."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pytest

import slaledger
from slaledger import Calendar, Contract, Ledger

UTC = timezone.utc

CONTRACT = """
id = "acme"
currency = "USD"
timezone = "America/New_York"
fee = { monthly = "12500.00" }
pause_statuses = ["waiting_on_customer"]
on_reopen = "new_cycle"
warn_at = ["50%"]

[calendars.business]
timezone = "America/New_York"
mon = ["08:00-18:00"]
tue = ["08:00-18:00"]
wed = ["08:00-18:00"]
thu = ["08:00-18:00"]
fri = ["08:00-17:00"]

[targets.P1]
response   = { within = "15m", calendar = "24x7" }
resolution = { within = "4h",  calendar = "24x7" }
[targets.P3]
response   = { within = "4h",  calendar = "business" }
resolution = { within = "2bd", calendar = "business" }

[credits]
cap = "10%"
tiers = [ { priority = "P1", metric = "resolution", levels = [ { below = "95%", credit = "5%" } ] } ]
per_breach = [ { priority = "P1", metric = "response", amount = "250.00" } ]
per_hour_late = [ { priority = "P1", metric = "resolution", amount = "100.00" } ]
"""

EVENTS: list[dict[str, Any]] = [
    {"id": "1", "ticket": "INC-1", "at": "2026-11-02T14:00:00Z", "type": "opened", "priority": "P1"},
    {"id": "2", "ticket": "INC-1", "at": "2026-11-02T14:20:00Z", "type": "responded"},
    {"id": "3", "ticket": "INC-1", "at": "2026-11-02T19:30:00Z", "type": "resolved"},
    {"id": "4", "ticket": "INC-1", "at": "2026-11-02T20:00:00Z", "type": "reopened"},
    {"id": "5", "ticket": "INC-1", "at": "2026-11-02T21:00:00Z", "type": "resolved"},
    {"id": "6", "ticket": "INC-2", "at": "2026-11-03T15:00:00Z", "type": "opened", "priority": "P3", "seq": 1},
    {"id": "7", "ticket": "INC-2", "at": "2026-11-03T16:00:00Z", "type": "status", "status": "waiting_on_customer"},
]
AS_OF = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    led = Ledger()
    led.add_contract(Contract.from_toml(CONTRACT))
    led.ingest(iter(EVENTS))
    return led


def test_evaluation_records_load_into_pandas_with_their_types(ledger: Ledger) -> None:
    records = ledger.evaluate(as_of=AS_OF).to_records()
    df = pd.DataFrame(records)
    assert len(df) == 5  # INC-1: response, resolution cycles 1 and 2; INC-2: response, resolution
    assert list(df.columns) == list(records[0])
    assert pd.api.types.is_timedelta64_dtype(df["elapsed_ms"])
    assert pd.api.types.is_timedelta64_dtype(df["remaining_ms"])
    for column in ("started_at", "stopped_at", "due_at", "breached_at", "decided_at"):
        assert isinstance(df[column].dtype, pd.DatetimeTZDtype), column
        assert str(df[column].dtype.tz) == "UTC"
    assert df["cycle"].dtype.kind == "i"
    first = df[(df.ticket == "INC-1") & (df.metric == "response")].iloc[0]
    assert first.elapsed_ms == timedelta(minutes=20)
    assert first.breached_at == datetime(2026, 11, 2, 14, 15, tzinfo=UTC)
    assert first.ticket_priority == "P1" and first.ticket_state == "resolved"
    cycles = df[(df.ticket == "INC-1") & (df.metric == "resolution")]["cycle"].tolist()
    assert cycles == [1, 2]


def test_report_and_statement_records(ledger: Ledger) -> None:
    report = ledger.report("acme", period="2026-11")
    rows = pd.DataFrame(report.to_records())
    assert {"working_time_mean_ms", "wall_time_p90_ms", "period_from", "compliance"} <= set(rows)
    total = rows[(rows.priority == "*") & (rows.metric == "resolution")].iloc[0]
    assert isinstance(total.compliance, Decimal)
    assert report.period == (
        datetime(2026, 11, 1, 4, tzinfo=UTC),
        datetime(2026, 12, 1, 5, tzinfo=UTC),
    )
    statement = ledger.credits("acme", period="2026-11")
    records = pd.DataFrame(statement.to_records())
    lines, total = records[records.rule != "total"], records[records.rule == "total"].iloc[0]
    assert list(lines["rule"]) == [line["rule"] for line in statement.lines]
    assert total.amount == statement.total and total.subtotal == statement.subtotal
    assert all(isinstance(a, Decimal) for a in lines["amount"])
    assert sum(lines["amount"], Decimal(0)) == statement.subtotal
    assert statement.total == min(statement.subtotal, statement.cap or statement.subtotal)
    assert isinstance(statement.fee, Decimal) and statement.currency == "USD"
    assert {"basis_compliance", "basis_each", "basis_hours", "basis_per_hour"} <= set(lines)


def test_explanation_records(ledger: Ledger) -> None:
    explanation = ledger.explain("INC-1", as_of=AS_OF)
    df = pd.DataFrame(explanation.to_records())
    assert set(df["kind"]) <= {"running", "closed_hours", "paused", "resolved"}
    running = df[(df.metric == "response") & (df.kind == "running")]
    assert running["working_ms"].sum() == timedelta(minutes=20)
    assert explanation.ticket == "INC-1" and explanation.contract == "acme"
    assert explanation.as_of == AS_OF


def test_typed_values(ledger: Ledger) -> None:
    evaluation = ledger.evaluate(as_of=AS_OF)
    inc2 = next(t for t in evaluation.tickets if t["ticket"] == "INC-2")
    assert inc2["status"] == "waiting_on_customer"
    response = inc2["metrics"][0]
    assert response["metric"] == "response" and isinstance(response["target_ms"], timedelta)
    assert response["started_at"] == datetime(2026, 11, 3, 15, tzinfo=UTC)
    assert all(w.tzinfo is UTC for t in evaluation.tickets for m in t["metrics"] for w in m["warned_at"])
    assert evaluation.stats == {"events": 7, "duplicates": 0, "tickets": 2, "rejected": 0}
    assert evaluation.as_of == AS_OF
    raw = evaluation.to_dict(raw=True)
    assert raw["as_of"] == "2026-11-30T00:00:00Z"
    assert json.loads(evaluation.to_json()) == raw
    assert "tickets=2" in repr(evaluation)


def test_documents_accept_python_values() -> None:
    spec: dict[str, Any] = {
        "id": "globex",
        "currency": "EUR",
        "timezone": "Europe/Berlin",
        "fee": {"per_user": Decimal("65.00"), "users": 180},
        "calendars": {
            "office": {
                "timezone": "Europe/Berlin",
                "mon": ("09:00-17:00",),
                "holidays": [date(2026, 12, 25)],
            }
        },
        "targets": {
            "P1": {
                "response": {"within": timedelta(minutes=30), "calendar": "office", "pausable": True},
                "resolution": {"none": "not measured"},
            }
        },
    }
    contract = Contract.from_dict(spec)
    assert contract.id == "globex" and contract.timezone == "Europe/Berlin"
    assert contract.priorities == ["P1"]
    assert contract.to_dict()["calendars"]["office"]["holidays"] == ["2026-12-25"]
    assert contract.to_dict()["targets"]["P1"]["response"]["within"] == "30m"
    assert Contract.from_json(contract.to_json()).to_dict() == contract.to_dict()
    office = contract.calendar("office")
    assert office.timezone == "Europe/Berlin"
    assert contract.calendar("24x7").name == "24x7"
    with pytest.raises(KeyError):
        contract.calendar("home")
    assert "globex" in repr(contract)


def test_events_accept_aware_datetimes_of_any_zone() -> None:
    ledger = Ledger()
    ledger.add_contract(Contract.from_toml(CONTRACT))
    tokyo = timezone(timedelta(hours=9))
    ledger.ingest([{**EVENTS[0], "at": datetime(2026, 11, 2, 23, 0, tzinfo=tokyo), "attrs": {"x": [1, None]}}])
    ticket = ledger.evaluate(as_of=AS_OF).tickets[0]
    assert ticket["metrics"][0]["started_at"] == datetime(2026, 11, 2, 14, tzinfo=UTC)
    assert ledger.ticket_count == 1 and ledger.contract_ids == ["acme"]
    assert not ledger.lenient and Ledger(lenient=True).lenient
    assert ledger.contract("acme").id == "acme"


def test_jsonl_from_paths_files_and_text(tmp_path: Path) -> None:
    text = "".join(json.dumps(e) + "\n" for e in EVENTS)
    plain = tmp_path / "events.jsonl"
    plain.write_text(text)
    packed = tmp_path / "events.jsonl.gz"
    with gzip.open(packed, "wt") as f:
        f.write(text)

    def from_gzip(led: Ledger) -> None:
        with gzip.open(packed) as f:
            led.ingest_jsonl(f)

    loaders: list[Callable[[Ledger], None]] = [
        lambda led: led.ingest_jsonl(plain),
        lambda led: led.ingest_jsonl(str(plain)),
        lambda led: led.ingest_jsonl(io.StringIO(text)),
        from_gzip,
        lambda led: led.ingest_jsonl_text(text),
        lambda led: led.ingest_jsonl_text(text.encode()),
        lambda led: led.ingest(EVENTS),
    ]
    results = []
    for load in loaders:
        led = Ledger()
        led.add_contract(Contract.from_toml(CONTRACT))
        load(led)
        results.append(led.evaluate(as_of=AS_OF).to_json())
    assert len(set(results)) == 1


def test_instants_are_truncated_to_the_millisecond_toward_the_past() -> None:
    cal = Calendar.always()
    t = datetime(2026, 11, 2, 9, 0, 0, 999_999, tzinfo=UTC)
    assert cal.add_working_time(t, timedelta(0)) == t.replace(microsecond=999_000)
    before_epoch = datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
    assert cal.add_working_time(before_epoch, timedelta(0)) == before_epoch.replace(microsecond=999_000)
    assert cal.working_time(t, t + timedelta(microseconds=1)) == timedelta(milliseconds=1)
    assert cal.add_working_time(t, timedelta(microseconds=1500)) == t.replace(microsecond=999_000) + timedelta(
        milliseconds=1
    )


def test_the_package_exports() -> None:
    assert slaledger.__version__ == "0.1.0"
    for name in slaledger.__all__:
        assert hasattr(slaledger, name), name
    assert issubclass(slaledger.CreditError, slaledger.SlaError)


def test_building_results_leaves_the_garbage_collector_as_it_was(ledger: Ledger) -> None:
    import gc

    evaluation = ledger.evaluate(as_of=AS_OF)
    assert gc.isenabled()
    evaluation.to_records()
    evaluation.to_dict()
    assert gc.isenabled()
    gc.disable()
    try:
        evaluation.to_records()
        assert not gc.isenabled()
    finally:
        gc.enable()


# The columns of docs/formats.md ("The command line"), in order: `to_records()` gives the
# rows of the CLI's `--format csv`, so a DataFrame and the CSV file have the same columns.
DOCUMENTED_COLUMNS = {
    "replay": "ticket contract ticket_priority opened_priority party ticket_state status"
    " reopens handoffs ping_pongs flags excluded_reason cancelled_reason metric cycle state"
    " priority target target_ms calendar started_at stopped_at due_at elapsed_ms paused_ms"
    " held_ms wall_ms remaining_ms breached_at warned_at decided_at first_stopped_at"
    " first_elapsed_ms",
    "report": "contract period_from period_to as_of priority metric measured met breached open"
    " excluded cancelled compliance working_time_count working_time_sum_ms"
    " working_time_mean_ms working_time_median_ms working_time_p90_ms wall_time_count"
    " wall_time_sum_ms wall_time_mean_ms wall_time_median_ms wall_time_p90_ms redecided",
    "credits": "contract period_from period_to currency fee rule priority metric"
    " basis_compliance basis_measured basis_met basis_breached basis_below basis_credit"
    " basis_breaches basis_each basis_hours basis_per_hour tickets amount subtotal cap capped"
    " total excluded_held_ms",
    "explain": "ticket contract as_of metric cycle clock_state priority target calendar from to"
    " kind reason working_ms",
}


def test_records_have_the_documented_columns_in_every_row(ledger: Ledger) -> None:
    results: dict[str, Any] = {
        "replay": ledger.evaluate(as_of=AS_OF).to_records(),
        "report": ledger.report("acme", period="2026-11").to_records(),
        "credits": ledger.credits("acme", period="2026-11").to_records(),
        "explain": ledger.explain("INC-2", as_of=AS_OF).to_records(),
    }
    for kind, records in results.items():
        assert records, kind
        for row in records:
            assert list(row) == DOCUMENTED_COLUMNS[kind].split(), kind
    total = results["credits"][-1]
    assert total["rule"] == "total" and total["metric"] is None
    assert isinstance(total["capped"], bool) and isinstance(total["excluded_held_ms"], timedelta)
    assert all(row["subtotal"] is None for row in results["credits"][:-1])
    segment = results["explain"][0]
    assert segment["clock_state"] in ("running", "paused", "met", "breached")
    assert segment["as_of"] == AS_OF and isinstance(segment["from"], datetime)
