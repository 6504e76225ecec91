#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing (the tests drive
# /usr/bin/chromium through playwright-core; no browser is downloaded from anywhere else).
set -euo pipefail
"$(dirname "$0")/ensure-package.sh" "${JAM_CHROMIUM:-/usr/bin/chromium}" chromium fonts-dejavu-core
