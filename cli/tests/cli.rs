//! The `slaledger` binary, run as a user would: every subcommand, every output format,
//! standard input, gzip input, lenient mode with a rejects file, and the exit codes
//! (0 success, 1 bad input, 2 usage).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_slaledger");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn example(path: &str) -> String {
    root().join("examples").join(path).display().to_string()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("slaledger-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[track_caller]
fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
    stdout(out)
}

#[track_caller]
fn fails_with(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
    stderr(out)
}

fn northwind() -> (String, String) {
    (
        example("northwind/events-2026-11.jsonl"),
        example("northwind/contract.toml"),
    )
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn demo_prints_both_customers_reports_and_credit_totals() {
    let text = ok(&run(&["demo"]));
    assert!(text.contains("report, contract northwind"), "{text}");
    assert!(text.contains("report, contract rheinwerk"), "{text}");
    // Northwind (fee 18,000.00 USD, November 2026), checked by hand:
    // - per_breach P1 response, 250.00 each: INC0048102 answered after 36m and INC0048104
    //   after 28m, both over 15m: 2 x 250.00 = 500.00.
    // - per_breach P2 resolution, 0.5% of the fee = 90.00 each: INC0048107 (11h30m on 24x7
    //   over 8h) and INC0048108 (P3 raised to P2 at 11:00, recalculated: 8h from its
    //   opening at 09:00, resolved 25h later): 2 x 90.00 = 180.00. INC0048133 also
    //   breached but is excluded (agreed maintenance window), so it pays nothing.
    // - per_hour_late P1 resolution, 150.00 per started hour: INC0048103 ran 14:00-15:00,
    //   paused 2h on pending_vendor, ran 17:00-22:10: 6h10m used of 4h, 2h10m over, 3
    //   started hours: 450.00.
    // - tier over all priorities' resolution: 29 measured in November (INC0048110 and
    //   INC0048122 are still open, INC0048132 cancelled, INC0048133 excluded), 5 breached
    //   (INC0048103, 107, 108, 118, 125), 24/29 = 82.76%, below 90%: 5% of the fee = 900.00.
    // Subtotal 500 + 180 + 450 + 900 = 2,030.00; cap 15% = 2,700.00 not reached.
    assert!(
        text.contains("subtotal                          2030.00"),
        "{text}"
    );
    assert!(
        text.contains("total credit                      2030.00 USD"),
        "{text}"
    );
    // Rheinwerk (fee 240 users x 42.50 = 10,200.00 EUR):
    // - tier P2 resolution: 7 measured, 2 breached (SD-4806: 1bd from Monday 11:00 is 15h
    //   of working time, used 17h; SD-4808: raised to P2, 1bd from Tuesday 09:00 = 17h,
    //   used 20h30m): 5/7 = 71.43%, below 85%: 10% = 1,020.00.
    // - per_breach P1 resolution, 3% = 306.00 each: SD-4802 (11h30m) and SD-4803 (13h)
    //   over 8h: 612.00.
    // - per_hour_late P2 resolution, 40.00 per started hour: SD-4806 2h over (exactly 2
    //   started hours) + SD-4808 3h30m over (4): 6 x 40.00 = 240.00.
    // Subtotal 1,020 + 612 + 240 = 1,872.00, above the cap of 10% = 1,020.00: total 1,020.00.
    assert!(
        text.contains("subtotal                          1872.00"),
        "{text}"
    );
    assert!(
        text.contains("cap                               1020.00  (applied)"),
        "{text}"
    );
    assert!(
        text.contains("total credit                      1020.00 EUR"),
        "{text}"
    );
}

#[test]
fn credits_json_matches_the_demo_totals() {
    let out = ok(&run(&[
        "credits",
        &example("northwind/events-2026-11.jsonl"),
        &example("rheinwerk/events-2026-11.jsonl"),
        "-c",
        &example("northwind/contract.toml"),
        "-c",
        &example("rheinwerk/contract.toml"),
        "--period",
        "2026-11",
        "--format",
        "json",
    ]));
    let statements: serde_json::Value = serde_json::from_str(&out).unwrap();
    let totals: Vec<(&str, &str, bool)> = statements
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["contract"].as_str().unwrap(),
                s["total"].as_str().unwrap(),
                s["capped"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            ("northwind", "2030.00", false),
            ("rheinwerk", "1020.00", true)
        ]
    );
}

#[test]
fn replay_in_every_format() {
    let (events, contract) = northwind();
    let args = |format: &'static str| {
        run(&[
            "replay",
            &events,
            "-c",
            &contract,
            "--as-of",
            "2026-12-01T05:00:00Z",
            "--format",
            format,
        ])
    };
    let table = ok(&args("table"));
    assert!(table.starts_with("as of 2026-12-01T05:00:00Z: 33 tickets, 175 events"));
    assert!(table.contains("INC0048103"));

    let json: serde_json::Value = serde_json::from_str(&ok(&args("json"))).unwrap();
    let tickets = json["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 33);
    let metrics: usize = tickets
        .iter()
        .map(|t| t["metrics"].as_array().unwrap().len())
        .sum();

    // JSONL: one flat object per ticket-metric, every column present, in order.
    let jsonl = ok(&args("jsonl"));
    assert!(jsonl.starts_with(r#"{"ticket":"INC0048101","contract":"northwind","#));
    let rows = json_lines(&jsonl);
    assert_eq!(rows.len(), metrics);
    let first = rows[0].as_object().unwrap();
    assert_eq!(first["ticket"], "INC0048101");
    assert_eq!(first["metric"], "response");
    assert_eq!(first["elapsed_ms"], 540_000);
    assert!(rows.iter().all(|r| r.as_object().unwrap().len() == 33));

    // CSV: a header and the same rows.
    let csv = ok(&args("csv"));
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("ticket,contract,ticket_priority,opened_priority,party"));
    assert_eq!(header.split(',').count(), 33);
    assert_eq!(lines.count(), metrics);
    assert!(csv.contains(
        "INC0048101,northwind,P1,P1,,closed,in_progress,0,0,0,,,,response,1,met,P1,15m,900000,24x7"
    ));
}

#[test]
fn report_in_every_format() {
    let (events, contract) = northwind();
    let args = |format: &'static str| {
        run(&[
            "report", &events, "-c", &contract, "--period", "2026-11", "--format", format,
        ])
    };
    let table = ok(&args("table"));
    assert!(
        table.contains("*     resolution       29    24        5"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&args("json"))).unwrap();
    let rows = json[0]["rows"].as_array().unwrap().len();
    let jsonl = json_lines(&ok(&args("jsonl")));
    assert_eq!(jsonl.len(), rows);
    let total = jsonl
        .iter()
        .find(|r| r["priority"] == "*" && r["metric"] == "resolution")
        .unwrap();
    assert_eq!(total["compliance"], "82.7586");
    assert_eq!(total["period_from"], "2026-11-01T04:00:00Z");
    let csv = ok(&args("csv"));
    assert_eq!(csv.lines().count(), rows + 1);
    assert!(csv.starts_with("contract,period_from,period_to,as_of,priority,metric,measured"));

    // A custom period with --from/--to instead of --period.
    let custom = ok(&run(&[
        "report",
        &events,
        "-c",
        &contract,
        "--from",
        "2026-11-01T00:00:00-05:00",
        "--to",
        "2026-11-08T00:00:00-05:00",
        "--format",
        "json",
    ]));
    let custom: serde_json::Value = serde_json::from_str(&custom).unwrap();
    assert_eq!(custom[0]["period"]["to"], "2026-11-08T05:00:00Z");
}

#[test]
fn credits_in_jsonl_and_csv_end_each_statement_with_a_total_record() {
    let (events, contract) = northwind();
    let args = |format: &'static str| {
        run(&[
            "credits", &events, "-c", &contract, "--period", "2026-11", "--format", format,
        ])
    };
    let rows = json_lines(&ok(&args("jsonl")));
    let rules: Vec<&str> = rows.iter().map(|r| r["rule"].as_str().unwrap()).collect();
    assert_eq!(
        rules,
        ["tier", "per_breach", "per_breach", "per_hour_late", "total"]
    );
    assert_eq!(rows[3]["basis_hours"], 3);
    assert_eq!(rows[3]["tickets"], serde_json::json!(["INC0048103"]));
    assert_eq!(rows[4]["total"], "2030.00");
    assert_eq!(rows[4]["excluded_held_ms"], 0);
    let csv = ok(&args("csv"));
    assert_eq!(csv.lines().count(), 6);
    assert!(csv.contains(",per_breach,P1,response,"), "{csv}");
    assert!(csv.contains("INC0048102;INC0048104,500.00"), "{csv}");
    let table = ok(&args("table"));
    assert!(table.contains("total credit                      2030.00 USD"));
}

#[test]
fn explain_in_every_format() {
    let (events, contract) = northwind();
    let args = |format: &'static str| {
        run(&[
            "explain",
            "INC0048103",
            &events,
            "-c",
            &contract,
            "--format",
            format,
        ])
    };
    let table = ok(&args("table"));
    assert!(table.contains("resolution cycle 1: breached"), "{table}");
    assert!(table.contains("status \"pending_vendor\""), "{table}");
    let json: serde_json::Value = serde_json::from_str(&ok(&args("json"))).unwrap();
    assert_eq!(json["ticket"], "INC0048103");
    let segments: usize = json["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["segments"].as_array().unwrap().len())
        .sum();
    let rows = json_lines(&ok(&args("jsonl")));
    assert_eq!(rows.len(), segments);
    let paused = rows.iter().find(|r| r["kind"] == "paused").unwrap();
    assert_eq!(paused["working_ms"], 7_200_000);
    assert_eq!(paused["clock_state"], "breached");
    let csv = ok(&args("csv"));
    assert_eq!(csv.lines().count(), segments + 1);

    // An unknown ticket is bad input.
    let err = fails_with(&run(&["explain", "NOPE", &events, "-c", &contract]), 1);
    assert!(err.contains("error[unknown_ticket]"), "{err}");
}

#[test]
fn standard_input_and_gzip_give_the_same_results_as_the_file() {
    let (events, contract) = northwind();
    let from_file = ok(&run(&[
        "replay", &events, "-c", &contract, "--format", "json",
    ]));
    let bytes = std::fs::read(&events).unwrap();
    let from_stdin = ok(&run_stdin(
        &["replay", "-", "-c", &contract, "--format", "json"],
        &bytes,
    ));
    assert_eq!(from_stdin, from_file);

    let dir = scratch("gzip");
    let gz = dir.join("events.jsonl.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    encoder.write_all(&bytes).unwrap();
    encoder.finish().unwrap();
    let from_gz = ok(&run(&[
        "replay",
        gz.to_str().unwrap(),
        "-c",
        &contract,
        "--format",
        "json",
    ]));
    assert_eq!(from_gz, from_file);
    // gzip on standard input is recognised too.
    let gz_bytes = std::fs::read(&gz).unwrap();
    let from_gz_stdin = ok(&run_stdin(
        &["replay", "-", "-c", &contract, "--format", "json"],
        &gz_bytes,
    ));
    assert_eq!(from_gz_stdin, from_file);
    // Split across two inputs (a file and standard input): the same again.
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = lines.split_at(lines.len() / 2);
    let part = dir.join("first-half.jsonl");
    std::fs::write(&part, a.join("\n")).unwrap();
    let split = ok(&run_stdin(
        &[
            "replay",
            part.to_str().unwrap(),
            "-",
            "-c",
            &contract,
            "--format",
            "json",
        ],
        b.join("\n").as_bytes(),
    ));
    let stats = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap()["tickets"].clone();
    assert_eq!(stats(&split), stats(&from_file));
}

/// A small log with four bad lines: not JSON, an unknown type, an event after `closed`,
/// and a conflicting duplicate id.
fn bad_log() -> String {
    [
        r#"{"id":"e1","ticket":"T-1","at":"2026-11-02T09:00:00-05:00","type":"opened","priority":"P1","contract":"northwind"}"#,
        r#"{"id":"e2","ticket":"T-1","at":"2026-11-02T09:10:00-05:00","type":"responded"}"#,
        r#"this is not json"#,
        r#"{"id":"e3","ticket":"T-1","at":"2026-11-02T10:00:00-05:00","type":"resolved"}"#,
        r#"{"id":"e4","ticket":"T-1","at":"2026-11-02T10:30:00-05:00","type":"escalated"}"#,
        r#"{"id":"e5","ticket":"T-1","at":"2026-11-02T11:00:00-05:00","type":"closed"}"#,
        r#"{"id":"e6","ticket":"T-1","at":"2026-11-02T12:00:00-05:00","type":"status","status":"in_progress"}"#,
        r#"{"id":"e7","ticket":"T-2","at":"2026-11-03T09:00:00-05:00","type":"opened","priority":"P3"}"#,
        r#"{"id":"e7","ticket":"T-2","at":"2026-11-03T09:00:00-05:00","type":"opened","priority":"P4"}"#,
        "",
    ]
    .join("\n")
}

#[test]
fn strict_mode_stops_at_the_first_bad_line_with_exit_code_1() {
    let dir = scratch("strict");
    let log = dir.join("bad.jsonl");
    std::fs::write(&log, bad_log()).unwrap();
    let (_, contract) = northwind();
    let err = fails_with(&run(&["replay", log.to_str().unwrap(), "-c", &contract]), 1);
    assert!(err.starts_with("error[malformed_json]: "), "{err}");
    assert!(err.contains("bad.jsonl: line 3"), "{err}");
}

#[test]
fn lenient_mode_goes_on_and_writes_the_rejects_file() {
    let dir = scratch("lenient");
    let log = dir.join("bad.jsonl");
    std::fs::write(&log, bad_log()).unwrap();
    let rejects = dir.join("rejects.jsonl");
    let (_, contract) = northwind();
    let out = run(&[
        "replay",
        log.to_str().unwrap(),
        "-c",
        &contract,
        "--lenient",
        "--rejects",
        rejects.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(json["stats"]["rejected"], 4);
    assert!(
        stderr(&out).contains("4 events rejected (written to"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(&rejects).unwrap();
    // Exactly the example of docs/formats.md ("Lenient mode"), but for the file's path.
    let e6 = text
        .lines()
        .find(|l| l.starts_with(r#"{"id":"e6""#))
        .unwrap()
        .replace(log.to_str().unwrap(), "bad.jsonl");
    assert_eq!(
        e6,
        r#"{"id":"e6","ticket":"T-1","at":"2026-11-02T12:00:00-05:00","type":"status","status":"in_progress","rejection":{"code":"event_after_closed","file":"bad.jsonl","line":7,"message":"event \"e6\" for ticket \"T-1\" (line 7): \"status\" after the ticket was closed"}}"#
    );
    let lines = json_lines(&text);
    let mut codes: Vec<(u64, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["rejection"]["line"].as_u64().unwrap(),
                l["rejection"]["code"].as_str().unwrap(),
            )
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            (3, "malformed_json"),
            (5, "unknown_event_type"),
            (7, "event_after_closed"),
            (9, "conflicting_duplicate"),
        ]
    );
    for l in &lines {
        assert!(l["rejection"]["file"]
            .as_str()
            .unwrap()
            .ends_with("bad.jsonl"));
        assert!(!l["rejection"]["message"].as_str().unwrap().is_empty());
    }
    // A rejected event is written back whole, with the rejection added: it can be fixed
    // and fed in again. A line that was not JSON keeps its text.
    let after_closed = lines
        .iter()
        .find(|l| l["rejection"]["code"] == "event_after_closed")
        .unwrap();
    assert_eq!(after_closed["id"], "e6");
    assert_eq!(after_closed["status"], "in_progress");
    let not_json = lines
        .iter()
        .find(|l| l["rejection"]["code"] == "malformed_json")
        .unwrap();
    assert_eq!(not_json["text"], "this is not json");

    // The same through standard input, for report and credits too.
    for command in ["report", "credits"] {
        let rejects = dir.join(format!("{command}-rejects.jsonl"));
        let out = run_stdin(
            &[
                command,
                "-",
                "-c",
                &contract,
                "--period",
                "2026-11",
                "--lenient",
                "--rejects",
                rejects.to_str().unwrap(),
            ],
            bad_log().as_bytes(),
        );
        ok(&out);
        let lines = json_lines(&std::fs::read_to_string(&rejects).unwrap());
        assert_eq!(lines.len(), 4, "{command}");
        assert!(lines.iter().all(|l| l["rejection"]["file"] == "<stdin>"));
    }
}

#[test]
fn usage_errors_exit_with_code_2() {
    let (events, contract) = northwind();
    for args in [
        vec!["frobnicate"],
        vec!["replay", events.as_str()],
        vec![
            "replay",
            events.as_str(),
            "-c",
            contract.as_str(),
            "--rejects",
            "x.jsonl",
        ],
        vec![
            "replay",
            events.as_str(),
            "-c",
            contract.as_str(),
            "--as-of",
            "yesterday",
        ],
        vec![
            "replay",
            events.as_str(),
            "-c",
            contract.as_str(),
            "--format",
            "xml",
        ],
        vec!["report", events.as_str(), "-c", contract.as_str()],
        vec![
            "report",
            events.as_str(),
            "-c",
            contract.as_str(),
            "--period",
            "November",
        ],
        vec!["replay", "-", "-", "-c", contract.as_str()],
        vec!["import", "servicenow", "x.csv", "--tz", "Mars/Olympus"],
    ] {
        fails_with(&run(&args), 2);
    }
}

#[test]
fn bad_input_exits_with_code_1() {
    let (events, contract) = northwind();
    let err = fails_with(&run(&["replay", "no-such-file.jsonl", "-c", &contract]), 1);
    assert!(err.contains("cannot read no-such-file.jsonl"), "{err}");
    let dir = scratch("bad-contract");
    let bad = dir.join("contract.toml");
    std::fs::write(&bad, "id = \"x\"\ntimezone = \"UTC\"\nfee_typo = 1\n").unwrap();
    let err = fails_with(&run(&["replay", &events, "-c", bad.to_str().unwrap()]), 1);
    assert!(err.starts_with("error[unknown_key]"), "{err}");
}

#[test]
fn help_documents_the_exit_codes() {
    let help = ok(&run(&["--help"]));
    for needle in [
        "Exit codes:",
        "0  success",
        "1  bad input",
        "2  usage",
        "demo",
        "import",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

#[test]
fn gen_is_deterministic_and_can_write_files() {
    let a = ok(&run(&["gen", "--tickets", "50", "--seed", "7"]));
    let b = ok(&run(&["gen", "--tickets", "50", "--seed", "7"]));
    assert_eq!(a, b);
    assert_ne!(a, ok(&run(&["gen", "--tickets", "50", "--seed", "8"])));
    let dir = scratch("gen");
    let out = dir.join("events.jsonl");
    let contract = dir.join("contract.toml");
    ok(&run(&[
        "gen",
        "--tickets",
        "50",
        "--seed",
        "7",
        "--out",
        out.to_str().unwrap(),
        "--contract-out",
        contract.to_str().unwrap(),
    ]));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), a);
    // The generated log replays against the generated contract.
    ok(&run(&[
        "replay",
        out.to_str().unwrap(),
        "-c",
        contract.to_str().unwrap(),
    ]));
    // Bad events on purpose: strict fails, lenient reports them.
    let bad = dir.join("bad.jsonl");
    ok(&run(&[
        "gen",
        "--tickets",
        "200",
        "--bad-per-mille",
        "50",
        "--out",
        bad.to_str().unwrap(),
    ]));
    fails_with(
        &run(&[
            "replay",
            bad.to_str().unwrap(),
            "-c",
            contract.to_str().unwrap(),
        ]),
        1,
    );
    let out = run(&[
        "replay",
        bad.to_str().unwrap(),
        "-c",
        contract.to_str().unwrap(),
        "--lenient",
    ]);
    ok(&out);
    assert!(stderr(&out).contains("events rejected"), "{}", stderr(&out));
}

const SERVICENOW_CSV: &str = "\
number,incident_state,sys_mod_count,opened_at,sys_updated_at,priority,assignment_group,made_sla
INC0000045,New,0,29/2/2016 01:16,29/2/2016 01:23,3 - Moderate,Group 56,true
INC0000045,Resolved,2,29/2/2016 01:16,29/2/2016 08:53,3 - Moderate,Group 56,true
INC0000045,Closed,4,29/2/2016 01:16,5/3/2016 12:00,3 - Moderate,Group 56,true
INC0000047,Active,0,29/2/2016 04:40,29/2/2016 04:57,2 - High,Group 70,true
INC0000047,Awaiting User Info,1,29/2/2016 04:40,29/2/2016 05:10,1 - Critical,Group 70,true
";

#[test]
fn import_servicenow_needs_a_zone_and_converts_csv_and_gzip() {
    let dir = scratch("import");
    let csv = dir.join("export.csv");
    std::fs::write(&csv, SERVICENOW_CSV).unwrap();
    // Without --tz: a usage error that says why.
    let err = fails_with(&run(&["import", "servicenow", csv.to_str().unwrap()]), 2);
    assert!(err.contains("--tz ZONE"), "{err}");
    assert!(err.contains("no time zone"), "{err}");

    let events = ok(&run(&[
        "import",
        "servicenow",
        csv.to_str().unwrap(),
        "--tz",
        "America/Sao_Paulo",
        "--contract",
        "acme",
    ]));
    let lines = json_lines(&events);
    let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "opened",
            "status",
            "responded",
            "status",
            "resolved",
            "status",
            "closed", // 45
            "opened",
            "responded",
            "status",
            "status",
            "priority", // 47
        ]
    );
    // Sao Paulo was UTC-3 in February 2016 (its summer time ended on the 21st).
    assert_eq!(lines[0]["at"], "2016-02-29T04:16:00Z");
    assert_eq!(lines[0]["contract"], "acme");
    assert_eq!(lines[0]["priority"], "P3");
    assert_eq!(lines[10]["status"], "awaiting_user_info");
    assert_eq!(lines[11]["priority"], "P1");

    // The same from a .gz file, written to --out.
    let gz = dir.join("export.csv.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    encoder.write_all(SERVICENOW_CSV.as_bytes()).unwrap();
    encoder.finish().unwrap();
    let out = dir.join("events.jsonl");
    let problems = dir.join("problems.jsonl");
    let run_out = run(&[
        "import",
        "servicenow",
        gz.to_str().unwrap(),
        "--tz",
        "America/Sao_Paulo",
        "--contract",
        "acme",
        "--out",
        out.to_str().unwrap(),
        "--problems",
        problems.to_str().unwrap(),
    ]);
    assert!(ok(&run_out).is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), events);
    assert!(stderr(&run_out).contains("5 rows, 2 incidents, 12 events, 0 problems"));
    assert_eq!(std::fs::read_to_string(&problems).unwrap(), "");

    // From standard input, straight into a replay.
    let contract = dir.join("contract.toml");
    std::fs::write(
        &contract,
        r#"
        id = "acme"
        timezone = "America/Sao_Paulo"
        pause_statuses = ["awaiting_user_info"]
        [targets.P1]
        response   = { within = "15m", calendar = "24x7" }
        resolution = { within = "4h",  calendar = "24x7" }
        [targets.P2]
        response   = { within = "1h",  calendar = "24x7" }
        resolution = { within = "8h",  calendar = "24x7" }
        [targets.P3]
        response   = { within = "4h",  calendar = "24x7" }
        resolution = { within = "24h", calendar = "24x7" }
        "#,
    )
    .unwrap();
    let replay = ok(&run_stdin(
        &[
            "replay",
            "-",
            "-c",
            contract.to_str().unwrap(),
            "--format",
            "csv",
        ],
        events.as_bytes(),
    ));
    // INC0000045 left New only when it was resolved at 08:53, so that is its response
    // (docs/import-servicenow.md): 7h37m after 01:16, over the 4h target; its resolution
    // in 7h37m is within 24h.
    assert!(
        replay
            .contains("INC0000045,acme,P3,P3,Group 56,closed,closed,0,0,0,,,,response,1,breached"),
        "{replay}"
    );
    assert!(
        replay.contains("INC0000045,acme,P3,P3,Group 56,closed,closed,0,0,0,,,,resolution,1,met"),
        "{replay}"
    );
    // INC0000047 is waiting on the user: its resolution clock is paused.
    assert!(replay.contains(",resolution,1,paused,P1,4h,"), "{replay}");
}

/// `--holidays-ics CALENDAR=FILE` adds an iCalendar file's holidays to that calendar:
/// a ticket open Monday 08:00 to Wednesday 08:00 on a 08:00-18:00 UTC calendar uses
/// 20 hours of working time, and 10 when the ICS closes Tuesday.
#[test]
fn holidays_from_an_ics_file_close_their_dates() {
    let dir = scratch("ics");
    let contract = dir.join("contract.toml");
    std::fs::write(
        &contract,
        r#"
id = "ics"
timezone = "UTC"
[calendars.business]
timezone = "UTC"
mon = ["08:00-18:00"]
tue = ["08:00-18:00"]
wed = ["08:00-18:00"]
[targets.P3]
response   = { within = "4h", calendar = "business" }
resolution = { within = "40h", calendar = "business" }
"#,
    )
    .unwrap();
    let events = dir.join("events.jsonl");
    std::fs::write(
        &events,
        concat!(
            r#"{"id":"1","ticket":"T","at":"2026-11-02T08:00:00Z","type":"opened","priority":"P3"}"#,
            "\n",
            r#"{"id":"2","ticket":"T","at":"2026-11-04T08:00:00Z","type":"resolved"}"#,
            "\n"
        ),
    )
    .unwrap();
    let ics = dir.join("holidays.ics");
    std::fs::write(
        &ics,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1@test\r\nDTSTART;VALUE=DATE:20261103\r\nSUMMARY:Closed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let resolution_elapsed = |extra: &[&str]| -> i64 {
        let mut args = vec![
            "replay",
            "-c",
            contract.to_str().unwrap(),
            events.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let json: serde_json::Value = serde_json::from_str(&ok(&run(&args))).unwrap();
        json["tickets"][0]["metrics"][1]["elapsed_ms"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(resolution_elapsed(&[]), 20 * 3_600_000);
    let spec = format!("business={}", ics.display());
    assert_eq!(
        resolution_elapsed(&["--holidays-ics", &spec]),
        10 * 3_600_000
    );
    let bad = run(&[
        "replay",
        "-c",
        contract.to_str().unwrap(),
        events.to_str().unwrap(),
        "--holidays-ics",
        "business",
    ]);
    fails_with(&bad, 2);
}

/// `stream` gives `replay`'s results (one JSON object per line, in the order tickets were
/// done), and a late event is an error in strict mode and a listed rejection in lenient.
#[test]
fn stream_matches_replay_and_reports_late_events() {
    let (events, contract) = northwind();
    let replayed: serde_json::Value = serde_json::from_str(&ok(&run(&[
        "replay", &events, "-c", &contract, "--format", "json",
    ])))
    .unwrap();
    let streamed = run(&["stream", &events, "-c", &contract]);
    let mut tickets = json_lines(&ok(&streamed));
    tickets.sort_by_key(|t| t["ticket"].as_str().unwrap().to_string());
    assert_eq!(serde_json::Value::Array(tickets), replayed["tickets"]);
    assert!(
        stderr(&streamed).contains("0 rejected"),
        "{}",
        stderr(&streamed)
    );

    let dir = scratch("stream-late");
    let late = dir.join("late.jsonl");
    std::fs::write(
        &late,
        concat!(
            r#"{"id":"e1","ticket":"T","at":"2026-11-02T09:00:00-05:00","type":"opened","priority":"P1"}"#, "\n",
            r#"{"id":"e2","ticket":"T","at":"2026-11-02T09:10:00-05:00","type":"closed"}"#, "\n",
            r#"{"id":"e3","ticket":"U","at":"2026-11-02T12:00:00-05:00","type":"opened","priority":"P1"}"#, "\n",
            r#"{"id":"e4","ticket":"T","at":"2026-11-02T12:01:00-05:00","type":"status","status":"in_progress"}"#, "\n",
        ),
    )
    .unwrap();
    let late = late.display().to_string();
    let err = fails_with(&run(&["stream", &late, "-c", &contract]), 1);
    assert!(
        err.contains("late_event") || err.contains("handed out"),
        "{err}"
    );
    let rejects = dir.join("rejects.jsonl");
    let out = run(&[
        "stream",
        &late,
        "-c",
        &contract,
        "--lenient",
        "--rejects",
        &rejects.display().to_string(),
    ]);
    assert_eq!(json_lines(&ok(&out)).len(), 2);
    let listed = json_lines(&std::fs::read_to_string(&rejects).unwrap());
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["rejection"]["code"], "late_event");
    assert_eq!(listed[0]["rejection"]["line"], 4);

    // A margin that is not a duration is a usage error that says why.
    let err = fails_with(
        &run(&["stream", &late, "-c", &contract, "--reopen-window", "3d"]),
        2,
    );
    assert!(err.contains("days are ambiguous"), "{err}");
}
