#!/usr/bin/env bash
# Builds the Python package `slaledger` (bindings-python/) into a virtual environment and
# runs its checks: stubtest (the stubs match the native module), mypy (package and
# tests), and pytest (scenario corpus, calendar laws, error paths, types, README).
#
# Usage: scripts/test-python.sh
# Needs python3 >= 3.11 with venv and pip, cargo, and PyPI (for what .venv lacks).
# Reuses .venv (gitignored) and installs only what is missing. Rust builds go to
# $CARGO_TARGET_DIR, default target-python/, so they do not fight other builds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$SECONDS

step() { printf '\n--> %s\n' "$*"; }

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "scripts/test-python.sh: python3 >= 3.11 is required (found $(python3 --version 2>&1))" >&2
  exit 1
}

venv=$root/.venv
if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
  step "creating $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
py=$venv/bin/python

step "test tools"
# Listed by import name and requirement; pip runs only when one is missing.
if ! "$py" - <<'PY' >/dev/null 2>&1
import maturin, pytest, hypothesis, mypy, pandas, tzdata  # noqa: F401
PY
then
  "$py" -m pip install --quiet "maturin>=1.9.4,<2" "pytest>=8" "hypothesis>=6" "mypy>=1.10" "pandas>=2" tzdata
fi
"$py" -m pip --version >/dev/null

step "build and install bindings-python (release)"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target-python}
# The build backend is the maturin installed above (no isolated build environment, so
# nothing is downloaded per build); --force-reinstall replaces any earlier build.
PATH=$venv/bin:$PATH "$py" -m pip install --quiet --no-deps --no-build-isolation \
  --force-reinstall "$root/bindings-python"

cd "$root/bindings-python"
step "stubtest: python/slaledger/_native.pyi against the built module"
"$py" -m mypy.stubtest slaledger._native

step "mypy --strict: the package and the tests"
"$py" -m mypy

step "pytest"
# filterwarnings = error is set in pyproject.toml; -W error repeats it for any other
# config. A run that collects no test exits 5 and fails this script.
"$py" -m pytest -W error -p no:cacheprovider

echo "python binding: all checks passed in $((SECONDS - start))s"
