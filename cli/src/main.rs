//! The `slaledger` command line.
//!
//! Thin by design: it reads files, calls the core, and prints. Every rule lives in
//! `core/`. Exit codes: 0 success, 1 bad input (strict mode, or an unreadable file), 2
//! usage (clap's own code).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use slaledger::calendar::Calendars;
use slaledger::synth::{self, SynthConfig};
use slaledger::{Contract, Error, ErrorKind, Evaluation, Instant, Ledger, Mode, TargetDuration};

/// Exit code for bad input.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A readable table.
    Table,
    /// The evaluation as one JSON document (SPEC §7).
    Json,
}

#[derive(clap::Args, Debug)]
struct ReplayArgs {
    /// Event logs (JSONL); `-` reads standard input.
    #[arg(required = true)]
    events: Vec<PathBuf>,
    /// A contract file (TOML, or JSON if it ends in .json); repeat for several.
    #[arg(long = "contract", short = 'c', required = true)]
    contracts: Vec<PathBuf>,
    /// Evaluate as of this instant (RFC 3339); default: the latest event.
    #[arg(long)]
    as_of: Option<String>,
    /// Reject bad events and go on instead of stopping at the first.
    #[arg(long)]
    lenient: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Replay event logs and print per-ticket, per-metric results.
    Replay {
        #[command(flatten)]
        input: ReplayArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show the timeline behind one ticket's numbers.
    Explain {
        /// The ticket id.
        ticket: String,
        #[command(flatten)]
        input: ReplayArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Write a seeded synthetic event log (JSONL) to standard output.
    Gen {
        /// Number of tickets.
        #[arg(long, default_value_t = 1000)]
        tickets: u64,
        /// The seed; the same seed gives the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Bad events per thousand tickets.
        #[arg(long, default_value_t = 0)]
        bad_per_mille: u32,
        /// Also write the contract the log is made for to this file.
        #[arg(long)]
        contract_out: Option<PathBuf>,
    },
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
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error[{}]: {}", err.code(), err);
            ExitCode::from(EXIT_INPUT)
        }
    }
}

fn run(cli: Cli) -> slaledger::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Replay { input, format } => {
            let (ledger, as_of) = load(&input)?;
            let eval = ledger.evaluate(as_of)?;
            match format {
                Format::Json => write_json(&mut out, &eval)?,
                Format::Table => print_evaluation(&mut out, &eval).map_err(io_error)?,
            }
            report_rejections(&eval);
        }
        Command::Explain {
            ticket,
            input,
            format,
        } => {
            let (ledger, as_of) = load(&input)?;
            let explanation = ledger.explain(&ticket, as_of)?;
            match format {
                Format::Json => write_json(&mut out, &explanation)?,
                Format::Table => print_explanation(&mut out, &explanation).map_err(io_error)?,
            }
        }
        Command::Gen {
            tickets,
            seed,
            bad_per_mille,
            contract_out,
        } => {
            if let Some(path) = contract_out {
                std::fs::write(&path, synth::CONTRACT_TOML).map_err(|e| file_error(&path, e))?;
            }
            let events = synth::generate(&SynthConfig {
                tickets,
                seed,
                bad_per_mille,
                ..SynthConfig::default()
            });
            out.write_all(synth::to_jsonl(&events).as_bytes())
                .map_err(io_error)?;
        }
        Command::Calendar {
            file,
            calendar,
            query,
        } => calendar_query(&mut out, &file, &calendar, query)?,
    }
    out.flush().map_err(io_error)
}

/// Builds the ledger from contracts and event files, and picks the as-of instant.
fn load(input: &ReplayArgs) -> slaledger::Result<(Ledger, Instant)> {
    let mode = if input.lenient {
        Mode::Lenient
    } else {
        Mode::Strict
    };
    let mut ledger = Ledger::new(mode);
    for path in &input.contracts {
        let text = std::fs::read_to_string(path).map_err(|e| file_error(path, e))?;
        let contract = if path.extension().is_some_and(|x| x == "json") {
            Contract::from_json(&text)
        } else {
            Contract::from_toml(&text)
        };
        ledger.add_contract(contract.map_err(|e| e.context(path.display()))?)?;
    }
    let mut latest = Instant::MIN;
    for path in &input.events {
        let reader: Box<dyn BufRead> = if path == Path::new("-") {
            Box::new(BufReader::new(io::stdin()))
        } else {
            Box::new(BufReader::new(
                File::open(path).map_err(|e| file_error(path, e))?,
            ))
        };
        // Track the latest instant so the default as-of covers the whole log.
        for line in slaledger::event::read_jsonl(reader) {
            match line.event {
                Ok(event) => {
                    latest = latest.max(event.at);
                    ledger
                        .ingest_event(event, Some(line.line))
                        .map_err(|e| e.context(path.display()))?;
                }
                Err(err) if mode == Mode::Strict => return Err(err.context(path.display())),
                Err(err) => ledger.reject_unreadable(&err, line.line),
            }
        }
    }
    let as_of = match &input.as_of {
        Some(text) => Instant::parse(text)?,
        None => latest,
    };
    Ok((ledger, as_of))
}

fn report_rejections(eval: &Evaluation) {
    if !eval.rejected.is_empty() {
        eprintln!(
            "{} events rejected (listed in the JSON output under \"rejected\"):",
            eval.rejected.len()
        );
        for r in eval.rejected.iter().take(20) {
            eprintln!("  [{}] {}", r.code, r.message);
        }
        if eval.rejected.len() > 20 {
            eprintln!("  ... and {} more", eval.rejected.len() - 20);
        }
    }
}

fn write_json<T: serde::Serialize>(out: &mut impl Write, value: &T) -> slaledger::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|e| Error::new(ErrorKind::InvalidValue, e.to_string()))?;
    writeln!(out).map_err(io_error)
}

fn hours(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.abs();
    format!("{sign}{}:{:02}", ms / 3_600_000, ms / 60_000 % 60)
}

fn print_evaluation(out: &mut impl Write, eval: &Evaluation) -> io::Result<()> {
    writeln!(
        out,
        "as of {}: {} tickets, {} events ({} duplicates, {} rejected)",
        eval.as_of,
        eval.stats.tickets,
        eval.stats.events,
        eval.stats.duplicates,
        eval.stats.rejected
    )?;
    writeln!(
        out,
        "{:<14} {:<4} {:<10} {:<3} {:<9} {:>9} {:>9} {:>9}  due / breached at",
        "ticket", "prio", "metric", "cyc", "state", "target", "used", "paused"
    )?;
    for t in &eval.tickets {
        for m in &t.metrics {
            let when = m
                .breached_at
                .or(m.due_at)
                .map(|i| i.to_string())
                .unwrap_or_else(|| "-".into());
            let state = serde_json::to_value(m.state)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            writeln!(
                out,
                "{:<14} {:<4} {:<10} {:<3} {:<9} {:>9} {:>9} {:>9}  {when}",
                t.ticket,
                m.priority,
                m.metric.name(),
                m.cycle,
                state,
                hours(m.target_ms.as_millis()),
                hours(m.elapsed_ms.as_millis()),
                hours(m.paused_ms.as_millis()),
            )?;
        }
    }
    Ok(())
}

fn print_explanation(out: &mut impl Write, x: &slaledger::Explanation) -> io::Result<()> {
    writeln!(
        out,
        "ticket {} (contract {}) as of {}",
        x.ticket, x.contract, x.as_of
    )?;
    for c in &x.priority_changes {
        writeln!(
            out,
            "  priority {} -> {} at {} ({:?})",
            c.from, c.to, c.at, c.policy
        )?;
    }
    for clock in &x.clocks {
        let r = &clock.result;
        writeln!(
            out,
            "\n{} cycle {} ({} on {:?}, target {}): used {}, paused {}, wall {}",
            r.metric,
            r.cycle,
            r.priority,
            r.calendar,
            r.target,
            hours(r.elapsed_ms.as_millis()),
            hours(r.paused_ms.as_millis()),
            hours(r.wall_ms.as_millis())
        )?;
        for s in &clock.segments {
            let kind = serde_json::to_value(s.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} .. {}  {:<12} {:>7}  {}",
                s.from,
                s.to,
                kind,
                hours(s.working_ms.as_millis()),
                s.reason
            )?;
        }
    }
    Ok(())
}

fn calendar_query(
    out: &mut impl Write,
    file: &Path,
    calendar: &str,
    query: CalendarQuery,
) -> slaledger::Result<()> {
    let text = std::fs::read_to_string(file).map_err(|e| file_error(file, e))?;
    let calendars = Calendars::from_toml(&text).map_err(|e| e.context(file.display()))?;
    let cal = calendars.get(calendar).ok_or_else(|| {
        let known: Vec<&str> = calendars.names().collect();
        Error::new(
            ErrorKind::InvalidValue,
            format!(
                "{}: no calendar {calendar:?} (expected one of {known:?})",
                file.display()
            ),
        )
    })?;
    let line = match query {
        CalendarQuery::WorkingTime { from, to } => {
            let (from, to) = (Instant::parse(&from)?, Instant::parse(&to)?);
            let d = cal.working_time(from, to)?;
            format!(
                "working time {from} .. {to} on {:?}: {d} ({} ms)",
                cal.name(),
                d.as_millis()
            )
        }
        CalendarQuery::Deadline { from, within } => {
            let from = Instant::parse(&from)?;
            let target = TargetDuration::parse(&within)?;
            let allowed = cal.target_working_time(from, target)?;
            let due = cal.add_working_time(from, allowed)?;
            format!(
                "a {target} target started {from} on {:?} is due {due} ({allowed} of working time)",
                cal.name()
            )
        }
        CalendarQuery::Status { at } => {
            let at = Instant::parse(&at)?;
            let state = if cal.is_working(at)? {
                "working"
            } else {
                "closed"
            };
            match cal.next_change(at)? {
                Some(next) => format!("{at} on {:?}: {state} until {next}", cal.name()),
                None => format!(
                    "{at} on {:?}: {state}, no change within the search horizon",
                    cal.name()
                ),
            }
        }
    };
    writeln!(out, "{line}").map_err(io_error)
}

fn file_error(path: &Path, err: io::Error) -> Error {
    Error::new(
        ErrorKind::InvalidValue,
        format!("cannot read {}: {err}", path.display()),
    )
}

fn io_error(err: io::Error) -> Error {
    Error::new(
        ErrorKind::InvalidValue,
        format!("cannot write output: {err}"),
    )
}

/// Whether an error is a closed standard output (`slaledger replay ... | head`), which
/// ends the program quietly like any Unix filter.
fn is_broken_pipe(err: &Error) -> bool {
    err.message().starts_with("cannot write output") && err.message().contains("Broken pipe")
}
