# Sourced by sdk/run.sh and clients/run.sh.
# pinned_venv DIR REQUIREMENTS: a virtualenv at DIR holding the fully pinned REQUIREMENTS,
# made again only when that file changes (its sha256 is kept in DIR, written last, so an
# interrupted install is redone). Debian's python3 lacks the venv module until
# python3-venv is installed: installed then.
pinned_venv() {
    local venv=$1 requirements=$2 stamp wanted sudo_cmd
    stamp="$venv/requirements.sha256"
    wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
    if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
        return 0
    fi
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        rm -rf "$venv"
        sudo_cmd=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$stamp"
}
