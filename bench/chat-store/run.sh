#!/usr/bin/env bash
# bench/chat-store: durable chat appends (group commit, synchronous=FULL) and
# search latency over a generated history (default 1,000,000 messages) on
# SQLite; then the same history and searches on PostgreSQL (a private server
# on loopback, scripts/pg-test.sh).
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
echo "PostgreSQL, the history and its search:"
echo
echo "| what | figure | | | |"
echo "| --- | ---: | ---: | ---: | ---: |"
"$BENCH_BIN" "$T/postgres" "${1:-1000000}" "${2:-32}" "$RUCHE_TEST_PG_DSN"
