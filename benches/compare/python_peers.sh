#!/usr/bin/env bash
# slaledger's Python API against workclock, businesstimedelta and timegrid (PyPI) on one
# seeded query set: agreement query by query, throughput and the ratio to slaledger.
#
#   benches/compare/python_peers.sh [N]        N ranges + N deadlines (default 100000)
#   benches/compare/python_peers.sh --quick    N = 2000, one timed run: a CI smoke test
#
# Exits non-zero when an answer differs from slaledger's without a documented
# explanation (see python_peers.py, explain()). Extra arguments go to python_peers.py.
#
# Installs what is missing, into .venv (created the way scripts/test-python.sh does):
#   - maturin and numpy (build backend; workclock's array path);
#   - slaledger's Python package, built from bindings-python/ with the maturin above when
#     it is not installed or the Rust/Python sources are newer than the installed build
#     (CARGO_TARGET_DIR defaults to <root>/target-python, as in scripts/test-python.sh);
#   - the peers at pinned versions. A peer that pip cannot install is reported with pip's
#     own error and skipped; the comparison goes on with the others.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

say() { printf '  [python peers] %s\n' "$*" >&2; }

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "python_peers.sh: python3 >= 3.11 is required (found $(python3 --version 2>&1))" >&2
  exit 1
}

venv=$root/.venv
if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
  say "creating $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
py=$venv/bin/python

if ! "$py" -c 'import maturin, numpy' >/dev/null 2>&1; then
  say "pip install maturin numpy"
  "$py" -m pip install --quiet "maturin>=1.9.4,<2" numpy
fi

# slaledger: (re)build when missing or older than its sources.
so=$("$py" - <<'PY' 2>/dev/null || true
import importlib.util, pathlib
spec = importlib.util.find_spec("slaledger._native")
print(spec.origin if spec and spec.origin else "")
PY
)
stale=""
if [ -z "$so" ]; then
  stale="not installed"
elif [ -n "$(find core/src core/Cargo.toml bindings-python/src bindings-python/python \
  bindings-python/Cargo.toml bindings-python/pyproject.toml Cargo.lock -type f -newer "$so" -print -quit)" ]; then
  stale="sources newer than the installed build"
fi
if [ -n "$stale" ]; then
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target-python}
  say "building slaledger's Python package ($stale; CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  PATH=$venv/bin:$PATH "$py" -m pip install --quiet --no-deps --no-build-isolation \
    --force-reinstall "$root/bindings-python"
fi

# The peers, pinned. Distribution name, version.
peers=("workclock 0.1.2" "businesstimedelta 1.0.1" "timegrid 0.1.6")
for entry in "${peers[@]}"; do
  read -r name version <<<"$entry"
  have=$("$py" -c "import importlib.metadata as m; print(m.version('$name'))" 2>/dev/null || true)
  if [ "$have" = "$version" ]; then
    continue
  fi
  say "pip install $name==$version (found: ${have:-none})"
  if ! out=$("$py" -m pip install --quiet "$name==$version" 2>&1); then
    say "pip could not install $name==$version; the comparison goes on without it. pip said:"
    printf '%s\n' "$out" | sed 's/^/      /' >&2
  fi
done

args=()
case "${1:-}" in
  --quick) args=(--quick); shift ;;
  [0-9]*) args=("$1"); shift ;;
  *) args=(100000) ;;
esac
exec "$py" "$root/benches/compare/python_peers.py" "${args[@]}" "$@"
