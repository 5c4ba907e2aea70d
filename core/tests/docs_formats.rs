//! Every example in `docs/formats.md` is real: the contract and events there are replayed
//! and the evaluation, explanation, report and credit statement must be exactly the JSON
//! shown. A change to the data contract therefore fails here until the docs follow.

use serde_json::Value;
use slaledger::{Contract, Instant, Ledger, Mode, Period};

/// The fenced block whose info string is `lang tag`.
fn block(doc: &str, lang: &str, tag: &str) -> String {
    let fence = format!("```{lang} {tag}\n");
    let start = doc
        .find(&fence)
        .unwrap_or_else(|| panic!("docs/formats.md has no ```{lang} {tag} block"))
        + fence.len();
    let end = start + doc[start..].find("\n```").expect("closed block");
    doc[start..end].to_string()
}

fn json(doc: &str, tag: &str) -> Value {
    serde_json::from_str(&block(doc, "json", tag))
        .unwrap_or_else(|e| panic!("the {tag} example is not JSON: {e}"))
}

#[test]
fn the_examples_in_formats_md_are_what_the_engine_produces() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/formats.md"))
        .expect("docs/formats.md");
    let contract = Contract::from_toml(&block(&doc, "toml", "contract"))
        .expect("the contract example is valid");
    let events = block(&doc, "jsonl", "events");
    for line in events.lines() {
        slaledger::Event::from_json(line).expect("every event example parses");
    }
    let mut ledger = Ledger::new(Mode::Strict);
    let period = Period::parse_month("2026-11", contract.timezone()).unwrap();
    ledger.add_contract(contract).unwrap();
    ledger.ingest_jsonl(events.as_bytes()).unwrap();
    let as_of = Instant::parse("2026-11-30T23:59:59Z").unwrap();

    let evaluation = serde_json::to_value(ledger.evaluate(as_of).unwrap()).unwrap();
    assert_eq!(evaluation, json(&doc, "evaluation"), "evaluation example");
    let explanation = serde_json::to_value(ledger.explain("INC-1", as_of).unwrap()).unwrap();
    assert_eq!(
        explanation,
        json(&doc, "explanation"),
        "explanation example"
    );
    let report = serde_json::to_value(ledger.report("acme", period, None).unwrap()).unwrap();
    assert_eq!(report, json(&doc, "report"), "report example");
    let credits = serde_json::to_value(ledger.credits("acme", period, None).unwrap()).unwrap();
    assert_eq!(credits, json(&doc, "credits"), "credits example");
}
