//! Laws of streaming replay (issue 8, item 4): on a time-sorted log where no event comes
//! after its ticket was handed out, streaming gives the batch ledger's results and
//! rejections; what it cannot place is rejected as `late_event`, never lost; and it holds
//! far fewer tickets than the log has.

use proptest::prelude::*;
use slaledger::stream::{StreamOptions, StreamReplay};
use slaledger::synth::{generate, SynthConfig, CONTRACT_TOML};
use slaledger::{Contract, Duration, Evaluation, Event, Ledger, Mode, Rejection, TicketResult};

fn contract() -> Contract {
    Contract::from_toml(CONTRACT_TOML).expect("synthetic contract")
}

fn log(seed: u64, tickets: u64, days: u32, bad_per_mille: u32) -> Vec<Event> {
    generate(&SynthConfig {
        tickets,
        seed,
        days,
        bad_per_mille,
        ..SynthConfig::default()
    })
}

fn batch(events: &[Event], mode: Mode) -> Evaluation {
    let mut ledger = Ledger::new(mode);
    ledger.add_contract(contract()).unwrap();
    ledger.ingest(events).unwrap();
    let as_of = ledger.latest_event_at().unwrap();
    ledger.evaluate(as_of).unwrap()
}

fn stream(events: &[Event], mode: Mode, options: StreamOptions) -> (Evaluation, usize) {
    let mut stream = StreamReplay::new(mode, options);
    stream.add_contract(contract()).unwrap();
    let mut tickets: Vec<TicketResult> = Vec::new();
    let mut rejected: Vec<Rejection> = Vec::new();
    for event in events {
        stream.ingest_event(event.clone(), None).unwrap();
        // Take as we go, as a caller writing results out would.
        tickets.extend(stream.take_results());
        rejected.extend(stream.take_rejected());
    }
    let peak = stream.peak_open_tickets();
    let mut end = stream.finish().unwrap();
    tickets.append(&mut end.tickets);
    rejected.append(&mut end.rejected);
    end.tickets = tickets;
    end.rejected = rejected;
    (end, peak)
}

fn sorted_tickets(e: &Evaluation) -> Vec<String> {
    let mut tickets: Vec<String> = e
        .tickets
        .iter()
        .map(|t| serde_json::to_string(t).unwrap())
        .collect();
    tickets.sort();
    tickets
}

fn sorted_rejections(e: &Evaluation) -> Vec<String> {
    let mut rejected: Vec<String> = e
        .rejected
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    rejected.sort();
    rejected
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A clean, time-sorted log: streaming equals batch, ticket for ticket.
    #[test]
    fn streaming_equals_batch_on_a_sorted_log(seed in 0u64..10_000, tickets in 1u64..300) {
        let events = log(seed, tickets, 60, 0);
        let whole = batch(&events, Mode::Strict);
        let (streamed, _) = stream(&events, Mode::Strict, StreamOptions::default());
        prop_assert_eq!(sorted_tickets(&streamed), sorted_tickets(&whole));
        prop_assert_eq!(streamed.stats, whole.stats);
        prop_assert_eq!(streamed.as_of, whole.as_of);
    }

    /// With bad events (duplicates, out-of-sequence events) in lenient mode, the same
    /// results and the same rejections, whatever order the stream found them in.
    #[test]
    fn lenient_streaming_rejects_what_batch_rejects(seed in 0u64..10_000, tickets in 1u64..200) {
        let events = log(seed, tickets, 30, 80);
        let whole = batch(&events, Mode::Lenient);
        let (streamed, _) = stream(&events, Mode::Lenient, StreamOptions::default());
        prop_assert_eq!(sorted_tickets(&streamed), sorted_tickets(&whole));
        prop_assert_eq!(sorted_rejections(&streamed), sorted_rejections(&whole));
        prop_assert_eq!(streamed.stats, whole.stats);
    }

    /// Margins too small for the log: every event is still accounted for, as a result or
    /// as a rejection, and the late ones are named `late_event`.
    #[test]
    fn nothing_is_lost_when_events_come_late(seed in 0u64..10_000, tickets in 1u64..200) {
        let events = log(seed, tickets, 30, 0);
        let options = StreamOptions {
            reopen_window: Duration::from_millis(60_000),
            lateness: Duration::from_millis(0),
            as_of: None,
        };
        let (streamed, _) = stream(&events, Mode::Lenient, options);
        let whole = batch(&events, Mode::Lenient);
        prop_assert_eq!(streamed.stats.events, events.len() as u64);
        // Late events are listed, each one an event of the log.
        for r in streamed.rejected.iter().filter(|r| r.code == "late_event") {
            prop_assert!(events.iter().any(|e| Some(&e.id) == r.id.as_ref()));
        }
        prop_assert_eq!(streamed.tickets.len(), whole.tickets.len());
    }
}

/// A year of tickets: the stream holds a few weeks' worth at a time.
#[test]
fn a_long_log_is_replayed_in_bounded_memory() {
    let events = log(7, 20_000, 365, 0);
    let (streamed, peak) = stream(&events, Mode::Strict, StreamOptions::default());
    assert_eq!(streamed.tickets.len(), 20_000);
    assert!(
        peak < 20_000 / 4,
        "held {peak} tickets at once out of 20,000 opened over a year"
    );
}

/// Lenient mode: the late event is listed with its reason and line; the rest goes on.
#[test]
fn a_late_event_is_listed_in_lenient_mode() {
    let mut stream = StreamReplay::new(Mode::Lenient, StreamOptions::default());
    stream.add_contract(contract()).unwrap();
    stream.ingest_jsonl(LATE_LOG.as_bytes()).unwrap();
    let rejected = stream.take_rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].code, "late_event");
    assert_eq!(rejected[0].line, Some(4));
    assert_eq!(rejected[0].id.as_deref(), Some("e4"));
    let end = stream.finish().unwrap();
    assert_eq!(end.stats.events, 4);
    assert_eq!(end.stats.rejected, 1);
    assert_eq!(end.stats.tickets, 2);
}

const LATE_LOG: &str = r#"{"id":"e1","ticket":"T","at":"2026-11-02T09:00:00Z","type":"opened","priority":"P1"}
{"id":"e2","ticket":"T","at":"2026-11-02T09:10:00Z","type":"closed"}
{"id":"e3","ticket":"U","at":"2026-11-02T12:00:00Z","type":"opened","priority":"P1"}
{"id":"e4","ticket":"T","at":"2026-11-02T12:01:00Z","type":"status","status":"in_progress"}
"#;

/// Strict mode: a late event is an error naming the event and the rule.
#[test]
fn a_late_event_is_an_error_in_strict_mode() {
    let mut stream = StreamReplay::new(Mode::Strict, StreamOptions::default());
    stream.add_contract(contract()).unwrap();
    let err = stream.ingest_jsonl(LATE_LOG.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "late_event");
    assert!(err.message().contains("\"e4\""), "{}", err.message());
    assert!(err.message().contains("line 4"), "{}", err.message());
}
