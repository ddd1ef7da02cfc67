#!/usr/bin/env bash
# docker-compose.yml on the engine, as README shows it: PostgreSQL, two replicas of the
# emulator and the proxy, then checks through the proxy that the replicas share one state.
#
#     tests/compose.sh
#
# The engine is tests/container.sh's (tests/container-lib.sh). Compose is `docker compose`
# where docker answers, else podman-compose, pinned, from PyPI into target/compose/venv.
# The three images are built first with the engine's build command (podman needs the
# machine's CA certificates mounted into the build, which compose cannot pass), from the
# Dockerfiles the compose file names and under the names it gives them; `up` then builds
# nothing. Every container, network and volume is the run's own project's and removed on
# exit. The last line reads "compose: N passed, N failed"; any failed check exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
label=compose
work=$(mktemp -d /tmp/compose-test.XXXXXX)
project="emulator-compose-$$"
current=""
passed=0
reported=""
compose=()

project_down() {
    [ ${#compose[@]} -gt 0 ] || return 0
    "${compose[@]}" -p "$project" -f docker-compose.yml down -v >/dev/null 2>&1 || true
}

cleanup() {
    local code=$?
    if [ "$code" != 0 ] && [ -z "$reported" ]; then
        echo "not ok - stopped by a failing command (exit $code); see above" >&2
        summary FAILED 1
    fi
    if [ "$code" != 0 ] && [ ${#compose[@]} -gt 0 ]; then
        "${compose[@]}" -p "$project" -f docker-compose.yml logs 2>&1 | tail -n 60 >&2 || true
    fi
    project_down
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The engine, and ok/fail/check/http/json/header.
source tests/container-lib.sh

if [ "$cli" = docker ] && docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
else
    # The replicas find the database and the proxy finds them by name: podman's DNS.
    if [ "$cli" = podman ] && ! dpkg -s aardvark-dns >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq aardvark-dns >/dev/null
    fi
    venv=target/compose/venv
    if [ ! -x "$venv/bin/podman-compose" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check podman-compose==1.6.0
    fi
    compose=("$venv/bin/podman-compose")
fi
up() {
    "${compose[@]}" -p "$project" -f docker-compose.yml "$@" >"$work/compose.log" 2>&1 \
        || { tail -n 40 "$work/compose.log" >&2; return 1; }
}

phase=$SECONDS
for pair in "entitlement-emulator ." "entitlement-emulator-postgres compose/postgres" \
    "entitlement-emulator-proxy compose/proxy"; do
    read -r name folder <<<"$pair"
    if ! "${build[@]}" -t "$name" "$folder" >"$work/build.log" 2>&1; then
        tail -n 40 "$work/build.log" >&2
        fail "the image $name builds from $folder"
    fi
done
ok "the compose file's three images build ($((SECONDS - phase)) s)"

EMULATOR_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export EMULATOR_PORT
base="http://127.0.0.1:$EMULATOR_PORT"
graph="$base/v1.0/identityGovernance/entitlementManagement"
auth=(-H "Authorization: Bearer compose")

# Health through the proxy until both replicas have answered it 200: each waits for the
# database, which makes its cluster on first start, and a replica's first connections can
# take seconds more (seen here: a replica's first read waited out its 5 s for a connection
# while the containers came up, and answered 503). The proxy passes a 503 on, so health is
# heard from each replica before the checks that need both.
both_healthy_within() {
    local seen=()
    for _ in $(seq 1 "$1"); do
        if [ "$(http "$base/_emulator/health")" = 200 ]; then
            seen+=("$(header X-Emulator-Replica)")
            [ "$(printf '%s\n' "${seen[@]}" | sort -u | wc -l)" = 2 ] && return 0
        fi
        sleep 0.5
    done
    return 1
}

phase=$SECONDS
up up -d --no-build || fail "compose up"
both_healthy_within 240 || fail "health through the proxy answers 200 from both replicas"
ok "health through the proxy answers 200 from both replicas ($((SECONDS - phase)) s after up)"
check "health names PostgreSQL" test "$(json backend)" = postgresql
# Two replicas of tenants.max_open + 1 tenants, each a writer and 4 readers: 250.
allowed=$("${compose[@]}" -p "$project" -f docker-compose.yml exec -T postgres \
    psql --username emulator --dbname emulator --no-align --tuples-only \
    --command "SHOW max_connections" 2>/dev/null | tr -d '\r')
check "the server takes the connections two replicas may open (max_connections $allowed)" \
    test "${allowed:-0}" -ge 250

# One catalog, then reads spread over the replicas by the proxy: every one finds it, and
# both replicas answer (X-Emulator-Replica names the one that did).
status=$(http "${auth[@]}" -H "Content-Type: application/json" -X POST "$graph/catalogs" \
    -d '{"displayName":"Shared by the team","description":"through the proxy","isExternallyVisible":false}')
check "a catalog is created through the proxy: 201 (got $status)" test "$status" = 201
catalog=$(json id)
# A replica that was not serving yet when health was first asked is set aside by the proxy
# for 5 s (max_fails=1 fail_timeout=5s): read until both have answered, for up to 15 s.
replicas=()
answered=0
for _ in $(seq 1 30); do
    status=$(http "${auth[@]}" "$graph/catalogs/$catalog")
    [ "$status" = 200 ] && [ "$(json id)" = "$catalog" ] || fail "GET the catalog: $status"
    replicas+=("$(header X-Emulator-Replica)")
    answered=$(printf '%s\n' "${replicas[@]}" | sort -u | wc -l)
    [ "$answered" = 2 ] && break
    sleep 0.5
done
check "reads of it answered 200, by both replicas (${replicas[*]})" test "$answered" = 2

# One replica stopped: the other serves reads and writes through the same proxy.
up stop emulator-1 || fail "compose stop emulator-1"
for n in 1 2 3 4; do
    status=$(http "${auth[@]}" "$graph/catalogs/$catalog")
    [ "$status" = 200 ] || fail "read $n with emulator-1 stopped: $status"
done
ok "with emulator-1 stopped, four reads of the catalog answer 200"
status=$(http "${auth[@]}" -H "Content-Type: application/json" -X POST "$graph/accessPackages" \
    -d "{\"displayName\":\"Written while one replica was down\",\"catalog\":{\"id\":\"$catalog\"}}")
check "with emulator-1 stopped, an access package is created: 201 (got $status)" test "$status" = 201
package=$(json id)
up start emulator-1 || fail "compose start emulator-1"

# Down and up again: the database volume keeps everything.
up down || fail "compose down"
phase=$SECONDS
up up -d --no-build || fail "compose up again"
both_healthy_within 240 || fail "up again: health answers 200 from both replicas"
ok "up again: health answers 200 from both replicas ($((SECONDS - phase)) s after up)"
status=$(http "${auth[@]}" "$graph/accessPackages/$package?\$expand=catalog")
check "after down and up the package is there, in its catalog ($status)" \
    test "$status" = 200 -a "$(json catalog id)" = "$catalog"
summary "all checks passed" 0
