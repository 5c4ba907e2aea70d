//! The `slaledger` command line.
//!
//! This release answers calendar questions (working time, deadlines, opening hours) on
//! the calendars of a TOML file. Replay, reports and credits arrive with the ledger.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use slaledger::calendar::Calendars;
use slaledger::{Instant, TargetDuration};

/// Exit code for bad input (a calendar file or an instant that does not parse).
const EXIT_INPUT: u8 = 1;

#[derive(Parser, Debug)]
#[command(
    name = "slaledger",
    version,
    about = "Exact SLA accounting from ticket event logs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Working time, deadlines and opening hours on a business calendar.
    Calendar {
        /// A TOML file with [calendars.NAME] tables (SPEC §3).
        file: PathBuf,
        /// Which calendar of the file to use (`24x7` is always available).
        #[arg(long, short)]
        calendar: String,
        #[command(subcommand)]
        query: CalendarQuery,
    },
}

#[derive(Subcommand, Debug)]
enum CalendarQuery {
    /// Working time in [FROM, TO).
    WorkingTime {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// The deadline of a target (`4h`, `1h30m`, `PT4H`, `2bd`) started at FROM.
    Deadline {
        #[arg(long)]
        from: String,
        #[arg(long)]
        within: String,
    },
    /// Whether AT is working time, and when that next changes.
    Status {
        #[arg(long)]
        at: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error[{}]: {}", err.code(), err);
            ExitCode::from(EXIT_INPUT)
        }
    }
}

fn run(cli: Cli) -> slaledger::Result<()> {
    let Command::Calendar {
        file,
        calendar,
        query,
    } = cli.command;
    let text = std::fs::read_to_string(&file).map_err(|e| {
        slaledger::Error::new(
            slaledger::ErrorKind::InvalidValue,
            format!("cannot read {}: {e}", file.display()),
        )
    })?;
    let calendars = Calendars::from_toml(&text).map_err(|e| e.context(file.display()))?;
    let cal = calendars.get(&calendar).ok_or_else(|| {
        let known: Vec<&str> = calendars.names().collect();
        slaledger::Error::new(
            slaledger::ErrorKind::InvalidValue,
            format!(
                "{}: no calendar {calendar:?} (expected one of {known:?})",
                file.display()
            ),
        )
    })?;
    match query {
        CalendarQuery::WorkingTime { from, to } => {
            let (from, to) = (Instant::parse(&from)?, Instant::parse(&to)?);
            let d = cal.working_time(from, to)?;
            println!(
                "working time {from} .. {to} on {:?}: {d} ({} ms)",
                cal.name(),
                d.as_millis()
            );
        }
        CalendarQuery::Deadline { from, within } => {
            let from = Instant::parse(&from)?;
            let target = TargetDuration::parse(&within)?;
            let allowed = cal.target_working_time(from, target)?;
            let due = cal.add_working_time(from, allowed)?;
            println!(
                "a {target} target started {from} on {:?} is due {due} ({allowed} of working time)",
                cal.name()
            );
        }
        CalendarQuery::Status { at } => {
            let at = Instant::parse(&at)?;
            let state = if cal.is_working(at)? {
                "working"
            } else {
                "closed"
            };
            match cal.next_change(at)? {
                Some(next) => println!("{at} on {:?}: {state} until {next}", cal.name()),
                None => println!(
                    "{at} on {:?}: {state}, no change within the search horizon",
                    cal.name()
                ),
            }
        }
    }
    Ok(())
}
