//! A replay of the synthetic log timed round by round, in one process, with the
//! allocator of the CLI (`slaledger_benches::configure_allocator`):
//! `cargo run --release -p slaledger-benches --example replay_rounds -- TICKETS [ROUNDS]`.
//!
//! The first round is a cold process: every page the ledger and the results use is
//! fresh, as in one run of the command line. Later rounds reuse what the allocator kept,
//! as a service that replays again and again does (and as criterion's iterations do).
//! docs/benchmarks.md explains why the two differ so much on the project's machine.
use slaledger::synth::{generate, SynthConfig, CONTRACT_TOML};
use slaledger::{Contract, Instant, Ledger, Mode};

fn main() -> Result<(), slaledger::Error> {
    slaledger_benches::configure_allocator();
    let mut args = std::env::args().skip(1);
    let tickets: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let events = generate(&SynthConfig {
        tickets,
        seed: 1,
        ..SynthConfig::default()
    });
    let contract = Contract::from_toml(CONTRACT_TOML)?;
    let as_of = Instant::parse("2027-01-01T00:00:00Z")?;
    println!("{tickets} tickets, {} events", events.len());
    for round in 1..=rounds {
        // A fresh copy each round, made outside the timing, as criterion's setup does.
        let input = events.clone();
        let start = std::time::Instant::now();
        let mut ledger = Ledger::new(Mode::Strict);
        ledger.add_contract(contract.clone())?;
        ledger.ingest(&input)?;
        let ingested = std::time::Instant::now();
        let evaluation = ledger.evaluate(as_of)?;
        let end = std::time::Instant::now();
        println!(
            "round {round}: ingest {:.3} s, evaluate {:.3} s: {:.2} M events/s ({} results)",
            (ingested - start).as_secs_f64(),
            (end - ingested).as_secs_f64(),
            events.len() as f64 / (end - start).as_secs_f64() / 1e6,
            evaluation.tickets.len()
        );
        drop((ledger, evaluation, input));
    }
    Ok(())
}
