// TypeScript declarations of the slaledger JS API (js/index.js, js/node.js).
//
// Inputs and outputs are plain JSON objects in the shapes of SPEC §3 (calendars), §5
// (events), §6 (contracts), §7 (evaluation, explain), §8 (report) and §9 (credits).
// Instants are RFC 3339 strings (inputs may also be `Date`s; outputs are UTC with `Z`,
// milliseconds only when not zero); durations are integer milliseconds (`number`, fields
// ending in `_ms`); money and compliance are decimal strings.

// ---------------------------------------------------------------------------------------
// Scalars

/** An RFC 3339 timestamp with an offset (`"2026-11-02T09:14:00Z"`, `"...-05:00"`). */
export type Instant = string;
/** An instant as accepted in input: RFC 3339 text (offset required) or a `Date`. */
export type InstantInput = Instant | Date;
/** Integer milliseconds. */
export type Millis = number;
/** A decimal amount of money, exact, as a string (`"625.00"`). */
export type MoneyString = string;
/** A percentage as a string (`"95%"` in contracts; `"66.6667"` for compliance). */
export type PercentString = string;

export type Metric = "response" | "resolution";
export type MeasurementState = "running" | "paused" | "met" | "breached" | "cancelled" | "excluded";
export type TicketState = "open" | "resolved" | "closed" | "cancelled";
export type SegmentKind = "running" | "closed_hours" | "paused" | "resolved";
export type OnPriorityChange = "recalculate" | "restart" | "keep";
export type OnReopen = "resume" | "new_cycle" | "ignore";
export type Rounding = "half_even" | "half_up";
export type OlaMetric = "acknowledge" | "hold";

// ---------------------------------------------------------------------------------------
// Errors

/** Every code the core raises (`errorCodes()` lists them at run time). */
export type ErrorCode =
  | "invalid_timestamp"
  | "missing_offset"
  | "instant_out_of_range"
  | "invalid_duration"
  | "unknown_time_zone"
  | "invalid_time"
  | "invalid_date"
  | "empty_window"
  | "duplicate_day"
  | "duplicate_date"
  | "no_working_time"
  | "no_working_time_within_horizon"
  | "invalid_holiday_rule"
  | "unknown_preset"
  | "invalid_ics"
  | "unknown_key"
  | "missing_field"
  | "invalid_value"
  | "invalid_toml"
  | "invalid_json"
  | "unknown_calendar"
  | "missing_target"
  | "duplicate_contract"
  | "malformed_json"
  | "unknown_event_type"
  | "event_before_opened"
  | "already_opened"
  | "event_after_closed"
  | "event_after_cancelled"
  | "already_resolved"
  | "reopened_while_open"
  | "unknown_priority"
  | "unknown_contract"
  | "ambiguous_contract"
  | "conflicting_duplicate"
  | "late_event"
  | "unknown_ticket"
  | "unknown_party"
  | "handoff_to_holder";

/** The family of an error code; `binding` only for `not_initialized`. */
export type ErrorCategory = "time" | "calendar" | "contract" | "event" | "input" | "binding";

/**
 * What every function throws: a plain `Error` with the core's stable `code`. The message
 * says what was expected, what was found and where (line, event id, ticket).
 */
export interface SlaError extends Error {
  code: ErrorCode | "not_initialized";
  category: ErrorCategory;
}

/** Every error code of the core, in the core's order. */
export function errorCodes(): ErrorCode[];

// ---------------------------------------------------------------------------------------
// Inputs: calendars, contracts, events

/** A working window `"HH:MM[:SS]-HH:MM[:SS]"`; an end at or before the start runs into the next day. */
export type Window = string;

/** A business calendar (SPEC §3). A missing weekday is closed. */
export interface CalendarSpec {
  /** IANA zone, e.g. `"America/New_York"`. */
  timezone: string;
  mon?: Window[];
  tue?: Window[];
  wed?: Window[];
  thu?: Window[];
  fri?: Window[];
  sat?: Window[];
  sun?: Window[];
  /** Local dates `YYYY-MM-DD` closed midnight to midnight. */
  holidays?: string[];
  /** Dates whose windows replace the weekly template's (an empty list closes the date). */
  exceptions?: { date: string; hours: Window[] }[];
  /** Holidays by rule, expanded for every year a query reaches: presets or rules. */
  holiday_rules?: (HolidayPreset | HolidayRule)[];
  /** iCalendar text (all-day events become holidays), or several. */
  holiday_ics?: string | string[];
}

/** A preset's name: `"us_federal"`, `"gb_england_wales"`, `"de_national"`, `"de_by"`, … */
export type HolidayPreset = string;

/**
 * A holiday rule: exactly one way of naming the date: `fixed` ("MM-DD"); `easter` (days
 * from Easter Sunday); `month` + `weekday` + `nth`; or `weekday` + `before`/`after`.
 */
export interface HolidayRule {
  name?: string;
  fixed?: string;
  month?: number;
  weekday?: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
  /** 1 to 5 from the start of the month, -1 (last) to -5 from the end. */
  nth?: number;
  before?: string;
  after?: string;
  easter?: number;
  /** For a `fixed` day on a weekend: `true`/`"nearest"`, `"substitute"`, `false`/`"none"`. */
  observed?: boolean | "nearest" | "substitute" | "none";
  from_year?: number;
  to_year?: number;
  /** A partial day: open only these windows. */
  hours?: Window[];
}

/** `{ within, calendar, pausable }`, or `{ none: "why" }` for a metric not measured. */
export interface TargetSpec {
  /** `"15m"`, `"4h"`, `"1h30m"`, `"90s"`, `"PT4H"`, or business days `"2bd"`. */
  within?: string;
  /** `"24x7"` or the name of one of the contract's calendars. */
  calendar?: string;
  /** Default: resolution pauses, response does not. */
  pausable?: boolean;
  none?: string;
}

export interface TierSpec {
  /** A priority, or `"*"` for all. */
  priority: string;
  metric: Metric;
  levels: { below: PercentString; credit: PercentString }[];
}

export interface PerBreachSpec {
  priority: string;
  metric: Metric;
  /** A fixed amount per breach… */
  amount?: MoneyString;
  /** …or a percent of the fee per breach. */
  credit?: PercentString;
}

export interface PerHourLateSpec {
  priority: string;
  metric: Metric;
  amount: MoneyString;
}

export interface CreditsSpec {
  /** A percentage of the period's fee (`"20%"`) or an amount (`"2500.00"`). */
  cap?: string;
  min_tickets?: number;
  rounding?: Rounding;
  minor_units?: number;
  tiers?: TierSpec[];
  per_breach?: PerBreachSpec[];
  per_hour_late?: PerHourLateSpec[];
}

/** A contract as a JSON object (SPEC §6); the same schema as the TOML form. Unknown keys are errors. */
export interface ContractSpec {
  id: string;
  customer?: string;
  currency?: string;
  /** The zone in which billing periods (months) are cut. */
  timezone: string;
  fee?: { monthly?: MoneyString; per_user?: MoneyString; users?: number };
  pause_statuses?: string[];
  on_priority_change?: OnPriorityChange;
  on_reopen?: OnReopen;
  warn_at?: PercentString[];
  calendars?: Record<string, CalendarSpec>;
  targets: Record<string, { response?: TargetSpec; resolution?: TargetSpec }>;
  credits?: CreditsSpec;
  // Co-managed IT (several parties share tickets).
  /** The parties that can hold a ticket, e.g. `["msp", "internal"]`. */
  parties?: string[];
  /** The party this contract's SLA binds. */
  provider?: string;
  /** Which party holds a new ticket, by calendar: party -> calendar name. */
  coverage?: Record<string, string>;
  /** The SLA clocks pause while one of these parties holds the ticket. */
  pause_when_held_by?: string[];
  /** OLA targets: party -> priority (or `"*"`) -> targets. */
  ola?: Record<string, Record<string, { acknowledge?: TargetSpec; hold?: TargetSpec }>>;
}

/** A contract: TOML text, or a JSON object of the same schema. */
export type ContractInput = string | ContractSpec;

interface EventBase {
  /** Unique in the log. */
  id: string;
  ticket: string;
  at: Instant;
  /** Orders events with the same `at`. */
  seq?: number;
  /** Free-form data; unknown extra fields are ignored too. */
  attrs?: unknown;
  [extra: string]: unknown;
}

/** One ticket event (SPEC §5). */
export type Event =
  | (EventBase & { type: "opened"; priority: string; contract?: string; party?: string })
  | (EventBase & { type: "responded"; party?: string })
  | (EventBase & { type: "status"; status: string })
  | (EventBase & { type: "priority"; priority: string })
  | (EventBase & { type: "assigned"; party: string; group?: string })
  | (EventBase & { type: "resolved" })
  | (EventBase & { type: "reopened" })
  | (EventBase & { type: "closed" })
  | (EventBase & { type: "cancelled"; reason?: string })
  | (EventBase & { type: "excluded"; reason: string });

/**
 * Events: JSONL text, UTF-8 JSONL bytes (e.g. a file read without decoding, the fastest
 * way in), or an array of event objects. Array element `i` is "line `i + 1`" in errors
 * and rejections. Objects are not validated by TypeScript alone: malformed ones are
 * rejected by the core like malformed JSONL lines.
 */
export type EventsInput = string | Uint8Array | ArrayBuffer | readonly (Event | Record<string, unknown>)[];

/** A reporting period: a month `"YYYY-MM"` in the contract's zone, or `[from, to)`. */
export type PeriodInput = string | { from: InstantInput; to: InstantInput };

export interface LedgerOptions {
  /** One contract or several (TOML text or objects). */
  contracts?: ContractInput | readonly ContractInput[];
  events?: EventsInput;
  /** Reject bad events and go on (listed in `rejected`) instead of throwing at the first. */
  lenient?: boolean;
}

export interface ReplayOptions extends LedgerOptions {
  /** Events after this instant are ignored; running clocks are measured up to it.
   *  Default: the latest event. */
  asOf?: InstantInput;
}

export interface PeriodOptions {
  /** The contract id; may be omitted when exactly one contract is loaded. */
  contract?: string;
  period: PeriodInput;
  /** Evaluate as of this instant if it is before the period's end (default: the end). */
  asOf?: InstantInput;
}

export interface ExplainOptions extends LedgerOptions {
  ticket: string;
  /** Default: the latest event. */
  asOf?: InstantInput;
}

// ---------------------------------------------------------------------------------------
// Outputs

/** One clock of one ticket (SPEC §7). */
export interface MetricResult {
  metric: Metric;
  /** 1, or the cycle number under `on_reopen = "new_cycle"`. */
  cycle: number;
  state: MeasurementState;
  /** The priority whose target is applied. */
  priority: string;
  /** The target as written (`"4h"`, `"2bd"`). */
  target: string;
  target_ms: Millis;
  calendar: string;
  started_at: Instant;
  stopped_at: Instant | null;
  /** The deadline (the breach instant if breached); `null` while paused. */
  due_at: Instant | null;
  /** Working time used. */
  elapsed_ms: Millis;
  paused_ms: Millis;
  /** Working time excluded because another party held the ticket (`pause_when_held_by`). */
  held_ms: Millis;
  wall_ms: Millis;
  /** Target minus elapsed; negative when over. */
  remaining_ms: Millis;
  breached_at: Instant | null;
  /** When each `warn_at` threshold was reached ("at risk from"). */
  warned_at: Instant[];
  /** When the outcome was decided (breach instant, or stop if met); `null` while undecided. */
  decided_at: Instant | null;
  /** Under `on_reopen = "resume"`, after a reopen: the first stop. */
  first_stopped_at?: Instant;
  first_elapsed_ms?: Millis;
}

/** One ticket (SPEC §7). */
export interface TicketResult {
  ticket: string;
  contract: string;
  /** The current priority. */
  priority: string;
  opened_priority: string;
  party: string | null;
  state: TicketState;
  status?: string;
  reopens: number;
  /** `rejected_events`, `closed_without_resolution`. */
  flags: string[];
  excluded_reason?: string;
  cancelled_reason?: string;
  metrics: MetricResult[];
  /** The open time split between the parties that held the ticket (and `"customer"` while paused). */
  held: PartyTime[];
  /** Changes of holder. */
  handoffs: number;
  /** Handoffs back to the party the ticket came from. */
  ping_pongs: number;
  /** Each party's OLA clocks (co-managed contracts with `ola` targets). */
  ola: OlaResult[];
}

export interface PartyTime {
  party: string;
  working_ms: Millis;
  wall_ms: Millis;
}

/** One OLA clock of one holding. */
export interface OlaResult {
  party: string;
  metric: OlaMetric;
  priority: string;
  target: string;
  target_ms: Millis;
  calendar: string;
  received_at: Instant;
  stopped_at: Instant | null;
  elapsed_ms: Millis;
  state: MeasurementState;
  breached_at: Instant | null;
  decided_at: Instant | null;
}

/** A rejected event (lenient mode). */
export interface Rejection {
  line: number | null;
  id: string | null;
  ticket: string | null;
  code: ErrorCode;
  message: string;
}

export interface Stats {
  events: number;
  duplicates: number;
  tickets: number;
  rejected: number;
}

/** The result of `replay` / `Ledger.evaluate` (SPEC §7). */
export interface Evaluation {
  as_of: Instant;
  /** Sorted by ticket id. */
  tickets: TicketResult[];
  rejected: Rejection[];
  stats: Stats;
}

export interface Period {
  from: Instant;
  to: Instant;
}

/** Exact summary of durations: nearest-rank median and p90, mean rounded half-even. */
export interface DurationStats {
  count: number;
  sum_ms: Millis;
  mean_ms: Millis;
  median_ms: Millis;
  p90_ms: Millis;
}

/** One row of a report: a priority (or `"*"` for the total) and metric (SPEC §8). */
export interface ReportRow {
  priority: string;
  metric: Metric;
  measured: number;
  met: number;
  breached: number;
  open: number;
  excluded: number;
  cancelled: number;
  /** met / measured as a percentage string (`"81.8182"`); `null` when nothing was measured. */
  compliance: string | null;
  /** MTTA (response) / MTTR (resolution) in working time. */
  working_time: DurationStats | null;
  wall_time: DurationStats | null;
  /** Tickets decided again here after a first resolution in an earlier period. */
  redecided: string[];
}

/** One OLA row of a report: a party, priority and OLA metric. */
export interface OlaRow {
  party: string;
  priority: string;
  metric: OlaMetric;
  measured: number;
  met: number;
  breached: number;
  open: number;
  compliance: string | null;
  working_time: DurationStats | null;
}

/** What one party held over the period's tickets. */
export interface PartySummary {
  tickets: number;
  working_ms: Millis;
  wall_ms: Millis;
  by_priority: Record<string, Millis>;
}

export interface Report {
  contract: string;
  period: Period;
  as_of: Instant;
  rows: ReportRow[];
  /** Co-managed contracts only (absent otherwise). */
  ola?: OlaRow[];
  parties?: Record<string, PartySummary>;
  handoffs?: number;
  ping_pongs?: number;
}

export type CreditBasis =
  | {
      compliance: string;
      measured: number;
      met: number;
      breached: number;
      below: PercentString;
      credit: PercentString;
    }
  | { breaches: number; each: string }
  | { hours: number; per_hour: string };

export interface CreditLine {
  rule: "tier" | "per_breach" | "per_hour_late";
  priority: string;
  metric: Metric;
  basis: CreditBasis;
  tickets: string[];
  amount: MoneyString;
}

/** What the provider owes for a period (SPEC §9). */
export interface CreditStatement {
  contract: string;
  period: Period;
  currency: string;
  fee: MoneyString;
  lines: CreditLine[];
  subtotal: MoneyString;
  cap: MoneyString | null;
  capped: boolean;
  total: MoneyString;
  /** Working time not charged to the provider because another party held the tickets. */
  excluded_held_ms: Millis;
}

export interface Segment {
  from: Instant;
  to: Instant;
  kind: SegmentKind;
  reason: string;
  /** Counted for `running`; the paused time for `paused`; zero otherwise. */
  working_ms: Millis;
}

export interface PriorityChange {
  at: Instant;
  from: string;
  to: string;
  policy: OnPriorityChange;
}

/** A clock's numbers and the segments that reproduce them. */
export interface ClockTimeline extends MetricResult {
  segments: Segment[];
}

/** The timeline behind one ticket's numbers. */
export interface Explanation {
  ticket: string;
  contract: string;
  as_of: Instant;
  priority_changes: PriorityChange[];
  clocks: ClockTimeline[];
}

// ---------------------------------------------------------------------------------------
// Functions and classes

/** What `init` accepts: a URL of the `.wasm`, a `Response`, bytes or a compiled module. */
export type WasmSource = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/** Loads the WebAssembly module (browser). Not needed with the Node entry point. */
export default function init(input?: WasmSource | Promise<Response>): Promise<void>;
export function init(input?: WasmSource | Promise<Response>): Promise<void>;
/** Loads the WebAssembly module synchronously from bytes or a compiled module. */
export function initSync(module: BufferSource | WebAssembly.Module): void;

/** Replays `events` against `contracts` and evaluates every ticket as of `asOf`. */
export function replay(options: ReplayOptions): Evaluation;
/** The report of a contract for a period, from the events at or before its end. */
export function report(options: LedgerOptions & PeriodOptions): Report;
/** The credit statement of a contract for a period. */
export function credits(options: LedgerOptions & PeriodOptions): CreditStatement;
/** The timeline of one ticket as of `asOf`. */
export function explain(options: ExplainOptions): Explanation;

/** Which instants are working time: a business calendar or `24x7` (SPEC §3). */
export class Calendar {
  /** From a calendar object or the same table as TOML text; `name` appears in errors. */
  constructor(spec: CalendarSpec | string, name?: string);
  /** The `24x7` calendar. */
  static always(): Calendar;
  readonly name: string;
  /** The IANA zone, `null` for `24x7`. */
  readonly timeZone: string | null;
  /** Working time in `[from, to)`, in milliseconds (0 when `to <= from`). */
  workingTime(from: InstantInput, to: InstantInput): Millis;
  /** The deadline: the earliest instant `x >= from` with `workingTime(from, x) === ms`. */
  addWorkingTime(from: InstantInput, ms: Millis): Instant;
  isWorking(at: InstantInput): boolean;
  /** The next instant after `at` at which `isWorking` changes; `null` if none (24x7). */
  nextChange(at: InstantInput): Instant | null;
  /** Releases the WebAssembly memory now (the garbage collector does it otherwise). */
  free(): void;
}

/** Contracts and events loaded once and queried many times. */
export class Ledger {
  constructor(options?: LedgerOptions);
  addContract(contract: ContractInput | readonly ContractInput[]): void;
  ingest(events: EventsInput): void;
  /** The loaded contract ids, sorted. */
  contractIds(): string[];
  /** A loaded contract as an object of the SPEC §6 schema (also when given as TOML). */
  contract(id: string): ContractSpec;
  /** The latest instant of any event ingested, the default `asOf`; undefined before any. */
  latestEventAt(): string | undefined;
  evaluate(asOf?: InstantInput): Evaluation;
  report(options: PeriodOptions): Report;
  credits(options: PeriodOptions): CreditStatement;
  explain(ticket: string, asOf?: InstantInput): Explanation;
  /** Releases the WebAssembly memory now (the garbage collector does it otherwise). */
  free(): void;
}
