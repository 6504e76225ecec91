#!/usr/bin/env bash
# Runs every benchmark scenario against jam-server, the Node.js reference and the raw relay, in turn
# (interleaved: each repeat runs all servers before the next repeat), with the server pinned to one
# core and the generator to the other. Writes bench/results/latest.md and latest.json (medians).
#
#   bench/run.sh                          full run (3 repeats, ~28 min on 2 cores)
#   QUICK=1 bench/run.sh                  smoke run: 1 repeat, short windows (~3 min)
#   SCENARIOS="fanout churn" bench/run.sh only those (fanout saturate churn idle cluster)
#   SERVERS="jam-server raw-relay" …      only those servers
#   SCENARIOS=cluster bench/run.sh        fan-out on jam-server alone: 1 node in memory, 1 node + Redis,
#                                         2 nodes + Redis (~3 min; the Redis setups need redis-server)
# Other knobs: REPEATS, PORT (0 = any free port), SERVER_CPU / GEN_CPU (cores for taskset),
# IDLE_N (idle connections; default as many as the open-file limit allows, at most 100000),
# QUIET_WAIT / QUIET_CORES (wait up to that many seconds before each run until other processes use
# fewer cores than that), OUT (results folder), LOGS (raw per-run logs, default target/bench-runs),
# BUILD=0 (measure the release binaries already in target/ instead of building them first),
# JAM_FLAGS / NODE_FLAGS / RAW_FLAGS (extra flags for each server). Cluster: CLUSTER_SETUPS (any of
# 1-node 1-node+redis 2-nodes+redis), CLUSTER_LOAD (fanout's --rooms/--per-room/--rate), REDIS_CPU
# (Redis's core; default SERVER_CPU: every node and Redis share the server core, the generator keeps
# its own, so each setup gets the same CPU budget).
set -euo pipefail

cd "$(dirname "$0")/.."
QUICK=${QUICK:-0}
SCENARIOS=${SCENARIOS:-"fanout saturate churn idle cluster"}
SERVERS=${SERVERS:-"jam-server node-reference raw-relay"}
PORT=${PORT:-0}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
REDIS_CPU=${REDIS_CPU:-$SERVER_CPU}
CLUSTER_SETUPS=${CLUSTER_SETUPS:-"1-node 1-node+redis 2-nodes+redis"}
# 5 events/s per player, not fan-out's 20: the load the first (lock-per-change) Redis design was
# measured at, kept so the figures compare (docs/benchmarks.md); CLUSTER_LOAD="… --rate 20" for more.
read -r -a CLUSTER_LOAD <<<"${CLUSTER_LOAD:---rooms 100 --per-room 5 --rate 5}"
OUT=${OUT:-bench/results}
if [[ $QUICK == 1 ]]; then REPEATS=${REPEATS:-1}; else REPEATS=${REPEATS:-3}; fi

# jam-server's abuse limits would throttle a load generator; relax them all.
RELAXED=(--rate-limit 100000 --rate-burst 100000 --max-creates-per-minute 100000
  --max-code-misses-per-minute 100000 --max-rooms 1000000 --max-participants 64)

# Every server and the generator need one descriptor per connection.
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)
max_idle=$((FD_LIMIT - 256))
((max_idle > 100000)) && max_idle=100000

if [[ $QUICK == 1 ]]; then
  FANOUT=(--warmup 1s --duration 3s)
  SATURATE=(--warmup 1s --step 2s --drain 1s --step-factor 1.6)
  CHURN=(--warmup 1s --duration 3s)
  IDLE=(--connections "${IDLE_N:-2000}" --hold 5s)
else
  FANOUT=(--warmup 3s --duration 15s)
  SATURATE=(--warmup 2s --step 4s --drain 1s --step-factor 1.4)
  CHURN=(--warmup 2s --duration 10s)
  IDLE=(--connections "${IDLE_N:-$max_idle}" --hold 60s)
fi

log() { printf '[run.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [[ ${BUILD:-1} == 1 ]]; then
  log "building release binaries"
  cargo build --release -q -p jam-server -p raw-relay -p jam-bench
fi
if [[ " $SERVERS " == *" node-reference "* && ! -d bench/node-reference/node_modules ]]; then
  log "installing the Node reference's packages"
  (cd bench/node-reference && npm ci --no-audit --no-fund)
fi

mkdir -p "$OUT"
STAMP=$(date +%Y%m%d-%H%M%S)
RUN_DIR="${LOGS:-target/bench-runs}/run-$STAMP"
mkdir -p "$RUN_DIR"
RESULTS="$RUN_DIR/results.jsonl"
: >"$RESULTS"

# The server processes of the current run (several for a cluster), with their URLs.
SRV_PIDS=() SRV_URLS=()
stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
stop_server() {
  local pid
  for pid in "${SRV_PIDS[@]}"; do stop_pid "$pid"; done
  SRV_PIDS=() SRV_URLS=()
}
REDIS_PID="" REDIS_PORT=""
stop_redis() { [[ -z $REDIS_PID ]] || stop_pid "$REDIS_PID"; REDIS_PID=""; }
trap 'stop_server; stop_redis' EXIT

# start_server NAME LOGPREFIX [EXTRA FLAGS…]: starts it pinned to SERVER_CPU; adds its pid and URL to
# SRV_PIDS and SRV_URLS.
start_server() {
  local name=$1 logp=$2 cmd pid url
  shift 2
  case $name in
    jam-server) cmd=(target/release/jam-server --host 127.0.0.1 --port "$PORT" "${RELAXED[@]}" "$@" ${JAM_FLAGS:-}) ;;
    node-reference) cmd=(node bench/node-reference/src/index.js --port "$PORT" ${NODE_FLAGS:-}) ;;
    raw-relay) cmd=(target/release/raw-relay --port "$PORT" ${RAW_FLAGS:-}) ;;
    *) log "unknown server $name"; return 1 ;;
  esac
  taskset -c "$SERVER_CPU" "${cmd[@]}" >"$logp.out" 2>"$logp.err" &
  pid=$!
  SRV_PIDS+=("$pid")
  for _ in $(seq 200); do
    url=$(grep -o 'listening on http://[^ ]*' "$logp.out" 2>/dev/null | head -1 | sed 's/^listening on //' || true)
    if [[ -n $url ]]; then SRV_URLS+=("$url"); return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  log "$name did not start; see $logp.err"
  stop_server
  return 1
}

# A throwaway redis-server on a free loopback port (no persistence), pinned to REDIS_CPU: sets
# REDIS_PID and REDIS_PORT. Ports are tried at random until one binds.
start_redis() {
  command -v redis-server >/dev/null || { log "redis-server is missing (apt-get install -y redis-server)"; return 1; }
  local logf="$RUN_DIR/redis.log"
  for _ in $(seq 20); do
    REDIS_PORT=$((20000 + RANDOM % 30000))
    taskset -c "$REDIS_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
      --protected-mode no --daemonize no >"$logf" 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 50); do
      if [[ $(redis-cli -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; then
        log "redis-server $(redis-server --version | grep -o 'v=[^ ]*') on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID, core $REDIS_CPU)"
        return 0
      fi
      kill -0 "$REDIS_PID" 2>/dev/null || break
      sleep 0.1
    done
    stop_redis
  done
  log "redis-server did not start; see $logf"
  return 1
}

# start_setup SETUP LOGPREFIX REPEAT: the jam-server nodes of a cluster setup (see CLUSTER_SETUPS),
# on a Redis emptied first and a key prefix of their own.
start_setup() {
  local setup=$1 logp=$2 rep=$3 nodes=1 redis=() i
  case $setup in
    1-node) ;;
    1-node+redis) redis=(--redis-url "redis://127.0.0.1:$REDIS_PORT/") ;;
    2-nodes+redis) nodes=2 redis=(--redis-url "redis://127.0.0.1:$REDIS_PORT/") ;;
    *) log "unknown cluster setup $setup"; return 1 ;;
  esac
  if ((${#redis[@]})); then
    [[ -n $REDIS_PID ]] || { log "no redis-server for $setup"; return 1; }
    redis-cli -p "$REDIS_PORT" flushall >/dev/null
    redis+=(--redis-prefix "jambench-$rep-${setup//+/-}")
  fi
  for i in $(seq "$nodes"); do
    start_server jam-server "$logp.node$i" "${redis[@]}" || return 1
  done
}

# Host-wide "total steal" ticks from /proc/stat (steal is the 8th value of the cpu line).
host_ticks() { awk '/^cpu /{t=0; for (i = 2; i <= 9; i++) t += $i; print t, $9}' /proc/stat; }

# Cores kept busy by other processes over the last second (host-wide, before any server starts).
busy_cores() {
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat); sleep 1
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
  awk -v d=$((b - a)) -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", d / hz}'
}

# On a shared host, wait (up to QUIET_WAIT seconds) until neighbours use less than QUIET_CORES.
wait_quiet() {
  local busy
  for _ in $(seq "${QUIET_WAIT:-15}"); do
    busy=$(busy_cores)
    awk -v b="$busy" -v q="${QUIET_CORES:-0.3}" 'BEGIN{exit !(b < q)}' && return 0
  done
  log "host still busy (${busy} cores used by other processes); measuring anyway"
}

run_one() { # scenario server-or-setup repeat
  local scenario=$1 server=$2 rep=$3 args logp="$RUN_DIR/$1.$2.$3" cmd=$1 redis=()
  case $scenario in
    fanout) args=("${FANOUT[@]}") ;;
    saturate) args=("${SATURATE[@]}") ;;
    churn) args=("${CHURN[@]}") ;;
    idle) args=("${IDLE[@]}") ;;
    cluster) cmd=fanout args=("${FANOUT[@]}" "${CLUSTER_LOAD[@]}" --scenario-name cluster) ;;
    *) log "unknown scenario $scenario"; return 1 ;;
  esac
  wait_quiet
  if [[ $scenario == cluster ]]; then
    start_setup "$server" "$logp" "$rep" || { stop_server; return 0; }
    [[ $server == *redis ]] && redis=(--redis-pid "$REDIS_PID" --redis-url "redis://127.0.0.1:$REDIS_PORT/")
  else
    start_server "$server" "$logp" || return 0
  fi
  local urls pids
  urls=$(IFS=,; echo "${SRV_URLS[*]}") pids=$(IFS=,; echo "${SRV_PIDS[*]}")
  log "$scenario #$rep on $server ($urls, pid $pids)"
  local t0 s0 t1 s1
  read -r t0 s0 < <(host_ticks)
  if ! taskset -c "$GEN_CPU" target/release/jam-bench "$cmd" --url "$urls" --pid "$pids" "${redis[@]}" \
    --label "$server" "${args[@]}" >"$logp.bench" 2>&1; then
    log "jam-bench failed for $scenario on $server:"; tail -3 "$logp.bench" >&2
  fi
  read -r t1 s1 < <(host_ticks)
  grep -v '^RESULT ' "$logp.bench" >&2 || true
  grep '^RESULT ' "$logp.bench" | sed 's/^RESULT //' >>"$RESULTS" || true
  log "host steal during the run: $(awk -v t=$((t1 - t0)) -v s=$((s1 - s0)) 'BEGIN{printf "%.2f%%", t ? 100*s/t : 0}')"
  stop_server
}

START=$(date +%s)
for scenario in $SCENARIOS; do
  servers=$SERVERS
  if [[ $scenario == cluster ]]; then
    servers=$CLUSTER_SETUPS
    [[ " $SERVERS " == *" jam-server "* ]] || { log "cluster runs jam-server only: skipped"; continue; }
    if [[ $servers == *redis* ]] && ! start_redis; then
      log "skipping the cluster setups with Redis"
      servers=$(for s in $servers; do [[ $s == *redis ]] || echo "$s"; done)
    fi
  fi
  for rep in $(seq "$REPEATS"); do
    for server in $servers; do
      run_one "$scenario" "$server" "$rep"
    done
  done
  [[ $scenario != cluster ]] || stop_redis
done

NOTE="$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), \
server on core $SERVER_CPU, generator on core $GEN_CPU, median of $REPEATS, open-file limit $FD_LIMIT, \
$( [[ $QUICK == 1 ]] && echo "QUICK run" || echo "full run"), $(( $(date +%s) - START )) s. \
Fan-out ${FANOUT[*]}; saturate ${SATURATE[*]}; churn ${CHURN[*]}; idle ${IDLE[*]}.\
$( [[ " $SCENARIOS " == *" cluster "* ]] && echo " Cluster: fan-out ${CLUSTER_LOAD[*]}, every jam-server node on core \
$SERVER_CPU, Redis on core $REDIS_CPU, generator on core $GEN_CPU." || true)"
target/release/jam-bench summarize --input "$RESULTS" --markdown "$RUN_DIR/summary.md" \
  --json "$RUN_DIR/summary.json" --note "$NOTE"
cp "$RUN_DIR/summary.md" "$OUT/latest.md"
cp "$RUN_DIR/summary.json" "$OUT/latest.json"
log "wrote $OUT/latest.md and $OUT/latest.json (raw logs in $RUN_DIR)"
