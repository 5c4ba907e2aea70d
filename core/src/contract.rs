//! Contracts (SPEC §6): targets per priority and metric, clock policies, calendars, and
//! the credit terms of SPEC §9, read from TOML or JSON with one schema and validated once.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::{CalendarSpec, Calendars};
use crate::error::{Error, ErrorKind, Result};
use crate::time::TargetDuration;
use crate::Calendar;
use compact_str::CompactString;

/// The two measured clocks of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// From `opened` to the first `responded` (or `resolved`).
    Response,
    /// From `opened` to `resolved`, pausing on the contract's pause statuses.
    Resolution,
}

impl Metric {
    /// Both metrics, response first.
    pub const ALL: [Metric; 2] = [Metric::Response, Metric::Resolution];

    /// `"response"` or `"resolution"`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Response => "response",
            Metric::Resolution => "resolution",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a priority change does to running clocks (SPEC §6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnPriorityChange {
    /// The new priority's target and calendar apply as if the ticket always had it.
    #[default]
    Recalculate,
    /// The metric restarts at the change under the new target.
    Restart,
    /// The opening priority applies throughout.
    Keep,
}

/// What a reopen does to the resolution clock (SPEC §6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnReopen {
    /// The resolution clock continues; time spent resolved is not counted.
    #[default]
    Resume,
    /// Each reopen starts a new measured cycle.
    NewCycle,
    /// The first resolution is final.
    Ignore,
}

/// How a credit line is rounded to the currency's minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Banker's rounding (the default).
    #[default]
    HalfEven,
    /// Half away from zero.
    HalfUp,
}

/// A decimal amount of money written as a string (`"12500.00"`); numbers are refused so
/// that no float ever touches money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(pub Decimal);

impl FromStr for Amount {
    type Err = Error;
    fn from_str(text: &str) -> Result<Amount> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidValue,
                format!("amount {text:?} is not a decimal number such as \"12500.00\""),
            )
        };
        if text.is_empty()
            || !text
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        {
            return Err(bad());
        }
        let value = Decimal::from_str_exact(text).map_err(|_| bad())?;
        if value.is_sign_negative() {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("amount {text:?} is negative"),
            ));
        }
        Ok(Amount(value))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A percentage written as a string (`"95%"`, `"0.5%"`), kept exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(pub Decimal);

impl Percent {
    /// The fraction: `"75%"` is 0.75.
    pub fn fraction(self) -> Decimal {
        self.0 / Decimal::ONE_HUNDRED
    }

    /// `⌊value × self / 100⌋` in exact integer arithmetic (a decimal is a mantissa over a
    /// power of ten), e.g. the working time at which a `warn_at` threshold is reached.
    pub fn floor_of(self, value: i64) -> i64 {
        // In 64 bits when nothing overflows (every SLA target and percentage written by
        // hand): a 128-bit division is a library call of ~120 instructions, and this
        // runs for every threshold of every measured clock.
        let scale = self.0.scale();
        if scale <= 16 {
            let denominator = 100 * 10i64.pow(scale);
            if let Some(product) = i64::try_from(self.0.mantissa())
                .ok()
                .and_then(|m| value.checked_mul(m))
            {
                return product.div_euclid(denominator);
            }
        }
        let denominator = 100i128 * 10i128.pow(self.0.scale());
        let product = i128::from(value) * self.0.mantissa();
        i64::try_from(product.div_euclid(denominator)).unwrap_or(i64::MAX)
    }
}

impl FromStr for Percent {
    type Err = Error;
    fn from_str(text: &str) -> Result<Percent> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidValue,
                format!("percentage {text:?} is not a number followed by % (e.g. \"95%\")"),
            )
        };
        let number = text.strip_suffix('%').ok_or_else(bad)?;
        let value = Amount::from_str(number).map_err(|_| bad())?.0;
        Ok(Percent(value))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

macro_rules! string_serde {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<$ty, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$ty>::from_str(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
string_serde!(Amount);
string_serde!(Percent);

/// A cap on a period's credits: a percentage of the fee, or an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// Percent of the period's fee.
    Percent(Percent),
    /// A fixed amount in the contract's currency.
    Amount(Amount),
}

impl FromStr for Cap {
    type Err = Error;
    fn from_str(text: &str) -> Result<Cap> {
        if text.ends_with('%') {
            Percent::from_str(text).map(Cap::Percent)
        } else {
            Amount::from_str(text).map(Cap::Amount)
        }
    }
}

impl fmt::Display for Cap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cap::Percent(p) => p.fmt(f),
            Cap::Amount(a) => a.fmt(f),
        }
    }
}
string_serde!(Cap);

/// The contract as written (TOML or JSON, same schema). Unknown keys are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractSpec {
    /// The contract id that `opened` events name.
    pub id: String,
    /// The customer's name, for statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// ISO 4217 code; required when there is a fee or credits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The zone in which billing periods are cut.
    pub timezone: String,
    /// The fee credits are computed against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<FeeSpec>,
    /// Statuses during which pausable clocks stop.
    #[serde(default)]
    pub pause_statuses: Vec<String>,
    /// See [`OnPriorityChange`].
    #[serde(default)]
    pub on_priority_change: OnPriorityChange,
    /// See [`OnReopen`].
    #[serde(default)]
    pub on_reopen: OnReopen,
    /// Fractions of a target at which a ticket becomes "at risk" (`["75%"]`).
    #[serde(default)]
    pub warn_at: Vec<Percent>,
    /// Business calendars by name; `24x7` is built in.
    #[serde(default)]
    pub calendars: BTreeMap<String, CalendarSpec>,
    /// Targets per priority.
    pub targets: BTreeMap<String, PriorityTargets>,
    /// Credit terms (SPEC §9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<CreditsSpec>,
    /// Co-managed IT: the parties that hold tickets, e.g. `["internal", "msp"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<String>,
    /// The party whose SLA this contract's targets and credits are (one of `parties`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Coverage calendar per party: a ticket opened without `party` goes to the first
    /// party, in `parties` order, whose coverage calendar is working at that instant.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub coverage: BTreeMap<String, String>,
    /// Parties whose holding time the SLA clocks exclude (waiting for the customer's own
    /// IT is not the provider's delay).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pause_when_held_by: Vec<String>,
    /// OLA targets per party, then per priority (`"*"` for every priority).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ola: BTreeMap<String, BTreeMap<String, OlaTargets>>,
}

/// The OLA targets of one party for one priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OlaTargets {
    /// From receiving a ticket to the party's first `responded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledge: Option<TargetSpec>,
    /// From receiving a ticket to handing it on (or resolving it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<TargetSpec>,
}

/// The two OLA clocks of a party holding a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OlaMetric {
    /// Receipt to the party's first response.
    Acknowledge,
    /// Receipt to handing the ticket on.
    Hold,
}

impl OlaMetric {
    /// `"acknowledge"` or `"hold"`.
    pub fn name(self) -> &'static str {
        match self {
            OlaMetric::Acknowledge => "acknowledge",
            OlaMetric::Hold => "hold",
        }
    }
}

/// A contract fee: `{ monthly = "12500.00" }` or `{ per_user = "65.00", users = 180 }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeSpec {
    /// A flat monthly fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly: Option<Amount>,
    /// A monthly fee per user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_user: Option<Amount>,
    /// The number of users for `per_user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<u32>,
}

/// The targets of one priority: one per metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityTargets {
    /// The response target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<TargetSpec>,
    /// The resolution target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<TargetSpec>,
}

/// One target: `{ within = "4h", calendar = "business", pausable = true }`, or
/// `{ none = "reason" }` for a metric the contract deliberately does not measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// The allowed working time, or `Nbd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<TargetDuration>,
    /// The calendar whose working time counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Whether pause statuses stop this clock (default: resolution yes, response no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pausable: Option<bool>,
    /// Why this metric has no target for this priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub none: Option<String>,
}

/// Credit terms (SPEC §9). Parsed and validated here; computed by the credit statement.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditsSpec {
    /// Cap on a period's credits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Cap>,
    /// Tiers apply only with at least this many measured.
    #[serde(default)]
    pub min_tickets: u32,
    /// How each line is rounded.
    #[serde(default)]
    pub rounding: Rounding,
    /// Minor units of the currency when they differ from ISO 4217's usual 2 (JPY: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minor_units: Option<u32>,
    /// Compliance tiers.
    #[serde(default)]
    pub tiers: Vec<TierSpec>,
    /// Per-breach credits.
    #[serde(default)]
    pub per_breach: Vec<PerBreachSpec>,
    /// Credits per started hour of overrun.
    #[serde(default)]
    pub per_hour_late: Vec<PerHourLateSpec>,
}

/// A tier list for one priority (or `*`) and metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierSpec {
    /// A priority, or `"*"` for all.
    pub priority: String,
    /// The metric whose compliance is judged.
    pub metric: Metric,
    /// Levels; the lowest matching level wins.
    pub levels: Vec<TierLevel>,
}

/// One tier level: compliance strictly below `below` pays `credit` percent of the fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierLevel {
    /// Compliance threshold (strictly below).
    pub below: Percent,
    /// Credit as a percentage of the fee.
    pub credit: Percent,
}

/// A per-breach credit: an amount or a percent of the fee per breached measurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerBreachSpec {
    /// A priority, or `"*"`.
    pub priority: String,
    /// The metric.
    pub metric: Metric,
    /// A fixed amount per breach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// A percent of the fee per breach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<Percent>,
}

/// An amount per started hour of overrun of each breached measurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerHourLateSpec {
    /// A priority, or `"*"`.
    pub priority: String,
    /// The metric.
    pub metric: Metric,
    /// The amount per started hour.
    pub amount: Amount,
}

/// A validated target: how much working time, on which calendar, pausing or not.
#[derive(Debug, Clone)]
pub struct Target {
    /// The allowed time as written.
    pub within: TargetDuration,
    /// `within` as text (`"4h"`, `"2bd"`), made once: every result shows it.
    pub label: String,
    /// The calendar whose working time counts.
    pub calendar: Calendar,
    /// Whether the contract's pause statuses stop this clock.
    pub pausable: bool,
}

/// A validated contract.
#[derive(Debug, Clone)]
pub struct Contract {
    spec: ContractSpec,
    timezone: Tz,
    calendars: Calendars,
    /// A list, not a set: contracts name two or three, and a scan beats hashing.
    pause_statuses: Vec<String>,
    /// Priorities in sorted order with their targets per metric (`None`: not measured).
    targets: Vec<(String, [Option<Target>; 2])>,
    /// Coverage calendars in `parties` order.
    coverage: Vec<(String, Calendar)>,
    /// OLA targets by (party, priority or `*`): acknowledge, hold.
    ola: BTreeMap<(String, String), [Option<Target>; 2]>,
    /// The strings every result repeats, made once.
    names: ResultNames,
    /// `warn_at` as 64-bit fractions `(mantissa, 100 × 10^scale)` where they fit.
    warn_fractions: Vec<Option<(i64, i64)>>,
}

/// The contract's strings that every result repeats, as the results' own string type:
/// a clone copies 24 bytes, where building one from text checks and copies it again for
/// each of millions of results.
#[derive(Debug, Clone)]
struct ResultNames {
    id: CompactString,
    /// Per priority (in `targets` order): its name, and per metric the target's label and
    /// calendar name (empty when not measured).
    priorities: Vec<(CompactString, [(CompactString, CompactString); 2])>,
}

impl ResultNames {
    fn new(id: &str, targets: &[(String, [Option<Target>; 2])]) -> ResultNames {
        let names = |t: &Option<Target>| match t {
            Some(t) => (
                CompactString::from(t.label.as_str()),
                CompactString::from(t.calendar.name()),
            ),
            None => (CompactString::default(), CompactString::default()),
        };
        ResultNames {
            id: id.into(),
            priorities: targets
                .iter()
                .map(|(p, pair)| (p.as_str().into(), [names(&pair[0]), names(&pair[1])]))
                .collect(),
        }
    }
}

impl ContractSpec {
    /// Parses a contract spec from TOML without validating it (see [`Contract::from_spec`]).
    pub fn from_toml(text: &str) -> Result<ContractSpec> {
        toml::from_str(text).map_err(|e| Error::from_toml(&e).context("contract"))
    }

    /// Parses a contract spec from JSON without validating it.
    pub fn from_json(text: &str) -> Result<ContractSpec> {
        serde_json::from_str(text).map_err(|e| Error::from_json(&e).context("contract"))
    }
}

impl Contract {
    /// Parses and validates a contract from TOML.
    ///
    /// ```
    /// let contract = slaledger::Contract::from_toml(r#"
    ///     id = "acme"
    ///     timezone = "America/New_York"
    ///     [targets.P1]
    ///     response   = { within = "15m", calendar = "24x7" }
    ///     resolution = { within = "4h",  calendar = "24x7" }
    /// "#).unwrap();
    /// assert_eq!(contract.id(), "acme");
    /// ```
    pub fn from_toml(text: &str) -> Result<Contract> {
        Contract::from_spec(ContractSpec::from_toml(text)?)
    }

    /// Parses and validates a contract from JSON (same schema as TOML).
    pub fn from_json(text: &str) -> Result<Contract> {
        Contract::from_spec(ContractSpec::from_json(text)?)
    }

    /// Validates a parsed spec: zone, calendars, every target, every credit rule.
    pub fn from_spec(spec: ContractSpec) -> Result<Contract> {
        let place = format!("contract {:?}", spec.id);
        let invalid = |kind: ErrorKind, msg: String| Error::new(kind, format!("{place}: {msg}"));
        if spec.id.is_empty() {
            return Err(Error::new(
                ErrorKind::MissingField,
                "contract: \"id\" must not be empty",
            ));
        }
        let timezone = Tz::from_str(&spec.timezone).map_err(|_| {
            invalid(
                ErrorKind::UnknownTimeZone,
                format!(
                    "unknown time zone {:?} (expected an IANA name such as \"America/New_York\")",
                    spec.timezone
                ),
            )
        })?;
        let calendars = Calendars::from_specs(spec.calendars.iter().map(|(k, v)| (k.as_str(), v)))
            .map_err(|e| e.context(&place))?;
        if spec.targets.is_empty() {
            return Err(invalid(
                ErrorKind::MissingTarget,
                "no targets (expected at least one [targets.PRIORITY] table)".into(),
            ));
        }
        let mut targets = Vec::with_capacity(spec.targets.len());
        for (priority, pt) in &spec.targets {
            let mut pair: [Option<Target>; 2] = [None, None];
            for metric in Metric::ALL {
                let entry = match metric {
                    Metric::Response => &pt.response,
                    Metric::Resolution => &pt.resolution,
                };
                let where_ = format!("targets.{priority}.{metric}");
                let Some(entry) = entry else {
                    return Err(invalid(
                        ErrorKind::MissingTarget,
                        format!("{where_} is missing (give a target, or {{ none = \"why\" }} if the contract does not measure it)"),
                    ));
                };
                pair[metric.index()] = compile_target(entry, metric, &calendars)
                    .map_err(|e| e.context(format_args!("{place}: {where_}")))?;
            }
            targets.push((priority.clone(), pair));
        }
        if (spec.fee.is_some() || spec.credits.is_some()) && spec.currency.is_none() {
            return Err(invalid(
                ErrorKind::MissingField,
                "missing \"currency\" (required with a fee or credits)".into(),
            ));
        }
        if let Some(currency) = &spec.currency {
            if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(invalid(
                    ErrorKind::InvalidValue,
                    format!("currency {currency:?} is not an ISO 4217 code such as \"USD\""),
                ));
            }
        }
        if let Some(fee) = &spec.fee {
            match (fee.monthly, fee.per_user, fee.users) {
                (Some(_), None, None) | (None, Some(_), Some(_)) => {}
                _ => {
                    return Err(invalid(
                        ErrorKind::InvalidValue,
                        "fee must be { monthly = \"...\" } or { per_user = \"...\", users = N }"
                            .into(),
                    ))
                }
            }
        }
        for p in &spec.warn_at {
            if p.0 <= Decimal::ZERO || p.0 > Decimal::ONE_HUNDRED {
                return Err(invalid(
                    ErrorKind::InvalidValue,
                    format!("warn_at {p} must be above 0% and at most 100%"),
                ));
            }
        }
        if let Some(credits) = &spec.credits {
            validate_credits(credits, &spec.targets, spec.fee.is_some())
                .map_err(|e| e.context(&place))?;
        }
        let (coverage, ola) = validate_parties(&spec, &calendars).map_err(|e| e.context(&place))?;
        let pause_statuses = spec.pause_statuses.clone();
        let names = ResultNames::new(&spec.id, &targets);
        let warn_fractions = spec
            .warn_at
            .iter()
            .map(|p| {
                let scale = p.0.scale();
                let mantissa = i64::try_from(p.0.mantissa()).ok()?;
                (scale <= 16).then(|| (mantissa, 100 * 10i64.pow(scale)))
            })
            .collect();
        Ok(Contract {
            spec,
            timezone,
            calendars,
            pause_statuses,
            targets,
            coverage,
            ola,
            names,
            warn_fractions,
        })
    }

    /// The contract id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The spec as parsed.
    pub fn spec(&self) -> &ContractSpec {
        &self.spec
    }

    /// The zone billing periods are cut in.
    pub fn timezone(&self) -> Tz {
        self.timezone
    }

    /// The contract's calendars, with `24x7`.
    pub fn calendars(&self) -> &Calendars {
        &self.calendars
    }

    /// The priority change policy.
    pub fn on_priority_change(&self) -> OnPriorityChange {
        self.spec.on_priority_change
    }

    /// The reopen policy.
    pub fn on_reopen(&self) -> OnReopen {
        self.spec.on_reopen
    }

    /// The `warn_at` thresholds.
    pub fn warn_at(&self) -> &[Percent] {
        &self.spec.warn_at
    }

    /// Whether `status` pauses pausable clocks.
    pub fn is_pause_status(&self, status: &str) -> bool {
        self.pause_statuses.iter().any(|s| s == status)
    }

    /// Whether the contract has targets for `priority`.
    pub fn has_priority(&self, priority: &str) -> bool {
        self.priority_index(priority).is_some()
    }

    /// The priorities, sorted.
    pub fn priorities(&self) -> impl Iterator<Item = &str> {
        self.targets.iter().map(|(p, _)| p.as_str())
    }

    /// The target of `metric` for `priority`; `None` if the priority is unknown or the
    /// metric is deliberately not measured.
    pub fn target(&self, priority: &str, metric: Metric) -> Option<&Target> {
        let i = self.priority_index(priority)?;
        self.targets[i].1[metric.index()].as_ref()
    }

    /// Whether the contract names parties (co-managed IT).
    pub fn is_co_managed(&self) -> bool {
        !self.spec.parties.is_empty()
    }

    /// Whether the contract has coverage calendars.
    pub fn has_coverage(&self) -> bool {
        !self.coverage.is_empty()
    }

    /// Whether `party` is one of the contract's parties.
    pub fn has_party(&self, party: &str) -> bool {
        self.spec.parties.iter().any(|p| p == party)
    }

    /// The party whose SLA the targets are.
    pub fn provider(&self) -> Option<&str> {
        self.spec.provider.as_deref()
    }

    /// Whether the SLA clocks exclude the time `party` holds a ticket.
    pub fn pauses_when_held_by(&self, party: &str) -> bool {
        self.spec.pause_when_held_by.iter().any(|p| p == party)
    }

    /// The party that covers `at`: the first, in `parties` order, whose coverage calendar
    /// is working then; `None` without coverage calendars or when none covers it.
    pub fn covering_party(&self, at: crate::Instant) -> Result<Option<&str>> {
        for (party, calendar) in &self.coverage {
            if calendar.is_working(at)? {
                return Ok(Some(party));
            }
        }
        Ok(None)
    }

    /// The OLA target of `party` for `priority` (or its `*` entry).
    pub fn ola_target(&self, party: &str, priority: &str, metric: OlaMetric) -> Option<&Target> {
        // A handful of entries: a scan beats building owned keys for a map lookup.
        let find = |p: &str| {
            self.ola
                .iter()
                .find(|((party_key, priority_key), _)| party_key == party && priority_key == p)
                .and_then(|(_, targets)| targets[metric as usize].as_ref())
        };
        find(priority).or_else(|| find("*"))
    }

    /// Whether any party has OLA targets.
    pub fn has_ola(&self) -> bool {
        !self.ola.is_empty()
    }

    /// The name of the priority at `index` (as [`Contract::priority_index`] gave it).
    pub(crate) fn priority_name(&self, index: u32) -> &str {
        &self.targets[index as usize].0
    }

    /// The working time at which the `i`-th `warn_at` threshold of `target_ms` is
    /// reached: [`Percent::floor_of`], without converting the decimal for each clock.
    pub(crate) fn warn_threshold(&self, i: usize, target_ms: i64) -> i64 {
        if let Some(Some((mantissa, denominator))) = self.warn_fractions.get(i) {
            if let Some(product) = target_ms.checked_mul(*mantissa) {
                return product.div_euclid(*denominator);
            }
        }
        self.spec.warn_at[i].floor_of(target_ms)
    }

    /// The contract id as a result string.
    pub(crate) fn id_string(&self) -> CompactString {
        self.names.id.clone()
    }

    /// The name of the priority at `index` as a result string.
    pub(crate) fn priority_string(&self, index: u32) -> CompactString {
        self.names.priorities[index as usize].0.clone()
    }

    /// The label and calendar name of the target of the priority at `index` for
    /// `metric`, as result strings.
    pub(crate) fn target_strings(
        &self,
        index: u32,
        metric: Metric,
    ) -> (CompactString, CompactString) {
        self.names.priorities[index as usize].1[metric.index()].clone()
    }

    /// The target of the priority at `index` for `metric`: [`Contract::target`] without
    /// looking the priority up by name.
    pub(crate) fn target_at(&self, index: u32, metric: Metric) -> Option<&Target> {
        self.targets.get(index as usize)?.1[metric.index()].as_ref()
    }

    /// The index of `priority` among the contract's priorities (sorted by name).
    pub(crate) fn priority_index(&self, priority: &str) -> Option<usize> {
        self.targets
            .binary_search_by(|(p, _)| p.as_str().cmp(priority))
            .ok()
    }
}

fn compile_target(
    entry: &TargetSpec,
    metric: Metric,
    calendars: &Calendars,
) -> Result<Option<Target>> {
    match (entry.within, &entry.none) {
        (None, Some(_)) if entry.calendar.is_none() && entry.pausable.is_none() => Ok(None),
        (None, Some(_)) => Err(Error::new(
            ErrorKind::InvalidValue,
            "\"none\" excludes within, calendar and pausable",
        )),
        (Some(_), Some(_)) => Err(Error::new(
            ErrorKind::InvalidValue,
            "give either \"within\" or \"none\", not both",
        )),
        (None, None) => Err(Error::new(
            ErrorKind::MissingField,
            "missing \"within\" (e.g. \"4h\" or \"2bd\")",
        )),
        (Some(within), None) => {
            let name = entry.calendar.as_deref().ok_or_else(|| {
                Error::new(
                    ErrorKind::MissingField,
                    "missing \"calendar\" (e.g. \"24x7\" or a calendar of the contract)",
                )
            })?;
            let calendar = calendars.get(name).cloned().ok_or_else(|| {
                let known: Vec<&str> = calendars.names().collect();
                Error::new(
                    ErrorKind::UnknownCalendar,
                    format!("unknown calendar {name:?} (expected one of {known:?})"),
                )
            })?;
            if matches!(within, TargetDuration::BusinessDays(_)) && calendar.is_always() {
                return Err(Error::new(
                    ErrorKind::InvalidDuration,
                    format!("{within} needs a business calendar; 24x7 has no close of business"),
                ));
            }
            let pausable = entry.pausable.unwrap_or(metric == Metric::Resolution);
            Ok(Some(Target {
                within,
                label: within.to_string(),
                calendar,
                pausable,
            }))
        }
    }
}

type PartyTables = (
    Vec<(String, Calendar)>,
    BTreeMap<(String, String), [Option<Target>; 2]>,
);

/// Checks the co-managed keys: every party named exists, the provider is a party, and
/// calendars and OLA targets compile.
fn validate_parties(spec: &ContractSpec, calendars: &Calendars) -> Result<PartyTables> {
    let unknown = |party: &str, key: &str| {
        Error::new(
            ErrorKind::UnknownParty,
            format!(
                "{key} names unknown party {party:?} (expected one of {:?})",
                spec.parties
            ),
        )
    };
    let known = |party: &str| spec.parties.iter().any(|p| p == party);
    let mut seen = HashSet::new();
    for party in &spec.parties {
        if party.is_empty() || !seen.insert(party) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("parties: {party:?} is empty or listed twice"),
            ));
        }
    }
    let uses_parties = spec.provider.is_some()
        || !spec.coverage.is_empty()
        || !spec.pause_when_held_by.is_empty()
        || !spec.ola.is_empty();
    if uses_parties && spec.parties.is_empty() {
        return Err(Error::new(
            ErrorKind::MissingField,
            "missing \"parties\" (provider, coverage, pause_when_held_by and ola name parties)",
        ));
    }
    if let Some(provider) = &spec.provider {
        if !known(provider) {
            return Err(unknown(provider, "provider"));
        }
    }
    for party in &spec.pause_when_held_by {
        if !known(party) {
            return Err(unknown(party, "pause_when_held_by"));
        }
        if spec.provider.as_deref() == Some(party.as_str()) {
            return Err(Error::new(ErrorKind::InvalidValue, format!("pause_when_held_by: {party:?} is the provider; its own holding time cannot pause its clocks")));
        }
    }
    for party in spec.coverage.keys().chain(spec.ola.keys()) {
        if !known(party) {
            return Err(unknown(party, "coverage or ola"));
        }
    }
    let mut coverage = Vec::new();
    for party in &spec.parties {
        if let Some(name) = spec.coverage.get(party) {
            let calendar = calendars.get(name).cloned().ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownCalendar,
                    format!("coverage.{party}: unknown calendar {name:?}"),
                )
            })?;
            coverage.push((party.clone(), calendar));
        }
    }
    let mut ola = BTreeMap::new();
    for (party, by_priority) in &spec.ola {
        for (priority, targets) in by_priority {
            if priority != "*" && !spec.targets.contains_key(priority) {
                return Err(Error::new(ErrorKind::UnknownPriority, format!("ola.{party}.{priority}: unknown priority (expected \"*\" or a priority with targets)")));
            }
            let mut pair: [Option<Target>; 2] = [None, None];
            for (i, entry) in [&targets.acknowledge, &targets.hold]
                .into_iter()
                .enumerate()
            {
                if let Some(entry) = entry {
                    // OLA clocks never pause on statuses: `pausable` is meaningless there.
                    pair[i] = compile_target(entry, Metric::Response, calendars)
                        .map_err(|e| e.context(format_args!("ola.{party}.{priority}")))?;
                }
            }
            ola.insert((party.clone(), priority.clone()), pair);
        }
    }
    Ok((coverage, ola))
}

fn validate_credits(
    credits: &CreditsSpec,
    targets: &BTreeMap<String, PriorityTargets>,
    has_fee: bool,
) -> Result<()> {
    let check_priority = |p: &str, rule: &str| {
        if p == "*" || targets.contains_key(p) {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::UnknownPriority, format!("credits.{rule}: unknown priority {p:?} (expected \"*\" or a priority with targets)")))
        }
    };
    let needs_fee = |rule: &str| {
        if has_fee {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::MissingField,
                format!("credits.{rule} is a percent of the fee, but the contract has no \"fee\""),
            ))
        }
    };
    if matches!(credits.cap, Some(Cap::Percent(_))) {
        needs_fee("cap")?;
    }
    for tier in &credits.tiers {
        check_priority(&tier.priority, "tiers")?;
        needs_fee("tiers")?;
        if tier.levels.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                "credits.tiers: a tier needs at least one level",
            ));
        }
    }
    for rule in &credits.per_breach {
        check_priority(&rule.priority, "per_breach")?;
        match (rule.amount, rule.credit) {
            (Some(_), None) => {}
            (None, Some(_)) => needs_fee("per_breach")?,
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    "credits.per_breach: give exactly one of \"amount\" or \"credit\"",
                ))
            }
        }
    }
    for rule in &credits.per_hour_late {
        check_priority(&rule.priority, "per_hour_late")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACME: &str = r#"
        id = "acme"
        customer = "Acme Corp"
        currency = "USD"
        timezone = "America/New_York"
        fee = { monthly = "12500.00" }
        pause_statuses = ["waiting_on_customer"]
        warn_at = ["75%"]

        [calendars.business]
        timezone = "America/New_York"
        mon = ["08:00-18:00"]

        [targets.P1]
        response   = { within = "15m", calendar = "24x7" }
        resolution = { within = "4h",  calendar = "24x7" }
        [targets.P3]
        response   = { within = "4h",  calendar = "business" }
        resolution = { within = "2bd", calendar = "business", pausable = true }
        [targets.P4]
        response   = { within = "1bd", calendar = "business" }
        resolution = { none = "best effort" }

        [credits]
        cap = "20%"
        tiers = [ { priority = "P1", metric = "resolution", levels = [ { below = "95%", credit = "5%" } ] } ]
        per_breach = [ { priority = "*", metric = "response", amount = "250.00" } ]
    "#;

    #[test]
    fn parses_the_spec_example() {
        let c = Contract::from_toml(ACME).unwrap();
        assert_eq!(c.priorities().collect::<Vec<_>>(), ["P1", "P3", "P4"]);
        assert!(c.target("P4", Metric::Resolution).is_none());
        let p3 = c.target("P3", Metric::Response).unwrap();
        assert_eq!(p3.calendar.name(), "business");
        assert!(!p3.pausable);
        assert!(c.target("P3", Metric::Resolution).unwrap().pausable);
        assert!(c.is_pause_status("waiting_on_customer"));
        assert_eq!(c.on_priority_change(), OnPriorityChange::Recalculate);
        assert_eq!(c.on_reopen(), OnReopen::Resume);
    }

    #[test]
    fn percent_floor_is_exact() {
        let p: Percent = "75%".parse().unwrap();
        assert_eq!(p.floor_of(14_400_000), 10_800_000);
        let odd: Percent = "33.3%".parse().unwrap();
        assert_eq!(odd.floor_of(1000), 333); // 333.0
        assert_eq!(odd.floor_of(7), 2); // 2.331
        let all: Percent = "100%".parse().unwrap();
        assert_eq!(all.floor_of(i64::MAX), i64::MAX);
    }

    #[test]
    fn json_uses_the_same_schema() {
        let spec: ContractSpec = toml::from_str(ACME).unwrap();
        let json = serde_json::to_string(&spec).unwrap();
        let c = Contract::from_json(&json).unwrap();
        assert_eq!(c.spec(), &spec);
    }

    #[test]
    fn bad_contracts_are_coded_errors() {
        let cases = [
            (ACME.replace("customer =", "custmer ="), "unknown_key"),
            (
                ACME.replace(
                    "calendar = \"business\", pausable",
                    "calendar = \"busines\", pausable",
                ),
                "unknown_calendar",
            ),
            (
                ACME.replace("resolution = { none = \"best effort\" }", ""),
                "missing_target",
            ),
            (ACME.replace("\"2bd\"", "\"2 days\""), "invalid_duration"),
            (
                ACME.replace(
                    "timezone = \"America/New_York\"\n        fee",
                    "timezone = \"Mars/Base\"\n        fee",
                ),
                "unknown_time_zone",
            ),
            (
                ACME.replace("warn_at = [\"75%\"]", "on_reopen = \"sometimes\""),
                "invalid_value",
            ),
            (ACME.replace("\"12500.00\"", "12500.0"), "invalid_value"),
            (
                ACME.replace("priority = \"*\"", "priority = \"P9\""),
                "unknown_priority",
            ),
            (ACME.replace("currency = \"USD\"", ""), "missing_field"),
            (
                ACME.replace(
                    "within = \"15m\", calendar = \"24x7\"",
                    "within = \"1bd\", calendar = \"24x7\"",
                ),
                "invalid_duration",
            ),
        ];
        for (text, code) in cases {
            let err = Contract::from_toml(&text).unwrap_err();
            assert_eq!(err.code(), code, "{err}");
        }
    }

    #[test]
    fn messages_say_where() {
        let err = Contract::from_toml(&ACME.replace("resolution = { none = \"best effort\" }", ""))
            .unwrap_err();
        assert!(err.message().contains("targets.P4.resolution"), "{err}");
        let err = Contract::from_toml(&ACME.replace(
            "calendar = \"business\", pausable",
            "calendar = \"busines\", pausable",
        ))
        .unwrap_err();
        assert!(
            err.message().contains("\"busines\"") && err.message().contains("contract \"acme\""),
            "{err}"
        );
    }
}
