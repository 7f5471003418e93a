#!/usr/bin/env bash
# bench/chat: chat delivery, Ruche beside ejabberd group chat, in one run.
#
#   bench/chat/run.sh
#
# Same shapes for both servers: N WebSocket clients in ROOMS rooms of
# N/ROOMS members, POSTERS posting members per room, message bodies of SIZE
# bytes ("t=<ns> xxx..."), an open-loop offered load of RATE messages/s
# (each delivered to every member of its room, the poster included: RATE *
# N/ROOMS deliveries/s).
#   Ruche:    a data folder seeded straight in SQLite (chat_seed): users,
#             one workspace, private channels, session tokens; clients on
#             GET /api/v1/events, posters POST /api/v1/channels/{cid}/messages
#             over HTTP/1.1 keep-alive.
#   ejabberd: Debian's ejabberd 23.01, loopback-only config written here,
#             XMPP over WebSocket (RFC 7395), SASL ANONYMOUS, MUC rooms
#             created on join; posters send groupchat messages on their
#             own WebSocket.
# Each server runs pinned to core 0 (Ruche with one I/O thread, ejabberd
# with one Erlang scheduler); the load generator (chat_loadgen: one thread,
# epoll) runs on core 1. Per server: connect everyone, measure idle RSS,
# one step at RATE for DURATION s (after WARMUP s), then SEARCH short steps
# (SEARCH_DURATION s) looking for the highest rate with p99 <= 100 ms and
# no loss. Then the same load against chat_blaster, the cheapest possible
# server (no storage, no checks: one send() per delivery of a frame of
# Ruche's measured size), pinned the same way: what one core and the
# loopback TCP path allow at all. Prints a Markdown table; nothing is
# asserted.
#
# Environment (defaults): N=10000 ROOMS=100 RATE=2000 SIZE=128 DURATION=20
#   WARMUP=3 POSTERS=5 SEARCH=4 SEARCH_DURATION=5 HTTP_CONNS=128
#   XMPP_PRESENCE=0 (1: ejabberd's default presence broadcast in rooms)
#   ONLY=ruche,ejabberd,bound (the sides to run) BUILD_DIR=build RUCHE_BIN=$BUILD_DIR/ruche
#   (another binary, to compare two builds) KEEP=1 (keep the
#   scratch folder) EJ_PORT=15380 EJ_DIST_PORT=15310
#   NICE=-15 (run servers and load generator at that nice level: on a
#   machine shared with other jobs, so that they get their cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-10000}
ROOMS=${ROOMS:-100}
RATE=${RATE:-2000}
SIZE=${SIZE:-128}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
POSTERS=${POSTERS:-5}
SEARCH=${SEARCH:-4}
SEARCH_DURATION=${SEARCH_DURATION:-5}
HTTP_CONNS=${HTTP_CONNS:-128}
XMPP_PRESENCE=${XMPP_PRESENCE:-0}
ONLY=${ONLY:-}
BUILD=${BUILD_DIR:-build}
EJ_PORT=${EJ_PORT:-15380}
EJ_DIST_PORT=${EJ_DIST_PORT:-15310}
MEMBERS=$((N / ROOMS))
PRIO=()
if [ -n "${NICE:-}" ]; then PRIO=(nice -n "$NICE"); fi

scripts/deps.sh bench
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" --target ruche chat_seed chat_loadgen chat_blaster >/dev/null
RUCHE=${RUCHE_BIN:-$BUILD/ruche}
SEED="$BUILD/bench/chat/chat_seed"
LOADGEN="$BUILD/bench/chat/chat_loadgen"
BLASTER="$BUILD/bench/chat/chat_blaster"
want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

T=$(mktemp -d /tmp/ruche-chatbench-XXXXXX)
chmod 755 "$T"   # ejabberd runs as its own user and must reach $T/ej
RUCHE_PID=""; EJ=""; BEAM_PID=""; BLASTER_PID=""
stop_ejabberd() {
  if [ -n "$EJ" ]; then
    timeout 20 $EJ stop >/dev/null 2>&1 || true
    timeout 20 $EJ stopped >/dev/null 2>&1 || true
    EJ=""
  fi
  if [ -n "$BEAM_PID" ] && kill -0 "$BEAM_PID" 2>/dev/null; then
    kill "$BEAM_PID" 2>/dev/null || true
    sleep 1
    kill -9 "$BEAM_PID" 2>/dev/null || true
  fi
  BEAM_PID=""
}
cleanup() {
  [ -n "$RUCHE_PID" ] && kill "$RUCHE_PID" 2>/dev/null || true
  [ -n "$BLASTER_PID" ] && kill "$BLASTER_PID" 2>/dev/null || true
  stop_ejabberd
  sleep 0.3
  if [ "${KEEP:-0}" = 1 ]; then echo "scratch folder kept: $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

LG_ARGS=(--users "$N" --rooms "$ROOMS" --posters-per-room "$POSTERS" --size "$SIZE" --rate "$RATE"
         --duration "$DURATION" --warmup "$WARMUP" --search "$SEARCH" --search-duration "$SEARCH_DURATION"
         --server-cpu 0 --client-cpu 1)

# --- Ruche -----------------------------------------------------------------------
if want ruche; then
  echo "bench/chat: Ruche (seeding $N users, $ROOMS private channels)..." >&2
  "$SEED" --data "$T/ruche" --tokens "$T/tokens" --users "$N" --rooms "$ROOMS" >/dev/null 2>"$T/seed.err"
  RUCHE_IO_THREADS=1 RUCHE_ACCESS_LOG=0 "${PRIO[@]}" taskset -c 0 "$RUCHE" serve --data "$T/ruche" --listen 127.0.0.1:0 \
    >"$T/ruche.out" 2>"$T/ruche.err" &
  RUCHE_PID=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$T/ruche.out" && break; sleep 0.05; done
  PORT=$(grep -o 'http://[0-9.:]*' "$T/ruche.out" | head -1 | sed 's/.*://')
  sleep 1
  "${PRIO[@]}" taskset -c 1 "$LOADGEN" --mode ruche --port "$PORT" --tokens "$T/tokens" --http-conns "$HTTP_CONNS" \
    --server-pid "$RUCHE_PID" "${LG_ARGS[@]}" >"$T/ruche.txt" 2> >(tee "$T/ruche.log" >&2) || true
  kill "$RUCHE_PID" 2>/dev/null || true
  wait "$RUCHE_PID" 2>/dev/null || true
  RUCHE_PID=""
  grep -c '"level":"error"' "$T/ruche.err" >"$T/ruche.errors" || true
fi

# --- ejabberd ---------------------------------------------------------------------
if want ejabberd; then
  echo "bench/chat: ejabberd (XMPP over WebSocket, MUC)..." >&2
  E="$T/ej"
  mkdir -p "$E/db" "$E/logs" "$E/run"
  if [ "$XMPP_PRESENCE" = 1 ]; then PRESENCE=""; else PRESENCE="      presence_broadcast: []"; fi
  cat >"$E/ejabberd.yml" <<YML
loglevel: warning
hosts:
  - localhost
auth_method: anonymous
anonymous_protocol: sasl_anon
max_fsm_queue: 1000000
listen:
  -
    port: $EJ_PORT
    ip: "127.0.0.1"
    module: ejabberd_http
    backlog: 4096
    request_handlers:
      /ws: ejabberd_http_ws
acl:
  local:
    user_regexp: ""
access_rules:
  c2s:
    allow: all
  muc_create:
    allow: all
shaper_rules:
  max_user_sessions: 100000
  c2s_shaper: none
modules:
  mod_disco: {}
  mod_muc:
    host: "conference.@HOST@"
    access:
      - allow
    access_create: muc_create
    access_persistent: muc_create
    max_users: 1000
    max_users_presence: 1000
    min_message_interval: 0
    min_presence_interval: 0
    default_room_options:
      mam: false
      persistent: false
$PRESENCE
YML
  # No epmd (ERL_DIST_PORT), distribution on loopback, one scheduler, no
  # scheduler busy-waiting (which would bill idle spinning as CPU).
  cat >"$E/ejabberdctl.cfg" <<CFG
ERLANG_NODE=ejabberd-bench@localhost
INET_DIST_INTERFACE=127.0.0.1
ERL_DIST_PORT=$EJ_DIST_PORT
EJABBERD_PID_PATH=$E/run/ejabberd.pid
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0 +S 1:1 +SDcpu 1:1 +SDio 1 +sbwt none +sbwtdcpu none +sbwtdio none"
CFG
  cp /etc/ejabberd/inetrc "$E/"
  chown -R ejabberd:ejabberd "$E"
  # setpriv, not ejabberdctl's own "su ejabberd": su applies PAM limits and
  # would leave the VM 1024 file descriptors.
  EJ="setpriv --reuid ejabberd --regid ejabberd --init-groups env HOME=/var/lib/ejabberd
      ejabberdctl --config-dir $E --spool $E/db --logs $E/logs"
  "${PRIO[@]}" taskset -c 0 $EJ start >/dev/null
  timeout 60 $EJ started >/dev/null
  BEAM_PID=$(cat "$E/run/ejabberd.pid")
  sleep 1
  "${PRIO[@]}" taskset -c 1 "$LOADGEN" --mode xmpp --port "$EJ_PORT" --path /ws --server-pid "$BEAM_PID" \
    --connect-timeout 400 "${LG_ARGS[@]}" >"$T/ejabberd.txt" 2> >(tee "$T/ejabberd.log" >&2) || true
  grep -c '\[error\]' "$E/logs/error.log" >"$T/ejabberd.errors" 2>/dev/null || echo 0 >"$T/ejabberd.errors"
  stop_ejabberd
fi

# --- the bound: chat_blaster ----------------------------------------------------------
if want bound; then
  echo "bench/chat: chat_blaster (no work but the sends)..." >&2
  FRAME=$(awk '$1 == "STEP" { for (i = 2; i <= NF; i++) { split($i, a, "="); f[a[1]] = a[2] }
    if (f["frames"] > 0) { print int(f["mbytes"] * 1e6 / f["frames"]); exit } }' "$T/ruche.txt" 2>/dev/null)
  FRAME=${FRAME:-650}
  { echo "# workspace w users $N rooms $ROOMS"
    for ((i = 0; i < N; i++)); do echo "u$i c$((i / MEMBERS)) $((i / MEMBERS)) u$i"; done; } >"$T/blaster.tokens"
  "${PRIO[@]}" taskset -c 0 "$BLASTER" --users "$N" --rooms "$ROOMS" --frame-bytes "$FRAME" --port 0 \
    >"$T/blaster.out" 2>&1 &
  BLASTER_PID=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$T/blaster.out" && break; sleep 0.05; done
  BPORT=$(awk '/listening on/ { print $3; exit }' "$T/blaster.out")
  "${PRIO[@]}" taskset -c 1 "$LOADGEN" --mode ruche --port "$BPORT" --tokens "$T/blaster.tokens" \
    --http-conns "$HTTP_CONNS" --server-pid "$BLASTER_PID" "${LG_ARGS[@]}" >"$T/bound.txt" \
    2> >(tee "$T/bound.log" >&2) || true
  kill "$BLASTER_PID" 2>/dev/null || true
  wait "$BLASTER_PID" 2>/dev/null || true
  BLASTER_PID=""
  echo 0 >"$T/bound.errors"
fi

# --- report -----------------------------------------------------------------------
# kv FILE KIND LABEL KEY: the value of KEY on the first line "KIND ... label=LABEL ..."
kv() {
  [ -f "$1" ] || { echo ""; return; }
  awk -v kind="$2" -v label="$3" -v key="$4" '
    $1 == kind && (label == "" || index($0, " label=" label " ")) {
      for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == key) { print a[2]; exit } } }' "$1"
}
# best FILE KEY: KEY on the passing step with the highest rate
best() {
  [ -f "$1" ] || { echo ""; return; }
  awk -v key="$2" '
    $1 == "STEP" { delete f; for (i = 2; i <= NF; i++) { split($i, a, "="); f[a[1]] = a[2] }
      if (f["pass"] == 1 && f["rate"] + 0 > br) { br = f["rate"] + 0; v = f[key] } }
    END { print v }' "$1"
}
fmt() {  # NUMBER [DECIMALS]: 1234567.8 -> 1,234,568
  awk -v v="$1" -v d="${2:-0}" 'BEGIN {
    if (v == "") { print "–"; exit }
    s = sprintf("%.*f", d, v); neg = substr(s, 1, 1) == "-"; if (neg) s = substr(s, 2)
    i = index(s, "."); ip = i ? substr(s, 1, i - 1) : s; fp = i ? substr(s, i) : ""
    while (length(ip) > 3) { fp = "," substr(ip, length(ip) - 2) fp; ip = substr(ip, 1, length(ip) - 3) }
    printf "%s%s%s", neg ? "-" : "", ip, fp }'
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print ""; else print a / b }'; }
per_cpu_s() { div "$1" "$(div "$2" "$3")"; }   # deliveries/s, CPU-s, s -> deliveries per CPU-second

declare -A V
for s in ruche ejabberd bound; do
  f="$T/$s.txt"
  V[$s.dps]=$(kv "$f" STEP main deliveries_per_s)
  V[$s.p50]=$(kv "$f" STEP main p50_ms)
  V[$s.p99]=$(kv "$f" STEP main p99_ms)
  V[$s.max]=$(kv "$f" STEP main max_ms)
  V[$s.cpu1k]=$(kv "$f" STEP main cpu_per_1k)
  V[$s.percpu]=$(per_cpu_s "${V[$s.dps]}" "$(kv "$f" STEP main server_cpu_s)" "$(kv "$f" STEP main seconds)")
  V[$s.srvpct]=$(kv "$f" STEP main server_cpu_pct)
  V[$s.corepct]=$(kv "$f" STEP main server_core_busy_pct)
  V[$s.lgpct]=$(kv "$f" STEP main lg_cpu_pct)
  V[$s.lgcore]=$(kv "$f" STEP main client_core_busy_pct)
  V[$s.pass]=$(kv "$f" STEP main pass)
  V[$s.aborted]=$(kv "$f" STEP main aborted)
  V[$s.lost]=$(awk -v e="$(kv "$f" STEP main expected)" -v d="$(kv "$f" STEP main delivered)" \
    'BEGIN { if (e == "") print ""; else print (e > d ? e - d : 0) }')
  V[$s.frame]=$(div "$(awk -v m="$(kv "$f" STEP main mbytes)" 'BEGIN { if (m != "") print m * 1e6 }')" \
    "$(kv "$f" STEP main frames)")
  V[$s.rss]=$(kv "$f" IDLE "" rss_per_conn_kib)
  V[$s.conns]=$(kv "$f" IDLE "" conns)
  V[$s.connect]=$(kv "$f" IDLE "" connect_s)
  V[$s.brate]=$(best "$f" rate)
  V[$s.bdps]=$(best "$f" deliveries_per_s)
  V[$s.bp99]=$(best "$f" p99_ms)
  V[$s.bcpu1k]=$(best "$f" cpu_per_1k)
  V[$s.bpercpu]=$(per_cpu_s "${V[$s.bdps]}" "$(best "$f" server_cpu_s)" "$(best "$f" seconds)")
  V[$s.dead]=$(kv "$f" TOTAL "" dead)
  V[$s.errors]=$(cat "$T/$s.errors" 2>/dev/null || echo "")
done
ratio() { local r; r=$(div "$1" "$2"); [ -n "$r" ] && fmt "$r" 2 || echo "–"; }
verdict() { case "$1" in 1) echo "sustained" ;; 0) [ "$2" = 1 ] && echo "overloaded" || echo "p99 or loss over target" ;; *) echo "–" ;; esac; }

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo
echo "bench/chat — $(date -u +%Y-%m-%d): $N WebSockets, $ROOMS rooms × $MEMBERS members, $POSTERS posters per room," \
  "$SIZE-byte bodies, offered $RATE messages/s = $(fmt $((RATE * MEMBERS))) deliveries/s (open loop)," \
  "${DURATION} s window after ${WARMUP} s warm-up; server pinned to core 0, chat_loadgen to core 1 ($CPU)${NICE:+, both at nice $NICE}"
echo
echo "| | Ruche | ejabberd 23.01 (MUC, XMPP over WebSocket) | Ruche / ejabberd | bound: chat_blaster | Ruche / bound |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| deliveries/s at the offered $(fmt $((RATE * MEMBERS)))/s | $(fmt "${V[ruche.dps]}") ($(verdict "${V[ruche.pass]}" "${V[ruche.aborted]}")) | $(fmt "${V[ejabberd.dps]}") ($(verdict "${V[ejabberd.pass]}" "${V[ejabberd.aborted]}")) | $(ratio "${V[ruche.dps]}" "${V[ejabberd.dps]}") | $(fmt "${V[bound.dps]}") ($(verdict "${V[bound.pass]}" "${V[bound.aborted]}")) | $(ratio "${V[ruche.dps]}" "${V[bound.dps]}") |"
echo "| publish→deliver p50 / p99 / max (ms) | $(fmt "${V[ruche.p50]}" 1) / $(fmt "${V[ruche.p99]}" 1) / $(fmt "${V[ruche.max]}" 1) | $(fmt "${V[ejabberd.p50]}" 1) / $(fmt "${V[ejabberd.p99]}" 1) / $(fmt "${V[ejabberd.max]}" 1) | | $(fmt "${V[bound.p50]}" 1) / $(fmt "${V[bound.p99]}" 1) / $(fmt "${V[bound.max]}" 1) |  |"
echo "| deliveries missing after the drain | $(fmt "${V[ruche.lost]}") | $(fmt "${V[ejabberd.lost]}") | | $(fmt "${V[bound.lost]}") |  |"
echo "| server CPU-s per 1,000 deliveries | $(fmt "${V[ruche.cpu1k]}" 4) | $(fmt "${V[ejabberd.cpu1k]}" 4) | $(ratio "${V[ruche.cpu1k]}" "${V[ejabberd.cpu1k]}") | $(fmt "${V[bound.cpu1k]}" 4) | $(ratio "${V[ruche.cpu1k]}" "${V[bound.cpu1k]}") |"
echo "| deliveries per server CPU-second | $(fmt "${V[ruche.percpu]}") | $(fmt "${V[ejabberd.percpu]}") | **$(ratio "${V[ruche.percpu]}" "${V[ejabberd.percpu]}")** | $(fmt "${V[bound.percpu]}") | $(ratio "${V[ruche.percpu]}" "${V[bound.percpu]}") |"
echo "| highest offered rate with p99 ≤ 100 ms, no loss (deliveries/s) | $(fmt "$(awk -v r="${V[ruche.brate]}" -v m=$MEMBERS 'BEGIN { if (r != "") print r * m }')") | $(fmt "$(awk -v r="${V[ejabberd.brate]}" -v m=$MEMBERS 'BEGIN { if (r != "") print r * m }')") | $(ratio "${V[ruche.brate]}" "${V[ejabberd.brate]}") | $(fmt "$(awk -v r="${V[bound.brate]}" -v m=$MEMBERS 'BEGIN { if (r != "") print r * m }')") | $(ratio "${V[ruche.brate]}" "${V[bound.brate]}") |"
echo "| … at that rate: p99 (ms), CPU-s per 1,000 deliveries | $(fmt "${V[ruche.bp99]}" 1), $(fmt "${V[ruche.bcpu1k]}" 4) | $(fmt "${V[ejabberd.bp99]}" 1), $(fmt "${V[ejabberd.bcpu1k]}" 4) | | $(fmt "${V[bound.bp99]}" 1), $(fmt "${V[bound.bcpu1k]}" 4) |  |"
echo "| … at that rate: deliveries per server CPU-second | $(fmt "${V[ruche.bpercpu]}") | $(fmt "${V[ejabberd.bpercpu]}") | **$(ratio "${V[ruche.bpercpu]}" "${V[ejabberd.bpercpu]}")** | $(fmt "${V[bound.bpercpu]}") | $(ratio "${V[ruche.bpercpu]}" "${V[bound.bpercpu]}") |"
echo "| server RSS per idle connection (KiB) | $(fmt "${V[ruche.rss]}" 1) | $(fmt "${V[ejabberd.rss]}" 1) | $(ratio "${V[ruche.rss]}" "${V[ejabberd.rss]}") | – |  |"
echo "| connections up / time to connect all (s) | $(fmt "${V[ruche.conns]}") / $(fmt "${V[ruche.connect]}" 1) | $(fmt "${V[ejabberd.conns]}") / $(fmt "${V[ejabberd.connect]}" 1) | | – |  |"
echo "| server CPU / its core busy, main window (%) | $(fmt "${V[ruche.srvpct]}") / $(fmt "${V[ruche.corepct]}") | $(fmt "${V[ejabberd.srvpct]}") / $(fmt "${V[ejabberd.corepct]}") | | $(fmt "${V[bound.srvpct]}") / $(fmt "${V[bound.corepct]}") |  |"
echo "| load generator CPU / its core busy (%) | $(fmt "${V[ruche.lgpct]}") / $(fmt "${V[ruche.lgcore]}") | $(fmt "${V[ejabberd.lgpct]}") / $(fmt "${V[ejabberd.lgcore]}") | | $(fmt "${V[bound.lgpct]}") / $(fmt "${V[bound.lgcore]}") |  |"
echo "| bytes per delivered frame | $(fmt "${V[ruche.frame]}") | $(fmt "${V[ejabberd.frame]}") | | $(fmt "${V[bound.frame]}") |  |"
echo "| connections dropped / server errors logged | $(fmt "${V[ruche.dead]}") / $(fmt "${V[ruche.errors]}") | $(fmt "${V[ejabberd.dead]}") / $(fmt "${V[ejabberd.errors]}") | | $(fmt "${V[bound.dead]}") / $(fmt "${V[bound.errors]}") |  |"
echo
echo "Every step (rate in messages/s; see chat_loadgen.cpp for the keys):"
echo
echo '```'
for s in ruche ejabberd bound; do
  [ -f "$T/$s.txt" ] && awk '$1 == "STEP" || $1 == "IDLE" || $1 == "MAX"' "$T/$s.txt" |
    sed -E 's/ (expected|sent|post_ok|post_429|post_err|client_drops|frames|mbytes|lg_cpu_s|server_cpu_s|offered_dps|http_conns|lg_connect_cpu_s|server_processes|other_frames)=[^ ]*//g'
done
echo '```'
