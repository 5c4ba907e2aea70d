//! Replay throughput from parsed events (issue 3 target: 3M+ events/s on one core), and
//! its growth with the number of tickets (10k / 100k / 1M: the curve must be linear).
//! Replay is the engine's main job; everything an auditor or a billing run does is one.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use slaledger::synth::{generate, SynthConfig, CONTRACT_TOML};
use slaledger::{Contract, Instant, Ledger, Mode};
use std::hint::black_box;

fn replay(c: &mut Criterion) {
    slaledger_benches::configure_allocator();
    let contract = Contract::from_toml(CONTRACT_TOML).expect("the synthetic contract is valid");
    let as_of = Instant::parse("2027-01-01T00:00:00Z").expect("valid");
    let mut group = c.benchmark_group("replay");
    group.sample_size(10);
    for tickets in [10_000u64, 100_000, 1_000_000] {
        let events = generate(&SynthConfig {
            tickets,
            seed: 1,
            ..SynthConfig::default()
        });
        group.throughput(Throughput::Elements(events.len() as u64));
        // Ingest (dedupe, order) and evaluate every ticket: the whole replay from parsed events.
        group.bench_function(format!("ingest_and_evaluate/{tickets}_tickets"), |b| {
            b.iter_batched(
                || events.clone(),
                |events| {
                    let mut ledger = Ledger::new(Mode::Strict);
                    ledger.add_contract(contract.clone()).expect("one contract");
                    ledger.ingest(&events).expect("clean log");
                    let evaluation = ledger.evaluate(as_of).expect("clean log");
                    // Returned, so freeing them happens outside the measurement.
                    black_box((ledger, evaluation))
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
