#!/usr/bin/env bash
# HTTP benchmark: generates a corpus (default 1,000,000 builds), ingests it
# into a fresh SQLite store, starts `buildhub serve` on loopback and measures
# with wrk (keep-alive): a term query, the web page's full request, and a
# terms aggregation. Prints index load time, server RSS, requests/s and
# latency percentiles. Usage: bench/http_bench.sh [COUNT] [SECONDS]
# The server runs as configured by default (access log on, to a file);
# BUILDHUB_BENCH_ACCESS_LOG=0 turns the access log off.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
seconds=${2:-10}
bin=build/release/buildhub
[[ -x $bin ]] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: scripts/install-deps.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/buildhub-http-bench-XXXXXX)
server=""
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "== corpus: $count builds"
"$bin" generate --count "$count" --seed 42 --output "$work/corpus.ndjson"
"$bin" --log-level warning --database-url "sqlite:$work/bench.db" ingest "$work/corpus.ndjson" | tail -n 1

access_log=--access-log
[[ ${BUILDHUB_BENCH_ACCESS_LOG:-1} == 0 ]] && access_log=--no-access-log
port=$((20000 + RANDOM % 20000))
"$bin" --log-format text --database-url "sqlite:$work/bench.db" serve "$access_log" \
  --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do  # bounded wait for the index to load
  curl -sf "http://127.0.0.1:$port/__lbheartbeat__" >/dev/null 2>&1 && break
  sleep 0.1
done
grep -E "indexed .* builds in" "$work/serve.log" | sed 's/^.*\] /== /'
echo "== server RSS after load: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$server/status)"

run() {
  local name=$1 body=$2
  printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' "$body" >"$work/post.lua"
  curl -sf -X POST "http://127.0.0.1:$port/api/search" -d "$body" -o /dev/null || { echo "query $name failed" >&2; exit 1; }
  echo "== $name"
  wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/search" |
    grep -E "Requests/sec|Latency|50%|90%|99%" | sed 's/^/   /'
}

run "term query (size 10)" '{"query": {"term": {"build.id": "20191016161957"}}}'
run "filter + sort + size 10" '{"query": {"bool": {"filter": [{"term": {"source.product": "firefox"}}, {"term": {"target.channel": "release"}}, {"range": {"target.version": {"gte": "63"}}}]}}, "sort": [{"download.date": "desc"}], "size": 10}'
run "web page full request" '{"query": {"query_string": {"query": "firefox* 70*", "fields": ["source.product", "target.channel^1.2", "target.version^10", "target.locale^3", "target.platform^2", "build.id"], "analyzer": "standard", "default_operator": "AND", "analyze_wildcard": true, "lenient": true}}, "aggs": {"products7": {"filter": {"match_all": {}}, "aggs": {"source.product": {"terms": {"field": "source.product", "size": 50}}, "source.product_count": {"cardinality": {"field": "source.product"}}}}}, "size": 30, "sort": [{"download.date": "desc"}], "highlight": {"fields": {"source.product": {}, "target.channel": {}, "target.version": {}, "target.locale": {}, "target.platform": {}, "build.id": {}}}}'
run "terms aggregation on versions" '{"size": 0, "aggs": {"versions": {"terms": {"field": "target.version", "size": 1000, "order": {"_term": "desc"}}}}}'
echo "== server RSS at the end: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$server/status)"
