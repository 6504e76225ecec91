#!/usr/bin/env bash
# Builds the web page and runs jam-server serving it, reachable from other devices on the network.
# Extra arguments go to jam-server (e.g. `--port 8080`); `--host 127.0.0.1` keeps it to this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d web/node_modules ]; then (cd web && npm ci --no-audit --no-fund); fi
(cd web && npm run build --silent)
exec cargo run --release --locked -p jam-server -- --host 0.0.0.0 --static-dir web/dist "$@"
