"""Every error path of the binding: the class, the core's code, and a clear message."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from slaledger import (
    Calendar,
    CalendarError,
    Contract,
    ContractError,
    CreditError,
    EventError,
    Ledger,
    SlaError,
)

UTC = timezone.utc
NAIVE = datetime(2026, 11, 2, 9, 0)
AWARE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CALENDAR = Calendar.from_dict({"timezone": "UTC", "mon": ["09:00-17:00"]}, name="office")


def contract_spec(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "id": "acme",
        "currency": "USD",
        "timezone": "UTC",
        "fee": {"monthly": Decimal("12500.00")},
        "targets": {
            "P1": {
                "response": {"within": "15m", "calendar": "24x7"},
                "resolution": {"within": "4h", "calendar": "24x7"},
            }
        },
    }
    spec.update(changes)
    return spec


def ledger(*, lenient: bool = False) -> Ledger:
    led = Ledger(lenient=lenient)
    led.add_contract(Contract.from_dict(contract_spec()))
    return led


def opened(id_: str = "e1", ticket: str = "INC-1", at: Any = "2026-11-02T09:00:00Z") -> dict[str, Any]:
    return {"id": id_, "ticket": ticket, "at": at, "type": "opened", "priority": "P1"}


def test_sla_error_is_an_exception_with_a_code_and_pickles() -> None:
    err = EventError("line 2: bad", "missing_offset")
    assert isinstance(err, SlaError) and isinstance(err, Exception)
    assert (err.code, err.message, str(err)) == ("missing_offset", "line 2: bad", "line 2: bad")
    assert "code='missing_offset'" in repr(err)
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is EventError and again.code == err.code and again.message == err.message


# ---------------------------------------------------------------------------------------
# Naive datetimes: the core's `missing_offset`, in the class of the operation.


def test_naive_datetime_in_a_calendar_query() -> None:
    with pytest.raises(CalendarError) as err:
        CALENDAR.working_time(NAIVE, AWARE)
    assert err.value.code == "missing_offset"
    assert "start" in err.value.message and "naive" in err.value.message
    with pytest.raises(CalendarError, match="naive"):
        CALENDAR.add_working_time(AWARE.replace(tzinfo=None), timedelta(hours=1))
    with pytest.raises(CalendarError) as err:
        CALENDAR.working_time_many([AWARE, AWARE], [AWARE, NAIVE])
    assert err.value.code == "missing_offset" and "ends[1]" in err.value.message


def test_naive_datetime_in_ledger_queries() -> None:
    led = ledger()
    with pytest.raises(EventError) as err:
        led.evaluate(as_of=NAIVE)
    assert err.value.code == "missing_offset" and "as_of" in err.value.message
    with pytest.raises(EventError, match="naive"):
        led.explain("INC-1", as_of=NAIVE)
    with pytest.raises(CreditError) as credit:
        led.report("acme", from_=NAIVE, to=AWARE)
    assert credit.value.code == "missing_offset"


def test_naive_datetime_in_an_event_is_the_core_missing_offset() -> None:
    with pytest.raises(EventError) as err:
        ledger().ingest([opened(at=NAIVE)])
    assert err.value.code == "missing_offset"
    assert all(part in err.value.message for part in ("line 1", '"e1"', '"INC-1"', "no UTC offset"))
    lenient = ledger(lenient=True)
    lenient.ingest([opened(at=NAIVE), opened("f1", "INC-2", AWARE)])
    evaluation = lenient.evaluate(as_of=AWARE + timedelta(hours=1))
    assert [(r["line"], r["id"], r["ticket"], r["code"]) for r in evaluation.rejected] == [
        (1, "e1", "INC-1", "missing_offset")
    ]
    assert [t["ticket"] for t in evaluation.tickets] == ["INC-2"]


def test_aware_datetimes_of_any_zone_and_strings_are_accepted() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert CALENDAR.working_time(AWARE.astimezone(plus_two), "2026-11-02T12:00:00+03:00") == timedelta(0)
    assert CALENDAR.working_time(AWARE.astimezone(plus_two), "2026-11-02T12:00:00Z") == timedelta(hours=3)
    with pytest.raises(CalendarError) as err:
        CALENDAR.working_time("2026-11-02T09:00:00", AWARE)
    assert err.value.code == "missing_offset"
    with pytest.raises(CalendarError) as err:
        CALENDAR.working_time("yesterday", AWARE)
    assert err.value.code == "invalid_timestamp"
    with pytest.raises(CalendarError) as err:
        CALENDAR.working_time(datetime(2300, 1, 1, tzinfo=UTC), AWARE)
    assert err.value.code == "instant_out_of_range"


# ---------------------------------------------------------------------------------------
# Money: floats are refused, Decimal and str accepted.


def test_float_money_is_refused() -> None:
    with pytest.raises(ContractError) as err:
        Contract.from_dict(contract_spec(fee={"monthly": 12500.0}))
    assert err.value.code == "invalid_value"
    assert "fee.monthly" in err.value.message and "Decimal" in err.value.message
    credits = {"per_breach": [{"priority": "P1", "metric": "response", "amount": 250.5}]}
    with pytest.raises(ContractError, match=r"credits\.per_breach\[0\]\.amount"):
        Contract.from_dict(contract_spec(credits=credits))
    with pytest.raises(CalendarError) as cal:
        Calendar.from_dict({"timezone": "UTC", "mon": ["09:00-17:00"], "holidays": [1.5]})
    assert cal.value.code == "invalid_value"


def test_decimal_and_string_money_are_exact() -> None:
    for fee in (Decimal("12500.00"), "12500.00", Decimal("1.25E+4")):
        led = Ledger()
        led.add_contract(Contract.from_dict(contract_spec(fee={"monthly": fee})))
        statement = led.credits("acme", period="2026-11")
        assert statement.fee == Decimal("12500.00") and statement.total == Decimal("0.00")
        assert statement.to_dict(raw=True)["fee"] == "12500.00"


def test_the_core_judges_money_text() -> None:
    with pytest.raises(ContractError) as err:
        Contract.from_dict(contract_spec(fee={"monthly": "12,500"}))
    assert err.value.code == "invalid_value"


# ---------------------------------------------------------------------------------------
# Bad contracts and calendars.


@pytest.mark.parametrize(
    ("changes", "code", "cls"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "unknown_time_zone", CalendarError),
        ({"targets": {}}, "missing_target", ContractError),
        ({"targets": {"P1": {"response": {"within": "15m", "calendar": "24x7"}}}}, "missing_target", ContractError),
        ({"targets": {"P1": {"response": {"within": "15m", "calendar": "office"}, "resolution": {"none": "n/a"}}}}, "unknown_calendar", ContractError),
        ({"tiemzone": "UTC"}, "unknown_key", ContractError),
        ({"targets": {"P1": {"response": {"within": "1d", "calendar": "24x7"}, "resolution": {"none": "n/a"}}}}, "invalid_duration", ContractError),
        ({"currency": "usd"}, "invalid_value", ContractError),
        ({"calendars": {"office": {"timezone": "UTC", "mon": ["09:00-09:00"]}}}, "empty_window", CalendarError),
    ],
)
def test_bad_contracts(changes: dict[str, Any], code: str, cls: type[SlaError]) -> None:
    with pytest.raises(SlaError) as err:
        Contract.from_dict(contract_spec(**changes))
    assert (type(err.value), err.value.code) == (cls, code), err.value


def test_contract_text_errors() -> None:
    with pytest.raises(ContractError) as err:
        Contract.from_toml('id = "acme"\ntimezone = "UTC"\n[targets.P1\n')
    assert err.value.code == "invalid_toml"
    with pytest.raises(ContractError) as err:
        Contract.from_json("{not json")
    assert err.value.code == "invalid_json"
    with pytest.raises(ContractError) as err:
        Contract.from_toml('id = "acme"\ntimezone = "UTC"\ncolour = "red"\n[targets.P1]\n')
    assert err.value.code == "unknown_key" and "colour" in err.value.message
    with pytest.raises(ContractError) as err:
        Contract.from_dict({"id": "acme", "targets": {}})
    assert err.value.code == "missing_field" and "timezone" in err.value.message


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        ({"timezone": "UTC", "monday": ["09:00-17:00"]}, "unknown_key"),
        ({"timezone": "Nowhere/City", "mon": ["09:00-17:00"]}, "unknown_time_zone"),
        ({"timezone": "UTC", "mon": ["09:00-25:00"]}, "invalid_time"),
        ({"timezone": "UTC", "mon": ["09:00-17:00"], "holidays": ["2026-02-30"]}, "invalid_date"),
        ({"timezone": "UTC", "mon": "09:00-17:00"}, "invalid_value"),
        ({"mon": ["09:00-17:00"]}, "missing_field"),
    ],
)
def test_bad_calendars(spec: dict[str, Any], code: str) -> None:
    with pytest.raises(CalendarError) as err:
        Calendar.from_dict(spec, name="office")
    assert err.value.code == code, err.value
    assert '"office"' in err.value.message or code == "invalid_value"


def test_calendar_text_errors() -> None:
    with pytest.raises(CalendarError) as err:
        Calendar.from_toml('timezone = "UTC"\nmon = ["09:00-17:00"]\nmon = ["10:00-11:00"]\n')
    assert err.value.code in ("duplicate_day", "invalid_toml")
    with pytest.raises(CalendarError) as err:
        Calendar.from_json(b'{"timezone": "UTC", "mon": ["09:00-17:00"]', name="x")
    assert err.value.code == "invalid_json"
    with pytest.raises(CalendarError) as err:
        CALENDAR.add_working_time(AWARE, timedelta(hours=-1))
    assert err.value.code == "invalid_duration"
    with pytest.raises(CalendarError) as err:
        CALENDAR.add_working_time(AWARE, "4 hours")
    assert err.value.code == "invalid_duration"
    with pytest.raises(CalendarError) as err:
        Calendar.always().close_of_business(AWARE, 1)
    assert err.value.code == "invalid_duration"


def test_duplicate_contract() -> None:
    led = ledger()
    with pytest.raises(ContractError) as err:
        led.add_contract(Contract.from_dict(contract_spec()))
    assert err.value.code == "duplicate_contract"


# ---------------------------------------------------------------------------------------
# Events: strict errors with their code, lenient rejections with their reasons.


def test_strict_event_errors_name_the_line_event_and_ticket() -> None:
    led = ledger()
    led.ingest_jsonl_text(
        '{"id":"e1","ticket":"INC-1","at":"2026-11-02T09:00:00Z","type":"opened","priority":"P1"}\n'
        '{"id":"e2","ticket":"INC-1","at":"2026-11-02T09:30:00Z","type":"closed"}\n'
        '{"id":"e3","ticket":"INC-1","at":"2026-11-02T09:40:00Z","type":"responded"}\n'
    )
    with pytest.raises(EventError) as err:
        led.evaluate(as_of=AWARE + timedelta(hours=2))
    assert err.value.code == "event_after_closed"
    assert all(part in err.value.message for part in ('"e3"', '"INC-1"', "line 3"))
    with pytest.raises(EventError) as err:
        ledger().ingest_jsonl_text('{"id":"e1"}\nnot json\n')
    assert err.value.code == "missing_field" and "line 1" in err.value.message
    with pytest.raises(EventError) as err:
        ledger().ingest_jsonl_text("not json\n")
    assert err.value.code == "malformed_json"
    with pytest.raises(EventError) as err:
        ledger().ingest([opened(), {**opened(), "priority": "P2"}])
    assert err.value.code == "conflicting_duplicate"
    with pytest.raises(EventError) as err:
        ledger().ingest([{**opened(), "type": "escalated"}])
    assert err.value.code == "unknown_event_type"


def test_lenient_ingest_lists_every_rejection_with_its_reason() -> None:
    led = ledger(lenient=True)
    led.ingest_jsonl_text(
        '{"id":"e1","ticket":"INC-1","at":"2026-11-02T09:00:00Z","type":"opened","priority":"P1"}\n'
        "not json\n"
        '{"id":"e3","ticket":"INC-1","at":"2026-11-02T09:05:00Z","type":"resolved"}\n'
        '{"id":"e4","ticket":"INC-1","at":"2026-11-02T09:06:00Z","type":"resolved"}\n'
    )
    led.ingest([opened("f1", "INC-2"), {**opened("f2", "INC-2"), "priority": "P9"}, 7, {"seq": 1.5}])  # type: ignore[list-item]
    evaluation = led.evaluate(as_of=AWARE + timedelta(hours=1))
    rejected = [(r["line"], r["id"], r["ticket"], r["code"]) for r in evaluation.rejected]
    assert rejected == [
        (2, None, None, "malformed_json"),
        (3, None, None, "malformed_json"),
        (4, None, None, "malformed_json"),  # a float seq: the core's judgement, as in JSONL
        (4, "e4", "INC-1", "already_resolved"),
        (2, "f2", "INC-2", "already_opened"),
    ]
    assert all(r["message"] for r in evaluation.rejected)
    assert evaluation.stats["rejected"] == 5
    flags = {t["ticket"]: t["flags"] for t in evaluation.tickets}
    assert flags == {"INC-1": ["rejected_events"], "INC-2": ["rejected_events"]}


def test_unknown_ticket_contract_and_period() -> None:
    led = ledger()
    with pytest.raises(EventError) as err:
        led.explain("INC-404", as_of=AWARE)
    assert err.value.code == "unknown_ticket"
    # A contract id or period given to a call is an error of that call's class.
    with pytest.raises(CreditError) as unknown:
        led.report("nobody", period="2026-11")
    assert unknown.value.code == "unknown_contract"
    with pytest.raises(CreditError) as unknown:
        led.credits("nobody", from_=AWARE, to=AWARE + timedelta(days=1))
    assert unknown.value.code == "unknown_contract"
    with pytest.raises(ContractError) as lookup:
        led.contract("nobody")
    assert lookup.value.code == "unknown_contract"
    with pytest.raises(CreditError) as bad_month:
        led.credits("acme", period="2026-13")
    assert bad_month.value.code == "invalid_date"
    with pytest.raises(CreditError) as empty:
        led.report("acme", from_=AWARE, to=AWARE)
    assert empty.value.code == "invalid_value"


def test_reports_merge_only_alike() -> None:
    led = ledger()
    november = led.report("acme", period="2026-11")
    december = led.report("acme", period="2026-12")
    assert november.merge(november).to_json() == november.to_json()
    with pytest.raises(CreditError) as err:
        november.merge(december)
    assert err.value.code == "invalid_value"


# ---------------------------------------------------------------------------------------
# Wrong Python types are TypeErrors, not SlaErrors.


def test_wrong_python_types() -> None:
    led = ledger()
    with pytest.raises(TypeError):
        CALENDAR.working_time(1, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CALENDAR.add_working_time(AWARE, 3600)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        led.report("acme")
    with pytest.raises(TypeError):
        led.report("acme", period="2026-11", from_=AWARE, to=AWARE)
    with pytest.raises(TypeError):
        led.evaluate(AWARE)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        led.ingest([{"id": {1, 2}}])
    with pytest.raises(TypeError):
        Contract.from_dict({1: "x"})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        CALENDAR.working_time_many([AWARE], [])
    with pytest.raises(FileNotFoundError):
        led.ingest_jsonl(Path("/nonexistent/events.jsonl"))
