#!/usr/bin/env bash
# bench/reminders: how fast a node sends reminders due at one instant (as
# many people's "15 minutes before" at 8:45 on a Monday), beside the disk's
# durable commits per second, the bound of sending each in a transaction
# of its own (docs/calendar.md "Reminders").
#
#   bench/reminders/run.sh        (N=2000 reminders, ROUNDS=3)
#
# Ruche on core 0 (SQLite, `[calendar] reminders_check_seconds = 1`), the
# client (bench/reminders/load.py) on core 1. Prints a Markdown table of
# medians over the rounds, each on a fresh server.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common/server.sh
N=${N:-2000}
ROUNDS=${ROUNDS:-3}
PY=/usr/bin/python3
rows=()
for round in $(seq 1 "$ROUNDS"); do
  bench_server reminders
  printf '[calendar]\nreminders_check_seconds = 1\n' >> "$T/ruche.toml"
  RUCHE_IO_THREADS=1 RUCHE_WORKERS=4 bench_ruche_start taskset -c 0
  rows+=("$(taskset -c 1 "$PY" bench/reminders/load.py "$URL" "${AUTH#Authorization: Bearer }" "$N" \
    "$T/data/ruche.db")")
  kill "$RUCHE_PID"; wait "$RUCHE_PID" 2>/dev/null || true; RUCHE_PID=""
  [ -n "${KEEP:-}" ] || rm -rf "$T"
done
field() { for r in "${rows[@]}"; do echo "$r" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$1'])"; done | median; }
per_s=$(field per_s); commits=$(field commits_per_s)
echo "| measure ($N reminders due at once, median of $ROUNDS) | value |"
echo "| --- | ---: |"
echo "| first sent after the instant, ms | $(field first_ms) |"
echo "| delay after the instant, p50 / p99 / last, ms | $(field p50_ms) / $(field p99_ms) / $(field max_ms) |"
echo "| reminders sent per second | $per_s |"
echo "| SQLite durable commits per second, same disk | $commits |"
echo "| reminders per durable commit's time | $("$PY" -c "print(round($per_s / $commits, 2))") |"
