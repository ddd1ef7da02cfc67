#!/usr/bin/env bash
# Installs wrk from Debian's packages when it is missing (sourced by run.sh and soak.sh).
if ! command -v wrk >/dev/null; then
    sudo_cmd=""
    if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get install -y --no-install-recommends wrk \
        || { $sudo_cmd apt-get update && $sudo_cmd apt-get install -y --no-install-recommends wrk; }
fi
