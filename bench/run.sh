#!/usr/bin/env bash
# The benchmark, end to end: installs wrk when missing, builds the release emulator and the
# ceiling server, then runs every scenario (bench/run.py). Arguments go to run.py, e.g.
#   bench/run.sh                 # the full run, ~4 minutes
#   bench/run.sh --quick         # a seconds-long smoke run (CI uses it)
#   bench/run.sh --duration 30
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/ensure-wrk.sh

cargo build --release --locked --bin entitlement-emulator --example ceiling
exec python3 bench/run.py "$@"
