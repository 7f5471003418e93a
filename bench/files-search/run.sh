#!/usr/bin/env bash
# bench/files-search: file search by name over generated names (default
# 1,000,000 in 10 workspaces), with the trigram index and without it in the
# same run, on SQLite then on PostgreSQL (a private server on loopback,
# scripts/pg-test.sh), and what the index costs (size, an insert).
#
#   bench/files-search/run.sh [NAMES]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/common/in_process.sh
in_process_bench files_search_bench
T=$(mktemp -d /tmp/ruche-filessearch-XXXXXX)
PG_DIR=""
cleanup() { [ -n "$PG_DIR" ] && scripts/pg-test.sh stop "$PG_DIR" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
NAMES=${1:-1000000}
echo "bench/files-search — $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "SQLite:"
echo
"$BENCH_BIN" "$T/sqlite" "$NAMES"
eval "$(scripts/pg-test.sh start)"
PG_DIR=$RUCHE_PG_DIR
echo
echo "PostgreSQL:"
echo
"$BENCH_BIN" "$T/postgres" "$NAMES" "$RUCHE_TEST_PG_DSN"
