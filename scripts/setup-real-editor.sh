#!/usr/bin/env bash
# Installs what the real-editor tests need: Debian's Chromium, ripgrep and the
# Kerberos headers (apt), then code-server and playwright-core into
# test/e2e/editor/ (npm). Run as root on Debian or Ubuntu. Safe to run again:
# each step is skipped when its result is already in place.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
harness="$root/test/e2e/editor"

# code-server 4.100.3 bundles @vscode/ripgrep 1.15.11, whose install script
# downloads this archive from GitHub unless it is already in its cache folder.
ripgrep_cache_name="vscode-ripgrep-cache-1.15.11"
ripgrep_archive="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

log() { printf 'setup-real-editor: %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it installs Debian packages with apt-get)." >&2
  exit 1
fi

# 1. Debian packages.
if command -v chromium >/dev/null && command -v rg >/dev/null && dpkg -s libkrb5-dev >/dev/null 2>&1; then
  log "chromium, ripgrep and libkrb5-dev are installed."
else
  log "installing chromium, ripgrep and libkrb5-dev with apt-get."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium libkrb5-dev ripgrep >/dev/null
fi

# 2. code-server and playwright-core, from the harness's own lockfile. The stamp
# is a copy of the manifest and lockfile of the last successful install.
stamp="$harness/node_modules/.falco-harness-stamp"
if [ -f "$stamp" ] && cat "$harness/package.json" "$harness/package-lock.json" | cmp -s "$stamp" - \
   && [ -f "$harness/node_modules/code-server/lib/vscode/out/server-main.js" ]; then
  log "code-server and playwright-core are installed in $harness."
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Seed @vscode/ripgrep's download cache with Debian's rg, so its install script
# finds the archive and never goes to the network.
mkdir -p "$tmp/$ripgrep_cache_name" "$tmp/rg"
cp /usr/bin/rg "$tmp/rg/rg"
tar -czf "$tmp/$ripgrep_cache_name/$ripgrep_archive" -C "$tmp/rg" rg

log "installing code-server and playwright-core into $harness (about 2 minutes on a fresh machine)."
# As root, code-server's install script runs only with unsafe_perm; node-pty's
# install script calls `npx node-gyp`, which waits for a confirmation unless yes is set.
(
  cd "$harness"
  TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true \
    npm ci --no-audit --no-fund --loglevel=error
)
cat "$harness/package.json" "$harness/package-lock.json" > "$stamp"
log "done."
