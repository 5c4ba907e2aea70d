#!/usr/bin/env bash
# slaledger's calendar against the `workclock` crate, in one release-mode process.
#
#   benches/compare/workclock.sh [N] [extra options]      (default N: 100000)
#   benches/compare/workclock.sh --check                  (CI smoke test: 2,000 queries)
#
# Extra options go to the program (benches/compare/workclock.rs): --rounds R, --seed S,
# --dump FILE, --skip-peer. Exits non-zero if the engines disagree on any query or a rule
# probe stops showing the documented difference. CARGO_TARGET_DIR defaults to
# <root>/target.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --manifest-path "$root/Cargo.toml" --release --locked -p slaledger-benches \
  --example compare_workclock --quiet
exec "$CARGO_TARGET_DIR/release/examples/compare_workclock" "$@"
