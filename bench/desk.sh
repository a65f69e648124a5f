#!/usr/bin/env bash
# Service desk benchmark of issue 12, release build, on SQLite (a temporary file) and PostgreSQL
# (a fresh database on $MESURE_BENCH_PG, default postgres://postgres@127.0.0.1:5432/): a workspace
# with 20 clients, then TICKETS tickets (default 500,000) over the last year with six events each
# (3,000,000 by default) and their full-text rows, generated in SQL; the dashboard's running
# totals built by migration 16's own statements (as they would have been kept on each write);
# vacuumed and statistics gathered (as
# autovacuum would); then `mesure-bench desk` times the ticket list (open view, client and
# priority filter, a one-word and a two-word search) and the service dashboard of the last
# quarter in-process (medians of nine).
# Usage: bench/desk.sh [TICKETS]. MESURE_BENCH_BIN: another build; MESURE_BENCH_OUT: the result
# file (default bench/results/desk-latest.md).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-500000}
pg=${MESURE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/}
pg=${pg%/}
for t in sqlite3 psql; do command -v $t >/dev/null || { echo "$t is missing"; exit 1; }; done
[ -n "${MESURE_BENCH_BIN:-}" ] || cargo build --release -q -p mesure-bench
bench=${MESURE_BENCH_BIN:-${CARGO_TARGET_DIR:-target}/release/mesure-bench}
out=${MESURE_BENCH_OUT:-bench/results/desk-latest.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=mesure_bench_desk
now_us=$(( $(date +%s) * 1000000 ))
year_us=$(( 365 * 86400 * 1000000 ))

# The generated rows, one statement each; $ws and $owner are SQL literals of the engine, $uuid
# makes a fresh id, $series is a row source of i = 1..n.
gen_sql() {
  local ws=$1 owner=$2 uuid=$3 series=$4 max=9223372036854775807
  cat <<SQL
CREATE TEMP TABLE bench_clients AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM clients WHERE workspace_id = $ws;
INSERT INTO desk_settings (workspace_id, next_number, unknown_senders, policy, warn_minutes, updated_at) VALUES ($ws, $((n + 1)), 'pending', '{"name":"standard","low":{"first_response":480,"resolution":2400},"normal":{"first_response":240,"resolution":1440},"high":{"first_response":120,"resolution":480},"urgent":{"first_response":60,"resolution":240}}', 60, $now_us);
INSERT INTO desk_tickets (workspace_id, id, number, client_id, contact_id, requester, subject, kind, category_id, feature, invoice_id, priority, status, tier, channel, assignee_id, merged_into, follows, created_at, first_response_at, resolved_at, first_response_minutes, resolution_minutes, public_replies, reopens, transfers, escalated, first_response_due, resolution_due, due_at, breached, updated_at, version)
SELECT $ws, $uuid, i, (SELECT b.id FROM bench_clients b WHERE b.k = i % 20), NULL, 'Client ' || i,
  CASE i % 8 WHEN 0 THEN 'Facture introuvable' WHEN 1 THEN 'Imprimante en panne' WHEN 2 THEN 'Mot de passe oublié' WHEN 3 THEN 'Site lent' WHEN 4 THEN 'Ajouter une page' WHEN 5 THEN 'Export comptable' WHEN 6 THEN 'Paiement refusé' ELSE 'Question sur le contrat' END || ' ' || i,
  CASE i % 5 WHEN 0 THEN 'question' WHEN 1 THEN 'incident' WHEN 2 THEN 'request' WHEN 3 THEN 'complaint' ELSE 'billing_error' END, NULL, NULL, NULL,
  CASE (i / 20) % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'normal' WHEN 2 THEN 'high' ELSE 'urgent' END,
  CASE WHEN i % 20 = 0 THEN 'open' WHEN i % 20 = 1 THEN 'waiting_customer' WHEN i % 20 = 2 THEN 'new' WHEN i % 3 = 0 THEN 'closed' ELSE 'resolved' END,
  CASE WHEN i % 7 = 0 THEN 'second' ELSE 'first' END,
  CASE i % 6 WHEN 0 THEN 'portal' WHEN 1 THEN 'email' WHEN 2 THEN 'phone' WHEN 3 THEN 'chat' WHEN 4 THEN 'api' ELSE 'web_form' END,
  CASE WHEN i % 4 = 0 THEN NULL ELSE $owner END, NULL, NULL,
  $now_us - $year_us + i * ($year_us / $n), $now_us - $year_us + i * ($year_us / $n) + 1800000000,
  CASE WHEN i % 20 < 3 THEN NULL ELSE $now_us - $year_us + i * ($year_us / $n) + 86400000000 END,
  30, CASE WHEN i % 20 < 3 THEN NULL ELSE 300 + i % 600 END,
  1 + i % 2, CASE WHEN i % 13 = 0 THEN 1 ELSE 0 END, CASE WHEN i % 11 = 0 THEN 1 ELSE 0 END, i % 7 = 0,
  NULL, CASE WHEN i % 20 IN (0, 2) THEN $now_us - $year_us + i * ($year_us / $n) + 28800000000 END,
  CASE WHEN i % 20 IN (0, 2) THEN $now_us - $year_us + i * ($year_us / $n) + 28800000000 ELSE $max END,
  i % 9 = 0, $now_us - $year_us + i * ($year_us / $n), 1
FROM $series;
INSERT INTO desk_events (workspace_id, id, ticket_id, at, kind, actor_id, customer, body, from_value, to_value, reason, message_id)
SELECT t.workspace_id, $uuid, t.id, t.created_at + v.k * CAST(600000000 AS BIGINT), v.kind, CASE WHEN v.k = 0 THEN NULL ELSE $owner END, v.k = 0,
  CASE WHEN v.kind IN ('customer', 'reply', 'note') THEN 'Bonjour, ' || t.subject || ' : bourrage papier, merci de regarder.' END, NULL,
  CASE WHEN v.kind = 'status' THEN 'open' END, NULL, NULL
FROM desk_tickets t CROSS JOIN (SELECT 0 AS k, 'customer' AS kind UNION ALL SELECT 1, 'assign' UNION ALL SELECT 2, 'reply' UNION ALL SELECT 3, 'status' UNION ALL SELECT 4, 'note' UNION ALL SELECT 5, 'status') v
WHERE t.workspace_id = $ws;
SQL
}

# The full-text rows: PostgreSQL's table as is; SQLite's keyed by ticket (migration 18: each
# ticket a number, its texts the rowids number * 2^20 + k).
fts_pg() {
  local ws=$1
  cat <<SQL
INSERT INTO fts_desk (workspace_id, id, ticket_id, body) SELECT workspace_id, gen_random_uuid(), id, subject FROM desk_tickets WHERE workspace_id = $ws;
INSERT INTO fts_desk (workspace_id, id, ticket_id, body) SELECT workspace_id, gen_random_uuid(), ticket_id, body FROM desk_events WHERE workspace_id = $ws AND kind = 'customer';
SQL
}
fts_sqlite() {
  local ws=$1
  cat <<SQL
INSERT INTO fts_desk_tickets (workspace_id, ticket_id) SELECT workspace_id, id FROM desk_tickets WHERE workspace_id = $ws ORDER BY created_at, id;
INSERT INTO fts_desk (rowid, workspace_id, id, ticket_id, body) SELECT s.seq << 20, t.workspace_id, randomblob(16), t.id, t.subject FROM desk_tickets t JOIN fts_desk_tickets s ON s.workspace_id = t.workspace_id AND s.ticket_id = t.id WHERE t.workspace_id = $ws;
INSERT INTO fts_desk (rowid, workspace_id, id, ticket_id, body) SELECT (s.seq << 20) + 1, e.workspace_id, randomblob(16), e.ticket_id, e.body FROM desk_events e JOIN fts_desk_tickets s ON s.workspace_id = e.workspace_id AND s.ticket_id = e.ticket_id WHERE e.workspace_id = $ws AND e.kind = 'customer';
SQL
}

rows=""
measure() {
  local engine=$1 url=$2 ws=$3 owner=$4
  local res
  res=$("$bench" desk "$url" "$ws" "$owner")
  echo "$res" | sed "s/^/$engine /"
  rows+="$(echo "$res" | awk -v e="$engine" '{printf "| %s | %s | %s |\n", e, $2, $3}')"$'\n'
}

# SQLite (MESURE_BENCH_PG_ONLY=1 skips it)
if [ -z "${MESURE_BENCH_PG_ONLY:-}" ]; then
file="$work/desk.db"
read -r ws owner <<<"$("$bench" desk-setup "sqlite://$file")"
hex=$(echo "$ws" | tr -d '-')
ohex=$(echo "$owner" | tr -d '-')
t0=$(date +%s)
{ echo "BEGIN;"; gen_sql "X'$hex'" "X'$ohex'" "randomblob(16)" "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n) SELECT i FROM s)"; fts_sqlite "X'$hex'"; sed -n '/-- sqlite-only begin/,/-- sqlite-only end/p' migrations/sqlite/0016_desk_totals.sql | grep '^INSERT'; echo "COMMIT; ANALYZE;"; } | sqlite3 "$file"
echo "sqlite: generated in $(( $(date +%s) - t0 )) s"
measure SQLite "sqlite://$file" "$ws" "$owner"
# MESURE_BENCH_KEEP_SQLITE=PATH keeps the SQLite database (and prints its ids) for experiments.
if [ -n "${MESURE_BENCH_KEEP_SQLITE:-}" ]; then
  cp "$file" "$MESURE_BENCH_KEEP_SQLITE"
  echo "kept $MESURE_BENCH_KEEP_SQLITE: $ws $owner"
fi
[ -n "${MESURE_BENCH_SQLITE_ONLY:-}" ] && exit 0
fi

# PostgreSQL
psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
url="$pg/$db"
read -r ws owner <<<"$("$bench" desk-setup "$url")"
t0=$(date +%s)
{ echo "BEGIN;"; gen_sql "'$ws'::uuid" "'$owner'::uuid" "gen_random_uuid()" "generate_series(1, $n) AS s(i)"; fts_pg "'$ws'::uuid"; sed -n '/-- postgres-only begin/,/-- postgres-only end/p' migrations/postgres/0016_desk_totals.sql | grep '^INSERT'; echo "COMMIT; VACUUM ANALYZE;"; } | psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null
echo "postgres: generated in $(( $(date +%s) - t0 )) s"
measure PostgreSQL "$url" "$ws" "$owner"
# MESURE_BENCH_KEEP_PG=1 keeps the PostgreSQL database (and prints its ids) for experiments.
if [ -n "${MESURE_BENCH_KEEP_PG:-}" ]; then
  echo "kept $url: $ws $owner"
else
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
fi

{
  echo "# Service desk, $n tickets, $((n * 6)) events ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "| engine | figure | ms (median of 9) |"
  echo "| --- | --- | --- |"
  printf "%s" "$rows"
} >"$out"
cat "$out"
