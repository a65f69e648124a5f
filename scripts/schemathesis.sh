#!/usr/bin/env bash
# Fuzzes the JSON API from its own OpenAPI document with schemathesis against a demo server:
# no 5xx, documented statuses and content types, responses matching their schemas, negative data
# refused. (Positive-data acceptance is excluded: SIREN/VAT checksums and time zones are validated
# beyond what a JSON schema can say.) Usage: scripts/schemathesis.sh [BINARY] [EXAMPLES] [PG_URL]
# With PG_URL (a PostgreSQL server URL, e.g. postgres://postgres@127.0.0.1:5432/test) the demo runs
# on a fresh PostgreSQL database made for the run and dropped after it; else on SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/mesure}
examples=${2:-40}
pg=${3:-}
[ -x .venv/bin/schemathesis ] && [ -x .venv/bin/openapi-spec-validator ] || .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-ci.txt
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
db=""
if [ -n "$pg" ]; then
  db="mesure_schemathesis_$$"
  psql "$pg" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
  psql "$pg" -qc "CREATE DATABASE $db" >/dev/null
  export MESURE_DATABASE_URL="${pg%/*}/$db"
fi
"$bin" demo --data-dir "$dir" --bind "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null
  [ -n "$db" ] && psql "$pg" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
# The served document is valid OpenAPI (what integrators' generators check first).
curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" >"$dir/openapi.json"
.venv/bin/openapi-spec-validator "$dir/openapi.json"
token=$("$bin" token create --data-dir "$dir" --email camille.martin@atelier-lumiere.fr --name schemathesis)
.venv/bin/schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks all --exclude-checks positive_data_acceptance \
  -n "$examples" --seed 20261124
