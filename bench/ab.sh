#!/usr/bin/env bash
# A/B of jam-server builds, interleaved, REPEATS times (a change's effect is read as the ratio between
# builds in the same run; machines here vary ±30% between runs). Two scenarios:
#   bench/ab.sh 3 /tmp/jam-before target/release/jam-server raw
#     fan-out: one line per run: repeat, binary, deliveries/CPU-s, p99 ms, other processes' CPU,
#     delivery ratio ("raw" is the raw relay);
#   SCENARIO=idle bench/ab.sh 3 /tmp/jam-before target/release/jam-server
#     idle: IDLE_N connections (default 8000) in rooms of 10, held 10 s: repeat, binary, RSS bytes per
#     connection, connections held;
#   SCENARIO=churn bench/ab.sh 3 /tmp/jam-before target/release/jam-server raw
#     churn: repeat, binary, cycles/CPU-s, cycle p99 ms, errors.
# Build the binaries first (e.g. `git stash; cargo build --release -p jam-server; cp …`).
set -euo pipefail
cd "$(dirname "$0")/.."
reps=$1
shift
scenario=${SCENARIO:-fanout}
RELAXED=(--rate-limit 100000 --rate-burst 100000 --max-creates-per-minute 100000
  --max-code-misses-per-minute 100000 --max-rooms 1000000 --max-participants 64)
read -r -a FANOUT <<<"${FANOUT:---warmup 3s --duration 12s}"
IDLE=(--connections "${IDLE_N:-8000}" --hold 10s)
cargo build --release -q -p jam-bench -p raw-relay
port=${PORT_BASE:-3100}
for r in $(seq "$reps"); do
  for v in "$@"; do
    port=$((port + 1))
    if [[ $v == raw ]]; then
      taskset -c 0 target/release/raw-relay --port "$port" >/dev/null 2>&1 &
    else
      taskset -c 0 "$v" --host 127.0.0.1 --port "$port" "${RELAXED[@]}" >/dev/null 2>&1 &
    fi
    pid=$!
    sleep 0.7
    case $scenario in
      idle) args=(idle "${IDLE[@]}") ;;
      churn) args=(churn --warmup 2s --duration 10s) ;;
      *) args=(fanout "${FANOUT[@]}") ;;
    esac
    res=$(taskset -c 1 target/release/jam-bench --url "http://127.0.0.1:$port" --pid "$pid" \
      --label ab "${args[@]}" 2>/dev/null | sed -n 's/^RESULT //p')
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$r $v $(echo "$res" | SCENARIO=$scenario python3 -c '
import json, os, sys
d = json.load(sys.stdin)
if os.environ["SCENARIO"] == "idle":
    print(round(d["rss_per_conn_bytes"]), d["held"])
elif os.environ["SCENARIO"] == "churn":
    print(round(d["cycles_per_cpu_s"]), d["cycle_latency"]["p99_ms"], d["errors"])
else:
    print(round(d["deliveries_per_cpu_s"]), d["latency"]["p99_ms"], round(d["others_cpu_util"], 2), d["delivery_ratio"])')"
  done
done
