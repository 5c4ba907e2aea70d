//! slaledger: event-sourced SLA accounting.
//!
//! The core replays ticket event logs against contracts and computes, exactly and
//! deterministically, how much working time each ticket's SLA clocks used on
//! business-hours or 24/7 calendars, then per period compliance, MTTA/MTTR and service
//! credits. The layers, bottom up: [`calendar`] (business calendars with IANA zones,
//! daylight-saving time, overnight windows, holidays, the `Nbd` rule), [`event`] and
//! [`contract`] (the inputs), [`ledger`] and [`ticket`] (replay), [`report`] and
//! [`credit`] (periods and money), [`records`] (the flat rows every surface prints).
//!
//! ```
//! use slaledger::{Calendar, Duration, Instant};
//!
//! let cal = Calendar::from_toml("business", r#"
//!     timezone = "Europe/London"
//!     mon = ["09:00-17:30"]
//!     tue = ["09:00-17:30"]
//!     wed = ["09:00-17:30"]
//!     thu = ["09:00-17:30"]
//!     fri = ["09:00-17:30"]
//!     holidays = ["2026-12-25"]
//! "#)?;
//! let from: Instant = "2026-12-24T17:00:00Z".parse()?;
//! let to: Instant = "2026-12-28T10:00:00Z".parse()?;
//! // 30 minutes on Thursday, Christmas Day closed, the weekend closed, one hour Monday.
//! assert_eq!(cal.working_time(from, to)?, Duration::from_mins(90));
//! # Ok::<(), slaledger::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod calendar;
pub mod contract;
pub mod credit;
mod error;
pub mod event;
pub mod import;
pub mod ledger;
pub mod party;
pub mod records;
pub mod report;
pub mod stream;
pub mod synth;
pub mod ticket;
mod time;

pub use calendar::{Calendar, CalendarSpec, ExceptionSpec};
pub use contract::{Contract, ContractSpec, Metric, OnPriorityChange, OnReopen};
pub use credit::{CreditStatement, Money};
pub use error::{Error, ErrorKind, Result};
pub use event::{Event, EventKind};
pub use ledger::{Evaluation, Ledger, Mode, Rejection};
pub use report::{Period, Report};
pub use ticket::{Explanation, MeasurementState, MetricResult, TicketResult};
pub use time::{Duration, Instant, TargetDuration};
