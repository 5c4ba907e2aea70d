//! Property tests of the calendar laws of SPEC §3 on random business calendars.
//!
//! Calendars are random: a zone with DST (whole-hour, Lord Howe's 30 minutes, Sao Paulo's
//! midnight transitions, Apia's skipped 2011-12-30) or without (Kolkata, UTC), weekday
//! windows including overnight and overlapping ones, holidays and exceptions within four
//! days of an anchor that is usually an offset transition of the zone. Instants are
//! random milliseconds around the anchor.

mod common;

use common::*;
use proptest::prelude::*;
use slaledger::{Calendar, Duration, Instant, TargetDuration};

/// `cases` by default; `PROPTEST_CASES=N` runs N instead (for long bug hunts).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: proptest_cases(cases),
        ..ProptestConfig::default()
    }
}

/// Offsets from the anchor: mostly within five days, sometimes within ~14 months (so
/// ranges cross UTC year boundaries, where the engine splits its compiled spans).
fn arb_offset() -> BoxedStrategy<i64> {
    prop_oneof![
        4 => -5 * DAY_MS..5 * DAY_MS,
        1 => -420 * DAY_MS..420 * DAY_MS,
    ]
    .boxed()
}

fn wt(c: &Calendar, a: i64, b: i64) -> i64 {
    c.working_time(at(a), at(b)).unwrap().as_millis()
}

fn add(c: &Calendar, a: i64, d: i64) -> i64 {
    c.add_working_time(at(a), Duration::from_millis(d))
        .unwrap()
        .as_millis()
}

fn working(c: &Calendar, t: i64) -> bool {
    c.is_working(at(t)).unwrap()
}

proptest! {
    #![proptest_config(config(256))]

    /// wt(a,c) = wt(a,b) + wt(b,c) for a <= b <= c.
    #[test]
    fn working_time_is_additive(s in arb_scenario(false), o in proptest::array::uniform3(arb_offset())) {
        let c = s.cal.build();
        let mut p = o.map(|x| s.anchor + x);
        p.sort();
        let [a, b, z] = p;
        prop_assert_eq!(wt(&c, a, z), wt(&c, a, b) + wt(&c, b, z), "{}", s.cal.toml());
    }

    /// wt is monotone in b, never negative, zero for b <= a, and never more than wall time.
    #[test]
    fn working_time_is_monotone_and_bounded(
        s in arb_scenario(false),
        o in proptest::array::uniform3(arb_offset()),
    ) {
        let c = s.cal.build();
        let a = s.anchor + o[0];
        let (b1, b2) = (s.anchor + o[1].min(o[2]), s.anchor + o[1].max(o[2]));
        let (w1, w2) = (wt(&c, a, b1), wt(&c, a, b2));
        prop_assert!(w1 <= w2, "wt(a,{}) = {} > wt(a,{}) = {}", b1, w1, b2, w2);
        for (b, w) in [(b1, w1), (b2, w2)] {
            prop_assert!(w >= 0);
            prop_assert!(w <= (b - a).max(0), "wt {} exceeds wall time {}", w, b - a);
            if b <= a {
                prop_assert_eq!(w, 0);
            }
        }
    }

    /// wt(a, add(a,d)) = d, add(a,d) >= a, and add gives the EARLIEST such instant:
    /// wt(a, add(a,d) - 1ms) < d when d > 0 (so the millisecond before it is working).
    #[test]
    fn add_working_time_inverts_working_time(
        s in arb_scenario(false),
        o in arb_offset(),
        d in prop_oneof![
            1 => Just(0i64),
            1 => 1i64..2000,
            4 => 0i64..3 * DAY_MS,
        ],
    ) {
        let c = s.cal.build();
        let a = s.anchor + o;
        let x = add(&c, a, d);
        prop_assert!(x >= a);
        prop_assert_eq!(wt(&c, a, x), d, "{}", s.cal.toml());
        if d == 0 {
            prop_assert_eq!(x, a);
        } else {
            prop_assert!(wt(&c, a, x - 1) < d, "add({}, {}) = {} is not the earliest", a, d, x);
            prop_assert!(working(&c, x - 1));
        }
    }

    /// add(a, wt(a,x)) <= x, and it reaches the same working time.
    #[test]
    fn add_of_working_time_is_at_most_x(s in arb_scenario(false), o in proptest::array::uniform2(arb_offset())) {
        let c = s.cal.build();
        let (a, x) = (s.anchor + o[0].min(o[1]), s.anchor + o[0].max(o[1]));
        let w = wt(&c, a, x);
        let y = add(&c, a, w);
        prop_assert!(y <= x, "add(a, wt(a,x)) = {} > x = {}", y, x);
        prop_assert!(y >= a);
        prop_assert_eq!(wt(&c, a, y), w);
    }

    /// is_working(t) exactly when the millisecond [t, t+1ms) is working time.
    #[test]
    fn is_working_agrees_with_working_time(s in arb_scenario(false), o in arb_offset(), near in -3i64..3) {
        let c = s.cal.build();
        // Also probe the milliseconds right around a change of state.
        let t0 = s.anchor + o;
        let t = match c.next_change(at(t0)).unwrap() {
            Some(n) if near != 0 => n.as_millis() + near,
            _ => t0,
        };
        prop_assert_eq!(working(&c, t), wt(&c, t, t + 1) == 1, "at {}", at(t));
    }

    /// next_change(t) is where is_working flips, and nothing flips in between: the whole
    /// of [t, next) is working (wt = wall time) or none of it is (wt = 0).
    #[test]
    fn next_change_is_the_next_flip(s in arb_scenario(false), o in arb_offset(), samples in proptest::collection::vec(0.0f64..1.0, 4)) {
        let c = s.cal.build();
        let t = s.anchor + o;
        let state = working(&c, t);
        let next = c.next_change(at(t)).unwrap();
        let Some(next) = next else {
            // Nothing changes within the horizon: a 2-month look-ahead must agree.
            let w = wt(&c, t, t + 60 * DAY_MS);
            prop_assert_eq!(w, if state { 60 * DAY_MS } else { 0 });
            return Ok(());
        };
        let n = next.as_millis();
        prop_assert!(n > t, "next_change({}) = {} is not after it", t, n);
        prop_assert_ne!(working(&c, n), state, "no flip at {}", next);
        prop_assert_eq!(working(&c, n - 1), state);
        prop_assert_eq!(wt(&c, t, n), if state { n - t } else { 0 }, "{}", s.cal.toml());
        for f in samples {
            let p = t + ((n - t) as f64 * f) as i64;
            prop_assert_eq!(working(&c, p.min(n - 1)), state);
        }
        // And the change after that is a flip back.
        if let Some(after) = c.next_change(next).unwrap() {
            prop_assert!(after > next);
            prop_assert_eq!(working(&c, after.as_millis()), state);
        }
    }

    /// Nbd: closes never decrease with N, each close ends working time (the millisecond before is
    /// working), and the target is the working time from the start to the close.
    #[test]
    fn business_days_are_ordered_and_consistent(s in arb_scenario(false), o in arb_offset(), n in 0u32..6) {
        let c = s.cal.build();
        let start = at(s.anchor + o);
        let close_n = c.close_of_business(start, n).unwrap();
        let close_next = c.close_of_business(start, n + 1).unwrap();
        // Non-decreasing, not increasing: with overlapping windows a later date can close
        // no later than an earlier date's overnight window.
        prop_assert!(close_n <= close_next, "{}bd = {} after {}bd = {}", n, close_n, n + 1, close_next);
        prop_assert!(close_n > start);
        prop_assert!(c.is_working(at(close_n.as_millis() - 1)).unwrap());
        let target = c.target_working_time(start, TargetDuration::BusinessDays(n)).unwrap();
        prop_assert_eq!(target, c.working_time(start, close_n).unwrap());
        prop_assert!(target > Duration::ZERO);
        // The deadline of that target is the close itself, or an earlier instant at which
        // the same working time has elapsed (working time cannot pass the close).
        let due = c.add_working_time(start, target).unwrap();
        prop_assert!(due <= close_n);
        prop_assert_eq!(
            c.target_working_time(start, TargetDuration::Working(Duration::from_millis(o.abs()))).unwrap(),
            Duration::from_millis(o.abs())
        );
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// 24x7 equals wall time, and its deadline is plain addition.
    #[test]
    fn always_equals_wall_time(a in RANGE_START..RANGE_END, len in -10 * DAY_MS..400 * DAY_MS) {
        let c = Calendar::always();
        let b = a + len;
        prop_assert_eq!(wt(&c, a, b), len.max(0));
        prop_assert_eq!(add(&c, a, len.max(0)), a + len.max(0));
        prop_assert!(working(&c, a));
        prop_assert_eq!(c.next_change(at(a)).unwrap(), None);
    }

    /// A business calendar open around the clock every day equals wall time in every zone,
    /// across every DST change; with holidays, a millisecond is working exactly when its
    /// local date (read from chrono-tz, UTC to local) is not a holiday.
    #[test]
    fn round_the_clock_business_calendar_equals_wall_time(
        zone in proptest::sample::select(ZONES),
        split in any::<bool>(),
        anchor_pick in any::<proptest::sample::Index>(),
        o in proptest::array::uniform2(arb_offset()),
        holiday_days in proptest::collection::vec(-4i64..=4, 0..3),
    ) {
        let list = zone_transitions(zone);
        let anchor = if list.is_empty() { 1_700_000_000_000 } else { list[anchor_pick.index(list.len())] };
        let day = if split { r#"["06:00-12:00", "12:00-06:00"]"# } else { r#"["00:00-24:00"]"# };
        let mut text = format!("timezone = {zone:?}\n");
        for key in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
            text.push_str(&format!("{key} = {day}\n"));
        }
        let (a, b) = (anchor + o[0].min(o[1]), anchor + o[0].max(o[1]));
        prop_assert_eq!(wt(&cal(&text), a, b), b - a, "{}", text);

        let tz: chrono_tz::Tz = zone.parse().unwrap();
        let base = local_date(tz, anchor);
        let holidays: Vec<_> = holiday_days.iter().map(|&n| add_days(base, n)).collect();
        let list: Vec<String> = holidays.iter().map(|d| format!("\"{d}\"")).collect();
        text.push_str(&format!("holidays = [{}]\n", list.join(", ")));
        let c = cal(&text);
        for p in [a, b, anchor, anchor - 1, anchor + 1] {
            let open = !holidays.contains(&local_date(tz, p));
            prop_assert_eq!(working(&c, p), open, "at {} in {}", at(p), zone);
        }
    }
}

/// The laws hold at the edges of the supported range too.
#[test]
fn laws_at_the_ends_of_the_range() {
    let c = cal(r#"
        timezone = "Pacific/Apia"
        mon = ["22:00-06:00"]
        fri = ["08:00-17:00"]
    "#);
    let (min, max) = (Instant::MIN.as_millis(), Instant::MAX.as_millis());
    let total = wt(&c, min, max);
    let mid = t("2011-12-30T00:00:00Z").as_millis();
    assert_eq!(total, wt(&c, min, mid) + wt(&c, mid, max));
    // Roughly 17 hours a week for 300 years.
    let weeks = (max - min) / (7 * DAY_MS);
    assert!(
        (total - weeks * 17 * HOUR_MS).abs() < 2 * 17 * HOUR_MS,
        "{total}"
    );
    assert!(add(&c, min, total) <= max);
    assert_eq!(wt(&c, min, add(&c, min, total)), total);
}
