#!/usr/bin/env bash
# slaledger's WebAssembly package (Node) against dayjs-business-time on one seeded query
# set: agreement query by query, throughput and the ratio to slaledger.
#
#   benches/compare/dayjs_business_time.sh [N]       N ranges + N deadlines (default 100000)
#   benches/compare/dayjs_business_time.sh --quick   N = 2000, one timed run: a CI smoke test
#
# Exits non-zero when an answer differs from slaledger's without a documented
# explanation (see js/compare.mjs, explain()). Extra arguments go to compare.mjs.
# Builds bindings-wasm/pkg when it is missing (bindings-wasm/scripts/build.sh installs its
# own tools; CARGO_TARGET_DIR defaults to <root>/target-wasm there; set
# SLALEDGER_WASM_REBUILD=1 to rebuild an existing pkg), installs js/node_modules from the
# committed package-lock.json when missing (npm ci), and runs compare.mjs twice: with
# TZ=America/New_York (dayjs-business-time works in the process's local zone), and with
# TZ=UTC --tz-plugin (the zone from dayjs' timezone plugin objects instead).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/benches/compare/js"

say() { printf '  [dayjs-business-time] %s\n' "$*" >&2; }

if [ ! -f "$root/bindings-wasm/pkg/slaledger_wasm_bg.wasm" ] || [ "${SLALEDGER_WASM_REBUILD:-0}" = 1 ]; then
  say "building bindings-wasm/pkg"
  bash "$root/bindings-wasm/scripts/build.sh"
elif [ -n "$(find "$root/core/src" "$root/bindings-wasm/src" "$root/bindings-wasm/js" -type f \
  -newer "$root/bindings-wasm/pkg/slaledger_wasm_bg.wasm" -print -quit)" ]; then
  say "note: bindings-wasm/pkg is older than some core/binding sources (SLALEDGER_WASM_REBUILD=1 rebuilds it)"
fi

if [ ! -d "$here/node_modules/dayjs-business-time" ] || [ ! -d "$here/node_modules/dayjs" ]; then
  say "npm ci"
  (cd "$here" && npm ci --no-audit --no-fund)
fi

args=()
tz_args=()
case "${1:-}" in
  --quick) args=(--quick); shift ;;
  [0-9]*) args=("$1"); tz_args=(--slow-max 2000); shift ;;
  *) args=(100000); tz_args=(--slow-max 2000) ;;
esac
cd "$here"
status=0
# 1. The zone as the process's local zone (dayjs-business-time's own way).
TZ=America/New_York node "$here/compare.mjs" "${args[@]}" "$@" || status=1
# 2. The zone from dayjs' timezone plugin in a UTC process (a server serving several
#    zones); queries that never return are cut off after 3 s each.
echo
TZ=UTC node "$here/compare.mjs" --tz-plugin "${args[@]}" "${tz_args[@]}" "$@" || status=1
exit $status
