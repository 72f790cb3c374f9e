#!/usr/bin/env bash
# Builds the web page into web/dist (type check, then Vite). Installs the npm
# dependencies first if needed. Skips the build when web/dist was built from
# the same sources.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-npm.sh" >/dev/null
cd "$root/web"

stamp=dist/.buildhub-sources.sha256
want=$(find index.html package.json package-lock.json tsconfig.json vite.config.ts src public -type f -print0 \
  | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [[ -f $stamp && -f dist/index.html && $(cat "$stamp") == "$want" ]]; then
  echo "build-web: web/dist is up to date"
  exit 0
fi
echo "build-web: building web/dist"
npm run --silent build
echo "$want" >"$stamp"
