#!/usr/bin/env bash
# bench/chat-store: durable chat appends (group commit, synchronous=FULL) and
# search latency over a generated history (default 1,000,000 messages) on
# SQLite; then the same history and searches on PostgreSQL (a private server
# on loopback, scripts/pg-test.sh), the searches again with the server's
# shared memory in huge pages when this user may reserve them (root).
#
#   bench/chat-store/run.sh [MESSAGES] [POSTERS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/common/in_process.sh
in_process_bench chat_store_bench
bench_workdir chatstore
echo "bench/chat-store — $(date -u +%Y-%m-%d), SQLite, $(nproc) cores"
echo
echo "| what | figure | | | |"
echo "| --- | ---: | ---: | ---: | ---: |"
"$BENCH_BIN" "$T/data" "${1:-1000000}" "${2:-32}"
bench_postgres
echo
echo "PostgreSQL, the history and its search; its shared memory in 4 KiB pages, then (when"
echo "they can be reserved here) in 2 MiB ones: each backend maps the pages it reads, once"
echo "(docs/storage.md, \"PostgreSQL\"):"
echo
echo "| what | figure | | | |"
echo "| --- | ---: | ---: | ---: | ---: |"
scripts/pg-test.sh restart "$BENCH_PG_DIR" huge_pages=off
"$BENCH_BIN" "$T/postgres" "${1:-1000000}" "${2:-32}" "$RUCHE_TEST_PG_DSN"
# Just written, the history is not yet what a running instance has: its
# rows' hint bits unset, its full-text index's last entries pending, and
# autovacuum busy with it during the searches. Vacuumed, as autovacuum does:
psql "$RUCHE_TEST_PG_DSN" -qc 'VACUUM (ANALYZE) chat_messages'
"$BENCH_BIN" "$T/postgres" "${1:-1000000}" "${2:-32}" "$RUCHE_TEST_PG_DSN" search-only |
  sed 's/^| search/| vacuumed: search/'
if bench_huge_pages && scripts/pg-test.sh restart "$BENCH_PG_DIR" huge_pages=on; then
  "$BENCH_BIN" "$T/postgres" "${1:-1000000}" "${2:-32}" "$RUCHE_TEST_PG_DSN" search-only |
    sed 's/^| search/| vacuumed, huge pages: search/'
fi
