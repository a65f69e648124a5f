#!/usr/bin/env bash
# Runs the README's demo command exactly as written, in a fresh clone of this repository, waits
# for "listening on", fetches /login and checks that every demo login is printed. Used by CI so
# the first command a new user types cannot break unnoticed.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=$(grep -m1 -E '^cargo run' README.md) || { echo "README has no 'cargo run' line"; exit 1; }
echo "README command: $cmd"
clone=$(mktemp -d /tmp/mesure-fresh-XXXXXX)
git clone -q . "$clone"
log="$clone/demo.log"
# The clone shares this checkout's build cache through CARGO_TARGET_DIR (the command stays literal).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
setsid bash -c "cd '$clone' && $cmd" >"$log" 2>&1 < /dev/null &
pid=$!
ok=1
for _ in $(seq 1 1200); do
  grep -q '^listening on' "$log" 2>/dev/null && { ok=0; break; }
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
addr=$(grep -m1 '^listening on' "$log" | awk '{print $3}' || true)
status=1
if [ "$ok" -eq 0 ] && curl -fsS "$addr/login" | grep -q 'name="password"'; then
  status=0
  for role in owner manager staff 'portal contact \(billing\)' 'portal contact \(project\)'; do
    grep -qE "^  $role +[^ ]+@" "$log" || { echo "no $role login printed"; status=1; }
  done
fi
[ "$status" -eq 0 ] || { echo "--- demo output"; tail -n 40 "$log"; }
kill -TERM -- "-$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
rm -rf "$clone"
[ "$status" -eq 0 ] && echo "README demo command: /login answered, five logins printed"
exit "$status"
