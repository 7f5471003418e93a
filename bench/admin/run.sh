#!/usr/bin/env bash
# bench/admin: what an administrator reads among many, on SQLite then on
# PostgreSQL (a private server on loopback, scripts/pg-test.sh):
#  - the audit log narrowed to dates (GET /admin/audit?from=&to=) among
#    generated entries (default 1,000,000 over a year): each range as entries
#    in a row (times in order, migration 0052) beside, in the same run, the
#    same range as a filter on times, and the newest page with no narrowing;
#  - the accounts (GET /admin/users) among generated ones (default 100,000):
#    a page of each narrowing with its count, beside every account read (what
#    the tab read before it had pages).
#
#   bench/admin/run.sh [AUDIT_ENTRIES] [ACCOUNTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/common/in_process.sh
in_process_bench admin_bench
bench_workdir admin
ENTRIES=${1:-1000000}
ACCOUNTS=${2:-100000}
echo "bench/admin — $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "SQLite:"
echo
"$BENCH_BIN" "$T/sqlite" "$ENTRIES" "$ACCOUNTS"
bench_postgres
echo
echo "PostgreSQL:"
echo
"$BENCH_BIN" "$T/postgres" "$ENTRIES" "$ACCOUNTS" "$RUCHE_TEST_PG_DSN"
