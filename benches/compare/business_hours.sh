#!/usr/bin/env bash
# slaledger's calendar against Business::Hours (Perl; the engine of Request Tracker's SLAs).
#
#   benches/compare/business_hours.sh [N] [RANGES] [DEADLINES]
#       N: queries slaledger answers and is timed on (default 100000)
#       RANGES, DEADLINES: how many of them Business::Hours answers (default 2000 each;
#       it takes about 3 ms a query)
#
# Installs Business::Hours (Debian's libbusiness-hours-perl) if it is missing, builds and
# runs compare_workclock (benches/compare/workclock.rs) in release mode to write the query
# set with slaledger's answers and throughput, then runs business_hours.pl on it: agreement
# by class and the throughput ratio. Exits non-zero on an unexplained disagreement.
# CARGO_TARGET_DIR defaults to <root>/target.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
n="${1:-100000}"
ranges="${2:-2000}"
deadlines="${3:-2000}"

if ! perl -MBusiness::Hours -e 1 2>/dev/null; then
  echo "installing libbusiness-hours-perl" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get install -y libbusiness-hours-perl >/dev/null ||
    { $sudo apt-get update >/dev/null && $sudo apt-get install -y libbusiness-hours-perl >/dev/null; }
fi

cargo build --manifest-path "$root/Cargo.toml" --release --locked -p slaledger-benches \
  --example compare_workclock --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$CARGO_TARGET_DIR/release/examples/compare_workclock" "$n" --skip-peer --dump "$work/queries.tsv"
echo
perl "$here/business_hours.pl" "$work/queries.tsv" "$ranges" "$deadlines"
