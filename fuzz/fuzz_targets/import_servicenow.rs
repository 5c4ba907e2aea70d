//! Arbitrary bytes as a ServiceNow incident export (CSV), imported in two zones (one
//! with daylight-saving changes) and both date orders, then replayed in lenient mode.
//! Properties: no input panics; problems are in row order and name real rows; each
//! incident's events start with `opened` and are in strictly increasing apply order;
//! and the importer never produces a lifecycle error: replayed, the only rejections are
//! priorities the contract lacks (and the events of a ticket whose `opened` was one).
#![no_main]

use libfuzzer_sys::fuzz_target;
use slaledger::import::{servicenow, Tz};
use slaledger::{Contract, EventKind, Ledger, Mode};

const CONTRACT: &str = r#"
id = "fuzz"
timezone = "UTC"
pause_statuses = ["awaiting_user_info", "awaiting_vendor"]
[targets.P1]
response   = { within = "15m", calendar = "24x7" }
resolution = { within = "4h",  calendar = "24x7" }
[targets.P2]
response   = { within = "1h",  calendar = "24x7" }
resolution = { within = "8h",  calendar = "24x7" }
[targets.P3]
response   = { within = "4h",  calendar = "24x7" }
resolution = { within = "24h", calendar = "24x7" }
[targets.P4]
response   = { within = "8h",  calendar = "24x7" }
resolution = { within = "72h", calendar = "24x7" }
"#;

fuzz_target!(|data: &[u8]| {
    static PARSED: std::sync::OnceLock<Contract> = std::sync::OnceLock::new();
    let contract = PARSED.get_or_init(|| Contract::from_toml(CONTRACT).expect("valid contract"));
    let cases = [
        (Tz::UTC, servicenow::DateOrder::DayMonthYear),
        (Tz::America__New_York, servicenow::DateOrder::MonthDayYear),
    ];
    for (tz, date_order) in cases {
        let options = servicenow::Options {
            contract: Some("fuzz".into()),
            date_order,
        };
        let import = match servicenow::import(data, tz, &options) {
            Ok(import) => import,
            Err(err) => {
                assert!(!err.code().is_empty());
                continue;
            }
        };
        for pair in import.problems.windows(2) {
            assert!(pair[0].row <= pair[1].row, "problems out of row order");
        }
        for p in &import.problems {
            assert!(p.row >= 1 && p.row <= import.rows.max(1), "{p:?}");
        }
        for (i, e) in import.events.iter().enumerate() {
            let first = i == 0 || import.events[i - 1].ticket != e.ticket;
            assert_eq!(first, matches!(e.kind, EventKind::Opened { .. }), "{e:?}");
            if !first {
                assert!(import.events[i - 1].apply_order(e).is_lt(), "{e:?}");
            }
        }
        let Some(latest) = import.events.iter().map(|e| e.at).max() else {
            continue;
        };
        let mut ledger = Ledger::new(Mode::Lenient);
        ledger.add_contract(contract.clone()).expect("one contract");
        ledger
            .ingest(import.events)
            .expect("lenient ingest never fails");
        let eval = ledger
            .evaluate(latest)
            .expect("lenient evaluation never fails");
        for r in &eval.rejected {
            assert!(
                r.code == "unknown_priority" || r.code == "event_before_opened",
                "the importer produced an invalid sequence: {r:?}"
            );
        }
    }
});
