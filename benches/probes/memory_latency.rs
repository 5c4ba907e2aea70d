//! How long this machine takes to fetch memory at random, by working-set size: the
//! number behind replay's cost per event in a large ledger (docs/benchmarks.md).
//! `cargo run --release -p slaledger-benches --example memory_latency`
//!
//! "dependent": each load's address comes from the previous load (a pointer chase over a
//! random cycle), so misses cannot overlap: the latency. "independent": random loads
//! whose addresses are known in advance, so the processor overlaps their misses: the
//! throughput a look-ahead (like `Ledger::ingest`'s) can reach.

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next_random = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for mib in [1usize, 4, 16, 64, 256, 1024] {
        let n = mib * 1024 * 1024 / 8;
        // A random cyclic permutation (Sattolo's algorithm): one cycle through every slot.
        let mut next: Vec<u64> = (0..n as u64).collect();
        for i in (1..n).rev() {
            let j = (next_random() % i as u64) as usize;
            next.swap(i, j);
        }
        let steps = 5_000_000;
        let (mut p, started) = (0usize, Instant::now());
        for _ in 0..steps {
            p = next[p] as usize;
        }
        let dependent = started.elapsed().as_nanos() as f64 / steps as f64;
        let (mut sum, started) = (0u64, Instant::now());
        for _ in 0..steps {
            sum = sum.wrapping_add(next[next_random() as usize % n]);
        }
        let independent = started.elapsed().as_nanos() as f64 / steps as f64;
        black_box((p, sum));
        println!("{mib:5} MiB: dependent {dependent:6.1} ns, independent {independent:6.1} ns");
    }
}
