//! Rough one-shot timing of a synthetic replay, for profiling (criterion gives the
//! careful numbers): `cargo run --release -p slaledger --example replay_timing -- TICKETS [REPEAT]`
//! (REPEAT evaluations, to profile evaluation alone).
use slaledger::synth::{generate, SynthConfig, CONTRACT_TOML};
use slaledger::{Contract, Instant, Ledger, Mode};

fn main() -> Result<(), slaledger::Error> {
    let tickets: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let t0 = std::time::Instant::now();
    let events = generate(&SynthConfig {
        tickets,
        seed: 1,
        ..SynthConfig::default()
    });
    let n = events.len();
    // Phase marks on stderr, to attach a profiler to one phase (`perf record -p`).
    eprintln!("generated");
    let t1 = std::time::Instant::now();
    let mut ledger = Ledger::new(Mode::Strict);
    ledger.add_contract(Contract::from_toml(CONTRACT_TOML)?)?;
    ledger.ingest(&events)?;
    let t2 = std::time::Instant::now();
    eprintln!("ingested");
    let repeat: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let mut eval = ledger.evaluate(Instant::parse("2027-01-01T00:00:00Z")?)?;
    for _ in 1..repeat {
        eval = ledger.evaluate(Instant::parse("2027-01-01T00:00:00Z")?)?;
    }
    let t3 = std::time::Instant::now();
    let secs = (t3 - t1).as_secs_f64();
    println!(
        "{tickets} tickets, {n} events: generate {:.2}s, ingest {:.2}s, evaluate {:.2}s; replay {:.2} M events/s ({} results)",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        n as f64 / secs / 1e6,
        eval.tickets.len()
    );
    Ok(())
}
