//! Every example in `docs/formats.md` is real: the contract and events there are replayed
//! and the evaluation, explanation, report and credit statement must be exactly the JSON
//! shown. A change to the data contract therefore fails here until the docs follow:
//! `SLALEDGER_BLESS=1 cargo test -p slaledger --test docs_formats` rewrites the JSON
//! blocks from the engine's output (then read the diff before committing it).

use serde_json::Value;
use slaledger::{Contract, Instant, Ledger, Mode, Period};

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/formats.md");

/// The byte range of the body of the fenced block whose info string is `lang tag`.
fn block_range(doc: &str, lang: &str, tag: &str) -> std::ops::Range<usize> {
    let fence = format!("```{lang} {tag}\n");
    let start = doc
        .find(&fence)
        .unwrap_or_else(|| panic!("docs/formats.md has no ```{lang} {tag} block"))
        + fence.len();
    let end = start + doc[start..].find("\n```").expect("closed block");
    start..end
}

fn block<'d>(doc: &'d str, lang: &str, tag: &str) -> &'d str {
    &doc[block_range(doc, lang, tag)]
}

#[test]
fn the_examples_in_formats_md_are_what_the_engine_produces() {
    let mut doc = std::fs::read_to_string(DOC).expect("docs/formats.md");
    let contract = Contract::from_toml(block(&doc, "toml", "contract"))
        .expect("the contract example is valid");
    let events = block(&doc, "jsonl", "events").to_string();
    for line in events.lines() {
        slaledger::Event::from_json(line).expect("every event example parses");
    }
    let mut ledger = Ledger::new(Mode::Strict);
    let period = Period::parse_month("2026-11", contract.timezone()).unwrap();
    ledger.add_contract(contract).unwrap();
    ledger.ingest_jsonl(events.as_bytes()).unwrap();
    let as_of = Instant::parse("2026-11-30T23:59:59Z").unwrap();

    let actual: [(&str, Value); 4] = [
        (
            "evaluation",
            serde_json::to_value(ledger.evaluate(as_of).unwrap()).unwrap(),
        ),
        (
            "explanation",
            serde_json::to_value(ledger.explain("INC-1", as_of).unwrap()).unwrap(),
        ),
        (
            "report",
            serde_json::to_value(ledger.report("acme", period, None).unwrap()).unwrap(),
        ),
        (
            "credits",
            serde_json::to_value(ledger.credits("acme", period, None).unwrap()).unwrap(),
        ),
    ];
    if std::env::var_os("SLALEDGER_BLESS").is_some() {
        for (tag, value) in &actual {
            let range = block_range(&doc, "json", tag);
            doc.replace_range(range, &serde_json::to_string_pretty(value).unwrap());
        }
        std::fs::write(DOC, &doc).expect("docs/formats.md is writable");
        return;
    }
    for (tag, value) in actual {
        let shown: Value = serde_json::from_str(block(&doc, "json", tag))
            .unwrap_or_else(|e| panic!("the {tag} example is not JSON: {e}"));
        assert_eq!(
            value, shown,
            "the {tag} example in docs/formats.md is not what the engine produces"
        );
    }
}
