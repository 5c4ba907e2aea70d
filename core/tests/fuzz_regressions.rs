//! Inputs that the cargo-fuzz targets in `fuzz/` found to crash the core, kept as ordinary
//! tests so that `cargo test` guards them without a nightly toolchain. Each test names the
//! target and the artifact, and checks the clear result that replaced the panic.

use slaledger::Duration;

/// Target `duration`, artifact `crash-e68a3ed6a5158ef3a9517ca064f47258858c55cf` (50 bytes,
/// the first 8 being `i64::MIN` little-endian): `Display for Duration` negated a negative
/// duration in `i64`, and `-i64::MIN` overflows ("attempt to negate with overflow" in
/// builds with overflow checks; a bare `-` in release builds).
#[test]
fn duration_display_of_i64_min_does_not_overflow() {
    let min = Duration::from_millis(i64::MIN);
    // 2^63 ms = 2562047788015 h 12 min 55 s 808 ms.
    assert_eq!(min.to_string(), "-2562047788015h12m55s808ms");
    // Its magnitude is one past i64::MAX: reading it back is a clear error, not a panic.
    let err = Duration::parse("2562047788015h12m55s808ms").unwrap_err();
    assert_eq!(err.code(), "invalid_duration");
    assert!(err.message().contains("too large"), "{err}");

    // The neighbours print in the form that reads back (after the sign).
    let max = Duration::from_millis(i64::MAX);
    assert_eq!(max.to_string(), "2562047788015h12m55s807ms");
    assert_eq!(Duration::parse(&max.to_string()).unwrap(), max);
    let almost_min = Duration::from_millis(i64::MIN + 1);
    assert_eq!(almost_min.to_string(), "-2562047788015h12m55s807ms");
    assert_eq!(Duration::from_millis(-5_400_001).to_string(), "-1h30m1ms");
}

/// The exact bytes of that artifact, through the same steps as the target: the first 8
/// bytes as milliseconds, printed and read back after the sign. The input is not UTF-8
/// (byte 7 is 0x80), so the target stops there.
#[test]
fn duration_fuzz_artifact_e68a3ed6_is_handled() {
    let mut data = vec![0u8; 50];
    data[7] = 0x80;
    data[48] = 0x0b;
    data[49] = b'1';
    let ms = i64::from_le_bytes(data[..8].try_into().unwrap());
    assert_eq!(ms, i64::MIN);
    let shown = Duration::from_millis(ms).to_string();
    let magnitude = shown
        .strip_prefix('-')
        .expect("a negative duration prints a sign");
    assert_eq!(
        Duration::parse(magnitude).unwrap_err().code(),
        "invalid_duration"
    );
    assert!(std::str::from_utf8(&data).is_err());
}
