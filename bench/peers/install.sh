#!/usr/bin/env bash
# Installs the peers the full benchmark runs side by side with the emulator (sourced by
# bench/run.sh; never run by CI's --quick smoke):
#   WireMock's standalone jar (inside the npm package `wiremock`) and a Java runtime for it,
#   Prism (@stoplight/prism-cli) and json-server 0.17.4 (the last release with its own
#   stateful CLI on a JSON file), at the versions bench/peers/package-lock.json pins.
# They go into target/bench/peers (git-ignored) with `npm ci`, reinstalled only when the
# lock file changes.
peers_sudo=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
peers_apt() {
    $peers_sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
        || { $peers_sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
             $peers_sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

# WireMock 3 needs Java 11 or later; Debian's headless JRE 17 when there is none.
peers_java=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
if [ -z "$peers_java" ] || [ "$peers_java" -lt 11 ]; then
    peers_apt openjdk-17-jre-headless
fi
command -v node >/dev/null 2>&1 || peers_apt nodejs npm

peers_dir=target/bench/peers
peers_wanted=$(sha256sum bench/peers/package-lock.json | cut -d' ' -f1)
if [ ! -d "$peers_dir/node_modules" ] || [ "$(cat "$peers_dir/lock.sha256" 2>/dev/null)" != "$peers_wanted" ]; then
    rm -rf "$peers_dir"
    mkdir -p "$peers_dir"
    cp bench/peers/package.json bench/peers/package-lock.json "$peers_dir/"
    # --ignore-scripts: the tree's only install script is @scarf/scarf's (a dependency of
    # Prism), which reports the installation to a usage-analytics service; nothing needs it.
    # Prism 5.16 declares node >= 24 but runs on Debian's 20 for what the benchmark asks
    # (`prism mock` of a static example); npm's engine warning is expected.
    (cd "$peers_dir" && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$peers_wanted" > "$peers_dir/lock.sha256"
fi
