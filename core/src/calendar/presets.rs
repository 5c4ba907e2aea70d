//! Regional holiday presets: named lists of holiday rules (SPEC §3, `holiday_rules`).
//!
//! Each preset is the law as it stands, with the year each rule started (or ended) and
//! the one-off holidays proclaimed so far. The presets are exact from 1995 on (checked
//! against published lists in `core/tests/holiday_presets.rs`); earlier years apply the
//! rules with the start years given here and are best effort. A holiday announced after
//! this release is not in a preset: add it to the calendar's `holidays`.
//!
//! What is deliberately left out, and why, is in `docs/semantics.md` §2 ("Presets").

use chrono::NaiveDate;
use chrono::Weekday::{self, Mon, Thu, Wed};

use super::rules::{DateRule, Rule, Shift};

/// The names of every preset, in the order they are documented.
pub(crate) const PRESETS: &[&str] = &[
    "us_federal",
    "gb_england_wales",
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
];

/// The rules and the one-off closed dates of a preset; `None` for an unknown name.
pub(crate) fn preset(name: &str) -> Option<Preset> {
    let mut p = Preset::default();
    match name {
        "us_federal" => us_federal(&mut p),
        "gb_england_wales" => gb_england_wales(&mut p),
        "de_national" => de_national(&mut p),
        state if state.starts_with("de_") && PRESETS.contains(&state) => {
            de_national(&mut p);
            de_state(state, &mut p);
        }
        _ => return None,
    }
    Some(p)
}

/// A preset: rules, and one-off closed dates (with their length in days, always 1).
#[derive(Debug, Default)]
pub(crate) struct Preset {
    pub(crate) rules: Vec<Rule>,
    pub(crate) once: Vec<(NaiveDate, u16)>,
}

/// Open-ended year bounds.
const ANY: i32 = i32::MIN;
const ON: i32 = i32::MAX;

impl Preset {
    /// A closing rule for the years `from..=to`.
    fn add(&mut self, date: DateRule, from: i32, to: i32) {
        self.rules.push(Rule::closing(date).years(from, to));
    }

    /// A fixed day, also observed on a weekday when it falls on a weekend.
    fn observed(&mut self, month: u32, day: u32, shift: Shift, from: i32, to: i32) {
        self.rules.push(
            Rule::closing(fixed(month, day))
                .years(from, to)
                .shift(shift),
        );
    }

    fn once(&mut self, year: i32, month: u32, day: u32) {
        let date = NaiveDate::from_ymd_opt(year, month, day).expect("preset dates are real");
        self.once.push((date, 1));
    }
}

fn fixed(month: u32, day: u32) -> DateRule {
    DateRule::Fixed { month, day }
}

fn nth(month: u32, weekday: Weekday, nth: i8) -> DateRule {
    DateRule::Nth {
        month,
        weekday,
        nth,
    }
}

fn easter(offset: i32) -> DateRule {
    DateRule::Easter(offset)
}

/// US federal holidays, 5 U.S.C. 6103(a), observed as 6103(b) and Executive Order 11582
/// say: a Saturday holiday on the Friday before, a Sunday holiday on the Monday after (so
/// New Year's Day on a Saturday is observed on 31 December of the year before).
///
/// Inauguration Day (20 January after a presidential election, a holiday only for federal
/// employees in the Washington, D.C. area) is not included, nor are one-off closures by
/// executive order (Christmas Eve 2019, 2020 and 2024; national days of mourning).
fn us_federal(p: &mut Preset) {
    use Shift::Nearest;
    p.observed(1, 1, Nearest, ANY, ON); // New Year's Day
    p.add(nth(1, Mon, 3), 1986, ON); // Birthday of Martin Luther King, Jr.
    p.observed(2, 22, Nearest, ANY, 1970); // Washington's Birthday, before the Uniform Monday Holiday Act
    p.add(nth(2, Mon, 3), 1971, ON);
    p.observed(5, 30, Nearest, ANY, 1970); // Memorial Day
    p.add(nth(5, Mon, -1), 1971, ON);
    p.observed(6, 19, Nearest, 2021, ON); // Juneteenth National Independence Day
    p.observed(7, 4, Nearest, ANY, ON); // Independence Day
    p.add(nth(9, Mon, 1), 1894, ON); // Labor Day
    p.observed(10, 12, Nearest, 1937, 1970); // Columbus Day
    p.add(nth(10, Mon, 2), 1971, ON);
    p.observed(11, 11, Nearest, 1938, 1970); // Veterans Day (Armistice Day until 1954)
    p.add(nth(10, Mon, 4), 1971, 1977);
    p.observed(11, 11, Nearest, 1978, ON);
    p.add(nth(11, Thu, -1), ANY, 1938); // Thanksgiving Day: the last Thursday,
    p.add(nth(11, Thu, -2), 1939, 1941); // the next-to-last as proclaimed 1939-1941,
    p.add(nth(11, Thu, 4), 1942, ON); // the fourth by law from 1942
    p.observed(12, 25, Nearest, ANY, ON); // Christmas Day
}

/// Bank holidays in England and Wales (Banking and Financial Dealings Act 1971 and royal
/// proclamations): a holiday on a weekend gets a substitute day, the next weekday that is
/// not already a bank holiday (Christmas on a Saturday: Monday 27th; Boxing Day on the
/// Sunday: Tuesday 28th).
fn gb_england_wales(p: &mut Preset) {
    use Shift::Substitute;
    p.observed(1, 1, Substitute, 1974, ON); // New Year's Day
    p.add(easter(-2), ANY, ON); // Good Friday
    p.add(easter(1), ANY, ON); // Easter Monday
                               // Early May bank holiday: the first Monday of May, moved to 8 May for the 50th and
                               // 75th anniversaries of VE Day.
    p.add(nth(5, Mon, 1), 1978, 1994);
    p.once(1995, 5, 8);
    p.add(nth(5, Mon, 1), 1996, 2019);
    p.once(2020, 5, 8);
    p.add(nth(5, Mon, 1), 2021, ON);
    // Spring bank holiday: the last Monday of May, moved to early June in the Golden,
    // Diamond and Platinum Jubilee years, each with an extra Jubilee bank holiday.
    p.add(nth(5, Mon, -1), 1971, 2001);
    p.once(2002, 6, 3); // Golden Jubilee
    p.once(2002, 6, 4); // spring bank holiday, moved
    p.add(nth(5, Mon, -1), 2003, 2011);
    p.once(2012, 6, 4); // spring bank holiday, moved
    p.once(2012, 6, 5); // Diamond Jubilee
    p.add(nth(5, Mon, -1), 2013, 2021);
    p.once(2022, 6, 2); // spring bank holiday, moved
    p.once(2022, 6, 3); // Platinum Jubilee
    p.add(nth(5, Mon, -1), 2023, ON);
    p.add(nth(8, Mon, -1), 1971, ON); // Summer bank holiday
    p.observed(12, 25, Substitute, ANY, ON); // Christmas Day
    p.observed(12, 26, Substitute, ANY, ON); // Boxing Day
                                             // One-off bank holidays.
    p.once(1999, 12, 31); // Millennium
    p.once(2011, 4, 29); // Wedding of Prince William and Catherine Middleton
    p.once(2022, 9, 19); // State Funeral of Queen Elizabeth II
    p.once(2023, 5, 8); // Coronation of King Charles III
}

/// Holidays in every German state: the nine national ones, Buß- und Bettag until its
/// abolition in 1995 (Saxony kept it), and Reformationstag 2017 (500 years of the
/// Reformation, once, in every state).
fn de_national(p: &mut Preset) {
    p.add(fixed(1, 1), ANY, ON); // Neujahr
    p.add(easter(-2), ANY, ON); // Karfreitag
    p.add(easter(1), ANY, ON); // Ostermontag
    p.add(fixed(5, 1), ANY, ON); // Tag der Arbeit
    p.add(easter(39), ANY, ON); // Christi Himmelfahrt
    p.add(easter(50), ANY, ON); // Pfingstmontag
    p.add(fixed(10, 3), 1990, ON); // Tag der Deutschen Einheit
    p.add(fixed(12, 25), ANY, ON); // 1. Weihnachtstag
    p.add(fixed(12, 26), ANY, ON); // 2. Weihnachtstag
    p.add(buss_und_bettag(), 1990, 1994);
    p.once(2017, 10, 31); // Reformationstag, 500 years
}

/// Buß- und Bettag: the Wednesday before 23 November.
fn buss_und_bettag() -> DateRule {
    DateRule::Before {
        month: 11,
        day: 23,
        weekday: Wed,
    }
}

/// The holidays a state adds to the national ones (its Feiertagsgesetz).
fn de_state(state: &str, p: &mut Preset) {
    let heilige_drei_koenige = || fixed(1, 6);
    let fronleichnam = || easter(60);
    let mariae_himmelfahrt = || fixed(8, 15);
    let reformationstag = || fixed(10, 31);
    let allerheiligen = || fixed(11, 1);
    let frauentag = || fixed(3, 8);
    match state {
        "de_bw" => {
            p.add(heilige_drei_koenige(), ANY, ON);
            p.add(fronleichnam(), ANY, ON);
            p.add(allerheiligen(), ANY, ON);
        }
        "de_by" => {
            p.add(heilige_drei_koenige(), ANY, ON);
            p.add(fronleichnam(), ANY, ON);
            // A holiday only in the municipalities with a predominantly Catholic
            // population (most of them, Munich among them): included here as the
            // statewide-reasonable choice; see docs/semantics.md.
            p.add(mariae_himmelfahrt(), ANY, ON);
            p.add(allerheiligen(), ANY, ON);
        }
        "de_be" => {
            p.add(frauentag(), 2019, ON); // Internationaler Frauentag
            p.once(2020, 5, 8); // Tag der Befreiung, 75 years, once
            p.once(2025, 5, 8); // Tag der Befreiung, 80 years, once
        }
        "de_bb" => {
            p.add(easter(0), ANY, ON); // Ostersonntag
            p.add(easter(49), ANY, ON); // Pfingstsonntag
            p.add(reformationstag(), 1991, ON);
        }
        "de_hb" | "de_hh" | "de_ni" | "de_sh" => {
            p.add(reformationstag(), 2018, ON);
        }
        "de_he" => {
            p.add(fronleichnam(), ANY, ON);
        }
        "de_mv" => {
            p.add(frauentag(), 2023, ON);
            p.add(reformationstag(), 1991, ON);
        }
        "de_nw" | "de_rp" => {
            p.add(fronleichnam(), ANY, ON);
            p.add(allerheiligen(), ANY, ON);
        }
        "de_sl" => {
            p.add(fronleichnam(), ANY, ON);
            p.add(mariae_himmelfahrt(), ANY, ON);
            p.add(allerheiligen(), ANY, ON);
        }
        "de_sn" => {
            p.add(reformationstag(), 1991, ON);
            p.add(buss_und_bettag(), 1995, ON);
        }
        "de_st" => {
            p.add(heilige_drei_koenige(), 1991, ON);
            p.add(reformationstag(), 1991, ON);
        }
        "de_th" => {
            p.add(fixed(9, 20), 2019, ON); // Weltkindertag
            p.add(reformationstag(), 1991, ON);
        }
        _ => unreachable!("every de_ preset in PRESETS has a case"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_preset_exists() {
        for name in PRESETS {
            let p = preset(name).unwrap_or_else(|| panic!("{name}"));
            assert!(!p.rules.is_empty(), "{name}");
        }
        assert!(preset("de_xx").is_none());
        assert!(preset("us").is_none());
    }
}
