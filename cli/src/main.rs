//! The `slaledger` command line.
//!
//! Thin by design: it reads files, calls the core, and prints. Every rule lives in
//! `core/`. Exit codes: 0 success, 1 bad input (strict mode, an unreadable file, a bad
//! contract), 2 usage (bad or missing arguments).

mod alloc;
mod demo;
mod input;
mod output;

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use slaledger::calendar::Calendars;
use slaledger::import::{self, servicenow};
use slaledger::stream::{StreamOptions, StreamReplay};
use slaledger::synth::{self, SynthConfig};
use slaledger::{
    Contract, Duration, Error, ErrorKind, Instant, Ledger, Mode, Period, TargetDuration,
};

use input::{Progress, Source};
use output::Format;

/// Exit code for bad input.
const EXIT_INPUT: u8 = 1;
/// Exit code for bad usage (clap uses the same).
const EXIT_USAGE: u8 = 2;

const AFTER_HELP: &str = "\
Inputs are JSONL event logs (docs/formats.md); a `.gz` file (or gzip on standard input) is
decompressed, and `-` reads standard input. Try `slaledger demo` for a tour on the
bundled examples.

Exit codes:
  0  success (in --lenient mode, also when events were rejected: they are reported)
  1  bad input: an event, contract or file that cannot be used (strict mode stops at the
     first bad event; the message starts with error[code] and names file and line)
  2  usage: unknown or missing arguments, or a malformed argument value";

#[derive(Parser, Debug)]
#[command(
    name = "slaledger",
    version,
    about = "Exact SLA accounting from ticket event logs",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Arguments shared by the commands that replay event logs.
#[derive(clap::Args, Debug)]
struct ReplayArgs {
    /// Event logs (JSONL, optionally gzip-compressed); `-` reads standard input.
    #[arg(required = true, value_name = "EVENTS")]
    events: Vec<PathBuf>,
    /// A contract file (TOML, or JSON if it ends in .json); repeat for several.
    #[arg(long = "contract", short = 'c', required = true, value_name = "FILE")]
    contracts: Vec<PathBuf>,
    /// Add the holidays of an iCalendar file to the calendar CALENDAR of the contracts
    /// (all-day events close dates, timed events close periods); repeatable.
    #[arg(long = "holidays-ics", value_parser = parse_ics_arg, value_name = "CALENDAR=FILE")]
    holidays_ics: Vec<(String, PathBuf)>,
    /// Evaluate as of this instant (RFC 3339 with offset); default: the latest event.
    #[arg(long, value_parser = parse_instant, value_name = "INSTANT")]
    as_of: Option<Instant>,
    /// Reject bad events and go on instead of stopping at the first (exit code stays 0).
    #[arg(long)]
    lenient: bool,
    /// With --lenient: write each rejected event to FILE as JSONL, with its reason.
    #[arg(long, requires = "lenient", value_name = "FILE")]
    rejects: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct PeriodArgs {
    /// A calendar month in each contract's zone, e.g. 2026-11.
    #[arg(long, value_parser = parse_month, conflicts_with_all = ["from", "to"],
          required_unless_present = "from", value_name = "YYYY-MM")]
    period: Option<String>,
    /// Start of a custom period (RFC 3339), with --to.
    #[arg(long, requires = "to", value_parser = parse_instant, value_name = "INSTANT")]
    from: Option<Instant>,
    /// End of a custom period (exclusive), with --from.
    #[arg(long, requires = "from", value_parser = parse_instant, value_name = "INSTANT")]
    to: Option<Instant>,
    /// Only this contract id (default: every loaded contract).
    #[arg(long = "for", value_name = "CONTRACT_ID")]
    contract_id: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Replay event logs and print per-ticket, per-metric results.
    Replay {
        #[command(flatten)]
        input: ReplayArgs,
        /// table, json (the evaluation), jsonl or csv (one record per ticket-metric).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Compliance, MTTA and MTTR per priority for a period, per contract.
    Report {
        #[command(flatten)]
        input: ReplayArgs,
        #[command(flatten)]
        period: PeriodArgs,
        /// table, json (a list of reports), jsonl or csv (one record per row).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The service-credit statement for a period, per contract.
    Credits {
        #[command(flatten)]
        input: ReplayArgs,
        #[command(flatten)]
        period: PeriodArgs,
        /// table, json (a list of statements), jsonl or csv (one record per line, then a
        /// `total` record per statement).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show the timeline behind one ticket's numbers.
    Explain {
        /// The ticket id.
        ticket: String,
        #[command(flatten)]
        input: ReplayArgs,
        /// table, json (the explanation), jsonl or csv (one record per segment).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Convert another system's export into slaledger events (JSONL).
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Write a seeded synthetic event log (JSONL): the same seed gives the same bytes.
    Gen {
        /// Number of tickets.
        #[arg(long, default_value_t = 1000)]
        tickets: u64,
        /// The seed; the same seed gives the same bytes on every platform.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Bad events per thousand tickets (exact duplicates and events out of sequence),
        /// to exercise --lenient.
        #[arg(long, default_value_t = 0, value_name = "N")]
        bad_per_mille: u32,
        /// Write the log to FILE instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Also write the contract the log is made for (id "synthetic") to FILE.
        #[arg(long, value_name = "FILE")]
        contract_out: Option<PathBuf>,
    },
    /// Replay a time-sorted log in memory bounded by the open tickets: one JSON result
    /// per line on standard output as each ticket is done (docs/semantics.md §9).
    Stream {
        #[command(flatten)]
        input: ReplayArgs,
        /// How long a resolved ticket is kept for a `reopened` (e.g. 672h = 28 days).
        #[arg(long, default_value = "672h", value_parser = parse_duration, value_name = "DURATION")]
        reopen_window: Duration,
        /// How long a closed or cancelled ticket is kept for events that arrive out of order.
        #[arg(long, default_value = "1h", value_parser = parse_duration, value_name = "DURATION")]
        lateness: Duration,
    },
    /// Report and credit statement for November 2026 of the two bundled example customers.
    Demo,
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
enum ImportSource {
    /// A ServiceNow incident audit export (CSV, optionally .gz): docs/import-servicenow.md.
    Servicenow(ServicenowArgs),
}

#[derive(clap::Args, Debug)]
struct ServicenowArgs {
    /// The export (CSV, optionally gzip-compressed); `-` or nothing reads standard input.
    #[arg(default_value = "-", value_name = "EXPORT")]
    input: PathBuf,
    /// The IANA time zone of the export's wall times (they carry none). Required.
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
    /// The contract id to put on every `opened` event.
    #[arg(long, value_name = "ID")]
    contract: Option<String>,
    /// How slashed dates are ordered: dmy (29/2/2016) or mdy (2/29/2016).
    #[arg(long, value_enum, default_value_t = DateOrderArg::Dmy)]
    date_order: DateOrderArg,
    /// Write the events to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write every problem found (one JSON object per line, with its row) to FILE.
    #[arg(long, value_name = "FILE")]
    problems: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DateOrderArg {
    /// Day/month/year.
    Dmy,
    /// Month/day/year.
    Mdy,
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

/// `CALENDAR=FILE` for `--holidays-ics`.
fn parse_ics_arg(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((calendar, file)) if !calendar.is_empty() && !file.is_empty() => {
            Ok((calendar.to_string(), PathBuf::from(file)))
        }
        _ => Err(format!(
            "expected CALENDAR=FILE (e.g. business=holidays.ics), found {text:?}"
        )),
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    Duration::parse(text).map_err(|e| e.to_string())
}

fn parse_instant(text: &str) -> Result<Instant, String> {
    Instant::parse(text).map_err(|e| e.to_string())
}

fn parse_month(text: &str) -> Result<String, String> {
    // The zone is the contract's, known later; here only the shape is checked.
    Period::parse_month(text, slaledger::import::Tz::UTC)
        .map(|_| text.to_string())
        .map_err(|e| e.to_string())
}

/// Why the command failed.
#[derive(Debug)]
enum Failure {
    /// Bad arguments: exit 2.
    Usage(String),
    /// Bad input: exit 1.
    Input(Error),
}

impl From<Error> for Failure {
    fn from(err: Error) -> Failure {
        Failure::Input(err)
    }
}

fn main() -> ExitCode {
    alloc::use_huge_pages();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(err)) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(Failure::Input(err)) => {
            eprintln!("error[{}]: {}", err.code(), err);
            ExitCode::from(EXIT_INPUT)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\nFor more information, try '--help'.");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match cli.command {
        Command::Replay { input, format } => {
            let loaded = load(&input)?;
            loaded.progress.phase("evaluating");
            let eval = loaded.ledger.evaluate(loaded.as_of)?;
            loaded.progress.finish();
            output::emit(&mut out, format, &eval).map_err(io_error)?;
            loaded.finish_rejections(&input, Some(&eval))?;
        }
        Command::Report {
            input,
            period,
            format,
        } => {
            period_command(&mut out, &input, &period, format, Ledger::report)?;
        }
        Command::Credits {
            input,
            period,
            format,
        } => {
            period_command(&mut out, &input, &period, format, Ledger::credits)?;
        }
        Command::Explain {
            ticket,
            input,
            format,
        } => {
            let loaded = load(&input)?;
            let explanation = loaded.ledger.explain(&ticket, loaded.as_of)?;
            loaded.progress.finish();
            output::emit(&mut out, format, &explanation).map_err(io_error)?;
            loaded.finish_rejections(&input, None)?;
        }
        Command::Import {
            source: ImportSource::Servicenow(args),
        } => import_servicenow(&mut out, args)?,
        Command::Gen {
            tickets,
            seed,
            bad_per_mille,
            out: path,
            contract_out,
        } => {
            if let Some(path) = contract_out {
                std::fs::write(&path, synth::CONTRACT_TOML)
                    .map_err(|e| input::write_error(&path, &e))?;
            }
            let events = synth::generate(&SynthConfig {
                tickets,
                seed,
                bad_per_mille,
                ..SynthConfig::default()
            });
            let text = synth::to_jsonl(&events);
            match path {
                Some(path) => std::fs::write(&path, text.as_bytes())
                    .map_err(|e| input::write_error(&path, &e))?,
                None => out.write_all(text.as_bytes()).map_err(io_error)?,
            }
        }
        Command::Stream {
            input,
            reopen_window,
            lateness,
        } => stream_command(&mut out, &input, reopen_window, lateness)?,
        Command::Demo => demo::run(&mut out)?,
        Command::Calendar {
            file,
            calendar,
            query,
        } => calendar_query(&mut out, &file, &calendar, query)?,
    }
    out.flush().map_err(io_error)?;
    Ok(())
}

/// `stream`: results as tickets are done, rejections to `--rejects` (one JSON object per
/// line: `{"rejection": {...}}`; the streamed input is not kept to copy lines from), and a
/// summary on standard error.
fn stream_command(
    out: &mut dyn Write,
    args: &ReplayArgs,
    reopen_window: Duration,
    lateness: Duration,
) -> Result<(), Failure> {
    let sources = input::sources(&args.events).map_err(Failure::Usage)?;
    let mode = if args.lenient {
        Mode::Lenient
    } else {
        Mode::Strict
    };
    let options = StreamOptions {
        reopen_window,
        lateness,
        as_of: args.as_of,
    };
    let mut stream = StreamReplay::new(mode, options);
    for contract in input::contracts(&args.contracts, &args.holidays_ics)? {
        stream.add_contract(contract)?;
    }
    let mut written = StreamOutput {
        out,
        rejects: match &args.rejects {
            Some(path) => Some(BufWriter::new(
                std::fs::File::create(path).map_err(|e| input::write_error(path, &e))?,
            )),
            None => None,
        },
    };
    let progress = Progress::for_sources(&sources, "streaming events");
    let mut ingest = |batch: &mut Vec<_>| -> Result<(), Error> {
        for line in batch.drain(..) {
            stream.ingest_line(line)?;
        }
        written.write(stream.take_results(), stream.take_rejected())
    };
    let read = input::load_events(&mut ingest, &sources, false, &progress);
    progress.finish();
    read?;
    let peak = stream.peak_open_tickets();
    let end = stream.finish()?;
    written.write(end.tickets, end.rejected)?;
    let stats = end.stats;
    eprintln!(
        "streamed {} events: {} tickets ({peak} open at most at once), {} duplicates, {} rejected{}",
        stats.events,
        stats.tickets,
        stats.duplicates,
        stats.rejected,
        match (&args.rejects, stats.rejected) {
            (_, 0) => String::new(),
            (Some(path), _) => format!(" (listed in {})", path.display()),
            (None, _) => " (pass --lenient --rejects FILE to list them)".into(),
        }
    );
    Ok(())
}

/// Where `stream` writes: results to standard output, rejections to `--rejects`.
struct StreamOutput<'a> {
    out: &'a mut dyn Write,
    rejects: Option<BufWriter<std::fs::File>>,
}

impl StreamOutput<'_> {
    fn write(
        &mut self,
        results: Vec<slaledger::TicketResult>,
        rejected: Vec<slaledger::Rejection>,
    ) -> Result<(), Error> {
        let failed = |e: std::io::Error| {
            Error::new(
                ErrorKind::InvalidValue,
                format!("cannot write the results: {e}"),
            )
        };
        for result in &results {
            serde_json::to_writer(&mut *self.out, result).map_err(|e| failed(e.into()))?;
            self.out.write_all(b"\n").map_err(failed)?;
        }
        if let Some(file) = &mut self.rejects {
            for rejection in &rejected {
                let line = serde_json::json!({ "rejection": rejection });
                writeln!(file, "{line}").map_err(failed)?;
            }
            file.flush().map_err(failed)?;
        }
        Ok(())
    }
}

/// A ledger built from the command line's contracts and events.
struct Loaded {
    ledger: Ledger,
    as_of: Instant,
    sources: Vec<Source>,
    progress: Progress,
    loaded: input::Loaded,
}

fn load(args: &ReplayArgs) -> Result<Loaded, Failure> {
    let sources = input::sources(&args.events).map_err(Failure::Usage)?;
    let mode = if args.lenient {
        Mode::Lenient
    } else {
        Mode::Strict
    };
    let mut ledger = Ledger::new(mode);
    for contract in input::contracts(&args.contracts, &args.holidays_ics)? {
        ledger.add_contract(contract)?;
    }
    let progress = Progress::for_sources(&sources, "reading events");
    let mut ingest = |batch: &mut Vec<_>| ledger.ingest_lines(batch.drain(..));
    let loaded = input::load_events(&mut ingest, &sources, args.rejects.is_some(), &progress)
        .inspect_err(|_| progress.finish())?;
    let as_of = args
        .as_of
        .or(ledger.latest_event_at())
        .unwrap_or(Instant::MIN);
    Ok(Loaded {
        ledger,
        as_of,
        sources,
        progress,
        loaded,
    })
}

impl Loaded {
    /// In lenient mode: says on standard error how many events were rejected, and writes
    /// them to the `--rejects` file. Needs the evaluation as of the default as-of; the
    /// caller passes it when it already has it.
    fn finish_rejections(
        &self,
        args: &ReplayArgs,
        eval: Option<&slaledger::Evaluation>,
    ) -> Result<(), Failure> {
        if self.ledger.mode() != Mode::Lenient {
            return Ok(());
        }
        let owned;
        let eval = match eval {
            Some(e) => e,
            None => {
                owned = self.ledger.evaluate(self.as_of)?;
                &owned
            }
        };
        if let Some(path) = &args.rejects {
            input::write_rejects(path, eval, &self.sources, &self.loaded)?;
        }
        if !eval.rejected.is_empty() {
            let whereto = match &args.rejects {
                Some(p) => format!("written to {}", p.display()),
                None => "list them with --rejects FILE".into(),
            };
            eprintln!("{} events rejected ({whereto}):", eval.rejected.len());
            for r in eval.rejected.iter().take(10) {
                eprintln!("  [{}] {}", r.code, r.message);
            }
            if eval.rejected.len() > 10 {
                eprintln!("  ... and {} more", eval.rejected.len() - 10);
            }
        }
        Ok(())
    }
}

/// The contracts a report or statement is for.
/// `report` and `credits`: replays the input, runs `query` for each selected contract
/// over its period, and prints the results.
fn period_command<T>(
    out: &mut impl Write,
    input: &ReplayArgs,
    period: &PeriodArgs,
    format: Format,
    query: impl Fn(&Ledger, &str, Period, Option<Instant>) -> slaledger::Result<T>,
) -> Result<(), Failure>
where
    Vec<T>: output::Render,
{
    let loaded = load(input)?;
    loaded.progress.phase("evaluating");
    let mut results = Vec::new();
    for contract in selected(&loaded.ledger, period)? {
        let p = resolve_period(period, contract)?;
        results.push(query(&loaded.ledger, contract.id(), p, input.as_of)?);
    }
    loaded.progress.finish();
    output::emit(out, format, &results).map_err(io_error)?;
    loaded.finish_rejections(input, None)
}

fn selected<'a>(ledger: &'a Ledger, args: &PeriodArgs) -> Result<Vec<&'a Contract>, Failure> {
    match &args.contract_id {
        Some(id) => Ok(vec![ledger.contract(id)?]),
        None => Ok(ledger.contracts().collect()),
    }
}

fn resolve_period(args: &PeriodArgs, contract: &Contract) -> Result<Period, Failure> {
    match (&args.period, args.from, args.to) {
        (Some(month), _, _) => Ok(Period::parse_month(month, contract.timezone())?),
        (None, Some(from), Some(to)) => {
            Period::new(from, to).map_err(|e| Failure::Usage(e.to_string()))
        }
        _ => Err(Failure::Usage(
            "give --period YYYY-MM, or --from and --to".into(),
        )),
    }
}

fn import_servicenow(out: &mut impl Write, args: ServicenowArgs) -> Result<(), Failure> {
    let Some(zone) = &args.tz else {
        return Err(Failure::Usage(
            "the ServiceNow export's timestamps (29/2/2016 01:16) carry no time zone: give \
             the zone they are in with --tz ZONE, an IANA name such as America/New_York or \
             UTC\n\nUsage: slaledger import servicenow --tz ZONE [EXPORT]"
                .into(),
        ));
    };
    let tz = import::parse_time_zone(zone).map_err(|e| Failure::Usage(format!("--tz: {e}")))?;
    let options = servicenow::Options {
        contract: args.contract.clone(),
        date_order: match args.date_order {
            DateOrderArg::Dmy => servicenow::DateOrder::DayMonthYear,
            DateOrderArg::Mdy => servicenow::DateOrder::MonthDayYear,
        },
    };
    let source = Source::new(&args.input);
    let progress = Progress::for_sources(std::slice::from_ref(&source), "reading export");
    let reader = source.open(&progress)?;
    let result = servicenow::import(reader, tz, &options).map_err(|e| e.context(source.name()));
    progress.finish();
    let result = result?;
    let mut text = String::new();
    for event in &result.events {
        text.push_str(&event.to_json());
        text.push('\n');
    }
    match &args.out {
        Some(path) => {
            std::fs::write(path, text.as_bytes()).map_err(|e| input::write_error(path, &e))?
        }
        None => out.write_all(text.as_bytes()).map_err(io_error)?,
    }
    if let Some(path) = &args.problems {
        let mut lines = String::new();
        for p in &result.problems {
            lines.push_str(&serde_json::to_string(p).unwrap_or_default());
            lines.push('\n');
        }
        std::fs::write(path, lines.as_bytes()).map_err(|e| input::write_error(path, &e))?;
    }
    eprintln!(
        "{}: {} rows, {} incidents, {} events, {} problems{}",
        source.name(),
        result.rows,
        result.incidents.len(),
        result.events.len(),
        result.problems.len(),
        match (&args.problems, result.problems.is_empty()) {
            (Some(p), false) => format!(" (written to {})", p.display()),
            (None, false) => " (list them with --problems FILE)".into(),
            _ => String::new(),
        }
    );
    for p in result.problems.iter().take(5) {
        eprintln!("  [{}] {}", p.code, p.message);
    }
    if result.problems.len() > 5 {
        eprintln!("  ... and {} more", result.problems.len() - 5);
    }
    Ok(())
}

fn calendar_query(
    out: &mut impl Write,
    file: &Path,
    calendar: &str,
    query: CalendarQuery,
) -> slaledger::Result<()> {
    let text = std::fs::read_to_string(file).map_err(|e| input::file_error(file, &e))?;
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
