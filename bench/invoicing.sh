#!/usr/bin/env bash
# Invoicing benchmarks of issue 10, release build, on SQLite (a temporary file) and PostgreSQL (a
# fresh database `mesure_bench_inv` on $MESURE_BENCH_PG, default postgres://postgres@127.0.0.1:5432/,
# created and dropped around each run):
# - `mesure-bench invoice URL ENTRIES`: build and issue one invoice of ENTRIES approved entries
#   (median of five), PDF + Factur-X of a 13-line and of a 2,000-line invoice (medians);
# - `mesure-bench month-end URL`: month-end invoicing of the medium data set (200 clients,
#   ~120,000 entries over twelve months) including every PDF, then a month-end after eleven
#   months of history already invoiced.
# Usage: bench/invoicing.sh [ENTRIES] (default 5000).
# MESURE_BENCH_BIN: another build's `mesure-bench`; MESURE_BENCH_BIN_BEFORE: an older build's, run
# on the same machine in the same run for before/after columns; MESURE_BENCH_OUT: the result file
# (default bench/results/invoicing-latest.md).
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-5000}
pg=${MESURE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/}
pg=${pg%/}
[ -n "${MESURE_BENCH_BIN:-}" ] || cargo build --release -q -p mesure-bench
after=${MESURE_BENCH_BIN:-${CARGO_TARGET_DIR:-target}/release/mesure-bench}
before=${MESURE_BENCH_BIN_BEFORE:-}
out=${MESURE_BENCH_OUT:-bench/results/invoicing-latest.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=mesure_bench_inv

# run BIN ENGINE COMMAND… : the bench's `figure` lines into $work/<label>.txt
run() {
  local label=$1 bin=$2 engine=$3; shift 3
  local url
  if [ "$engine" = sqlite ]; then
    rm -f "$work"/bench.db*
    url="sqlite://$work/bench.db"
  else
    psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" && psql "$pg/postgres" -qc "CREATE DATABASE $db"
    url="$pg/$db"
  fi
  echo "== $label: $engine $*" >&2
  "$bin" "$1" "$url" "${@:2}" 2>>"$work/log.txt" | tee -a "$work/$label-$engine.txt" >&2
  if [ "$engine" = postgres ]; then psql "$pg/postgres" -qc "DROP DATABASE $db"; fi
}
fig() { awk -v k="$1" '$1=="figure" && $2==k {print $3}' "$work/$2.txt" | tail -1; }
ms() { awk -v v="$1" 'BEGIN{ if (v=="") print "—"; else printf "%.0f ms", v }'; }
secs() { awk -v v="$1" 'BEGIN{ if (v=="") print "—"; else printf "%.1f s", v }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN{ if (n=="" || s=="" || s==0) print "—"; else printf "%.0f", n/s }'; }

labels="after"
[ -n "$before" ] && labels="before after"
for engine in sqlite postgres; do
  for label in $labels; do
    bin=$after; [ "$label" = before ] && bin=$before
    run "$label" "$bin" "$engine" invoice "$entries"
    run "$label" "$bin" "$engine" month-end
  done
done

{
  echo "# Mesure issue 10 invoicing benchmarks — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r). Release build, in-process through the services; SQLite in a temporary file, PostgreSQL $(psql "$pg/postgres" -tAc 'SHOW server_version' 2>/dev/null || echo '?') on the same machine."
  echo "Commit: $(git rev-parse --short HEAD)${before:+ (\"before\": the build given as MESURE_BENCH_BIN_BEFORE)}."
  echo
  echo "## One invoice, and the documents"
  echo
  echo "| engine | build | $entries-entry invoice: draft (median of 5) | draft + issue (median of 5) | PDF + Factur-X, $(fig small_lines after-sqlite | cut -d. -f1)-line invoice (median of 15) | PDF + Factur-X, $(fig big_lines after-sqlite | cut -d. -f1)-line invoice (median of 7) |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for engine in sqlite postgres; do
    for label in $labels; do
      f="$label-$engine"
      echo "| $engine | $label | $(ms "$(fig invoice_build_ms "$f")") | $(ms "$(fig invoice_build_issue_ms "$f")") | $(ms "$(fig small_pdf_ms "$f")") | $(ms "$(fig big_pdf_ms "$f")") |"
    done
  done
  echo
  echo "Targets: a 5,000-entry invoice built and issued in under 1 s; PDF + XML under 100 ms per invoice."
  echo
  echo "## Month-end invoicing of the medium data set"
  echo
  echo "200 clients with their SIREN and address, one time-and-materials project each at 100 €/h, 40 people, 120,000 approved entries over the twelve months before this one; drafts grouped per person, issued, and every PDF (with its Factur-X) rendered. *First*: one month-end over the twelve months. *After 11 months*: the same data in another workspace invoiced month by month for eleven months (the history), then the twelfth month's month-end. Entries/s counts the time entries billed (the ERP reference counts timesheet lines invoiced, about 1,900 lines/s)."
  echo
  echo "| engine | build | first: documents | entries | invoice lines | month-end alone | incl. PDFs | entries/s incl. PDFs | 11 months of history (no PDFs) | after 11 months: documents | entries | month-end alone | incl. PDFs | entries/s |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for engine in sqlite postgres; do
    for label in $labels; do
      f="$label-$engine"
      echo "| $engine | $label | $(fig first_documents "$f" | cut -d. -f1) | $(fig first_entries "$f" | cut -d. -f1) | $(fig first_lines "$f" | cut -d. -f1) | $(secs "$(fig first_batch_seconds "$f")") | $(secs "$(fig first_seconds "$f")") | $(rate "$(fig first_entries "$f")" "$(fig first_seconds "$f")") | $(secs "$(fig history_seconds "$f")") | $(fig second_documents "$f" | cut -d. -f1) | $(fig second_entries "$f" | cut -d. -f1) | $(secs "$(fig second_batch_seconds "$f")") | $(secs "$(fig second_seconds "$f")") | $(rate "$(fig second_entries "$f")" "$(fig second_seconds "$f")") |"
    done
  done
  echo
  echo "Target: month-end of 200 clients and ~120,000 entries including PDFs under 10 s (reference: about 1,900 lines/s)."
} > "$out"
cat "$out"
