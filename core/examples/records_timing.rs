//! Rough timing of flat records (`slaledger::records`, what `--format csv|jsonl` and
//! Python's `to_records()` print) for the synthetic log:
//! `cargo run --release -p slaledger --example records_timing -- [TICKETS]` (default
//! 50,000 tickets, 100,000 metric records, the size of the Python binding's figures).
use slaledger::records::Records;
use slaledger::synth::{generate, SynthConfig, CONTRACT_TOML};
use slaledger::{Contract, Instant, Ledger, Mode};

fn main() -> Result<(), slaledger::Error> {
    let tickets: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let events = generate(&SynthConfig {
        tickets,
        seed: 1,
        ..SynthConfig::default()
    });
    let mut ledger = Ledger::new(Mode::Strict);
    ledger.add_contract(Contract::from_toml(CONTRACT_TOML)?)?;
    ledger.ingest(&events)?;
    let eval = ledger.evaluate(Instant::parse("2027-01-01T00:00:00Z")?)?;
    for _ in 0..3 {
        let start = std::time::Instant::now();
        let records = Records::of_evaluation(&eval);
        let built = start.elapsed();
        let jsonl = records.to_jsonl();
        let written = start.elapsed();
        println!(
            "{} records: built in {:.3} s, as JSONL ({} MB) in {:.3} s more",
            records.rows().len(),
            built.as_secs_f64(),
            jsonl.len() / 1_000_000,
            (written - built).as_secs_f64()
        );
    }
    Ok(())
}
