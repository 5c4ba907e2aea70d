#!/usr/bin/env bash
# Installs what a fresh machine lacks, then runs every test the project has.
# Usage: scripts/test.sh            (everything; what CI runs)
#        FUZZ_SECONDS=60 scripts/test.sh   (longer fuzz runs)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components"
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (unit, property, scenario, doc)"
cargo test --workspace --locked

step "docs build without warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "benchmarks compile and run once (smoke test, no timings)"
cargo bench -p slaledger-benches --locked -- --test

# The bindings have their own scripts (each installs what it needs and skips what is
# already there).
for binding in python wasm; do
  if [ -f "scripts/test-$binding.sh" ]; then
    step "$binding binding"
    bash "scripts/test-$binding.sh"
  fi
done

# The peers agree with slaledger query by query, or differ only in the documented,
# explained ways (benches/compare/; each script installs its peer when missing).
step "peer comparisons agree (quick runs, no timings)"
bash benches/compare/workclock.sh --check
bash benches/compare/business_hours.sh 2000 300 300
bash benches/compare/python_peers.sh --quick
bash benches/compare/dayjs_business_time.sh --quick

step "fuzz targets build and run briefly"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-15}"

step "all tests passed"
