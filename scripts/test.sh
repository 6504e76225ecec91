#!/usr/bin/env bash
# The whole test suite: formatting, lints, Rust unit and integration tests, the TypeScript type check,
# component tests, the tests that drive the real server with the official socket.io-client (one node,
# and a cluster of nodes sharing a Redis), and the browser tests of the page in Chromium (Chromium,
# redis-server and nginx are installed from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "web dependencies"
if [ ! -d web/node_modules ]; then (cd web && npm ci --no-audit --no-fund); fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --locked --all-targets -- -D warnings

step "redis-server and nginx for the cluster tests"
./scripts/ensure-redis.sh
./scripts/ensure-nginx.sh
# One throwaway redis-server on a free loopback port (nothing saved), so the SessionManager tests run
# against Redis as well as in memory; the cluster tests in web/test/ start their own.
redis_port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
redis_dir="$(mktemp -d)"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$redis_dir" --save "" --appendonly no \
  --daemonize no >"$redis_dir/redis.log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
redis_up() { redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; }
for _ in $(seq 100); do redis_up && break; sleep 0.1; done
redis_up || { echo "error: the test redis-server did not start" >&2; cat "$redis_dir/redis.log" >&2; exit 1; }
export JAM_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/"

step "cargo test (unit, integration, generated TypeScript types are fresh; SessionManager on Redis too)"
# The tests that need Redis are #[ignore]d for a plain `cargo test` (reported as ignored, never as
# passed); here they run against the throwaway redis-server above.
cargo test --locked -- --include-ignored

step "the patched upstream crates' own tests (vendor/; they need their test-harness feature)"
cargo clippy --locked -p engineioxide-core -p engineioxide -p socketioxide-core -p socketioxide --all-features --all-targets -- -D warnings
cargo test --locked -p engineioxide-core -p engineioxide -p socketioxide-core -p socketioxide --all-features

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
