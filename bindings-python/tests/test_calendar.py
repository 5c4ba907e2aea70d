"""Calendar laws (SPEC §3) through the binding, with aware datetimes in many zones.

The laws are proven for the engine by the Rust property tests; here they check that the
conversions (zoned `datetime` in, UTC `datetime` and `timedelta` out, millisecond
truncation) keep them, including around DST changes and in the zones STYLE.md requires.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slaledger import Calendar, CalendarError

UTC = timezone.utc
ZONES = [
    UTC,
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/London"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Pacific/Apia"),
    timezone(timedelta(hours=-3, minutes=-30)),
]

NEW_YORK = Calendar.from_dict(
    {
        "timezone": "America/New_York",
        "mon": ["08:00-18:00"],
        "tue": ["08:00-12:00", "13:00-18:00"],
        "wed": ["08:00-18:00"],
        "thu": ["08:00-18:00"],
        "fri": ["08:00-17:00"],
        "sun": ["22:00-06:00"],
        # A holiday on the day clocks go forward, and Thanksgiving.
        "holidays": ["2026-03-08", "2026-11-26"],
        "exceptions": [{"date": "2026-12-24", "hours": ["08:00-12:00"]}],
    },
    name="new_york",
)
LONDON = Calendar.from_toml(
    """
    timezone = "Europe/London"
    mon = ["00:00-04:00", "09:00-17:30"]
    tue = ["09:00-17:30"]
    wed = ["09:00-17:30"]
    thu = ["09:00-17:30"]
    fri = ["09:00-17:30"]
    sat = ["23:00-01:30"]
    holidays = ["2026-12-25", "2026-12-28"]
    """,
    name="london",
)
LORD_HOWE = Calendar.from_json(
    '{"timezone": "Australia/Lord_Howe", "sun": ["01:00-03:00"], "mon": ["09:00-17:00"],'
    ' "sat": ["00:00-24:00"]}',
    name="lord_howe",
)
ALWAYS = Calendar.always()
CALENDARS = [NEW_YORK, LONDON, LORD_HOWE, ALWAYS]

instants = st.datetimes(
    min_value=datetime(2010, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.sampled_from(ZONES)
)
durations = st.integers(min_value=0, max_value=400 * 3_600_000).map(
    lambda ms: timedelta(milliseconds=ms)
)
calendars = st.sampled_from(CALENDARS)
LAWS = settings(max_examples=150, deadline=None)


def utc_ms(dt: datetime) -> datetime:
    """`dt` in UTC, truncated to the millisecond toward the past (as the core does)."""
    u = dt.astimezone(UTC)
    return u.replace(microsecond=u.microsecond // 1000 * 1000)


def ordered(*dts: datetime) -> list[datetime]:
    # Aware datetimes in the same zone compare by wall time, ignoring `fold`; order by UTC.
    return sorted(dts, key=lambda d: d.astimezone(UTC))


@LAWS
@given(calendars, instants, instants, instants)
def test_additivity(cal: Calendar, x: datetime, y: datetime, z: datetime) -> None:
    a, b, c = ordered(x, y, z)
    assert cal.working_time(a, c) == cal.working_time(a, b) + cal.working_time(b, c)


@LAWS
@given(calendars, instants, instants, instants)
def test_monotone_in_the_end(cal: Calendar, a: datetime, y: datetime, z: datetime) -> None:
    b1, b2 = ordered(y, z)
    assert cal.working_time(a, b1) <= cal.working_time(a, b2)


@LAWS
@given(calendars, instants, durations)
def test_working_time_to_the_deadline_is_the_duration(
    cal: Calendar, a: datetime, d: timedelta
) -> None:
    due = cal.add_working_time(a, d)
    assert due.tzinfo is UTC
    assert due >= utc_ms(a)
    assert cal.working_time(a, due) == d


@LAWS
@given(calendars, instants, instants)
def test_the_deadline_of_the_working_time_is_not_after_the_end(
    cal: Calendar, y: datetime, z: datetime
) -> None:
    a, x = ordered(y, z)
    assert cal.add_working_time(a, cal.working_time(a, x)) <= utc_ms(x)


@LAWS
@given(instants, instants)
def test_24x7_is_wall_time(a: datetime, b: datetime) -> None:
    wall = utc_ms(b) - utc_ms(a)
    assert ALWAYS.working_time(a, b) == max(wall, timedelta(0))
    assert NEW_YORK.working_time(a, b) <= ALWAYS.working_time(a, b)


@LAWS
@given(instants)
def test_instants_are_the_utc_instant_truncated_to_the_millisecond(a: datetime) -> None:
    out = ALWAYS.add_working_time(a, timedelta(0))
    assert out == utc_ms(a)
    assert out.tzinfo is UTC
    # A string in RFC 3339 is the same instant.
    assert ALWAYS.add_working_time(a.isoformat(), "0s") == out


@LAWS
@given(calendars, instants)
def test_next_change_flips_is_working(cal: Calendar, a: datetime) -> None:
    change = cal.next_change(a)
    if cal is ALWAYS:
        assert change is None and cal.is_working(a)
        return
    assert change is not None and change > utc_ms(a)
    assert cal.is_working(change) != cal.is_working(change - timedelta(milliseconds=1))


@settings(max_examples=50, deadline=None)
@given(calendars, st.lists(st.tuples(instants, instants, durations), max_size=20))
def test_batch_forms_equal_the_scalar_forms(
    cal: Calendar, rows: list[tuple[datetime, datetime, timedelta]]
) -> None:
    starts = [r[0] for r in rows]
    ends = [r[1] for r in rows]
    lengths = [r[2] for r in rows]
    assert cal.working_time_many(starts, ends) == [cal.working_time(a, b) for a, b in zip(starts, ends)]
    assert cal.add_working_time_many(starts, lengths) == [
        cal.add_working_time(a, d) for a, d in zip(starts, lengths)
    ]
    assert cal.is_working_many(starts) == [cal.is_working(a) for a in starts]
    assert cal.next_change_many(starts) == [cal.next_change(a) for a in starts]


# ---------------------------------------------------------------------------------------
# Worked examples.


def test_dst_nights_count_real_hours() -> None:
    night = Calendar.from_dict(
        {"timezone": "America/New_York", "sun": ["00:00-04:00"]}, name="night"
    )
    # Clocks go back on 2026-11-01: 00:00-04:00 is 5 real hours; forward on 2026-03-08: 3.

    def day(month: int, day: int) -> tuple[datetime, datetime]:
        start = datetime(2026, month, day, tzinfo=UTC)
        return start, start + timedelta(days=1)

    assert night.working_time(*day(11, 1)) == timedelta(hours=5)
    assert night.working_time(*day(3, 8)) == timedelta(hours=3)


def test_friday_deadline_monday_opening() -> None:
    opened = datetime(2026, 11, 6, 13, 0, tzinfo=ZoneInfo("America/New_York"))
    due = NEW_YORK.add_working_time(opened, timedelta(hours=4))
    # Friday 13:00-17:00 New York is exactly 4 hours: due Friday 17:00 EST = 22:00Z.
    assert due == datetime(2026, 11, 6, 22, 0, tzinfo=UTC)
    # The Sunday 22:00-06:00 window opens next.
    assert NEW_YORK.next_change(due) == datetime(2026, 11, 9, 3, 0, tzinfo=UTC)
    assert not NEW_YORK.is_working(due)


def test_business_days_and_targets() -> None:
    start = datetime(2026, 11, 25, 17, 0, tzinfo=ZoneInfo("America/New_York"))  # Wednesday
    # 0bd: close of Wednesday; 1bd skips Thanksgiving to Friday's 17:00 close.
    assert NEW_YORK.close_of_business(start, 0) == datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    assert NEW_YORK.close_of_business(start, 1) == datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
    assert NEW_YORK.target_working_time(start, "1bd") == timedelta(hours=10)
    assert NEW_YORK.target_working_time(start, timedelta(hours=3)) == timedelta(hours=3)
    assert NEW_YORK.target_working_time(start, "PT4H") == timedelta(hours=4)


def test_batches_accept_pandas_columns_and_missing_values() -> None:
    pd = pytest.importorskip("pandas")
    starts = pd.Series(pd.to_datetime(["2026-11-06T13:00:00-05:00", None], utc=True))
    ends = starts + pd.Timedelta(hours=6)
    assert NEW_YORK.working_time_many(starts, ends) == [timedelta(hours=4), None]
    assert NEW_YORK.working_time_many([None], [datetime(2026, 1, 1, tzinfo=UTC)]) == [None]
    durations = pd.Series(pd.to_timedelta(["4h", "1h"]))
    assert NEW_YORK.add_working_time_many(starts, durations) == [
        datetime(2026, 11, 6, 22, 0, tzinfo=UTC),
        None,
    ]


def test_properties_and_spec() -> None:
    assert NEW_YORK.name == "new_york"
    assert NEW_YORK.timezone == "America/New_York"
    assert ALWAYS.name == "24x7" and ALWAYS.timezone is None and ALWAYS.to_dict() is None
    spec = NEW_YORK.to_dict()
    assert spec is not None and spec["tue"] == ["08:00-12:00", "13:00-18:00"]
    assert Calendar.from_dict(spec, name="again").working_time(
        "2026-11-02T00:00:00Z", "2026-11-09T00:00:00Z"
    ) == NEW_YORK.working_time("2026-11-02T00:00:00Z", "2026-11-09T00:00:00Z")
    assert "new_york" in repr(NEW_YORK)


def test_no_working_time_errors_instead_of_looping() -> None:
    with pytest.raises(CalendarError) as err:
        Calendar.from_dict({"timezone": "UTC"})
    assert err.value.code == "no_working_time"


ICS_TUESDAY_CLOSED = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slaledger tests//EN\r\n"
    "BEGIN:VEVENT\r\nUID:closed@test\r\nDTSTART;VALUE=DATE:20261103\r\nSUMMARY:Closed\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_holiday_presets_and_ics_text_are_part_of_the_spec() -> None:
    utc = timezone.utc
    week = {"timezone": "UTC", "mon": ["08:00-18:00"], "tue": ["08:00-18:00"]}
    monday, wednesday = datetime(2026, 11, 2, tzinfo=utc), datetime(2026, 11, 4, tzinfo=utc)
    assert Calendar.from_dict(week).working_time(monday, wednesday) == timedelta(hours=20)
    # An .ics string closes its all-day events' dates (Tuesday 3 November).
    with_ics = Calendar.from_dict({**week, "holiday_ics": ICS_TUESDAY_CLOSED})
    assert with_ics.working_time(monday, wednesday) == timedelta(hours=10)
    # The us_federal preset closes Martin Luther King Jr. Day, Monday 19 January 2026.
    federal = Calendar.from_dict({**week, "holiday_rules": ["us_federal"]})
    mlk = datetime(2026, 1, 19, tzinfo=utc)
    assert federal.working_time(mlk, mlk + timedelta(days=1)) == timedelta(0)
    with pytest.raises(CalendarError) as err:
        Calendar.from_dict({**week, "holiday_rules": ["us_federall"]})
    assert err.value.code == "unknown_preset"
