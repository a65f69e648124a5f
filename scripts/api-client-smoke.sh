#!/usr/bin/env bash
# Generates a Python client from the served OpenAPI document with openapi-python-client (what an
# integrator would do) and drives a demo server through it: the generator must accept the
# document without skipping an endpoint, and the generated client must create, page, log time,
# read a typed radar and import a CSV. Usage: scripts/api-client-smoke.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/mesure}
[ -x .venv/bin/openapi-python-client ] || .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-ci.txt
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" demo --data-dir "$dir" --bind "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" >"$dir/openapi.json"
cat >"$dir/config.yml" <<'YAML'
project_name_override: mesure-client
package_name_override: mesure_client
# The import's `text/csv` body is a file body like application/octet-stream (the generated
# client still sends `Content-Type: text/csv`).
content_type_overrides:
  text/csv: application/octet-stream
  # An invoice's PDF and Factur-X XML, and the logo sent as an image, are files too.
  application/pdf: application/octet-stream
  application/xml: application/octet-stream
  image/png: application/octet-stream
post_hooks: []
YAML
.venv/bin/openapi-python-client generate --path "$dir/openapi.json" --output-path "$dir/client/mesure_client" \
  --config "$dir/config.yml" --meta none 2>&1 | tee "$dir/generate.log"
# Any warning means an operation, parameter or schema was skipped or guessed: fail on it.
if grep -qiE 'warning|unable to|skipp|could not|cannot' "$dir/generate.log"; then
  echo "openapi-python-client warned about the document (above)" >&2
  exit 1
fi
token=$("$bin" token create --data-dir "$dir" --email camille.martin@atelier-lumiere.fr --name api-client-smoke)
.venv/bin/python scripts/api_client_smoke.py "$dir/client" "http://127.0.0.1:$port" "$token"
