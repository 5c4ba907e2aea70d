//! Property tests of the replay laws (issue 3, item 6): results never depend on input
//! order, duplicates, batching or truncation after the as-of instant; pauses never add
//! time; on 24x7 without pauses used time is wall time. Logs come from the seeded
//! synthetic generator, with bad events mixed in for the lenient-mode laws.

use proptest::prelude::*;
use slaledger::synth::{generate, SynthConfig, CONTRACT_TOML};
use slaledger::{Contract, Evaluation, Event, EventKind, Instant, Ledger, Mode};

fn contract() -> Contract {
    Contract::from_toml(CONTRACT_TOML).expect("synthetic contract")
}

fn evaluate(events: Vec<Event>, mode: Mode, as_of: Instant, contract: &Contract) -> Evaluation {
    let mut ledger = Ledger::new(mode);
    ledger.add_contract(contract.clone()).expect("one contract");
    ledger
        .ingest(events)
        .expect("lenient ingest and clean strict logs never fail");
    ledger
        .evaluate(as_of)
        .expect("lenient evaluation never fails")
}

/// The parts of an evaluation that must not change (stats count input lines, which do).
fn outcome(e: &Evaluation) -> (String, String) {
    (
        serde_json::to_string(&e.tickets).unwrap(),
        serde_json::to_string(&e.rejected).unwrap(),
    )
}

fn log(seed: u64, tickets: u64, bad_per_mille: u32) -> Vec<Event> {
    generate(&SynthConfig {
        tickets,
        seed,
        bad_per_mille,
        days: 10,
        ..SynthConfig::default()
    })
}

/// An as-of instant from 0 to 20 days after the log's start, at minute precision.
fn as_of(minutes: u32) -> Instant {
    Instant::from_millis(SynthConfig::default().start.as_millis() + i64::from(minutes) * 60_000)
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn input_order_never_changes_a_result(seed in any::<u64>(), tickets in 1u64..25, minutes in 0u32..28_800, shuffle_seed in any::<u64>()) {
        let contract = contract();
        let events = log(seed, tickets, 150);
        let mut shuffled = events.clone();
        // Fisher-Yates with a SplitMix-like step: any permutation is reachable.
        let mut s = shuffle_seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let a = evaluate(events, Mode::Lenient, as_of(minutes), &contract);
        let b = evaluate(shuffled, Mode::Lenient, as_of(minutes), &contract);
        prop_assert_eq!(outcome(&a), outcome(&b));
    }

    #[test]
    fn exact_duplicates_change_nothing_but_the_count(seed in any::<u64>(), tickets in 1u64..25, every in 1usize..5) {
        let contract = contract();
        let events = log(seed, tickets, 100);
        let mut doubled = events.clone();
        doubled.extend(events.iter().step_by(every).cloned());
        let a = evaluate(events, Mode::Lenient, as_of(28_800), &contract);
        let b = evaluate(doubled, Mode::Lenient, as_of(28_800), &contract);
        prop_assert_eq!(outcome(&a), outcome(&b));
        prop_assert!(b.stats.duplicates >= a.stats.duplicates);
    }

    #[test]
    fn two_batches_equal_one_batch(seed in any::<u64>(), tickets in 1u64..25, split in 0usize..400) {
        let contract = contract();
        let events = log(seed, tickets, 100);
        let at = as_of(28_800);
        let one = evaluate(events.clone(), Mode::Lenient, at, &contract);
        let mut ledger = Ledger::new(Mode::Lenient);
        ledger.add_contract(contract.clone()).unwrap();
        let split = split.min(events.len());
        let (first, second) = events.split_at(split);
        ledger.ingest(first.to_vec()).unwrap();
        // Evaluating between batches must not disturb the ledger.
        let _ = ledger.evaluate(at).unwrap();
        ledger.ingest(second.to_vec()).unwrap();
        let two = ledger.evaluate(at).unwrap();
        prop_assert_eq!(outcome(&one), outcome(&two));
        prop_assert_eq!(one.stats, two.stats);
    }

    #[test]
    fn as_of_equals_the_log_truncated_there(seed in any::<u64>(), tickets in 1u64..25, minutes in 0u32..28_800) {
        let contract = contract();
        let events = log(seed, tickets, 0);
        let at = as_of(minutes);
        let truncated: Vec<Event> = events.iter().filter(|e| e.at <= at).cloned().collect();
        let a = evaluate(events, Mode::Strict, at, &contract);
        let b = evaluate(truncated, Mode::Strict, at, &contract);
        prop_assert_eq!(outcome(&a), outcome(&b));
    }

    #[test]
    fn a_pause_never_increases_used_time(seed in any::<u64>(), tickets in 1u64..25, minutes in 0u32..28_800) {
        let contract = contract();
        let events = log(seed, tickets, 0);
        let unpaused: Vec<Event> = events
            .iter()
            .filter(|e| !matches!(&e.kind, EventKind::Status { status } if status == "waiting_on_customer"))
            .cloned()
            .collect();
        let at = as_of(minutes);
        let paused = evaluate(events, Mode::Strict, at, &contract);
        let running = evaluate(unpaused, Mode::Strict, at, &contract);
        prop_assert_eq!(paused.tickets.len(), running.tickets.len());
        for (p, r) in paused.tickets.iter().zip(&running.tickets) {
            for (pm, rm) in p.metrics.iter().zip(&r.metrics) {
                prop_assert!(pm.elapsed_ms <= rm.elapsed_ms, "{} {}: {:?} > {:?}", p.ticket, pm.metric, pm.elapsed_ms, rm.elapsed_ms);
            }
        }
    }

    #[test]
    fn on_24x7_without_pauses_used_time_is_wall_time(seed in any::<u64>(), tickets in 1u64..25, minutes in 0u32..28_800) {
        let always = Contract::from_toml(r#"
            id = "synthetic"
            timezone = "UTC"
            [targets.P1]
            response = { within = "15m", calendar = "24x7" }
            resolution = { within = "4h", calendar = "24x7" }
            [targets.P2]
            response = { within = "1h", calendar = "24x7" }
            resolution = { within = "8h", calendar = "24x7" }
            [targets.P3]
            response = { within = "4h", calendar = "24x7" }
            resolution = { within = "24h", calendar = "24x7" }
            [targets.P4]
            response = { within = "8h", calendar = "24x7" }
            resolution = { within = "40h", calendar = "24x7" }
        "#).unwrap();
        let eval = evaluate(log(seed, tickets, 0), Mode::Strict, as_of(minutes), &always);
        for t in &eval.tickets {
            for m in &t.metrics {
                prop_assert_eq!(m.elapsed_ms, m.wall_ms, "{} {}", t.ticket, m.metric);
                prop_assert_eq!(m.paused_ms.as_millis(), 0);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Co-managed attribution: every instant of a ticket's open life goes to exactly one
    /// holder, or to the customer while paused, so the attributed wall times sum to the
    /// open time (the resolution clock's active time under `resume`).
    #[test]
    fn attributed_times_sum_to_the_open_time(seed in any::<u64>(), tickets in 1u64..25, minutes in 0u32..28_800, handoff_mask in any::<u64>()) {
        let co_managed = Contract::from_toml(&format!("parties = [\"internal\", \"msp\"]\nprovider = \"msp\"\n{CONTRACT_TOML}")).unwrap();
        let mut events = log(seed, tickets, 0);
        for (i, e) in events.iter_mut().enumerate() {
            if let EventKind::Assigned { party, .. } = &mut e.kind {
                if handoff_mask.rotate_left(i as u32) & 1 == 1 {
                    *party = "internal".into();
                }
            }
        }
        let eval = evaluate(events, Mode::Strict, as_of(minutes), &co_managed);
        for t in &eval.tickets {
            let held: i64 = t.held.iter().map(|p| p.wall_ms.as_millis()).sum();
            if let Some(resolution) = t.metrics.iter().find(|m| m.metric == slaledger::Metric::Resolution) {
                prop_assert_eq!(held, resolution.wall_ms.as_millis(), "{}: {:?}", t.ticket, t.held);
            }
        }
    }
}
