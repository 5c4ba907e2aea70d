//! Arbitrary text as a calendar spec (TOML and JSON), then queries on whatever validates.
//! Property: no input panics; every failure is an `Error` with a code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slaledger::{Calendar, Duration, Instant, TargetDuration};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for built in [
        Calendar::from_toml("fuzz", text),
        Calendar::from_json("fuzz", text),
    ] {
        match built {
            Ok(cal) => exercise(&cal, data),
            Err(err) => assert!(!err.code().is_empty()),
        }
    }
    let _ = TargetDuration::parse(text);
    let _ = Instant::parse(text);
});

fn exercise(cal: &Calendar, data: &[u8]) {
    // Derive a few instants from the input bytes, spread over the supported range.
    let span = Instant::MAX.as_millis() - Instant::MIN.as_millis();
    let seeds = data.chunks(8).take(4).map(|c| {
        c.iter()
            .fold(0u64, |acc, b| acc.rotate_left(8) ^ u64::from(*b))
    });
    for seed in seeds {
        let a =
            Instant::from_millis(Instant::MIN.as_millis() + (seed % span as u64) as i64).unwrap();
        let b = Instant::from_millis(
            a.as_millis()
                .saturating_add((seed % 86_400_000_000) as i64)
                .min(Instant::MAX.as_millis()),
        )
        .unwrap();
        let wt = cal.working_time(a, b).unwrap();
        assert!(wt <= b.since(a));
        if let Ok(due) = cal.add_working_time(a, wt) {
            assert!(due <= b);
        }
        let _ = cal.is_working(a);
        let _ = cal.next_change(a);
        let _ = cal.close_of_business(a, (seed % 5) as u32);
        let _ = cal.add_working_time(a, Duration::from_hours((seed % 1000) as i64));
    }
}
