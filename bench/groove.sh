#!/usr/bin/env bash
# The groove timing benchmark: RUNS (default 6) runs of two pages, a late third and tempo changes in
# headless Chromium against the release jam-server; per run the pages' clock error, beat alignment
# between pages, late joiner and click error at tempo changes, on the machine's clock, against the
# goals of docs/benchmarks.md. Writes bench/results/groove/latest.md. Needs chromium (installed by
# scripts/ensure-chromium.sh if missing). Run it on a quiet machine.
#
#   bench/groove.sh            6 runs
#   RUNS=10 bench/groove.sh    more
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-chromium.sh
cargo build --release --locked -p jam-server
(cd web && { [[ -d node_modules ]] || npm ci; } && npm run build)
cd web
JAM_SERVER_BIN=../target/release/jam-server RUNS=${RUNS:-6} npx vitest run --config vitest.groove.config.ts
