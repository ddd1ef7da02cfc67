#!/usr/bin/env bash
# The client packages' own tests against the release binary: clients/python (the launcher
# and the pytest plugin, run with -n 4, and its sample project). Installs into
# target/clients/venv from clients/python/requirements.txt (fully pinned), then the package
# itself, as a user's `pip install ./clients/python[test]` would.
#
#     clients/run.sh                       # builds the release binary first
#     clients/run.sh --binary PATH         # an emulator binary already built
set -euo pipefail
cd "$(dirname "$0")/.."

binary=target/release/entitlement-emulator
if [ "${1:-}" = --binary ]; then
    binary=$2
else
    # The same build command as bench/run.sh and sdk/run.sh, so CI compiles the release once.
    cargo build --release --locked --bin entitlement-emulator --example ceiling --example bench_client
fi

venv=target/clients/venv
stamp="$venv/requirements.sha256"
wanted=$(sha256sum clients/python/requirements.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r clients/python/requirements.txt
    echo "$wanted" > "$stamp"
fi
# Reinstalled every run: it is the code under test. Its declared dependencies must be met
# by the pinned set (pip would otherwise fetch others and the run would say so).
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps ./clients/python
"$venv/bin/pip" check

export ENTITLEMENT_EMULATOR_BINARY="$PWD/$binary"
unset ENTITLEMENT_EMULATOR_URL ENTITLEMENT_EMULATOR_HTTPS_URL
cd clients/python
"../../$venv/bin/pytest" -q -n 4 -p no:cacheprovider tests example
