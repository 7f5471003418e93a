#!/usr/bin/env bash
# bench/chat-store/instructions.sh: where a chat post's CPU work goes, in
# instructions counted by valgrind's callgrind — a measure that does not
# move with the other tenants of a shared host, where timings (run.sh) of
# the same build differ by tens of percent from one run to the next. The
# writer's counts repeat within 0.5 %, the readers' within ~7 % (how many
# commits land between their reads). Durable appends through
# chat::Service::post from 4 threads, then the same appends written
# directly; no history.
#
#   bench/chat-store/instructions.sh [POSTS_PER_THREAD]    (default 300)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/common/in_process.sh
in_process_bench chat_store_bench
command -v valgrind >/dev/null || scripts/deps.sh test
bench_workdir chatstore-ir
per=${1:-300}
posts=$((4 * per))
BENCH_POSTS=$per BENCH_APPENDS_ONLY=1 valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" \
  "$BENCH_BIN" "$T/data" 1000 4 >/dev/null 2>"$T/valgrind.log"
echo "bench/chat-store/instructions — $(date -u +%Y-%m-%d), SQLite, $posts posts through the service, $posts direct"
echo
echo "| part | instructions per post |"
echo "| --- | ---: |"
# Inclusive counts, one line per function, largest first: each part is the
# first line matching its pattern, divided by the appends it served (the
# service's, or both phases' for what they share).
callgrind_annotate --inclusive=yes "$T/cg.out" | awk -v posts="$posts" '
  BEGIN {
    n = split("post on the poster thread (the write body runs on the writer)|chat::Service::post\\(ruche::platform::Caller const&|1" \
              "|  rights on a reader (reach)|chat::Service::reach\\(|1" \
              "|    the channel|chat::store::channel\\(|1" \
              "|    workspace access|platform::Authz::access_in\\(|1" \
              "|    channel membership|chat::store::is_member\\(|1" \
              "|write body on the writer thread|service.cpp:ruche::db::Database::run<ruche::chat::Service::post.*#2}>.*operator\\(\\)|1" \
              "|  still a member who may write (checked again in the write)|platform::Authz::still_allowed\\(|1" \
              "|  message row|chat::store::insert_message\\(|1" \
              "|  channel number|chat::store::next_seq\\(|1" \
              "|  outbox event (per append of either phase)|platform::Outbox::append\\(|2" \
              "|full-text indexing (in the batches the indexer gathered)|chat::store::index_pending\\(|1" \
              "|direct append body (number, message, event)|chat_store_bench.cpp:.*Database::run<main::|1" \
              "|WAL frames written at commits (per append of either phase)|sqlite3WalFrames|2", spec, "|")
    parts = 0
    for (i = 1; i + 2 <= n; i += 3) { ++parts; label[parts] = spec[i]; pat[parts] = spec[i + 1]; per[parts] = spec[i + 2] * posts }
  }
  {
    for (k = 1; k <= parts; k++)
      if (!(k in seen) && $0 ~ pat[k]) { v = $1; gsub(",", "", v); seen[k] = v }
  }
  END {
    for (k = 1; k <= parts; k++)
      printf "| %s | %s |\n", label[k], (k in seen) ? sprintf("%.0f", seen[k] / per[k]) : "not seen"
  }'
