"""The shapes of slaledger's results in Python: enums as ``Literal`` strings, and typed
dicts for ``to_dict()``, the result properties and ``to_records()``.

These are the core's JSON shapes (SPEC §7-§9) with the binding's type mapping (the core
may add fields, SPEC §7; these list the ones every release has): fields
ending in ``_ms`` are ``timedelta``, instants are UTC ``datetime``, money and compliance
are ``Decimal``. ``to_dict(raw=True)`` and ``to_json()`` give the core's JSON instead
(integers of milliseconds, RFC 3339 strings, decimal strings).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Dict, List, Literal, Optional, TypedDict, Union

__all__ = [
    "Metric",
    "MeasurementState",
    "TicketState",
    "SegmentKind",
    "CreditRule",
    "OnPriorityChange",
    "ErrorCode",
    "Rejection",
    "Stats",
    "MetricResult",
    "PartyTime",
    "OlaResult",
    "TicketResult",
    "EvaluationDict",
    "MetricRecord",
    "DurationStats",
    "ReportRow",
    "ReportDict",
    "ReportRecord",
    "Period",
    "CreditLine",
    "CreditStatementDict",
    "CreditRecord",
    "Segment",
    "ClockTimeline",
    "PriorityChange",
    "ExplanationDict",
    "SegmentRecord",
]

Metric = Literal["response", "resolution"]
MeasurementState = Literal["running", "paused", "met", "breached", "cancelled", "excluded"]
TicketState = Literal["open", "resolved", "closed", "cancelled"]
SegmentKind = Literal["running", "closed_hours", "paused", "resolved"]
CreditRule = Literal["tier", "per_breach", "per_hour_late"]
OnPriorityChange = Literal["recalculate", "restart", "keep"]
ErrorCode = Literal[
    "invalid_timestamp",
    "missing_offset",
    "instant_out_of_range",
    "invalid_duration",
    "unknown_time_zone",
    "invalid_time",
    "invalid_date",
    "empty_window",
    "duplicate_day",
    "duplicate_date",
    "no_working_time",
    "no_working_time_within_horizon",
    "unknown_key",
    "missing_field",
    "invalid_value",
    "invalid_toml",
    "invalid_json",
    "unknown_calendar",
    "missing_target",
    "duplicate_contract",
    "malformed_json",
    "unknown_event_type",
    "event_before_opened",
    "already_opened",
    "event_after_closed",
    "event_after_cancelled",
    "already_resolved",
    "reopened_while_open",
    "unknown_priority",
    "unknown_contract",
    "ambiguous_contract",
    "conflicting_duplicate",
    "late_event",
    "unknown_ticket",
    "unknown_party",
    "handoff_to_holder",
    "invalid_holiday_rule",
    "unknown_preset",
    "invalid_ics",
]


class Rejection(TypedDict):
    """A rejected event (lenient mode) and why."""

    line: Optional[int]
    id: Optional[str]
    ticket: Optional[str]
    code: str
    message: str


class Stats(TypedDict):
    """Counts of an evaluation."""

    events: int
    duplicates: int
    tickets: int
    rejected: int


class _MetricResultOptional(TypedDict, total=False):
    first_stopped_at: datetime
    first_elapsed_ms: timedelta


class MetricResult(_MetricResultOptional):
    """One clock of one ticket (SPEC §7)."""

    metric: Metric
    cycle: int
    state: MeasurementState
    priority: str
    target: str
    target_ms: timedelta
    calendar: str
    started_at: datetime
    stopped_at: Optional[datetime]
    due_at: Optional[datetime]
    elapsed_ms: timedelta
    paused_ms: timedelta
    held_ms: timedelta
    wall_ms: timedelta
    remaining_ms: timedelta
    breached_at: Optional[datetime]
    warned_at: List[datetime]
    decided_at: Optional[datetime]


class PartyTime(TypedDict):
    """Open time attributed to one party, or to ``"customer"`` while paused."""

    party: str
    working_ms: timedelta
    wall_ms: timedelta


class OlaResult(TypedDict):
    """One OLA clock of one party's holding of a ticket (co-managed contracts)."""

    party: str
    metric: Literal["acknowledge", "hold"]
    priority: str
    target: str
    target_ms: timedelta
    calendar: str
    received_at: datetime
    stopped_at: Optional[datetime]
    elapsed_ms: timedelta
    state: MeasurementState
    breached_at: Optional[datetime]
    decided_at: Optional[datetime]


class _TicketResultOptional(TypedDict, total=False):
    status: str
    excluded_reason: str
    cancelled_reason: str


class TicketResult(_TicketResultOptional):
    """One ticket (SPEC §7)."""

    ticket: str
    contract: str
    priority: str
    opened_priority: str
    party: Optional[str]
    state: TicketState
    reopens: int
    flags: List[str]
    metrics: List[MetricResult]
    held: List[PartyTime]
    handoffs: int
    ping_pongs: int
    ola: List[OlaResult]


class EvaluationDict(TypedDict):
    """``Evaluation.to_dict()``."""

    as_of: datetime
    tickets: List[TicketResult]
    rejected: List[Rejection]
    stats: Stats


class MetricRecord(TypedDict):
    """One row of ``Evaluation.to_records()``: a ticket's fields, then one metric's."""

    ticket: str
    contract: str
    ticket_priority: str
    opened_priority: str
    party: Optional[str]
    ticket_state: TicketState
    status: Optional[str]
    reopens: int
    handoffs: int
    ping_pongs: int
    flags: List[str]
    excluded_reason: Optional[str]
    cancelled_reason: Optional[str]
    metric: Metric
    cycle: int
    state: MeasurementState
    priority: str
    target: str
    target_ms: timedelta
    calendar: str
    started_at: datetime
    stopped_at: Optional[datetime]
    due_at: Optional[datetime]
    elapsed_ms: timedelta
    paused_ms: timedelta
    held_ms: timedelta
    wall_ms: timedelta
    remaining_ms: timedelta
    breached_at: Optional[datetime]
    warned_at: List[datetime]
    decided_at: Optional[datetime]
    first_stopped_at: Optional[datetime]
    first_elapsed_ms: Optional[timedelta]


class DurationStats(TypedDict):
    """Exact summary statistics of durations (nearest-rank median and p90)."""

    count: int
    sum_ms: timedelta
    mean_ms: timedelta
    median_ms: timedelta
    p90_ms: timedelta


class ReportRow(TypedDict):
    """One row of a report: a priority (``"*"`` for the total) and a metric."""

    priority: str
    metric: Metric
    measured: int
    met: int
    breached: int
    open: int
    excluded: int
    cancelled: int
    compliance: Optional[Decimal]
    working_time: Optional[DurationStats]
    wall_time: Optional[DurationStats]
    redecided: List[str]


Period = TypedDict("Period", {"from": datetime, "to": datetime})


class ReportDict(TypedDict):
    """``Report.to_dict()``."""

    contract: str
    period: Period
    as_of: datetime
    rows: List[ReportRow]


class ReportRecord(TypedDict):
    """One row of ``Report.to_records()``."""

    contract: str
    period_from: datetime
    period_to: datetime
    as_of: datetime
    priority: str
    metric: Metric
    measured: int
    met: int
    breached: int
    open: int
    excluded: int
    cancelled: int
    compliance: Optional[Decimal]
    working_time_count: Optional[int]
    working_time_sum_ms: Optional[timedelta]
    working_time_mean_ms: Optional[timedelta]
    working_time_median_ms: Optional[timedelta]
    working_time_p90_ms: Optional[timedelta]
    wall_time_count: Optional[int]
    wall_time_sum_ms: Optional[timedelta]
    wall_time_mean_ms: Optional[timedelta]
    wall_time_median_ms: Optional[timedelta]
    wall_time_p90_ms: Optional[timedelta]
    redecided: List[str]


class CreditLine(TypedDict):
    """One line of a credit statement."""

    rule: CreditRule
    priority: str
    metric: Metric
    basis: Dict[str, Union[int, str, Decimal]]
    tickets: List[str]
    amount: Decimal


class CreditStatementDict(TypedDict):
    """``CreditStatement.to_dict()``."""

    contract: str
    period: Period
    currency: str
    fee: Decimal
    lines: List[CreditLine]
    subtotal: Decimal
    cap: Optional[Decimal]
    capped: bool
    total: Decimal
    excluded_held_ms: timedelta


class _CreditRecordBasis(TypedDict, total=False):
    # The basis fields of the kinds of line the statement has (tier, per breach, per hour
    # late); None in the lines of the other kinds.
    basis_compliance: Optional[Decimal]
    basis_measured: Optional[int]
    basis_met: Optional[int]
    basis_breached: Optional[int]
    basis_below: Optional[str]
    basis_credit: Optional[str]
    basis_breaches: Optional[int]
    basis_each: Optional[Decimal]
    basis_hours: Optional[int]
    basis_per_hour: Optional[Decimal]


class CreditRecord(_CreditRecordBasis):
    """One row of ``CreditStatement.to_records()``: a line with its basis flattened, or
    the closing ``rule == "total"`` row, which has no priority, metric, basis or tickets
    and is the only row with ``subtotal``, ``cap``, ``capped``, ``total`` and
    ``excluded_held_ms``."""

    contract: str
    period_from: datetime
    period_to: datetime
    currency: str
    fee: Decimal
    rule: Union[CreditRule, Literal["total"]]
    priority: Optional[str]
    metric: Optional[Metric]
    tickets: Optional[List[str]]
    amount: Decimal
    subtotal: Optional[Decimal]
    cap: Optional[Decimal]
    capped: Optional[bool]
    total: Optional[Decimal]
    excluded_held_ms: Optional[timedelta]


Segment = TypedDict(
    "Segment",
    {
        "from": datetime,
        "to": datetime,
        "kind": SegmentKind,
        "reason": str,
        "working_ms": timedelta,
    },
)


class ClockTimeline(MetricResult):
    """One clock of ``explain``: its numbers and the segments that add up to them."""

    segments: List[Segment]


PriorityChange = TypedDict(
    "PriorityChange",
    {"at": datetime, "from": str, "to": str, "policy": OnPriorityChange},
)


class ExplanationDict(TypedDict):
    """``Explanation.to_dict()``."""

    ticket: str
    contract: str
    as_of: datetime
    priority_changes: List[PriorityChange]
    clocks: List[ClockTimeline]


SegmentRecord = TypedDict(
    "SegmentRecord",
    {
        "ticket": str,
        "contract": str,
        "as_of": datetime,
        "metric": Metric,
        "cycle": int,
        "clock_state": MeasurementState,
        "priority": str,
        "target": str,
        "calendar": str,
        "from": datetime,
        "to": datetime,
        "kind": SegmentKind,
        "reason": str,
        "working_ms": timedelta,
    },
)
