// slaledger's WebAssembly package against dayjs-business-time, under Node.
//
//   TZ=America/New_York node benches/compare/js/compare.mjs [N] [--quick] [--seed S]
//       [--slow-max M] [--repeat R] [--show K]
//   TZ=UTC node benches/compare/js/compare.mjs --tz-plugin [N] [--quick] ...
// (benches/compare/dayjs_business_time.sh runs both, builds and installs what is missing.)
//
// One seeded query set on one calendar: America/New_York, Mon-Fri 09:00-17:00, ten
// holidays. dayjs-business-time has no time-zone setting: it works on dayjs objects in
// the process's local zone (Date's getHours/setHours), so the zone is the process's TZ,
// and holidays are local dates ("YYYY-MM-DD", compared with format("YYYY-MM-DD")). Its
// unit is the whole minute (businessMinutesDiff truncates with dayjs' diff(..,
// "minutes"); addBusinessMinutes steps in minutes), so the main query set is what it can
// express: instants on whole minutes, durations in whole minutes.
//
//   ranges     N pairs (a, b): slaledger workingTime(a, b) against
//              dayjs(a).businessMinutesDiff(dayjs(b)) * 60000
//   deadlines  N pairs (t, d): slaledger addWorkingTime(t, d) against
//              dayjs(t).addBusinessMinutes(d / 60000)
//
// A second, smaller set (N / 10, minimum 200) uses millisecond instants, which
// dayjs-business-time takes but does not handle as such; its differences are counted
// and classed the same way, for the record.
//
// Each difference is put in a named class when a precise test explains it (explain()
// below); anything else is "unexplained" and makes the exit status 1, so `--quick`
// (N = 2000) serves as a CI smoke test. dayjs-business-time walks day by day creating
// dayjs objects, so it answers only the first --slow-max queries of each kind (default
// 5000; 1000 in quick mode); slaledger is timed on the full set and on that subset, and
// the ratio uses the same subset. Inputs are prepared before timing (RFC 3339 strings
// for slaledger, dayjs objects for dayjs-business-time); timed loops hold only the calls.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import os from "node:os";
import { Worker } from "node:worker_threads";
import dayjs from "dayjs";
import businessTime from "dayjs-business-time";
import utcPlugin from "dayjs/plugin/utc.js";
import tzPlugin from "dayjs/plugin/timezone.js";
import { Calendar } from "../../../bindings-wasm/js/node.js";

const ZONE = "America/New_York";
const HOLIDAYS = [
  "2026-01-01", "2026-01-19", "2026-05-25", "2026-07-03", "2026-09-07",
  "2026-11-26", "2026-11-27", "2026-12-24", "2026-12-25", "2027-01-01",
];
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// ------------------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const quick = argv.includes("--quick");
const VALUED = new Set(["--seed", "--slow-max", "--repeat", "--show"]);
const positional = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && VALUED.has(argv[i - 1])));
const N = positional.length ? Number(positional[0]) : quick ? 2000 : 100_000;
const SEED = opt("--seed", 2026);
const SLOW_MAX = opt("--slow-max", quick ? 1000 : 5000);
const REPEAT = opt("--repeat", quick ? 1 : 3);
const SHOW = opt("--show", 3);

// Two ways to give dayjs-business-time a zone: the process's local zone (TZ=ZONE, the
// default), or `--tz-plugin`: dayjs' timezone plugin objects (dayjs(x).tz(ZONE)) in a
// process whose zone is UTC, for a server that serves several zones.
const TZ_PLUGIN = argv.includes("--tz-plugin");
const resolved = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (!TZ_PLUGIN && resolved !== ZONE) {
  console.error(`compare.mjs: run with TZ=${ZONE} (dayjs-business-time works in the process's zone; found ${resolved})`);
  process.exit(2);
}
if (TZ_PLUGIN && resolved !== "UTC") {
  console.error(`compare.mjs --tz-plugin: run with TZ=UTC, so that the zone comes from the plugin (found ${resolved})`);
  process.exit(2);
}

// ------------------------------------------------------------------------- engines
dayjs.extend(utcPlugin);
dayjs.extend(tzPlugin);
dayjs.extend(businessTime);
// A dayjs object for an instant, in New York time by whichever mode is in use.
const dj = TZ_PLUGIN ? (t) => dayjs(t).tz(ZONE) : (t) => dayjs(t);
const week = { start: "09:00:00", end: "17:00:00" };
dayjs.setBusinessTime({
  sunday: null, monday: [week], tuesday: [week], wednesday: [week],
  thursday: [week], friday: [week], saturday: null,
});
dayjs.setHolidays(HOLIDAYS);

const cal = new Calendar({
  timezone: ZONE,
  mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"],
  thu: ["09:00-17:00"], fri: ["09:00-17:00"],
  holidays: HOLIDAYS,
}, "ny");

// ------------------------------------------------------------------------- queries
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const YEAR_START = Date.parse("2026-01-01T00:00:00-05:00");
const YEAR_END = Date.parse("2027-01-01T00:00:00-05:00");

// The whole New York hour at or before t (New York's offsets are whole hours).
function snapHour(t) {
  return t - (((t % HOUR) + HOUR) % HOUR);
}

function makeQueries(n, seed, unit) {
  const rnd = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo)); // [lo, hi)
  const align = (t) => t - (((t % unit) + unit) % unit);
  const instant = () => {
    let t = align(int(YEAR_START, YEAR_END));
    if (rnd() < 0.15) t = snapHour(t);
    return t;
  };
  const span = () => {
    const r = rnd();
    const top = r < 0.4 ? DAY : r < 0.8 ? 14 * DAY : r < 0.95 ? 90 * DAY : 366 * DAY;
    return align(int(0, top));
  };
  const ranges = [];
  for (let i = 0; i < n; i++) {
    const a = instant();
    const r = rnd();
    let b;
    if (r < 0.01) b = a;
    else if (r < 0.02) b = a - align(int(unit, 30 * DAY));
    else {
      b = a + span();
      if (rnd() < 0.15) b = Math.max(a, snapHour(b));
    }
    ranges.push([a, b]);
  }
  const deadlines = [];
  for (let i = 0; i < n; i++) {
    const t = instant();
    // log-uniform from 1 minute to 200 hours, whole minutes
    const d = Math.max(MIN, align(Math.floor(Math.exp(Math.log(MIN) + rnd() * (Math.log(200 * HOUR) - Math.log(MIN))))));
    deadlines.push([t, unit >= MIN ? d - (d % MIN) : d]);
  }
  return { ranges, deadlines };
}

// ------------------------------------------------------------------------- runs
function timed(run, inputs) {
  run(inputs.slice(0, 20)); // warm-up: JIT, the calendar's first compiled year
  let best = Infinity;
  let out;
  for (let r = 0; r < REPEAT; r++) {
    const t0 = performance.now();
    out = run(inputs);
    best = Math.min(best, performance.now() - t0);
  }
  return { out, ms: best };
}

const iso = (t) => new Date(t).toISOString();

const runs = {
  slaledger: {
    range: {
      method: "Calendar.workingTime",
      prep: (qs) => qs.map(([a, b]) => [iso(a), iso(b)]),
      run: (xs) => xs.map(([a, b]) => cal.workingTime(a, b)),
      out: (v) => v,
    },
    deadline: {
      method: "Calendar.addWorkingTime",
      prep: (qs) => qs.map(([t, d]) => [iso(t), d]),
      run: (xs) => xs.map(([t, d]) => cal.addWorkingTime(t, d)),
      out: (v) => Date.parse(v),
    },
  },
  "dayjs-business-time": {
    range: {
      method: "businessMinutesDiff",
      prep: (qs) => qs.map(([a, b]) => [dj(a), dj(b)]),
      run: (xs) => xs.map(([a, b]) => { try { return a.businessMinutesDiff(b); } catch (e) { return e; } }),
      out: (v) => (v instanceof Error ? v : v * MIN),
    },
    deadline: {
      method: "addBusinessMinutes",
      prep: (qs) => qs.map(([t, d]) => [dj(t), d / MIN]),
      run: (xs) => xs.map(([t, m]) => { try { return t.addBusinessMinutes(m); } catch (e) { return e; } }),
      out: (v) => (v instanceof Error ? v : v.valueOf()),
    },
  },
};

// --tz-plugin: dayjs-business-time can loop forever on timezone-plugin objects, which
// synchronous JS cannot interrupt; so it runs in a worker (tz_worker.mjs) that answers
// query by query, and a query with no answer within HANG_MS is recorded as a hang (the
// worker is ended and a new one goes on from the next query). Its time is the worker's
// wall time less the hang timeouts: indicative only (one message per answer).
const HANG_MS = 3000;
async function guarded(kind, qs) {
  const out = new Array(qs.length);
  let next = 0;
  let hangs = 0;
  const t0 = performance.now();
  while (next < qs.length) {
    await new Promise((resolve, reject) => {
      let live = true;
      const w = new Worker(new URL("./tz_worker.mjs", import.meta.url), {
        workerData: { kind, queries: qs.slice(next), zone: ZONE, holidays: HOLIDAYS },
      });
      let timer;
      const stop = () => { live = false; clearTimeout(timer); w.terminate(); resolve(); };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (!live) return;
          out[next] = new Error(`no answer within ${HANG_MS} ms (infinite loop)`);
          next++;
          hangs++;
          stop();
        }, HANG_MS);
      };
      arm();
      w.on("message", (m) => {
        if (!live) return;
        if (m.done) return stop();
        out[next++] = m.err ? new Error(m.err) : m.v;
        arm();
      });
      w.on("error", (e) => { if (live) { live = false; clearTimeout(timer); reject(e); } });
    });
  }
  return { out, ms: performance.now() - t0 - hangs * HANG_MS, hangs };
}

// ------------------------------------------------------------------------- explanations
// slaledger's own answers, for tests that need another query (reversed ranges).
const wt = (a, b) => cal.workingTime(iso(a), iso(b));
const isWorking = (t) => cal.isWorking(iso(t));
const minuteFloor = (t) => t - (t % MIN);

// Returns the class of a difference, or null when no rule explains it.
// New York's DST changes in 2026 (UTC): clocks forward 8 March 07:00Z, back 1 November 06:00Z.
const DST = [Date.parse("2026-03-08T07:00:00Z"), Date.parse("2026-11-01T06:00:00Z")];
const crossesDst = (x, y) => DST.some((c) => Math.min(x, y) < c && c <= Math.max(x, y));

function explain(kind, q, ours, theirs) {
  if (TZ_PLUGIN && kind === "deadline") {
    const [t] = q;
    // A timezone-plugin object keeps the UTC offset it was created with through the
    // setters dayjs-business-time uses (hour(), add(1, "day")): past a DST change its
    // 09:00 is an hour off. Across the spring-forward, addBusinessMinutes then never
    // finds the end of the time to add and loops forever.
    if (theirs instanceof Error && /infinite loop/.test(theirs.message) && crossesDst(t, ours)) {
      return "tz plugin: never returns when the search crosses a DST change";
    }
    if (!(theirs instanceof Error) && Math.abs(theirs - ours) === HOUR && crossesDst(t, ours)) {
      return "tz plugin: deadline an hour off past a DST change (offset of the start kept)";
    }
  }
  if (theirs instanceof Error) return null;
  if (kind === "range") {
    const [a, b] = q;
    if (b < a && ours === 0) {
      const rev = wt(b, a);
      if (theirs === -rev) return "reversed range: peer returns -wt(b, a) (signed), slaledger 0";
      // the same, with the sub-minute truncation below
      if ((a % MIN !== 0 || b % MIN !== 0) && theirs <= 0 && -theirs % MIN === 0 && -theirs <= rev && rev + theirs < 2 * MIN) {
        return "reversed range: peer returns -wt(b, a) (signed), slaledger 0";
      }
      return null;
    }
    // businessMinutesDiff adds up end.diff(from, "minutes") for the first day and
    // to.diff(start, "minutes") for the last: dayjs' diff truncates each, so with
    // instants off the minute the result is whole minutes, short by less than 2 minutes.
    if ((a % MIN !== 0 || b % MIN !== 0) && theirs % MIN === 0 && theirs <= ours && ours - theirs < 2 * MIN) {
      return "sub-minute input: first/last piece truncated to whole minutes";
    }
    return null;
  }
  const [t, d] = q;
  if (t % MIN !== 0 || d % MIN !== 0) {
    // addBusinessMinutes measures the room left in a window with diff(.., "minute")
    // (truncated) and, when that is 0 with time still to add, jumps a whole minute
    // without counting it: off-minute starts run late by up to a minute per window
    // boundary crossed (at most one per local day of the search).
    const days = Math.ceil((ours - t) / DAY) + 1;
    if (theirs > ours && theirs - ours <= days * MIN) return "sub-minute input: deadline late by under a minute per day crossed";
  }
  return null;
}

// ------------------------------------------------------------------------- main
async function compare(label, qsets, slowMax) {
  const rows = [];
  const report = {};
  let unexplained = 0;
  const ref = {};
  for (const kind of ["range", "deadline"]) {
    const all = qsets[kind === "range" ? "ranges" : "deadlines"];
    const sub = all.slice(0, Math.min(all.length, slowMax));
    const s = runs.slaledger[kind];
    const full = timed(s.run, s.prep(all));
    ref[kind] = full.out.map(s.out);
    rows.push(["slaledger", s.method, kind, all.length, full.ms]);
    const part = timed(s.run, s.prep(sub));
    rows.push(["slaledger", `${s.method} (first ${sub.length})`, kind, sub.length, part.ms]);
    const p = runs["dayjs-business-time"][kind];
    const theirs = TZ_PLUGIN ? await guarded(kind, sub) : timed(p.run, p.prep(sub));
    const conv = TZ_PLUGIN ? (v) => v : p.out;
    rows.push(["dayjs-business-time", p.method + (TZ_PLUGIN ? " (tz plugin, worker)" : ""), kind, sub.length, theirs.ms, part.ms]);
    const res = { n: sub.length, agree: 0, classes: {}, unexplained: [] };
    theirs.out.forEach((v, i) => {
      const t = conv(v);
      if (t === ref[kind][i]) { res.agree++; return; }
      const cls = explain(kind, sub[i], ref[kind][i], t);
      const item = [i, sub[i], ref[kind][i], t];
      if (cls === null) res.unexplained.push(item);
      else (res.classes[cls] ??= []).push(item);
    });
    unexplained += res.unexplained.length;
    report[kind] = res;
  }

  console.log(`\n## ${label}`);
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  const human = (r) => (r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : r >= 1e3 ? `${(r / 1e3).toFixed(1)} k/s` : `${r.toFixed(0)} /s`);
  console.log(`${pad("engine", 20)} ${pad("method", 40)} ${pad("kind", 9)} ${lpad("queries", 8)} ${lpad("ms", 9)} ${lpad("throughput", 12)} ${lpad("vs slaledger", 14)}`);
  for (const [eng, method, kind, n, ms, baseMs] of rows) {
    const r = n / (ms / 1000);
    let vs = "";
    if (baseMs !== undefined) {
      const b = n / (baseMs / 1000);
      vs = r < b ? `${(b / r).toFixed(1)}x slower` : `${(r / b).toFixed(1)}x faster`;
    }
    console.log(`${pad(eng, 20)} ${pad(method, 40)} ${pad(kind, 9)} ${lpad(n, 8)} ${lpad(ms.toFixed(1), 9)} ${lpad(human(r), 12)} ${lpad(vs, 14)}`);
  }
  const showQ = (kind, q) => {
    const f = (t) => dayjs(t).tz(ZONE).format("YYYY-MM-DDTHH:mm:ss.SSSZ");
    return kind === "range" ? `[${f(q[0])}, ${f(q[1])})` : `${f(q[0])} + ${q[1] / MIN} min`;
  };
  const showV = (kind, v) => {
    if (v instanceof Error) return `${v.name}: ${v.message}`;
    if (kind === "range") return `${v / MIN} min`;
    return dayjs(v).tz(ZONE).format("YYYY-MM-DDTHH:mm:ss.SSSZ");
  };
  for (const kind of ["range", "deadline"]) {
    const res = report[kind];
    const cls = Object.entries(res.classes).map(([c, v]) => `${v.length} ${c}`).join(", ");
    console.log(`  ${kind === "range" ? "ranges   " : "deadlines"}: ${res.agree}/${res.n} agree${cls ? ", " + cls : ""}${res.unexplained.length ? `; UNEXPLAINED ${res.unexplained.length}` : ""}`);
    for (const [c, items] of [...Object.entries(res.classes), ["UNEXPLAINED", res.unexplained]]) {
      for (const [i, q, o, v] of items.slice(0, SHOW)) {
        console.log(`      ${c.slice(0, 40)}: #${i} ${showQ(kind, q)}: slaledger ${showV(kind, o)}, dayjs-business-time ${showV(kind, v)}`);
      }
    }
  }
  return unexplained;
}

const pkg = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version;
console.log(`node ${process.version}, dayjs ${pkg("dayjs")}, dayjs-business-time ${pkg("dayjs-business-time")}, slaledger WASM (bindings-wasm/pkg); TZ=${resolved}`);
console.log(TZ_PLUGIN
  ? `zone for dayjs-business-time: dayjs timezone plugin objects, dayjs(t).tz("${ZONE}"), process zone UTC`
  : `zone for dayjs-business-time: the process's local zone (TZ=${ZONE})`);
console.log(`machine: ${os.cpus().length} CPUs, ${os.cpus()[0]?.model}`);
console.log(`calendar: ${ZONE}, Mon-Fri 09:00-17:00, holidays ${HOLIDAYS.join(", ")}`);
console.log(`queries: ${N} ranges + ${N} deadlines, seed ${SEED}; dayjs-business-time answers the first ${Math.min(N, SLOW_MAX)} of each; best of ${REPEAT} timed run(s)`);

let bad = await compare("whole-minute instants and durations (what dayjs-business-time expresses)", makeQueries(N, SEED, MIN), SLOW_MAX);
const nMs = Math.max(200, Math.floor(N / 10));
if (!TZ_PLUGIN) bad += await compare(`millisecond instants (${nMs} of each; outside dayjs-business-time's minute unit)`, makeQueries(nMs, SEED + 1, 1), Math.min(nMs, SLOW_MAX));

if (bad) {
  console.log(`\nFAIL: ${bad} answers differ from slaledger's without an explanation`);
  process.exit(1);
}
console.log("\nOK: every difference is explained");
