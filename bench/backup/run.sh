#!/usr/bin/env bash
# bench/backup: `ruche backup` of a running instance beside rsync copying
# the same data folder, in one run.
#
#   bench/backup/run.sh            (ROUNDS=3; KEEP=1 leaves its work folder)
#
# The instance holds a 1 GiB file and 10,000 small files (~1 KiB: rows of
# the database, not chunk files). Full: into an empty folder, `ruche backup`
# (snapshot of the database in one read transaction, every chunk file
# copied, the copy checked, one syncfs) beside `rsync -a` of the data folder
# then `sync` (no consistency: a copy of files being written). Update: after
# 64 MiB of new content and 500 new small files, the same backup folder
# again, beside `rsync -a --delete` onto its earlier copy; and a full
# backup with --deep (its check opens every chunk). Both read a warm
# page cache; wall and CPU seconds (the command and its children). Prints a
# Markdown table; nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
. bench/common/server.sh
bench_server backup
bench_ruche_start
mkdir -p "$T/many"
for i in $(seq 1 10500); do printf 'file %05d %0*d\n' "$i" $((500 + i % 1000)) 0 > "$T/many/f$i.txt"; done
curl -fsS -X MKCOL -H "$AUTH" "$RDAV/many" >/dev/null
randbytes ruche-bench-backup $((1 << 30)) | curl -fsS -T - -H "$AUTH" "$RDAV/big.bin" >/dev/null
(cd "$T/many" && ls | head -10000 | xargs -P 8 -I{} curl -fsS -o /dev/null -T {} -H "$AUTH" "$RDAV/many/{}")
# Warm: the data folder in the page cache.
tar -cf - -C "$T" data | cat > /dev/null

# `timed FILE command...`: appends "wall cpu" seconds of the command and its children.
timed() {
  local out=$1; shift
  local t0 c0 t1 c1
  t0=$(date +%s.%N); c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  ( "$@" ) >/dev/null
  t1=$(date +%s.%N); c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.2f %.2f\n", b - a, (d - c) / hz}' >> "$out"
}
rsync_full() { rsync -a "$T/data/" "$1/" && sync; }
rsync_update() { rsync -a --delete "$T/data/" "$1/" && sync; }
for f in ruche.full rsync.full ruche.update rsync.update ruche.deep; do : > "$T/$f"; done
for round in $(seq 1 "$ROUNDS"); do
  rm -rf "$T/b.ruche" "$T/b.rsync"; sync
  timed "$T/ruche.full" "$RUCHE" backup --config "$T/ruche.toml" --data "$T/data" --to "$T/b.ruche"
  timed "$T/rsync.full" rsync_full "$T/b.rsync"
  # New contents: 64 MiB and 500 small files.
  randbytes "ruche-bench-backup-$round" $((64 << 20)) | curl -fsS -T - -H "$AUTH" "$RDAV/new$round.bin" >/dev/null
  (cd "$T/many" && ls | tail -500 | xargs -P 8 -I{} curl -fsS -o /dev/null -T {} -H "$AUTH" "$RDAV/many/r$round-{}")
  timed "$T/ruche.update" "$RUCHE" backup --config "$T/ruche.toml" --data "$T/data" --to "$T/b.ruche"
  timed "$T/rsync.update" rsync_update "$T/b.rsync"
  # The same full backup, its check opening every chunk (--deep).
  rm -rf "$T/b.deep"; sync
  timed "$T/ruche.deep" "$RUCHE" backup --deep --config "$T/ruche.toml" --data "$T/data" --to "$T/b.deep"
  rm -rf "$T/b.deep"
done
col() { awk -v k="$1" '{print $k}' "$2" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "| what (medians of $ROUNDS rounds) | Ruche: wall s | CPU s | rsync: wall s | CPU s | Ruche ÷ rsync, wall |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for k in full update; do
  rw=$(col 1 "$T/ruche.$k"); rc=$(col 2 "$T/ruche.$k"); sw=$(col 1 "$T/rsync.$k"); sc=$(col 2 "$T/rsync.$k")
  echo "| $k | $rw | $rc | $sw | $sc | $(ratio "$rw" "$sw") |"
done
echo "| full, --deep (every chunk opened) | $(col 1 "$T/ruche.deep") | $(col 2 "$T/ruche.deep") | | | |"
echo
echo "Per round, wall s: Ruche full $(awk '{print $1}' "$T/ruche.full" | paste -sd/), update $(awk '{print $1}' "$T/ruche.update" | paste -sd/); rsync full $(awk '{print $1}' "$T/rsync.full" | paste -sd/), update $(awk '{print $1}' "$T/rsync.update" | paste -sd/)."
echo "Data folder: $(du -sm "$T/data" | cut -f1) MiB, $(find "$T/data/blobs" -type f | wc -l) chunk files; the backup: $(du -sm "$T/b.ruche" | cut -f1) MiB."
