//! The least any ingest honouring SPEC §5 must do per event, timed on the synthetic log:
//! `cargo run --release -p slaledger-benches --example ingest_floor -- TICKETS [ROUNDS]`.
//!
//! SPEC §5 asks ingest to find each event's ticket (to group the ticket's events) and to
//! check its id against every id seen (duplicates are skipped, conflicts rejected, at
//! once: `Ledger::ingest_event` answers per event). Whatever the layout, that is one
//! lookup in a table of tickets and one insert into a table of ids per event. Here both
//! are the standard library's hash map (hashbrown, with foldhash, reserved up front),
//! keyed by the input's own strings (no copy, which a ledger cannot avoid), and each
//! event is appended to one array of 48-byte records: the floor, not an engine. Its time
//! against `replay_rounds`' ingest says how much of ingest any redesign could remove.
use std::collections::HashMap;
use std::hash::BuildHasher;

use slaledger::synth::{generate, SynthConfig};

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

fn main() {
    slaledger_benches::configure_allocator();
    let mut args = std::env::args().skip(1);
    let tickets: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let events = generate(&SynthConfig {
        tickets,
        seed: 1,
        ..SynthConfig::default()
    });
    println!("{tickets} tickets, {} events", events.len());
    for round in 1..=rounds {
        let input = events.clone();
        let start = std::time::Instant::now();
        let hasher = foldhash::fast::RandomState::default();
        let mut by_ticket: Map<&str, u32> = Map::with_capacity_and_hasher(1024, hasher.clone());
        let mut ids: Map<&str, u32> = Map::with_capacity_and_hasher(input.len(), hasher);
        // (at, ticket, position) padded to a stored event's 48 bytes.
        let mut arena: Vec<[u64; 6]> = Vec::with_capacity(1024);
        let mut duplicates = 0u64;
        for (position, event) in input.iter().enumerate() {
            let next = by_ticket.len() as u32;
            let ticket = *by_ticket.entry(event.ticket.as_str()).or_insert(next);
            if ids.insert(event.id.as_str(), position as u32).is_some() {
                duplicates += 1;
                continue;
            }
            arena.push([
                event.at.as_millis() as u64,
                u64::from(ticket),
                position as u64,
                0,
                0,
                0,
            ]);
        }
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "round {round}: {:.3} s, {:.0} ns/event ({} tickets, {} stored, {duplicates} duplicates; hash seed {})",
            elapsed,
            elapsed * 1e9 / input.len() as f64,
            by_ticket.len(),
            arena.len(),
            ids.hasher().hash_one(0u8) & 1,
        );
        drop((arena, ids, by_ticket));
        drop(input);
    }
}
