#!/usr/bin/env bash
# The client packages' own tests against the release binary: clients/python (the launcher
# and the pytest plugin, run with -n 4, and its sample project) and clients/node (the
# Testcontainers module's helpers; its container test is tests/container.sh's). Installs
# into target/clients/venv from clients/python/requirements.txt (fully pinned), then the
# package itself, as a user's `pip install ./clients/python[test]` would; and
# clients/node/node_modules from its lock file.
#
#     clients/run.sh                       # builds the release binary first
#     clients/run.sh --binary PATH         # an emulator binary already built
#     clients/run.sh --container           # the image ENTITLEMENT_EMULATOR_IMAGE through
#                                          # testcontainers (tests/container.sh runs this)
set -euo pipefail
cd "$(dirname "$0")/.."

binary=target/release/entitlement-emulator
if [ "${1:-}" = --binary ]; then
    binary=$2
elif [ "${1:-}" = --container ]; then
    binary=""
else
    # The same build command as bench/run.sh and sdk/run.sh, so CI compiles the release once.
    cargo build --release --locked --bin entitlement-emulator --example ceiling --example bench_client
fi

source .ci/pinned-venv.sh
venv=target/clients/venv
pinned_venv "$venv" clients/python/requirements.txt
# Reinstalled every run: it is the code under test. Its declared dependencies must be met
# by the pinned set (pip would otherwise fetch others and the run would say so).
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps ./clients/python
"$venv/bin/pip" check

unset ENTITLEMENT_EMULATOR_URL ENTITLEMENT_EMULATOR_HTTPS_URL
[ -z "$binary" ] || binary=$(realpath "$binary")
cd clients/python
if [ -z "$binary" ]; then
    # No binary anywhere the launcher looks: it must take the image. Two workers, two
    # containers (each worker its own, as with the binary).
    unset ENTITLEMENT_EMULATOR_BINARY
    export PATH=/usr/bin:/bin
    if command -v entitlement-emulator >/dev/null 2>&1; then
        echo "clients/run.sh: entitlement-emulator is in /usr/bin or /bin: the launcher would take it" >&2
        exit 1
    fi
    "../../$venv/bin/pytest" -q -n 2 -p no:cacheprovider tests/test_container.py example
else
    export ENTITLEMENT_EMULATOR_BINARY=$binary
    unset ENTITLEMENT_EMULATOR_IMAGE
    "../../$venv/bin/pytest" -q -n 4 -p no:cacheprovider tests example
    cd ../node
    # testcontainers 11 (undici 7) needs Node 20.18.1 or newer.
    if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 18) ? 0 : 1)'; then
        echo "clients/run.sh: Node $(node --version 2>/dev/null || echo missing) is older than 20.18: the Node module needs a newer one" >&2
        exit 1
    fi
    npm ci --silent --no-audit --no-fund
    npm test --silent
fi
