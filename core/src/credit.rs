//! Service credits (SPEC §9): money, the period's fee, and the credit statement.
//!
//! Money is `rust_decimal` with a currency, never a float. Each statement line is
//! computed exactly and rounded once, to the currency's minor units, with the contract's
//! rounding rule; the subtotal is the exact sum of the rounded lines; the total is the
//! subtotal, capped.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

use crate::contract::{Cap, Contract, Metric, Rounding};
use crate::error::{Error, ErrorKind, Result};
use crate::report::{days_by_month, Compliance, Period, Report};

/// An ISO 4217 currency code (three capital letters), kept inline so money is `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a code such as `"USD"`.
    pub fn new(code: &str) -> Result<Currency> {
        match code.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Currency([a, b, c])),
            _ => Err(Error::new(
                ErrorKind::InvalidValue,
                format!("currency {code:?} is not an ISO 4217 code such as \"USD\""),
            )),
        }
    }

    /// The code.
    pub fn code(&self) -> &str {
        // Three ASCII capitals by construction.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount of money in a currency, with the number of minor units it is shown with.
///
/// Arithmetic is checked: [`Money::checked_add`] refuses another currency and overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
    minor_units: u32,
}

impl Money {
    /// An amount in `currency`, shown with `minor_units` decimals (2 for USD, 0 for JPY).
    pub fn new(amount: Decimal, currency: Currency, minor_units: u32) -> Money {
        Money {
            amount,
            currency,
            minor_units,
        }
    }

    /// The exact amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The sum, if both are in the same currency and it does not overflow.
    pub fn checked_add(self, other: Money) -> Result<Money> {
        if self.currency != other.currency {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!(
                    "cannot add {} {} to {} {}",
                    other, other.currency, self, self.currency
                ),
            ));
        }
        let amount = Money::checked(self.amount.checked_add(other.amount), "a sum of money")?;
        Ok(Money { amount, ..self })
    }

    fn checked(value: Option<Decimal>, what: &str) -> Result<Decimal> {
        value.ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidValue,
                format!("credit arithmetic overflowed while computing {what}"),
            )
        })
    }
}

impl fmt::Display for Money {
    /// Always shows the minor units: `625.00`, `0.50`, `1200` (JPY).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut a = self.amount;
        a.rescale(self.minor_units);
        a.fmt(f)
    }
}

impl Serialize for Money {
    /// A string, so that no JSON reader turns money into a float.
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Minor units of an ISO 4217 currency: 2 unless listed (the zero- and three-decimal
/// currencies in common use). A contract can override it with `credits.minor_units`.
pub fn minor_units(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// One line of a statement: a contract rule entry that pays something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditLine {
    /// `tier`, `per_breach` or `per_hour_late`.
    pub rule: &'static str,
    /// The rule's priority (`"*"` for all).
    pub priority: String,
    /// The rule's metric.
    pub metric: Metric,
    /// Why it pays: compliance and counts, breaches, or hours late.
    pub basis: Basis,
    /// The tickets it stems from.
    pub tickets: Vec<String>,
    /// The amount, rounded once.
    pub amount: Money,
}

/// The basis of a credit line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Basis {
    /// A compliance tier.
    Tier {
        /// Met / measured.
        compliance: Compliance,
        /// Met plus breached.
        measured: u64,
        /// Met.
        met: u64,
        /// Breached.
        breached: u64,
        /// The level that applied: strictly below this.
        below: String,
        /// Its credit, percent of the fee.
        credit: String,
    },
    /// Per breached measurement.
    PerBreach {
        /// Number of breaches decided in the period.
        breaches: u64,
        /// Amount per breach (fixed, or the percent of the fee).
        each: String,
    },
    /// Per started hour of overrun.
    PerHourLate {
        /// Started hours of overrun, summed over the breaches.
        hours: u64,
        /// Amount per hour.
        per_hour: String,
    },
}

/// What the provider owes for a period (SPEC §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditStatement {
    /// The contract id.
    pub contract: String,
    /// The period.
    pub period: Period,
    /// ISO 4217 code.
    pub currency: String,
    /// The fee for the period (prorated by days when the period is not a whole month).
    pub fee: Money,
    /// One line per rule entry that pays something.
    pub lines: Vec<CreditLine>,
    /// The exact sum of the rounded lines.
    pub subtotal: Money,
    /// The cap, if the contract has one.
    pub cap: Option<Money>,
    /// Whether the cap applied.
    pub capped: bool,
    /// The subtotal, capped.
    pub total: Money,
    /// Working time the SLA clocks excluded because another party held the tickets
    /// (`pause_when_held_by`), over the measurements decided in the period: the delay
    /// the provider was not charged for.
    pub excluded_held_ms: crate::Duration,
}

impl CreditStatement {
    /// Computes the statement of `report` under the credit terms of `contract`.
    ///
    /// A contract without `[credits]` owes nothing: a statement with no lines.
    pub fn compute(contract: &Contract, report: &Report) -> Result<CreditStatement> {
        let spec = contract.spec();
        let currency = spec.currency.clone().unwrap_or_else(|| "XXX".into());
        let credits = spec.credits.clone().unwrap_or_default();
        let units = credits
            .minor_units
            .unwrap_or_else(|| minor_units(&currency));
        let strategy = match credits.rounding {
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        };
        // Validated by the contract when it has a fee or credits; "XXX" (no currency) else.
        let code = Currency::new(&currency).unwrap_or(Currency(*b"XXX"));
        let round = |d: Decimal| Money::new(d.round_dp_with_strategy(units, strategy), code, units);
        let fee_exact = period_fee(contract, &report.period)?;
        let percent_of_fee = |p: Decimal, what: &str| {
            Money::checked(fee_exact.checked_mul(p / Decimal::ONE_HUNDRED), what)
        };
        let mut lines = Vec::new();

        for tier in &credits.tiers {
            let tally = report.tally(&tier.priority, tier.metric);
            let Some(compliance) = tally.compliance() else {
                continue;
            };
            if tally.measured() < u64::from(credits.min_tickets) {
                continue;
            }
            // The lowest matching level wins: the smallest threshold still above compliance.
            let level = tier
                .levels
                .iter()
                .filter(|l| compliance.is_below(l.below.0))
                .min_by_key(|l| l.below);
            let Some(level) = level else { continue };
            let amount = percent_of_fee(level.credit.0, "a tier credit")?;
            let mut tickets: Vec<String> = tally
                .breached_tickets
                .iter()
                .map(|(t, _)| t.clone())
                .collect();
            tickets.dedup();
            lines.push(CreditLine {
                rule: "tier",
                priority: tier.priority.clone(),
                metric: tier.metric,
                basis: Basis::Tier {
                    compliance,
                    measured: tally.measured(),
                    met: tally.met,
                    breached: tally.breached,
                    below: level.below.to_string(),
                    credit: level.credit.to_string(),
                },
                tickets,
                amount: round(amount),
            });
        }
        for rule in &credits.per_breach {
            let tally = report.tally(&rule.priority, rule.metric);
            if tally.breached == 0 {
                continue;
            }
            let each = match (rule.amount, rule.credit) {
                (Some(a), _) => a.0,
                (None, Some(p)) => percent_of_fee(p.0, "a per-breach credit")?,
                (None, None) => continue,
            };
            let amount = Money::checked(
                each.checked_mul(Decimal::from(tally.breached)),
                "a per-breach credit",
            )?;
            lines.push(CreditLine {
                rule: "per_breach",
                priority: rule.priority.clone(),
                metric: rule.metric,
                basis: Basis::PerBreach {
                    breaches: tally.breached,
                    each: show_exact(each, units),
                },
                tickets: tally
                    .breached_tickets
                    .iter()
                    .map(|(t, _)| t.clone())
                    .collect(),
                amount: round(amount),
            });
        }
        for rule in &credits.per_hour_late {
            let tally = report.tally(&rule.priority, rule.metric);
            // Started hours of overrun: any part of an hour counts as a whole one.
            let hours: u64 = tally
                .breached_tickets
                .iter()
                .map(|(_, over)| (*over.max(&0) as u64).div_ceil(3_600_000))
                .sum();
            if hours == 0 {
                continue;
            }
            let amount = Money::checked(
                rule.amount.0.checked_mul(Decimal::from(hours)),
                "a per-hour-late credit",
            )?;
            lines.push(CreditLine {
                rule: "per_hour_late",
                priority: rule.priority.clone(),
                metric: rule.metric,
                basis: Basis::PerHourLate {
                    hours,
                    per_hour: show_exact(rule.amount.0, units),
                },
                tickets: tally
                    .breached_tickets
                    .iter()
                    .map(|(t, _)| t.clone())
                    .collect(),
                amount: round(amount),
            });
        }

        let mut subtotal = Money::new(Decimal::ZERO, code, units);
        for line in &lines {
            subtotal = subtotal.checked_add(line.amount)?;
        }
        let subtotal = subtotal.amount();
        let cap = match credits.cap {
            Some(Cap::Percent(p)) => Some(round(percent_of_fee(p.0, "the cap")?)),
            Some(Cap::Amount(a)) => Some(round(a.0)),
            None => None,
        };
        let capped = cap.is_some_and(|c| subtotal > c.amount());
        let total = match cap {
            Some(c) if capped => c.amount(),
            _ => subtotal,
        };
        Ok(CreditStatement {
            contract: contract.id().to_string(),
            period: report.period,
            currency,
            fee: round(fee_exact),
            lines,
            subtotal: Money::new(subtotal, code, units),
            cap,
            capped,
            total: Money::new(total, code, units),
            excluded_held_ms: crate::Duration::from_millis(
                report.tallies.values().map(|t| t.held_ms).sum(),
            ),
        })
    }
}

/// An exact amount shown with at least the currency's minor units (`250` as `250.00`,
/// `61.72835` unchanged): a basis explains a line, so it is never rounded.
fn show_exact(amount: Decimal, units: u32) -> String {
    let mut shown = amount.normalize();
    if shown.scale() < units {
        shown.rescale(units);
    }
    shown.to_string()
}

/// The exact fee of `period`: the monthly fee (flat, or per user times users) for each
/// month the period touches, times the share of that month's local dates it covers.
fn period_fee(contract: &Contract, period: &Period) -> Result<Decimal> {
    let Some(fee) = &contract.spec().fee else {
        return Ok(Decimal::ZERO);
    };
    let monthly = match (fee.monthly, fee.per_user, fee.users) {
        (Some(m), _, _) => m.0,
        (None, Some(per_user), Some(users)) => {
            Money::checked(per_user.0.checked_mul(Decimal::from(users)), "the fee")?
        }
        _ => Decimal::ZERO,
    };
    let mut total = Decimal::ZERO;
    for (_, _, days, in_month) in days_by_month(period, contract.timezone()) {
        let share = if days == in_month {
            monthly
        } else {
            monthly * Decimal::from(days) / Decimal::from(in_month)
        };
        total = Money::checked(total.checked_add(share), "the fee")?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_shows_minor_units_and_serializes_as_a_string() {
        let usd = Currency::new("USD").unwrap();
        let m = Money::new(Decimal::new(625, 0), usd, 2);
        assert_eq!(m.to_string(), "625.00");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"625.00\"");
        let jpy = Currency::new("JPY").unwrap();
        assert_eq!(
            Money::new(Decimal::new(1200, 0), jpy, 0).to_string(),
            "1200"
        );
        assert_eq!(m.checked_add(m).unwrap().to_string(), "1250.00");
        let yen = Money::new(Decimal::ONE, jpy, 0);
        assert_eq!(m.checked_add(yen).unwrap_err().code(), "invalid_value");
        assert_eq!(Currency::new("usd").unwrap_err().code(), "invalid_value");
        assert_eq!(minor_units("JPY"), 0);
        assert_eq!(minor_units("KWD"), 3);
        assert_eq!(minor_units("EUR"), 2);
    }
}
