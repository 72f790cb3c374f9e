#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine and runs Buildhub on its
# embedded default: installs the packages, builds, generates a realistic
# corpus plus the reference samples into sqlite:var/buildhub.db (once), and
# serves the API and the web page on http://127.0.0.1:8000 (BUILDHUB_LISTEN
# to change it). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${BUILDHUB_DEMO_COUNT:-100000}
database=${DATABASE_URL:-sqlite:var/buildhub.db}

scripts/install-deps.sh
[[ -x scripts/install-npm.sh ]] && scripts/install-npm.sh
[[ -x scripts/build-web.sh ]] && scripts/build-web.sh

cmake --preset release >/dev/null
cmake --build --preset release --target buildhub
bin=build/release/buildhub

mkdir -p var
if [[ ! -f var/.loaded-$count ]]; then
  echo "run: generating $count builds and ingesting them into $database"
  "$bin" generate --count "$count" --seed 1 --output var/corpus.ndjson
  "$bin" --database-url "$database" ingest var/corpus.ndjson
  # The reference samples are real builds; ingest them too (ignore failures:
  # a missing ../shared is fine).
  if compgen -G "../shared/reference/samples/valid-*.json" >/dev/null; then
    "$bin" --database-url "$database" ingest ../shared/reference/samples/valid-*.json || true
  fi
  touch "var/.loaded-$count"
fi

if "$bin" serve --help >/dev/null 2>&1; then
  listen=${BUILDHUB_LISTEN:-127.0.0.1:8000}
  echo "run: serving on http://$listen/ (API: http://$listen/api/search)"
  exec "$bin" --database-url "$database" serve --listen "$listen"
else
  echo "run: the builds are stored in $database; 'buildhub serve' is not built yet"
fi
