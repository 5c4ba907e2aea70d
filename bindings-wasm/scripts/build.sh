#!/usr/bin/env bash
# Builds the WebAssembly package into bindings-wasm/pkg/:
#   1. the Rust target wasm32-unknown-unknown (rustup; skipped when installed),
#   2. wasm-bindgen-cli at exactly the wasm-bindgen version of Cargo.lock (cargo install;
#      skipped when `wasm-bindgen --version` already matches),
#   3. the npm dev dependencies (npm ci; skipped when node_modules matches the lock), for
#      wasm-opt from the `binaryen` package,
#   4. cargo build --profile wasm, wasm-bindgen --target web, wasm-opt -Oz.
# One `--target web` build serves both the browser (`await init()`) and Node (js/node.js
# passes the bytes to `initSync`), so tests and the demo run the very same files.
#
# Usage: bindings-wasm/scripts/build.sh   (CARGO_TARGET_DIR defaults to <root>/target-wasm)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-wasm}"

say() { printf '  [wasm build] %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly, or its output is refused.
version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
if [ -z "$version" ]; then
  echo "wasm-bindgen is not in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $version" ]; then
  say "installing wasm-bindgen-cli $version (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$version"
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f "$here/node_modules/.package-lock.json" ] ||
  [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  say "npm ci"
  (cd "$here" && npm ci --no-audit --no-fund)
fi

say "cargo build (profile wasm)"
cargo build --manifest-path "$root/Cargo.toml" --locked -p slaledger-wasm \
  --target wasm32-unknown-unknown --profile wasm

raw="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm/slaledger_wasm.wasm"
out="$here/pkg"
rm -rf "$out"
say "wasm-bindgen --target web"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$out" "$raw"

wasm="$out/slaledger_wasm_bg.wasm"
say "wasm-opt -Oz (binaryen from npm)"
"$here/node_modules/.bin/wasm-opt" -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"

size=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
say "pkg/slaledger_wasm_bg.wasm: $size bytes raw, $gz bytes gzip -9"
