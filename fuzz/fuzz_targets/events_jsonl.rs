//! Arbitrary bytes as a JSONL event log (SPEC §5), parsed only: every line through
//! `read_jsonl`, and the whole input as one line through `JsonlLine::parse`. No ledger:
//! this target is about the reader, fast enough to explore the JSON and field rules.
//! Properties: no input panics; line numbers start at 1 and increase; every error has a
//! code and names its line; `Event::from_json` and serde's `Deserialize for Event` agree;
//! an event that parses serializes (`to_json`) to JSON that parses back to the same event,
//! and serializes again to the same text; the apply order is a total order on the events.
#![no_main]

use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use slaledger::event::{read_jsonl, JsonlLine};
use slaledger::Event;

fuzz_target!(|data: &[u8]| {
    let mut events = Vec::new();
    let mut last = 0;
    for line in read_jsonl(data) {
        assert!(
            line.line > last,
            "line numbers must increase: {} after {last}",
            line.line
        );
        last = line.line;
        check(&line, &mut events);
    }
    // The whole input as one line (newlines included, as a caller might pass it).
    if let Ok(text) = std::str::from_utf8(data) {
        let whole = JsonlLine::parse(1, text);
        check(&whole, &mut events);
        let via_serde = serde_json::from_str::<Event>(text);
        assert_eq!(
            whole.event.is_ok(),
            via_serde.is_ok(),
            "from_json and Deserialize disagree on {text:?}"
        );
        if let (Ok(a), Ok(b)) = (&whole.event, &via_serde) {
            assert_eq!(a, b);
        }
    }
    for a in events.iter().take(16) {
        assert_eq!(a.apply_order(a), Ordering::Equal);
        for b in events.iter().take(16) {
            assert_eq!(a.apply_order(b), b.apply_order(a).reverse());
        }
    }
});

fn check(line: &JsonlLine, events: &mut Vec<Event>) {
    assert!(line.line >= 1);
    match &line.event {
        Ok(event) => {
            assert!(
                !event.id.is_empty() && !event.ticket.is_empty(),
                "{event:?}"
            );
            let json = event.to_json();
            let back = Event::from_json(&json).unwrap_or_else(|err| {
                panic!("the JSON of a parsed event does not parse: {err}\n{json}")
            });
            assert_eq!(&back, event, "{json}");
            assert_eq!(back.to_json(), json);
            events.push(event.clone());
        }
        Err(err) => {
            assert!(!err.code().is_empty());
            let prefix = format!("line {}", line.line);
            assert!(err.message().starts_with(&prefix), "{prefix}: {err}");
        }
    }
}
