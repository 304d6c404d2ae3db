#!/usr/bin/env bash
# Installs what the tests need where it is missing: Debian's Chromium for
# the browser tests. Other test dependencies add themselves here.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  if [ "$(id -u)" != 0 ] || ! have apt-get; then
    echo "test-deps: missing $*; install with: apt-get install -y --no-install-recommends $*" >&2
    return 1
  fi
  if [ -z "${MAILWIRE_APT_UPDATED:-}" ]; then
    apt-get update -qq
    export MAILWIRE_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! have chromium && ! have chromium-browser && [ -z "${MAILWIRE_CHROMIUM:-}" ]; then
  echo "test-deps: installing Chromium for the browser tests"
  apt_install chromium fonts-liberation
fi
have node || { echo "test-deps: node is required (GOOS=js tests, tsc)" >&2; exit 1; }
echo "test-deps: ok"
