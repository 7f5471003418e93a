#!/usr/bin/env bash
# bench/files-store: small uploads through the files service into a plain
# and an armoured workspace, alternating: what sealed files cost the server.
#
#   bench/files-store/run.sh [UPLOADERS] [UPLOADS_PER_UPLOADER] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/common/in_process.sh
in_process_bench files_store_bench
bench_workdir filesstore
echo "bench/files-store — $(date -u +%Y-%m-%d), SQLite, $(nproc) cores"
echo
"$BENCH_BIN" "$T/data" "${1:-16}" "${2:-500}" "${3:-3}"
