#!/usr/bin/env bash
# The Docker path, on the image itself: builds the committed Dockerfile from the current tree
# and checks, on containers of that image, what README's Docker section and docs/src/docker.md promise.
# tests/api/container.rs checks the same contract on the binary; only this proves the image.
#
#     tests/container.sh
#
# Engine: docker where a docker engine answers (`docker --version` alone proves nothing: the
# client can be there without a daemon), else podman. Where the workplace's shared
# base-images.sh exists (../shared/container/, beside the checkout), no registry can be
# reached: it installs podman and builds the two base images the Dockerfile names from
# Debian's packages, and its last line is the build command to use. Containers and
# volumes get names unique to this run and are removed on exit; the images are kept, so the
# next run reuses the dependency layer, but the project image is rebuilt from the tree every
# run. The last line reads "container: N passed, N failed"; any failed check exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

image=localhost/entitlement-emulator:container-test
run_id="emulator-test-$$-$RANDOM"
work=$(mktemp -d /tmp/container-test.XXXXXX)
containers=()
volumes=()
current=""
passed=0
reported=""

cleanup() {
    local code=$? name
    # set -e stopped the script somewhere no check was named: say so in the same form.
    if [ "$code" != 0 ] && [ -z "$reported" ]; then
        echo "not ok - stopped by a failing command (exit $code); see above" >&2
        summary FAILED 1
    fi
    for name in "${containers[@]}"; do engine rm -f "$name" >/dev/null 2>&1 || true; done
    # What the client packages' testcontainers started (Ryuk, which would reap them, is off).
    for name in $("$cli" ps -aq --filter label=org.testcontainers=true --filter "ancestor=$image" 2>/dev/null); do
        engine rm -f "$name" >/dev/null 2>&1 || true
    done
    [ -z "${service:-}" ] || kill "$service" 2>/dev/null || true
    for name in "${volumes[@]}"; do engine volume rm -f "$name" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The engine, and ok/fail/check/http/json/header.
source tests/container-lib.sh

# Created here rather than by `run -v`, so that cleanup knows to remove it. Not echoed back:
# a command substitution's subshell would lose the note.
volume() {
    engine volume create "$1" >/dev/null || fail "volume $1 is created"
    volumes+=("$1")
}

# start NAME RUN-ARGUMENTS... : a detached container, then waits until it answers health
# on its published 8080.
start() {
    current="$run_id-$1"
    shift
    containers+=("$current")
    engine run -d --name "$current" -p 127.0.0.1::8080 "$@" >/dev/null || fail "$current starts"
    http_port=$(published 8080) || fail "$current publishes 8080"
    for _ in $(seq 1 60); do
        [ "$(http "http://127.0.0.1:$http_port/_emulator/health")" = 200 ] && return 0
        [ "$("$cli" inspect --format '{{.State.Running}}' "$current")" = true ] || break
        sleep 0.5
    done
    fail "$current answers /_emulator/health on 127.0.0.1:$http_port"
}

published() {
    engine port "$current" "$1" | head -n 1 | sed 's/.*://'
}

# `docker stop` sends SIGTERM and kills after 10 s, the emulator's server.shutdown_timeout_secs:
# a graceful stop must exit 0 before that.
stop() {
    local begun=$SECONDS
    engine stop -t 10 "$current" >/dev/null || fail "docker stop $current"
    local took=$((SECONDS - begun))
    local code
    code=$("$cli" inspect --format '{{.State.ExitCode}}' "$current")
    check "docker stop: exit $code in ${took} s (0, within the 10 s shutdown timeout)" \
        test "$code" = 0 -a "$took" -lt 10
}

healthy() {
    local status=""
    if [ "$cli" = podman ]; then
        # podman schedules HEALTHCHECK through systemd timers, absent here: run it as the
        # timer would; it records the result in the container's state all the same.
        engine healthcheck run "$current" >/dev/null || true
        status=$("$cli" inspect --format '{{.State.Health.Status}}' "$current")
    else
        # docker probes after --interval (10 s): wait for the first verdict.
        for _ in $(seq 1 45); do
            status=$("$cli" inspect --format '{{.State.Health.Status}}' "$current")
            [ "$status" = starting ] || break
            sleep 1
        done
    fi
    [ "$status" = healthy ]
}

# The process's real uid and gid as the host's kernel sees them (the image's USER line only
# says what was asked for).
container_ids() {
    local pid
    pid=$("$cli" inspect --format '{{.State.Pid}}' "$current")
    awk '/^Uid:/ {uid = $2} /^Gid:/ {gid = $2} END {print uid ":" gid}' "/proc/$pid/status"
}

# --read-only, and only /data writable: podman would add tmpfs on /tmp, /run and /var/tmp.
read_only=(--read-only)
if [ "$cli" = podman ]; then read_only+=(--read-only-tmpfs=false); fi

# ---- the image --------------------------------------------------------------------------
old_image=$("$cli" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
old_builder=$("$cli" image inspect --format '{{.Id}}' "$image-builder" 2>/dev/null || true)
echo "container: building $image with: ${build[*]}"
phase=$SECONDS
# The builder stage gets a tag of its own so that the one this run replaces can be removed:
# each holds a whole target/ directory.
if ! "${build[@]}" --target builder -t "$image-builder" . >"$work/build.log" 2>&1 \
    || ! "${build[@]}" -t "$image" . >>"$work/build.log" 2>&1; then
    tail -n 60 "$work/build.log" >&2
    fail "the Dockerfile builds"
fi
build_secs=$((SECONDS - phase))
ok "the Dockerfile builds (${build_secs} s)"
for pair in "$image $old_image" "$image-builder $old_builder"; do
    read -r tag old <<<"$pair"
    new=$("$cli" image inspect --format '{{.Id}}' "$tag")
    if [ -n "$old" ] && [ "$old" != "$new" ]; then
        "$cli" rmi "$old" >/dev/null 2>&1 || true
    fi
done

size=$("$cli" image inspect --format '{{.Size}}' "$image")
base=$(awk '$1 == "FROM" {image = $2} END {print image}' Dockerfile)
base_size=$("$cli" image inspect --format '{{.Size}}' "$base")
echo "container: image size $((size / 1000000)) MB: $base $((base_size / 1000000)) MB + $(((size - base_size) / 1000000)) MB of the emulator's"

# ---- README: docker run -p 8080:8080 -v emulator-data:/data entitlement-emulator ---------
data=$run_id-data
volume "$data"
start readme -v "$data:/data" "$image"
check "HEALTHCHECK reports healthy" healthy
ids=$(container_ids) || fail "the container's process is found"
check "runs as uid and gid 10001, not root (uid:gid $ids)" test "$ids" = 10001:10001
status=$(http "http://localhost:$http_port/beta/identityGovernance/entitlementManagement/accessPackages")
check "a Graph request without a token: 401 (auth.mode any)" test "$status" = 401

# README's Quick start request, verbatim but for the port.
status=$(http -X POST "http://localhost:$http_port/beta/identityGovernance/entitlementManagement/accessPackages" \
    -H 'Authorization: Bearer any-token' -H 'Content-Type: application/json' \
    -d '{"catalogId": "aa2f6514-3232-46e7-a08a-2411ad8d7128", "displayName": "sales reps", "description": "outside sales representatives"}')
check "README's create request: 201 (got $status)" test "$status" = 201
package=$(json id) || fail "the created package has an id"
check "the created package is sales reps in the General catalog" \
    test "$(json displayName)|$(json catalogId)" = "sales reps|aa2f6514-3232-46e7-a08a-2411ad8d7128"
check "Location names it on the published address" test "$(header location)" = \
    "http://localhost:$http_port/beta/identityGovernance/entitlementManagement/accessPackages/$package"
stop

# Into a folder that exists: podman 4.3 copies nothing (and says nothing) otherwise.
mkdir "$work/data"
engine cp "$current:/data/." "$work/data" || fail "docker cp the volume out of the stopped container"
check "the database is in the volume" test -s "$work/data/emulator.db"
check "the WAL is folded into the database (no -wal left)" test ! -s "$work/data/emulator.db-wal"
check "the database file is sound on its own" test \
    "$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("pragma quick_check").fetchone()[0])' \
        "$work/data/emulator.db")" = ok

# ---- the same volume in a new container, a setting from the environment -----------------
start env-none -v "$data:/data" -e EMULATOR__AUTH__MODE=none "$image"
status=$(http "http://localhost:$http_port/beta/identityGovernance/entitlementManagement/accessPackages/$package")
check "restart on the same volume keeps the package; EMULATOR__AUTH__MODE=none needs no token" \
    test "$status|$(json displayName 2>/dev/null)" = "200|sales reps"
status=$(http -X POST "http://localhost:$http_port/beta/identityGovernance/entitlementManagement/accessPackages" \
    -H 'Content-Type: application/json' \
    -d '{"catalogId": "aa2f6514-3232-46e7-a08a-2411ad8d7128", "displayName": "Sales Reps"}')
check "the kept package still conflicts: 409 DuplicateAccessPackage" \
    test "$status|$(json error code 2>/dev/null)" = "409|DuplicateAccessPackage"
stop

# ---- --tls, read-only: the certificate in /data, the same one after a restart -----------
tls=$run_id-tls
volume "$tls"
start tls -p 127.0.0.1::8443 -v "$tls:/data" "${read_only[@]}" "$image" --tls
https_port=$(published 8443) || fail "$current publishes 8443"
check "the root filesystem is read-only" \
    test "$("$cli" inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$current")" = true
check "the only mount is /data" \
    test "$("$cli" inspect --format '{{range .Mounts}}{{.Destination}} {{end}}' "$current")" = "/data "
check "the log names the certificate in /data" \
    grep -q '^TLS certificate: /data/emulator-cert.pem$' <("$cli" logs "$current" 2>/dev/null)
engine cp "$current:/data/emulator-cert.pem" "$work/cert.pem" || fail "docker cp the certificate out"
status=$(http --cacert "$work/cert.pem" -X POST \
    "https://localhost:$https_port/beta/identityGovernance/entitlementManagement/accessPackages" \
    -H 'Authorization: Bearer any-token' -H 'Content-Type: application/json' \
    -d '{"catalogId": "aa2f6514-3232-46e7-a08a-2411ad8d7128", "displayName": "over https"}')
check "https://localhost, verified with the copied certificate: 201 (got $status)" test "$status" = 201
tls_package=$(json id) || fail "the package created over https has an id"
stop

start tls-again -p 127.0.0.1::8443 -v "$tls:/data" "${read_only[@]}" "$image" --tls
https_port=$(published 8443) || fail "$current publishes 8443"
engine cp "$current:/data/emulator-cert.pem" "$work/cert-again.pem" || fail "docker cp the certificate out again"
check "after a restart the certificate is the same (sha256 $(sha256sum <"$work/cert.pem" | cut -c1-16)…)" \
    cmp -s "$work/cert.pem" "$work/cert-again.pem"
status=$(http --cacert "$work/cert.pem" -H 'Authorization: Bearer any-token' \
    "https://localhost:$https_port/beta/identityGovernance/entitlementManagement/accessPackages/$tls_package")
check "the first certificate still verifies, the data is kept: 200 (got $status)" test "$status" = 200
stop

# ---- a seed fixture through a bind mount ------------------------------------------------
cat >"$work/tenant.json" <<'JSON'
{
  "catalogs": [{"id": "11111111-1111-1111-1111-111111111111", "displayName": "Sales"}],
  "accessPackages": [{"id": "22222222-2222-2222-2222-222222222222",
                      "catalogId": "11111111-1111-1111-1111-111111111111",
                      "displayName": "Sales reps"}]
}
JSON
# The container's user (uid 10001) must be able to read it.
chmod 644 "$work/tenant.json"
seeded=$run_id-seeded
volume "$seeded"
start seed -v "$seeded:/data" -v "$work/tenant.json:/seed/tenant.json:ro" "$image" --seed /seed/tenant.json
status=$(http -H 'Authorization: Bearer any-token' \
    "http://localhost:$http_port/beta/identityGovernance/entitlementManagement/accessPackages/22222222-2222-2222-2222-222222222222")
check "--seed /seed/tenant.json from a bind mount: the fixture's package is served" \
    test "$status|$(json displayName 2>/dev/null)" = "200|Sales reps"
stop

# ---- the SDK suite's scenario, once, against the image ----------------------------------
# The same verified-token settings sdk/run.sh gives its emulators; tokens minted in the
# container with its own `entitlement-emulator token`.
python3 sdk/run.py --environment >"$work/sdk.env"
sdk=$run_id-sdk
volume "$sdk"
start sdk -p 127.0.0.1::8443 -v "$sdk:/data" --env-file "$work/sdk.env" "${read_only[@]}" "$image" --tls
https_port=$(published 8443) || fail "$current publishes 8443"
status=$(http -H 'Authorization: Bearer any-token' \
    "http://localhost:$http_port/beta/identityGovernance/entitlementManagement/accessPackages")
check "--env-file settings apply: auth.mode jwt refuses an unsigned token (401)" test "$status" = 401
engine cp "$current:/data/emulator-cert.pem" "$work/sdk-cert.pem" || fail "docker cp the certificate out"
if timeout 900 sdk/run.sh --running "http://127.0.0.1:$http_port" "https://localhost:$https_port" \
    "$work/sdk-cert.pem" "$cli" exec "$current" entitlement-emulator; then
    ok "the SDK scenario against the container: Python over http, JavaScript, kiota and az over https"
else
    fail "the SDK scenario against the container"
fi
stop

# ---- the client packages' Testcontainers paths, on the image ----------------------------
# Testcontainers speaks an engine's Docker API: podman serves one on a socket of this run's.
# Ryuk, its reaper, is an image from a registry (unreachable here): off; each test stops
# its own container.
current=""
if [ "$cli" = podman ]; then
    podman system service --time=0 "unix://$work/podman.sock" >/dev/null 2>&1 &
    service=$!
    export DOCKER_HOST="unix://$work/podman.sock"
    # Bounded: the socket answers within a second or two, or the service failed.
    for _ in $(seq 100); do
        curl -sf --unix-socket "$work/podman.sock" http://d/_ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -sf --unix-socket "$work/podman.sock" http://d/_ping >/dev/null 2>&1 \
        || fail "podman's Docker API answers on its socket"
fi
export TESTCONTAINERS_RYUK_DISABLED=true ENTITLEMENT_EMULATOR_IMAGE=$image
if (cd clients/node && npm ci --silent --no-audit --no-fund && npm run --silent build \
    && node --test dist/test/container.test.js); then
    ok "the Node module starts the image, reads its certificate and signs a tenant in over https"
else
    fail "the Node module against the image"
fi
# The Python launcher with no URL and no binary on PATH: the image, through testcontainers.
# Inside a container testcontainers-python would reach it through the bridge's gateway,
# which it looks up in a HostConfig podman's container list lacks: the published ports
# are on this machine, so the engine's host (localhost) it is.
if TESTCONTAINERS_CONNECTION_MODE=docker_host clients/run.sh --container; then
    ok "the Python plugin starts the image through testcontainers: its tests and the sample project"
else
    fail "the Python plugin against the image"
fi
summary "image $((size / 1000000)) MB, built in ${build_secs} s, all checks passed" 0
