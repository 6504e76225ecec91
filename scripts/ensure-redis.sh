#!/usr/bin/env bash
# Installs Debian's redis-server when it is missing: the cluster tests (and the Rust cluster tests run
# against Redis) start their own throwaway redis-server on a free loopback port.
set -euo pipefail
"$(dirname "$0")/ensure-package.sh" redis-server redis-server
