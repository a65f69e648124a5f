#!/usr/bin/env bash
# Inbound e-mail benchmark of issue 12, release build, on SQLite (a temporary file) and PostgreSQL
# (a fresh database on $MESURE_BENCH_PG, default postgres://postgres@127.0.0.1:5432/): N messages
# (default 10,000), one from each of N known contacts, every tenth with a PDF attached, in the
# inbox of a local dovecot (plain IMAP on 127.0.0.1, Maildir); `mesure-bench desk-mail` polls it
# once in-process: fetch (50 a round trip), keep each message, delete them from the mailbox,
# process each into a ticket. Prints messages per second for each engine.
# Usage: bench/desk_mail.sh [N]. Needs dovecot (Debian's dovecot-imapd), sqlite3 and psql.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
pg=${MESURE_BENCH_PG:-postgres://postgres@127.0.0.1:5432/}
pg=${pg%/}
for t in dovecot psql; do command -v $t >/dev/null || { echo "$t is missing"; exit 1; }; done
[ -n "${MESURE_BENCH_BIN:-}" ] || cargo build --release -q -p mesure-bench
bench=${MESURE_BENCH_BIN:-${CARGO_TARGET_DIR:-target}/release/mesure-bench}
out=${MESURE_BENCH_OUT:-bench/results/desk-mail-latest.md}
work=$(mktemp -d)
chmod 755 "$work"
dpid=""
trap '[ -n "$dpid" ] && kill $dpid 2>/dev/null; cp "$work/dovecot.log" /tmp/bench-dovecot.log 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ "$(id -u)" = 0 ]; then
  users="default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$work/mail/%u
}"
else
  users="default_internal_user = $USER
default_login_user = $USER
userdb {
  driver = static
  args = home=$work/mail/%u
}"
fi
mkdir -p "$work/run" "$work/mail"
cat > "$work/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $work/run
state_dir = $work/run/state
log_path = $work/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$work/mail/%u
first_valid_uid = 0
$users
passdb {
  driver = static
  args = password=secret
}
service imap-login {
  chroot =
  inet_listener imap {
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
CONF

run() { # engine url
  local engine=$1 url=$2
  rm -rf "$work/mail/desk"
  mkdir -p "$work/mail/desk/cur" "$work/mail/desk/tmp"
  local ws
  ws=$("$bench" desk-mail-setup "$url" "$work/mail/desk" "$n" | tail -1)
  [ "$(id -u)" = 0 ] && chown -R dovecot:dovecot "$work/mail"
  echo "## $engine"
  "$bench" desk-mail "$url" "$ws" "imap://desk:secret@127.0.0.1:$port/INBOX?tls=none" | tee "$work/$engine.txt"
}

dovecot -F -c "$work/dovecot.conf" & dpid=$!
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
{
  echo "# Inbound e-mail, $n messages ($(date -u +%F), $(nproc) cores)"
  echo
  run sqlite "sqlite://$work/bench.db"
  db=mesure_bench_mail
  psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  run postgres "$pg/$db"
  psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db"
} | tee "$out"
