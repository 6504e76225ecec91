#!/usr/bin/env bash
# ensure-package.sh BINARY PACKAGE... — installs Debian's PACKAGEs when BINARY is not there (as root,
# or through sudo). Used by ensure-chromium.sh, ensure-nginx.sh and ensure-redis.sh.
set -euo pipefail
binary=$1
shift
[ -x "$binary" ] || command -v "$binary" >/dev/null 2>&1 && exit 0

echo "$binary is missing: installing Debian's $*"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "error: need root (or sudo) to apt-get install $*" >&2
  exit 1
fi
install() { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
# A fresh image may have no (or stale) package lists: update only when installing without them fails.
install "$@" || { $sudo apt-get update -qq && install "$@"; }
