// The JS API: conversions (instants, durations, contracts, events), the Calendar and
// Ledger classes, and every error path, each checked by its `.code`.

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  Calendar,
  Ledger,
  replay,
  report,
  credits,
  explain,
  errorCodes,
} from "../js/node.js";

/** Asserts that `f` throws an `Error` whose `.code` is `code` (and returns it). */
function throwsCode(f, code, messagePart) {
  let caught;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected an error ${code}, got success`);
  assert.ok(caught instanceof Error, `expected an Error object, got ${caught}`);
  assert.equal(caught.code, code, `code of: ${caught.message}`);
  assert.equal(typeof caught.category, "string");
  assert.ok(caught.message.length > 0);
  if (messagePart !== undefined) assert.ok(caught.message.includes(messagePart), caught.message);
  return caught;
}

const BUSINESS = {
  timezone: "America/New_York",
  mon: ["09:00-17:00"],
  tue: ["09:00-17:00"],
  wed: ["09:00-17:00"],
  thu: ["09:00-17:00"],
  fri: ["09:00-17:00"],
  holidays: ["2026-11-26"],
};

const CONTRACT_TOML = `
id = "acme"
customer = "Acme Corp"
currency = "USD"
timezone = "America/New_York"
fee = { monthly = "12500.00" }
pause_statuses = ["waiting_on_customer"]
warn_at = ["75%"]

[calendars.business]
timezone = "America/New_York"
mon = ["09:00-17:00"]
tue = ["09:00-17:00"]
wed = ["09:00-17:00"]
thu = ["09:00-17:00"]
fri = ["09:00-17:00"]

[targets.P1]
response   = { within = "15m", calendar = "24x7" }
resolution = { within = "4h",  calendar = "24x7" }
[targets.P3]
response   = { within = "4h",  calendar = "business" }
resolution = { within = "2bd", calendar = "business" }

[credits]
cap = "20%"
per_breach = [ { priority = "P1", metric = "response", amount = "250.00" } ]
`;

const CONTRACT_OBJECT = {
  id: "acme",
  customer: "Acme Corp",
  currency: "USD",
  timezone: "America/New_York",
  fee: { monthly: "12500.00" },
  pause_statuses: ["waiting_on_customer"],
  warn_at: ["75%"],
  calendars: { business: { ...BUSINESS, holidays: undefined } },
  targets: {
    P1: { response: { within: "15m", calendar: "24x7" }, resolution: { within: "4h", calendar: "24x7" } },
    P3: { response: { within: "4h", calendar: "business" }, resolution: { within: "2bd", calendar: "business" } },
  },
  credits: { cap: "20%", per_breach: [{ priority: "P1", metric: "response", amount: "250.00" }] },
};

const EVENTS = [
  { id: "e1", ticket: "INC-1", at: "2026-11-02T09:00:00Z", type: "opened", priority: "P1" },
  { id: "e2", ticket: "INC-1", at: "2026-11-02T09:20:00Z", type: "responded", party: "msp" },
  { id: "e3", ticket: "INC-1", at: "2026-11-02T11:00:00Z", type: "resolved" },
  { id: "e4", ticket: "INC-2", at: "2026-11-02T15:00:00Z", type: "opened", priority: "P3" },
  { id: "e5", ticket: "INC-2", at: "2026-11-02T16:00:00Z", type: "status", status: "waiting_on_customer" },
  { id: "e6", ticket: "INC-2", at: "2026-11-03T15:00:00Z", type: "status", status: "in_progress" },
];
const JSONL = EVENTS.map((e) => JSON.stringify(e)).join("\n") + "\n";
const AS_OF = "2026-11-04T00:00:00Z";

describe("Calendar", () => {
  const cal = new Calendar(BUSINESS, "business");

  test("holiday presets and .ics text are part of the calendar spec", () => {
    const week = { timezone: "UTC", mon: ["08:00-18:00"], tue: ["08:00-18:00"] };
    const [monday, wednesday] = ["2026-11-02T00:00:00Z", "2026-11-04T00:00:00Z"];
    assert.equal(new Calendar(week).workingTime(monday, wednesday), 20 * 3_600_000);
    const ics = [
      "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//slaledger tests//EN",
      "BEGIN:VEVENT", "UID:closed@test", "DTSTART;VALUE=DATE:20261103", "END:VEVENT", "END:VCALENDAR", "",
    ].join("\r\n");
    assert.equal(new Calendar({ ...week, holiday_ics: ics }).workingTime(monday, wednesday), 10 * 3_600_000);
    const federal = new Calendar({ ...week, holiday_rules: ["us_federal"] });
    assert.equal(federal.workingTime("2026-01-19T00:00:00Z", "2026-01-20T00:00:00Z"), 0); // MLK Day
    throwsCode(() => new Calendar({ ...week, holiday_rules: ["us_federall"] }), "unknown_preset");
  });

  test("name and zone", () => {
    assert.equal(cal.name, "business");
    assert.equal(cal.timeZone, "America/New_York");
    assert.equal(Calendar.always().name, "24x7");
    assert.equal(Calendar.always().timeZone, null);
  });

  test("workingTime: milliseconds in [from, to), zero when to <= from", () => {
    // Friday 2026-11-06 16:00 EST to Monday 10:00 EST: 1h Friday + 1h Monday.
    assert.equal(cal.workingTime("2026-11-06T16:00:00-05:00", "2026-11-09T10:00:00-05:00"), 2 * 3_600_000);
    assert.equal(cal.workingTime("2026-11-09T10:00:00-05:00", "2026-11-06T16:00:00-05:00"), 0);
    // Thanksgiving (a holiday) counts nothing.
    assert.equal(cal.workingTime("2026-11-26T00:00:00-05:00", "2026-11-27T00:00:00-05:00"), 0);
    // 24x7 is wall time, across the DST change of 2026-11-01.
    assert.equal(Calendar.always().workingTime("2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00"), 25 * 3_600_000);
  });

  test("addWorkingTime: the deadline, as a UTC RFC 3339 string", () => {
    // Opened Friday 16:00 EST with 4h: 1h Friday, 3h Monday -> Monday 12:00 EST = 17:00Z.
    assert.equal(cal.addWorkingTime("2026-11-06T16:00:00-05:00", 4 * 3_600_000), "2026-11-09T17:00:00Z");
    assert.equal(cal.addWorkingTime("2026-11-06T16:00:00-05:00", 0), "2026-11-06T21:00:00Z");
    assert.equal(cal.addWorkingTime("2026-11-06T21:00:00Z", 1), "2026-11-06T21:00:00.001Z");
  });

  test("isWorking and nextChange", () => {
    assert.equal(cal.isWorking("2026-11-06T16:59:59.999-05:00"), true);
    assert.equal(cal.isWorking("2026-11-06T17:00:00-05:00"), false);
    assert.equal(cal.nextChange("2026-11-06T17:00:00-05:00"), "2026-11-09T14:00:00Z");
    assert.equal(cal.nextChange("2026-11-09T14:00:00Z"), "2026-11-09T22:00:00Z");
    assert.equal(Calendar.always().nextChange("2026-11-09T14:00:00Z"), null);
    assert.equal(Calendar.always().isWorking("2026-11-09T14:00:00Z"), true);
  });

  test("a Date is accepted wherever an instant is", () => {
    const d = new Date("2026-11-06T21:00:00Z");
    assert.equal(cal.isWorking(d), cal.isWorking("2026-11-06T21:00:00Z"));
    assert.equal(cal.workingTime(new Date("2026-11-06T20:00:00Z"), d), 3_600_000);
  });

  test("TOML text builds the same calendar as the object", () => {
    const toml = new Calendar(
      'timezone = "America/New_York"\nmon = ["09:00-17:00"]\ntue = ["09:00-17:00"]\nwed = ["09:00-17:00"]\n' +
        'thu = ["09:00-17:00"]\nfri = ["09:00-17:00"]\nholidays = ["2026-11-26"]\n',
      "business",
    );
    for (const [a, b] of [
      ["2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"],
      ["2026-11-06T16:00:00-05:00", "2026-11-09T10:00:00-05:00"],
    ]) {
      assert.equal(toml.workingTime(a, b), cal.workingTime(a, b));
    }
    toml.free();
  });

  test("errors: every calendar code", () => {
    throwsCode(() => new Calendar({ timezone: "Mars/Olympus", mon: ["09:00-17:00"] }), "unknown_time_zone", "Mars/Olympus");
    throwsCode(() => new Calendar({ timezone: "UTC", mon: ["25:00-26:00"] }), "invalid_time");
    throwsCode(() => new Calendar({ timezone: "UTC", mon: ["09:00-09:00"] }), "empty_window");
    throwsCode(() => new Calendar({ timezone: "UTC", mon: ["09:00-17:00"], holidays: ["2026-02-30"] }), "invalid_date");
    throwsCode(
      () =>
        new Calendar({
          timezone: "UTC",
          mon: ["09:00-17:00"],
          exceptions: [
            { date: "2026-12-24", hours: [] },
            { date: "2026-12-24", hours: ["09:00-12:00"] },
          ],
        }),
      "duplicate_date",
    );
    throwsCode(() => new Calendar({ timezone: "UTC" }), "no_working_time");
    throwsCode(() => new Calendar({ timezone: "UTC", monday: ["09:00-17:00"] }), "unknown_key", "monday");
    throwsCode(() => new Calendar({ mon: ["09:00-17:00"] }), "missing_field");
    throwsCode(() => new Calendar({ timezone: "UTC", mon: "09:00-17:00" }), "invalid_value");
    throwsCode(() => new Calendar('timezone = "UTC"\nmon = ["09:00-17:00"]\nmon = []\n'), "invalid_toml");
    throwsCode(() => new Calendar(42), "invalid_value");
    const once = new Calendar({ timezone: "UTC", exceptions: [{ date: "2026-12-24", hours: ["09:00-10:00"] }] });
    throwsCode(() => once.addWorkingTime("2027-01-01T00:00:00Z", 1000), "no_working_time_within_horizon");
  });

  test("errors: instants and durations", () => {
    throwsCode(() => cal.isWorking("2026-11-02T09:00:00"), "missing_offset");
    throwsCode(() => cal.isWorking("yesterday"), "invalid_timestamp");
    throwsCode(() => cal.isWorking(new Date("nonsense")), "invalid_timestamp");
    throwsCode(() => cal.isWorking(1_700_000_000_000), "invalid_value");
    throwsCode(() => cal.workingTime("2026-01-01T00:00:00Z", "2300-01-01T00:00:00Z"), "instant_out_of_range");
    throwsCode(() => cal.addWorkingTime("2026-11-02T09:00:00Z", -1), "invalid_duration");
    throwsCode(() => cal.addWorkingTime("2026-11-02T09:00:00Z", 0.5), "invalid_duration");
    throwsCode(() => cal.addWorkingTime("2026-11-02T09:00:00Z", Number.NaN), "invalid_duration");
    throwsCode(() => cal.addWorkingTime("2026-11-02T09:00:00Z", 2 ** 60), "invalid_duration");
    throwsCode(() => cal.addWorkingTime("2026-11-02T09:00:00Z", "4h"), "invalid_duration");
  });
});

describe("replay, report, credits, explain", () => {
  test("contracts as TOML text or JSON objects, events as JSONL or an array: same results", () => {
    const a = replay({ contracts: CONTRACT_TOML, events: JSONL, asOf: AS_OF });
    const b = replay({ contracts: [CONTRACT_OBJECT], events: EVENTS, asOf: new Date(AS_OF) });
    assert.deepEqual(a, b);
    const bytes = new TextEncoder().encode(JSONL);
    assert.deepEqual(replay({ contracts: CONTRACT_TOML, events: bytes, asOf: AS_OF }), a);
    assert.deepEqual(replay({ contracts: CONTRACT_TOML, events: bytes.buffer, asOf: AS_OF }), a);
    assert.equal(a.as_of, AS_OF);
    assert.deepEqual(a.stats, { events: 6, duplicates: 0, tickets: 2, rejected: 0 });
  });

  test("asOf defaults to the latest event, as in the CLI", () => {
    const latest = EVENTS.map((e) => e.at).sort().at(-1);
    const ledger = new Ledger({ contracts: CONTRACT_TOML, events: EVENTS });
    assert.equal(ledger.latestEventAt(), latest);
    assert.deepEqual(ledger.evaluate(), ledger.evaluate(latest));
    assert.deepEqual(replay({ contracts: CONTRACT_TOML, events: EVENTS }), replay({ contracts: CONTRACT_TOML, events: EVENTS, asOf: latest }));
    assert.deepEqual(explain({ contracts: CONTRACT_TOML, events: EVENTS, ticket: "INC-1" }).as_of, latest);
    ledger.free();
  });

  test("the evaluation has the SPEC §7 shape", () => {
    const ev = replay({ contracts: CONTRACT_TOML, events: EVENTS, asOf: AS_OF });
    const [inc1, inc2] = ev.tickets;
    assert.equal(inc1.ticket, "INC-1");
    assert.equal(inc1.state, "resolved");
    const response = inc1.metrics.find((m) => m.metric === "response");
    assert.equal(response.state, "breached");
    assert.equal(response.elapsed_ms, 20 * 60_000);
    assert.equal(response.breached_at, "2026-11-02T09:15:00Z");
    assert.equal(response.target_ms, 15 * 60_000);
    assert.equal(response.calendar, "24x7");
    // INC-2 (P3, business hours, paused for a day): its resolution clock is running.
    const resolution = inc2.metrics.find((m) => m.metric === "resolution");
    assert.equal(resolution.state, "running");
    assert.equal(typeof resolution.due_at, "string");
    assert.ok(Array.isArray(resolution.warned_at));
    assert.ok(resolution.paused_ms > 0);
  });

  test("report and credits for a month in the contract's zone", () => {
    const r = report({ contracts: CONTRACT_TOML, events: EVENTS, period: "2026-11" });
    assert.deepEqual(r.period, { from: "2026-11-01T04:00:00Z", to: "2026-12-01T05:00:00Z" });
    const row = r.rows.find((x) => x.priority === "P1" && x.metric === "response");
    assert.equal(row.breached, 1);
    assert.equal(row.compliance, "0");
    const s = credits({ contracts: CONTRACT_TOML, events: EVENTS, period: "2026-11", contract: "acme" });
    assert.equal(s.currency, "USD");
    assert.equal(s.fee, "12500.00");
    assert.equal(s.total, "250.00");
    assert.equal(s.cap, "2500.00");
    assert.deepEqual(s.lines[0].tickets, ["INC-1"]);
    // A custom period [from, to), with Dates, and an earlier as-of.
    const early = report({
      contracts: CONTRACT_TOML,
      events: EVENTS,
      period: { from: new Date("2026-11-02T00:00:00Z"), to: "2026-11-03T00:00:00Z" },
      asOf: "2026-11-02T09:10:00Z",
    });
    assert.equal(early.as_of, "2026-11-02T09:10:00Z");
  });

  test("explain: the segments reproduce the numbers", () => {
    const x = explain({ contracts: CONTRACT_TOML, events: EVENTS, ticket: "INC-2", asOf: AS_OF });
    assert.equal(x.ticket, "INC-2");
    for (const clock of x.clocks) {
      const running = clock.segments.filter((s) => s.kind === "running").reduce((a, s) => a + s.working_ms, 0);
      assert.equal(running, clock.elapsed_ms);
    }
    assert.ok(x.clocks.some((c) => c.segments.some((s) => s.kind === "paused")));
  });

  test("a Ledger loads once and answers many queries", () => {
    const ledger = new Ledger({ contracts: CONTRACT_OBJECT });
    ledger.ingest(EVENTS.slice(0, 3));
    ledger.ingest(JSONL); // exact duplicates are skipped and counted
    assert.deepEqual(ledger.contractIds(), ["acme"]);
    const spec = ledger.contract("acme");
    assert.equal(spec.customer, "Acme Corp");
    assert.deepEqual(spec.targets.P1.response, { within: "15m", calendar: "24x7" });
    assert.deepEqual(spec.calendars.business.mon, ["09:00-17:00"]);
    throwsCode(() => ledger.contract("nope"), "unknown_contract");
    const ev = ledger.evaluate(AS_OF);
    assert.equal(ev.stats.duplicates, 3);
    assert.deepEqual(ev.tickets, replay({ contracts: CONTRACT_TOML, events: EVENTS, asOf: AS_OF }).tickets);
    assert.equal(ledger.report({ period: "2026-11" }).contract, "acme");
    assert.equal(ledger.credits({ period: "2026-11" }).total, "250.00");
    assert.equal(ledger.explain("INC-1", AS_OF).clocks.length, 2);
    ledger.addContract({ ...CONTRACT_OBJECT, id: "globex" });
    assert.deepEqual(ledger.contractIds(), ["acme", "globex"]);
    ledger.free();
  });

  test("lenient mode: array elements are numbered like JSONL lines", () => {
    const events = [EVENTS[0], 7, { id: "x" }, { ...EVENTS[1], type: "teleported" }, EVENTS[2]];
    const ev = replay({ contracts: CONTRACT_TOML, events, asOf: AS_OF, lenient: true });
    assert.deepEqual(
      ev.rejected.map((r) => [r.line, r.code]),
      [
        [2, "malformed_json"],
        [3, "missing_field"],
        [4, "unknown_event_type"],
      ],
    );
    assert.equal(ev.stats.rejected, 3);
    // Strict mode throws at the first of them, naming its line.
    throwsCode(() => replay({ contracts: CONTRACT_TOML, events, asOf: AS_OF }), "malformed_json", "line 2");
  });
});

describe("error paths of replay and the queries", () => {
  const base = {
    id: "a",
    timezone: "UTC",
    targets: { P1: { response: { within: "1h", calendar: "24x7" }, resolution: { within: "4h", calendar: "24x7" } } },
  };
  const opened = { id: "o", ticket: "T", at: "2026-11-02T09:00:00Z", type: "opened", priority: "P1" };
  const run = (events, contracts = base) => () => replay({ contracts, events, asOf: AS_OF });

  test("contracts", () => {
    throwsCode(run([], "id = "), "invalid_toml");
    throwsCode(run([], { ...base, colour: "red" }), "unknown_key", "colour");
    throwsCode(run([], { id: "a", timezone: "UTC" }), "missing_field", "targets");
    throwsCode(run([], { ...base, on_reopen: "sometimes" }), "invalid_value");
    throwsCode(run([], { ...base, currency: "USD", fee: { monthly: 100 } }), "invalid_value");
    throwsCode(
      run([], { ...base, targets: { P1: { response: { within: "1h", calendar: "biz" }, resolution: { within: "1h" } } } }),
      "unknown_calendar",
    );
    throwsCode(run([], { ...base, targets: { P1: { response: { within: "1h", calendar: "24x7" } } } }), "missing_target");
    throwsCode(
      run([], { ...base, targets: { P1: { response: { within: "soon", calendar: "24x7" }, resolution: { within: "1h" } } } }),
      "invalid_duration",
    );
    throwsCode(run([], { ...base, timezone: "Nowhere/Land" }), "unknown_time_zone");
    throwsCode(run([], [base, base]), "duplicate_contract");
    throwsCode(run([], [42]), "invalid_value");
  });

  test("events (strict mode), as an array of objects", () => {
    const at = (h) => `2026-11-02T${String(h).padStart(2, "0")}:00:00Z`;
    const ev = (id, type, h, extra = {}) => ({ id, ticket: "T", at: at(h), type, ...extra });
    throwsCode(run('{"id": "e1"'), "malformed_json", "line 1");
    throwsCode(run(new Uint8Array([0x7b, 0xff, 0x7d, 0x0a])), "malformed_json", "line 1");
    throwsCode(run([{ id: "e1", ticket: "T", type: "opened", priority: "P1" }]), "missing_field");
    throwsCode(run([{ ...opened, at: "soon" }]), "invalid_timestamp");
    throwsCode(run([{ ...opened, at: "2026-11-02T09:00:00" }]), "missing_offset");
    throwsCode(run([opened, ev("e2", "teleported", 10)]), "unknown_event_type");
    throwsCode(run([ev("e1", "responded", 10)]), "event_before_opened");
    throwsCode(run([opened, ev("e2", "opened", 10, { priority: "P1" })]), "already_opened");
    throwsCode(run([opened, ev("e2", "closed", 10), ev("e3", "responded", 11)]), "event_after_closed");
    throwsCode(run([opened, ev("e2", "cancelled", 10), ev("e3", "responded", 11)]), "event_after_cancelled");
    throwsCode(run([opened, ev("e2", "resolved", 10), ev("e3", "resolved", 11)]), "already_resolved");
    throwsCode(run([opened, ev("e2", "reopened", 10)]), "reopened_while_open");
    throwsCode(run([{ ...opened, priority: "P9" }]), "unknown_priority", "P9");
    throwsCode(run([{ ...opened, contract: "nope" }]), "unknown_contract");
    throwsCode(run([opened], [base, { ...base, id: "b" }]), "ambiguous_contract");
    throwsCode(run([opened, { ...opened, priority: "P2" }]), "conflicting_duplicate");
    throwsCode(() => replay({ contracts: base, events: 5, asOf: AS_OF }), "invalid_value");
  });

  test("queries", () => {
    const ledger = new Ledger({ contracts: base, events: [opened] });
    throwsCode(() => ledger.explain("X", AS_OF), "unknown_ticket");
    throwsCode(() => ledger.explain("T", "2026-11-01T00:00:00Z"), "unknown_ticket");
    throwsCode(() => ledger.evaluate("2026-11-02"), "invalid_timestamp");
    // Without asOf the latest event is used; a ledger without events has none.
    throwsCode(() => new Ledger({ contracts: base }).evaluate(), "invalid_value");
    throwsCode(() => ledger.report({ period: "2026-13" }), "invalid_date");
    throwsCode(() => ledger.report({ period: "November" }), "invalid_date");
    throwsCode(
      () => ledger.report({ period: { from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z" } }),
      "invalid_value",
    );
    throwsCode(() => ledger.report({ period: 5 }), "invalid_value");
    throwsCode(() => ledger.report({}), "invalid_value");
    throwsCode(() => ledger.report({ period: "2026-11", asOf: "later" }), "invalid_timestamp");
    throwsCode(() => ledger.credits({ contract: "zz", period: "2026-11" }), "unknown_contract");
    ledger.addContract({ ...base, id: "b" });
    throwsCode(() => ledger.credits({ period: "2026-11" }), "ambiguous_contract");
    throwsCode(() => ledger.explain(5, AS_OF), "invalid_value");
    ledger.free();
  });

  test("every code of the core is in the TypeScript union", async () => {
    const { readFileSync } = await import("node:fs");
    const dts = readFileSync(new URL("../js/index.d.ts", import.meta.url), "utf8");
    const union = dts.slice(dts.indexOf("export type ErrorCode ="), dts.indexOf(";", dts.indexOf("export type ErrorCode =")));
    const listed = [...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
    const missing = errorCodes().filter((code) => !listed.includes(code));
    assert.deepEqual(missing, [], "codes the core raises that js/index.d.ts does not list");
  });

  test("using the browser entry before init() is a coded error", () => {
    const index = fileURLToPath(new URL("../js/index.js", import.meta.url));
    const script = `import(${JSON.stringify(index)}).then((m) => {
      try { m.replay({ contracts: [], events: [], asOf: "2026-11-01T00:00:00Z" }); console.log("no error"); }
      catch (e) { console.log(e.code); }
    });`;
    const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(out.stdout.trim(), "not_initialized", out.stderr);
  });
});
