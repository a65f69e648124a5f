#!/usr/bin/env bash
# Benchmarks of issue 2 on this machine: list clients (page of 50, with search) and create a
# client under 32 concurrent connections from wrk (a second process), the server's peak memory,
# and cold start on an existing database; SQLite and PostgreSQL in one run so ratios compare.
# Usage: bench/run.sh [DURATION_SECONDS] (default 10). Needs wrk (apt-get install wrk) and, for
# PostgreSQL, a server at $MESURE_BENCH_PG (default postgres://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10}
pg_admin=${MESURE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/test}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
# MESURE_BIN / MESURE_BENCH_BIN: another build's binaries (before/after in one run);
# MESURE_BENCH_OUT: where to write the results.
[ -n "${MESURE_BIN:-}" ] || cargo build --release -q -p mesure -p mesure-bench
bin=${MESURE_BIN:-target/release/mesure}
benchbin=${MESURE_BENCH_BIN:-target/release/mesure-bench}
work=$(mktemp -d)
out=${MESURE_BENCH_OUT:-bench/results/latest.md}
port=18080
{
  echo "# Mesure benchmarks — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r). Data: 2,000 clients, 10,000 contacts."
  echo "Load: wrk, 2 threads, 32 connections, ${dur}s per scenario, on the same machine."
  echo
  echo "| backend | scenario | requests/s | p50 | p99 | errors |"
  echo "| --- | --- | --- | --- | --- | --- |"
} > "$out"
summary=""
run_backend() {
  local name=$1 url=$2
  local token
  token=$($benchbin seed "$url" 2000 10000)
  # Cold start on the existing database: spawn to first /readyz success.
  local t0 t1
  t0=$(date +%s%N)
  "$bin" serve --database-url "$url" --bind 127.0.0.1:$port --data-dir "$work" --no-worker >"$work/$name.log" 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.005; done
  t1=$(date +%s%N)
  local start_ms=$(( (t1 - t0) / 1000000 ))
  for scenario in list create; do
    local res
    if [ "$scenario" = list ]; then
      res=$(wrk -t2 -c32 -d"${dur}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/clients?q=conseil&limit=50")
    else
      res=$(wrk -t2 -c32 -d"${dur}s" --latency -H "Authorization: Bearer $token" -s bench/create.lua "http://127.0.0.1:$port")
    fi
    echo "$res" > "$work/$name-$scenario.txt"
    local rps p50 p99 errs
    rps=$(echo "$res" | awk '/Requests\/sec/{print $2}')
    p50=$(echo "$res" | awk '$1=="50%"{print $2}')
    p99=$(echo "$res" | awk '$1=="99%"{print $2}')
    errs=$(echo "$res" | awk '/Non-2xx/{print $NF}'); errs=${errs:-0}
    echo "| $name | $scenario | $rps | $p50 | $p99 | $errs |" >> "$out"
  done
  local peak
  peak=$(awk '/VmHWM/{print $2 " " $3}' /proc/$pid/status)
  kill -TERM $pid; wait $pid || true
  summary="$summary\n| $name | cold start ${start_ms} ms | peak RSS $peak |"
}
rm -f "$work/bench.db"
run_backend sqlite "sqlite://$work/bench.db"
dbname="mesure_bench_$(date +%s)"
psql "$pg_admin" -qc "CREATE DATABASE $dbname" && run_backend postgres "${pg_admin%/*}/$dbname" && psql "$pg_admin" -qc "DROP DATABASE $dbname" || echo "PostgreSQL run skipped"
{ echo; echo "| backend | start | memory |"; echo "| --- | --- | --- |"; printf "$summary\n" | sed '/^$/d'; } >> "$out"
cat "$out"
rm -rf "$work"
