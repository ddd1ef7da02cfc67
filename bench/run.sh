#!/usr/bin/env bash
# The benchmark, end to end: installs wrk when missing, and for the full run the peers
# (bench/peers/install.sh: WireMock and a JRE, Prism, json-server, pinned), builds the
# release emulator, the ceiling server and the workflow client, then runs bench/run.py.
# Arguments go to run.py, e.g.
#   bench/run.sh                 # the full run with the peers, ~15 minutes
#   bench/run.sh --quick         # a smoke run of about half a minute, no peers (CI runs it)
#   bench/run.sh --no-peers --rounds 1
# Exit status: 0 good, 1 a check failed (the figures cannot be believed), 3 a target missed.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/ensure-wrk.sh

peers=yes
for argument in "$@"; do
    case "$argument" in --quick | --no-peers | -h | --help) peers=no ;; esac
done
if [ "$peers" = yes ]; then
    source bench/peers/install.sh
fi

# The same binaries as sdk/run.sh builds (plus the workflow client): building any example
# unifies dev-dependency features, so neither command makes CI compile the release twice.
cargo build --release --locked --bin entitlement-emulator --example ceiling --example bench_client
exec python3 bench/run.py "$@"
