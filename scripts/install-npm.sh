#!/usr/bin/env bash
# Installs the web page's npm dependencies (web/node_modules) exactly as
# pinned by web/package-lock.json (npm ci). Safe to run again: when the
# installed tree already matches the lock file, it does nothing.
set -euo pipefail
cd "$(dirname "$0")/../web"

command -v npm >/dev/null || { echo "install-npm: npm is missing; run scripts/install-deps.sh" >&2; exit 1; }
[[ -f package-lock.json ]] || { echo "install-npm: web/package-lock.json is missing" >&2; exit 1; }

stamp=node_modules/.buildhub-lock.sha256
want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
  echo "install-npm: web/node_modules is up to date"
  exit 0
fi
echo "install-npm: installing the web page's dependencies (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
