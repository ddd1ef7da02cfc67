#!/bin/sh
# First start: a cluster whose superuser is POSTGRES_USER with POSTGRES_PASSWORD, and password
# sign-in from other containers. Every start: the database POSTGRES_DB made if missing, then
# the server in the foreground, listening on the container's network.
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
fi
# On every start, not only the first: a start stopped between initdb and this leaves no
# database behind for good.
if [ "$database" != postgres ]; then
    pg_ctl --wait --silent --options "-c listen_addresses=''" start
    # From standard input: psql fills in :'name' (quoted) there, not in -c.
    printf '%s\n' "SELECT 'CREATE DATABASE ' || quote_ident(:'name')
        WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \\gexec" |
        psql --username "$user" --dbname postgres --quiet --set ON_ERROR_STOP=1 \
            --set name="$database" >/dev/null
    pg_ctl --wait --silent --mode fast stop
fi
exec postgres -c listen_addresses='*' "$@"
