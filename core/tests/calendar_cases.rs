//! Hand-checked calendar cases (SPEC §2-§4), each with its arithmetic in a comment.
//!
//! Offsets used below: New York EST -05:00 / EDT -04:00 (2026: spring forward Sunday
//! 03-08 at 02:00 EST, fall back Sunday 11-01 at 02:00 EDT); London GMT / BST +01:00
//! (2026: Sunday 03-29 at 01:00 GMT, Sunday 10-25 at 02:00 BST); Lord Howe +10:30 / +11:00
//! (2026: back Sunday 04-05 at 02:00 to 01:30, forward Sunday 10-04 at 02:00 to 02:30);
//! Kolkata +05:30 all year; Apia -10:00 until 2011-12-29 23:59:59, then +14:00 from
//! 2011-12-31 00:00:00 (Friday 2011-12-30 never happened).

mod common;

use std::time::{Duration as StdDuration, Instant as StdInstant};

use common::*;
use slaledger::calendar::Calendars;
use slaledger::{Calendar, CalendarSpec, Duration, Instant, TargetDuration};

fn wt(c: &Calendar, a: &str, b: &str) -> Duration {
    c.working_time(t(a), t(b)).unwrap()
}

fn due(c: &Calendar, a: &str, d: Duration) -> String {
    c.add_working_time(t(a), d).unwrap().to_string()
}

fn cob(c: &Calendar, start: &str, n: u32) -> String {
    c.close_of_business(t(start), n).unwrap().to_string()
}

fn next(c: &Calendar, at: &str) -> Option<String> {
    c.next_change(t(at)).unwrap().map(|i| i.to_string())
}

fn one_day(zone: &str, key: &str, windows: &str) -> Calendar {
    cal(&format!("timezone = {zone:?}\n{key} = {windows}\n"))
}

const WEEKDAYS_8_17: &str = r#"
    mon = ["08:00-17:00"]
    tue = ["08:00-17:00"]
    wed = ["08:00-17:00"]
    thu = ["08:00-17:00"]
    fri = ["08:00-17:00"]
"#;

fn weekdays(zone: &str, extra: &str) -> Calendar {
    cal(&format!("timezone = {zone:?}\n{WEEKDAYS_8_17}\n{extra}\n"))
}

// ---------------------------------------------------------------------------------------
// DST: the SPEC §3 examples.
// ---------------------------------------------------------------------------------------

#[test]
fn new_york_fall_back_night() {
    // 00:00-04:00 on Sunday 2026-11-01: 00:00 EDT = 04:00Z, 04:00 EST = 09:00Z: 5 hours.
    let c = one_day("America/New_York", "sun", r#"["00:00-04:00"]"#);
    assert_eq!(
        wt(&c, "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z"),
        hours(5)
    );
    assert_eq!(
        next(&c, "2026-10-31T00:00:00Z").unwrap(),
        "2026-11-01T04:00:00Z"
    );
    assert_eq!(
        next(&c, "2026-11-01T04:00:00Z").unwrap(),
        "2026-11-01T09:00:00Z"
    );

    // 01:30-02:30: 01:30 happens twice and maps to its earlier occurrence, 01:30 EDT =
    // 05:30Z; 02:30 happens once, 02:30 EST = 07:30Z: 2 hours.
    let c = one_day("America/New_York", "sun", r#"["01:30-02:30"]"#);
    assert_eq!(
        wt(&c, "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z"),
        hours(2)
    );
    assert!(!c.is_working(t("2026-11-01T05:29:59.999Z")).unwrap());
    assert!(c.is_working(t("2026-11-01T05:30:00Z")).unwrap());
    assert!(c.is_working(t("2026-11-01T07:29:59.999Z")).unwrap());
    assert!(!c.is_working(t("2026-11-01T07:30:00Z")).unwrap());
}

#[test]
fn new_york_spring_forward_night() {
    // 00:00-04:00 on Sunday 2026-03-08: 00:00 EST = 05:00Z, 04:00 EDT = 08:00Z: 3 hours.
    let c = one_day("America/New_York", "sun", r#"["00:00-04:00"]"#);
    assert_eq!(
        wt(&c, "2026-03-07T00:00:00Z", "2026-03-09T00:00:00Z"),
        hours(3)
    );
    // 02:30-03:30: 02:30 does not exist and maps to the end of the gap, 03:00 EDT =
    // 07:00Z; 03:30 EDT = 07:30Z: 30 minutes.
    let c = one_day("America/New_York", "sun", r#"["02:30-03:30"]"#);
    assert_eq!(
        wt(&c, "2026-03-07T00:00:00Z", "2026-03-09T00:00:00Z"),
        mins(30)
    );
    assert_eq!(
        next(&c, "2026-03-08T00:00:00Z").unwrap(),
        "2026-03-08T07:00:00Z"
    );
    // A window entirely inside the gap (02:10-02:50) is empty that night.
    let c = one_day("America/New_York", "sun", r#"["02:10-02:50"]"#);
    assert_eq!(
        wt(&c, "2026-03-07T00:00:00Z", "2026-03-09T00:00:00Z"),
        Duration::ZERO
    );
    // ... and 40 minutes a week later: 02:10 EDT = 06:10Z to 02:50 EDT = 06:50Z.
    assert_eq!(
        wt(&c, "2026-03-15T00:00:00Z", "2026-03-16T00:00:00Z"),
        mins(40)
    );
}

#[test]
fn london_both_dst_nights() {
    // Spring, Sunday 2026-03-29: 00:00 GMT = 00:00Z, 04:00 BST = 03:00Z: 3 hours.
    let c = one_day("Europe/London", "sun", r#"["00:00-04:00"]"#);
    assert_eq!(
        wt(&c, "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z"),
        hours(3)
    );
    // Autumn, Sunday 2026-10-25: 00:00 BST = 10-24T23:00Z, 04:00 GMT = 04:00Z: 5 hours.
    assert_eq!(
        wt(&c, "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z"),
        hours(5)
    );
    // London's repeated hour is 01:00-02:00. Spring: 01:30 is in the gap and maps to
    // 02:00 BST = 01:00Z; 02:30 BST = 01:30Z: 30 minutes. Autumn: 01:30 BST (the earlier)
    // = 00:30Z, 02:30 GMT = 02:30Z: 2 hours.
    let c = one_day("Europe/London", "sun", r#"["01:30-02:30"]"#);
    assert_eq!(
        wt(&c, "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z"),
        mins(30)
    );
    assert_eq!(
        wt(&c, "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z"),
        hours(2)
    );
    assert_eq!(
        next(&c, "2026-10-25T00:00:00Z").unwrap(),
        "2026-10-25T00:30:00Z"
    );
    assert_eq!(
        next(&c, "2026-10-25T00:30:00Z").unwrap(),
        "2026-10-25T02:30:00Z"
    );
}

#[test]
fn lord_howe_half_hour_transitions() {
    // Back on Sunday 2026-04-05: 02:00 +11:00 (15:00Z) becomes 01:30 +10:30, so
    // 01:30-02:00 happens twice. 01:00-03:00: 01:00 +11 = 04-04T14:00Z, 03:00 +10:30 =
    // 16:30Z: 2h30m.
    let c = one_day("Australia/Lord_Howe", "sun", r#"["01:00-03:00"]"#);
    assert_eq!(
        wt(&c, "2026-04-04T00:00:00Z", "2026-04-05T12:00:00Z"),
        hm(2, 30)
    );
    // 01:45-02:15: 01:45 +11 (the earlier) = 14:45Z, 02:15 +10:30 = 15:45Z: 1 hour.
    let c = one_day("Australia/Lord_Howe", "sun", r#"["01:45-02:15"]"#);
    assert_eq!(
        wt(&c, "2026-04-04T00:00:00Z", "2026-04-05T12:00:00Z"),
        hours(1)
    );
    // Forward on Sunday 2026-10-04: 02:00 +10:30 (15:30Z) becomes 02:30 +11. 01:00-03:00:
    // 01:00 +10:30 = 10-03T14:30Z, 03:00 +11 = 16:00Z: 1h30m.
    let c = one_day("Australia/Lord_Howe", "sun", r#"["01:00-03:00"]"#);
    assert_eq!(
        wt(&c, "2026-10-03T00:00:00Z", "2026-10-04T12:00:00Z"),
        hm(1, 30)
    );
    // 02:10-02:40: 02:10 is in the gap and maps to its end, 15:30Z; 02:40 +11 = 15:40Z.
    let c = one_day("Australia/Lord_Howe", "sun", r#"["02:10-02:40"]"#);
    assert_eq!(
        wt(&c, "2026-10-03T00:00:00Z", "2026-10-04T12:00:00Z"),
        mins(10)
    );
    assert_eq!(
        next(&c, "2026-10-03T00:00:00Z").unwrap(),
        "2026-10-03T15:30:00Z"
    );
}

#[test]
fn kolkata_half_hour_offset() {
    // Monday 2026-01-05 09:30-18:30 +05:30 = 04:00Z-13:00Z: 9 hours.
    let c = one_day("Asia/Kolkata", "mon", r#"["09:30-18:30"]"#);
    assert_eq!(
        wt(&c, "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"),
        hours(9)
    );
    assert!(!c.is_working(t("2026-01-05T03:59:59.999Z")).unwrap());
    assert!(c.is_working(t("2026-01-05T04:00:00Z")).unwrap());
    assert_eq!(
        next(&c, "2026-01-05T00:00:00Z").unwrap(),
        "2026-01-05T04:00:00Z"
    );
    assert_eq!(
        next(&c, "2026-01-05T04:00:00Z").unwrap(),
        "2026-01-05T13:00:00Z"
    );
    // A 10-hour target from Monday 17:30 IST (12:00Z): 1h Monday, then 9h the next Monday
    // from 04:00Z ends at 13:00Z, the close (the earliest instant, not the next opening).
    assert_eq!(
        due(&c, "2026-01-05T12:00:00Z", hours(10)),
        "2026-01-12T13:00:00Z"
    );
    // Overnight Sunday 22:00-02:00 IST = Sun 16:30Z to Sun 20:30Z: 4 hours.
    let c = one_day("Asia/Kolkata", "sun", r#"["22:00-02:00"]"#);
    assert_eq!(
        wt(&c, "2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z"),
        hours(4)
    );
    assert_eq!(
        next(&c, "2026-01-04T00:00:00Z").unwrap(),
        "2026-01-04T16:30:00Z"
    );
}

#[test]
fn apia_skipped_day() {
    // Every day 08:00-17:00 in Apia. From 12-29T12:00Z (Thursday 02:00 -10:00, after
    // Wednesday's window closed at 12-29T03:00Z) to 12-31T12:00Z (Sunday 02:00 +14:00):
    // Thu 2011-12-29 -10:00: 18:00Z to 12-30T03:00Z, 9h. Fri 2011-12-30 does not exist:
    // its whole window maps to the end of the gap, 12-30T10:00Z, and holds nothing.
    // Sat 2011-12-31 +14:00: 12-30T18:00Z to 12-31T03:00Z, 9h.
    let every = r#"["08:00-17:00"]"#;
    let c = cal(&format!(
        "timezone = \"Pacific/Apia\"\nmon = {every}\ntue = {every}\nwed = {every}\nthu = {every}\nfri = {every}\nsat = {every}\nsun = {every}\n"
    ));
    assert_eq!(
        wt(&c, "2011-12-29T12:00:00Z", "2011-12-31T12:00:00Z"),
        hours(18)
    );
    // The UTC day 12-30 (local Thursday 14:00 to Saturday 14:00) has Thursday's 3 hours
    // (14:00-17:00 -10) and Saturday's 6 hours (08:00-14:00 +14).
    assert_eq!(
        wt(&c, "2011-12-30T00:00:00Z", "2011-12-31T00:00:00Z"),
        hours(9)
    );
    // Closes Thursday 17:00 -10 (12-30T03:00Z), opens Saturday 08:00 +14 (12-30T18:00Z).
    assert_eq!(
        next(&c, "2011-12-30T01:00:00Z").unwrap(),
        "2011-12-30T03:00:00Z"
    );
    assert_eq!(
        next(&c, "2011-12-30T03:00:00Z").unwrap(),
        "2011-12-30T18:00:00Z"
    );
    // An exception opening the skipped Friday adds nothing.
    let with_exception = cal(&format!(
        "timezone = \"Pacific/Apia\"\nthu = {every}\nsat = {every}\nexceptions = [{{ date = \"2011-12-30\", hours = [\"09:00-17:00\"] }}]\n"
    ));
    assert_eq!(
        wt(
            &with_exception,
            "2011-12-29T12:00:00Z",
            "2011-12-31T12:00:00Z"
        ),
        hours(18)
    );

    // 24x7 equals wall time across the skip: 72 hours of UTC are 72 hours.
    let always = Calendar::always();
    assert_eq!(
        wt(&always, "2011-12-29T00:00:00Z", "2012-01-01T00:00:00Z"),
        hours(72)
    );
    // So does a business calendar open 00:00-24:00 every day in Apia: Thursday's window
    // ends at the start of the missing Friday, which is the start of Saturday.
    let all = r#"["00:00-24:00"]"#;
    let c = cal(&format!(
        "timezone = \"Pacific/Apia\"\nmon = {all}\ntue = {all}\nwed = {all}\nthu = {all}\nfri = {all}\nsat = {all}\nsun = {all}\n"
    ));
    assert_eq!(
        wt(&c, "2011-12-29T00:00:00Z", "2012-01-01T00:00:00Z"),
        hours(72)
    );
    assert_eq!(c.next_change(t("2011-12-30T00:00:00Z")).unwrap(), None);
}

// ---------------------------------------------------------------------------------------
// Holidays and exceptions.
// ---------------------------------------------------------------------------------------

#[test]
fn holiday_on_a_dst_day() {
    // New York, sat = sun = 22:00-06:00, holiday Sunday 2026-03-08 (spring forward).
    // Saturday's window: 22:00 EST = 03-08T03:00Z to Sunday 06:00 EDT = 10:00Z, clipped at
    // the holiday's midnight, 00:00 EST = 05:00Z: 2 hours.
    // Sunday's window: 22:00 EDT = 03-09T02:00Z to Monday 06:00 EDT = 10:00Z; the holiday
    // ends at Monday 00:00 EDT = 04:00Z, so 04:00Z-10:00Z counts: 6 hours.
    let c = cal(r#"
        timezone = "America/New_York"
        sat = ["22:00-06:00"]
        sun = ["22:00-06:00"]
        holidays = ["2026-03-08"]
    "#);
    assert_eq!(
        wt(&c, "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z"),
        hours(8)
    );
    assert!(c.is_working(t("2026-03-08T04:59:59.999Z")).unwrap());
    assert!(!c.is_working(t("2026-03-08T05:00:00Z")).unwrap());
    assert_eq!(
        next(&c, "2026-03-08T05:00:00Z").unwrap(),
        "2026-03-09T04:00:00Z"
    );
    // Without the holiday: 22:00 EST to 06:00 EDT is 7 real hours, plus Sunday's 8.
    let c = cal(r#"
        timezone = "America/New_York"
        sat = ["22:00-06:00"]
        sun = ["22:00-06:00"]
    "#);
    assert_eq!(
        wt(&c, "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z"),
        hours(15)
    );
    // A holiday on the fall-back Sunday 2026-11-01 closes all 25 hours of it: on a
    // calendar open 00:00-24:00 every day, of the 49 wall hours from Saturday 00:00 EDT
    // to Monday 00:00 EST only Saturday's 24 are working time.
    let c = cal(r#"
        timezone = "America/New_York"
        mon = ["00:00-24:00"]
        tue = ["00:00-24:00"]
        wed = ["00:00-24:00"]
        thu = ["00:00-24:00"]
        fri = ["00:00-24:00"]
        sat = ["00:00-24:00"]
        sun = ["00:00-24:00"]
        holidays = ["2026-11-01"]
    "#);
    // Saturday 00:00 EDT = 10-31T04:00Z; Monday 00:00 EST = 11-02T05:00Z: 49 wall hours.
    assert_eq!(
        wt(&c, "2026-10-31T04:00:00Z", "2026-11-02T05:00:00Z"),
        hours(24)
    );
}

#[test]
fn overnight_windows_and_holidays() {
    // UTC, Sun and Mon 22:00-06:00, holiday Monday 2026-12-28.
    // Sunday's window spills into the holiday: only Sun 22:00-24:00 counts, 2 hours.
    // Monday's window starts on the holiday: Mon 22:00-24:00 is removed, and the part
    // past midnight (Tue 00:00-06:00) is on Tuesday and still counts, 6 hours (SPEC §3).
    let c = cal(r#"
        timezone = "UTC"
        sun = ["22:00-06:00"]
        mon = ["22:00-06:00"]
        holidays = ["2026-12-28"]
    "#);
    assert_eq!(
        wt(&c, "2026-12-27T00:00:00Z", "2026-12-30T00:00:00Z"),
        hours(8)
    );
    assert!(c.is_working(t("2026-12-27T23:59:59.999Z")).unwrap());
    assert!(!c.is_working(t("2026-12-28T00:00:00Z")).unwrap());
    assert!(!c.is_working(t("2026-12-28T23:00:00Z")).unwrap());
    assert!(c.is_working(t("2026-12-29T00:00:00Z")).unwrap());
    assert!(c.is_working(t("2026-12-29T05:59:59.999Z")).unwrap());
    assert_eq!(
        next(&c, "2026-12-27T23:00:00Z").unwrap(),
        "2026-12-28T00:00:00Z"
    );
    assert_eq!(
        next(&c, "2026-12-28T00:00:00Z").unwrap(),
        "2026-12-29T00:00:00Z"
    );
    assert_eq!(
        next(&c, "2026-12-29T00:00:00Z").unwrap(),
        "2026-12-29T06:00:00Z"
    );
    // A 3-hour deadline from Sunday 23:00: 1h Sunday, then 2h from Tuesday 00:00.
    assert_eq!(
        due(&c, "2026-12-27T23:00:00Z", hours(3)),
        "2026-12-29T02:00:00Z"
    );
    // Holidays on two consecutive dates remove both dates and nothing after them.
    let c = cal(r#"
        timezone = "UTC"
        sun = ["22:00-06:00"]
        mon = ["22:00-06:00"]
        holidays = ["2026-12-28", "2026-12-29"]
    "#);
    assert_eq!(
        wt(&c, "2026-12-27T00:00:00Z", "2026-12-31T00:00:00Z"),
        hours(2)
    );
}

#[test]
fn exceptions_replace_the_windows_of_their_date() {
    // Thursday 2026-12-24 normally 08:00-17:00, excepted to 08:00-12:00 (4h); Friday
    // 2026-12-25 is a holiday; Saturday 2026-12-26 is normally closed, opened 10:00-11:00
    // (1h); Monday 2026-12-28 closed by an empty exception. Total Thu-Mon: 5 hours.
    let c = weekdays(
        "Europe/London",
        r#"
        holidays = ["2026-12-25"]
        exceptions = [
            { date = "2026-12-24", hours = ["08:00-12:00"] },
            { date = "2026-12-26", hours = ["10:00-11:00"] },
            { date = "2026-12-28", hours = [] },
        ]
    "#,
    );
    assert_eq!(
        wt(&c, "2026-12-24T00:00:00Z", "2026-12-29T00:00:00Z"),
        hours(5)
    );
    // An exception on a holiday wins: the date is open 09:00-10:00 and not a holiday.
    let c = weekdays(
        "Europe/London",
        r#"
        holidays = ["2026-12-25"]
        exceptions = [{ date = "2026-12-25", hours = ["09:00-10:00"] }]
    "#,
    );
    assert_eq!(
        wt(&c, "2026-12-25T00:00:00Z", "2026-12-26T00:00:00Z"),
        hours(1)
    );
    // Overlapping windows are a union: 08:00-12:00 and 10:00-14:00 are 6 hours, not 8.
    let c = one_day("UTC", "mon", r#"["08:00-12:00", "10:00-14:00"]"#);
    assert_eq!(
        wt(&c, "2026-12-28T00:00:00Z", "2026-12-29T00:00:00Z"),
        hours(6)
    );
    // 24:00 as an end, and a window running on from it, make one continuous span:
    // Mon 20:00-24:00 and Tue 00:00-02:00 are 6 hours with a single change at each end.
    let c = cal(r#"
        timezone = "UTC"
        mon = ["20:00-24:00"]
        tue = ["00:00-02:00"]
    "#);
    assert_eq!(
        wt(&c, "2026-12-28T00:00:00Z", "2026-12-30T00:00:00Z"),
        hours(6)
    );
    assert_eq!(
        next(&c, "2026-12-28T20:00:00Z").unwrap(),
        "2026-12-29T02:00:00Z"
    );
    // Seconds in windows: 08:00:30-08:01:15 is 45 seconds.
    let c = one_day("UTC", "mon", r#"["08:00:30-08:01:15"]"#);
    assert_eq!(
        wt(&c, "2026-12-28T00:00:00Z", "2026-12-29T00:00:00Z"),
        Duration::from_secs(45)
    );
}

// ---------------------------------------------------------------------------------------
// Tickets and deadlines.
// ---------------------------------------------------------------------------------------

#[test]
fn ticket_opened_friday_night_measured_monday_morning() {
    // Opened Friday 2026-11-06 21:00 New York (after the 17:00 close), measured Monday
    // 2026-11-09 09:30: nothing Friday night or over the weekend, Monday 08:00-09:30: 1h30m.
    let c = weekdays("America/New_York", "");
    assert_eq!(
        wt(&c, "2026-11-06T21:00:00-05:00", "2026-11-09T09:30:00-05:00"),
        hm(1, 30)
    );
    // The same in London and in Kolkata, in their own wall time.
    let c = weekdays("Europe/London", "");
    assert_eq!(
        wt(&c, "2026-11-06T21:00:00Z", "2026-11-09T09:30:00Z"),
        hm(1, 30)
    );
    let c = weekdays("Asia/Kolkata", "");
    assert_eq!(
        wt(&c, "2026-11-06T21:00:00+05:30", "2026-11-09T09:30:00+05:30"),
        hm(1, 30)
    );
}

#[test]
fn deadlines_across_weekends_holidays_and_dst() {
    let c = weekdays(
        "America/New_York",
        r#"holidays = ["2026-11-26", "2026-12-25"]"#,
    );
    // Wednesday 2026-11-25 15:00 EST + 4h: 2h Wednesday (15:00-17:00), Thursday is
    // Thanksgiving, 2h Friday 08:00-10:00 EST = 15:00Z.
    assert_eq!(
        due(&c, "2026-11-25T15:00:00-05:00", hours(4)),
        "2026-11-27T15:00:00Z"
    );
    // Thursday 2026-12-24 16:00 EST + 10h: 1h Thursday, Christmas Friday and the weekend
    // closed, 9h Monday 08:00-17:00: due at Monday's close 17:00 EST = 22:00Z (the
    // earliest such instant), not at Tuesday's opening.
    assert_eq!(
        due(&c, "2026-12-24T16:00:00-05:00", hours(10)),
        "2026-12-28T22:00:00Z"
    );
    assert_eq!(
        wt(&c, "2026-12-24T16:00:00-05:00", "2026-12-29T08:00:00-05:00"),
        hours(10)
    );
    // Across spring forward: Friday 2026-03-06 16:00 EST + 2h: 1h Friday, then Monday
    // 2026-03-09 08:00 EDT + 1h = 09:00 EDT = 13:00Z.
    assert_eq!(
        due(&c, "2026-03-06T16:00:00-05:00", hours(2)),
        "2026-03-09T13:00:00Z"
    );
    // Across fall back: Friday 2026-10-30 16:30 EDT + 1h: 30m Friday, then Monday
    // 2026-11-02 08:00 EST + 30m = 08:30 EST = 13:30Z.
    assert_eq!(
        due(&c, "2026-10-30T16:30:00-04:00", hours(1)),
        "2026-11-02T13:30:00Z"
    );
    // d = 0 gives a itself, even outside working time (Saturday).
    let sat = t("2026-11-28T12:34:56.789Z");
    assert_eq!(c.add_working_time(sat, Duration::ZERO).unwrap(), sat);
    // Starting outside hours, the smallest step lands one millisecond after the opening.
    assert_eq!(
        due(&c, "2026-11-28T12:00:00Z", Duration::from_millis(1)),
        "2026-11-30T13:00:00.001Z"
    );
    // A negative duration is refused.
    let err = c
        .add_working_time(sat, Duration::from_millis(-1))
        .unwrap_err();
    assert_eq!(err.code(), "invalid_duration");
    // 24x7: deadlines are plain addition, across DST in any zone.
    let always = Calendar::always();
    assert_eq!(
        due(&always, "2026-03-08T06:30:00Z", hours(1)),
        "2026-03-08T07:30:00Z"
    );
}

// ---------------------------------------------------------------------------------------
// Business days (SPEC §4).
// ---------------------------------------------------------------------------------------

#[test]
fn business_days_close_of_business() {
    let c = weekdays("America/New_York", r#"holidays = ["2026-11-26"]"#);
    // Tuesday 2026-11-24 10:00 EST. 0bd: close of Tuesday, 17:00 EST = 22:00Z. 1bd:
    // Wednesday's close. 2bd: Thursday is Thanksgiving, so Friday's close.
    let start = "2026-11-24T10:00:00-05:00";
    assert_eq!(cob(&c, start, 0), "2026-11-24T22:00:00Z");
    assert_eq!(cob(&c, start, 1), "2026-11-25T22:00:00Z");
    assert_eq!(cob(&c, start, 2), "2026-11-27T22:00:00Z");
    // 3bd: the weekend is skipped, Monday 11-30.
    assert_eq!(cob(&c, start, 3), "2026-11-30T22:00:00Z");
    // The 1bd target is the working time to Wednesday's close: 7h + 9h.
    assert_eq!(
        c.target_working_time(t(start), TargetDuration::BusinessDays(1))
            .unwrap(),
        hours(16)
    );
    assert_eq!(
        c.target_working_time(t(start), TargetDuration::Working(hours(3)))
            .unwrap(),
        hours(3)
    );
    // Start outside hours moves to the next working instant first: Saturday 11-21 noon
    // moves to Monday 11-23 08:00, so 0bd is Monday's close and 1bd Tuesday's.
    assert_eq!(
        cob(&c, "2026-11-21T12:00:00-05:00", 0),
        "2026-11-23T22:00:00Z"
    );
    assert_eq!(
        cob(&c, "2026-11-21T12:00:00-05:00", 1),
        "2026-11-24T22:00:00Z"
    );
    // Tuesday 18:00 (after close) moves to Wednesday 08:00: 0bd = Wednesday's close.
    assert_eq!(
        cob(&c, "2026-11-24T18:00:00-05:00", 0),
        "2026-11-25T22:00:00Z"
    );
    // Wednesday 17:00 exactly is already closed (half-open): 0bd is Friday's close.
    assert_eq!(
        cob(&c, "2026-11-25T17:00:00-05:00", 0),
        "2026-11-27T22:00:00Z"
    );

    // An overnight window belongs to the date it starts on: Mon-Fri 22:00-06:00 UTC.
    let night = cal(r#"
        timezone = "UTC"
        mon = ["22:00-06:00"]
        tue = ["22:00-06:00"]
        wed = ["22:00-06:00"]
        thu = ["22:00-06:00"]
        fri = ["22:00-06:00"]
    "#);
    // Tuesday 2026-11-24 02:00 is in Monday's window: 0bd = Tuesday 06:00, Monday's
    // close; 1bd = Wednesday 06:00, Tuesday's close.
    assert_eq!(
        cob(&night, "2026-11-24T02:00:00Z", 0),
        "2026-11-24T06:00:00Z"
    );
    assert_eq!(
        cob(&night, "2026-11-24T02:00:00Z", 1),
        "2026-11-25T06:00:00Z"
    );
    // Saturday 2026-11-28 03:00 is in Friday's window: 0bd = Saturday 06:00; 1bd is
    // Monday's window, closing Tuesday 06:00.
    assert_eq!(
        cob(&night, "2026-11-28T03:00:00Z", 0),
        "2026-11-28T06:00:00Z"
    );
    assert_eq!(
        cob(&night, "2026-11-28T03:00:00Z", 1),
        "2026-12-01T06:00:00Z"
    );

    // A holiday is never a working date. Holiday Monday 2026-11-30: Monday's window is
    // not a business day, although its part past midnight (Tuesday 00:00-06:00) is
    // working time. Sunday 12:00 moves to Tuesday 00:00, in that spill; day 0 is the
    // first working date closing after it, Tuesday (22:00 to Wednesday 06:00).
    let night_holiday = cal(r#"
        timezone = "UTC"
        mon = ["22:00-06:00"]
        tue = ["22:00-06:00"]
        wed = ["22:00-06:00"]
        holidays = ["2026-11-30"]
    "#);
    assert_eq!(
        cob(&night_holiday, "2026-11-29T12:00:00Z", 0),
        "2026-12-02T06:00:00Z"
    );
    assert_eq!(
        cob(&night_holiday, "2026-11-29T12:00:00Z", 1),
        "2026-12-03T06:00:00Z"
    );
    // Its target: Tue 00:00-06:00 (6h) + Tue 22:00-Wed 06:00 (8h) = 14h.
    assert_eq!(
        night_holiday
            .target_working_time(t("2026-11-29T12:00:00Z"), TargetDuration::BusinessDays(0))
            .unwrap(),
        hours(14)
    );

    // Overlapping windows: Friday 22:00-06:00 runs past all of Saturday's 01:00-02:00.
    // From Friday 2026-11-27 23:00: 0bd is Friday's close, Saturday 06:00. Saturday's own
    // close is 02:00, earlier, so 1bd stays at 06:00 (deadlines never decrease with N);
    // 2bd is the next Friday's close, Saturday 12-05 06:00.
    let overlap = cal(r#"
        timezone = "UTC"
        fri = ["22:00-06:00"]
        sat = ["01:00-02:00"]
    "#);
    assert_eq!(
        cob(&overlap, "2026-11-27T23:00:00Z", 0),
        "2026-11-28T06:00:00Z"
    );
    assert_eq!(
        cob(&overlap, "2026-11-27T23:00:00Z", 1),
        "2026-11-28T06:00:00Z"
    );
    assert_eq!(
        cob(&overlap, "2026-11-27T23:00:00Z", 2),
        "2026-12-05T06:00:00Z"
    );

    // Business days on a DST day: Sunday-only 00:00-04:00 in New York; 0bd from Saturday
    // 2026-10-31 is Sunday 04:00 EST = 09:00Z, and its target 5 real hours.
    let sunday = one_day("America/New_York", "sun", r#"["00:00-04:00"]"#);
    assert_eq!(
        cob(&sunday, "2026-10-31T12:00:00Z", 0),
        "2026-11-01T09:00:00Z"
    );
    assert_eq!(
        sunday
            .target_working_time(t("2026-10-31T12:00:00Z"), TargetDuration::BusinessDays(0))
            .unwrap(),
        hours(5)
    );

    // 24x7 has no close of business.
    let err = Calendar::always()
        .close_of_business(t(start), 1)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_duration");
    assert!(err.message().contains("24x7"), "{err}");
}

#[test]
fn many_business_days_are_not_cut_by_the_search_horizon() {
    // 3660bd (the most TargetDuration accepts) on a Mon-Fri calendar is about 14 years of
    // dates; the search horizon is about consecutive closed time, not total time.
    let c = weekdays("UTC", "");
    let close = c
        .close_of_business(t("2026-01-05T09:00:00Z"), 3660)
        .unwrap();
    // 3660 business days after Monday 2026-01-05 (day 0) is 732 weeks later, a Monday:
    // 2026-01-05 + 5124 days = 2040-01-16 (14 years are 5113 days with 2028, 2032 and
    // 2036 leap, plus 11), closing 17:00.
    assert_eq!(close.to_string(), "2040-01-16T17:00:00Z");
}

// ---------------------------------------------------------------------------------------
// Validation errors (SPEC §3): code, calendar name and the offending value.
// ---------------------------------------------------------------------------------------

fn toml_err(name: &str, text: &str) -> slaledger::Error {
    Calendar::from_toml(name, text).expect_err(text)
}

fn assert_mentions(err: &slaledger::Error, code: &str, needles: &[&str]) {
    assert_eq!(err.code(), code, "{err}");
    for needle in needles {
        assert!(
            err.message().contains(needle),
            "message {:?} lacks {needle:?}",
            err.message()
        );
    }
}

#[test]
fn every_validation_error_names_the_calendar_and_the_value() {
    let e = toml_err(
        "ops",
        r#"timezone = "Mars/Olympus_Mons"
           mon = ["08:00-17:00"]"#,
    );
    assert_mentions(&e, "unknown_time_zone", &["\"ops\"", "Mars/Olympus_Mons"]);

    for (window, value) in [
        ("8am-5pm", "8am"),
        ("25:00-26:00", "25:00"),
        ("08:00-17:60", "17:60"),
        ("24:00-06:00", "24:00"),
        ("08:00", "08:00"),
    ] {
        let e = toml_err("ops", &format!("timezone = \"UTC\"\nwed = [{window:?}]"));
        assert_mentions(&e, "invalid_time", &["\"ops\"", value, "wed"]);
    }

    for (text, value) in [
        (r#"holidays = ["2026-02-30"]"#, "2026-02-30"),
        (r#"holidays = ["2026-2-3"]"#, "2026-2-3"),
        (r#"holidays = ["2300-01-01"]"#, "2300-01-01"),
        (
            r#"exceptions = [{ date = "tomorrow", hours = [] }]"#,
            "tomorrow",
        ),
    ] {
        let e = toml_err(
            "ops",
            &format!("timezone = \"UTC\"\nmon = [\"08:00-17:00\"]\n{text}"),
        );
        assert_mentions(&e, "invalid_date", &["\"ops\"", value]);
    }

    let e = toml_err(
        "ops",
        r#"timezone = "UTC"
           tue = ["08:00-12:00", "18:00-18:00"]"#,
    );
    assert_mentions(&e, "empty_window", &["\"ops\"", "18:00-18:00", "tue"]);
    // 00:00-00:00 is empty too (a whole day is written 00:00-24:00).
    let e = toml_err("ops", "timezone = \"UTC\"\nsun = [\"00:00-00:00\"]");
    assert_mentions(&e, "empty_window", &["\"ops\"", "00:00-00:00", "sun"]);

    let e = Calendar::from_json(
        "ops",
        r#"{"timezone":"UTC","mon":["08:00-17:00"],"mon":["09:00-10:00"]}"#,
    )
    .unwrap_err();
    assert_mentions(&e, "duplicate_day", &["\"ops\"", "mon"]);

    let e = toml_err(
        "ops",
        r#"timezone = "UTC"
           mon = ["08:00-17:00"]
           exceptions = [
               { date = "2026-12-24", hours = ["08:00-12:00"] },
               { date = "2026-12-24", hours = [] },
           ]"#,
    );
    assert_mentions(&e, "duplicate_date", &["\"ops\"", "2026-12-24"]);

    for text in [
        "timezone = \"UTC\"",
        "timezone = \"UTC\"\nmon = []\nsat = []",
        "timezone = \"UTC\"\nexceptions = [{ date = \"2026-12-24\", hours = [] }]",
    ] {
        let e = toml_err("ops", text);
        assert_mentions(&e, "no_working_time", &["\"ops\""]);
    }

    let e = toml_err("ops", r#"mon = ["08:00-17:00"]"#);
    assert_mentions(&e, "missing_field", &["\"ops\"", "timezone"]);
    let e = toml_err(
        "ops",
        r#"timezone = "UTC"
           mon = ["08:00-17:00"]
           exceptions = [{ date = "2026-12-24" }]"#,
    );
    assert_mentions(&e, "missing_field", &["\"ops\"", "hours"]);

    let e = toml_err(
        "ops",
        r#"timezone = "UTC"
           monday = ["08:00-17:00"]"#,
    );
    assert_mentions(&e, "unknown_key", &["\"ops\"", "monday"]);
    let e = Calendar::from_json(
        "ops",
        r#"{"timezone":"UTC","mon":["08:00-17:00"],"holiday":["2026-12-25"]}"#,
    )
    .unwrap_err();
    assert_mentions(&e, "unknown_key", &["\"ops\"", "holiday"]);

    let e = toml_err("ops", "timezone = ");
    assert_mentions(&e, "invalid_toml", &["\"ops\""]);
    let e = Calendar::from_json("ops", r#"{"timezone": "UTC", "mon": ["#).unwrap_err();
    assert_mentions(&e, "invalid_json", &["\"ops\""]);

    let e = toml_err(
        "ops",
        r#"timezone = "UTC"
           mon = "08:00-17:00""#,
    );
    assert_mentions(&e, "invalid_value", &["\"ops\""]);

    // The same checks when a spec is built directly.
    let mut spec = CalendarSpec::default();
    spec.timezone = Some("Europe/Atlantis".into());
    spec.week[0] = Some(vec!["08:00-17:00".into()]);
    let e = Calendar::from_spec("direct", &spec).unwrap_err();
    assert_mentions(&e, "unknown_time_zone", &["\"direct\"", "Europe/Atlantis"]);

    // In a set of calendars, the failing one is named; 24x7 cannot be redefined.
    let e = Calendars::from_toml(
        r#"
        [calendars.good]
        timezone = "UTC"
        mon = ["08:00-17:00"]
        [calendars.bad]
        timezone = "UTC"
        fri = ["09:00-09:00"]
    "#,
    )
    .unwrap_err();
    assert_mentions(&e, "empty_window", &["\"bad\"", "09:00-09:00", "fri"]);
    let e = Calendars::from_toml(
        r#"
        [calendars.24x7]
        timezone = "UTC"
        mon = ["08:00-17:00"]
    "#,
    )
    .unwrap_err();
    assert_mentions(&e, "invalid_value", &["24x7"]);
}

#[test]
fn calendar_sets_and_accessors() {
    let set = Calendars::from_json(
        r#"{"calendars": {"business": {"timezone": "Asia/Kolkata", "mon": ["09:30-18:30"]}}}"#,
    )
    .unwrap();
    assert_eq!(set.names().collect::<Vec<_>>(), ["24x7", "business"]);
    assert!(set.get("24x7").unwrap().is_always());
    let business = set.get("business").unwrap();
    assert_eq!(business.name(), "business");
    assert_eq!(business.time_zone().unwrap().name(), "Asia/Kolkata");
    assert!(business.spec().is_some());
    assert!(set.get("missing").is_none());
    // A spec round-trips through JSON.
    let json = serde_json::to_string(business.spec().unwrap()).unwrap();
    let again = Calendar::from_json("again", &json).unwrap();
    assert_eq!(again.spec(), business.spec());
}

// ---------------------------------------------------------------------------------------
// The supported range, and the search horizon.
// ---------------------------------------------------------------------------------------

#[test]
fn instants_outside_1900_to_2200_are_errors() {
    let (min, max) = (Instant::MIN.as_millis(), Instant::MAX.as_millis());
    assert_eq!(Instant::MIN.to_string(), "1900-01-01T00:00:00Z");
    assert_eq!(Instant::MAX.to_string(), "2200-01-01T00:00:00Z");
    for ms in [min - 1, max + 1, i64::MIN, i64::MAX] {
        let e = Instant::from_millis(ms).unwrap_err();
        assert_eq!(e.code(), "instant_out_of_range", "{ms}");
    }
    for text in ["1899-12-31T23:59:59.999Z", "2200-01-01T00:00:00.001Z"] {
        assert_eq!(
            Instant::parse(text).unwrap_err().code(),
            "instant_out_of_range"
        );
    }
    // The ends themselves are accepted by every operation.
    let c = weekdays("America/New_York", "");
    assert_eq!(
        c.working_time(Instant::MAX, Instant::MIN).unwrap(),
        Duration::ZERO
    );
    assert!(c.working_time(Instant::MIN, Instant::MAX).unwrap() > Duration::ZERO);
    assert!(!c.is_working(Instant::MAX).unwrap());
    assert_eq!(c.next_change(Instant::MAX).unwrap(), None);
    // Instant::MIN (1900-01-01 00:00Z) is Sunday 1899-12-31 19:00 EST: closed, opening
    // Monday 08:00 EST = 13:00Z.
    assert!(!c.is_working(Instant::MIN).unwrap());
    assert_eq!(
        next(&c, "1900-01-01T00:00:00Z").unwrap(),
        "1900-01-01T13:00:00Z"
    );
    let always = Calendar::always();
    assert_eq!(
        always.working_time(Instant::MIN, Instant::MAX).unwrap(),
        Instant::MAX.since(Instant::MIN)
    );
}

#[test]
fn deadlines_past_2200_are_errors_not_panics() {
    let c = weekdays("America/New_York", "");
    let late = t("2199-12-31T12:00:00Z");
    // 2199-12-31T12:00Z is Tuesday 07:00 EST: all of Tuesday 08:00-17:00 EST (13:00Z to
    // 22:00Z) lies before the end of the range, 2200-01-01T00:00Z (Tuesday 19:00 EST).
    // 9h is due at 22:00Z; 10h needs Wednesday 2200-01-01 and is an error.
    assert_eq!(
        c.add_working_time(late, hours(9)).unwrap().to_string(),
        "2199-12-31T22:00:00Z"
    );
    let e = c.add_working_time(late, hours(10)).unwrap_err();
    assert_eq!(e.code(), "instant_out_of_range", "{e}");
    assert!(e.message().contains("2200"), "{e}");
    // Durations too large for any calendar: an error, never an overflow.
    for d in [
        Duration::from_millis(i64::MAX),
        Duration::from_hours(1_000_000_000),
    ] {
        assert_eq!(
            c.add_working_time(late, d).unwrap_err().code(),
            "instant_out_of_range"
        );
        assert_eq!(
            c.add_working_time(Instant::MIN, d).unwrap_err().code(),
            "instant_out_of_range"
        );
        assert_eq!(
            Calendar::always()
                .add_working_time(late, d)
                .unwrap_err()
                .code(),
            "instant_out_of_range"
        );
    }
    // Nothing fits after the very end of the range.
    for cal in [&c, &Calendar::always()] {
        let e = cal
            .add_working_time(Instant::MAX, Duration::from_millis(1))
            .unwrap_err();
        assert_eq!(e.code(), "instant_out_of_range", "{e}");
        assert_eq!(
            cal.add_working_time(Instant::MAX, Duration::ZERO).unwrap(),
            Instant::MAX
        );
    }
    // Business days past 2200 as well (1bd from Tuesday 2199-12-31 is 2200-01-01).
    let e = c.close_of_business(late, 1).unwrap_err();
    assert_eq!(e.code(), "instant_out_of_range", "{e}");
    assert_eq!(
        c.close_of_business(late, 0).unwrap().to_string(),
        "2199-12-31T22:00:00Z"
    );
    let e = c
        .target_working_time(late, TargetDuration::BusinessDays(3))
        .unwrap_err();
    assert_eq!(e.code(), "instant_out_of_range", "{e}");
    let e = c.close_of_business(late, u32::MAX).unwrap_err();
    assert_eq!(e.code(), "instant_out_of_range", "{e}");
}

#[test]
fn a_single_working_date_in_2020_and_the_search_horizon() {
    // Only 2020-06-01 09:00-17:00 UTC (an exception) is working time, ever.
    let c = cal(r#"
        timezone = "UTC"
        exceptions = [{ date = "2020-06-01", hours = ["09:00-17:00"] }]
    "#);
    assert_eq!(
        wt(&c, "1900-01-01T00:00:00Z", "2200-01-01T00:00:00Z"),
        hours(8)
    );
    assert_eq!(
        due(&c, "2019-01-01T00:00:00Z", hours(1)),
        "2020-06-01T10:00:00Z"
    );
    assert_eq!(
        due(&c, "2020-06-01T16:00:00Z", hours(1)),
        "2020-06-01T17:00:00Z"
    );
    assert_eq!(cob(&c, "2020-01-01T00:00:00Z", 0), "2020-06-01T17:00:00Z");

    let started = StdInstant::now();
    let e = c
        .add_working_time(t("2021-01-01T00:00:00Z"), mins(1))
        .unwrap_err();
    assert_eq!(e.code(), "no_working_time_within_horizon");
    assert!(
        e.message().contains("10 years") && e.message().contains("2021-01-01"),
        "{e}"
    );
    // 1h from 2020-06-01 16:30 finds 30 minutes, then nothing for ten years.
    let e = c
        .add_working_time(t("2020-06-01T16:30:00Z"), hours(1))
        .unwrap_err();
    assert_eq!(e.code(), "no_working_time_within_horizon");
    let e = c
        .close_of_business(t("2021-01-01T00:00:00Z"), 0)
        .unwrap_err();
    assert_eq!(e.code(), "no_working_time_within_horizon");
    let e = c
        .close_of_business(t("2020-01-01T00:00:00Z"), 1)
        .unwrap_err();
    assert_eq!(e.code(), "no_working_time_within_horizon");
    assert_eq!(c.next_change(t("2021-01-01T00:00:00Z")).unwrap(), None);
    assert!(!c.is_working(t("2021-01-01T00:00:00Z")).unwrap());
    // Each refusal stops after the horizon instead of scanning to 2200.
    assert!(
        started.elapsed() < StdDuration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // Within the horizon, working time is still found: 2020 from 2011.
    assert_eq!(
        due(&c, "2011-01-01T00:00:00Z", mins(1)),
        "2020-06-01T09:01:00Z"
    );
}

// ---------------------------------------------------------------------------------------
// Holiday rules, presets and iCalendar import (SPEC §3, `holiday_rules`).
// ---------------------------------------------------------------------------------------

fn closed_dates(c: &Calendar, year: i32) -> Vec<String> {
    c.holidays_in(year).iter().map(|d| d.to_string()).collect()
}

fn utc_weekdays(extra: &str) -> Calendar {
    weekdays("UTC", extra)
}

#[test]
fn rule_kinds_and_their_dates() {
    // Fixed days, n-th and last weekdays, Easter offsets, a weekday before a date.
    let c = utc_weekdays(
        r#"holiday_rules = [
            { fixed = "12-25" },
            { month = 11, weekday = "thu", nth = 4 },
            { month = 5, weekday = "mon", nth = -1 },
            { easter = -2 }, { easter = 1 }, { easter = 39 }, { easter = 50 },
            { weekday = "wed", before = "11-23" },
            { weekday = "sat", after = "06-19" },
        ]"#,
    );
    // Easter 2026 is 5 April: Good Friday 3 April, Easter Monday 6 April, Ascension
    // 14 May, Whit Monday 25 May (also the last Monday of May). Thanksgiving 26 November;
    // the Wednesday before 23 November is the 18th; the Saturday after 19 June the 20th.
    assert_eq!(
        closed_dates(&c, 2026),
        [
            "2026-04-03",
            "2026-04-06",
            "2026-05-14",
            "2026-05-25",
            "2026-06-20",
            "2026-11-18",
            "2026-11-26",
            "2026-12-25"
        ]
    );
    // 29 February exists in leap years only: no date in 2026, a date in 2028.
    let c = utc_weekdays(r#"holiday_rules = [{ fixed = "02-29" }]"#);
    assert!(closed_dates(&c, 2026).is_empty());
    assert_eq!(closed_dates(&c, 2028), ["2028-02-29"]);
    // A fifth Monday of September: 29 September 2025, none in 2026 (7, 14, 21, 28). A rule
    // without a date in some year is not an error.
    let c = utc_weekdays(r#"holiday_rules = [{ month = 9, weekday = "mon", nth = 5 }]"#);
    assert_eq!(closed_dates(&c, 2025), ["2025-09-29"]);
    assert!(closed_dates(&c, 2026).is_empty());
    // Year bounds are inclusive.
    let c =
        utc_weekdays(r#"holiday_rules = [{ fixed = "03-08", from_year = 2019, to_year = 2020 }]"#);
    assert!(closed_dates(&c, 2018).is_empty());
    assert_eq!(closed_dates(&c, 2019), ["2019-03-08"]);
    assert_eq!(closed_dates(&c, 2020), ["2020-03-08"]);
    assert!(closed_dates(&c, 2021).is_empty());
}

#[test]
fn observed_days_shift_off_weekends() {
    // US style (observed = true): Saturday 4 July 2026 is also observed on Friday the 3rd;
    // Sunday 4 July 2027 on Monday the 5th. The date itself stays closed.
    let c = utc_weekdays(r#"holiday_rules = [{ fixed = "07-04", observed = true }]"#);
    assert_eq!(closed_dates(&c, 2026), ["2026-07-03", "2026-07-04"]);
    assert_eq!(closed_dates(&c, 2027), ["2027-07-04", "2027-07-05"]);
    assert_eq!(closed_dates(&c, 2025), ["2025-07-04"]);
    // New Year's Day 2022 is a Saturday: observed on Friday 31 December 2021, which belongs
    // to the rule's year 2022 (from_year = 2022 still closes it).
    let c =
        utc_weekdays(r#"holiday_rules = [{ fixed = "01-01", observed = true, from_year = 2022 }]"#);
    assert_eq!(closed_dates(&c, 2021), ["2021-12-31"]);
    assert_eq!(closed_dates(&c, 2022), ["2022-01-01"]);
    assert!(closed_dates(&c, 2020).is_empty());
    // A working Friday 31 December 2021, 08:00-17:00, is closed.
    assert_eq!(
        wt(&c, "2021-12-31T00:00:00Z", "2022-01-01T00:00:00Z"),
        Duration::ZERO
    );
    // UK style (observed = "substitute"): the next weekday that is not already a holiday.
    // 2021: Christmas Saturday -> Monday 27, Boxing Day Sunday -> Tuesday 28. 2022:
    // Christmas Sunday; Monday 26 is Boxing Day itself, so Christmas takes Tuesday 27.
    let c = utc_weekdays(
        r#"holiday_rules = [{ fixed = "12-25", observed = "substitute" },
                            { fixed = "12-26", observed = "substitute" }]"#,
    );
    assert_eq!(
        closed_dates(&c, 2021),
        ["2021-12-25", "2021-12-26", "2021-12-27", "2021-12-28"]
    );
    assert_eq!(
        closed_dates(&c, 2022),
        ["2022-12-25", "2022-12-26", "2022-12-27"]
    );
    // The same holiday twice (a preset named twice) gets one substitute day, not two.
    let c = utc_weekdays(r#"holiday_rules = ["gb_england_wales", "gb_england_wales"]"#);
    let twice = closed_dates(&c, 2021);
    let once = closed_dates(
        &utc_weekdays(r#"holiday_rules = ["gb_england_wales"]"#),
        2021,
    );
    assert_eq!(twice, once);
}

#[test]
fn partial_day_rules_and_precedence() {
    // Weekdays 08:00-17:00 New York; Christmas Eve every year 08:00-12:00; US federal.
    let c = weekdays(
        "America/New_York",
        r#"holiday_rules = ["us_federal", { fixed = "12-24", hours = ["08:00-12:00"] }]"#,
    );
    // Thursday 24 December 2026: 4 hours; Friday 25 December closed.
    assert_eq!(
        wt(&c, "2026-12-24T00:00:00-05:00", "2026-12-26T00:00:00-05:00"),
        hours(4)
    );
    // A partial day is like an exception: it wins over a rule's closure. In 2027 Christmas
    // (Saturday) is observed on Friday 24 December, and the partial-day rule still opens
    // its morning (bound the rule with years, or add an exception, where that is wrong).
    assert_eq!(
        wt(&c, "2027-12-24T00:00:00-05:00", "2027-12-25T00:00:00-05:00"),
        hours(4)
    );
    // It can open a normally closed day: Saturday 24 December 2022.
    assert_eq!(
        wt(&c, "2022-12-24T00:00:00-05:00", "2022-12-25T00:00:00-05:00"),
        hours(4)
    );
    // A listed holiday wins over a rule's partial day; an exception over everything.
    let c = weekdays(
        "America/New_York",
        r#"holiday_rules = ["us_federal", { fixed = "12-24", hours = ["08:00-12:00"] }]
           holidays = ["2026-12-24"]
           exceptions = [{ date = "2026-12-25", hours = ["10:00-11:00"] }]"#,
    );
    assert_eq!(
        wt(&c, "2026-12-24T00:00:00-05:00", "2026-12-26T00:00:00-05:00"),
        hours(1)
    );
    // Re-opening one holiday of a preset: Mariä Himmelfahrt (15 August) in a Bavarian
    // municipality where it is not a holiday. Friday 15 August 2025: 9 hours.
    let c = weekdays(
        "Europe/Berlin",
        r#"holiday_rules = ["de_by", { fixed = "08-15", hours = ["08:00-17:00"] }]"#,
    );
    assert_eq!(
        wt(&c, "2025-08-15T00:00:00+02:00", "2025-08-16T00:00:00+02:00"),
        hours(9)
    );
    // Two partial-day rules on one date are a union of their windows.
    let c = utc_weekdays(
        r#"holiday_rules = [{ fixed = "12-31", hours = ["08:00-10:00"] },
                            { fixed = "12-31", hours = ["09:00-12:00"] }]"#,
    );
    assert_eq!(
        wt(&c, "2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z"),
        hours(4)
    );
}

#[test]
fn rules_expand_for_any_year_the_queries_reach() {
    let c = weekdays("America/New_York", r#"holiday_rules = ["us_federal"]"#);
    // Wednesday 26 November 2031, 16:00 EST, a 2-hour target: 1 hour on Wednesday,
    // Thanksgiving (27th) closed, 1 hour on Friday from 08:00: due 09:00 EST = 14:00Z.
    assert_eq!(
        due(&c, "2031-11-26T16:00:00-05:00", hours(2)),
        "2031-11-28T14:00:00Z"
    );
    // 2126 as well: 1 November 2126 is a Friday, so Thanksgiving is 28 November.
    assert!(closed_dates(&c, 2126).contains(&"2126-11-28".to_string()));
    // A year of working time: 2026 has 261 weekdays, 11 federal holidays on weekdays.
    assert_eq!(
        wt(&c, "2026-01-01T00:00:00-05:00", "2027-01-01T00:00:00-05:00"),
        hours((261 - 11) * 9)
    );
    // Business days skip rule holidays: Berlin, Frauentag Monday 8 March 2027. 1bd from
    // Friday 5 March 16:00: day 0 closes Friday 17:00, day 1 is Tuesday 9 March, 17:00
    // CET = 16:00Z. Target: 1h + 9h.
    let c = weekdays("Europe/Berlin", r#"holiday_rules = ["de_be"]"#);
    assert_eq!(
        cob(&c, "2027-03-05T16:00:00+01:00", 1),
        "2027-03-09T16:00:00Z"
    );
    assert_eq!(
        c.target_working_time(
            t("2027-03-05T16:00:00+01:00"),
            TargetDuration::BusinessDays(1)
        )
        .unwrap(),
        hours(10)
    );
}

const ICS_HEAD: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n";
const ICS_TAIL: &str = "END:VCALENDAR\r\n";

fn ics(events: &[&str]) -> String {
    let mut out = ICS_HEAD.to_string();
    for e in events {
        out.push_str("BEGIN:VEVENT\r\n");
        for line in e.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str(ICS_TAIL);
    out
}

fn ics_calendar(zone: &str, text: &str) -> Calendar {
    let mut spec =
        CalendarSpec::from_toml(&format!("timezone = {zone:?}\n{WEEKDAYS_8_17}")).unwrap();
    spec.with_ics(text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    Calendar::from_spec("ics", &spec).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn ics_all_day_events_close_their_dates() {
    let text = ics(&[
        // One day; DTEND is exclusive.
        "UID:a\nSUMMARY:Christmas\nDTSTART;VALUE=DATE:20261225\nDTEND;VALUE=DATE:20261226",
        // Three days, 28 to 30 December; no DTEND would be one day.
        "UID:b\nSUMMARY:Shutdown\nDTSTART;VALUE=DATE:20261228\nDTEND;VALUE=DATE:20261231",
        "UID:c\nSUMMARY:Team day\nDTSTART;VALUE=DATE:20260605",
        // DURATION in days; a cancelled event is skipped.
        "UID:d\nSUMMARY:Inventory\nDTSTART;VALUE=DATE:20260901\nDURATION:P2D",
        "UID:e\nSUMMARY:Called off\nSTATUS:CANCELLED\nDTSTART;VALUE=DATE:20260910",
    ]);
    let c = ics_calendar("Europe/Berlin", &text);
    assert_eq!(
        closed_dates(&c, 2026),
        [
            "2026-06-05",
            "2026-09-01",
            "2026-09-02",
            "2026-12-25",
            "2026-12-28",
            "2026-12-29",
            "2026-12-30"
        ]
    );
    // Like any holiday: the whole local date, midnight to midnight in Berlin. 21-31
    // December 2026: Monday to Thursday and Thursday 31st open, 5 x 9 hours.
    assert_eq!(
        wt(&c, "2026-12-21T00:00:00+01:00", "2027-01-01T00:00:00+01:00"),
        hours(5 * 9)
    );
}

#[test]
fn ics_yearly_recurrences() {
    let text = ics(&[
        // Thanksgiving from 2020: the fourth Thursday of November, every year.
        "UID:t\nSUMMARY:Thanksgiving\nDTSTART;VALUE=DATE:20201126\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
        // New Year's Day, three times (2024, 2025, 2026).
        "UID:n\nSUMMARY:New Year\nDTSTART;VALUE=DATE:20240101\nRRULE:FREQ=YEARLY;COUNT=3",
        // 1 May until 2025, except 2024.
        "UID:m\nSUMMARY:May Day\nDTSTART;VALUE=DATE:20220501\nRRULE:FREQ=YEARLY;UNTIL=20251231\nEXDATE;VALUE=DATE:20240501",
        // Every other year from 2020, the last day of February.
        "UID:f\nSUMMARY:Audit\nDTSTART;VALUE=DATE:20200229\nRRULE:FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=-1",
        // A yearly event moved once: 2026's 3 July is on 6 July (RECURRENCE-ID).
        "UID:s\nSUMMARY:Summer\nDTSTART;VALUE=DATE:20250703\nRRULE:FREQ=YEARLY",
        "UID:s\nSUMMARY:Summer (moved)\nRECURRENCE-ID;VALUE=DATE:20260703\nDTSTART;VALUE=DATE:20260706",
    ]);
    let c = ics_calendar("America/New_York", &text);
    assert_eq!(
        closed_dates(&c, 2026),
        ["2026-01-01", "2026-02-28", "2026-07-06", "2026-11-26"]
    );
    assert_eq!(
        closed_dates(&c, 2025),
        ["2025-01-01", "2025-05-01", "2025-07-03", "2025-11-27"]
    );
    assert_eq!(
        closed_dates(&c, 2024),
        ["2024-01-01", "2024-02-29", "2024-11-28"]
    );
    assert_eq!(closed_dates(&c, 2027), ["2027-07-03", "2027-11-25"]);
    assert_eq!(closed_dates(&c, 2031), ["2031-07-03", "2031-11-27"]);
    assert_eq!(closed_dates(&c, 2019), Vec::<String>::new());
}

#[test]
fn ics_timed_events_are_closed_periods() {
    let text = ics(&[
        // In a named zone, across New York's fall-back night is irrelevant here: Thursday
        // 24 December 2026 12:00-14:00 New York.
        "UID:p\nSUMMARY:Party\nDTSTART;TZID=America/New_York:20261224T120000\nDTEND;TZID=America/New_York:20261224T140000",
        // In UTC: Wednesday 23 December 2026 15:00-16:30Z (10:00-11:30 EST).
        "UID:u\nSUMMARY:Patch\nDTSTART:20261223T150000Z\nDURATION:PT1H30M",
        // Floating (the calendar's zone): Tuesday 22 December 2026 16:00-18:00, of which
        // 16:00-17:00 is working time.
        "UID:f\nSUMMARY:Floating\nDTSTART:20261222T160000\nDTEND:20261222T180000",
        // The third Friday of December every year, 14:00 to 18:00 Berlin (08:00-12:00 New
        // York): 18 December 2026.
        "UID:y\nSUMMARY:Year end\nDTSTART;TZID=Europe/Berlin:20241220T140000\nDTEND;TZID=Europe/Berlin:20241220T180000\nRRULE:FREQ=YEARLY;BYMONTH=12;BYDAY=3FR",
    ]);
    let c = ics_calendar("America/New_York", &text);
    let day = |d: &str| {
        wt(
            &c,
            &format!("{d}T00:00:00-05:00"),
            &format!("{d}T23:59:59-05:00"),
        )
    };
    assert_eq!(day("2026-12-24"), hours(7));
    assert_eq!(day("2026-12-23"), hm(7, 30));
    assert_eq!(day("2026-12-22"), hours(8));
    assert_eq!(day("2026-12-18"), hours(5));
    assert_eq!(day("2025-12-19"), hours(5)); // the third Friday of December 2025
    assert_eq!(day("2026-12-21"), hours(9));
    // Deadlines skip the period: 1 hour from 11:30 on the 24th is due 14:30.
    assert_eq!(
        due(&c, "2026-12-24T11:30:00-05:00", hours(1)),
        "2026-12-24T19:30:00Z"
    );
    // The close of business of a date is the end of its last working time: the floating
    // event takes 16:00-17:00 off Tuesday 22 December, so 0bd closes at 16:00 EST.
    assert_eq!(
        cob(&c, "2026-12-22T09:00:00-05:00", 0),
        "2026-12-22T21:00:00Z"
    );
    assert!(closed_dates(&c, 2026).is_empty());
}

#[test]
fn holiday_rule_and_ics_errors_name_the_calendar_and_the_value() {
    let rule_err = |rule: &str| {
        toml_err(
            "ops",
            &format!("timezone = \"UTC\"\nmon = [\"08:00-17:00\"]\nholiday_rules = [\"us_federal\", {rule}]"),
        )
    };
    for (rule, needle) in [
        (r#"{ fixed = "02-30" }"#, "02-30"),
        (r#"{ fixed = "12/25" }"#, "12/25"),
        (r#"{ month = 11, weekday = "mon", nth = 6 }"#, "nth = 6"),
        (r#"{ month = 11, weekday = "mon", nth = 0 }"#, "nth = 0"),
        (r#"{ month = 11, weekday = "thx", nth = 4 }"#, "thx"),
        (r#"{ month = 13, weekday = "thu", nth = 4 }"#, "month 13"),
        (r#"{ month = 11, weekday = "thu" }"#, "nth"),
        (r#"{ fixed = "12-25", easter = 1 }"#, "easter"),
        (r#"{ easter = 1, observed = true }"#, "observed"),
        (
            r#"{ fixed = "12-25", observed = "sometimes" }"#,
            "sometimes",
        ),
        (
            r#"{ fixed = "12-25", from_year = 2030, to_year = 2020 }"#,
            "2030",
        ),
        (r#"{ fixed = "12-25", from_year = 1800 }"#, "1800"),
        (r#"{ easter = 400 }"#, "400"),
        (r#"{ weekday = "wed" }"#, "missing month, nth"),
        (r#"{ name = "nothing" }"#, "names no date"),
    ] {
        let e = rule_err(rule);
        assert_mentions(
            &e,
            "invalid_holiday_rule",
            &["\"ops\"", "holiday_rules[1]", needle],
        );
    }
    let e = rule_err(r#"{ fixed = "12-24", hours = ["08:00-25:00"] }"#);
    assert_mentions(
        &e,
        "invalid_time",
        &["\"ops\"", "holiday_rules[1]", "25:00"],
    );
    let e = rule_err(r#"{ fixd = "12-24" }"#);
    assert_mentions(&e, "unknown_key", &["\"ops\"", "fixd"]);
    let e = rule_err(r#"{ fixed = "12-24", observed = 3 }"#);
    assert_mentions(&e, "invalid_value", &["\"ops\""]);
    let e = rule_err(r#""us_fed""#);
    assert_mentions(
        &e,
        "unknown_preset",
        &["\"ops\"", "us_fed", "us_federal", "de_by"],
    );
    assert_eq!(e.kind().category(), "calendar");

    // iCalendar: not iCalendar at all, an unclosed component, an unsupported recurrence,
    // a zone that is not IANA, an event without a start.
    for (text, needle) in [
        ("hello".to_string(), "not iCalendar"),
        (format!("{ICS_HEAD}BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VTODO\r\n{ICS_TAIL}"), "line 6 (after unfolding): \"END:VTODO\""),
        (ics(&["UID:w\nDTSTART;VALUE=DATE:20261225\nRRULE:FREQ=WEEKLY"]), "FREQ=WEEKLY"),
        (ics(&["UID:z\nDTSTART;TZID=W. Europe Standard Time:20261225T100000\nDTEND;TZID=W. Europe Standard Time:20261225T110000"]), "W. Europe Standard Time"),
        (ics(&["UID:s\nSUMMARY:Lost\nDTEND;VALUE=DATE:20261225"]), "\"Lost\""),
        (ics(&["UID:x\nDTSTART;VALUE=DATE:2026-12-25"]), "2026-12-25"),
        (ics(&["UID:p\nDTSTART;VALUE=DATE:20261225\nRRULE:FREQ=YEARLY;BYSETPOS=1"]), "BYSETPOS"),
        (ics(&["UID:q\nDTSTART:20261225T100000Z\nDTEND:20261225T090000Z"]), "ends before"),
    ] {
        let mut spec = CalendarSpec::from_toml("timezone = \"UTC\"\nmon = [\"08:00-17:00\"]").unwrap();
        let e = spec.with_ics(&text).unwrap_err();
        assert_eq!(e.code(), "invalid_ics", "{e}");
        assert_eq!(e.kind().category(), "calendar");
        assert!(e.message().contains(needle), "{e} lacks {needle:?}");
        // The same text given as the spec key fails when the calendar is built.
        spec.holiday_ics.push(text);
        let e = Calendar::from_spec("ops", &spec).unwrap_err();
        assert_mentions(&e, "invalid_ics", &["\"ops\"", "holiday_ics[0]", needle]);
    }
}

#[test]
fn specs_with_rules_and_ics_round_trip() {
    let text = format!(
        "timezone = \"Europe/London\"\n{WEEKDAYS_8_17}\nholiday_rules = [\"gb_england_wales\", {{ name = \"Christmas Eve\", fixed = \"12-24\", hours = [\"09:00-12:00\"] }}, {{ fixed = \"07-04\", observed = true, from_year = 2020 }}, {{ month = 11, weekday = \"thu\", nth = -1 }}]\nholiday_ics = '''\n{}'''\n",
        ics(&["UID:a\nDTSTART;VALUE=DATE:20260605"])
    );
    let c = cal(&text);
    let spec = c.spec().unwrap();
    assert_eq!(spec.holiday_rules.len(), 4);
    assert_eq!(spec.holiday_ics.len(), 1);
    let json = serde_json::to_string(spec).unwrap();
    assert!(json.contains(r#""holiday_rules":["gb_england_wales",{"name":"Christmas Eve","fixed":"12-24","hours":["09:00-12:00"]}"#), "{json}");
    assert!(json.contains(r#""observed":true"#), "{json}");
    let again = Calendar::from_json("again", &json).unwrap();
    assert_eq!(again.spec(), c.spec());
    assert_eq!(closed_dates(&again, 2026), closed_dates(&c, 2026));
    let toml_text = toml::to_string(spec).unwrap();
    assert_eq!(CalendarSpec::from_toml(&toml_text).unwrap(), *spec);
    // holiday_ics may be one string or a list.
    let one = format!(
        "{{\"timezone\": \"UTC\", \"mon\": [\"08:00-17:00\"], \"holiday_ics\": {}}}",
        serde_json::to_string(&ics(&["UID:a\nDTSTART;VALUE=DATE:20260605"])).unwrap()
    );
    assert_eq!(
        closed_dates(&Calendar::from_json("one", &one).unwrap(), 2026),
        ["2026-06-05"]
    );
}

/// The fuzz seeds for the new keys are valid calendars, so that fuzzing starts from specs
/// that reach the queries (fuzz/seeds/calendar_spec/).
#[test]
fn holiday_fuzz_seeds_are_valid_calendars() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/seeds/calendar_spec");
    for name in [
        "holiday_rules.toml",
        "holiday_ics.toml",
        "holiday_rules.json",
    ] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let c = if name.ends_with(".json") {
            Calendar::from_json(name, &text)
        } else {
            Calendar::from_toml(name, &text)
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!c.holidays_in(2026).is_empty(), "{name}");
    }
}
