#!/usr/bin/env bash
# bench/audit: the audit log read back narrowed to a time range (GET
# /admin/audit?from=&to=) among generated entries (default 1,000,000 over a
# year), on SQLite then on PostgreSQL (a private server on loopback,
# scripts/pg-test.sh): each range as entries in a row (times in order,
# migration 0052) beside, in the same run, the same range as a filter on
# times (what a log whose clock stepped back still gets), and the newest page
# with no narrowing.
#
#   bench/audit/run.sh [ENTRIES]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/common/in_process.sh
in_process_bench audit_bench
bench_workdir audit
ENTRIES=${1:-1000000}
echo "bench/audit — $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "SQLite:"
echo
"$BENCH_BIN" "$T/sqlite" "$ENTRIES"
bench_postgres
echo
echo "PostgreSQL:"
echo
"$BENCH_BIN" "$T/postgres" "$ENTRIES" "$RUCHE_TEST_PG_DSN"
