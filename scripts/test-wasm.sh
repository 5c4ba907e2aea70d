#!/usr/bin/env bash
# The WebAssembly binding: installs what it needs (skipping what is there), builds, and
# runs its tests. Called by scripts/test.sh; runs on its own too.
#
#   1. Debian's chromium (apt-get; for the browser test), Node.js if absent
#   2. bindings-wasm/scripts/build.sh: the wasm32 target, wasm-bindgen-cli at the exact
#      version of Cargo.lock, `npm ci`, then the .wasm and its JS glue in bindings-wasm/pkg
#   3. the release CLI (the tests compare the page and the API with its JSON)
#   4. node --test: the scenario corpus, the API and every error path, CLI equality
#   5. tsc: the TypeScript declarations type-check their use (and reject misuse)
#   6. node --test: headless Chromium drives the dashboard; screenshots in test-output/
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-wasm}"

step() { printf '\n==> wasm: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root apt-get update
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

step "system packages"
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || apt_install chromium
export CHROMIUM="$chromium"

step "build the package (bindings-wasm/scripts/build.sh)"
bash bindings-wasm/scripts/build.sh

step "release CLI (reference numbers)"
cargo build --release --locked -p slaledger-cli
export SLALEDGER_CLI="$CARGO_TARGET_DIR/release/slaledger"

cd bindings-wasm
step "node tests: scenarios, API, errors, CLI equality"
node --test test/

step "TypeScript declarations"
node_modules/.bin/tsc -p test/tsconfig.json

step "browser test: headless Chromium drives the dashboard"
node --test browser-test/
echo "screenshots: $root/test-output/wasm-dashboard.png (full page), wasm-dashboard-top.png (first screen)"
