#!/usr/bin/env bash
# Starts the real mail servers the integration tests talk to (Dovecot for
# IMAP/POP3, Postfix for SMTP, on loopback ports 10025-10995) from
# ../shared/peers, unless they are already running, and prints the folder
# to pass as MAILWIRE_PEERS. Prints nothing (and exits 0) where they cannot
# run (not root, or no shared/ beside the repository): the tests that need
# them then say so (they fail when MAILWIRE_PEERS is set but unreachable).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${MAILWIRE_SHARED:-$root/../shared}
dir=${MAILWIRE_PEERS_DIR:-/tmp/mailpeers}
start=$shared/peers/start-peers.sh
if [ ! -x "$start" ] && [ ! -f "$start" ]; then
  echo "peers: $start not found; integration tests with Dovecot/Postfix will not run" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "peers: not root; run 'sudo bash $start $dir' and set MAILWIRE_PEERS=$dir" >&2
  exit 0
fi
running() {
  local pf=$1
  [ -s "$pf" ] && kill -0 "$(tr -d ' \n' < "$pf")" 2>/dev/null
}
if running "$dir/run/dovecot/master.pid" && running "$dir/postfix-spool/pid/master.pid"; then
  echo "$dir"
  exit 0
fi
bash "$start" "$dir" >&2
echo "$dir"
