// The WebAssembly half of benches/compare/wasm_vs_native.sh: one replay through the JS
// API under Node, timed step by step, printed as one JSON line.
//
//   node benches/compare/wasm_replay.mjs replay CONTRACT EVENTS AS_OF
//   node benches/compare/wasm_replay.mjs report CONTRACT EVENTS PERIOD
//
// `replay` is what `slaledger replay --as-of AS_OF --format json` does: read the files,
// load the contract and ingest the JSONL, evaluate every ticket, and hand the result over
// (here: as JS objects, the core's JSON parsed, exactly as `Ledger.evaluate` does). `report` is `slaledger report --period
// PERIOD --format json`: the same load, then the month's report.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const [mode, contractFile, eventsFile, arg] = process.argv.slice(2);
const t0 = performance.now();
// The public API initializes the module; the raw class underneath is used directly only
// to time the core's work apart from JSON.parse (which is what the API adds on top).
await import("../../bindings-wasm/js/node.js");
const { Ledger } = await import("../../bindings-wasm/pkg/slaledger_wasm.js");
const t1 = performance.now();
const contract = readFileSync(contractFile, "utf8");
const events = readFileSync(eventsFile); // bytes: the JSONL goes to the core undecoded
const t2 = performance.now();
const ledger = new Ledger(false);
ledger.addContractToml(contract);
ledger.ingestJsonlBytes(events);
const t3 = performance.now();
let json;
if (mode === "replay") json = ledger.evaluate(arg);
else if (mode === "report") json = ledger.report(undefined, arg);
else throw new Error(`unknown mode ${mode} (expected replay or report)`);
const t4 = performance.now();
const result = JSON.parse(json);
const t5 = performance.now();
const ms = (a, b) => Math.round(b - a);
console.log(
  JSON.stringify({
    mode,
    init_ms: ms(t0, t1),
    read_ms: ms(t1, t2),
    load_ms: ms(t2, t3),
    [mode === "replay" ? "evaluate_ms" : "report_ms"]: ms(t3, t4),
    json_parse_ms: ms(t4, t5),
    json_mb: Math.round(json.length / 1048576),
    results: mode === "replay" ? result.tickets.length : result.rows.length,
    rss_mb: Math.round(process.memoryUsage().rss / 1048576),
  }),
);
