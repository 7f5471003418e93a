#!/usr/bin/env bash
# bench/armoured-import: an armoured workspace's archive imported beside a
# plain one's with the same messages (what checking every sealed text's
# form and signature costs), and one core verifying as many Ed25519
# signatures (the floor). SQLite, in one process.
#
#   bench/armoured-import/run.sh [MESSAGES] [ROUNDS]     (100000, 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/common/in_process.sh
in_process_bench armoured_import_bench
bench_workdir armoured-import
echo "bench/armoured-import — $(date -u +%Y-%m-%d), SQLite, $(nproc) cores"
echo
"$BENCH_BIN" "$T/data" "${1:-100000}" "${2:-3}"
