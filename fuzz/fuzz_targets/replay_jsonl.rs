//! Arbitrary bytes as a JSONL event log, replayed in strict and lenient mode against the
//! synthetic contract, then evaluated and explained, and streamed (`StreamReplay`, with a
//! short reopen window so tickets are handed out and forgotten). Property: no input
//! panics; strict errors carry a code; lenient evaluation and streaming always succeed,
//! list every rejection, and the stream counts every line it read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slaledger::stream::{StreamOptions, StreamReplay};
use slaledger::synth::CONTRACT_TOML;
use slaledger::{Contract, Duration, Instant, Ledger, Mode};

fuzz_target!(|data: &[u8]| {
    // Built once: its calendars compile years lazily and keep them, as in a real run.
    static CONTRACT: std::sync::OnceLock<Contract> = std::sync::OnceLock::new();
    let contract = CONTRACT.get_or_init(|| {
        Contract::from_toml(CONTRACT_TOML).expect("the synthetic contract is valid")
    });
    let as_of = Instant::parse("2026-12-01T00:00:00Z").expect("valid");
    for mode in [Mode::Strict, Mode::Lenient] {
        let mut ledger = Ledger::new(mode);
        ledger.add_contract(contract.clone()).expect("one contract");
        match ledger.ingest_jsonl(data) {
            Ok(()) => {}
            Err(err) => {
                assert_eq!(mode, Mode::Strict, "lenient ingest never fails: {err}");
                assert!(!err.code().is_empty());
                continue;
            }
        }
        match ledger.evaluate(as_of) {
            Ok(eval) => {
                let read = eval.stats.events;
                assert!(eval.stats.rejected as usize == eval.rejected.len());
                assert!(read >= eval.stats.duplicates);
                if let Some(t) = eval.tickets.first() {
                    let _ = ledger.explain(&t.ticket, as_of);
                }
                let _ = serde_json::to_string(&eval);
            }
            Err(err) => assert_eq!(mode, Mode::Strict, "lenient evaluation never fails: {err}"),
        }
        // Far from the log: every clock runs for years, or nothing has happened yet.
        let _ = ledger.evaluate(Instant::parse("2199-12-31T00:00:00Z").expect("valid"));
        let _ = ledger.evaluate(Instant::MIN);
    }
    let lines = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count() as u64;
    for mode in [Mode::Strict, Mode::Lenient] {
        let options = StreamOptions {
            reopen_window: Duration::from_millis(3_600_000),
            lateness: Duration::from_millis(0),
            as_of: None,
        };
        let mut stream = StreamReplay::new(mode, options);
        stream.add_contract(contract.clone()).expect("one contract");
        match stream.ingest_jsonl(data) {
            Ok(()) => {
                let taken = (stream.take_results().len(), stream.take_rejected().len());
                match stream.finish() {
                    Ok(end) => {
                        // Nothing handed out or rejected along the way is missing from the counts.
                        assert_eq!(end.stats.rejected as usize, taken.1 + end.rejected.len());
                        assert_eq!(end.stats.tickets as usize, taken.0 + end.tickets.len());
                        assert!(
                            end.stats.events <= lines,
                            "{} events from {lines} lines",
                            end.stats.events
                        );
                    }
                    Err(err) => {
                        assert_eq!(mode, Mode::Strict, "lenient streaming never fails: {err}")
                    }
                }
            }
            Err(err) => {
                assert_eq!(mode, Mode::Strict, "lenient streaming never fails: {err}");
                assert!(!err.code().is_empty());
            }
        }
    }
});
