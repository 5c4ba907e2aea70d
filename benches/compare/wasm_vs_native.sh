#!/usr/bin/env bash
# WebAssembly (Node) against native (the release CLI) on the same synthetic log.
#
#   benches/compare/wasm_vs_native.sh [TICKETS] [ROUNDS]     (default: 100000 tickets, 3 rounds)
#
# Generates `slaledger gen --tickets TICKETS --seed 1`, then times, as whole processes
# (start-up, reading the files, parsing, replaying, producing the result):
#   replay: `slaledger replay --as-of T --format json >/dev/null`
#           against `node wasm_replay.mjs replay` (load + evaluate + the result as JS objects)
#   report: `slaledger report --period 2026-11 --format json >/dev/null`
#           against `node wasm_replay.mjs report`
# The CLI evaluates tickets on all cores (the core's `parallel` feature); WebAssembly runs
# on one. So native is timed twice: on all cores, and on one (RAYON_NUM_THREADS=1), the
# like-for-like comparison. Rounds alternate native and WASM; the best of each is kept
# (the machine may be shared). Prints the times and the ratios WASM / native. Builds what
# is missing (CARGO_TARGET_DIR defaults to <root>/target-wasm).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-wasm}"
tickets="${1:-100000}"
rounds="${2:-3}"
period="2026-11"

cargo build --manifest-path "$root/Cargo.toml" --release --locked -p slaledger-cli --quiet
if [ ! -f "$root/bindings-wasm/pkg/slaledger_wasm_bg.wasm" ]; then
  bash "$root/bindings-wasm/scripts/build.sh"
fi
cli="$CARGO_TARGET_DIR/release/slaledger"
bench="$root/benches/compare/wasm_replay.mjs"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$cli" gen --tickets "$tickets" --seed 1 --contract-out "$work/contract.toml" >"$work/events.jsonl"
# The CLI's default as-of is the latest event; the JS API takes it explicitly.
as_of="$(grep -o '"at":"[^"]*"' "$work/events.jsonl" | cut -d'"' -f4 | sort | tail -n 1)"
lines=$(wc -l <"$work/events.jsonl")
bytes=$(wc -c <"$work/events.jsonl")

now_ms() { date +%s%3N; }
best() { if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }

nat_replay="" one_replay="" wasm_replay="" nat_report="" one_report="" wasm_report=""
for round in $(seq 1 "$rounds"); do
  t=$(now_ms)
  "$cli" replay "$work/events.jsonl" -c "$work/contract.toml" --as-of "$as_of" --format json >/dev/null
  nat_replay=$(best "$nat_replay" $(($(now_ms) - t)))

  t=$(now_ms)
  RAYON_NUM_THREADS=1 "$cli" replay "$work/events.jsonl" -c "$work/contract.toml" --as-of "$as_of" --format json >/dev/null
  one_replay=$(best "$one_replay" $(($(now_ms) - t)))

  t=$(now_ms)
  detail_replay=$(node "$bench" replay "$work/contract.toml" "$work/events.jsonl" "$as_of")
  wasm_replay=$(best "$wasm_replay" $(($(now_ms) - t)))

  t=$(now_ms)
  "$cli" report "$work/events.jsonl" -c "$work/contract.toml" --period "$period" --format json >/dev/null
  nat_report=$(best "$nat_report" $(($(now_ms) - t)))

  t=$(now_ms)
  RAYON_NUM_THREADS=1 "$cli" report "$work/events.jsonl" -c "$work/contract.toml" --period "$period" --format json >/dev/null
  one_report=$(best "$one_report" $(($(now_ms) - t)))

  t=$(now_ms)
  detail_report=$(node "$bench" report "$work/contract.toml" "$work/events.jsonl" "$period")
  wasm_report=$(best "$wasm_report" $(($(now_ms) - t)))
  echo "round $round (best so far): replay native ${nat_replay}/${one_replay} ms (all cores/one), wasm ${wasm_replay} ms; report native ${nat_report}/${one_report} ms, wasm ${wasm_report} ms" >&2
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
cat <<EOF
slaledger: WebAssembly under Node vs native, $(date -u +%Y-%m-%d)
machine:   $(nproc) CPUs, ${cpu}; node $(node --version); $(rustc --version)
input:     slaledger gen --tickets $tickets --seed 1: $lines events, $bytes bytes; as of $as_of
           best of $rounds rounds, whole processes, wall-clock ms

                       native, one core   native, all cores       wasm   wasm/native (one core)   (all cores)
replay (all tickets)   $(printf '%16d %19d %10d' "$one_replay" "$nat_replay" "$wasm_replay")   $(printf '%22s' "$(ratio "$wasm_replay" "$one_replay")x")   $(ratio "$wasm_replay" "$nat_replay")x
report ($period)       $(printf '%16d %19d %10d' "$one_report" "$nat_report" "$wasm_report")   $(printf '%22s' "$(ratio "$wasm_report" "$one_report")x")   $(ratio "$wasm_report" "$nat_report")x

wasm steps (last round): $detail_replay
                         $detail_report
EOF
