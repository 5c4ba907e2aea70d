//! Ticket events (SPEC §5): types, JSONL parsing with line numbers, and the ordering key.
//!
//! Events are facts in the past tense, as a source system recorded them. They are
//! applied in the order `(at, seq, type rank, id)`, so the order of the input never
//! changes a result.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::io::BufRead;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::time::Instant;

/// One event of a ticket's life.
///
/// ```
/// use slaledger::{Event, EventKind};
/// let e = Event::from_json(r#"{"id":"e1","ticket":"INC-1","at":"2026-11-02T09:14:00Z","type":"opened","priority":"P2"}"#).unwrap();
/// assert_eq!(e.ticket, "INC-1");
/// assert!(matches!(e.kind, EventKind::Opened { ref priority, .. } if priority == "P2"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Unique in the log.
    pub id: String,
    /// The ticket the event belongs to.
    pub ticket: String,
    /// When it happened.
    pub at: Instant,
    /// The source system's sequence number, ordering events with the same `at`.
    pub seq: Option<i64>,
    /// What happened.
    pub kind: EventKind,
}

/// What happened to a ticket (SPEC §5); the variants are in type-rank order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// Ticket created; must be first.
    Opened {
        /// The opening priority.
        priority: String,
        /// The contract that governs the ticket (optional with one contract loaded).
        contract: Option<String>,
        /// The party that first holds the ticket (co-managed IT).
        party: Option<String>,
    },
    /// A qualifying response; the first one stops the response clock.
    Responded {
        /// Who responded.
        party: Option<String>,
    },
    /// The status changed; the contract says which statuses pause.
    Status {
        /// The new status.
        status: String,
    },
    /// The priority changed.
    Priority {
        /// The new priority.
        priority: String,
    },
    /// The ticket was handed to a party.
    Assigned {
        /// The party now holding the ticket.
        party: String,
        /// The group within the party.
        group: Option<String>,
    },
    /// The resolution clock stops.
    Resolved,
    /// Open again after `resolved`.
    Reopened,
    /// Final; later events for the ticket are errors.
    Closed,
    /// Not a real request: never measured.
    Cancelled {
        /// Why.
        reason: Option<String>,
    },
    /// An agreed exclusion: measured and shown, not counted in compliance or credits.
    Excluded {
        /// Why (required).
        reason: String,
    },
}

impl EventKind {
    /// The `type` string of the event.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Opened { .. } => "opened",
            EventKind::Responded { .. } => "responded",
            EventKind::Status { .. } => "status",
            EventKind::Priority { .. } => "priority",
            EventKind::Assigned { .. } => "assigned",
            EventKind::Resolved => "resolved",
            EventKind::Reopened => "reopened",
            EventKind::Closed => "closed",
            EventKind::Cancelled { .. } => "cancelled",
            EventKind::Excluded { .. } => "excluded",
        }
    }

    /// The position of the type in SPEC §5's table, which orders same-instant events.
    pub fn rank(&self) -> u8 {
        match self {
            EventKind::Opened { .. } => 0,
            EventKind::Responded { .. } => 1,
            EventKind::Status { .. } => 2,
            EventKind::Priority { .. } => 3,
            EventKind::Assigned { .. } => 4,
            EventKind::Resolved => 5,
            EventKind::Reopened => 6,
            EventKind::Closed => 7,
            EventKind::Cancelled { .. } => 8,
            EventKind::Excluded { .. } => 9,
        }
    }
}

impl EventKind {
    /// A borrowed view, the form the fold reads.
    pub(crate) fn as_ref(&self) -> KindRef<'_> {
        match self {
            EventKind::Opened {
                priority,
                contract,
                party,
            } => KindRef::Opened {
                priority,
                contract: contract.as_deref(),
                party: party.as_deref(),
            },
            EventKind::Responded { party } => KindRef::Responded {
                party: party.as_deref(),
            },
            EventKind::Status { status } => KindRef::Status { status },
            EventKind::Priority { priority } => KindRef::Priority { priority },
            EventKind::Assigned { party, group } => KindRef::Assigned {
                party,
                group: group.as_deref(),
            },
            EventKind::Resolved => KindRef::Resolved,
            EventKind::Reopened => KindRef::Reopened,
            EventKind::Closed => KindRef::Closed,
            EventKind::Cancelled { reason } => KindRef::Cancelled {
                reason: reason.as_deref(),
            },
            EventKind::Excluded { reason } => KindRef::Excluded { reason },
        }
    }
}

/// [`EventKind`] with borrowed strings: what the fold reads, whether the event is an
/// [`Event`] or the ledger's compact stored form (whose strings live in its symbol table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindRef<'a> {
    Opened {
        priority: &'a str,
        contract: Option<&'a str>,
        party: Option<&'a str>,
    },
    Responded {
        party: Option<&'a str>,
    },
    Status {
        status: &'a str,
    },
    Priority {
        priority: &'a str,
    },
    Assigned {
        party: &'a str,
        group: Option<&'a str>,
    },
    Resolved,
    Reopened,
    Closed,
    Cancelled {
        reason: Option<&'a str>,
    },
    Excluded {
        reason: &'a str,
    },
}

impl KindRef<'_> {
    /// The `type` string of the event.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            KindRef::Opened { .. } => "opened",
            KindRef::Responded { .. } => "responded",
            KindRef::Status { .. } => "status",
            KindRef::Priority { .. } => "priority",
            KindRef::Assigned { .. } => "assigned",
            KindRef::Resolved => "resolved",
            KindRef::Reopened => "reopened",
            KindRef::Closed => "closed",
            KindRef::Cancelled { .. } => "cancelled",
            KindRef::Excluded { .. } => "excluded",
        }
    }

    /// The owned form.
    pub(crate) fn to_owned(self) -> EventKind {
        let own = |s: Option<&str>| s.map(str::to_string);
        match self {
            KindRef::Opened {
                priority,
                contract,
                party,
            } => EventKind::Opened {
                priority: priority.to_string(),
                contract: own(contract),
                party: own(party),
            },
            KindRef::Responded { party } => EventKind::Responded { party: own(party) },
            KindRef::Status { status } => EventKind::Status {
                status: status.to_string(),
            },
            KindRef::Priority { priority } => EventKind::Priority {
                priority: priority.to_string(),
            },
            KindRef::Assigned { party, group } => EventKind::Assigned {
                party: party.to_string(),
                group: own(group),
            },
            KindRef::Resolved => EventKind::Resolved,
            KindRef::Reopened => EventKind::Reopened,
            KindRef::Closed => EventKind::Closed,
            KindRef::Cancelled { reason } => EventKind::Cancelled {
                reason: own(reason),
            },
            KindRef::Excluded { reason } => EventKind::Excluded {
                reason: reason.to_string(),
            },
        }
    }
}

impl Event {
    /// The ordering of SPEC §5: `(at, seq, type rank, id)`; an absent `seq` sorts first.
    pub fn apply_order(&self, other: &Event) -> Ordering {
        self.at
            .cmp(&other.at)
            .then(self.seq.cmp(&other.seq))
            .then(self.kind.rank().cmp(&other.kind.rank()))
            .then_with(|| self.id.cmp(&other.id))
    }

    /// Parses one event from a JSON object.
    pub fn from_json(text: &str) -> Result<Event> {
        let raw: RawEvent<'_> = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::MalformedJson,
                format!("expected a JSON object with id, ticket, at and type: {e}"),
            )
        })?;
        Event::try_from(raw)
    }

    /// Serializes the event as one JSON line (without the newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        RawEvent::from(self.clone()).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Event, D::Error> {
        let raw = RawEvent::deserialize(d)?;
        Event::try_from(raw).map_err(serde::de::Error::custom)
    }
}

/// The flat wire form of an event: every field of every type, all optional.
///
/// Unknown extra fields, including `attrs`, are ignored (SPEC §5).
#[derive(Debug, Default, Serialize, Deserialize)]
struct RawEvent<'a> {
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    ticket: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    at: Option<Cow<'a, str>>,
    #[serde(
        borrow,
        default,
        rename = "type",
        skip_serializing_if = "Option::is_none"
    )]
    kind: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seq: Option<i64>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    priority: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    contract: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    party: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    group: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    status: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    reason: Option<Cow<'a, str>>,
}

impl<'a> TryFrom<RawEvent<'a>> for Event {
    type Error = Error;

    fn try_from(raw: RawEvent<'a>) -> Result<Event> {
        let id = raw.id.map(Cow::into_owned);
        let ticket = raw.ticket.map(Cow::into_owned);
        let describe = || match (&id, &ticket) {
            (Some(id), Some(t)) => format!("event {id:?} for ticket {t:?}"),
            (Some(id), None) => format!("event {id:?}"),
            (None, Some(t)) => format!("event for ticket {t:?}"),
            (None, None) => "event".to_string(),
        };
        let missing = |field: &str, what: &str| {
            Error::new(
                ErrorKind::MissingField,
                format!("{}: missing {field:?} ({what})", describe()),
            )
        };
        let kind_name = raw
            .kind
            .as_deref()
            .ok_or_else(|| missing("type", "one of the ten event types of SPEC §5"))?;
        let required = |value: Option<Cow<'a, str>>, field: &str| {
            value
                .map(Cow::into_owned)
                .ok_or_else(|| missing(field, &format!("required for {kind_name:?} events")))
        };
        let optional = |value: Option<Cow<'a, str>>| value.map(Cow::into_owned);
        let kind = match kind_name {
            "opened" => EventKind::Opened {
                priority: required(raw.priority, "priority")?,
                contract: optional(raw.contract),
                party: optional(raw.party),
            },
            "responded" => EventKind::Responded { party: optional(raw.party) },
            "status" => EventKind::Status { status: required(raw.status, "status")? },
            "priority" => EventKind::Priority { priority: required(raw.priority, "priority")? },
            "assigned" => EventKind::Assigned { party: required(raw.party, "party")?, group: optional(raw.group) },
            "resolved" => EventKind::Resolved,
            "reopened" => EventKind::Reopened,
            "closed" => EventKind::Closed,
            "cancelled" => EventKind::Cancelled { reason: optional(raw.reason) },
            "excluded" => EventKind::Excluded { reason: required(raw.reason, "reason")? },
            other => {
                return Err(Error::new(
                    ErrorKind::UnknownEventType,
                    format!(
                        "{}: unknown type {other:?} (expected opened, responded, status, priority, assigned, resolved, reopened, closed, cancelled or excluded)",
                        describe()
                    ),
                ))
            }
        };
        let at_text = raw
            .at
            .ok_or_else(|| missing("at", "an RFC 3339 timestamp with offset"))?;
        let at = Instant::parse(&at_text).map_err(|e| e.context(describe()))?;
        let (Some(id_value), Some(ticket_value)) = (&id, &ticket) else {
            let field = if id.is_none() { "id" } else { "ticket" };
            return Err(missing(field, "required for every event"));
        };
        if id_value.is_empty() || ticket_value.is_empty() {
            return Err(Error::new(
                ErrorKind::MissingField,
                format!("{}: \"id\" and \"ticket\" must not be empty", describe()),
            ));
        }
        Ok(Event {
            id: id.unwrap_or_default(),
            ticket: ticket.unwrap_or_default(),
            at,
            seq: raw.seq,
            kind,
        })
    }
}

impl From<Event> for RawEvent<'static> {
    fn from(e: Event) -> RawEvent<'static> {
        let mut raw = RawEvent {
            id: Some(Cow::Owned(e.id)),
            ticket: Some(Cow::Owned(e.ticket)),
            at: Some(Cow::Owned(e.at.to_string())),
            kind: Some(Cow::Borrowed(e.kind.name())),
            seq: e.seq,
            ..RawEvent::default()
        };
        match e.kind {
            EventKind::Opened {
                priority,
                contract,
                party,
            } => {
                raw.priority = Some(priority.into());
                raw.contract = contract.map(Cow::Owned);
                raw.party = party.map(Cow::Owned);
            }
            EventKind::Responded { party } => raw.party = party.map(Cow::Owned),
            EventKind::Status { status } => raw.status = Some(status.into()),
            EventKind::Priority { priority } => raw.priority = Some(priority.into()),
            EventKind::Assigned { party, group } => {
                raw.party = Some(party.into());
                raw.group = group.map(Cow::Owned);
            }
            EventKind::Cancelled { reason } => raw.reason = reason.map(Cow::Owned),
            EventKind::Excluded { reason } => raw.reason = Some(reason.into()),
            EventKind::Resolved | EventKind::Reopened | EventKind::Closed => {}
        }
        raw
    }
}

/// One line of a JSONL input: the event, or why it could not be read.
#[derive(Debug)]
pub struct JsonlLine {
    /// 1-based line number in the input.
    pub line: u32,
    /// The parsed event or the error (with the line number in its message).
    pub event: Result<Event>,
    /// When the event could not be read but the line is a JSON object with a string
    /// `id`, that id (so a rejection can name it).
    pub id: Option<String>,
    /// Likewise the `ticket`, so the ticket can be flagged.
    pub ticket: Option<String>,
}

impl JsonlLine {
    /// Parses the text of line `line` (without its newline): the event, or the error
    /// with the line number and, when the text is an object, its `id` and `ticket`.
    pub fn parse(line: u32, text: &str) -> JsonlLine {
        match Event::from_json(text) {
            Ok(event) => JsonlLine {
                line,
                event: Ok(event),
                id: None,
                ticket: None,
            },
            Err(err) => {
                // Best effort: a line that is an object but not a valid event still names
                // its id and ticket. Only on the error path, so valid lines parse once.
                let object = serde_json::from_str::<serde_json::Value>(text).ok();
                let field = |name: &str| object.as_ref()?.get(name)?.as_str().map(str::to_string);
                JsonlLine {
                    line,
                    event: Err(err.context(format_args!("line {line}"))),
                    id: field("id"),
                    ticket: field("ticket"),
                }
            }
        }
    }
}

/// Reads events from JSONL, one per line, keeping line numbers for errors.
///
/// Blank lines are skipped. A line that is not a valid event yields an `Err` naming the
/// line, and reading goes on: the caller decides between strict and lenient.
///
/// ```
/// use slaledger::event::read_jsonl;
/// let input = "{\"id\":\"e1\",\"ticket\":\"T\",\"at\":\"2026-11-02T09:14:00Z\",\"type\":\"opened\",\"priority\":\"P1\"}\n\nnot json\n";
/// let lines: Vec<_> = read_jsonl(input.as_bytes()).collect();
/// assert!(lines[0].event.is_ok());
/// assert_eq!(lines[1].line, 3);
/// assert_eq!(lines[1].event.as_ref().unwrap_err().code(), "malformed_json");
/// ```
pub fn read_jsonl<R: BufRead>(reader: R) -> impl Iterator<Item = JsonlLine> {
    JsonlReader {
        reader,
        line: 0,
        buf: String::new(),
        done: false,
    }
}

struct JsonlReader<R> {
    reader: R,
    line: u32,
    buf: String,
    done: bool,
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = JsonlLine;

    fn next(&mut self) -> Option<JsonlLine> {
        while !self.done {
            self.buf.clear();
            self.line = self.line.saturating_add(1);
            match self.reader.read_line(&mut self.buf) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    let text = self.buf.trim();
                    if text.is_empty() {
                        continue;
                    }
                    return Some(JsonlLine::parse(self.line, text));
                }
                Err(err) => {
                    self.done = true;
                    let kind = if err.kind() == std::io::ErrorKind::InvalidData {
                        ErrorKind::MalformedJson
                    } else {
                        ErrorKind::InvalidValue
                    };
                    let line = self.line;
                    return Some(JsonlLine {
                        line,
                        event: Err(Error::new(
                            kind,
                            format!("line {line}: cannot read input: {err}"),
                        )),
                        id: None,
                        ticket: None,
                    });
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Event> {
        Event::from_json(text)
    }

    #[test]
    fn every_type_parses_and_round_trips() {
        let lines = [
            r#"{"id":"1","ticket":"T","at":"2026-11-02T09:14:00Z","type":"opened","priority":"P2","contract":"acme","party":"msp"}"#,
            r#"{"id":"2","ticket":"T","at":"2026-11-02T09:14:00Z","type":"responded","party":"msp"}"#,
            r#"{"id":"3","ticket":"T","at":"2026-11-02T09:14:00Z","type":"status","status":"waiting_on_customer"}"#,
            r#"{"id":"4","ticket":"T","at":"2026-11-02T09:14:00Z","type":"priority","priority":"P1"}"#,
            r#"{"id":"5","ticket":"T","at":"2026-11-02T09:14:00Z","type":"assigned","party":"internal","group":"desk"}"#,
            r#"{"id":"6","ticket":"T","at":"2026-11-02T09:14:00Z","type":"resolved"}"#,
            r#"{"id":"7","ticket":"T","at":"2026-11-02T09:14:00Z","type":"reopened"}"#,
            r#"{"id":"8","ticket":"T","at":"2026-11-02T09:14:00Z","type":"closed"}"#,
            r#"{"id":"9","ticket":"T","at":"2026-11-02T09:14:00Z","type":"cancelled","reason":"spam"}"#,
            r#"{"id":"10","ticket":"T","at":"2026-11-02T09:14:00Z","type":"excluded","reason":"force majeure"}"#,
        ];
        for (rank, line) in lines.iter().enumerate() {
            let e = parse(line).unwrap();
            assert_eq!(usize::from(e.kind.rank()), rank);
            assert_eq!(parse(&e.to_json()).unwrap(), e);
        }
    }

    #[test]
    fn extra_fields_are_ignored() {
        let e = parse(r#"{"id":"1","ticket":"T","at":"2026-11-02T09:14:00Z","type":"resolved","attrs":{"x":[1,2]},"note":"hi"}"#).unwrap();
        assert_eq!(e.kind, EventKind::Resolved);
    }

    #[test]
    fn errors_have_codes_and_say_where() {
        let cases = [
            ("{", "malformed_json"),
            ("[1,2]", "malformed_json"),
            (
                r#"{"id":"1","ticket":"T","at":"2026-11-02T09:14:00Z"}"#,
                "missing_field",
            ),
            (
                r#"{"id":"1","ticket":"T","at":"2026-11-02T09:14:00Z","type":"opened"}"#,
                "missing_field",
            ),
            (
                r#"{"id":"1","ticket":"T","at":"2026-11-02T09:14:00Z","type":"excluded"}"#,
                "missing_field",
            ),
            (
                r#"{"id":"1","ticket":"T","type":"resolved"}"#,
                "missing_field",
            ),
            (
                r#"{"ticket":"T","at":"2026-11-02T09:14:00Z","type":"resolved"}"#,
                "missing_field",
            ),
            (
                r#"{"id":"1","ticket":"T","at":"2026-11-02 09:14","type":"resolved"}"#,
                "invalid_timestamp",
            ),
            (
                r#"{"id":"1","ticket":"T","at":"2026-11-02T09:14:00","type":"resolved"}"#,
                "missing_offset",
            ),
            (
                r#"{"id":"1","ticket":"T","at":"2026-11-02T09:14:00Z","type":"escalated"}"#,
                "unknown_event_type",
            ),
            (
                r#"{"id":1,"ticket":"T","at":"2026-11-02T09:14:00Z","type":"resolved"}"#,
                "malformed_json",
            ),
        ];
        for (text, code) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(err.code(), code, "{text}: {err}");
        }
        let err =
            parse(r#"{"id":"e9","ticket":"INC-3","at":"2026-11-02T09:14:00Z","type":"escalated"}"#)
                .unwrap_err();
        assert!(
            err.message().contains("\"e9\"") && err.message().contains("\"INC-3\""),
            "{err}"
        );
    }

    #[test]
    fn jsonl_reader_numbers_lines() {
        let input = "\n{\"id\":\"1\",\"ticket\":\"T\",\"at\":\"2026-11-02T09:14:00Z\",\"type\":\"resolved\"}\n{bad\n";
        let lines: Vec<JsonlLine> = read_jsonl(input.as_bytes()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line, 2);
        let err = lines[1].event.as_ref().unwrap_err();
        assert!(err.message().starts_with("line 3:"), "{err}");
    }

    #[test]
    fn order_is_at_seq_rank_id() {
        let e = |id: &str, at: &str, seq: Option<i64>, kind: EventKind| Event {
            id: id.into(),
            ticket: "T".into(),
            at: at.parse().unwrap(),
            seq,
            kind,
        };
        let a = e("b", "2026-01-01T00:00:00Z", None, EventKind::Resolved);
        let b = e("a", "2026-01-01T00:00:00Z", None, EventKind::Closed);
        let c = e(
            "c",
            "2026-01-01T00:00:00Z",
            Some(1),
            EventKind::Opened {
                priority: "P1".into(),
                contract: None,
                party: None,
            },
        );
        let d = e("0", "2026-01-01T00:00:01Z", None, EventKind::Resolved);
        let mut v = vec![d.clone(), c.clone(), b.clone(), a.clone()];
        v.sort_by(Event::apply_order);
        assert_eq!(v, vec![a, b, c, d]);
    }
}
