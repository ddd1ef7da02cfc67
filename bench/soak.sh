#!/usr/bin/env bash
# The soak run (not in CI): like bench/run.sh, it installs wrk when missing and builds the
# release binary, then runs bench/soak.py, e.g. `bench/soak.sh --minutes 10`.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/ensure-wrk.sh
cargo build --release --locked --bin entitlement-emulator
exec python3 bench/soak.py "$@"
