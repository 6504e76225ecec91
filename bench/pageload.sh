#!/usr/bin/env bash
# First load of the page over DevTools' "Fast 3G" profile in headless Chromium (bench/pageload.mjs):
# the page served by the server from before issue 17 (no compression, no cache headers: BEFORE, built
# from git in a worktree) and by this one, RUNS (default 5) loads each, interleaved, medians.
#
#   bench/pageload.sh                      before = commit 2deefa0, after = this tree
#   BEFORE=<rev> RUNS=9 bench/pageload.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-chromium.sh
before_rev=${BEFORE:-2deefa0}
worktree=target/pageload-before
if [[ ! -x $worktree/target/release/jam-server ]]; then
  rm -rf "$worktree" && git worktree prune
  git worktree add --detach "$worktree" "$before_rev" >/dev/null
  (cd "$worktree" && CARGO_TARGET_DIR=target cargo build --release --locked -q -p jam-server)
fi
cargo build --release --locked -q -p jam-server
(cd web && { [[ -d node_modules ]] || npm ci; } && npm run build --silent)
RUNS=${RUNS:-5} node bench/pageload.mjs "$worktree/target/release/jam-server" target/release/jam-server
