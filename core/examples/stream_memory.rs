//! Peak memory of a replay over a long log (issue 8):
//! `cargo run --release -p slaledger --example stream_memory -- TICKETS DAYS [stream|batch]`.
//!
//! Tickets open evenly over DAYS days: the synthetic generator makes one day's tickets at
//! a time, and their events are merged into time order as they are due, so the whole log
//! is never held. `stream` (the default) feeds a [`StreamReplay`] and drops each result
//! as it comes; `batch` feeds a [`Ledger`] and evaluates at the end. Prints the peak
//! resident memory (`VmHWM`), which is what docs/benchmarks.md records.

use slaledger::stream::{StreamOptions, StreamReplay};
use slaledger::synth::{generate, SynthConfig, CONTRACT_TOML};
use slaledger::{Contract, Event, Instant, Ledger, Mode};

const DAY_MS: i64 = 86_400_000;

fn main() -> Result<(), slaledger::Error> {
    let mut args = std::env::args().skip(1);
    let tickets: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let days: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(365);
    let batch = args.next().as_deref() == Some("batch");
    let contract = Contract::from_toml(CONTRACT_TOML)?;
    let start = SynthConfig::default().start;
    let started = std::time::Instant::now();

    let mut stream = StreamReplay::new(Mode::Strict, StreamOptions::default());
    let mut ledger = Ledger::new(Mode::Strict);
    if batch {
        ledger.add_contract(contract)?;
    } else {
        stream.add_contract(contract)?;
    }
    let (mut events, mut results, mut pending) = (0u64, 0u64, Vec::<Event>::new());
    for day in 0..days + 60 {
        let day_start = start.as_millis() + day as i64 * DAY_MS;
        if day < days {
            let today = tickets / days + u64::from(day < tickets % days);
            let mut fresh = generate(&SynthConfig {
                tickets: today,
                seed: day + 1,
                start: Instant::from_millis(day_start)?,
                days: 1,
                ..SynthConfig::default()
            });
            // Ticket numbers restart every day; the day makes them unique.
            for event in &mut fresh {
                event.ticket = format!("D{day:05}-{}", event.ticket);
                event.id = format!("D{day:05}-{}", event.id);
            }
            pending.append(&mut fresh);
            pending.sort_by(Event::apply_order);
        }
        // Everything before tomorrow is due: no later day's ticket can precede it.
        let due = pending.partition_point(|e| e.at.as_millis() < day_start + DAY_MS);
        for event in pending.drain(..due) {
            events += 1;
            if batch {
                ledger.ingest_event(event, None)?;
            } else {
                stream.ingest_event(event, None)?;
                results += stream.take_results().len() as u64;
            }
        }
    }
    let peak_open;
    if batch {
        let as_of = ledger.latest_event_at().unwrap_or(start);
        results = ledger.evaluate(as_of)?.tickets.len() as u64;
        peak_open = ledger.ticket_count();
    } else {
        peak_open = stream.peak_open_tickets();
        results += stream.finish()?.tickets.len() as u64;
    }
    let seconds = started.elapsed().as_secs_f64();
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    println!(
        "{} {tickets} tickets over {days} days: {events} events, {results} results, \
         {peak_open} tickets held at most, peak memory {hwm}, {seconds:.1} s (generation included)",
        if batch { "batch" } else { "stream" },
    );
    Ok(())
}
