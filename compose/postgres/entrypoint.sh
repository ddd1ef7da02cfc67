#!/bin/sh
# First start: a cluster whose superuser is POSTGRES_USER with POSTGRES_PASSWORD, a database
# POSTGRES_DB, and password sign-in from other containers. Every start: the server in the
# foreground, listening on the container's network.
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    password=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$password"
    initdb --username "$user" --pwfile "$password" --auth-local trust --auth-host scram-sha-256 \
        --encoding UTF8 --locale C >/dev/null
    rm -f "$password"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    if [ "$database" != postgres ]; then
        pg_ctl --wait --silent --options "-c listen_addresses=''" start
        psql --username "$user" --dbname postgres --quiet \
            --command "CREATE DATABASE \"$database\""
        pg_ctl --wait --silent --mode fast stop
    fi
fi
exec postgres -c listen_addresses='*' "$@"
