//! The compact form of stored events.
//!
//! A ledger holds every accepted event (see the module above for why), millions of them,
//! so their size and the work of storing them decide replay speed. An [`Event`] owns up
//! to five heap strings; a [`Stored`] event owns none: the strings that repeat
//! (priorities, statuses, parties, groups, contracts, reasons) become [`Sym`]bols in one
//! table, and ids are appended to one text arena. Storing an event therefore allocates
//! nothing (the per-ticket log grows by doubling), and a stored event is 64 bytes, one
//! cache line, instead of ~130 plus five allocations.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::num::NonZeroU32;

use crate::event::{Event, KindRef};
use crate::ticket::{EventRef, LazyId};
use crate::time::Instant;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// An interned string: an index into [`Symbols`] (non-zero, so `Option<Sym>` is 4 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sym(NonZeroU32);

/// How many short strings [`Symbols`] remembers in front of its map.
const RECENT: usize = 64;

/// The longest string [`Symbols`] remembers in front of its map.
const SHORT: usize = 23;

/// The strings of stored events that repeat, each kept once.
///
/// Nearly every event names two or three such strings (priority, status, party,
/// contract), from a handful of distinct values: a small direct-mapped array of recent
/// short strings answers those with one comparison of 24 bytes, before the hash map.
#[derive(Debug, Clone)]
pub(super) struct Symbols {
    index: Map<Box<str>, Sym>,
    names: Vec<Box<str>>,
    /// Short strings as (length, bytes zero-padded to 23) and their symbol.
    recent: [Option<([u8; SHORT + 1], Sym)>; RECENT],
}

impl Default for Symbols {
    fn default() -> Symbols {
        Symbols {
            index: Map::default(),
            names: Vec::new(),
            recent: [None; RECENT],
        }
    }
}

/// `text` as a fixed-size key (its length in the last byte), if it is short.
fn short_key(text: &str) -> Option<[u8; SHORT + 1]> {
    let bytes = text.as_bytes();
    (bytes.len() <= SHORT).then(|| {
        let mut key = [0u8; SHORT + 1];
        key[..bytes.len()].copy_from_slice(bytes);
        key[SHORT] = bytes.len() as u8;
        key
    })
}

impl Symbols {
    pub(super) fn intern(&mut self, text: &str) -> Sym {
        let Some(key) = short_key(text) else {
            return self.intern_in_map(text);
        };
        // Any cheap mix of the key's bytes spreads the few values seen in practice.
        let word = key.chunks_exact(8).fold(0u64, |w, c| {
            w.rotate_left(17) ^ u64::from_le_bytes(c.try_into().unwrap_or_default())
        });
        let slot = (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % RECENT;
        if let Some((seen, sym)) = self.recent[slot] {
            if seen == key {
                return sym;
            }
        }
        let sym = self.intern_in_map(text);
        self.recent[slot] = Some((key, sym));
        sym
    }

    fn intern_in_map(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.index.get(text) {
            return sym;
        }
        self.names.push(text.into());
        // More than 4 billion distinct strings would exhaust memory long before this.
        let sym = Sym(NonZeroU32::new(self.names.len() as u32).expect("at least one name"));
        self.index.insert(text.into(), sym);
        sym
    }

    pub(super) fn name(&self, sym: Sym) -> &str {
        &self.names[sym.0.get() as usize - 1]
    }
}

/// [`crate::EventKind`] with symbols for strings; the variants are in type-rank order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Opened {
        priority: Sym,
        contract: Option<Sym>,
        party: Option<Sym>,
    },
    Responded {
        party: Option<Sym>,
    },
    Status {
        status: Sym,
    },
    Priority {
        priority: Sym,
    },
    Assigned {
        party: Sym,
        group: Option<Sym>,
    },
    Resolved,
    Reopened,
    Closed,
    Cancelled {
        reason: Option<Sym>,
    },
    Excluded {
        reason: Sym,
    },
}

impl Kind {
    pub(super) fn intern(kind: KindRef<'_>, symbols: &mut Symbols) -> Kind {
        let mut sym = |s: &str| symbols.intern(s);
        match kind {
            KindRef::Opened {
                priority,
                contract,
                party,
            } => Kind::Opened {
                priority: sym(priority),
                contract: contract.map(&mut sym),
                party: party.map(&mut sym),
            },
            KindRef::Responded { party } => Kind::Responded {
                party: party.map(sym),
            },
            KindRef::Status { status } => Kind::Status {
                status: sym(status),
            },
            KindRef::Priority { priority } => Kind::Priority {
                priority: sym(priority),
            },
            KindRef::Assigned { party, group } => Kind::Assigned {
                party: sym(party),
                group: group.map(sym),
            },
            KindRef::Resolved => Kind::Resolved,
            KindRef::Reopened => Kind::Reopened,
            KindRef::Closed => Kind::Closed,
            KindRef::Cancelled { reason } => Kind::Cancelled {
                reason: reason.map(sym),
            },
            KindRef::Excluded { reason } => Kind::Excluded {
                reason: sym(reason),
            },
        }
    }

    /// The kind with its strings, borrowed from `symbols`.
    pub(super) fn view(self, symbols: &Symbols) -> KindRef<'_> {
        let name = |s: Sym| symbols.name(s);
        match self {
            Kind::Opened {
                priority,
                contract,
                party,
            } => KindRef::Opened {
                priority: name(priority),
                contract: contract.map(name),
                party: party.map(name),
            },
            Kind::Responded { party } => KindRef::Responded {
                party: party.map(name),
            },
            Kind::Status { status } => KindRef::Status {
                status: name(status),
            },
            Kind::Priority { priority } => KindRef::Priority {
                priority: name(priority),
            },
            Kind::Assigned { party, group } => KindRef::Assigned {
                party: name(party),
                group: group.map(name),
            },
            Kind::Resolved => KindRef::Resolved,
            Kind::Reopened => KindRef::Reopened,
            Kind::Closed => KindRef::Closed,
            Kind::Cancelled { reason } => KindRef::Cancelled {
                reason: reason.map(name),
            },
            Kind::Excluded { reason } => KindRef::Excluded {
                reason: name(reason),
            },
        }
    }

    /// The position of the type in SPEC §5's table (as [`crate::EventKind::rank`]).
    pub(super) fn rank(self) -> u8 {
        match self {
            Kind::Opened { .. } => 0,
            Kind::Responded { .. } => 1,
            Kind::Status { .. } => 2,
            Kind::Priority { .. } => 3,
            Kind::Assigned { .. } => 4,
            Kind::Resolved => 5,
            Kind::Reopened => 6,
            Kind::Closed => 7,
            Kind::Cancelled { .. } => 8,
            Kind::Excluded { .. } => 9,
        }
    }
}

/// Where an id lies in [`Ids`]' text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct IdSpan {
    start: u64,
    len: u32,
}

impl IdSpan {
    pub(super) fn len(self) -> usize {
        self.len as usize
    }
}

/// The ids of stored events, appended to one string. An id removed from the ledger (a
/// conflicting duplicate replaced in lenient mode) leaves its text behind: rare, small.
#[derive(Debug, Clone, Default)]
pub(super) struct Ids {
    text: String,
}

impl Ids {
    pub(super) fn push(&mut self, id: &str) -> IdSpan {
        let span = IdSpan {
            start: self.text.len() as u64,
            // An id longer than 4 GiB cannot come from a JSONL line; clamp, never wrap.
            len: u32::try_from(id.len()).unwrap_or(u32::MAX),
        };
        self.text.push_str(&id[..span.len as usize]);
        span
    }

    pub(super) fn get(&self, span: IdSpan) -> &str {
        self.lazy(span).get()
    }

    /// The id at `span`, not read yet.
    pub(super) fn lazy(&self, span: IdSpan) -> LazyId<'_> {
        let start = span.start as usize;
        LazyId::new(&self.text, start, start + span.len as usize)
    }
}

/// One accepted event, without its ticket (its log's key): 48 bytes.
///
/// The optional line and sequence number share one word: `line` holds the line plus one
/// (0: none) in its low 31 bits and, in its top bit, whether `seq` holds a number. Lines
/// past 2^31 - 2 are clamped (they only appear in messages).
#[derive(Debug, Clone, Copy)]
pub(super) struct Stored {
    pub(super) at: Instant,
    seq: i64,
    id_start: u64,
    id_len: u32,
    line: u32,
    pub(super) kind: Kind,
}

const HAS_SEQ: u32 = 1 << 31;

impl Stored {
    fn new(at: Instant, seq: Option<i64>, id: IdSpan, line: Option<u32>, kind: Kind) -> Stored {
        let line = line.map_or(0, |l| l.min(HAS_SEQ - 2) + 1);
        Stored {
            at,
            seq: seq.unwrap_or(0),
            id_start: id.start,
            id_len: id.len,
            line: if seq.is_some() { line | HAS_SEQ } else { line },
            kind,
        }
    }

    /// The source system's sequence number.
    pub(super) fn seq(&self) -> Option<i64> {
        (self.line & HAS_SEQ != 0).then_some(self.seq)
    }

    /// The line of the input it came from.
    pub(super) fn line(&self) -> Option<u32> {
        match self.line & !HAS_SEQ {
            0 => None,
            l => Some(l - 1),
        }
    }

    /// Where its id is in the store's id text.
    pub(super) fn id(&self) -> IdSpan {
        IdSpan {
            start: self.id_start,
            len: self.id_len,
        }
    }
}

/// The ledger's event store: the symbol table and id text that [`Stored`] events point into.
#[derive(Debug, Clone, Default)]
pub(super) struct Store {
    pub(super) symbols: Symbols,
    pub(super) ids: Ids,
}

impl Store {
    /// The compact form of `event`.
    pub(super) fn store(&mut self, event: &Event, line: Option<u32>) -> Stored {
        Stored::new(
            event.at,
            event.seq,
            self.ids.push(&event.id),
            line,
            Kind::intern(event.kind.as_ref(), &mut self.symbols),
        )
    }

    /// `stored`, which points into `old`, copied to point into this store.
    pub(super) fn restore(&mut self, old: &Store, stored: &Stored) -> Stored {
        Stored::new(
            stored.at,
            stored.seq(),
            self.ids.push(old.id(stored)),
            stored.line(),
            Kind::intern(stored.kind.view(&old.symbols), &mut self.symbols),
        )
    }

    /// Bytes of id text, live or left behind by removed events.
    pub(super) fn id_bytes(&self) -> usize {
        self.ids.text.len()
    }

    /// Forgets the id text past its first `len` bytes: what events stored since
    /// [`Store::id_bytes`] said `len` appended, when none of them is kept after all (a
    /// declined bulk batch). Strings interned meanwhile stay; they are valid symbols.
    pub(super) fn truncate_ids(&mut self, len: usize) {
        self.ids.text.truncate(len);
    }

    pub(super) fn id(&self, stored: &Stored) -> &str {
        self.ids.get(stored.id())
    }

    /// The apply order of SPEC §5: `(at, seq, type rank, id)`.
    pub(super) fn order(&self, a: &Stored, b: &Stored) -> Ordering {
        a.at.cmp(&b.at)
            .then(a.seq().cmp(&b.seq()))
            .then(a.kind.rank().cmp(&b.kind.rank()))
            .then_with(|| self.id(a).cmp(self.id(b)))
    }

    /// The event as the fold reads it.
    pub(super) fn view<'a>(&'a self, stored: &Stored, ticket: &'a str) -> EventRef<'a> {
        EventRef {
            id: self.ids.lazy(stored.id()),
            ticket,
            at: stored.at,
            kind: stored.kind.view(&self.symbols),
            line: stored.line(),
        }
    }

    /// The event rebuilt with owned strings.
    pub(super) fn to_event(&self, stored: &Stored, ticket: &str) -> Event {
        Event {
            id: self.id(stored).to_string(),
            ticket: ticket.to_string(),
            at: stored.at,
            seq: stored.seq(),
            kind: stored.kind.view(&self.symbols).to_owned(),
        }
    }

    /// Whether `event` (with the same id) has the content of `stored` in log `ticket`.
    pub(super) fn same_as(&self, stored: &Stored, ticket: &str, event: &Event) -> bool {
        ticket == event.ticket
            && stored.at == event.at
            && stored.seq() == event.seq
            && stored.kind.view(&self.symbols) == event.kind.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_event_is_48_bytes() {
        assert_eq!(std::mem::size_of::<Stored>(), 48);
    }

    #[test]
    fn line_and_sequence_number_share_a_word_without_mixing() {
        let span = IdSpan { start: 7, len: 3 };
        let kind = Kind::Resolved;
        let at = Instant::from_millis_unchecked(0);
        for line in [None, Some(0), Some(1), Some(u32::MAX - 1)] {
            for seq in [None, Some(0), Some(-1), Some(i64::MIN), Some(i64::MAX)] {
                let stored = Stored::new(at, seq, span, line, kind);
                assert_eq!(stored.seq(), seq);
                // Lines past 2^31 - 2 are clamped there.
                assert_eq!(stored.line(), line.map(|l| l.min(HAS_SEQ - 2)));
                assert_eq!(stored.id(), span);
            }
        }
    }

    #[test]
    fn stored_events_give_back_what_was_stored() {
        let mut store = Store::default();
        let event = Event::from_json(
            r#"{"id":"e1","ticket":"T","at":"2026-11-02T09:00:00Z","type":"opened","priority":"P1","party":"msp"}"#,
        )
        .unwrap();
        let stored = store.store(&event, Some(3));
        assert_eq!(store.to_event(&stored, "T"), event);
        assert!(store.same_as(&stored, "T", &event));
        assert!(!store.same_as(&stored, "U", &event));
        let again = store.store(&event, None);
        assert_eq!(
            stored.kind, again.kind,
            "the same strings intern to the same symbols"
        );
    }
}
