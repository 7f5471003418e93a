#!/usr/bin/env bash
# bench/export: a workspace export (GET /api/v1/workspaces/{id}/export)
# beside GNU tar archiving the same files from a plain folder, in one run.
#
#   bench/export/run.sh            (ROUNDS=3; KEEP=1 leaves its work folder)
#
# The same tree in both: a 1 GiB file and 10,000 small files (~1 KiB) in a
# folder. Ruche decrypts every chunk and writes records (JSON Lines) beside
# the contents; tar reads the files from the page cache. Both on core 0, the
# reader (curl, cat) on core 1; the tree is read once before the rounds.
# Measured: seconds per archive, archive GiB/s, CPU-seconds of the archiver,
# Ruche's RSS at the end; then the import of that archive into a new
# workspace (every content chunked, hashed, sealed and fsynced, records
# written) beside GNU tar extracting it (no fsync). Prints a Markdown table;
# nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
. bench/common/server.sh
bench_server export
mkdir -p "$T/tree/many"
randbytes ruche-bench-export $((1 << 30)) > "$T/tree/big.bin"
for i in $(seq 1 10000); do head -c $((512 + i % 1024)) /dev/zero | tr '\0' 'x' > "$T/tree/many/f$i.txt"; done

bench_ruche_start env RUCHE_IO_THREADS=1 taskset -c 0
curl -fsS -X MKCOL -H "$AUTH" "$RDAV/many" >/dev/null
curl -fsS -T "$T/tree/big.bin" -H "$AUTH" "$RDAV/big.bin" >/dev/null
(cd "$T/tree/many" && ls | xargs -P 8 -I{} curl -fsS -o /dev/null -T {} -H "$AUTH" "$RDAV/many/{}")

ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
: > "$T/ruche.s"; : > "$T/ruche.cpu"; : > "$T/tar.s"; : > "$T/tar.cpu"; : > "$T/ruche.bytes"; : > "$T/tar.bytes"
# Warm both: the plain tree in the page cache, Ruche's chunks too.
tar -cf - -C "$T" tree | cat > /dev/null
curl -fsS -H "$AUTH" -o /dev/null "$URL/api/v1/workspaces/$WS/export"
for _ in $(seq 1 "$ROUNDS"); do
  c0=$(ticks "$RUCHE_PID")
  out=$(taskset -c 1 curl -fsS -H "$AUTH" -o /dev/null -w '%{time_total} %{size_download}' "$URL/api/v1/workspaces/$WS/export")
  c1=$(ticks "$RUCHE_PID")
  echo "$out" | awk '{printf "%.3f\n", $1}' >> "$T/ruche.s"
  echo "$out" | awk '{print $2}' >> "$T/ruche.bytes"
  echo "$((c1 - c0))" | awk -v hz="$hz" '{printf "%.2f\n", $1 / hz}' >> "$T/ruche.cpu"

  s0=$(date +%s.%N)
  taskset -c 0 bash -c "tar -cf - -C '$T' tree; cat /proc/\$\$/stat > '$T/tar.stat'" 2>/dev/null \
    | taskset -c 1 wc -c >> "$T/tar.bytes" || true
  s1=$(date +%s.%N)
  echo "$s0 $s1" | awk '{printf "%.3f\n", $2 - $1}' >> "$T/tar.s"
  # The shell's children (tar) CPU: fields 16 + 17 (cutime, cstime) of the wrapping shell.
  awk -v hz="$hz" '{printf "%.2f\n", ($16 + $17) / hz}' "$T/tar.stat" >> "$T/tar.cpu"
done

# A slow client: the export read at 64 MiB/s while 2,000 small files are
# written beside it. How long the export's database snapshot lasted (the
# server's log; an export held it for its whole download before it spooled
# its records) and what SQLite's write-ahead log weighs at the end (it
# cannot start over while a snapshot older than its start is read).
wal_size() { stat -c %s "$T/data/ruche.db-wal" 2>/dev/null || echo 0; }
WAL0=$(wal_size)
taskset -c 1 curl -fsS -H "$AUTH" --limit-rate 64M -o /dev/null -w '%{time_total}\n' \
  "$URL/api/v1/workspaces/$WS/export" > "$T/slow.s" &
SLOW_PID=$!
sleep 0.5
curl -fsS -X MKCOL -H "$AUTH" "$RDAV/during" >/dev/null
(cd "$T/tree/many" && seq 1 2000 | xargs -P 4 -I{} curl -fsS -o /dev/null -T f{}.txt -H "$AUTH" "$RDAV/during/f{}.txt")
wait "$SLOW_PID"
WAL1=$(wal_size)
SNAPSHOT_MS=$(cat "$T/ruche.out" "$T/ruche.err" | grep '"workspace.exported"' | tail -n 1 |
  grep -o '"snapshot_ms":[0-9]*' | cut -d: -f2 || true)

# Import: the archive back into a new workspace, beside tar -x of it.
curl -fsS -H "$AUTH" -o "$T/export.tar" "$URL/api/v1/workspaces/$WS/export"
: > "$T/ruche.in.s"; : > "$T/ruche.in.cpu"; : > "$T/tar.x.s"
for r in $(seq 1 "$ROUNDS"); do
  c0=$(ticks "$RUCHE_PID")
  taskset -c 1 curl -fsS -H "$AUTH" -o /dev/null -w '%{time_total}\n' -X POST -T "$T/export.tar" \
    "$URL/api/v1/admin/workspaces/import?name=Import$r" | awk '{printf "%.3f\n", $1}' >> "$T/ruche.in.s"
  c1=$(ticks "$RUCHE_PID")
  echo "$((c1 - c0))" | awk -v hz="$hz" '{printf "%.2f\n", $1 / hz}' >> "$T/ruche.in.cpu"
  rm -rf "$T/x"; mkdir -p "$T/x"
  s0=$(date +%s.%N)
  taskset -c 0 tar -x -f "$T/export.tar" -C "$T/x"
  s1=$(date +%s.%N)
  echo "$s0 $s1" | awk '{printf "%.3f\n", $2 - $1}' >> "$T/tar.x.s"
done
rm -rf "$T/x"

RS=$(median < "$T/ruche.s"); TS=$(median < "$T/tar.s")
RB=$(median < "$T/ruche.bytes"); TB=$(median < "$T/tar.bytes")
gibs() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.2f", b / 2^30 / s}'; }
echo
echo "| what | GNU tar (plain files) | Ruche export | Ruche ÷ tar |"
echo "| --- | ---: | ---: | ---: |"
echo "| archive of 1 GiB + 10,000 small files, seconds | $TS | $RS | $(awk -v r="$RS" -v t="$TS" 'BEGIN {printf "%.2f", r / t}') |"
echo "| archive GiB/s | $(gibs "$TB" "$TS") | $(gibs "$RB" "$RS") | |"
echo "| archiver CPU-seconds | $(median < "$T/tar.cpu") | $(median < "$T/ruche.cpu") | |"
echo "| archive bytes | $TB | $RB | |"
RI=$(median < "$T/ruche.in.s"); TX=$(median < "$T/tar.x.s")
echo "| import of that archive, seconds (Ruche: into a new workspace; tar: -x, no fsync) | $TX | $RI | $(awk -v r="$RI" -v t="$TX" 'BEGIN {printf "%.2f", r / t}') |"
echo "| import, Ruche CPU-seconds | | $(median < "$T/ruche.in.cpu") | |"
echo "| slow client (64 MiB/s) while 2,000 files are written: download seconds | | $(cat "$T/slow.s") | |"
echo "| the same: the export's database snapshot, seconds | | $(awk -v ms="${SNAPSHOT_MS:-}" 'BEGIN {print ms == "" ? "whole download" : sprintf("%.3f", ms / 1000)}') | |"
echo "| the same: SQLite write-ahead log before / after, MiB | | $(awk -v a="$WAL0" -v b="$WAL1" 'BEGIN {printf "%.1f / %.1f", a / 2^20, b / 2^20}') | |"
echo
echo "Per round, seconds: tar $(paste -sd/ "$T/tar.s"), Ruche $(paste -sd/ "$T/ruche.s"); import: tar -x $(paste -sd/ "$T/tar.x.s"), Ruche $(paste -sd/ "$T/ruche.in.s"). Ruche RSS at the end: $(awk '/^VmRSS:/ {print int($2/1024)}' /proc/$RUCHE_PID/status) MiB."
