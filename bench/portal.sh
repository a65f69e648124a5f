#!/usr/bin/env bash
# Portal benchmark of issue 11, release build, on SQLite (a temporary file) and PostgreSQL (a
# fresh database on $MESURE_BENCH_PG, default postgres://postgres@127.0.0.1:5432/): one invoice
# of ENTRIES approved entries (default 5,000) on one line, issued; a billing contact's portal
# session; then over HTTP (median of 9 GETs each, `mesure serve`, no worker):
# - the portal invoice page (`/portal/invoices/{id}`: lines, the first entries of each, totals);
# - the first and the last page of the line's entries (`/portal/invoices/{id}/lines/{line}`);
# - the invoice's PDF from the portal.
# Usage: bench/portal.sh [ENTRIES]. MESURE_BIN / MESURE_BENCH_BIN: other builds; MESURE_BENCH_OUT:
# the result file (default bench/results/portal-latest.md).
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-5000}
pg=${MESURE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/}
pg=${pg%/}
for t in curl psql; do command -v $t >/dev/null || { echo "$t is missing"; exit 1; }; done
[ -n "${MESURE_BIN:-}" ] || cargo build --release -q -p mesure -p mesure-bench
bin=${MESURE_BIN:-${CARGO_TARGET_DIR:-target}/release/mesure}
bench=${MESURE_BENCH_BIN:-${CARGO_TARGET_DIR:-target}/release/mesure-bench}
out=${MESURE_BENCH_OUT:-bench/results/portal-latest.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=18083
db=mesure_bench_portal
http_ms() { # median of 9 GETs of $1 with the session cookie; fails unless every answer is 200
  local url=$1 codes
  codes=$(for i in $(seq 9); do curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: mesure_session=$session" "$url"; done)
  if echo "$codes" | grep -qv '^200 '; then echo "non-200 from $url: $codes" >&2; exit 1; fi
  echo "$codes" | awk '{print $2}' | sort -n | sed -n 5p | awk '{printf "%.1f", $1*1000}'
}
rows=""
run() {
  local engine=$1 url=$2 line invoice lineid pid base
  line=$("$bench" portal "$url" "$entries" 2>>"$work/log.txt")
  read -r session invoice lineid <<<"$line"
  "$bin" serve --database-url "$url" --bind 127.0.0.1:$port --data-dir "$work" --no-worker >"$work/$engine.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
  base="http://127.0.0.1:$port/portal/invoices/$invoice"
  # The last page: follow the "next" links to the end.
  local next="/portal/invoices/$invoice/lines/$lineid" last pages=0
  while [ -n "$next" ]; do
    last=$next; pages=$((pages + 1))
    next=$(curl -s -H "Cookie: mesure_session=$session" "http://127.0.0.1:$port$next" | grep -o 'href="[^"]*" rel="next"' | sed 's/href="//; s/" rel="next"//; s/&amp;/\&/g' || true)
  done
  local page first lastp pdf
  page=$(http_ms "$base")
  first=$(http_ms "$base/lines/$lineid")
  lastp=$(http_ms "http://127.0.0.1:$port$last")
  pdf=$(http_ms "$base/pdf")
  kill -TERM $pid; wait $pid || true
  rows="$rows\n| $engine | $page ms | $first ms | $lastp ms ($pages pages) | $pdf ms |"
}
rm -f "$work"/bench.db*
run SQLite "sqlite://$work/bench.db"
psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" && psql "$pg/postgres" -qc "CREATE DATABASE $db"
run PostgreSQL "$pg/$db"
psql "$pg/postgres" -qc "DROP DATABASE $db"
{
  echo "# Mesure issue 11 portal benchmark — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB. One issued invoice of $entries entries on one line; a billing contact's session; median of 9 GETs over HTTP (release build, \`mesure serve --no-worker\`). Target: the portal invoice page < 100 ms."
  echo
  echo "| engine | invoice page | line's entries, first page | last page | PDF |"
  echo "| --- | --- | --- | --- | --- |"
  printf "$rows\n" | sed '/^$/d'
} > "$out"
cat "$out"
