"""slaledger: exact SLA accounting.

Replays ticket events against contracts and computes response and resolution SLA
compliance on business-hours or 24x7 calendars, period reports (compliance, MTTA, MTTR)
and service credits, exactly. A thin binding of the Rust core: the same numbers as the
Rust library and the command line, on the same scenario corpus.

Types: timezone-aware ``datetime`` in (naive ones are refused with code
``missing_offset``), UTC ``datetime`` out; ``timedelta`` for durations; ``Decimal`` for
money (``float`` refused); strings for enums. Errors are :class:`SlaError` subclasses
with the core's stable ``.code``.

>>> from datetime import datetime, timezone
>>> cal = Calendar.from_dict({"timezone": "Europe/London", "mon": ["09:00-17:30"]}, name="office")
>>> cal.working_time(datetime(2026, 11, 2, 9, tzinfo=timezone.utc), datetime(2026, 11, 2, 12, tzinfo=timezone.utc))
datetime.timedelta(seconds=10800)
"""

from ._errors import CalendarError, ContractError, CreditError, EventError, SlaError
from ._native import (
    Calendar,
    Contract,
    CreditStatement,
    Evaluation,
    Explanation,
    Ledger,
    Report,
    __version__,
)

__all__ = [
    "Calendar",
    "Contract",
    "Ledger",
    "Evaluation",
    "Explanation",
    "Report",
    "CreditStatement",
    "SlaError",
    "CalendarError",
    "ContractError",
    "EventError",
    "CreditError",
    "__version__",
]
