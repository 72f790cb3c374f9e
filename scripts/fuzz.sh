#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each one for a
# bounded time (default 60 s each). Fails if a fuzzer finds a crash, a leak
# or a sanitizer report. Usage: scripts/fuzz.sh [SECONDS_PER_FUZZER]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

preset=${BUILDHUB_FUZZ_PRESET:-sanitize}
cmake --preset "$preset" >/dev/null
fuzzers=()
for source in fuzz/*_fuzzer.cc; do fuzzers+=("$(basename "${source%.cc}")"); done
cmake --build --preset "$preset" --target "${fuzzers[@]}"

work=$(mktemp -d /tmp/buildhub-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
for name in "${fuzzers[@]}"; do
  corpus_name=${name%_fuzzer}
  mkdir -p "$work/$corpus_name"
  seeds=()
  [[ -d fuzz/corpus/$corpus_name ]] && seeds=("fuzz/corpus/$corpus_name")
  dict=""
  [[ -f fuzz/$corpus_name.dict ]] && dict="fuzz/$corpus_name.dict"
  echo "fuzz: running $name for ${seconds}s"
  # New inputs go to the scratch directory; the checked-in seeds stay untouched.
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "build/$preset/fuzz/$name" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$work/" ${dict:+-dict="$dict"} "$work/$corpus_name" "${seeds[@]}" \
      >"$work/$name.log" 2>&1; then
    echo "fuzz: $name FAILED; last lines of its log:" >&2
    grep -m1 "INFO: Seed:" "$work/$name.log" >&2 || true
    tail -n 40 "$work/$name.log" >&2
    # CI keeps no files: print each failing input so it can be replayed
    # (save the base64 as a file, then run the fuzzer binary on that file).
    for artifact in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [[ -f $artifact ]] || continue
      echo "fuzz: input $(basename "$artifact") ($(stat -c %s "$artifact") bytes), base64:" >&2
      head -c 65536 "$artifact" | base64 -w 0 >&2
      echo >&2
    done
    mkdir -p "build/$preset/fuzz-artifacts" && cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "build/$preset/fuzz-artifacts/" 2>/dev/null || true
    status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$work/$name.log" | tail -n 2 | sed "s/^/fuzz: $name: /"
  fi
done
exit $status
