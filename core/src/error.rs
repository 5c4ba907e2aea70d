//! The one error type of the crate.
//!
//! Every failure has a [`ErrorKind`] with a stable snake_case [`code`](Error::code) that the
//! bindings expose unchanged, and a message that says what was expected, what was found,
//! and where (calendar name, event id, ticket, line).

use std::fmt;

/// Convenience alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, as a stable category.
///
/// New kinds may be added; the code of an existing kind never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    // Time values.
    /// A timestamp that is not RFC 3339.
    InvalidTimestamp,
    /// A timestamp without `Z` or `±hh:mm` where no zone was given to assume.
    MissingOffset,
    /// An instant outside the supported range (see [`crate::Instant::MIN`]).
    InstantOutOfRange,
    /// A duration that does not parse (SPEC §4), or a negative one.
    InvalidDuration,

    // Calendars.
    /// A time zone that is not an IANA name known to the bundled tz database.
    UnknownTimeZone,
    /// A wall-clock time that is not `HH:MM[:SS]` in range.
    InvalidTime,
    /// A date that is not `YYYY-MM-DD`, or outside the supported range.
    InvalidDate,
    /// A working window whose start equals its end.
    EmptyWindow,
    /// A weekday given twice in one calendar.
    DuplicateDay,
    /// The same date given twice in a calendar's exceptions.
    DuplicateDate,
    /// A calendar whose weekly template and exceptions hold no working time at all.
    NoWorkingTime,
    /// No working time was found within the search horizon of a deadline or business-day query.
    NoWorkingTimeWithinHorizon,
    /// A holiday rule that names no possible date (`02-30`, a 6th Monday, a weekday typo)
    /// or combines keys that do not go together.
    InvalidHolidayRule,
    /// A holiday preset name that is not one of the built-in presets.
    UnknownPreset,
    /// iCalendar (`.ics`) text that does not parse, or that uses what the import does not
    /// support (a recurrence other than yearly, a `TZID` that is not an IANA zone).
    InvalidIcs,
    /// A key that the schema does not know (a typo must not silently change money).
    UnknownKey,
    /// A required key that is absent.
    MissingField,
    /// A value of the wrong type or shape.
    InvalidValue,
    /// Input that is not valid TOML.
    InvalidToml,
    /// Input that is not valid JSON.
    InvalidJson,

    // Contracts.
    /// A target names a calendar the contract does not define.
    UnknownCalendar,
    /// A priority lacks a target for a metric and does not say why (`{ none = "..." }`).
    MissingTarget,
    /// Two contracts with the same id loaded into one ledger.
    DuplicateContract,

    // Events.
    /// A JSONL line that is not a JSON object.
    MalformedJson,
    /// An event `type` that SPEC §5 does not define.
    UnknownEventType,
    /// An event for a ticket that has not been opened.
    EventBeforeOpened,
    /// A second `opened` for a ticket.
    AlreadyOpened,
    /// An event for a ticket after its `closed`.
    EventAfterClosed,
    /// An event for a ticket after its `cancelled`.
    EventAfterCancelled,
    /// `resolved` while the ticket is already resolved.
    AlreadyResolved,
    /// `reopened` while the ticket is open.
    ReopenedWhileOpen,
    /// A priority the ticket's contract has no targets for.
    UnknownPriority,
    /// An `opened` naming a contract that is not loaded.
    UnknownContract,
    /// An `opened` without `contract` while several contracts are loaded (or none).
    AmbiguousContract,
    /// The same event id with different content.
    ConflictingDuplicate,
    /// Streaming replay: an event for a ticket that was already evaluated and forgotten
    /// (closed, or resolved longer ago than the reopen window).
    LateEvent,
    /// `explain` for a ticket the ledger does not hold.
    UnknownTicket,
    /// A party that the contract does not list (co-managed contracts).
    UnknownParty,
    /// An `assigned` to the party and group already holding the ticket.
    HandoffToHolder,
}

impl ErrorKind {
    /// Every kind, for bindings that map codes to exception classes.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::InvalidTimestamp,
        ErrorKind::MissingOffset,
        ErrorKind::InstantOutOfRange,
        ErrorKind::InvalidDuration,
        ErrorKind::UnknownTimeZone,
        ErrorKind::InvalidTime,
        ErrorKind::InvalidDate,
        ErrorKind::EmptyWindow,
        ErrorKind::DuplicateDay,
        ErrorKind::DuplicateDate,
        ErrorKind::NoWorkingTime,
        ErrorKind::NoWorkingTimeWithinHorizon,
        ErrorKind::InvalidHolidayRule,
        ErrorKind::UnknownPreset,
        ErrorKind::InvalidIcs,
        ErrorKind::UnknownKey,
        ErrorKind::MissingField,
        ErrorKind::InvalidValue,
        ErrorKind::InvalidToml,
        ErrorKind::InvalidJson,
        ErrorKind::UnknownCalendar,
        ErrorKind::MissingTarget,
        ErrorKind::DuplicateContract,
        ErrorKind::MalformedJson,
        ErrorKind::UnknownEventType,
        ErrorKind::EventBeforeOpened,
        ErrorKind::AlreadyOpened,
        ErrorKind::EventAfterClosed,
        ErrorKind::EventAfterCancelled,
        ErrorKind::AlreadyResolved,
        ErrorKind::ReopenedWhileOpen,
        ErrorKind::UnknownPriority,
        ErrorKind::UnknownContract,
        ErrorKind::AmbiguousContract,
        ErrorKind::ConflictingDuplicate,
        ErrorKind::LateEvent,
        ErrorKind::UnknownTicket,
        ErrorKind::UnknownParty,
        ErrorKind::HandoffToHolder,
    ];

    /// The family of the error, which the bindings use to pick an exception class:
    /// `"time"`, `"calendar"`, `"contract"`, `"event"` or `"input"` (the shape of a
    /// document: unknown or missing keys, wrong types, bad TOML or JSON).
    pub fn category(self) -> &'static str {
        match self {
            ErrorKind::InvalidTimestamp
            | ErrorKind::MissingOffset
            | ErrorKind::InstantOutOfRange
            | ErrorKind::InvalidDuration => "time",
            ErrorKind::UnknownTimeZone
            | ErrorKind::InvalidTime
            | ErrorKind::InvalidDate
            | ErrorKind::EmptyWindow
            | ErrorKind::DuplicateDay
            | ErrorKind::DuplicateDate
            | ErrorKind::NoWorkingTime
            | ErrorKind::NoWorkingTimeWithinHorizon
            | ErrorKind::InvalidHolidayRule
            | ErrorKind::UnknownPreset
            | ErrorKind::InvalidIcs => "calendar",
            ErrorKind::UnknownCalendar
            | ErrorKind::MissingTarget
            | ErrorKind::DuplicateContract => "contract",
            ErrorKind::MalformedJson
            | ErrorKind::UnknownEventType
            | ErrorKind::EventBeforeOpened
            | ErrorKind::AlreadyOpened
            | ErrorKind::EventAfterClosed
            | ErrorKind::EventAfterCancelled
            | ErrorKind::AlreadyResolved
            | ErrorKind::ReopenedWhileOpen
            | ErrorKind::UnknownPriority
            | ErrorKind::UnknownContract
            | ErrorKind::AmbiguousContract
            | ErrorKind::ConflictingDuplicate
            | ErrorKind::LateEvent
            | ErrorKind::UnknownTicket
            | ErrorKind::UnknownParty
            | ErrorKind::HandoffToHolder => "event",
            ErrorKind::UnknownKey
            | ErrorKind::MissingField
            | ErrorKind::InvalidValue
            | ErrorKind::InvalidToml
            | ErrorKind::InvalidJson => "input",
        }
    }

    /// The stable snake_case code of this kind, as exposed by every binding.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidTimestamp => "invalid_timestamp",
            ErrorKind::MissingOffset => "missing_offset",
            ErrorKind::InstantOutOfRange => "instant_out_of_range",
            ErrorKind::InvalidDuration => "invalid_duration",
            ErrorKind::UnknownTimeZone => "unknown_time_zone",
            ErrorKind::InvalidTime => "invalid_time",
            ErrorKind::InvalidDate => "invalid_date",
            ErrorKind::EmptyWindow => "empty_window",
            ErrorKind::DuplicateDay => "duplicate_day",
            ErrorKind::DuplicateDate => "duplicate_date",
            ErrorKind::NoWorkingTime => "no_working_time",
            ErrorKind::NoWorkingTimeWithinHorizon => "no_working_time_within_horizon",
            ErrorKind::InvalidHolidayRule => "invalid_holiday_rule",
            ErrorKind::UnknownPreset => "unknown_preset",
            ErrorKind::InvalidIcs => "invalid_ics",
            ErrorKind::UnknownKey => "unknown_key",
            ErrorKind::MissingField => "missing_field",
            ErrorKind::InvalidValue => "invalid_value",
            ErrorKind::InvalidToml => "invalid_toml",
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::UnknownCalendar => "unknown_calendar",
            ErrorKind::MissingTarget => "missing_target",
            ErrorKind::DuplicateContract => "duplicate_contract",
            ErrorKind::MalformedJson => "malformed_json",
            ErrorKind::UnknownEventType => "unknown_event_type",
            ErrorKind::EventBeforeOpened => "event_before_opened",
            ErrorKind::AlreadyOpened => "already_opened",
            ErrorKind::EventAfterClosed => "event_after_closed",
            ErrorKind::EventAfterCancelled => "event_after_cancelled",
            ErrorKind::AlreadyResolved => "already_resolved",
            ErrorKind::ReopenedWhileOpen => "reopened_while_open",
            ErrorKind::UnknownPriority => "unknown_priority",
            ErrorKind::UnknownContract => "unknown_contract",
            ErrorKind::AmbiguousContract => "ambiguous_contract",
            ErrorKind::ConflictingDuplicate => "conflicting_duplicate",
            ErrorKind::LateEvent => "late_event",
            ErrorKind::UnknownTicket => "unknown_ticket",
            ErrorKind::UnknownParty => "unknown_party",
            ErrorKind::HandoffToHolder => "handoff_to_holder",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An error with a stable kind and a message that says what and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// Creates an error of `kind` with a complete, lowercase message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable snake_case code, e.g. `"unknown_time_zone"`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The message without the code.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefixes the message with where the error happened, e.g. `calendar "business"`.
    pub fn context(mut self, place: impl fmt::Display) -> Error {
        self.message = format!("{place}: {}", self.message);
        self
    }

    /// Maps a serde error from a TOML document to a coded error.
    ///
    /// serde reports unknown and missing keys as text; the code is chosen from that text so
    /// that a typo in a contract is `unknown_key`, not a generic syntax error.
    pub(crate) fn from_toml(err: &toml::de::Error) -> Error {
        let text = err.to_string();
        let message = text.trim_end().replace('\n', " ");
        let kind = classify_serde_message(err.message()).unwrap_or(ErrorKind::InvalidToml);
        Error::new(kind, format!("invalid TOML: {message}"))
    }

    /// Maps a serde_json error to a coded error.
    pub(crate) fn from_json(err: &serde_json::Error) -> Error {
        let text = err.to_string();
        let kind = match err.classify() {
            serde_json::error::Category::Data => {
                classify_serde_message(&text).unwrap_or(ErrorKind::InvalidValue)
            }
            _ => ErrorKind::InvalidJson,
        };
        Error::new(kind, format!("invalid JSON: {text}"))
    }
}

/// The kinds that serde's derived deserializers report only as text.
fn classify_serde_message(text: &str) -> Option<ErrorKind> {
    if text.contains("unknown field") {
        Some(ErrorKind::UnknownKey)
    } else if text.contains("missing field") {
        Some(ErrorKind::MissingField)
    } else if text.contains("duration \"") {
        // TargetDuration's own message, passed through serde as text.
        Some(ErrorKind::InvalidDuration)
    } else if [
        "invalid type",
        "invalid value",
        "unknown variant",
        "amount \"",
        "percentage \"",
    ]
    .iter()
    .any(|marker| text.contains(marker))
    {
        Some(ErrorKind::InvalidValue)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_unique() {
        let kinds = ErrorKind::ALL;
        let mut seen = std::collections::HashSet::new();
        for &kind in kinds {
            let code = kind.code();
            assert!(!kind.category().is_empty());
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
            assert!(seen.insert(code), "duplicate code {code}");
        }
    }

    #[test]
    fn context_prefixes_the_message() {
        let err = Error::new(ErrorKind::InvalidTime, "bad").context("calendar \"x\"");
        assert_eq!(err.to_string(), "calendar \"x\": bad");
        assert_eq!(err.code(), "invalid_time");
    }
}
