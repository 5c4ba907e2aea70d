"""slaledger's Python API against the Python packages a user would otherwise pick.

    python benches/compare/python_peers.py [N] [--seed S] [--quick] [--slow-max M]

One seeded query set on one calendar (America/New_York, Mon-Fri 09:00-17:00, ten
holidays), run through slaledger and each peer in one process:

  ranges     N pairs (a, b): working time in [a, b)
  deadlines  N pairs (t, d): the earliest x >= t with working time d in [t, x)

Peers: workclock (Rust core, IANA zones), businesstimedelta (pure Python, pytz zones),
timegrid (Rust core, naive datetimes only: fed New York wall time, converted here).
Every answer is compared with slaledger's, query by query. A difference is put in a
named class when a precise test explains it (the rule each class checks is in
`explain()` below); anything left is "unexplained". Exit status 1 if any answer is
unexplained, so `--quick` (N = 2000) serves as a CI smoke test. A peer that is not
installed is reported and skipped.

businesstimedelta walks day by day in Python (tens of ms for a range of months), so it
answers only the first `--slow-max` queries of each kind (default 2000; 300 in quick
mode); its throughput and slaledger's for the ratio are measured on that same subset.
Inputs are prepared for each engine before timing (aware UTC datetimes for slaledger,
workclock and businesstimedelta; naive New York wall times for timegrid): the timed
loops hold only the calls.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import math
import platform
import random
import sys
import time as clock
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

ZONE = "America/New_York"
NY = ZoneInfo(ZONE)
UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
HOLIDAYS = [
    date(2026, 1, 1), date(2026, 1, 19), date(2026, 5, 25), date(2026, 7, 3),
    date(2026, 9, 7), date(2026, 11, 26), date(2026, 11, 27), date(2026, 12, 24),
    date(2026, 12, 25), date(2027, 1, 1),
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
YEAR_START = datetime(2026, 1, 1, tzinfo=NY)
YEAR_END = datetime(2027, 1, 1, tzinfo=NY)
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


# --------------------------------------------------------------------------- queries

def ms_to_dt(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def dt_ms(x: datetime) -> int:
    return (x - EPOCH) // timedelta(milliseconds=1)


def instant(rng: random.Random) -> int:
    """A random instant of the New York year 2026, in ms; 15% on a whole local hour
    (so window edges, midnights of holidays and DST Sundays are hit exactly)."""
    lo, hi = dt_ms(YEAR_START), dt_ms(YEAR_END)
    t = rng.randrange(lo, hi)
    if rng.random() < 0.15:
        t = snap_hour(t)
    return t


def snap_hour(t: int) -> int:
    local = ms_to_dt(t).astimezone(NY).replace(minute=0, second=0, microsecond=0)
    return dt_ms(local)


def span(rng: random.Random) -> int:
    """A range length: 40% up to a day, 40% up to two weeks, 15% up to 90 days, 5% up
    to a year; whole ms."""
    r = rng.random()
    top = DAY_MS if r < 0.4 else 14 * DAY_MS if r < 0.8 else 90 * DAY_MS if r < 0.95 else 366 * DAY_MS
    return rng.randrange(0, top)


def queries(n: int, seed: int):
    rng = random.Random(seed)
    ranges = []
    for _ in range(n):
        a = instant(rng)
        r = rng.random()
        if r < 0.01:
            b = a                                   # empty range
        elif r < 0.02:
            b = a - rng.randrange(1, 30 * DAY_MS)   # reversed range
        else:
            b = a + span(rng)
            if rng.random() < 0.15:
                b = max(a, snap_hour(b))
        ranges.append((a, b))
    deadlines = []
    for _ in range(n):
        t = instant(rng)
        # log-uniform from 1 s to 200 h; half of them whole minutes (SLA targets)
        d = int(math.exp(rng.uniform(math.log(1_000), math.log(200 * HOUR_MS))))
        if rng.random() < 0.5:
            d = max(60_000, d - d % 60_000)
        deadlines.append((t, d))
    return ranges, deadlines


# --------------------------------------------------------------------------- engines
# Each engine: a dict of named runs; a run is (kind, prepare, call) where `prepare`
# turns the query list into the engine's inputs (untimed) and `call` runs them all
# (timed) and returns one answer per query as a Python value; `to_us` (per engine)
# turns an answer into integer microseconds since the epoch (deadline) or microseconds
# (duration). An exception inside a per-call loop is recorded for that query.

def per_call(fn):
    def run(inputs):
        out = []
        append = out.append
        for x, y in inputs:
            try:
                append(fn(x, y))
            except Exception as err:  # noqa: BLE001 - recorded, classified
                append(err)
        return out
    return run


def td_us(v):
    return v // US


def dt_us(v):
    return (v - EPOCH) // US


def aware_pairs_range(qs):
    return [(ms_to_dt(a), ms_to_dt(b)) for a, b in qs]


def aware_pairs_deadline(qs):
    return [(ms_to_dt(t), timedelta(milliseconds=d)) for t, d in qs]


def build_slaledger():
    import slaledger
    spec = {"timezone": ZONE, **{d: ["09:00-17:00"] for d in WEEKDAYS},
            "holidays": [h.isoformat() for h in HOLIDAYS]}
    cal = slaledger.Calendar.from_dict(spec, name="ny")

    def batch_wt(inputs):
        return cal.working_time_many(inputs[0], inputs[1])

    def batch_add(inputs):
        return cal.add_working_time_many(inputs[0], inputs[1])

    def cols(pairs):
        return [p[0] for p in pairs], [p[1] for p in pairs]

    return {
        "working_time": ("range", aware_pairs_range, per_call(cal.working_time)),
        "working_time_many": ("range", lambda q: cols(aware_pairs_range(q)), batch_wt),
        "add_working_time": ("deadline", aware_pairs_deadline, per_call(cal.add_working_time)),
        "add_working_time_many": ("deadline", lambda q: cols(aware_pairs_deadline(q)), batch_add),
        # The same batches given RFC 3339 text instead of datetimes (what a CSV or JSON
        # column holds): shows how much of the per-query cost is reading datetimes.
        "working_time_many (RFC 3339 text)": ("range", lambda q: cols(
            [(a.isoformat(), b.isoformat()) for a, b in aware_pairs_range(q)]), batch_wt),
        "add_working_time_many (RFC 3339 text)": ("deadline", lambda q: cols(
            [(t.isoformat(), d) for t, d in aware_pairs_deadline(q)]), batch_add),
    }


def build_workclock():
    import numpy as np
    from workclock import Holidays, Schedule, WorkDay
    sched = Schedule([WorkDay(time(9), time(17)), Holidays(HOLIDAYS)], time_zone=ZONE)

    def cols(pairs):
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def np_range(q):
        return (np.array([a for a, _ in q], dtype="datetime64[ms]"),
                np.array([b for _, b in q], dtype="datetime64[ms]"))

    def np_deadline(q):
        return (np.array([t for t, _ in q], dtype="datetime64[ms]"),
                np.array([d for _, d in q], dtype="timedelta64[ms]"))

    def np_wt(inputs):
        return [timedelta(microseconds=int(v)) for v in
                sched.between_many(*inputs).astype("int64")]

    def np_add(inputs):
        return [EPOCH + timedelta(microseconds=int(v)) for v in
                sched.add_many(*inputs).astype("int64")]

    return {
        "between": ("range", aware_pairs_range, per_call(sched.between)),
        "between_many": ("range", lambda q: cols(aware_pairs_range(q)),
                         lambda i: sched.between_many(i[0], i[1])),
        "between_many (numpy)": ("range", np_range, np_wt),
        "add": ("deadline", aware_pairs_deadline, per_call(sched.add)),
        "add_many": ("deadline", lambda q: cols(aware_pairs_deadline(q)),
                     lambda i: sched.add_many(i[0], i[1])),
        "add_many (numpy)": ("deadline", np_deadline, np_add),
    }


def build_businesstimedelta():
    import businesstimedelta as btd
    import pytz
    tz = pytz.timezone(ZONE)
    rule = btd.Rules([
        btd.WorkDayRule(start_time=time(9), end_time=time(17), working_days=[0, 1, 2, 3, 4], tz=tz),
        btd.HolidayRule(HOLIDAYS, tz=tz),
    ])

    def diff(a, b):
        return rule.difference(a, b).timedelta

    def add(t, d):
        return t + btd.BusinessTimeDelta(rule, timedelta=d)

    return {
        "difference": ("range", aware_pairs_range, per_call(diff)),
        "+ BusinessTimeDelta": ("deadline", aware_pairs_deadline, per_call(add)),
    }


def naive_ny(ms: int) -> datetime:
    return ms_to_dt(ms).astimezone(NY).replace(tzinfo=None)


def from_naive_ny(x: datetime) -> datetime:
    # A deadline lies in or at the end of a 09:00-17:00 window, never in a DST fold or
    # gap; fold=0 (the earlier reading) is slaledger's rule anyway.
    return x.replace(tzinfo=NY).astimezone(UTC)


def build_timegrid():
    import timegrid as tg
    cal = tg.TimeGridCalendar.weekdays(time(9), time(17))
    for h in HOLIDAYS:
        cal = cal.close(h)
    line = cal.compile(datetime(2025, 12, 1), datetime(2028, 1, 1))

    def prep_range(q):
        return [(naive_ny(a), naive_ny(b)) for a, b in q]

    def prep_deadline(q):
        return [(naive_ny(t), timedelta(milliseconds=d)) for t, d in q]

    add = per_call(cal.add_work_duration)

    def add_utc(inputs):
        return [r if isinstance(r, Exception) else from_naive_ny(r) for r in add(inputs)]

    return {
        "get_working_duration": ("range", prep_range, per_call(cal.get_working_duration)),
        "compiled get_working_duration": ("range", prep_range, per_call(line.get_working_duration)),
        "add_work_duration": ("deadline", prep_deadline, add_utc),
    }


PEERS = {
    "workclock": (build_workclock, "0.1.2"),
    "businesstimedelta": (build_businesstimedelta, "1.0.1"),
    "timegrid": (build_timegrid, "0.1.6"),
}
SLOW = {"businesstimedelta"}


# --------------------------------------------------------------------------- explanations

def fmt_ms(us: int) -> str:
    return str(timedelta(microseconds=us))


def explain(peer: str, kind: str, q, ours_us, theirs):
    """The class of a disagreement, or None if no rule explains it. `ours_us` is
    slaledger's answer in microseconds (duration, or instant since the epoch)."""
    if isinstance(theirs, Exception):
        if kind == "range":
            # difference() walks working periods until one ends after b: the last one
            # it asks for is the first working instant at or after b.
            b = ms_to_dt(q[1])
            reach = b if REF_CAL.is_working(b) else REF_CAL.next_change(b)
            end_us = dt_us(reach)
        else:
            end_us = ours_us
        last = dt_us(datetime.combine(HOLIDAYS[-1], time(0), tzinfo=NY))
        if (peer == "businesstimedelta" and isinstance(theirs, TypeError)
                and "not None" in str(theirs) and end_us > last):
            # HolidayRule.next_holiday() returns None once no listed holiday follows;
            # datetime.combine(None, ...) raises (upstream issues #8, #10). Only queries
            # whose walk reaches a working period after the last listed holiday hit it.
            return "crash past the last listed holiday (TypeError, upstream #8/#10)"
        if (peer == "timegrid" and kind == "range" and q[1] < q[0] and isinstance(theirs, ValueError)
                and "End must be greater" in str(theirs)):
            return "reversed range: peer raises ValueError, slaledger 0"
        return None
    if kind == "range":
        a, b = q
        t_us = td_us(theirs)
        if b < a and ours_us == 0:
            # slaledger: [a, b) is empty when b <= a. workclock: signed, -wt(b, a).
            # businesstimedelta: sorts the two, +wt(b, a). timegrid: ?
            if t_us == -REF_WT.get((b, a), None):
                return "reversed range: peer returns -wt(b, a) (signed), slaledger 0"
            rev = REF_WT.get((b, a), None)
            if t_us == rev:
                return "reversed range: peer returns wt(b, a) (absolute), slaledger 0"
            if peer == "businesstimedelta" and rev is not None and t_us == rev - rev % 1_000_000:
                # both rules below at once: sorted ends, then the sub-second part dropped
                return "reversed range: peer returns wt(b, a) (absolute), slaledger 0"
            return None
        if peer == "businesstimedelta" and t_us == ours_us - ours_us % 1_000_000:
            # Rule.difference() rebuilds the result from .days and .seconds only
            # (BusinessTimeDelta(hours=days*24, seconds=seconds)): sub-second part dropped.
            return "sub-second part of the difference dropped (truncated to whole seconds)"
        return None
    # Deadlines: every peer that answered agreed on every deadline of this calendar;
    # no class is needed (any difference fails the run).
    return None


REF_WT: dict = {}   # slaledger's wt(b, a) for reversed ranges, filled in main()
REF_CAL = None      # slaledger's calendar, set in main()


# --------------------------------------------------------------------------- main

def version(pkg: str) -> str:
    try:
        return md.version(pkg)
    except md.PackageNotFoundError:
        return "not installed"


REPEAT = 1


def timed(run, inputs):
    """Best of REPEAT runs (the machine is shared), after an untimed warm-up on a few
    queries (calendars compile a year on first use; imports, caches)."""
    head = (inputs[0][:20], inputs[1][:20]) if isinstance(inputs, tuple) else inputs[:20]
    run(head)
    best = None
    for _ in range(REPEAT):
        t0 = clock.perf_counter()
        out = run(inputs)
        secs = clock.perf_counter() - t0
        best = secs if best is None else min(best, secs)
    return out, best


def rate(n, secs):
    return n / secs if secs > 0 else float("inf")


def human(r):
    return f"{r / 1e6:.2f} M/s" if r >= 1e6 else f"{r / 1e3:.1f} k/s" if r >= 1e3 else f"{r:.0f} /s"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=None)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--quick", action="store_true", help="N = 2000 unless given; slow peers 300")
    ap.add_argument("--slow-max", type=int, default=None)
    ap.add_argument("--show", type=int, default=3, help="examples printed per class")
    ap.add_argument("--repeat", type=int, default=None, help="timed runs per method, best kept (default 3; 1 quick)")
    args = ap.parse_args()
    global REPEAT
    REPEAT = args.repeat or (1 if args.quick else 3)
    n = args.n or (2000 if args.quick else 100_000)
    slow_max = args.slow_max or (300 if args.quick else 2000)

    ranges, deadlines = queries(n, args.seed)
    qsets = {"range": ranges, "deadline": deadlines}

    import slaledger  # noqa: F401 - fail early and clearly
    print(f"python {platform.python_version()}, slaledger {version('slaledger')}; "
          + ", ".join(f"{p} {version(p)}" for p in PEERS))
    print(f"calendar: {ZONE}, Mon-Fri 09:00-17:00, holidays {', '.join(h.isoformat() for h in HOLIDAYS)}")
    print(f"queries: {n} ranges + {n} deadlines, seed {args.seed}; "
          f"slow peers ({', '.join(sorted(SLOW))}) answer the first {min(n, slow_max)} of each; "
          f"best of {REPEAT} timed run(s)\n")

    # slaledger first: the reference answers and its throughput on the full set and on
    # the slow subset (per-call, the like-for-like baseline of a per-call peer).
    ours = build_slaledger()
    ref = {}
    rows = []   # (engine, method, kind, queries, seconds)
    for method, (kind, prep, run) in ours.items():
        inputs = prep(qsets[kind])
        out, secs = timed(run, inputs)
        conv = td_us if kind == "range" else dt_us
        ans = [conv(v) for v in out]
        if kind in ref and ref[kind] != ans:
            bad = sum(1 for x, y in zip(ref[kind], ans) if x != y)
            print(f"slaledger: {method} disagrees with the per-call answers on {bad} queries", file=sys.stderr)
            return 1
        ref[kind] = ans
        rows.append(("slaledger", method, kind, len(inputs[0]) if isinstance(inputs, tuple) else len(inputs), secs))
    sub = min(n, slow_max)
    for method in ("working_time", "add_working_time"):
        kind, prep, run = ours[method]
        _, secs = timed(run, prep(qsets[kind][:sub]))
        rows.append(("slaledger", method + f" (first {sub})", kind, sub, secs))
    import slaledger as sl
    global REF_CAL
    cal = REF_CAL = sl.Calendar.from_dict({"timezone": ZONE, **{d: ["09:00-17:00"] for d in WEEKDAYS},
                                           "holidays": [h.isoformat() for h in HOLIDAYS]})
    for a, b in ranges:
        if b < a:
            REF_WT[(a, b)] = cal.working_time(ms_to_dt(b), ms_to_dt(a)) // US
    REF_WT.update({(b, a): v for (a, b), v in list(REF_WT.items())})

    report = {}   # peer -> method -> {"agree", "classes": {cls: [examples]}, "unexplained": [...]}
    failures = 0
    for peer, (build, _) in PEERS.items():
        try:
            methods = build()
        except ImportError as err:
            print(f"{peer}: not available ({err}); skipped\n")
            report[peer] = None
            continue
        limit = sub if peer in SLOW else n
        report[peer] = {}
        for method, (kind, prep, run) in methods.items():
            qs = qsets[kind][:limit]
            inputs = prep(qs)
            out, secs = timed(run, inputs)
            rows.append((peer, method, kind, len(qs), secs))
            res = {"kind": kind, "n": len(qs), "agree": 0, "classes": {}, "unexplained": []}
            conv = td_us if kind == "range" else dt_us
            for i, (q, v) in enumerate(zip(qs, out)):
                theirs_us = None if isinstance(v, Exception) else conv(v)
                if theirs_us == ref[kind][i]:
                    res["agree"] += 1
                    continue
                cls = explain(peer, kind, q, ref[kind][i], v)
                item = (i, q, ref[kind][i], v)
                if cls is None:
                    res["unexplained"].append(item)
                else:
                    res["classes"].setdefault(cls, []).append(item)
            failures += len(res["unexplained"])
            report[peer][method] = res

    # ----------------------------------------------------------------- output
    base = {}
    for eng, method, kind, cnt, secs in rows:
        if eng == "slaledger":
            base[method] = rate(cnt, secs)
    print(f"{'engine':18} {'method':38} {'kind':9} {'queries':>8} {'seconds':>9} {'throughput':>12} {'vs slaledger':>13}")
    for eng, method, kind, cnt, secs in rows:
        r = rate(cnt, secs)
        if eng == "slaledger":
            vs = ""
        else:
            per = "working_time" if kind == "range" else "add_working_time"
            if eng in SLOW:
                b = base[f"{per} (first {sub})"]
            elif "many" in method:
                b = base[per + "_many"]
            else:
                b = base[per]
            vs = f"{b / r:.1f}x slower" if r < b else f"{r / b:.1f}x faster"
        print(f"{eng:18} {method:38} {kind:9} {cnt:8d} {secs:9.3f} {human(r):>12} {vs:>13}")
    print("\n(ratio: slaledger per-call against a peer's per-call method, batch against batch;"
          f" businesstimedelta against slaledger per-call on the same first {sub} queries)\n")

    def show_q(kind, q):
        if kind == "range":
            a, b = q
            return f"[{ms_to_dt(a).astimezone(NY).isoformat()}, {ms_to_dt(b).astimezone(NY).isoformat()})"
        t, d = q
        return f"{ms_to_dt(t).astimezone(NY).isoformat()} + {timedelta(milliseconds=d)}"

    def show_v(kind, v):
        if isinstance(v, Exception):
            return f"{type(v).__name__}: {v}"
        if kind == "range":
            return str(timedelta(microseconds=v)) if isinstance(v, int) else str(v)
        x = EPOCH + timedelta(microseconds=v) if isinstance(v, int) else v
        return x.astimezone(NY).isoformat()

    for peer, methods in report.items():
        if methods is None:
            continue
        print(f"== {peer} {version(peer)}")
        for method, res in methods.items():
            kind = res["kind"]
            print(f"  {method}: {res['agree']}/{res['n']} agree, "
                  + ", ".join(f"{len(v)} {c}" for c, v in res["classes"].items())
                  + (f"; UNEXPLAINED {len(res['unexplained'])}" if res["unexplained"] else ""))
            for cls, items in list(res["classes"].items()) + [("UNEXPLAINED", res["unexplained"])]:
                for i, q, o, v in items[: args.show]:
                    print(f"      {cls[:40]}: #{i} {show_q(kind, q)}: slaledger {show_v(kind, o)}, {peer} {show_v(kind, v)}")
        print()
    if failures:
        print(f"FAIL: {failures} answers differ from slaledger's without an explanation")
        return 1
    print("OK: every difference is explained")
    return 0


if __name__ == "__main__":
    sys.exit(main())
