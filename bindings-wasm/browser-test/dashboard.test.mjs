// A real browser drives the dashboard: headless Chromium (Debian's package) serves and
// loads demo/, loads the bundled example, and the numbers on the page must equal the
// native CLI's for the same files (`slaledger report|credits|replay|explain --format
// json`). Saves test-output/wasm-dashboard-top.png (the first screen) and
// wasm-dashboard.png (the whole page) at the repository root.
//
// Needs: /usr/bin/chromium (or CHROMIUM), the release CLI (SLALEDGER_CLI, or
// target-wasm/release/slaledger), and a built pkg/. scripts/test-wasm.sh provides all.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../demo/serve.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = process.env.SLALEDGER_CLI ?? `${root}target-wasm/release/slaledger`;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const outDir = `${root}test-output`;
const contractFile = fileURLToPath(new URL("../demo/example/contract.toml", import.meta.url));
const eventsFile = fileURLToPath(new URL("../demo/example/events.jsonl", import.meta.url));

let browser, server, page, url;
const consoleErrors = [];

function native(command, ...args) {
  const out = execFileSync(cli, [command, eventsFile, "-c", contractFile, ...args, "--format", "json"], {
    encoding: "utf8",
  });
  return JSON.parse(out)[0];
}

/** The text of every cell of a table, row by row. */
async function tableText(selector) {
  return page.$$eval(`${selector} tbody tr`, (rows) =>
    rows.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim())),
  );
}

const money = (text) => text.replace(/,/g, "");
const pctOf = (compliance) => `${Number(compliance).toFixed(2).replace(/\.?0+$/, "")}%`;

before(async () => {
  assert.ok(existsSync(executablePath), `no Chromium at ${executablePath}`);
  assert.ok(existsSync(cli), `no CLI at ${cli}`);
  mkdirSync(outDir, { recursive: true });
  ({ server, url } = await serve());
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
  // Nothing may be fetched from outside the local server.
  await page.route("**/*", (route) =>
    route.request().url().startsWith(url) ? route.continue() : route.abort(),
  );
});

after(async () => {
  await browser?.close();
  server?.close();
});

test("the page loads the WebAssembly module and the example through the Data panel", async () => {
  await page.goto(`${url}demo/?empty`);
  await page.waitForSelector("body[data-wasm=ready]");
  assert.equal(await page.isVisible("#data-panel"), true);
  await page.click("#load-example");
  await page.waitForSelector("#main:not([hidden])");
  await page.waitForSelector("#credit-total");
  assert.equal(await page.inputValue("#month"), "2026-11");
  assert.match(await page.textContent("#subtitle"), /Synthetic Customer Inc\./);
  assert.equal(await page.isVisible("#error"), false);
});

test("the compliance table equals `slaledger report --period 2026-11`", async () => {
  const report = native("report", "--period", "2026-11");
  const rows = await tableText("#report-table");
  assert.equal(rows.length, report.rows.length);
  report.rows.forEach((r, i) => {
    const [prio, , , measured, met, breached, open, excluded, compliance] = rows[i];
    assert.equal(prio, r.priority === "*" ? "All" : r.priority);
    assert.deepEqual(
      [measured, met, breached, open, excluded].map(Number),
      [r.measured, r.met, r.breached, r.open, r.excluded],
      `row ${r.priority} ${r.metric}`,
    );
    assert.equal(compliance, r.compliance === null ? "—" : pctOf(r.compliance));
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${outDir}/wasm-dashboard-top.png` });
});

test("the credit statement equals `slaledger credits --period 2026-11`", async () => {
  const statement = native("credits", "--period", "2026-11");
  assert.ok(statement.lines.length > 0, "the example pays credits");
  const rows = await tableText("#credits table");
  assert.equal(rows.length, statement.lines.length);
  statement.lines.forEach((line, i) => {
    assert.equal(money(rows[i][4]), line.amount);
    assert.equal(Number(rows[i][3]), line.tickets.length);
  });
  const foot = await page.$$eval("#credits tfoot tr", (trs) => trs.map((tr) => tr.lastElementChild.textContent.trim()));
  assert.deepEqual(foot.map(money), [statement.subtotal, statement.cap, statement.total]);
  const kpi = await page.textContent(".kpi.credit .kpi-value, .kpi.good .kpi-value");
  assert.equal(money(kpi), `${statement.total} ${statement.currency}`);
});

test("the tickets at risk are the clocks running at the month's end, with deadlines", async () => {
  const evaluation = JSON.parse(
    execFileSync(cli, ["replay", eventsFile, "-c", contractFile, "--as-of", "2026-12-01T05:00:00Z", "--format", "json"], {
      encoding: "utf8",
      maxBuffer: 1 << 28,
    }),
  );
  const running = evaluation.tickets.flatMap((t) =>
    t.metrics.filter((m) => m.stopped_at === null && ["running", "paused", "breached"].includes(m.state)).map((m) => t.ticket),
  );
  const rows = await tableText("#risk-table");
  assert.equal(rows.length, running.length);
  assert.deepEqual(rows.map((r) => r[0]).sort(), running.sort());
  assert.ok(rows.some((r) => r[2] === "Overdue" || r[2] === "At risk"), "some clock is at risk");
});

test("clicking a ticket shows its timeline (explain)", async () => {
  const first = await page.$("#risk-table tbody tr");
  const ticket = await first.getAttribute("data-ticket");
  await first.click();
  await page.waitForSelector("svg.timeline");
  assert.match(await page.textContent(".timeline-title"), new RegExp(ticket));
  const x = JSON.parse(
    execFileSync(cli, ["explain", ticket, eventsFile, "-c", contractFile, "--as-of", "2026-12-01T05:00:00Z", "--format", "json"], {
      encoding: "utf8",
    }),
  );
  assert.equal(await page.$$eval("svg.timeline rect.seg", (r) => r.length), x.clocks.flatMap((c) => c.segments).length);
  assert.equal(await page.$$eval(".clock", (c) => c.length), x.clocks.length);
  await page.screenshot({ path: `${outDir}/wasm-dashboard.png`, fullPage: true });
});

test("another month recomputes in place", async () => {
  await page.fill("#month", "2026-12");
  await page.dispatchEvent("#month", "change");
  await page.waitForFunction(() => document.querySelector("#subtitle").textContent.includes("December 2026"));
  const report = native("report", "--period", "2026-12");
  const rows = await tableText("#report-table");
  assert.equal(rows.length, report.rows.length);
  const total = report.rows.find((r) => r.priority === "*" && r.metric === "resolution");
  const shown = rows.find((r) => r[0] === "All" && r[1] === "Resolution");
  assert.equal(Number(shown[3]), total.measured);
});

test("bad input shows the core's error code", async () => {
  await page.click("#toggle-data");
  await page.fill("#contract-text", 'id = "x"\ntimezone = "Mars/Olympus"\n[targets.P1]\nresponse = { within = "1h", calendar = "24x7" }\nresolution = { within = "1h", calendar = "24x7" }\n');
  await page.click("#load-data");
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /unknown_time_zone/);
});

test("no errors in the console, nothing fetched from outside", () => {
  assert.deepEqual(consoleErrors, []);
});
