#!/usr/bin/env bash
# Builds every cargo-fuzz target and runs each for N seconds (default 15) from its seeds.
# Installs the nightly toolchain and cargo-fuzz when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked || cargo install cargo-fuzz

cd fuzz
targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build
for target in $targets; do
  mkdir -p "corpus/$target"
  echo "fuzzing $target for ${seconds}s"
  cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -print_final_stats=0 2>&1 | tail -n 3
done
