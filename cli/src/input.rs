//! Reading inputs: files, `.gz` files and standard input; the progress bar; contracts;
//! and the `--rejects` file of lenient mode.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant as WallClock};

use flate2::read::MultiGzDecoder;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use slaledger::event::JsonlLine;
use slaledger::{Contract, ContractSpec, Error, ErrorKind, Evaluation, Rejection};

/// An input named on the command line: a file, or `-` for standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file; gzip is recognised by its magic bytes, whatever the name.
    File(PathBuf),
    /// Standard input (gzip recognised the same way).
    Stdin,
}

impl Source {
    pub fn new(path: &Path) -> Source {
        if path == Path::new("-") {
            Source::Stdin
        } else {
            Source::File(path.to_path_buf())
        }
    }

    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "<stdin>".into(),
        }
    }

    /// The size in bytes, when it is a regular file.
    fn len(&self) -> Option<u64> {
        match self {
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
        }
    }

    /// Opens the input, counting raw bytes on `progress` and decompressing gzip.
    pub fn open(&self, progress: &Progress) -> Result<Box<dyn BufRead>, Error> {
        let raw: Box<dyn Read> = match self {
            Source::File(p) => Box::new(File::open(p).map_err(|e| file_error(p, &e))?),
            Source::Stdin => Box::new(io::stdin()),
        };
        let mut reader = BufReader::with_capacity(
            1 << 16,
            Counting {
                inner: raw,
                progress: progress.clone(),
            },
        );
        let head = reader
            .fill_buf()
            .map_err(|e| read_error(&self.name(), &e))?;
        if head.starts_with(&[0x1f, 0x8b]) {
            Ok(Box::new(BufReader::with_capacity(
                1 << 16,
                MultiGzDecoder::new(reader),
            )))
        } else {
            Ok(Box::new(reader))
        }
    }
}

/// Several inputs must not read standard input twice.
pub fn sources(paths: &[PathBuf]) -> Result<Vec<Source>, String> {
    let sources: Vec<Source> = paths.iter().map(|p| Source::new(p)).collect();
    if sources.iter().filter(|s| **s == Source::Stdin).count() > 1 {
        return Err("`-` (standard input) can be given only once".into());
    }
    Ok(sources)
}

/// A progress bar on standard error, drawn only on a terminal and only once reading has
/// taken more than half a second (short inputs print nothing).
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
    started: WallClock,
    enabled: bool,
}

impl Progress {
    /// A bar over `total` bytes (a spinner when unknown).
    pub fn new(total: Option<u64>, message: &str) -> Progress {
        let bar = match total {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden())
                .with_style(
                    ProgressStyle::with_template(
                        "{msg} [{wide_bar}] {bytes}/{total_bytes} ({eta} left)",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
                ProgressStyle::with_template("{spinner} {msg} {bytes} ({bytes_per_sec})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.set_message(message.to_string());
        Progress {
            bar,
            started: WallClock::now(),
            enabled: io::stderr().is_terminal(),
        }
    }

    /// For inputs whose size is the sum of the files' sizes.
    pub fn for_sources(sources: &[Source], message: &str) -> Progress {
        let total: Option<u64> = sources.iter().map(Source::len).sum();
        Progress::new(total, message)
    }

    fn inc(&self, n: u64) {
        self.bar.inc(n);
        if self.enabled
            && self.bar.is_hidden()
            && self.started.elapsed() > Duration::from_millis(500)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// A new phase (e.g. "evaluating") that has no byte count: keeps the bar spinning.
    pub fn phase(&self, message: &str) {
        self.bar.set_message(message.to_string());
        if !self.bar.is_hidden() {
            self.bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

struct Counting<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}

/// Reads the contracts named by `--contract` (TOML, or JSON when the name ends in .json),
/// adding the holidays of each `--holidays-ics CALENDAR=FILE` to the calendar of that
/// name in every contract that has one.
pub fn contracts(paths: &[PathBuf], ics: &[(String, PathBuf)]) -> Result<Vec<Contract>, Error> {
    let mut holidays: Vec<(&str, String, &Path)> = Vec::new();
    for (calendar, path) in ics {
        let text = std::fs::read_to_string(path).map_err(|e| file_error(path, &e))?;
        holidays.push((calendar, text, path));
    }
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| file_error(path, &e))?;
            let spec = if path.extension().is_some_and(|x| x == "json") {
                ContractSpec::from_json(&text)
            } else {
                ContractSpec::from_toml(&text)
            };
            let mut spec = spec.map_err(|e| e.context(path.display()))?;
            for (calendar, text, ics_path) in &holidays {
                if let Some(cal) = spec.calendars.get_mut(*calendar) {
                    cal.with_ics(text)
                        .map_err(|e| e.context(ics_path.display()))?;
                }
            }
            Contract::from_spec(spec).map_err(|e| e.context(path.display()))
        })
        .collect()
}

/// What loading the events gave besides the ledger.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Lines of standard input, kept only when a `--rejects` file will need them.
    stdin_lines: Vec<String>,
}

/// Lines per batch passed from the reading thread to `ingest`: enough to make the hand-over
/// cheap (the ledger then looks ahead 32 lines at a time, `Ledger::ingest_lines`).
const BATCH: usize = 1024;

/// What the reading thread sends: a batch of parsed lines of source `.0`, or the error
/// that stopped reading (it names the file and line already).
type Batch = (usize, Result<Vec<JsonlLine>, Error>);

/// Reads every source's lines and hands them to `ingest` in batches (never across two
/// sources, so an error names the right file); `ingest` drains each batch. Strict mode
/// stops at the first bad line with an error naming the file and line; lenient mode
/// rejects the line and goes on.
///
/// Reading and parsing run on a thread of their own while `ingest` stores the previous
/// batch: each takes about half of a replay's time before evaluation, and the machine has
/// a second core. The order of lines, and so every result, is the same.
pub fn load_events(
    ingest: &mut dyn FnMut(&mut Vec<JsonlLine>) -> Result<(), Error>,
    sources: &[Source],
    keep_stdin: bool,
    progress: &Progress,
) -> Result<Loaded, Error> {
    std::thread::scope(|scope| {
        let (sender, batches) = std::sync::mpsc::sync_channel::<Batch>(8);
        let reader = scope.spawn(move || read_sources(sources, keep_stdin, progress, &sender));
        let mut outcome = Ok(());
        for (source, batch) in batches.iter() {
            let stored = batch.and_then(|mut lines| {
                ingest(&mut lines).map_err(|e| e.context(sources[source].name()))
            });
            if let Err(err) = stored {
                outcome = Err(err);
                break;
            }
        }
        // A reader still going finds the channel closed at its next batch and stops.
        drop(batches);
        let loaded = reader.join().map_err(|_| {
            Error::new(
                ErrorKind::InvalidValue,
                "the reading thread failed".to_string(),
            )
        })?;
        outcome.map(|()| loaded)
    })
}

/// The reading thread of [`load_events`]: parses every line, sends batches; returns the
/// lines of standard input when `keep_stdin` (for `--rejects`).
fn read_sources(
    sources: &[Source],
    keep_stdin: bool,
    progress: &Progress,
    sender: &std::sync::mpsc::SyncSender<Batch>,
) -> Loaded {
    let mut loaded = Loaded::default();
    for (index, source) in sources.iter().enumerate() {
        let mut reader = match source.open(progress) {
            Ok(reader) => reader,
            Err(err) => {
                let _ = sender.send((index, Err(err)));
                return loaded;
            }
        };
        let name = source.name();
        let mut batch = Vec::with_capacity(BATCH);
        let mut bytes = Vec::new();
        let mut line: u32 = 0;
        loop {
            bytes.clear();
            line = line.saturating_add(1);
            match reader.read_until(b'\n', &mut bytes) {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) => {
                    let err = read_error(&name, &err).context(format_args!("line {line}"));
                    let _ = sender.send((index, Err(err)));
                    return loaded;
                }
            }
            // A line that is not UTF-8 is a bad line like any other, not the end of input.
            let text = String::from_utf8_lossy(&bytes);
            if keep_stdin && *source == Source::Stdin {
                loaded
                    .stdin_lines
                    .push(text.trim_end_matches(['\n', '\r']).to_string());
            }
            let trimmed = text.trim();
            if trimmed.is_empty() {
                continue;
            }
            let parsed = match &text {
                std::borrow::Cow::Borrowed(_) => JsonlLine::parse(line, trimmed),
                std::borrow::Cow::Owned(_) => JsonlLine {
                    line,
                    event: Err(Error::new(
                        ErrorKind::MalformedJson,
                        format!(
                            "line {line}: expected UTF-8 text, found invalid bytes ({})",
                            std::str::from_utf8(&bytes)
                                .err()
                                .map(|e| e.to_string())
                                .unwrap_or_default()
                        ),
                    )),
                    id: None,
                    ticket: None,
                },
            };
            batch.push(parsed);
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if sender.send((index, Ok(full))).is_err() {
                    return loaded;
                }
            }
        }
        if !batch.is_empty() && sender.send((index, Ok(batch))).is_err() {
            return loaded;
        }
    }
    loaded
}

/// Writes each rejected event as one JSON line: the original event object with a
/// `"rejection"` member added (`code`, `message`, `file`, `line`), so the file can be
/// fixed and fed back in; a line that was not a JSON object is written as
/// `{"rejection": {...}, "text": "the line"}`.
///
/// Lines are found again by re-reading the files (standard input was kept in memory).
/// With several inputs, a rejection belongs to the first input whose line at that
/// number holds the rejected event's id.
pub fn write_rejects(
    path: &Path,
    eval: &Evaluation,
    sources: &[Source],
    loaded: &Loaded,
) -> Result<(), Error> {
    let wanted: BTreeSet<u32> = eval.rejected.iter().filter_map(|r| r.line).collect();
    let mut texts: Vec<BTreeMap<u32, String>> = Vec::with_capacity(sources.len());
    for source in sources {
        let mut found = BTreeMap::new();
        match source {
            Source::Stdin => {
                for &n in &wanted {
                    if let Some(t) = loaded.stdin_lines.get(n as usize - 1) {
                        found.insert(n, t.clone());
                    }
                }
            }
            Source::File(_) if !wanted.is_empty() => {
                let mut reader = source.open(&Progress::new(None, ""))?;
                let last = wanted.last().copied().unwrap_or(0);
                let mut bytes = Vec::new();
                for n in 1..=last {
                    bytes.clear();
                    match reader.read_until(b'\n', &mut bytes) {
                        Ok(0) => break,
                        Ok(_) if wanted.contains(&n) => {
                            let text = String::from_utf8_lossy(&bytes);
                            found.insert(n, text.trim_end_matches(['\n', '\r']).to_string());
                        }
                        Ok(_) => {}
                        Err(err) => return Err(read_error(&source.name(), &err)),
                    }
                }
            }
            Source::File(_) => {}
        }
        texts.push(found);
    }
    let mut out = io::BufWriter::new(File::create(path).map_err(|e| write_error(path, &e))?);
    for r in &eval.rejected {
        let (file, text) = locate(r, sources, &texts);
        let rejection = serde_json::json!({
            "code": r.code,
            "message": r.message,
            "file": file,
            "line": r.line,
        });
        let line = match text.as_deref().map(str::trim) {
            Some(t)
                if t.starts_with('{')
                    && t.ends_with('}')
                    && serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t)
                        .is_ok() =>
            {
                let body = t[1..t.len() - 1].trim_end();
                let sep = if body.trim().is_empty() { "" } else { "," };
                format!("{{{body}{sep}\"rejection\":{rejection}}}")
            }
            Some(t) => serde_json::json!({"rejection": rejection, "text": t}).to_string(),
            None => serde_json::json!({"rejection": rejection, "id": r.id, "ticket": r.ticket})
                .to_string(),
        };
        writeln!(out, "{line}").map_err(|e| write_error(path, &e))?;
    }
    out.flush().map_err(|e| write_error(path, &e))
}

fn locate(
    r: &Rejection,
    sources: &[Source],
    texts: &[BTreeMap<u32, String>],
) -> (Option<String>, Option<String>) {
    let Some(line) = r.line else {
        return (None, None);
    };
    let holds_id = |t: &str| match (&r.id, serde_json::from_str::<serde_json::Value>(t.trim())) {
        (Some(id), Ok(v)) => v.get("id").and_then(|v| v.as_str()) == Some(id.as_str()),
        (None, _) => true,
        (Some(_), Err(_)) => false,
    };
    let mut first = None;
    for (source, found) in sources.iter().zip(texts) {
        if let Some(t) = found.get(&line) {
            if holds_id(t) {
                return (Some(source.name()), Some(t.clone()));
            }
            first.get_or_insert((Some(source.name()), Some(t.clone())));
        }
    }
    first.unwrap_or((None, None))
}

/// The string `id` and `ticket` of a line that is a JSON object.
pub fn file_error(path: &Path, err: &io::Error) -> Error {
    Error::new(
        ErrorKind::InvalidValue,
        format!("cannot read {}: {err}", path.display()),
    )
}

fn read_error(name: &str, err: &io::Error) -> Error {
    Error::new(
        ErrorKind::InvalidValue,
        format!("cannot read {name}: {err}"),
    )
}

pub fn write_error(path: &Path, err: &io::Error) -> Error {
    Error::new(
        ErrorKind::InvalidValue,
        format!("cannot write {}: {err}", path.display()),
    )
}
