#!/usr/bin/env bash
# Builds the manual (docs/) into target/book and checks its links and anchors; installs the
# pinned mdbook and hyperlink from crates.io when missing or at another version (mdbook
# 0.5.4 needs Rust 1.88 or newer).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CARGO_HOME:-$HOME/.cargo}/bin"

ensure() { # crate version [cargo install flags...]
    local crate=$1 version=$2
    shift 2
    if ! "$bin/$crate" --version 2>/dev/null | grep -qE "[ v]$version\$"; then
        cargo install "$crate" --version "$version" --locked "$@"
    fi
}
# mdbook without its server and file watcher: only `build` is needed.
ensure mdbook 0.5.4 --no-default-features --features search
ensure hyperlink 0.3.2

log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$bin/mdbook" build docs 2>&1 | tee "$log"
if grep -E '^ *(WARN|ERROR)' "$log"; then
    echo ".ci/manual.sh: mdbook warned; fix the page it names" >&2
    exit 1
fi
"$bin/hyperlink" --check-anchors --sources docs/src target/book
