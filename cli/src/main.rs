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
use slaledger::{
    Contract, CreditStatement, Error, ErrorKind, Evaluation, Instant, Ledger, Mode, Period, Report,
    TargetDuration,
};

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

#[derive(clap::Args, Debug)]
struct PeriodArgs {
    /// A calendar month in each contract's zone, e.g. 2026-11.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    period: Option<String>,
    /// Start of a custom period (RFC 3339), with --to.
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// End of a custom period (exclusive), with --from.
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// Only this contract id (default: every loaded contract).
    #[arg(long = "for")]
    contract_id: Option<String>,
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
    /// Compliance, MTTA and MTTR per priority for a period, per contract.
    Report {
        #[command(flatten)]
        input: ReplayArgs,
        #[command(flatten)]
        period: PeriodArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The service-credit statement for a period, per contract.
    Credits {
        #[command(flatten)]
        input: ReplayArgs,
        #[command(flatten)]
        period: PeriodArgs,
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
        Command::Report {
            input,
            period,
            format,
        } => {
            let (ledger, as_of) = load(&input)?;
            let mut reports = Vec::new();
            for contract in selected(&ledger, &period)? {
                let p = resolve_period(&period, contract)?;
                reports.push(ledger.report(
                    contract.id(),
                    p,
                    input.as_of.is_some().then_some(as_of),
                )?);
            }
            match format {
                Format::Json => write_json(&mut out, &reports)?,
                Format::Table => print_reports(&mut out, &reports).map_err(io_error)?,
            }
        }
        Command::Credits {
            input,
            period,
            format,
        } => {
            let (ledger, as_of) = load(&input)?;
            let mut statements = Vec::new();
            for contract in selected(&ledger, &period)? {
                let p = resolve_period(&period, contract)?;
                statements.push(ledger.credits(
                    contract.id(),
                    p,
                    input.as_of.is_some().then_some(as_of),
                )?);
            }
            match format {
                Format::Json => write_json(&mut out, &statements)?,
                Format::Table => print_statements(&mut out, &statements).map_err(io_error)?,
            }
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

/// The contracts a report or statement is for.
fn selected<'a>(ledger: &'a Ledger, args: &PeriodArgs) -> slaledger::Result<Vec<&'a Contract>> {
    match &args.contract_id {
        Some(id) => Ok(vec![ledger.contract(id)?]),
        None => Ok(ledger.contracts().collect()),
    }
}

fn resolve_period(args: &PeriodArgs, contract: &Contract) -> slaledger::Result<Period> {
    match (&args.period, &args.from, &args.to) {
        (Some(month), _, _) => Period::parse_month(month, contract.timezone()),
        (None, Some(from), Some(to)) => Period::new(Instant::parse(from)?, Instant::parse(to)?),
        _ => Err(Error::new(
            ErrorKind::InvalidValue,
            "give --period YYYY-MM, or --from and --to",
        )),
    }
}

fn print_reports(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    for report in reports {
        writeln!(
            out,
            "contract {}: {} .. {} (as of {})",
            report.contract, report.period.from, report.period.to, report.as_of
        )?;
        writeln!(
            out,
            "{:<5} {:<10} {:>8} {:>6} {:>8} {:>5} {:>8} {:>9} {:>11} {:>9} {:>9}",
            "prio",
            "metric",
            "measured",
            "met",
            "breached",
            "open",
            "excluded",
            "cancelled",
            "compliance",
            "median",
            "p90"
        )?;
        for row in report.rows() {
            let compliance = row
                .compliance
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".into());
            let (median, p90) = row
                .working_time
                .as_ref()
                .map_or(("-".into(), "-".into()), |s| {
                    (hours(s.median_ms), hours(s.p90_ms))
                });
            writeln!(
                out,
                "{:<5} {:<10} {:>8} {:>6} {:>8} {:>5} {:>8} {:>9} {:>11} {:>9} {:>9}",
                row.priority,
                row.metric.name(),
                row.measured,
                row.met,
                row.breached,
                row.open,
                row.excluded,
                row.cancelled,
                compliance,
                median,
                p90
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn print_statements(out: &mut impl Write, statements: &[CreditStatement]) -> io::Result<()> {
    for s in statements {
        writeln!(
            out,
            "credit statement, contract {}: {} .. {}, fee {} {}",
            s.contract, s.period.from, s.period.to, s.fee, s.currency
        )?;
        for line in &s.lines {
            let basis = serde_json::to_string(&line.basis).unwrap_or_default();
            writeln!(
                out,
                "  {:<13} {:<3} {:<10} {:>12}  {basis}",
                line.rule,
                line.priority,
                line.metric.name(),
                line.amount.to_string()
            )?;
        }
        writeln!(out, "  {:<28} {:>12}", "subtotal", s.subtotal.to_string())?;
        if let Some(cap) = s.cap {
            writeln!(
                out,
                "  {:<28} {:>12}{}",
                "cap",
                cap.to_string(),
                if s.capped { "  (applied)" } else { "" }
            )?;
        }
        writeln!(
            out,
            "  {:<28} {:>12} {}\n",
            "total credit",
            s.total.to_string(),
            s.currency
        )?;
    }
    Ok(())
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
