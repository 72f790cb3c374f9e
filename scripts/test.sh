#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs what it
# needs, builds the release and sanitizer configurations, runs every
# GoogleTest suite through CTest in both, then the fuzzers for a bounded
# minute each. Exits non-zero on the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
stage() { printf '\n=== %s (%ds elapsed)\n' "$*" $((SECONDS - started)); }

stage "dependencies"
scripts/install-deps.sh
[[ -x scripts/install-npm.sh ]] && scripts/install-npm.sh
[[ -x scripts/build-web.sh ]] && scripts/build-web.sh

stage "release build"
cmake --preset release >/dev/null
cmake --build --preset release

stage "release tests"
ctest --preset release

stage "sanitizer build (ASan + UBSan)"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize

stage "sanitizer tests"
ctest --preset sanitize

stage "fuzzing"
scripts/fuzz.sh "${BUILDHUB_FUZZ_SECONDS:-60}"

stage "all tests passed"
