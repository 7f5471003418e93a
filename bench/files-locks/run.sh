#!/usr/bin/env bash
# bench/files-locks: what a workspace's WebDAV locks cost the requests that
# read them (a file's write, an If header, a folder's listing): the same
# calls in a workspace without locks and in one holding LOCKS (default
# 9,999, one short of the bound), on SQLite then on PostgreSQL (a private
# server on loopback, scripts/pg-test.sh).
#
#   bench/files-locks/run.sh [LOCKS] [CALLS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/common/in_process.sh
in_process_bench files_locks_bench
bench_workdir fileslocks
echo "bench/files-locks — $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "SQLite:"
echo
"$BENCH_BIN" "$T/sqlite" "${1:-9999}" "${2:-2000}"
bench_postgres
echo
echo "PostgreSQL:"
echo
"$BENCH_BIN" "$T/postgres" "${1:-9999}" "${2:-2000}" "$RUCHE_TEST_PG_DSN"
