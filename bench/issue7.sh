#!/usr/bin/env bash
# Benchmarks of issue 7: a running `mesure serve` (SQLite) imports a generic CSV of 2,000,000
# entries over 2,000 clients, 10,000 projects and 200 people through the API; the server's
# resident memory is read before, right after and 5 s after the import (target: under 150 MB once
# it has finished); then, with those 10,000 projects, the /projects page (first and last page) and
# GET /api/v1/projects (first page, and every page followed to the end) are timed (medians of 9).
# Usage: [MESURE_BIN=…] [MESURE_BENCH_CACHES="24 48"] bench/issue7.sh [ROWS] (default 2000000). Needs curl.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}
cargo build --release -q -p mesure-bench
# MESURE_BIN: another build of `mesure` to measure (e.g. an older commit's, for a ratio in one run).
[ -n "${MESURE_BIN:-}" ] || cargo build --release -q -p mesure
bin=${MESURE_BIN:-$PWD/target/release/mesure}
work=$(mktemp -d)
out=${MESURE_BENCH_OUT:-bench/results/issue7-latest.md}
port=18087
base="http://127.0.0.1:$port"
csv="$work/time.csv"
target/release/mesure-bench csv "$csv" "$rows" 2000 10000 200
rss() { awk '/VmRSS/{printf "%d", $2/1024}' /proc/$pid/status; }
hwm() { awk '/VmHWM/{printf "%d", $2/1024}' /proc/$pid/status; }
# Import once per page-cache size (a fresh data directory each), keep the last server running.
sizes=${MESURE_BENCH_CACHES:-24}
import_rows=""
for mib in $sizes; do
  [ -n "${pid:-}" ] && { kill -TERM $pid; wait $pid 2>/dev/null || true; }
  export MESURE_DATA_DIR="$work/data-$mib"
  ws=$("$bin" workspace add --name "Agence Banc")
  echo "bench-password-2026" | "$bin" user add --email owner@bench.test --name "Owner Bench" --role owner --workspace "$ws" --password-stdin >/dev/null
  token=$("$bin" token create --email owner@bench.test)
  MESURE_IMPORT_CACHE_MIB=$mib "$bin" serve --bind 127.0.0.1:$port --no-worker >"$work/serve.log" 2>&1 &
  pid=$!
  until curl -sf "$base/readyz" >/dev/null; do sleep 0.05; done
  rss_before=$(rss)
  t0=$(date +%s%N)
  code=$(curl -s -o "$work/import.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: text/csv' --data-binary "@$csv" "$base/api/v1/time-imports?format=generic&create_missing=true&file_name=bench.csv")
  t1=$(date +%s%N)
  [ "$code" = 200 ] || { echo "import answered $code: $(head -c 400 "$work/import.json")"; exit 1; }
  rss_after=$(rss)
  sleep 5
  rss_later=$(rss)
  import_s=$(awk "BEGIN{printf \"%.1f\", ($t1-$t0)/1e9}")
  import_rows="$import_rows\n| $mib MiB | $import_s s ($(( rows / ${import_s%.*} )) rows/s) | $rss_before MB | $(hwm) MB | $rss_after MB | $rss_later MB |"
done
trap 'kill -TERM $pid 2>/dev/null || true; rm -rf "$work"' EXIT
# A browser session for the HTML pages.
jar="$work/cookies"
csrf=$(curl -s -c "$jar" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" --data-urlencode "email=owner@bench.test" \
  --data-urlencode "password=bench-password-2026" "$base/login"
median() { sort -n | sed -n 5p | awk '{printf "%.1f", $1*1000}'; }
time_get() { local url=$1; shift; for _ in $(seq 9); do curl -s -o /dev/null -w '%{time_total}\n' "$@" "$url"; done | median; }
projects_first=$(time_get "$base/projects" -b "$jar")
total=$(curl -s -b "$jar" "$base/projects" | grep -o 'data-testid="projects-count">[^<]*' | sed 's/.*>//')
# The last page: follow the next links once to find its cursor.
url="/projects"; last="$url"
while next=$(curl -s -b "$jar" "$base$url" | grep -o 'rel="next" href="[^"]*"' | sed 's/.*href="//;s/"$//;s/&amp;/\&/g') && [ -n "$next" ]; do last="$next"; url="$next"; done
projects_last=$(time_get "$base$last" -b "$jar")
api_first=$(time_get "$base/api/v1/projects?limit=500" -H "Authorization: Bearer $token")
walk() {
  local u="/api/v1/projects?limit=500" n=0
  while [ -n "$u" ]; do
    u=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $token" "$base$u" | tr -d '\r' | awk -F'[<>]' 'tolower($1)=="link: "{print $2}')
    n=$((n+1))
  done
  echo $n
}
t0=$(date +%s%N); pages=$(walk); t1=$(date +%s%N)
api_all=$(awk "BEGIN{printf \"%.0f\", ($t1-$t0)/1e6}")
api_count=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/projects?limit=1" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-total-count"{print $2}')
{
  echo "# Mesure issue 7 benchmarks — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r). SQLite, release build, one \`mesure serve\`."
  echo "Data: generic CSV of $rows rows ($(du -m "$csv" | cut -f1) MB), 2,000 clients, 10,000 projects, 200 people."
  echo
  echo "| import page cache | POST /api/v1/time-imports | RSS before | peak RSS | RSS right after | RSS 5 s after |"
  echo "| --- | --- | --- | --- | --- | --- |"
  printf "%b\n" "${import_rows#\\n}"
  echo
  echo "| measure (after the last import) | value |"
  echo "| --- | --- |"
  echo "| GET /projects, first page of 100 (median of 9) | $projects_first ms (page says: $total) |"
  echo "| GET /projects, last page (median of 9) | $projects_last ms |"
  echo "| GET /api/v1/projects?limit=500, first page (median of 9) | $api_first ms (X-Total-Count $api_count) |"
  echo "| GET /api/v1/projects, every page of 500 followed to the end | $api_all ms for $pages pages |"
} > "$out"
cat "$out"
