//! Arbitrary text as the time strings contracts and event logs are made of (SPEC §4): a
//! working-time duration (`15m`, `1h30m`, `250ms`, ISO `PT4H`), a target (`2bd` or a
//! duration) and an RFC 3339 instant; and the input's first 8 bytes as a duration in
//! milliseconds, printed. Properties: no input panics; failures are `Error`s with the
//! code of their kind; whatever parses prints (`Display`, and serde for targets and
//! instants) in a form that parses back to the same value; parsed durations are never
//! negative, business days at most 3660, instants inside `[Instant::MIN, Instant::MAX]`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slaledger::{Duration, Instant, TargetDuration};

fuzz_target!(|data: &[u8]| {
    if let Some(bytes) = data.get(..8) {
        let ms = i64::from_le_bytes(bytes.try_into().expect("8 bytes"));
        printed_duration_reads_back(Duration::from_millis(ms));
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    match Duration::parse(text) {
        Ok(d) => {
            assert!(d >= Duration::ZERO, "{text:?} parsed to a negative {d:?}");
            printed_duration_reads_back(d);
            // Anything `Duration::parse` reads is working time to `TargetDuration::parse`.
            assert_eq!(
                TargetDuration::parse(text).ok(),
                Some(TargetDuration::Working(d)),
                "{text:?}"
            );
        }
        Err(err) => assert_eq!(err.code(), "invalid_duration", "{text:?}: {err}"),
    }

    match TargetDuration::parse(text) {
        Ok(target) => {
            if let TargetDuration::BusinessDays(n) = target {
                assert!(n <= 3660, "{text:?}");
            }
            let shown = target.to_string();
            assert_eq!(
                TargetDuration::parse(&shown).ok(),
                Some(target),
                "{text:?} printed as {shown:?}"
            );
            let json = serde_json::to_string(&target).expect("serializes");
            assert_eq!(
                serde_json::from_str::<TargetDuration>(&json).ok(),
                Some(target),
                "{json}"
            );
        }
        Err(err) => assert_eq!(err.code(), "invalid_duration", "{text:?}: {err}"),
    }

    match Instant::parse(text) {
        Ok(t) => {
            assert!(
                Instant::MIN <= t && t <= Instant::MAX,
                "{text:?} parsed to {t:?}"
            );
            let shown = t.to_string();
            assert_eq!(
                Instant::parse(&shown).ok(),
                Some(t),
                "{text:?} printed as {shown:?}"
            );
            assert!(shown.ends_with('Z'), "{shown}");
            let json = serde_json::to_string(&t).expect("serializes");
            assert_eq!(
                serde_json::from_str::<Instant>(&json).ok(),
                Some(t),
                "{json}"
            );
            assert_eq!(Instant::from_datetime(t.to_datetime()).ok(), Some(t));
            assert_eq!(Instant::from_millis(t.as_millis()).ok(), Some(t));
        }
        Err(err) => assert!(
            matches!(
                err.code(),
                "invalid_timestamp" | "missing_offset" | "instant_out_of_range"
            ),
            "{text:?}: {err}"
        ),
    }
});

/// `Display` is "the compact form that `Duration::parse` reads back": exactly for a
/// duration that is not negative, and after its `-` sign for one that is (but for
/// `i64::MIN`, whose magnitude is too large; printing it once overflowed, see
/// `core/tests/fuzz_regressions.rs`).
fn printed_duration_reads_back(d: Duration) {
    let shown = d.to_string();
    if d >= Duration::ZERO {
        assert_eq!(
            Duration::parse(&shown).ok(),
            Some(d),
            "{d:?} printed as {shown:?}"
        );
    } else {
        let magnitude = shown
            .strip_prefix('-')
            .unwrap_or_else(|| panic!("{d:?} printed as {shown:?}"));
        match Duration::parse(magnitude) {
            Ok(back) => assert_eq!(
                i128::from(back.as_millis()),
                -i128::from(d.as_millis()),
                "{d:?} printed as {shown:?}"
            ),
            // Only |i64::MIN| is too large for a duration to read back.
            Err(err) => {
                assert_eq!(d.as_millis(), i64::MIN, "{d:?} printed as {shown:?}: {err}");
                assert_eq!(err.code(), "invalid_duration");
            }
        }
    }
}
