#!/usr/bin/env bash
# The whole test suite: formatting, lints, Rust unit and integration tests, the TypeScript type check,
# component tests, the tests that drive the real server with the official socket.io-client, and the
# browser tests of the page in Chromium (installed from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "web dependencies"
if [ ! -d web/node_modules ]; then (cd web && npm ci --no-audit --no-fund); fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --locked --all-targets -- -D warnings

step "cargo test (unit, integration, generated TypeScript types are fresh)"
cargo test --locked

step "the README's run command resolves to the server"
cargo run --locked -q -p jam-server -- --version

step "tsc --noEmit"
(cd web && npx tsc --noEmit)

step "chromium for the browser tests"
./scripts/ensure-chromium.sh

step "web: components, real server with socket.io-client, the built page in Chromium"
cargo build --locked -p jam-server
(cd web && npm run build --silent)
mkdir -p test-output
(cd web && npx vitest run --reporter=default --reporter=json --outputFile=../test-output/vitest.json)
node -e '
  const r = require("./test-output/vitest.json");
  console.log(`web: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
'
