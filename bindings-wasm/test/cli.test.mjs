// The same files through the native CLI (`slaledger ... --format json`) and through the
// WebAssembly build give byte-identical JSON values: replay, report, credits, explain.
//
// The CLI is SLALEDGER_CLI, or the release build under target-wasm/ (scripts/test-wasm.sh
// builds it). Without it the tests are skipped, saying why.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Ledger } from "../js/node.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = process.env.SLALEDGER_CLI ?? `${root}target-wasm/release/slaledger`;
const skip = existsSync(cli) ? false : `no CLI at ${cli} (build it, or set SLALEDGER_CLI)`;

const contractFile = fileURLToPath(new URL("../demo/example/contract.toml", import.meta.url));
const eventsFile = fileURLToPath(new URL("../demo/example/events.jsonl", import.meta.url));
const AS_OF = "2026-11-20T17:30:00Z";

function native(...args) {
  const out = execFileSync(cli, [...args, eventsFile, "-c", contractFile, "--format", "json"], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return JSON.parse(out);
}

function ledger() {
  return new Ledger({
    contracts: readFileSync(contractFile, "utf8"),
    events: readFileSync(eventsFile, "utf8"),
  });
}

test("replay as of an instant equals `slaledger replay --format json`", { skip }, () => {
  const l = ledger();
  assert.deepEqual(l.evaluate(AS_OF), native("replay", "--as-of", AS_OF));
  l.free();
});

test("report and credits for each month equal the CLI's", { skip }, () => {
  const l = ledger();
  for (const month of ["2026-11", "2026-12"]) {
    assert.deepEqual([l.report({ period: month })], native("report", "--period", month));
    assert.deepEqual([l.credits({ period: month })], native("credits", "--period", month));
  }
  const period = { from: "2026-11-09T05:00:00Z", to: "2026-11-16T05:00:00Z" };
  assert.deepEqual(
    [l.report({ period, asOf: AS_OF })],
    native("report", "--from", period.from, "--to", period.to, "--as-of", AS_OF),
  );
  l.free();
});

test("explain equals `slaledger explain --format json`", { skip }, () => {
  const l = ledger();
  const tickets = l.evaluate(AS_OF).tickets;
  for (const t of [tickets[0], tickets[Math.floor(tickets.length / 2)], tickets.at(-1)]) {
    assert.deepEqual(l.explain(t.ticket, AS_OF), native("explain", t.ticket, "--as-of", AS_OF));
  }
  l.free();
});
