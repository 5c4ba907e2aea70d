"""The exceptions of slaledger.

Every error the core reports is an :class:`SlaError` whose ``code`` is the core's stable
snake_case code (``"unknown_time_zone"``, ``"event_after_closed"``, ...). The subclass
says which family the error belongs to: calendar, contract and event codes always raise
their own class; the time and input codes (a bad timestamp, a missing key, a wrong type,
a naive ``datetime``, a ``float`` where money is expected) raise the class of the
operation that read the bad value.
"""

from __future__ import annotations

__all__ = ["SlaError", "CalendarError", "ContractError", "EventError", "CreditError"]


class SlaError(Exception):
    """An error of slaledger, with the core's stable error ``code``."""

    code: str
    """The stable snake_case code, e.g. ``"missing_offset"``."""

    message: str
    """The message: what was expected, what was found, and where."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __reduce__(self) -> tuple[type[SlaError], tuple[str, str]]:
        return (type(self), (self.message, self.code))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class CalendarError(SlaError):
    """A calendar is invalid, or a calendar query failed (``Calendar``)."""


class ContractError(SlaError):
    """A contract is invalid or cannot be added (``Contract``, ``Ledger.add_contract``)."""


class EventError(SlaError):
    """An event is invalid or out of sequence (``Ledger.ingest*``, ``evaluate``, ``explain``)."""


class CreditError(SlaError):
    """A report or credit statement cannot be produced (``Ledger.report``, ``Ledger.credits``)."""
