// Compiled by `tsc -p test/tsconfig.json` (no output): the declarations in js/index.d.ts
// describe the API as the tests and the demo use it, and reject misuse.
import init, {
  Calendar,
  Ledger,
  credits,
  errorCodes,
  explain,
  replay,
  report,
  type ContractSpec,
  type CreditStatement,
  type ErrorCode,
  type Evaluation,
  type Event,
  type Explanation,
  type Report,
  type SlaError,
} from "../js/index.js";

async function usage(): Promise<void> {
  await init();
  await init(new URL("../pkg/slaledger_wasm_bg.wasm", "file:///"));

  const contract: ContractSpec = {
    id: "acme",
    timezone: "America/New_York",
    currency: "USD",
    fee: { monthly: "12500.00" },
    on_reopen: "new_cycle",
    calendars: { business: { timezone: "America/New_York", mon: ["08:00-18:00"] } },
    targets: { P1: { response: { within: "15m", calendar: "24x7" }, resolution: { none: "not measured" } } },
    credits: { cap: "20%", per_breach: [{ priority: "P1", metric: "response", amount: "250.00" }] },
  };
  const events: Event[] = [
    { id: "e1", ticket: "INC-1", at: "2026-11-02T09:00:00Z", type: "opened", priority: "P1" },
    { id: "e2", ticket: "INC-1", at: "2026-11-02T09:20:00Z", type: "responded", party: "msp" },
  ];

  const ev: Evaluation = replay({ contracts: [contract, "id = 'b'"], events, asOf: new Date() });
  for (const t of ev.tickets) {
    for (const m of t.metrics) {
      const due: string | null = m.due_at;
      const ms: number = m.elapsed_ms + m.remaining_ms;
      if (m.state === "running" && due !== null) console.log(due, ms, m.warned_at.length);
    }
  }
  const r: Report = report({ contracts: contract, events: "{}\n", period: "2026-11" });
  const compliance: string | null = r.rows[0].compliance;
  const s: CreditStatement = credits({ contracts: contract, events, period: { from: new Date(), to: "2026-12-01T00:00:00Z" }, contract: "acme" });
  const total: string = s.total;
  const x: Explanation = explain({ contracts: contract, events, ticket: "INC-1", asOf: "2026-11-03T00:00:00Z" });
  const kinds: ("running" | "closed_hours" | "paused" | "resolved")[] = x.clocks.flatMap((c) => c.segments.map((g) => g.kind));
  console.log(compliance, total, kinds);

  const cal = new Calendar({ timezone: "Europe/London", mon: ["09:00-17:00"] }, "business");
  const wt: number = cal.workingTime("2026-11-02T00:00:00Z", new Date());
  const deadline: string = cal.addWorkingTime("2026-11-02T00:00:00Z", 3_600_000);
  const change: string | null = cal.nextChange(deadline);
  const working: boolean = cal.isWorking(deadline);
  console.log(wt, change, working, Calendar.always().timeZone);

  const ledger = new Ledger({ contracts: contract, lenient: true });
  ledger.ingest(events);
  const ids: string[] = ledger.contractIds();
  console.log(ids, ledger.report({ period: "2026-11" }).rows.length);
  ledger.free();

  try {
    replay({ contracts: contract, events, asOf: "2026-11-03T00:00:00Z" });
  } catch (e) {
    const err = e as SlaError;
    const code: ErrorCode | "not_initialized" = err.code;
    console.log(code, err.category, err.message);
  }
  const codes: ErrorCode[] = errorCodes();
  console.log(codes);

  // @ts-expect-error: durations are milliseconds, not text
  cal.addWorkingTime("2026-11-02T00:00:00Z", "4h");
  // asOf may be omitted: the latest event is used.
  const latest: Evaluation = replay({ contracts: contract, events });
  console.log(latest.as_of);
  // @ts-expect-error: asOf is an instant, not a number
  replay({ contracts: contract, events, asOf: 5 });
  // @ts-expect-error: unknown metric
  const bad: ContractSpec = { id: "x", timezone: "UTC", targets: {}, credits: { tiers: [{ priority: "*", metric: "uptime", levels: [] }] } };
  console.log(bad);
}

void usage;
