#!/usr/bin/env bash
# bench/members-ui: the web client in a workspace of MEMBERS people (default
# 20,000) beside one of 100, in one Chromium: the members read while going
# through every module, opening the settings, a keystroke in their search,
# and one in the chat composer's @mention. Ratios large ÷ small.
# Server pinned to core 0, Chromium and node to core 1.
#
#   bench/members-ui/run.sh [MEMBERS]          (ROUNDS=5 in the environment)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common/server.sh
MEMBERS=${1:-20000}
bench_server members-ui
scripts/web.sh build >/dev/null
RUCHE_WEB_ROOT="$(pwd)/web/dist" bench_ruche_start taskset -c 0

echo "bench/members-ui — $(date -u +%Y-%m-%d), $(chromium --version 2>/dev/null | head -1), $(nproc) cores" \
  "(server on core 0, Chromium on core 1)"
echo
BENCH_URL="$URL" BENCH_REPO="$(pwd)" BENCH_EMAIL=bench@example.org BENCH_PASSWORD=Bourdon-Velours-2026 \
  BENCH_DB="$T/data/ruche.db" BENCH_MEMBERS="$MEMBERS" BENCH_ROUNDS="${ROUNDS:-5}" \
  taskset -c 1 node bench/members-ui/measure.mjs
