//! Calendar query throughput (SPEC §3, issue 2 target: 20M+ `working_time`/s and 5M+
//! `add_working_time`/s on one core). Every SLA clock in a replay is a handful of these
//! queries, so they bound how fast the whole engine can be.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use slaledger::{Calendar, Duration, Instant};
use std::hint::black_box;

const QUERIES: usize = 10_000;

/// The weekly template both benchmark calendars share: New York, a lunch break, an
/// overnight Sunday window.
const WEEK: &str = r#"
        timezone = "America/New_York"
        mon = ["08:00-12:00", "13:00-18:00"]
        tue = ["08:00-12:00", "13:00-18:00"]
        wed = ["08:00-12:00", "13:00-18:00"]
        thu = ["08:00-12:00", "13:00-18:00"]
        fri = ["08:00-12:00", "13:00-17:00"]
        sun = ["22:00-06:00"]
"#;

/// A US business calendar with a lunch break, an overnight Sunday window and holidays.
fn business() -> Calendar {
    Calendar::from_toml(
        "business",
        &format!(
            r#"{WEEK}
        holidays = ["2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-07-03",
                    "2026-09-07", "2026-11-26", "2026-11-27", "2026-12-25", "2027-01-01"]
        exceptions = [ {{ date = "2026-12-24", hours = ["08:00-12:00"] }} ]
        "#
        ),
    )
    .expect("the benchmark calendar is valid")
}

/// The same calendar with its holidays as rules: the `us_federal` preset and a
/// partial-day Christmas Eve, expanded per year on demand (issue 9).
fn business_with_rules() -> Calendar {
    Calendar::from_toml(
        "business_rules",
        &format!(
            r#"{WEEK}
        holiday_rules = ["us_federal", {{ fixed = "11-27", from_year = 2026, to_year = 2026 }},
                         {{ fixed = "12-24", hours = ["08:00-12:00"] }}]
        "#
        ),
    )
    .expect("the benchmark calendar is valid")
}

/// Deterministic pseudo-random ranges within 2026 (xorshift; no dependency needed).
fn ranges() -> Vec<(Instant, Instant)> {
    let start = Instant::parse("2026-01-01T00:00:00Z")
        .expect("valid")
        .as_millis();
    let year = 365 * 86_400_000i64;
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..QUERIES)
        .map(|_| {
            let a = start + (next() % year as u64) as i64;
            let b = start + (next() % year as u64) as i64;
            let (a, b) = (a.min(b), a.max(b));
            (
                Instant::from_millis(a).expect("in range"),
                Instant::from_millis(b).expect("in range"),
            )
        })
        .collect()
}

fn calendar_queries(c: &mut Criterion) {
    let cal = business();
    let ranges = ranges();
    // Compile the years once so the benchmark measures queries, not the first build.
    cal.working_time(ranges[0].0, ranges[0].0).expect("valid");
    cal.working_time(
        Instant::parse("2026-01-01T00:00:00Z").unwrap(),
        Instant::parse("2028-01-01T00:00:00Z").unwrap(),
    )
    .expect("valid");

    let mut group = c.benchmark_group("calendar");
    group.throughput(Throughput::Elements(QUERIES as u64));
    group.bench_function("working_time/business/random_ranges_2026", |b| {
        b.iter(|| {
            let mut sum = 0i64;
            for &(a, z) in &ranges {
                sum += cal
                    .working_time(black_box(a), black_box(z))
                    .expect("in range")
                    .as_millis();
            }
            sum
        })
    });
    let durations: Vec<Duration> = ranges
        .iter()
        .map(|(a, b)| Duration::from_millis((b.as_millis() - a.as_millis()) / 4))
        .collect();
    group.bench_function("add_working_time/business/random_2026", |b| {
        b.iter(|| {
            let mut last = 0i64;
            for (&(a, _), &d) in ranges.iter().zip(&durations) {
                last ^= cal
                    .add_working_time(black_box(a), black_box(d))
                    .expect("in range")
                    .as_millis();
            }
            last
        })
    });
    let short: Vec<Duration> = (0..QUERIES)
        .map(|i| Duration::from_mins(15 + (i as i64 % 480)))
        .collect();
    group.bench_function("add_working_time/business/sla_targets", |b| {
        b.iter(|| {
            let mut last = 0i64;
            for (&(a, _), &d) in ranges.iter().zip(&short) {
                last ^= cal
                    .add_working_time(black_box(a), black_box(d))
                    .expect("in range")
                    .as_millis();
            }
            last
        })
    });
    group.bench_function("is_working/business", |b| {
        b.iter(|| {
            ranges
                .iter()
                .filter(|(a, _)| cal.is_working(black_box(*a)).expect("in range"))
                .count()
        })
    });

    // Holidays from rules: the rules are expanded once per year while compiling, so the
    // queries run on the same compiled spans and cost the same.
    let ruled = business_with_rules();
    ruled
        .working_time(
            Instant::parse("2026-01-01T00:00:00Z").unwrap(),
            Instant::parse("2028-01-01T00:00:00Z").unwrap(),
        )
        .expect("valid");
    group.bench_function("working_time/business_rules/random_ranges_2026", |b| {
        b.iter(|| {
            let mut sum = 0i64;
            for &(a, z) in &ranges {
                sum += ruled
                    .working_time(black_box(a), black_box(z))
                    .expect("in range")
                    .as_millis();
            }
            sum
        })
    });
    group.bench_function("add_working_time/business_rules/random_2026", |b| {
        b.iter(|| {
            let mut last = 0i64;
            for (&(a, _), &d) in ranges.iter().zip(&durations) {
                last ^= ruled
                    .add_working_time(black_box(a), black_box(d))
                    .expect("in range")
                    .as_millis();
            }
            last
        })
    });
    group.finish();

    let mut build = c.benchmark_group("calendar_build");
    build.bench_function("first_query_compiles_one_year", |b| {
        b.iter(|| {
            let cal = business();
            cal.working_time(ranges[0].0, ranges[0].1)
                .expect("in range")
        })
    });
    build.bench_function("first_query_compiles_one_year_with_rules", |b| {
        b.iter(|| {
            let cal = business_with_rules();
            cal.working_time(ranges[0].0, ranges[0].1)
                .expect("in range")
        })
    });
    build.finish();
}

criterion_group!(benches, calendar_queries);
criterion_main!(benches);
