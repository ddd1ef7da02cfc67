#!/usr/bin/env bash
# Builds the manual (docs/) into target/book and checks its links and anchors; installs the
# pinned mdbook and hyperlink from crates.io when missing or at another version.
set -euo pipefail
cd "$(dirname "$0")/.."

install() { # crate version binary [cargo install flags...]
    local crate=$1 version=$2 binary=$3
    shift 3
    if ! "$binary" --version 2>/dev/null | grep -qF "$version"; then
        cargo install "$crate" --version "$version" --locked "$@"
    fi
}
# mdbook without its server and file watcher: only `build` is needed.
install mdbook 0.5.4 mdbook --no-default-features --features search
install hyperlink 0.3.2 hyperlink

log=$(mktemp)
mdbook build docs 2>&1 | tee "$log"
if grep -E '^ *(WARN|ERROR)' "$log"; then
    echo ".ci/manual.sh: mdbook warned; fix the page it names" >&2
    exit 1
fi
hyperlink --check-anchors --sources docs/src target/book
