#!/usr/bin/env bash
# A PostgreSQL server of the tests' own, from Debian's packages: `start` installs the
# server when missing, makes a data directory in a temporary folder, starts the server on a
# free loopback port as a user that is not root (PostgreSQL refuses root) with a password of
# its own, and prints the shell lines that export its URL (EMULATOR_TEST_POSTGRES_URL) and
# folder; `stop FOLDER` stops it and removes the folder. `start --no-fsync` gives a server for
# tests: nothing is forced to disk (fsync, synchronous_commit and full_page_writes off), which
# only matters if the machine itself loses power; every test database is thrown away anyway.
#   env=$(.ci/postgres.sh start); eval "$env"
#   trap '.ci/postgres.sh stop "$EMULATOR_TEST_POSTGRES_DIR"' EXIT
set -euo pipefail

# The newest installed server (postgresql-client alone makes a bin folder without initdb).
server_bin() {
    find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V |
        tail -n 1 | xargs -r dirname
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
        if [ "$(id -u)" != 0 ]; then
            echo ".ci/postgres.sh: no PostgreSQL server; install Debian's postgresql" >&2
            exit 1
        fi
        echo ".ci/postgres.sh: installing Debian's postgresql" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    fi
    bin=$(server_bin)
    folder=$(mktemp -d /tmp/emulator-postgres.XXXXXX)
    started=no
    cleanup() {
        if [ "$started" != yes ]; then
            cat "$folder"/*.log >&2 2>/dev/null || true
            as_owner "$bin/pg_ctl" --pgdata "$folder/data" --mode immediate stop >/dev/null 2>&1 || true
            rm -rf "$folder"
        fi
    }
    trap cleanup EXIT
    owner=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        owner=postgres
        chown postgres "$folder"
    fi
    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" >"$folder/password"
    [ "$(id -u)" = 0 ] && chown postgres "$folder/password"
    as_owner "$bin/initdb" --pgdata "$folder/data" --auth scram-sha-256 --username "$owner" \
        --pwfile "$folder/password" --no-sync --encoding UTF8 --locale C >"$folder/initdb.log"
    # Chosen as late as possible: another process may take a port between the pick and the bind.
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    options="-p $port -k $folder -c listen_addresses=127.0.0.1"
    if [ "${2:-}" = --no-fsync ]; then
        options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    as_owner "$bin/pg_ctl" --pgdata "$folder/data" --log "$folder/server.log" --wait \
        --options "$options" start >&2
    started=yes
    echo "export EMULATOR_TEST_POSTGRES_URL=postgres://$owner:$password@127.0.0.1:$port/postgres"
    echo "export EMULATOR_TEST_POSTGRES_DIR=$folder"
    ;;
stop)
    folder=${2:?stop needs the folder start printed}
    bin=$(server_bin)
    as_owner "$bin/pg_ctl" --pgdata "$folder/data" --mode fast --wait stop >&2 || true
    rm -rf "$folder"
    ;;
*)
    echo "usage: .ci/postgres.sh start [--no-fsync] | stop FOLDER" >&2
    exit 2
    ;;
esac
