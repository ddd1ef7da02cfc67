#!/usr/bin/env bash
# The benchmark, end to end: installs wrk when missing, builds the release emulator, the
# ceiling server and the workflow client, then runs bench/run.py.
# Arguments go to run.py, e.g.
#   bench/run.sh --no-peers      # the full run, ~10 minutes
#   bench/run.sh --quick         # a smoke run of about half a minute (CI runs it)
# Exit status: 0 good, 1 a check failed (the figures cannot be believed), 3 a target missed.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/ensure-wrk.sh

# The same binaries as sdk/run.sh builds (plus the workflow client): building any example
# unifies dev-dependency features, so neither command makes CI compile the release twice.
cargo build --release --locked --bin entitlement-emulator --example ceiling --example bench_client
exec python3 bench/run.py "$@"
