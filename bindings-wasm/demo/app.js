// The dashboard: loads a contract and an event log, and shows a month's compliance,
// MTTA/MTTR, the credit statement, the tickets at risk and one ticket's timeline.
//
// Every number comes from the slaledger WebAssembly core (js/index.js): this file only
// reads inputs, calls the core, and draws. Instants are shown in the contract's zone with
// the browser's Intl formatter; money stays a decimal string end to end.

import init, { Ledger } from "../js/index.js";

const $ = (id) => document.getElementById(id);
const EXAMPLE = { contract: "example/contract.toml", events: "example/events.jsonl", month: "2026-11" };
const METRIC = { response: "Response", resolution: "Resolution" };
const RULE = { tier: "Compliance tier", per_breach: "Per breach", per_hour_late: "Per hour late" };

const state = { ledger: null, tz: "UTC", spec: null, asOf: null, eventsText: "" };

// ---------------------------------------------------------------------------------------
// Small helpers: DOM, formatting

/** Builds an element: h("td", { class: "num" }, "12"). Strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function formatter(options) {
  return new Intl.DateTimeFormat("en-US", { timeZone: state.tz, hourCycle: "h23", ...options });
}

/** "Mon 02 Nov, 09:14" in the contract's zone (with the zone's abbreviation if asked). */
function when(iso, { zone = false, seconds = false } = {}) {
  if (!iso) return "—";
  return formatter({
    weekday: "short",
    day: "2-digit",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: seconds ? "2-digit" : undefined,
    timeZoneName: zone ? "short" : undefined,
  }).format(new Date(iso));
}

function zoneName(iso) {
  const part = formatter({ timeZoneName: "short" }).formatToParts(new Date(iso)).find((p) => p.type === "timeZoneName");
  return part ? part.value : state.tz;
}

/** Milliseconds as "3h 28m" (hours are never folded into days: working time is not wall time). */
function dur(ms) {
  if (ms === null || ms === undefined) return "—";
  const sign = ms < 0 ? "−" : "";
  let rest = Math.abs(ms);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  if (hours === 0 && minutes === 0) return `${sign}${Math.floor(rest / 1000)}s`;
  if (hours === 0) return `${sign}${minutes}m`;
  return `${sign}${hours}h ${String(minutes).padStart(2, "0")}m`;
}

const hoursOf = (ms) => ms / 3_600_000;

/** A decimal string with thousands separators, exactly as given: "12500.00" -> "12,500.00". */
function money(text) {
  if (text === null || text === undefined) return "—";
  const [int, frac] = text.split(".");
  const neg = int.startsWith("-");
  const digits = neg ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "−" : ""}${grouped}${frac !== undefined ? `.${frac}` : ""}`;
}

/** "85.3333" -> "85.33%", "100" -> "100%" (display only; the core decides every threshold exactly). */
function pct(text, digits = 2) {
  if (text === null || text === undefined) return "—";
  const fixed = Number(text).toFixed(digits);
  return `${digits > 0 ? fixed.replace(/\.?0+$/, "") : fixed}%`;
}

/** The zone's UTC offset at an instant, in ms (only to place axis ticks at local midnights). */
function offsetAt(ms) {
  const parts = Object.fromEntries(
    formatter({ year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

function badge(kind, label) {
  return h("span", { class: `badge ${kind}` }, label);
}

// ---------------------------------------------------------------------------------------
// Errors and status

function showError(err) {
  const box = $("error");
  box.replaceChildren(
    h("strong", {}, err.code ? `${err.code}` : "error"),
    " ",
    err.message ?? String(err),
  );
  box.hidden = false;
}

function clearError() {
  $("error").hidden = true;
}

function timed(label, f) {
  const t0 = performance.now();
  const out = f();
  state.timings.push(`${label} ${(performance.now() - t0).toFixed(1)} ms`);
  return out;
}

// ---------------------------------------------------------------------------------------
// Loading data

async function fetchText(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url}: ${res.status}`);
  return res.text();
}

async function loadExample() {
  const [contract, events] = await Promise.all([fetchText(EXAMPLE.contract), fetchText(EXAMPLE.events)]);
  $("contract-text").value = contract;
  $("events-text").value = events;
  $("month").value = EXAMPLE.month;
  $("as-of").value = "";
  loadData({ keepMonth: true });
}

/** Builds the ledger from the two text areas (a contract starting with "{" is JSON). */
function loadData({ keepMonth = false } = {}) {
  clearError();
  const contractText = $("contract-text").value.trim();
  const eventsText = $("events-text").value;
  if (!contractText || !eventsText.trim()) {
    showError({ message: "Give a contract and an event log (or load the example)." });
    return;
  }
  state.timings = [];
  let ledger;
  try {
    const contract = contractText.startsWith("{") ? JSON.parse(contractText) : contractText;
    ledger = timed("load", () => new Ledger({ contracts: contract, events: eventsText, lenient: $("lenient").checked }));
  } catch (err) {
    showError(err);
    return;
  }
  state.ledger?.free();
  state.ledger = ledger;
  state.eventsText = eventsText;
  const select = $("contract-select");
  select.replaceChildren(...ledger.contractIds().map((id) => h("option", { value: id }, id)));
  select.disabled = select.options.length < 2;
  if (!keepMonth || !$("month").value) {
    // Default month: that of the first event (only a starting point for the picker).
    const first = eventsText.split("\n").find((l) => l.trim());
    try {
      $("month").value = String(JSON.parse(first).at).slice(0, 7);
    } catch {
      /* keep the picker as it is */
    }
  }
  setDataPanel(false);
  compute();
}

// ---------------------------------------------------------------------------------------
// Computing and rendering

function compute() {
  if (!state.ledger) return;
  clearError();
  state.timings = state.timings ?? [];
  const id = $("contract-select").value;
  const month = $("month").value;
  const asOfText = $("as-of").value.trim() || undefined;
  try {
    state.spec = state.ledger.contract(id);
    state.tz = state.spec.timezone;
    const report = timed("report", () => state.ledger.report({ contract: id, period: month, asOf: asOfText }));
    const statement = timed("credits", () => state.ledger.credits({ contract: id, period: month, asOf: asOfText }));
    state.asOf = report.as_of;
    const evaluation = timed("replay", () => state.ledger.evaluate(report.as_of));
    render(report, statement, evaluation);
  } catch (err) {
    showError(err);
    $("main").hidden = true;
  }
  $("timing").textContent = state.timings.length ? `WebAssembly: ${state.timings.join(" · ")}` : "";
  state.timings = [];
}

function render(report, statement, evaluation) {
  const spec = state.spec;
  const monthLabel = formatter({ month: "long", year: "numeric" }).format(new Date(report.period.from));
  $("subtitle").textContent =
    `${spec.customer ?? spec.id} · contract ${spec.id} · ${monthLabel} · times in ${state.tz}`;
  $("report-period").textContent =
    `${when(report.period.from, { zone: true })} → ${when(report.period.to, { zone: true })}`;
  renderKpis(report, statement, evaluation);
  renderReport(report);
  renderComplianceChart(report);
  renderTimeChart(report);
  renderCredits(statement);
  renderRisk(evaluation);
  renderWarnings(evaluation);
  $("main").hidden = false;
  const current = $("ticket").value.trim();
  if (current && evaluation.tickets.some((t) => t.ticket === current)) explainTicket(current);
}

function row(report, priority, metric) {
  return report.rows.find((r) => r.priority === priority && r.metric === metric);
}

/** The compliance below which a credit tier starts paying, for a priority and metric. */
function threshold(priority, metric) {
  const tiers = (state.spec.credits?.tiers ?? []).filter(
    (t) => t.metric === metric && (t.priority === priority || t.priority === "*"),
  );
  const belows = tiers.flatMap((t) => t.levels.map((l) => Number(String(l.below).replace("%", ""))));
  return belows.length ? Math.max(...belows) : null;
}

function renderKpis(report, statement, evaluation) {
  const resp = row(report, "*", "response");
  const reso = row(report, "*", "resolution");
  const tickets = evaluation.tickets.filter((t) => t.contract === state.spec.id);
  const risky = atRisk(tickets);
  const kpi = (label, value, note, cls = "") =>
    h("div", { class: `kpi ${cls}` }, h("div", { class: "kpi-label" }, label), h("div", { class: "kpi-value" }, value), h("div", { class: "kpi-note" }, note));
  const credit = statement.total !== "0" && !/^0(\.0+)?$/.test(statement.total);
  $("kpis").replaceChildren(
    kpi("Response compliance", pct(resp?.compliance), resp ? `${resp.met} of ${resp.measured} met` : "nothing measured"),
    kpi("Resolution compliance", pct(reso?.compliance), reso ? `${reso.met} of ${reso.measured} met · ${reso.open} open` : "nothing measured"),
    kpi("Breaches", String((resp?.breached ?? 0) + (reso?.breached ?? 0)), `${resp?.breached ?? 0} response · ${reso?.breached ?? 0} resolution`, "bad"),
    kpi("MTTA / MTTR (median)", `${dur(resp?.working_time?.median_ms)} / ${dur(reso?.working_time?.median_ms)}`, "working time"),
    kpi("At risk", String(risky.filter((r) => r.status === "overdue" || r.status === "risk").length), `of ${risky.length} open clocks`, "warn"),
    kpi("Service credit", `${money(statement.total)} ${statement.currency}`, statement.cap ? `cap ${money(statement.cap)}${statement.capped ? " (reached)" : ""} · fee ${money(statement.fee)}` : `fee ${money(statement.fee)}`, credit ? "credit" : "good"),
  );
}

function targetText(priority, metric) {
  const t = state.spec.targets?.[priority]?.[metric];
  if (!t) return "—";
  if (t.none) return "not measured";
  return `${t.within} · ${t.calendar}`;
}

function renderReport(report) {
  const head = h(
    "thead",
    {},
    h(
      "tr",
      {},
      h("th", {}, "Priority"),
      h("th", {}, "Metric"),
      h("th", {}, "Target"),
      h("th", { class: "num" }, "Measured"),
      h("th", { class: "num" }, "Met"),
      h("th", { class: "num" }, "Breached"),
      h("th", { class: "num" }, "Open"),
      h("th", { class: "num" }, "Excluded"),
      h("th", { class: "bar-col" }, "Compliance"),
      h("th", { class: "num", title: "working time, start to stop" }, "Median"),
      h("th", { class: "num" }, "P90"),
      h("th", { class: "num" }, "Mean"),
      h("th", { class: "num", title: "wall-clock time, start to stop" }, "Median wall"),
    ),
  );
  const body = h("tbody");
  let last = null;
  for (const r of report.rows) {
    const total = r.priority === "*";
    const limit = total ? null : threshold(r.priority, r.metric);
    const value = r.compliance === null ? null : Number(r.compliance);
    const below = limit !== null && value !== null && value < limit;
    const cls = [total ? "total" : "", r.priority !== last ? "group" : ""].join(" ").trim();
    last = r.priority;
    body.append(
      h(
        "tr",
        { class: cls || undefined },
        h("td", {}, total ? "All" : h("span", { class: `prio ${r.priority}` }, r.priority)),
        h("td", {}, METRIC[r.metric]),
        h("td", { class: "muted target" }, total ? "" : targetText(r.priority, r.metric)),
        h("td", { class: "num" }, r.measured),
        h("td", { class: "num" }, r.met),
        h("td", { class: `num ${r.breached ? "bad-text" : ""}` }, r.breached),
        h("td", { class: "num" }, r.open),
        h("td", { class: "num muted" }, r.excluded),
        h(
          "td",
          { class: "bar-col" },
          h(
            "div",
            { class: "cbar", title: limit !== null ? `credit below ${limit}%` : undefined },
            h("div", { class: `cfill ${below ? "below" : limit !== null ? "above" : ""}`, style: `width:${value ?? 0}%` }),
            limit !== null ? h("div", { class: "cmark", style: `left:${limit}%` }) : null,
          ),
          h("span", { class: `cval ${below ? "bad-text" : ""}` }, pct(r.compliance)),
        ),
        h("td", { class: "num" }, dur(r.working_time?.median_ms)),
        h("td", { class: "num" }, dur(r.working_time?.p90_ms)),
        h("td", { class: "num" }, dur(r.working_time?.mean_ms)),
        h("td", { class: "num muted" }, dur(r.wall_time?.median_ms)),
      ),
    );
  }
  $("report-table").replaceChildren(head, body);
}

function priorities(report) {
  return [...new Set(report.rows.filter((r) => r.priority !== "*").map((r) => r.priority))];
}

/** Grouped vertical bars: compliance per priority, response and resolution, with the credit threshold. */
function renderComplianceChart(report) {
  const prios = priorities(report);
  const W = 560, H = 230, L = 40, R = 10, T = 14, B = 28;
  const plotW = W - L - R, plotH = H - T - B;
  const y = (v) => T + plotH - (v / 100) * plotH;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Compliance by priority" });
  for (const v of [0, 25, 50, 75, 100]) {
    svg.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }));
    svg.append(s("text", { x: L - 6, y: y(v) + 4, class: "axis", "text-anchor": "end" }, `${v}%`));
  }
  const group = plotW / Math.max(prios.length, 1);
  const bw = Math.min(34, group / 3);
  prios.forEach((p, i) => {
    const cx = L + group * i + group / 2;
    ["response", "resolution"].forEach((metric, j) => {
      const r = row(report, p, metric);
      const x = cx + (j === 0 ? -bw - 2 : 2);
      const limit = threshold(p, metric);
      if (r?.compliance !== null && r?.compliance !== undefined) {
        const v = Number(r.compliance);
        svg.append(
          s("rect", { x, y: y(v), width: bw, height: Math.max(y(0) - y(v), 0.5), rx: 2, class: `bar ${metric}${limit !== null && v < limit ? " below" : ""}` },
            s("title", {}, `${p} ${metric}: ${pct(r.compliance)} (${r.met}/${r.measured})`)),
        );
        svg.append(s("text", { x: x + bw / 2, y: y(v) - 4, class: "value", "text-anchor": "middle" }, pct(r.compliance, 0)));
      } else {
        svg.append(s("text", { x: x + bw / 2, y: y(0) - 4, class: "value muted", "text-anchor": "middle" }, "n/a"));
      }
      if (limit !== null) {
        svg.append(s("line", { x1: x - 3, x2: x + bw + 3, y1: y(limit), y2: y(limit), class: "threshold" },
          s("title", {}, `credit below ${limit}%`)));
      }
    });
    svg.append(s("text", { x: cx, y: H - 8, class: "axis strong", "text-anchor": "middle" }, p));
  });
  $("compliance-chart").replaceChildren(svg);
}

/** Horizontal bars: median and p90 working time per priority, for MTTA and MTTR. */
function renderTimeChart(report) {
  const prios = priorities(report);
  const lines = [];
  for (const p of prios) for (const metric of ["response", "resolution"]) lines.push({ p, metric, r: row(report, p, metric) });
  const max = Math.max(1, ...lines.map((l) => hoursOf(l.r?.working_time?.p90_ms ?? 0)));
  const W = 560, rowH = 25, T = 8, L = 78, R = 118;
  const H = T + lines.length * rowH + 24;
  const x = (hours) => L + (hours / max) * (W - L - R);
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Median and p90 working time" });
  const step = niceStep(max / 5);
  for (let v = 0; v <= max + 1e-9; v += step) {
    svg.append(s("line", { x1: x(v), x2: x(v), y1: T, y2: H - 20, class: "grid" }));
    svg.append(s("text", { x: x(v), y: H - 6, class: "axis", "text-anchor": "middle" }, `${+v.toFixed(1)}h`));
  }
  lines.forEach(({ p, metric, r }, i) => {
    const yy = T + i * rowH;
    svg.append(s("text", { x: 4, y: yy + 16, class: `axis${metric === "response" ? " strong" : ""}` }, `${p} · ${metric === "response" ? "MTTA" : "MTTR"}`));
    const stats = r?.working_time;
    if (!stats) {
      svg.append(s("text", { x: L, y: yy + 16, class: "value muted" }, "none decided"));
      return;
    }
    svg.append(s("rect", { x: L, y: yy + 5, width: Math.max(x(hoursOf(stats.p90_ms)) - L, 1), height: rowH - 10, rx: 2, class: `p90 ${metric}` },
      s("title", {}, `${p} ${metric} p90 ${dur(stats.p90_ms)}`)));
    svg.append(s("rect", { x: L, y: yy + 5, width: Math.max(x(hoursOf(stats.median_ms)) - L, 1), height: rowH - 10, rx: 2, class: `median ${metric}` },
      s("title", {}, `${p} ${metric} median ${dur(stats.median_ms)}`)));
    svg.append(s("text", { x: x(hoursOf(stats.p90_ms)) + 5, y: yy + 16, class: "value" }, `${dur(stats.median_ms)} · ${dur(stats.p90_ms)}`));
  });
  $("time-chart").replaceChildren(svg);
}

function niceStep(raw) {
  const candidates = [0.25, 0.5, 1, 2, 4, 6, 8, 12, 24, 48, 96, 168];
  return candidates.find((c) => c >= raw) ?? candidates.at(-1);
}

function basisText(line) {
  const b = line.basis;
  if (line.rule === "tier") return `${pct(b.compliance)} (${b.met}/${b.measured}) below ${b.below} → ${b.credit} of fee`;
  if (line.rule === "per_breach") return `${b.breaches} breach${b.breaches === 1 ? "" : "es"} × ${money(b.each)}`;
  if (line.rule === "per_hour_late") return `${b.hours} started hour${b.hours === 1 ? "" : "s"} late × ${money(b.per_hour)}`;
  return JSON.stringify(b);
}

function renderCredits(st) {
  $("credit-fee").textContent = `fee ${money(st.fee)} ${st.currency}`;
  const body = h("tbody");
  if (st.lines.length === 0) {
    body.append(h("tr", {}, h("td", { colspan: 5, class: "muted center" }, "No credit rule pays anything this period.")));
  }
  for (const line of st.lines) {
    body.append(
      h(
        "tr",
        {},
        h("td", { class: "nowrap" }, RULE[line.rule] ?? line.rule),
        h("td", { class: "nowrap" }, line.priority === "*" ? "All" : h("span", { class: `prio ${line.priority}` }, line.priority), " ", METRIC[line.metric]),
        h("td", {}, basisText(line)),
        h("td", { class: "num", title: line.tickets.join(", ") }, line.tickets.length),
        h("td", { class: "num money" }, money(line.amount)),
      ),
    );
  }
  const foot = h(
    "tfoot",
    {},
    h("tr", {}, h("td", { colspan: 4 }, "Subtotal"), h("td", { class: "num money" }, money(st.subtotal))),
    h("tr", {}, h("td", { colspan: 4 }, "Cap", st.capped ? [" ", badge("warn", "applied")] : null), h("td", { class: "num money" }, money(st.cap))),
    h("tr", { class: "grand" }, h("td", { colspan: 4 }, `Total credit (${st.currency})`), h("td", { class: "num money", id: "credit-total" }, money(st.total))),
  );
  const table = h(
    "table",
    { class: "credits" },
    h("thead", {}, h("tr", {}, h("th", {}, "Rule"), h("th", {}, "Scope"), h("th", {}, "Basis"), h("th", { class: "num" }, "Tickets"), h("th", { class: "num" }, "Amount"))),
    body,
    foot,
  );
  const parts = [table];
  if (st.cap !== null) {
    const share = Math.min(100, (Number(st.subtotal) / Math.max(Number(st.cap), 1e-9)) * 100);
    parts.push(
      h("div", { class: "gauge" },
        h("div", { class: "gauge-label" }, h("span", {}, "Credit against the cap"), h("span", { class: "muted" }, `${money(st.subtotal)} of ${money(st.cap)} ${st.currency}`)),
        h("div", { class: "gauge-bar" }, h("div", { class: `gauge-fill${st.capped ? " capped" : ""}`, style: `width:${share}%` })),
      ),
    );
  }
  const withTickets = st.lines.filter((l) => l.tickets.length);
  if (withTickets.length) {
    parts.push(
      h("div", { class: "chips-block" },
        h("div", { class: "gauge-label" }, h("span", {}, "Tickets behind the credit"), h("span", { class: "muted" }, "click one for its timeline")),
        ...withTickets.map((l) =>
          h("div", { class: "chips" },
            h("span", { class: "chips-title" }, `${RULE[l.rule] ?? l.rule} · ${l.priority} ${l.metric}`),
            ...l.tickets.map((t) => h("button", { type: "button", class: "chip", onclick: () => explainTicket(t) }, t)),
          ),
        ),
      ),
    );
  }
  $("credits").replaceChildren(...parts);
}

/** The clocks still running (or paused, or over their deadline) at the as-of instant. */
function atRisk(tickets) {
  const out = [];
  for (const t of tickets) {
    for (const m of t.metrics) {
      if (m.stopped_at !== null) continue;
      let status;
      if (m.state === "breached") status = "overdue";
      else if (m.state === "paused") status = "paused";
      else if (m.state === "running") status = m.warned_at.length ? "risk" : "ok";
      else continue;
      out.push({ t, m, status });
    }
  }
  const order = { overdue: 0, risk: 1, ok: 2, paused: 3 };
  out.sort((a, b) => order[a.status] - order[b.status] || String(a.m.due_at ?? "~").localeCompare(String(b.m.due_at ?? "~")));
  return out;
}

function renderRisk(evaluation) {
  const tickets = evaluation.tickets.filter((t) => t.contract === state.spec.id);
  const list = atRisk(tickets);
  $("risk-as-of").textContent = `as of ${when(state.asOf, { zone: true })}`;
  const labels = { overdue: ["bad", "Overdue"], risk: ["warn", "At risk"], ok: ["good", "On track"], paused: ["muted", "Paused"] };
  const body = h("tbody");
  if (list.length === 0) body.append(h("tr", {}, h("td", { colspan: 6, class: "muted center" }, "No clock is running at this instant.")));
  for (const { t, m, status } of list) {
    const [cls, label] = labels[status];
    body.append(
      h(
        "tr",
        { class: "clickable", dataset: { ticket: t.ticket }, onclick: () => explainTicket(t.ticket), title: "Show the timeline" },
        h("td", { class: "mono" }, t.ticket),
        h("td", { class: "nowrap" }, h("span", { class: `prio ${m.priority}` }, m.priority), " ", METRIC[m.metric]),
        h("td", {}, badge(cls, label)),
        h("td", { class: "nowrap" }, m.due_at ? when(m.due_at) : "paused"),
        h("td", { class: "nowrap muted" }, m.warned_at.length ? when(m.warned_at[m.warned_at.length - 1]) : "—"),
        h("td", { class: `num nowrap ${m.remaining_ms < 0 ? "bad-text" : ""}` }, dur(m.remaining_ms)),
      ),
    );
  }
  $("risk-table").replaceChildren(
    h("thead", {}, h("tr", {}, h("th", {}, "Ticket"), h("th", {}, "Clock"), h("th", {}, "Status"), h("th", {}, "Due"), h("th", {}, "At risk since"), h("th", { class: "num", title: "working time left (negative: over)" }, "Left"))),
    body,
  );
  $("ticket-list").replaceChildren(...tickets.map((t) => h("option", { value: t.ticket })));
}

function renderWarnings(evaluation) {
  const box = $("warnings");
  if (!evaluation.rejected.length) {
    box.hidden = true;
    return;
  }
  const first = evaluation.rejected.slice(0, 3).map((r) => `line ${r.line ?? "?"}: ${r.code}`).join("; ");
  box.textContent = `${evaluation.rejected.length} event(s) rejected (lenient mode): ${first}${evaluation.rejected.length > 3 ? "; …" : ""}`;
  box.hidden = false;
}

// ---------------------------------------------------------------------------------------
// One ticket's timeline

const KIND = { running: "Running", closed_hours: "Closed hours", paused: "Paused", resolved: "Resolved" };

function explainTicket(ticket) {
  clearError();
  $("ticket").value = ticket;
  for (const tr of document.querySelectorAll("#risk-table tr.selected")) tr.classList.remove("selected");
  for (const tr of document.querySelectorAll(`#risk-table tr[data-ticket="${CSS.escape(ticket)}"]`)) tr.classList.add("selected");
  let x;
  try {
    x = state.ledger.explain(ticket, state.asOf);
  } catch (err) {
    showError(err);
    return;
  }
  const segments = x.clocks.flatMap((c) => c.segments);
  const times = [
    ...segments.flatMap((g) => [Date.parse(g.from), Date.parse(g.to)]),
    ...x.clocks.flatMap((c) => [c.started_at, c.due_at, c.breached_at, ...c.warned_at].filter(Boolean).map(Date.parse)),
  ];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 60_000);
  const W = 1100, L = 150, R = 20, rowH = 40, T = 24;
  const H = T + x.clocks.length * rowH + 30;
  const xAt = (ms) => L + ((ms - t0) / (t1 - t0)) * (W - L - R);
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Timeline of ${ticket}`, class: "timeline" });

  // Time axis: evenly spaced ticks, labelled in the contract's zone.
  const spans = [3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000, 2 * 86_400_000, 7 * 86_400_000, 14 * 86_400_000];
  const step = spans.find((ms) => (t1 - t0) / ms <= 8) ?? spans.at(-1);
  // Ticks on multiples of the step in local wall time (local midnights for day steps).
  // Weekly ticks fall on Mondays (the Unix epoch was a Thursday).
  const shift = offsetAt(t0) + (step % (7 * 86_400_000) === 0 ? 3 * 86_400_000 : 0);
  const daily = step >= 86_400_000;
  const label = formatter(daily ? { weekday: "short", month: "short", day: "numeric" } : { weekday: "short", hour: "2-digit", minute: "2-digit" });
  for (let t = Math.ceil((t0 + shift) / step) * step - shift; t <= t1; t += step) {
    svg.append(s("line", { x1: xAt(t), x2: xAt(t), y1: T - 6, y2: H - 24, class: "grid" }));
    svg.append(s("text", { x: xAt(t), y: H - 8, class: "axis", "text-anchor": "middle" }, label.format(new Date(t))));
  }
  x.clocks.forEach((c, i) => {
    const y = T + i * rowH;
    svg.append(s("text", { x: 4, y: y + 18, class: "axis strong" }, `${METRIC[c.metric]}${c.cycle > 1 ? ` #${c.cycle}` : ""}`));
    svg.append(s("text", { x: 4, y: y + 32, class: "axis" }, `${c.priority} · ${c.target} · ${c.calendar}`));
    for (const g of c.segments) {
      const a = xAt(Date.parse(g.from)), b = xAt(Date.parse(g.to));
      svg.append(s("rect", { x: a, y: y + 8, width: Math.max(b - a, 1), height: rowH - 16, class: `seg ${g.kind}` },
        s("title", {}, `${KIND[g.kind]}: ${when(g.from)} → ${when(g.to)} · ${g.reason} · ${dur(g.working_ms)}`)));
    }
    for (const w of c.warned_at) svg.append(s("line", { x1: xAt(Date.parse(w)), x2: xAt(Date.parse(w)), y1: y + 1, y2: y + rowH - 3, class: "mark warn" }, s("title", {}, `at risk from ${when(w)}`)));
    if (c.due_at) svg.append(s("line", { x1: xAt(Date.parse(c.due_at)), x2: xAt(Date.parse(c.due_at)), y1: y + 1, y2: y + rowH - 3, class: `mark ${c.breached_at ? "breach" : "due"}` }, s("title", {}, `${c.breached_at ? "breached at" : "due"} ${when(c.due_at)}`)));
  });
  for (const pc of x.priority_changes) {
    const px = xAt(Date.parse(pc.at));
    svg.append(s("line", { x1: px, x2: px, y1: 12, y2: H - 24, class: "mark change" }));
    svg.append(s("text", { x: px + 3, y: 14, class: "axis" }, `${pc.from}→${pc.to} (${pc.policy})`));
  }

  const cards = x.clocks.map((c) => {
    const stateBadge = { met: "good", breached: "bad", running: "warn", paused: "muted", cancelled: "muted", excluded: "muted" }[c.state];
    return h(
      "div",
      { class: "clock" },
      h("div", { class: "clock-head" },
        h("strong", {}, `${METRIC[c.metric]}${c.cycle > 1 ? ` (cycle ${c.cycle})` : ""}`), " ",
        badge(stateBadge, c.state), " ",
        h("span", { class: "muted" }, `target ${c.target} on ${c.calendar} · used ${dur(c.elapsed_ms)} of ${dur(c.target_ms)} · paused ${dur(c.paused_ms)} · wall ${dur(c.wall_ms)}`),
        c.due_at ? h("span", { class: "muted" }, ` · ${c.breached_at ? "breached" : "due"} ${when(c.due_at, { zone: true })}`) : null,
      ),
      h("div", { class: "segments-wrap" }, h("table", { class: "segments" },
        h("thead", {}, h("tr", {}, h("th", {}, "From"), h("th", {}, "To"), h("th", {}, "Clock"), h("th", {}, "Why"), h("th", { class: "num" }, "Working"))),
        h("tbody", {}, c.segments.map((g) => h("tr", {},
          h("td", { class: "nowrap" }, when(g.from)),
          h("td", { class: "nowrap" }, when(g.to)),
          h("td", {}, h("span", { class: `dot ${g.kind}` }), KIND[g.kind]),
          h("td", { class: "muted" }, g.reason),
          h("td", { class: "num" }, g.kind === "running" || g.kind === "paused" ? dur(g.working_ms) : "")))),
      )),
    );
  });
  const legend = h("div", { class: "legend tl" },
    ...Object.entries(KIND).map(([k, label]) => [h("span", { class: `swatch ${k}` }), label]),
    h("span", { class: "swatch due" }), "Deadline",
    h("span", { class: "swatch breach" }), "Breach",
    h("span", { class: "swatch warnmark" }), "At-risk threshold",
  );
  $("timeline").replaceChildren(
    h("p", { class: "timeline-title" }, h("strong", { class: "mono" }, x.ticket), ` · contract ${x.contract} · as of ${when(x.as_of, { zone: true })}`),
    legend,
    svg,
    h("div", { class: "clocks" }, cards),
  );
}

// ---------------------------------------------------------------------------------------
// Wiring

function setDataPanel(open) {
  $("data-panel").hidden = !open;
  $("toggle-data").setAttribute("aria-expanded", String(open));
}

async function readFileInto(input, textarea) {
  const file = input.files?.[0];
  if (file) textarea.value = await file.text();
}

async function main() {
  await init();
  document.body.dataset.wasm = "ready";
  $("controls").addEventListener("submit", (e) => {
    e.preventDefault();
    compute();
  });
  $("contract-select").addEventListener("change", compute);
  $("month").addEventListener("change", compute);
  $("toggle-data").addEventListener("click", () => setDataPanel($("data-panel").hidden));
  $("load-example").addEventListener("click", () => loadExample().catch(showError));
  $("load-data").addEventListener("click", () => loadData());
  $("contract-file").addEventListener("change", (e) => readFileInto(e.target, $("contract-text")));
  $("events-file").addEventListener("change", (e) => readFileInto(e.target, $("events-text")));
  $("explain-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const t = $("ticket").value.trim();
    if (t) explainTicket(t);
  });
  if (!new URLSearchParams(location.search).has("empty")) await loadExample();
  else setDataPanel(true);
}

main().catch(showError);
