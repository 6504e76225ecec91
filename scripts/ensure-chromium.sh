#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing (the tests drive
# /usr/bin/chromium through playwright-core; no browser is downloaded from anywhere else).
set -euo pipefail
[ -x "${JAM_CHROMIUM:-/usr/bin/chromium}" ] && exit 0

echo "Chromium is missing: installing Debian's chromium package"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "error: need root (or sudo) to apt-get install chromium, or set JAM_CHROMIUM" >&2
  exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
