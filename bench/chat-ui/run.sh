#!/usr/bin/env bash
# bench/chat-ui: the web client's message list in Chromium on one channel of
# MESSAGES messages (default 100,000): opening it, scrolling back through the
# whole history page by page, then a fast flick through all of it, with the
# frame times the page itself measures, beside the idle page's frame times in
# the same run. Server pinned to core 0, Chromium to core 1.
#
#   bench/chat-ui/run.sh [MESSAGES]
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
MESSAGES=${1:-100000}
scripts/deps.sh test  # chromium
BUILD=${BUILD:-build}
make server >/dev/null
cmake --build "$BUILD" --target chat_history_seed >/dev/null
scripts/web.sh build >/dev/null

T=$(mktemp -d /tmp/ruche-chatui-XXXXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
EMAIL=admin@ruche.test
PASSWORD=Ornithorynque-Bleu-47
START=$(date +%s)
"$BUILD/bench/chat-ui/chat_history_seed" --data "$T/data" --email "$EMAIL" --password "$PASSWORD" \
  --messages "$MESSAGES" --out "$T/ids" >/dev/null
SEEDED=$(($(date +%s) - START))
RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_ACCESS_LOG=0 RUCHE_WEB_ROOT="$REPO/web/dist" \
  taskset -c 0 "$BUILD/ruche" serve --data "$T/data" --listen 127.0.0.1:0 >"$T/out" 2>"$T/err" &
PID=$!
for _ in $(seq 1 100); do grep -qs "listening on" "$T/out" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$T/out" | head -1)
[ -n "$URL" ] || { cat "$T/err" >&2; exit 1; }

echo "bench/chat-ui — $(date -u +%Y-%m-%d), $(chromium --version 2>/dev/null | head -1), $(nproc) cores;" \
  "history of $MESSAGES messages seeded through the chat service in ${SEEDED} s"
echo
BENCH_URL="$URL" BENCH_REPO="$REPO" BENCH_IDS="$(cat "$T/ids")" BENCH_MESSAGES="$MESSAGES" \
  BENCH_EMAIL="$EMAIL" BENCH_PASSWORD="$PASSWORD" taskset -c 1 node bench/chat-ui/scroll.mjs
