//! Importers: other systems' exports turned into slaledger events (SPEC §5).
//!
//! Pure like the rest of the core: an importer takes a reader and options and returns
//! events plus every problem it met, each with the row it came from. Opening files and
//! decompressing them is the caller's job (the CLI does both).
//!
//! Exports of ticketing systems usually carry local wall times without a zone; an
//! importer therefore always takes the zone to read them in ([`parse_time_zone`]), and
//! converts them with the calendar engine's single local-to-instant rule (a repeated
//! wall time maps to its earlier occurrence, a skipped one to the first instant after
//! the gap).

pub mod servicenow;

pub use chrono_tz::Tz;

use crate::error::{Error, ErrorKind, Result};

/// Parses an IANA time zone name (`"Europe/Berlin"`, `"UTC"`), with a clear error.
///
/// ```
/// use slaledger::import::parse_time_zone;
/// assert_eq!(parse_time_zone("Europe/Berlin")?.name(), "Europe/Berlin");
/// assert_eq!(parse_time_zone("Mars/Olympus").unwrap_err().code(), "unknown_time_zone");
/// # Ok::<(), slaledger::Error>(())
/// ```
pub fn parse_time_zone(name: &str) -> Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        Error::new(
            ErrorKind::UnknownTimeZone,
            format!(
                "expected an IANA time zone name such as \"Europe/Berlin\" or \"UTC\", found {name:?}"
            ),
        )
    })
}
