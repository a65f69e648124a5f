#!/usr/bin/env bash
# Generates a Python client from the served OpenAPI document with openapi-python-client (pinned
# in scripts/requirements-ci.txt) and drives a demo server (SQLite) with it: create a client,
# list clients page by page with the cursor, log time, read a project's radar as typed objects,
# import a CSV through the multipart form. Fails on any generator warning or failed step.
# Usage: scripts/api-client-smoke.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/mesure}
[ -x .venv/bin/openapi-python-client ] || .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-ci.txt
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" demo --data-dir "$dir/data" --bind "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
pid=$!
cleanup() { kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" >"$dir/openapi.json"
# The generator formats its output with ruff, which the venv holds.
PATH="$PWD/.venv/bin:$PATH" .venv/bin/openapi-python-client generate --path "$dir/openapi.json" \
  --config scripts/api-client-config.yml --output-path "$dir/mesure_client" --meta none >"$dir/generate.log" 2>&1 \
  || { cat "$dir/generate.log"; exit 1; }
if grep -qi "warning" "$dir/generate.log"; then
  echo "the generator warned:"; cat "$dir/generate.log"; exit 1
fi
token=$("$bin" token create --data-dir "$dir/data" --email camille.martin@atelier-lumiere.fr --name api-client)
PYTHONPATH="$dir" \
  .venv/bin/python scripts/api_client_smoke.py "http://127.0.0.1:$port" "$token"
