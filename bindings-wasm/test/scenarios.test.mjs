// Replays the shared scenario corpus (tests/scenarios/*.toml) through the JS API and
// checks the same fields, the same way, as the Rust runner tests/scenarios.rs: only the
// fields a scenario lists are compared; the string "null" means absent or null.
// The format is documented in tests/scenarios/README.md.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { pathToFileURL } from "node:url";
import { parse } from "smol-toml";
import { Ledger } from "../js/node.js";

// Like the Rust runner: SLALEDGER_SCENARIOS=dir replays another directory,
// SLALEDGER_SCENARIO=text only the files whose name contains `text`.
const dir = process.env.SLALEDGER_SCENARIOS
  ? pathToFileURL(process.env.SLALEDGER_SCENARIOS.replace(/\/?$/, "/"))
  : new URL("../../tests/scenarios/", import.meta.url);
const filter = process.env.SLALEDGER_SCENARIO ?? "";
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".toml") && f.includes(filter))
  .sort();

// The top-level keys of a scenario; any other key is a typo that would skip a check.
const KEYS = new Set([
  "description", "as_of", "mode", "contracts", "events", "expect_error", "expect_ticket",
  "expect_metric", "expect_rejected", "expect_stats", "explain", "period", "report_contract",
  "expect_report", "expect_credits",
]);

/** A TOML value as plain JSON; the string "null" stands for null at any depth. */
function json(value) {
  if (value === "null") return null;
  if (Array.isArray(value)) return value.map(json);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, json(v)]));
  }
  return value;
}

/** Every key of `expected` must equal the same key of `actual` ("null" = absent/null). */
function checkFields(expected, actual, skip, what, failures) {
  for (const [key, raw] of Object.entries(expected)) {
    if (skip.includes(key)) continue;
    const got = actual?.[key] ?? null;
    const want = json(raw);
    if (!isDeepStrictEqual(got, want)) {
      failures.push(`${what}: ${key} expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
}

/** Like checkFields, but a table is checked key by key (basis, period, working_time). */
function checkNested(expected, actual, skip, what, failures) {
  for (const [key, want] of Object.entries(expected)) {
    if (skip.includes(key) || key === "absent") continue;
    if (want !== null && typeof want === "object" && !Array.isArray(want)) {
      checkNested(want, actual?.[key] ?? null, [], `${what}.${key}`, failures);
    } else {
      checkFields({ [key]: want }, actual, [], what, failures);
    }
  }
}

function checkExplain(ledger, check, asOf, failures) {
  let explanation;
  try {
    explanation = ledger.explain(check.ticket, asOf);
  } catch (err) {
    failures.push(`explain ${check.ticket}: [${err.code}] ${err.message}`);
    return;
  }
  for (const clock of explanation.clocks) {
    if (check.metric !== undefined && check.metric !== clock.metric) continue;
    const what = `explain ${check.ticket} ${clock.metric} cycle ${clock.cycle}`;
    const sum = (kinds) =>
      clock.segments.filter((s) => kinds.includes(s.kind)).reduce((a, s) => a + s.working_ms, 0);
    const wall = clock.segments
      .filter((s) => s.kind !== "resolved")
      .reduce((a, s) => a + (Date.parse(s.to) - Date.parse(s.from)), 0);
    if (sum(["running"]) !== clock.elapsed_ms) {
      failures.push(`${what}: running segments sum to ${sum(["running"])} ms, elapsed_ms is ${clock.elapsed_ms}`);
    }
    if (sum(["paused"]) !== clock.paused_ms) {
      failures.push(`${what}: paused segments sum to ${sum(["paused"])} ms, paused_ms is ${clock.paused_ms}`);
    }
    if (wall !== clock.wall_ms) {
      failures.push(`${what}: segment lengths sum to ${wall} ms, wall_ms is ${clock.wall_ms}`);
    }
    for (let i = 1; i < clock.segments.length; i++) {
      if (Date.parse(clock.segments[i - 1].to) > Date.parse(clock.segments[i].from)) {
        failures.push(`${what}: segments overlap at ${clock.segments[i].from}`);
      }
    }
    if (check.segment_kinds !== undefined) {
      const got = clock.segments.map((s) => s.kind);
      if (!isDeepStrictEqual(got, check.segment_kinds)) {
        failures.push(`${what}: segment kinds ${JSON.stringify(got)}, expected ${JSON.stringify(check.segment_kinds)}`);
      }
    }
  }
}

function checkReportAndCredits(ledger, s, failures) {
  const contract = s.report_contract ?? s.contracts[0].id;
  const period = typeof s.period === "string" ? s.period : { from: s.period.from, to: s.period.to };
  let report;
  try {
    report = ledger.report({ contract, period, asOf: s.as_of });
  } catch (err) {
    failures.push(`report: [${err.code}] ${err.message}`);
    return;
  }
  for (const expected of s.expect_report ?? []) {
    const what = `report row ${expected.priority} ${expected.metric}`;
    const row = report.rows.find((r) => r.priority === expected.priority && r.metric === expected.metric);
    if (row) checkNested(expected, row, ["priority", "metric"], what, failures);
    else if (expected.absent !== true) failures.push(`${what} is not in the report`);
  }
  if (s.expect_credits !== undefined) {
    let statement;
    try {
      statement = ledger.credits({ contract, period, asOf: s.as_of });
    } catch (err) {
      failures.push(`credits: [${err.code}] ${err.message}`);
      return;
    }
    checkNested(s.expect_credits, statement, ["lines"], "credits", failures);
    const lines = s.expect_credits.lines;
    if (Array.isArray(lines)) {
      if (statement.lines.length !== lines.length) {
        failures.push(`credits: expected ${lines.length} lines, got ${statement.lines.length}`);
      }
      lines.forEach((want, i) => {
        if (i < statement.lines.length) checkNested(want, statement.lines[i], [], `credits line ${i}`, failures);
      });
    }
  }
}

/** Runs one scenario; returns the list of failures (empty when it passes). */
function run(s) {
  const failures = [];
  const unknown = Object.keys(s).filter((k) => !KEYS.has(k));
  assert.deepEqual(unknown, [], "unknown top-level keys");
  assert.ok(s.description.trim().length > 0, "empty description");
  let ledger;
  let evaluation;
  let error;
  try {
    ledger = new Ledger({ contracts: s.contracts, lenient: s.mode === "lenient" });
    ledger.ingest(s.events);
    evaluation = ledger.evaluate(s.as_of);
  } catch (err) {
    error = err;
  }
  try {
    if (error !== undefined) {
      if (s.expect_error === undefined) return [`unexpected error [${error.code}]: ${error.message}`];
      assert.ok(error instanceof Error, "errors are Error objects");
      if (error.code !== s.expect_error.code) {
        failures.push(`expected error ${s.expect_error.code}, got ${error.code}: ${error.message}`);
      }
      for (const part of s.expect_error.message_contains ?? []) {
        if (!error.message.includes(part)) failures.push(`error message ${JSON.stringify(error.message)} lacks ${JSON.stringify(part)}`);
      }
      return failures;
    }
    if (s.expect_error !== undefined) return [`expected error ${s.expect_error.code}, got success`];

    const findTicket = (id) => evaluation.tickets.find((t) => t.ticket === id);
    for (const expected of s.expect_ticket ?? []) {
      const t = findTicket(expected.ticket);
      if (t) checkFields(expected, t, ["ticket"], `ticket ${expected.ticket}`, failures);
      else if (expected.absent !== true) failures.push(`ticket ${expected.ticket} is not in the results`);
    }
    for (const expected of s.expect_metric ?? []) {
      const cycle = expected.cycle ?? 1;
      const what = `ticket ${expected.ticket} ${expected.metric} cycle ${cycle}`;
      const m = findTicket(expected.ticket)?.metrics.find((m) => m.metric === expected.metric && m.cycle === cycle);
      if (m) checkFields(expected, m, ["ticket", "metric", "cycle"], what, failures);
      else if (expected.absent !== true) failures.push(`${what} is not in the results`);
    }
    const expectRejected = s.expect_rejected ?? [];
    if (evaluation.rejected.length !== expectRejected.length) {
      failures.push(`expected ${expectRejected.length} rejected events, got ${evaluation.rejected.length}: ${JSON.stringify(evaluation.rejected)}`);
    }
    expectRejected.forEach((expected, i) => {
      if (i < evaluation.rejected.length) checkFields(expected, evaluation.rejected[i], [], `rejected[${i}]`, failures);
    });
    if (s.expect_stats !== undefined) checkFields(s.expect_stats, evaluation.stats, [], "stats", failures);
    for (const check of s.explain ?? []) checkExplain(ledger, check, s.as_of, failures);
    if (s.period !== undefined) checkReportAndCredits(ledger, s, failures);
    return failures;
  } finally {
    ledger?.free();
  }
}

test("the scenario corpus is there", () => {
  assert.ok(files.length > 0, "no scenarios found");
});

for (const file of files) {
  test(`scenario ${file}`, () => {
    const scenario = parse(readFileSync(new URL(file, dir), "utf8"));
    const failures = run(scenario);
    assert.deepEqual(failures, [], `${file}:\n  ${failures.join("\n  ")}`);
  });
}
