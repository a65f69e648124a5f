#!/usr/bin/env bash
# Benchmarks of issue 3 at the scale it names: a generic CSV of 2,000,000 time entries over 2,000
# clients, 10,000 projects and 200 people is imported on SQLite and on PostgreSQL (rows/s), next to
# the sqlite3 shell's `.import` of the same file into a bare table; then, on that data, the radar
# dashboard and one client's radar are timed (in-process and over HTTP), and one entry is created
# under 32 concurrent connections (wrk).
# Usage: bench/time.sh [ROWS] [DURATION_SECONDS] (defaults 2000000 and 10). Needs wrk, sqlite3,
# curl, and for PostgreSQL a server at $MESURE_BENCH_PG (default postgres://postgres@127.0.0.1:5432/test).
# MESURE_BIN and MESURE_BENCH_BIN: another build's `mesure` and `mesure-bench` (e.g. an older
# commit's, for before/after figures in one run); MESURE_BENCH_OUT: where to write the results.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}
dur=${2:-10}
pg_admin=${MESURE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/test}
for t in wrk sqlite3 curl; do command -v $t >/dev/null || { echo "$t is missing (apt-get install $t)"; exit 1; }; done
[ -n "${MESURE_BIN:-}" ] || cargo build --release -q -p mesure -p mesure-bench
bin=${MESURE_BIN:-target/release/mesure}
bench=${MESURE_BENCH_BIN:-target/release/mesure-bench}
work=$(mktemp -d)
out=${MESURE_BENCH_OUT:-bench/results/time-latest.md}
port=18081
csv="$work/time.csv"
$bench csv "$csv" "$rows" 2000 10000 200
{
  echo "# Mesure issue 3 benchmarks — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)."
  echo "Data: generic CSV of $rows rows ($(du -m "$csv" | cut -f1) MB), 2,000 clients, 10,000 projects, 200 people, over the last twelve months."
  echo
} > "$out"
# The sqlite3 shell's .import of the same file into a bare table (no keys, no indexes).
t0=$(date +%s%N)
sqlite3 "$work/bare.db" ".mode csv" ".import $csv bare"
t1=$(date +%s%N)
bare_ms=$(( (t1 - t0) / 1000000 ))
echo "| import | rows/s | seconds |" >> "$out"
echo "| --- | --- | --- |" >> "$out"
echo "| sqlite3 shell .import, bare table | $(( rows * 1000 / bare_ms )) | $(awk "BEGIN{printf \"%.1f\", $bare_ms/1000}") |" >> "$out"
parse=$($bench parse "$csv" 2>&1 | grep -o '= [0-9]* rows/s' | grep -o '[0-9]*')
echo "| Mesure's CSV reader alone (no database) | $parse | |" >> "$out"
http_ms() { # median of 9 GETs of $1 with extra curl args
  local url=$1; shift
  for i in $(seq 9); do curl -s -o /dev/null -w '%{time_total}\n' "$@" "$url"; done | sort -n | sed -n 5p | awk '{printf "%.1f", $1*1000}'
}
results=""
run_backend() {
  local name=$1 url=$2
  local line token session client project
  line=$($bench time "$url" "$csv" 2>"$work/$name-import.txt")
  read -r token session client project <<<"$line"
  local rate secs inproc
  rate=$(grep -o '= [0-9]* rows/s' "$work/$name-import.txt" | grep -o '[0-9]*')
  secs=$(grep -o 'in [0-9.]* s' "$work/$name-import.txt" | grep -o '[0-9.]*')
  inproc=$(grep 'in-process' "$work/$name-import.txt" | sed 's/in-process: //')
  echo "| Mesure on $name (import service, one transaction, with aggregates) | $rate | $secs |" >> "$out"
  "$bin" serve --database-url "$url" --bind 127.0.0.1:$port --data-dir "$work" --no-worker >"$work/$name.log" 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
  local cookie="Cookie: mesure_session=$session"
  local auth="Authorization: Bearer $token"
  local dash client_page dash_api client_api
  dash=$(http_ms "http://127.0.0.1:$port/radar" -H "$cookie")
  client_page=$(http_ms "http://127.0.0.1:$port/radar/clients/$client" -H "$cookie")
  dash_api=$(http_ms "http://127.0.0.1:$port/api/v1/radar" -H "$auth")
  client_api=$(http_ms "http://127.0.0.1:$port/api/v1/clients/$client/radar" -H "$auth")
  local res rps p50 p99 errs
  res=$(MESURE_PROJECT=$project wrk -t2 -c32 -d"${dur}s" --latency -H "$auth" -s bench/entry.lua "http://127.0.0.1:$port")
  echo "$res" > "$work/$name-entry.txt"
  rps=$(echo "$res" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$res" | awk '$1=="50%"{print $2}')
  p99=$(echo "$res" | awk '$1=="99%"{print $2}')
  errs=$(echo "$res" | awk '/Non-2xx/{print $NF}'); errs=${errs:-0}
  kill -TERM $pid; wait $pid || true
  results="$results\n| $name | $inproc | $dash ms | $client_page ms | $dash_api ms | $client_api ms | $rps req/s, p50 $p50, p99 $p99, non-2xx $errs |"
}
run_backend sqlite "sqlite://$work/mesure.db"
dbname="mesure_bench_$(date +%s)"
psql "$pg_admin" -qc "CREATE DATABASE $dbname" && run_backend postgres "${pg_admin%/*}/$dbname" && psql "$pg_admin" -qc "DROP DATABASE $dbname" || echo "PostgreSQL run skipped"
{
  echo
  echo "| backend | in-process (medians of 7) | GET /radar (HTML) | GET /radar/clients/{id} (HTML) | GET /api/v1/radar | GET /api/v1/clients/{id}/radar | create one entry, 32 connections |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  printf "$results\n" | sed '/^$/d'
} >> "$out"
cat "$out"
rm -rf "$work"
