// slaledger for JavaScript: the public API over the WebAssembly core.
//
// Thin by design: this file converts JS values (objects, arrays, Dates) to the text the
// core reads (JSON, JSONL, RFC 3339), calls the core, and parses the JSON it returns.
// Every rule (dates, calendars, clocks, money) is computed by the Rust core; errors are
// `Error` objects whose `.code` is the core's stable code.
//
// One build (`wasm-bindgen --target web`) serves the browser and Node:
//   browser: `import init, { replay } from "./js/index.js"; await init();`
//   Node:    `import { replay } from "slaledger"` (js/node.js initializes from disk).

import initWasm, {
  initSync as initWasmSync,
  Calendar as RawCalendar,
  Ledger as RawLedger,
  errorCodes as rawErrorCodes,
} from "../pkg/slaledger_wasm.js";

let ready = false;

/**
 * Loads the WebAssembly module (browser). `input` is what wasm-bindgen's init accepts: a
 * URL, a Response, bytes or a compiled module; by default the `.wasm` beside the glue.
 */
export default async function init(input) {
  if (!ready) {
    await initWasm(input === undefined ? undefined : { module_or_path: input });
    ready = true;
  }
}

export { init };

/** Loads the WebAssembly module synchronously from its bytes or a compiled module. */
export function initSync(module) {
  if (!ready) {
    initWasmSync({ module });
    ready = true;
  }
}

// Errors raised here, before the core is called (a value of the wrong JS type), carry the
// core's code for the same mistake, and its category.
const CATEGORY = {
  invalid_value: "input",
  invalid_timestamp: "time",
  invalid_duration: "time",
  not_initialized: "binding",
};

function fail(code, message) {
  const err = new Error(message);
  err.code = code;
  err.category = CATEGORY[code];
  return err;
}

function check() {
  if (!ready) {
    throw fail("not_initialized", "the WebAssembly module is not loaded: call `await init()` first");
  }
}

/** An instant: an RFC 3339 string (offset required) or a Date. */
function instant(value, what) {
  if (typeof value === "string") return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw fail("invalid_timestamp", `${what}: invalid Date`);
    return value.toISOString();
  }
  throw fail(
    "invalid_value",
    `${what}: expected an RFC 3339 string such as "2026-11-02T09:14:00Z" or a Date, found ${typeof value}`,
  );
}

function optionalInstant(value, what) {
  return value === undefined || value === null ? undefined : instant(value, what);
}

function text(value, what) {
  if (typeof value !== "string") throw fail("invalid_value", `${what}: expected a string, found ${typeof value}`);
  return value;
}

/** Contracts: TOML text, a JSON object (the same schema), or an array of either. */
function addContracts(ledger, contracts) {
  if (contracts === undefined || contracts === null) return;
  const list = Array.isArray(contracts) ? contracts : [contracts];
  for (const contract of list) {
    if (typeof contract === "string") ledger.addContractToml(contract);
    else if (contract !== null && typeof contract === "object") ledger.addContractJson(JSON.stringify(contract));
    else throw fail("invalid_value", `contract: expected TOML text or an object, found ${typeof contract}`);
  }
}

/**
 * Events: JSONL text, UTF-8 JSONL bytes (a file read as bytes), or an array of event
 * objects. An array is written as JSONL, one element per line, so element `i` is line
 * `i + 1` in errors and rejections, and strict and lenient modes behave exactly as with
 * JSONL.
 */
function ingest(ledger, events) {
  if (typeof events === "string") ledger.ingestJsonl(events);
  else if (events instanceof Uint8Array) ledger.ingestJsonlBytes(events);
  else if (events instanceof ArrayBuffer) ledger.ingestJsonlBytes(new Uint8Array(events));
  else if (Array.isArray(events)) ledger.ingestJsonl(events.map((e) => JSON.stringify(e) ?? "null").join("\n"));
  else throw fail("invalid_value", `events: expected JSONL text or bytes, or an array of objects, found ${typeof events}`);
}

function period(value) {
  if (typeof value === "string") return [value, undefined, undefined];
  if (value !== null && typeof value === "object") {
    return [undefined, instant(value.from, "period.from"), instant(value.to, "period.to")];
  }
  throw fail("invalid_value", 'period: expected a month "YYYY-MM" or { from, to }');
}

/** Every error code the core can raise, in the core's order. */
export function errorCodes() {
  check();
  return rawErrorCodes();
}

/** Which instants are working time: a business calendar (SPEC §3) or `24x7`. */
export class Calendar {
  #raw;

  /**
   * `spec` is a calendar object (`{ timezone, mon: ["08:00-18:00"], ... }`) or the same
   * table as TOML text; `name` is used in error messages.
   */
  constructor(spec, name = "calendar") {
    check();
    if (spec instanceof RawCalendar) this.#raw = spec;
    else if (typeof spec === "string") this.#raw = RawCalendar.fromToml(text(name, "name"), spec);
    else if (spec !== null && typeof spec === "object") {
      this.#raw = RawCalendar.fromJson(text(name, "name"), JSON.stringify(spec));
    } else throw fail("invalid_value", `calendar: expected an object or TOML text, found ${typeof spec}`);
  }

  /** The `24x7` calendar. */
  static always() {
    check();
    return new Calendar(RawCalendar.always());
  }

  get name() {
    return this.#raw.name;
  }

  /** The IANA zone, or `null` for `24x7`. */
  get timeZone() {
    return this.#raw.timeZone ?? null;
  }

  /** Working time in `[from, to)`, in milliseconds. */
  workingTime(from, to) {
    return this.#raw.workingTime(instant(from, "from"), instant(to, "to"));
  }

  /** The earliest instant `x >= from` with `workingTime(from, x) === ms`: the deadline. */
  addWorkingTime(from, ms) {
    if (typeof ms !== "number") throw fail("invalid_duration", `expected milliseconds as a number, found ${typeof ms}`);
    return this.#raw.addWorkingTime(instant(from, "from"), ms);
  }

  /** Whether `at` is working time. */
  isWorking(at) {
    return this.#raw.isWorking(instant(at, "at"));
  }

  /** The next instant after `at` at which `isWorking` changes, or `null`. */
  nextChange(at) {
    return this.#raw.nextChange(instant(at, "at")) ?? null;
  }

  /** Releases the WebAssembly memory now (otherwise the garbage collector does). */
  free() {
    this.#raw.free();
  }
}

/**
 * Contracts and events loaded once, queried many times (a dashboard switching months).
 * The functions `replay`, `report`, `credits` and `explain` build a Ledger, query it once
 * and free it.
 */
export class Ledger {
  #raw;

  constructor({ contracts, events, lenient = false } = {}) {
    check();
    this.#raw = new RawLedger(Boolean(lenient));
    try {
      addContracts(this.#raw, contracts);
      if (events !== undefined && events !== null) this.ingest(events);
    } catch (err) {
      this.#raw.free();
      throw err;
    }
  }

  /** Adds a contract (TOML text or object) or several. */
  addContract(contract) {
    addContracts(this.#raw, contract);
  }

  /** The contract `id` as loaded, as an object of the SPEC §6 schema (TOML input too). */
  contract(id) {
    return JSON.parse(this.#raw.contract(text(id, "contract id")));
  }

  /** Ingests events (JSONL text or bytes, or an array of objects). */
  ingest(events) {
    ingest(this.#raw, events);
  }

  /** The ids of the loaded contracts, sorted. */
  contractIds() {
    return this.#raw.contractIds();
  }

  /** The latest instant of any event ingested (RFC 3339), or `undefined` before any. */
  latestEventAt() {
    return this.#raw.latestEventAt();
  }

  /** Every ticket as of `asOf` (SPEC §7); default: the latest event. */
  evaluate(asOf) {
    return JSON.parse(this.#raw.evaluate(instant(this.#asOf(asOf), "asOf")));
  }

  /** `asOf`, or the latest event when it is omitted, as the CLI does. */
  #asOf(asOf) {
    return asOf === undefined || asOf === null ? this.#raw.latestEventAt() : asOf;
  }

  /** Compliance, MTTA and MTTR of a contract for a period (SPEC §8). */
  report({ contract, period: p, asOf } = {}) {
    const [month, from, to] = period(p);
    return JSON.parse(this.#raw.report(contract, month, from, to, optionalInstant(asOf, "asOf")));
  }

  /** The service-credit statement of a contract for a period (SPEC §9). */
  credits({ contract, period: p, asOf } = {}) {
    const [month, from, to] = period(p);
    return JSON.parse(this.#raw.credits(contract, month, from, to, optionalInstant(asOf, "asOf")));
  }

  /** The timeline behind one ticket's numbers as of `asOf`. */
  explain(ticket, asOf) {
    return JSON.parse(this.#raw.explain(text(ticket, "ticket"), instant(this.#asOf(asOf), "asOf")));
  }

  /** Releases the WebAssembly memory now (otherwise the garbage collector does). */
  free() {
    this.#raw.free();
  }
}

function once(options, query) {
  const { contracts, events, lenient } = options ?? {};
  const ledger = new Ledger({ contracts, events, lenient });
  try {
    return query(ledger);
  } finally {
    ledger.free();
  }
}

/** Replays events against contracts and evaluates every ticket as of `asOf` (SPEC §7). */
export function replay(options = {}) {
  return once(options, (ledger) => ledger.evaluate(options.asOf));
}

/** The report of `contract` (default: the only one) for `period` (SPEC §8). */
export function report(options = {}) {
  return once(options, (ledger) => ledger.report(options));
}

/** The credit statement of `contract` (default: the only one) for `period` (SPEC §9). */
export function credits(options = {}) {
  return once(options, (ledger) => ledger.credits(options));
}

/** The timeline of `ticket` as of `asOf`. */
export function explain(options = {}) {
  return once(options, (ledger) => ledger.explain(options.ticket, options.asOf));
}
