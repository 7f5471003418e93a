#!/usr/bin/env bash
# bench/files-search: file search by name over generated names (default
# 1,000,000 in 10 workspaces and a small 11th): the search as it is beside,
# in the same run, every name of the workspaces read, on SQLite then on
# PostgreSQL (a private server on loopback, scripts/pg-test.sh); then what
# PostgreSQL's two indexes cost (size, an insert).
#
#   bench/files-search/run.sh [NAMES]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/common/in_process.sh
in_process_bench files_search_bench
bench_workdir filessearch
NAMES=${1:-1000000}
echo "bench/files-search — $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "SQLite:"
echo
"$BENCH_BIN" "$T/sqlite" "$NAMES"
bench_postgres
echo
echo "PostgreSQL:"
echo
"$BENCH_BIN" "$T/postgres" "$NAMES" "$RUCHE_TEST_PG_DSN"
