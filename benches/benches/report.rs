//! Report and credit statement throughput from an evaluation (SPEC §8-§9): a billing run
//! turns every ticket of a month into compliance, MTTA/MTTR percentiles and credits, so
//! this is the last step of every `report`/`credits` command after the replay itself.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use slaledger::import::Tz;
use slaledger::synth::{generate, SynthConfig, CONTRACT_TOML};
use slaledger::{Contract, CreditStatement, Instant, Ledger, Mode, Period, Report};
use std::hint::black_box;

fn report_and_credits(c: &mut Criterion) {
    slaledger_benches::configure_allocator();
    let contract = Contract::from_toml(CONTRACT_TOML).expect("the synthetic contract is valid");
    // The synthetic tickets open over the 28 days from 2026-11-02: November holds them.
    let period = Period::month(2026, 11, Tz::America__New_York).expect("a valid month");
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    for tickets in [10_000u64, 100_000] {
        let events = generate(&SynthConfig {
            tickets,
            seed: 1,
            ..SynthConfig::default()
        });
        let mut ledger = Ledger::new(Mode::Strict);
        ledger.add_contract(contract.clone()).expect("one contract");
        ledger.ingest(&events).expect("clean log");
        let as_of = Instant::parse("2026-12-01T05:00:00Z").expect("valid");
        let evaluation = ledger.evaluate(as_of).expect("clean log");
        group.throughput(Throughput::Elements(tickets));
        // Counting, percentiles and exact compliance over every ticket's measurements.
        group.bench_function(format!("from_evaluation/{tickets}_tickets"), |b| {
            b.iter(|| Report::from_evaluation("synthetic", period, black_box(&evaluation)))
        });
        let report = Report::from_evaluation("synthetic", period, &evaluation);
        // Credit rules in exact decimals over the report's rows.
        group.bench_function(format!("credits/{tickets}_tickets"), |b| {
            b.iter(|| CreditStatement::compute(&contract, black_box(&report)).expect("valid"))
        });
    }
    group.finish();
}

criterion_group!(benches, report_and_credits);
criterion_main!(benches);
