#!/usr/bin/env bash
# End-to-end tests of the web client in a real browser (Debian's chromium,
# driven by playwright-core), against a server this script starts.
#
#   tests/e2e/run.sh build/ruche
#   RUCHE_E2E_TESTS=share tests/e2e/run.sh build/ruche   # one suite
#
#   RUCHE_E2E_CONFIG=FILE tests/e2e/run.sh build/ruche     # the server with --config FILE
#
# Needs: web/dist built (cd web && npm ci && npm run build), chromium at
# /usr/bin/chromium (or CHROMIUM=...). Screenshots go to build/e2e/.
# Prints JSON metric lines; exits non-zero on any failure.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 PATH/TO/ruche" >&2
  exit 2
fi
BIN=$(realpath "$1")
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIST="$REPO/web/dist"
OUT="${RUCHE_E2E_OUT:-$REPO/build/e2e}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

[[ -x "$BIN" ]] || { echo "e2e: no server binary at $BIN" >&2; exit 2; }
[[ -f "$DIST/index.html" ]] || { echo "e2e: $DIST is not built (cd web && npm ci && npm run build)" >&2; exit 2; }
[[ -d "$REPO/web/node_modules/playwright-core" ]] || { echo "e2e: run npm ci in web/ first" >&2; exit 2; }
[[ -x "$CHROMIUM" ]] || { echo "e2e: $CHROMIUM not found (apt-get install chromium)" >&2; exit 2; }

CONFIG=()
[[ -n "${RUCHE_E2E_CONFIG:-}" ]] && CONFIG=(--config "$RUCHE_E2E_CONFIG")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ruche-e2e.XXXXXX")
PIDFILE="$TMP/server.pid"
SERVER_PID=""
cleanup() {
  # The tests may restart the server (same data, same port): the pid file
  # names the one running now.
  [[ -f "$PIDFILE" ]] && SERVER_PID=$(cat "$PIDFILE")
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "${RUCHE_E2E_KEEP:-0}" != 1 ]]; then rm -rf "$TMP"; else echo "e2e: kept $TMP" >&2; fi
}
trap cleanup EXIT INT TERM

mkdir -p "$OUT" "$TMP/data"
rm -f "$OUT"/*.png "$OUT/metrics.jsonl"
export RUCHE_E2E_ADMIN_EMAIL="admin@ruche.test"
export RUCHE_E2E_ADMIN_NAME="Ada Lovelace"
export RUCHE_E2E_ADMIN_PASSWORD="Ornithorynque-Bleu-47"

echo "$RUCHE_E2E_ADMIN_PASSWORD" | "$BIN" user add "${CONFIG[@]}" --data "$TMP/data" \
  --email "$RUCHE_E2E_ADMIN_EMAIL" --name "$RUCHE_E2E_ADMIN_NAME" --admin >/dev/null

export RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_WEB_ROOT="$DIST"
# Calendar subscriptions read feeds the calendar suite serves on 127.0.0.1
# (other private addresses stay refused).
export RUCHE_EGRESS_ENABLED=1 RUCHE_EGRESS_ALLOW=127.0.0.1/32
"$BIN" serve "${CONFIG[@]}" --data "$TMP/data" --listen 127.0.0.1:0 >"$TMP/stdout" 2>"$TMP/stderr" &
SERVER_PID=$!
echo "$SERVER_PID" >"$PIDFILE"

URL=""
for _ in $(seq 1 150); do
  URL=$(grep -o 'listening on http://[^ ]*' "$TMP/stdout" 2>/dev/null | head -1 | sed 's/^listening on //') || true
  [[ -n "$URL" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "e2e: the server exited:" >&2; cat "$TMP/stderr" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$URL" ]] || { echo "e2e: the server did not print its address" >&2; cat "$TMP/stderr" >&2; exit 1; }
echo "e2e: server at $URL"

export RUCHE_E2E_URL="$URL" RUCHE_E2E_OUT="$OUT" RUCHE_E2E_CHROMIUM="$CHROMIUM" RUCHE_E2E_REPO="$REPO"
export RUCHE_E2E_BIN="$BIN" RUCHE_E2E_DATA="$TMP/data" RUCHE_E2E_PIDFILE="$PIDFILE" RUCHE_E2E_LOG="$TMP/stderr"
status=0
node "$REPO/tests/e2e/bundle-size.mjs" "$DIST" || status=1
# RUCHE_E2E_TESTS="files share" runs only those suites.
for suite in ${RUCHE_E2E_TESTS:-web chat files share armour tasks calendar reports calls}; do
  node --test --test-concurrency=1 "$REPO/tests/e2e/$suite.test.mjs" || status=1
done
[[ -f "$OUT/metrics.jsonl" ]] && cat "$OUT/metrics.jsonl"
if [[ $status -ne 0 ]]; then
  echo "e2e: server log (last 40 lines):" >&2
  tail -n 40 "$TMP/stderr" >&2 || true
fi
exit $status
