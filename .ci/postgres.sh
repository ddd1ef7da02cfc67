#!/usr/bin/env bash
# A PostgreSQL server of the tests' own, from Debian's packages: `start` installs the
# server when missing, makes a data directory in a temporary folder, starts the server on a
# free loopback port as a user that is not root (PostgreSQL refuses root), and prints the
# shell lines that export its URL (EMULATOR_TEST_POSTGRES_URL) and folder; `stop FOLDER`
# stops it and removes the folder.
#   eval "$(.ci/postgres.sh start)"; trap '.ci/postgres.sh stop "$EMULATOR_TEST_POSTGRES_DIR"' EXIT
set -euo pipefail

server_bin() {
    find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1
}

# Run as the server's owner: ourselves, or the `postgres` user the Debian package makes.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${1:-}" in
start)
    if [ -z "$(server_bin)" ]; then
        echo ".ci/postgres.sh: installing Debian's postgresql" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    fi
    bin=$(server_bin)
    folder=$(mktemp -d /tmp/emulator-postgres.XXXXXX)
    owner=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        owner=postgres
        chown postgres "$folder"
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" --pgdata "$folder/data" --auth trust --username "$owner" \
        --no-sync --encoding UTF8 --locale C >"$folder/initdb.log"
    as_owner "$bin/pg_ctl" --pgdata "$folder/data" --log "$folder/server.log" --wait \
        --options "-p $port -k $folder -c listen_addresses=127.0.0.1" start >&2
    echo "export EMULATOR_TEST_POSTGRES_URL=postgres://$owner@127.0.0.1:$port/postgres"
    echo "export EMULATOR_TEST_POSTGRES_DIR=$folder"
    ;;
stop)
    folder=${2:?stop needs the folder start printed}
    bin=$(server_bin)
    as_owner "$bin/pg_ctl" --pgdata "$folder/data" --mode fast --wait stop >&2 || true
    rm -rf "$folder"
    ;;
*)
    echo "usage: .ci/postgres.sh start | stop FOLDER" >&2
    exit 2
    ;;
esac
