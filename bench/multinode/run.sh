#!/usr/bin/env bash
# bench/multinode: chat delivery across two Ruche nodes sharing one
# PostgreSQL and one NATS (the scale-out setup of docs/configuration.md),
# beside the same load on one node of the same setup, in one run.
#
#   bench/multinode/run.sh
#
# N WebSocket clients in ROOMS private channels, all connected to node B; an
# open-loop load of RATE messages/s posted (HTTP) either to node B itself
# ("same node") or to node A ("across nodes": each message committed by A,
# sealed onto NATS, opened by B, put back in order by B's hub, then fanned
# out). Measured by chat_loadgen (bench/chat): deliveries/s, publish ->
# deliver p50/p99, both nodes' CPU per 1,000 deliveries; and from B's
# /metrics, the events B received from NATS, the gaps its hub filled from the
# outbox (once for all streams) and the live streams that read it themselves. Rounds alternate the two modes. Both nodes,
# PostgreSQL and NATS share core 0 with one I/O thread per node; the load
# generator runs on core 1. Prints a Markdown table; nothing is asserted.
#
# Environment (defaults): N=2000 ROOMS=20 RATE=200 SIZE=128 DURATION=10
#   WARMUP=2 POSTERS=5 ROUNDS=2 NATS_PORT=14322 BUILD_DIR=build KEEP=1
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-2000}
ROOMS=${ROOMS:-20}
RATE=${RATE:-200}
SIZE=${SIZE:-128}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
POSTERS=${POSTERS:-5}
ROUNDS=${ROUNDS:-2}
NATS_PORT=${NATS_PORT:-14322}
BUILD=${BUILD_DIR:-build}

scripts/deps.sh test
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" --target ruche chat_seed chat_loadgen >/dev/null
RUCHE="$BUILD/ruche"
SEED="$BUILD/bench/chat/chat_seed"
LOADGEN="$BUILD/bench/chat/chat_loadgen"
NATS_SERVER=$(command -v nats-server || echo /usr/sbin/nats-server)

T=$(mktemp -d /tmp/ruche-bench-multinode-XXXXXX)
PIDS=()
RUCHE_PG_DIR=""
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  [ -n "$RUCHE_PG_DIR" ] && scripts/pg-test.sh stop "$RUCHE_PG_DIR" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "scratch folder kept: $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

eval "$(taskset -c 0 scripts/pg-test.sh start)"
taskset -c 0 "$NATS_SERVER" -a 127.0.0.1 -p "$NATS_PORT" >"$T/nats.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null && break; sleep 0.05; done

export RUCHE_DATABASE=postgres RUCHE_POSTGRES_DSN="$RUCHE_TEST_PG_DSN"
echo "bench/multinode: seeding $N users in $ROOMS channels (PostgreSQL)..." >&2
"$SEED" --data "$T/data" --tokens "$T/tokens" --users "$N" --rooms "$ROOMS" >&2

start_node() {  # name -> prints its port
  RUCHE_NATS_URL="nats://127.0.0.1:$NATS_PORT" RUCHE_IO_THREADS=1 RUCHE_ACCESS_LOG=0 \
    taskset -c 0 "$RUCHE" serve --data "$T/data" --listen 127.0.0.1:0 >"$T/$1.out" 2>"$T/$1.err" &
  PIDS+=($!)
  echo $! >"$T/$1.pid"
  for _ in $(seq 1 200); do grep -qs "listening on" "$T/$1.out" && break; sleep 0.05; done
  grep -o 'http://[0-9.:]*' "$T/$1.out" | head -1 | sed 's/.*://' >"$T/$1.port"
}
start_node a
start_node b
A_PORT=$(cat "$T/a.port"); B_PORT=$(cat "$T/b.port")
A_PID=$(cat "$T/a.pid"); B_PID=$(cat "$T/b.pid")
metric() { curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {print $2}'; }

LG_ARGS=(--users "$N" --rooms "$ROOMS" --posters-per-room "$POSTERS" --size "$SIZE" --rate "$RATE"
         --duration "$DURATION" --warmup "$WARMUP" --search 0 --server-cpu 0 --client-cpu 1
         --tokens "$T/tokens" --server-pid "$A_PID" --server-pid "$B_PID")
for round in $(seq 1 "$ROUNDS"); do
  for mode in same across; do
    post=$B_PORT
    [ "$mode" = across ] && post=$A_PORT
    g0=$(metric "$B_PORT" ruche_events_gap_reads_total); f0=$(metric "$B_PORT" ruche_events_gap_fills_total); r0=$(metric "$B_PORT" ruche_bus_received_total)
    taskset -c 1 "$LOADGEN" --mode ruche --port "$B_PORT" --post-port "$post" "${LG_ARGS[@]}" \
      >"$T/$mode.$round.txt" 2>>"$T/loadgen.log" || true
    g1=$(metric "$B_PORT" ruche_events_gap_reads_total); f1=$(metric "$B_PORT" ruche_events_gap_fills_total); r1=$(metric "$B_PORT" ruche_bus_received_total)
    echo "$(grep '^STEP' "$T/$mode.$round.txt" | head -1) gap_reads=$((${g1%.*} - ${g0%.*})) gap_fills=$((${f1%.*} - ${f0%.*})) bus_received=$((${r1%.*} - ${r0%.*}))" \
      >>"$T/$mode.steps"
  done
done

field() { grep -o " $1=[^ ]*" | head -1 | cut -d= -f2; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { while read -r line; do echo "$line" | field "$2"; done <"$T/$1.steps" | median; }
echo
echo "| posters post to (clients on node B; medians of $ROUNDS rounds) | deliveries/s | p50 ms | p99 ms | CPU-ms per 1,000 deliveries (both nodes) | events B got from NATS | gap fills / gap reads on B |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for mode in same across; do
  label="node B (same node)"; [ "$mode" = across ] && label="node A (across nodes)"
  cpu=$(col "$mode" cpu_per_1k | awk '{printf "%.1f", $1 * 1000}')
  echo "| $label | $(col "$mode" deliveries_per_s) | $(col "$mode" p50_ms) | $(col "$mode" p99_ms) | $cpu | $(col "$mode" bus_received) | $(col "$mode" gap_fills) / $(col "$mode" gap_reads) |"
done
echo
echo "Every step:"
echo '```'
cat "$T/same.steps" "$T/across.steps"
echo '```'
