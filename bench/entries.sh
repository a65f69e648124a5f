#!/usr/bin/env bash
# Entry creation under 32 concurrent connections on PostgreSQL, on one project and spread over 32
# projects, for one or two builds in one run (issue 9 §4: per-project row locks serialise writes
# on one project and should let writes on different projects run side by side).
# Usage: [BEFORE_BIN=… BEFORE_BENCH=…] bench/entries.sh [ROWS] [DURATION_SECONDS] (defaults
# 200000 and 10). Needs wrk, curl, psql and a server at $MESURE_BENCH_PG.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}
dur=${2:-10}
pg_admin=${MESURE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/test}
[ -n "${AFTER_BIN:-}" ] || cargo build --release -q -p mesure -p mesure-bench
work=$(mktemp -d)
csv="$work/time.csv"
port=18082
${AFTER_BENCH:-target/release/mesure-bench} csv "$csv" "$rows" 200 1000 50
out=${MESURE_BENCH_OUT:-bench/results/entries-latest.md}
{
  echo "# Entry creation on PostgreSQL, 32 connections — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB. Data: $rows entries, 1,000 projects. wrk -t2 -c32 -d${dur}s."
  echo
  echo "| build | one project | 32 projects |"
  echo "| --- | --- | --- |"
} > "$out"
wrk_line() {
  local res
  res=$(wrk -t2 -c32 -d"${dur}s" --latency "$@")
  echo "$(echo "$res" | awk '/Requests\/sec/{print $2}') req/s, p50 $(echo "$res" | awk '$1=="50%"{print $2}'), p99 $(echo "$res" | awk '$1=="99%"{print $2}'), non-2xx $(echo "$res" | awk '/Non-2xx/{print $NF}' | grep . || echo 0)"
}
run() {
  local name=$1 bin=$2 bench=$3
  local db="mesure_entries_$(date +%s%N)"
  psql "$pg_admin" -qc "CREATE DATABASE $db"
  local url="${pg_admin%/*}/$db"
  local token session client project
  read -r token session client project <<<"$($bench time "$url" "$csv" 2>/dev/null)"
  local projects
  projects=$(psql "$url" -Atc "SELECT id FROM projects ORDER BY id LIMIT 32" | paste -sd, -)
  "$bin" serve --database-url "$url" --bind 127.0.0.1:$port --data-dir "$work" --no-worker >"$work/$name.log" 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
  local one spread
  one=$(MESURE_PROJECT=$project wrk_line -H "Authorization: Bearer $token" -s bench/entry.lua "http://127.0.0.1:$port")
  spread=$(MESURE_PROJECTS=$projects wrk_line -H "Authorization: Bearer $token" -s bench/entry-spread.lua "http://127.0.0.1:$port")
  kill -TERM $pid; wait $pid || true
  psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)"
  echo "| $name | $one | $spread |" >> "$out"
}
[ -z "${BEFORE_BIN:-}" ] || run before "$BEFORE_BIN" "$BEFORE_BENCH"
run after "${AFTER_BIN:-target/release/mesure}" "${AFTER_BENCH:-target/release/mesure-bench}"
cat "$out"
