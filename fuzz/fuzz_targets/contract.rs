//! Arbitrary text as a contract (SPEC §6), read as TOML with `Contract::from_toml` and as
//! JSON with `Contract::from_json`, then, for whatever validates, what a contract offers
//! cheaply. Properties: no input panics; every failure is an `Error` with a code; a valid
//! contract's spec serializes to JSON that reads back and validates to the same spec
//! (TOML and JSON are one schema: `docs/formats.md`, the `json_uses_the_same_schema` unit
//! test); priorities are sorted and unique, each has its targets, and every target's label
//! is its `within` written out, which parses back to the same target.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slaledger::contract::OlaMetric;
use slaledger::{Contract, Instant, Metric, TargetDuration};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for built in [Contract::from_toml(text), Contract::from_json(text)] {
        match built {
            Ok(contract) => exercise(&contract),
            Err(err) => assert!(!err.code().is_empty() && !err.message().is_empty()),
        }
    }
});

fn exercise(contract: &Contract) {
    // The JSON form of the spec is a contract again, and the same one.
    let json = serde_json::to_string(contract.spec()).expect("a contract spec serializes to JSON");
    let again = Contract::from_json(&json).unwrap_or_else(|err| {
        panic!("the JSON of a valid contract does not validate: {err}\n{json}")
    });
    assert_eq!(
        again.spec(),
        contract.spec(),
        "JSON round trip changed the spec: {json}"
    );
    assert_eq!(again.id(), contract.id());

    let priorities: Vec<&str> = contract.priorities().collect();
    assert!(!priorities.is_empty(), "a valid contract has targets");
    assert!(
        priorities.windows(2).all(|w| w[0] < w[1]),
        "priorities not sorted: {priorities:?}"
    );
    for priority in &priorities {
        assert!(contract.has_priority(priority));
        for metric in Metric::ALL {
            if let Some(target) = contract.target(priority, metric) {
                check_target(target);
            }
        }
    }
    assert!(!contract.has_priority("\u{0}not a priority"));
    for party in &contract.spec().parties {
        assert!(contract.has_party(party));
        for priority in &priorities {
            for metric in [OlaMetric::Acknowledge, OlaMetric::Hold] {
                if let Some(target) = contract.ola_target(party, priority, metric) {
                    check_target(target);
                }
            }
        }
    }
    // Coverage asks calendars for one instant each: cheap, and must not panic.
    for at in [
        Instant::MIN,
        Instant::parse("2026-11-02T09:00:00Z").expect("valid"),
    ] {
        if let Some(party) = contract.covering_party(at).expect("in range") {
            assert!(contract.has_party(party));
        }
    }
}

fn check_target(target: &slaledger::contract::Target) {
    assert_eq!(target.label, target.within.to_string());
    assert_eq!(
        TargetDuration::parse(&target.label).ok(),
        Some(target.within),
        "{}",
        target.label
    );
}
