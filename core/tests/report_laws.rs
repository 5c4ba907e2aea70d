//! Property tests of reports and credits: reports over disjoint tickets merge into
//! exactly the report of the union (medians and p90 included), merging is order-free,
//! and a statement never pays more than its cap.

use proptest::prelude::*;
use slaledger::synth::{generate, SynthConfig, CONTRACT_TOML};
use slaledger::{Contract, CreditStatement, Evaluation, Instant, Ledger, Mode, Period, Report};

fn evaluation(seed: u64, tickets: u64) -> (Contract, Evaluation, Period) {
    let contract = Contract::from_toml(CONTRACT_TOML).unwrap();
    let mut ledger = Ledger::new(Mode::Lenient);
    ledger.add_contract(contract.clone()).unwrap();
    ledger
        .ingest(generate(&SynthConfig {
            tickets,
            seed,
            bad_per_mille: 50,
            ..SynthConfig::default()
        }))
        .unwrap();
    let period = Period::parse_month("2026-11", contract.timezone()).unwrap();
    let eval = ledger.evaluate(period.to).unwrap();
    (contract, eval, period)
}

fn subset(eval: &Evaluation, keep: impl Fn(usize) -> bool) -> Evaluation {
    let mut part = eval.clone();
    part.tickets = eval
        .tickets
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, t)| t.clone())
        .collect();
    part
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn reports_over_disjoint_tickets_merge_exactly(seed in any::<u64>(), tickets in 1u64..120, mask in any::<u64>(), parts in 2usize..4) {
        let (_, eval, period) = evaluation(seed, tickets);
        let whole = Report::from_evaluation("synthetic", period, &eval);
        let reports: Vec<Report> = (0..parts)
            .map(|p| Report::from_evaluation("synthetic", period, &subset(&eval, |i| (mask.rotate_left(i as u32) as usize + i) % parts == p)))
            .collect();
        let mut merged = reports[0].clone();
        for r in &reports[1..] {
            merged = merged.merge(r).unwrap();
        }
        prop_assert_eq!(serde_json::to_value(&merged).unwrap(), serde_json::to_value(&whole).unwrap());
        // Merging in the other order gives the same report.
        let mut reversed = reports[parts - 1].clone();
        for r in reports[..parts - 1].iter().rev() {
            reversed = reversed.merge(r).unwrap();
        }
        prop_assert_eq!(serde_json::to_value(&reversed).unwrap(), serde_json::to_value(&whole).unwrap());
    }

    #[test]
    fn credits_never_exceed_the_cap(seed in any::<u64>(), tickets in 1u64..200) {
        let (contract, eval, period) = evaluation(seed, tickets);
        let report = Report::from_evaluation("synthetic", period, &eval);
        let statement = CreditStatement::compute(&contract, &report).unwrap();
        let cap = statement.cap.expect("the synthetic contract has a cap");
        prop_assert!(statement.total <= cap);
        prop_assert_eq!(statement.capped, statement.subtotal > cap);
        let sum: rust_decimal::Decimal = statement.lines.iter().map(|l| l.amount.amount()).sum();
        prop_assert_eq!(sum, statement.subtotal.amount());
    }
}

#[test]
fn merging_reports_of_different_periods_is_an_error() {
    let (_, eval, period) = evaluation(1, 10);
    let other = Period::new(period.from, Instant::parse("2026-11-15T00:00:00Z").unwrap()).unwrap();
    let a = Report::from_evaluation("synthetic", period, &eval);
    let b = Report::from_evaluation("synthetic", other, &eval);
    assert_eq!(a.merge(&b).unwrap_err().code(), "invalid_value");
}

/// `Ledger::report` counts tickets chunk by chunk (4,096 at a time, on all cores with the
/// `parallel` feature) without keeping their results: it must give exactly the report
/// built from the whole evaluation, across chunk boundaries and as of any instant.
#[test]
fn a_ledger_report_equals_the_report_of_its_whole_evaluation() {
    let contract = Contract::from_toml(CONTRACT_TOML).unwrap();
    let mut ledger = Ledger::new(Mode::Lenient);
    ledger.add_contract(contract.clone()).unwrap();
    ledger
        .ingest(generate(&SynthConfig {
            tickets: 9_000,
            seed: 11,
            bad_per_mille: 20,
            ..SynthConfig::default()
        }))
        .unwrap();
    let period = Period::parse_month("2026-11", contract.timezone()).unwrap();
    for as_of in [None, Some(Instant::parse("2026-11-15T12:00:00Z").unwrap())] {
        let report = ledger.report("synthetic", period, as_of).unwrap();
        let whole = ledger.evaluate(as_of.unwrap_or(period.to)).unwrap();
        assert_eq!(report, Report::from_evaluation("synthetic", period, &whole));
        assert!(report.total(slaledger::Metric::Resolution).measured() > 1000);
    }
}

/// In strict mode a ticket that fails makes the report fail with the error the whole
/// evaluation gives: the first failing ticket in ticket order, whichever chunk met one.
#[test]
fn a_strict_report_fails_with_the_evaluations_first_error() {
    let contract = Contract::from_toml(CONTRACT_TOML).unwrap();
    let mut ledger = Ledger::new(Mode::Strict);
    ledger.add_contract(contract.clone()).unwrap();
    let events = generate(&SynthConfig {
        tickets: 9_000,
        seed: 12,
        ..SynthConfig::default()
    });
    ledger.ingest(&events).unwrap();
    // A second resolution while resolved, in two tickets far apart in ticket order.
    for ticket in ["SYN-0008500", "SYN-0000100"] {
        let line = format!(
            r#"{{"id":"bad-{ticket}","ticket":"{ticket}","at":"2026-11-29T00:00:00Z","type":"resolved"}}"#
        );
        ledger.ingest_jsonl(line.as_bytes()).unwrap();
    }
    let period = Period::parse_month("2026-11", contract.timezone()).unwrap();
    let from_report = ledger.report("synthetic", period, None).unwrap_err();
    let from_evaluation = ledger.evaluate(period.to).unwrap_err();
    assert_eq!(from_report.code(), from_evaluation.code());
    assert_eq!(from_report.message(), from_evaluation.message());
    assert!(
        from_report.message().contains("SYN-0000100"),
        "{from_report}"
    );
}
