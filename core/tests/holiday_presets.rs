//! Every holiday preset against the dates its authority published, for at least three
//! years each. The source of each list is named above it; the lists are written out by
//! hand from those publications, not computed.
//!
//! `Calendar::holidays_in(year)` is every local date of `year` that the calendar closes.
//! For presets with weekend shifting (US federal "observed", UK "substitute day") the
//! published lists give the weekday that is off; the calendar also closes the weekend date
//! itself (SPEC §3: the holiday stays a holiday), so those weekend dates are listed
//! separately under "also closed".

use std::collections::BTreeSet;

use chrono::NaiveDate;
use slaledger::Calendar;

fn preset_calendar(preset: &str) -> Calendar {
    Calendar::from_toml(
        preset,
        &format!(
            r#"
            timezone = "UTC"
            mon = ["09:00-17:00"]
            tue = ["09:00-17:00"]
            wed = ["09:00-17:00"]
            thu = ["09:00-17:00"]
            fri = ["09:00-17:00"]
            holiday_rules = [{preset:?}]
            "#
        ),
    )
    .unwrap_or_else(|e| panic!("{preset}: {e}"))
}

fn dates(year: i32, month_days: &[&str]) -> BTreeSet<NaiveDate> {
    month_days
        .iter()
        .map(|md| {
            format!("{year}-{md}")
                .parse()
                .unwrap_or_else(|_| panic!("bad test date {year}-{md}"))
        })
        .collect()
}

/// Asserts that the preset closes exactly `published` and `also_closed` in `year`.
fn check(preset: &str, year: i32, published: &[&str], also_closed: &[&str]) {
    let cal = preset_calendar(preset);
    let got: BTreeSet<NaiveDate> = cal.holidays_in(year).into_iter().collect();
    let mut want = dates(year, published);
    want.extend(dates(year, also_closed));
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{preset} {year}: missing {missing:?}, unexpected {extra:?}"
    );
}

// ---------------------------------------------------------------------------------------
// us_federal: OPM, "Federal Holidays" (opm.gov/policy-data-oversight/pay-leave/
// federal-holidays), the table for each year.
// ---------------------------------------------------------------------------------------

#[test]
fn us_federal_matches_opm() {
    // OPM federal holidays 2021. Juneteenth (first observed 2021) fell on a Saturday:
    // Friday 18 June. 4 July a Sunday: Monday 5 July. Christmas a Saturday: Friday 24
    // December. New Year's Day 2022 a Saturday: Friday 31 December 2021 (listed by OPM
    // for 2022, with the note that it is treated as a holiday in 2021).
    check(
        "us_federal",
        2021,
        &[
            "01-01", "01-18", "02-15", "05-31", "06-18", "07-05", "09-06", "10-11", "11-11",
            "11-25", "12-24", "12-31",
        ],
        &["06-19", "07-04", "12-25"],
    );
    // OPM federal holidays 2022: New Year's Day is the Saturday 1 January (observed in
    // 2021); Juneteenth a Sunday: Monday 20 June; Christmas a Sunday: Monday 26 December.
    check(
        "us_federal",
        2022,
        &[
            "01-17", "02-21", "05-30", "06-20", "07-04", "09-05", "10-10", "11-11", "11-24",
            "12-26",
        ],
        &["01-01", "06-19", "12-25"],
    );
    // OPM federal holidays 2024.
    check(
        "us_federal",
        2024,
        &[
            "01-01", "01-15", "02-19", "05-27", "06-19", "07-04", "09-02", "10-14", "11-11",
            "11-28", "12-25",
        ],
        &[],
    );
    // OPM federal holidays 2025 (Inauguration Day, 20 January, is MLK Day too; it is not
    // part of the preset in other years).
    check(
        "us_federal",
        2025,
        &[
            "01-01", "01-20", "02-17", "05-26", "06-19", "07-04", "09-01", "10-13", "11-11",
            "11-27", "12-25",
        ],
        &[],
    );
    // OPM federal holidays 2026: 4 July a Saturday, observed Friday 3 July.
    check(
        "us_federal",
        2026,
        &[
            "01-01", "01-19", "02-16", "05-25", "06-19", "07-03", "09-07", "10-12", "11-11",
            "11-26", "12-25",
        ],
        &["07-04"],
    );
    // OPM federal holidays 2027: Juneteenth Saturday (Friday 18), 4 July Sunday (Monday 5),
    // Christmas Saturday (Friday 24), New Year's Day 2028 Saturday (Friday 31 December).
    check(
        "us_federal",
        2027,
        &[
            "01-01", "01-18", "02-15", "05-31", "06-18", "07-05", "09-06", "10-11", "11-11",
            "11-25", "12-24", "12-31",
        ],
        &["06-19", "07-04", "12-25"],
    );
}

#[test]
fn us_federal_history_and_far_years() {
    // Juneteenth starts in 2021: 2020 has ten holidays (OPM federal holidays 2020; 4 July a
    // Saturday, observed Friday 3 July).
    check(
        "us_federal",
        2020,
        &[
            "01-01", "01-20", "02-17", "05-25", "07-03", "09-07", "10-12", "11-11", "11-26",
            "12-25",
        ],
        &["07-04"],
    );
    // 2031, by the same law: queries far ahead are as exact as this year's. (1 January
    // 2031 Wednesday; MLK 20 January; Washington 17 February; Memorial 26 May; 19 June
    // Thursday; 4 July Friday; Labor 1 September; Columbus 13 October; 11 November
    // Tuesday; Thanksgiving 27 November; Christmas Thursday.)
    check(
        "us_federal",
        2031,
        &[
            "01-01", "01-20", "02-17", "05-26", "06-19", "07-04", "09-01", "10-13", "11-11",
            "11-27", "12-25",
        ],
        &[],
    );
}

// ---------------------------------------------------------------------------------------
// gb_england_wales: GOV.UK, "UK bank holidays" (gov.uk/bank-holidays, England and Wales;
// past years from gov.uk/bank-holidays.json).
// ---------------------------------------------------------------------------------------

#[test]
fn gb_england_wales_matches_gov_uk() {
    // gov.uk bank holidays 2020: early May moved to Friday 8 May (VE Day 75); Boxing Day a
    // Saturday: substitute Monday 28 December.
    check(
        "gb_england_wales",
        2020,
        &[
            "01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28",
        ],
        &["12-26"],
    );
    // gov.uk bank holidays 2021: Christmas Saturday and Boxing Day Sunday: substitutes
    // Monday 27 and Tuesday 28 December.
    check(
        "gb_england_wales",
        2021,
        &[
            "01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28",
        ],
        &["12-25", "12-26"],
    );
    // gov.uk bank holidays 2022: New Year's Day a Saturday (substitute Monday 3 January);
    // spring bank holiday moved to Thursday 2 June, Platinum Jubilee Friday 3 June; State
    // Funeral of Queen Elizabeth II Monday 19 September; Christmas a Sunday: Boxing Day
    // Monday 26, Christmas substitute Tuesday 27 December.
    check(
        "gb_england_wales",
        2022,
        &[
            "01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26",
            "12-27",
        ],
        &["01-01", "12-25"],
    );
    // gov.uk bank holidays 2023: New Year's Day a Sunday (substitute Monday 2 January);
    // Coronation of King Charles III Monday 8 May.
    check(
        "gb_england_wales",
        2023,
        &[
            "01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26",
        ],
        &["01-01"],
    );
    // gov.uk bank holidays 2024.
    check(
        "gb_england_wales",
        2024,
        &[
            "01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26",
        ],
        &[],
    );
    // gov.uk bank holidays 2025.
    check(
        "gb_england_wales",
        2025,
        &[
            "01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26",
        ],
        &[],
    );
    // gov.uk bank holidays 2026: Boxing Day a Saturday, substitute Monday 28 December.
    check(
        "gb_england_wales",
        2026,
        &[
            "01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28",
        ],
        &["12-26"],
    );
    // gov.uk bank holidays 2027: Christmas Saturday and Boxing Day Sunday again.
    check(
        "gb_england_wales",
        2027,
        &[
            "01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28",
        ],
        &["12-25", "12-26"],
    );
}

#[test]
fn gb_england_wales_jubilee_years() {
    // 2012 (Diamond Jubilee): spring bank holiday moved to Monday 4 June, Jubilee Tuesday 5
    // June (the Banking and Financial Dealings Act proclamation for 2012, gov.uk).
    check(
        "gb_england_wales",
        2012,
        &[
            "01-02", "04-06", "04-09", "05-07", "06-04", "06-05", "08-27", "12-25", "12-26",
        ],
        &["01-01"],
    );
    // 2011: the Royal Wedding, Friday 29 April, an extra bank holiday.
    let cal = preset_calendar("gb_england_wales");
    assert!(cal
        .holidays_in(2011)
        .contains(&"2011-04-29".parse().unwrap()));
}

// ---------------------------------------------------------------------------------------
// de_*: Bundesministerium des Innern (BMI), "Gesetzliche Feiertage" (bmi.bund.de, the
// table of holidays by state for each year), and the states' Feiertagsgesetze.
// ---------------------------------------------------------------------------------------

/// The nine holidays of every state (BMI "Gesetzliche Feiertage" 2024, 2025, 2026):
/// Neujahr, Karfreitag, Ostermontag, Tag der Arbeit, Christi Himmelfahrt, Pfingstmontag,
/// Tag der Deutschen Einheit, 1. and 2. Weihnachtstag. Easter Sunday: 31 March 2024,
/// 20 April 2025, 5 April 2026.
fn de_national(year: i32) -> Vec<&'static str> {
    match year {
        2024 => vec![
            "01-01", "03-29", "04-01", "05-01", "05-09", "05-20", "10-03", "12-25", "12-26",
        ],
        2025 => vec![
            "01-01", "04-18", "04-21", "05-01", "05-29", "06-09", "10-03", "12-25", "12-26",
        ],
        2026 => vec![
            "01-01", "04-03", "04-06", "05-01", "05-14", "05-25", "10-03", "12-25", "12-26",
        ],
        _ => unreachable!(),
    }
}

/// Fronleichnam (Corpus Christi, Easter + 60) in 2024, 2025, 2026 (BMI).
fn fronleichnam(year: i32) -> &'static str {
    match year {
        2024 => "05-30",
        2025 => "06-19",
        2026 => "06-04",
        _ => unreachable!(),
    }
}

/// Buß- und Bettag (Saxony; the Wednesday before 23 November) 2024-2026 (BMI; Sächsisches
/// Sonn- und Feiertagsgesetz § 1).
fn buss_und_bettag(year: i32) -> &'static str {
    match year {
        2024 => "11-20",
        2025 => "11-19",
        2026 => "11-18",
        _ => unreachable!(),
    }
}

/// The state's holidays in addition to the national ones, as BMI lists them per state.
fn de_state_additions(state: &str, year: i32) -> Vec<&'static str> {
    let fl = fronleichnam(year);
    match state {
        "de_national" => vec![],
        // Baden-Württemberg (FTG BW § 1): Heilige Drei Könige, Fronleichnam, Allerheiligen.
        "de_bw" => vec!["01-06", fl, "11-01"],
        // Bayern (FTG Art. 1): also Mariä Himmelfahrt (see the municipality note in
        // docs/semantics.md: included statewide).
        "de_by" => vec!["01-06", fl, "08-15", "11-01"],
        // Berlin (FTG § 1): Internationaler Frauentag since 2019; 8 May 2025 once.
        "de_be" if year == 2025 => vec!["03-08", "05-08"],
        "de_be" => vec!["03-08"],
        // Brandenburg (FTG § 2): Ostersonntag, Pfingstsonntag, Reformationstag.
        "de_bb" => match year {
            2024 => vec!["03-31", "05-19", "10-31"],
            2025 => vec!["04-20", "06-08", "10-31"],
            _ => vec!["04-05", "05-24", "10-31"],
        },
        // Bremen, Hamburg, Niedersachsen, Schleswig-Holstein: Reformationstag since 2018.
        "de_hb" | "de_hh" | "de_ni" | "de_sh" => vec!["10-31"],
        // Hessen (HFeiertagsG § 1): Fronleichnam.
        "de_he" => vec![fl],
        // Mecklenburg-Vorpommern: Frauentag since 2023, Reformationstag.
        "de_mv" => vec!["03-08", "10-31"],
        // Nordrhein-Westfalen, Rheinland-Pfalz: Fronleichnam, Allerheiligen.
        "de_nw" | "de_rp" => vec![fl, "11-01"],
        // Saarland: Fronleichnam, Mariä Himmelfahrt, Allerheiligen.
        "de_sl" => vec![fl, "08-15", "11-01"],
        // Sachsen: Reformationstag, Buß- und Bettag.
        "de_sn" => vec!["10-31", buss_und_bettag(year)],
        // Sachsen-Anhalt: Heilige Drei Könige, Reformationstag.
        "de_st" => vec!["01-06", "10-31"],
        // Thüringen: Weltkindertag since 2019, Reformationstag.
        "de_th" => vec!["09-20", "10-31"],
        _ => unreachable!("{state}"),
    }
}

#[test]
fn german_presets_match_bmi_2024_to_2026() {
    for state in [
        "de_national",
        "de_bw",
        "de_by",
        "de_be",
        "de_bb",
        "de_hb",
        "de_hh",
        "de_he",
        "de_mv",
        "de_ni",
        "de_nw",
        "de_rp",
        "de_sl",
        "de_sn",
        "de_st",
        "de_sh",
        "de_th",
    ] {
        for year in [2024, 2025, 2026] {
            let mut published = de_national(year);
            published.extend(de_state_additions(state, year));
            check(state, year, &published, &[]);
        }
    }
}

#[test]
fn german_holidays_by_the_year_they_started() {
    // Reformationstag 2017, 500 years of the Reformation: once, in every state (BMI
    // "Gesetzliche Feiertage" 2017). Easter Sunday 2017: 16 April.
    let national_2017 = [
        "01-01", "04-14", "04-17", "05-01", "05-25", "06-05", "10-03", "10-31", "12-25", "12-26",
    ];
    check("de_national", 2017, &national_2017, &[]);
    check("de_be", 2017, &national_2017, &[]);
    check("de_hh", 2017, &national_2017, &[]);
    // 2018: Reformationstag became permanent in Bremen, Hamburg, Niedersachsen and
    // Schleswig-Holstein (their 2018 amendments), not in Berlin. Easter 2018: 1 April.
    let national_2018 = [
        "01-01", "03-30", "04-02", "05-01", "05-10", "05-21", "10-03", "12-25", "12-26",
    ];
    for state in ["de_hb", "de_hh", "de_ni", "de_sh"] {
        let mut list = national_2018.to_vec();
        list.push("10-31");
        check(state, 2018, &list, &[]);
    }
    check("de_be", 2018, &national_2018, &[]);
    // Berlin: Frauentag from 2019 (FTG Berlin, amended January 2019); Tag der Befreiung
    // 8 May 2020 once. Thüringen: Weltkindertag from 2019. Easter 2019: 21 April; 2020:
    // 12 April.
    let national_2019 = [
        "01-01", "04-19", "04-22", "05-01", "05-30", "06-10", "10-03", "12-25", "12-26",
    ];
    let mut be = national_2019.to_vec();
    be.push("03-08");
    check("de_be", 2019, &be, &[]);
    let mut th = national_2019.to_vec();
    th.extend(["09-20", "10-31"]);
    check("de_th", 2019, &th, &[]);
    let cal = preset_calendar("de_be");
    let be_2020 = cal.holidays_in(2020);
    assert!(be_2020.contains(&"2020-05-08".parse().unwrap()));
    assert!(!cal
        .holidays_in(2021)
        .contains(&"2021-05-08".parse().unwrap()));
    // Mecklenburg-Vorpommern: Frauentag from 2023, not in 2022 (Easter 2022: 17 April;
    // 2023: 9 April).
    check(
        "de_mv",
        2022,
        &[
            "01-01", "04-15", "04-18", "05-01", "05-26", "06-06", "10-03", "10-31", "12-25",
            "12-26",
        ],
        &[],
    );
    check(
        "de_mv",
        2023,
        &[
            "01-01", "03-08", "04-07", "04-10", "05-01", "05-18", "05-29", "10-03", "10-31",
            "12-25", "12-26",
        ],
        &[],
    );
    // Buß- und Bettag was a holiday in every state until 1994 (16 November 1994) and only
    // in Saxony from 1995 (22 November 1995).
    let bb_1994: chrono::NaiveDate = "1994-11-16".parse().unwrap();
    let bb_1995: chrono::NaiveDate = "1995-11-22".parse().unwrap();
    assert!(preset_calendar("de_by")
        .holidays_in(1994)
        .contains(&bb_1994));
    assert!(!preset_calendar("de_by")
        .holidays_in(1995)
        .contains(&bb_1995));
    assert!(preset_calendar("de_sn")
        .holidays_in(1995)
        .contains(&bb_1995));
}
