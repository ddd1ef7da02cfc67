# Sourced by tests/container.sh and tests/compose.sh: the container engine (docker where a
# daemon answers, else podman with the base images the workplace's base-images.sh builds)
# and the check helpers both report with. Expects `work` (a scratch folder), `started`,
# `passed=0`, `reported=""` and `current` (the container whose logs a failure shows).
# Sets `cli` (the engine's command) and `build` (its build command, as an array).

# podman's engine messages without systemd (it cannot schedule health checks) would bury the
# test's own lines, so an engine command's stderr is shown only when the command fails.
engine() {
    if ! "$cli" "$@" 2>"$work/engine.err"; then
        cat "$work/engine.err" >&2
        return 1
    fi
}

summary() {
    echo "${label:-container}: $1 in $((SECONDS - started)) s"
    echo "${label:-container}: $passed passed, $2 failed"
}

# Checks read JSON with python3 and talk HTTP with curl: a fresh machine may lack either.
missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
    cli=docker
    build=(docker build)
else
    cli=podman
    base_images=""
    for candidate in ../shared/container/base-images.sh /work/shared/container/base-images.sh; do
        if [ -f "$candidate" ]; then
            base_images=$candidate
            break
        fi
    done
    if [ -n "$base_images" ]; then
        echo "container: base images ($base_images)"
        phase=$SECONDS
        # Run with bash: the shared copy may come without execute bits.
        last=$(bash "$base_images" | tail -n 1)
        read -ra build <<<"$last"
        echo "container: base images ready in $((SECONDS - phase)) s"
    elif command -v podman >/dev/null 2>&1; then
        # Without --format docker podman writes OCI images, which drop HEALTHCHECK.
        build=(podman build --format docker)
    else
        echo "container: no container engine (no docker daemon answers, no podman)" >&2
        exit 1
    fi
    [ "${build[0]:-}" = podman ] || { echo "container: unexpected build command: ${build[*]}" >&2; exit 1; }
fi

ok() {
    passed=$((passed + 1))
    echo "ok $passed - $*"
}

fail() {
    reported=yes
    echo "not ok - $*" >&2
    if [ -n "$current" ]; then
        echo "--- $cli logs $current" >&2
        "$cli" logs "$current" 2>&1 | tail -n 40 >&2 || true
    fi
    summary "FAILED" 1
    exit 1
}

check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}

# One HTTP exchange: prints the status; the body and headers are kept for the checks after.
http() {
    curl -sS --max-time 20 -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@" || echo 000
}

# A value from the last JSON body: json displayName, json value 0 id.
json() {
    python3 - "$work/body" "$@" <<'PY'
import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2:]:
    value = value[int(key)] if isinstance(value, list) else value[key]
print(value)
PY
}

header() {
    tr -d '\r' <"$work/headers" | awk -v name="$1" 'tolower($1) == tolower(name) ":" {print $2}'
}
