#!/usr/bin/env bash
# The SDK compatibility suite: Microsoft's own Graph SDKs, at pinned versions, against
# freshly started release emulators. Everything is installed here, locally: a virtualenv in
# target/sdk/venv (sdk/python/requirements.txt, fully pinned) and sdk/js/node_modules
# (sdk/js/package-lock.json), never globally.
#
#     sdk/run.sh
#     sdk/run.sh --running HTTP_URL HTTPS_URL CERTIFICATE COMMAND...   (see sdk/run.py)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's python3 lacks venv and a fresh machine may lack node: install from Debian then.
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
apt_install() {
    local sudo_cmd
    sudo_cmd=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
fi

source .ci/pinned-venv.sh
venv=target/sdk/venv
pinned_venv "$venv" sdk/python/requirements.txt
(cd sdk/js && npm ci --silent --no-audit --no-fund)

# The Azure CLI in a virtualenv of its own (sdk/az/requirements.txt, fully pinned): its
# ~150 packages would otherwise pin the SDKs' shared ones.
az_venv=target/sdk/az-venv
pinned_venv "$az_venv" sdk/az/requirements.txt
export SDK_SUITE_AZ_VENV="$PWD/$az_venv"

# An emulator someone else runs (tests/container.sh's container) needs no build here.
if [ "${1:-}" = --running ]; then
    exec "$venv/bin/python" sdk/run.py "$@"
fi

# The same build command as bench/run.sh: building the example unifies dev-dependency
# features, and any other command would make CI compile the release profile twice.
cargo build --release --locked --bin entitlement-emulator --example ceiling
exec "$venv/bin/python" sdk/run.py target/release/entitlement-emulator
