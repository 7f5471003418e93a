#!/usr/bin/env bash
# bench/sync: the desktop sync client (build/ruche-sync, docs/sync.md) beside
# rclone, both against the same Ruche server, in one run.
#
#   bench/sync/run.sh        (N=500 files, LARGE_MB=1024, ROUNDS=3)
#
# N is 500, not more, because rclone's WebDAV backend spaces its requests
# 10 ms apart (its pacer): its upload of N files costs ~3N requests, ~34 s
# for 1,000; at N=500 the whole run takes ~6 minutes.
#
# The server pinned to core 0, every client (and this script) to core 1.
# rclone speaks WebDAV (vendor owncloud, an app token), ruche-sync the JSON
# API (its own app token); each client with its default settings (both
# move 4 files at a time), and both also with --transfers 1 for the initial
# upload and download. Each client works on its own fresh workspace and
# local folders:
# - a tree of N random 4 KiB files in 40 folders: the initial upload
#   (ruche-sync `once` from a fresh state, `rclone copy`, `rclone bisync
#   --resync`), the initial download into an empty folder on a second
#   state/folder, two no-op passes on the uploading side (the first right
#   after the upload, then another; `rclone sync` and `rclone bisync`), one
#   file edited and its propagation (the editing side's pass, then the
#   other side's);
# - one file of LARGE_MB MiB up and down: ruche-sync, `rclone copy`, and
#   `curl -T` / `curl -o` on the JSON API (the server's limit on this
#   machine; `curl -o FILE && sync FILE` the limit for a download put on
#   disk, as ruche-sync's is; `curl -o /dev/null` the server's sending
#   alone); peak RSS (VmHWM) of the client process itself.
# Wall time, the HTTP requests the server counted (/metrics) and its CPU
# time per step, each step after a `sync` (nothing of the step before left
# to write back). The trees are compared after each step (`diff -r`), the
# large file with `cmp`. Medians of ROUNDS; prints Markdown tables; nothing
# about timing is asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common/server.sh
N=${N:-500}
ROUNDS=${ROUNDS:-3}
LARGE_MB=${LARGE_MB:-1024}
bench_server sync
command -v rclone >/dev/null || { echo "rclone is not installed (scripts/deps.sh bench)" >&2; exit 1; }
[ -x "${SYNC_BIN:-build/ruche-sync}" ] || make server >/dev/null
# A copy: build/ruche-sync may be rebuilt while the bench runs.
SYNC="$T/ruche-sync"
cp "${SYNC_BIN:-build/ruche-sync}" "$SYNC"
PY=/usr/bin/python3
EMAIL=bench@example.org
PW=Bourdon-Velours-2026
HZ=$(getconf CLK_TCK)

bench_ruche_start taskset -c 0
taskset -cp 1 $$ >/dev/null  # this script, and what it starts, on the clients' core

APP_TOKEN=$(curl -fsS -X POST -H "$AUTH" "$URL/api/v1/me/app-tokens" -d '{"name":"rclone"}' |
  sed 's/.*"token":"\([^"]*\)".*/\1/')
export RCLONE_CONFIG="$T/rclone.conf" RCLONE_WEBDAV_VENDOR=owncloud RCLONE_WEBDAV_USER="$EMAIL"
: >"$RCLONE_CONFIG"
RCLONE_WEBDAV_PASS=$(rclone obscure "$APP_TOKEN")
export RCLONE_WEBDAV_PASS

new_ws() {
  curl -fsS -X POST -H "$AUTH" "$URL/api/v1/workspaces" -d '{"name":"Sync","modules":["files"]}' |
    sed 's/.*"id":"\([^"]*\)".*/\1/'
}
# RCL: rclone on the :webdav: backend, workspace $1's tree as its root (env
# and taskset exec: the process started is rclone itself).
rcl() { RCL=(env "RCLONE_WEBDAV_URL=$URL/dav/files/$1/" taskset -c 1 rclone); }
sync_state() {  # STATE WS DIR: a logged-in state folder pairing WS with DIR
  echo "$PW" | "$SYNC" --state "$1" login "$URL" --email "$EMAIL" >/dev/null
  "$SYNC" --state "$1" add "$2" "$3" >/dev/null
}
reqs() { curl -fsS "$URL/metrics" | awk '/^ruche_http_requests_total/ && !/route="\/metrics"/ {s += $NF} END {print s + 0}'; }
server_ticks() { awk '{print $14 + $15}' "/proc/$RUCHE_PID/stat"; }
same_tree() {
  diff -r --exclude=.ruche-sync "$1" "$2" >/dev/null || { echo "$3: the trees differ ($1, $2)" >&2; exit 1; }
}

# measure KEY CLIENT CMD...: one line of results: KEY CLIENT wall-seconds
# requests server-CPU-seconds peak-RSS-KiB (the client process's VmHWM,
# sampled when SAMPLE is set; "-" otherwise, or when it ended too soon).
measure() {
  local key=$1 who=$2 r0 c0 t0 t1 c1 r1 pid sampler hwm=-
  shift 2
  rm -f "$T/hwm"
  sync  # nothing left for the kernel to write back from the step before
  r0=$(reqs); c0=$(server_ticks)
  t0=$(date +%s.%N)
  if [ -n "${SAMPLE:-}" ]; then
    "$@" >>"$T/clients.log" 2>&1 &
    pid=$!
    (
      # Builtins only but the sleep: the sampler shares the client's core.
      # VmHWM is the peak so far: a sample every 0.1 s loses at most the
      # last 0.1 s. Only once env and taskset have become the client.
      while [ -e "/proc/$pid/status" ]; do
        { read -r comm < "/proc/$pid/comm"
          case "$comm" in
            ruche-sync|rclone)
              while read -r k v _; do [ "$k" = VmHWM: ] && printf '%s\n' "$v" > "$T/hwm"; done < "/proc/$pid/status" ;;
          esac; } 2>/dev/null || true
        sleep 0.1
      done
    ) &
    sampler=$!
    wait "$pid" || { echo "$key $who failed" >&2; tail -20 "$T/clients.log" >&2; exit 1; }
  else
    "$@" >>"$T/clients.log" 2>&1 || { echo "$key $who failed" >&2; tail -20 "$T/clients.log" >&2; exit 1; }
  fi
  t1=$(date +%s.%N)
  c1=$(server_ticks); r1=$(reqs)
  if [ -n "${SAMPLE:-}" ]; then
    wait "$sampler"
    if [ -s "$T/hwm" ]; then read -r hwm < "$T/hwm"; fi
  fi
  echo "$key $who $(echo "$t1 - $t0" | bc) $((r1 - r0)) $(echo "scale=2; ($c1 - $c0) / $HZ" | bc) $hwm" >> "$T/results.txt"
}

make_tree() {  # DIR: N files of 4 KiB in 40 folders, an hour old
  "$PY" - "$1" "$N" <<'PY'
import os, sys, time
root, n = sys.argv[1], int(sys.argv[2])
old = time.time() - 3600
for i in range(n):
    d = os.path.join(root, "dossier-%02d" % (i % 40))
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "fichier-%05d.bin" % i)
    with open(p, "wb") as f:
        f.write(os.urandom(4096))
    os.utime(p, (old, old))
for i in range(min(n, 40)):
    os.utime(os.path.join(root, "dossier-%02d" % i), (old, old))
PY
}
# One file halfway through a folder (file i is in folder i mod 40).
EDITED=$(printf 'dossier-%02d/fichier-%05d.bin' $(( (N / 2) % 40 )) $(( N / 2 )))
edit_one() { head -c 4096 /dev/urandom > "$1/$EDITED"; }

small_round() {  # CLIENT ROUND-DIR
  local who=$1 d=$2/$1 w
  w=$(new_ws)
  rcl "$w"
  mkdir -p "$d/b"
  cp -a "$2/src" "$d/a"
  case "$who" in
    ruche-sync)
      sync_state "$d/state-a" "$w" "$d/a"; sync_state "$d/state-b" "$w" "$d/b"
      local sa=(taskset -c 1 "$SYNC" --state "$d/state-a" -q once) sb=(taskset -c 1 "$SYNC" --state "$d/state-b" -q once)
      measure up "$who" "${sa[@]}"
      measure down "$who" "${sb[@]}"; same_tree "$d/a" "$d/b" "$who down"
      measure noop1 "$who" "${sa[@]}"
      measure noop2 "$who" "${sa[@]}"
      edit_one "$d/a"
      measure edit_up "$who" "${sa[@]}"
      measure edit_down "$who" "${sb[@]}"; same_tree "$d/a" "$d/b" "$who edit" ;;
    ruche-sync-t1)
      sync_state "$d/state-a" "$w" "$d/a"; sync_state "$d/state-b" "$w" "$d/b"
      measure up "$who" taskset -c 1 "$SYNC" --state "$d/state-a" -q once --transfers 1
      measure down "$who" taskset -c 1 "$SYNC" --state "$d/state-b" -q once --transfers 1
      same_tree "$d/a" "$d/b" "$who down" ;;
    rclone)
      measure up "$who" "${RCL[@]}" copy "$d/a" :webdav:
      measure down "$who" "${RCL[@]}" copy :webdav: "$d/b"; same_tree "$d/a" "$d/b" "$who down"
      measure noop1 "$who" "${RCL[@]}" sync "$d/a" :webdav:
      measure noop2 "$who" "${RCL[@]}" sync "$d/a" :webdav:
      edit_one "$d/a"
      measure edit_up "$who" "${RCL[@]}" sync "$d/a" :webdav:
      measure edit_down "$who" "${RCL[@]}" sync :webdav: "$d/b"; same_tree "$d/a" "$d/b" "$who edit" ;;
    rclone-t1)
      measure up "$who" "${RCL[@]}" copy --transfers 1 "$d/a" :webdav:
      measure down "$who" "${RCL[@]}" copy --transfers 1 :webdav: "$d/b"; same_tree "$d/a" "$d/b" "$who down" ;;
    bisync)
      measure up "$who" "${RCL[@]}" bisync "$d/a" :webdav: --resync --workdir "$d/wa"
      measure down "$who" "${RCL[@]}" bisync "$d/b" :webdav: --resync --workdir "$d/wb"
      same_tree "$d/a" "$d/b" "$who down"
      measure noop1 "$who" "${RCL[@]}" bisync "$d/a" :webdav: --workdir "$d/wa"
      measure noop2 "$who" "${RCL[@]}" bisync "$d/a" :webdav: --workdir "$d/wa"
      edit_one "$d/a"
      measure edit_up "$who" "${RCL[@]}" bisync "$d/a" :webdav: --workdir "$d/wa"
      measure edit_down "$who" "${RCL[@]}" bisync "$d/b" :webdav: --workdir "$d/wb"
      same_tree "$d/a" "$d/b" "$who edit" ;;
  esac
  rm -rf "$d"
}

LARGE="$T/large/src/large.bin"
mkdir -p "$T/large/src"
randbytes large $((LARGE_MB << 20)) > "$LARGE"
large_round() {  # CLIENT ROUND
  local who=$1 d="$T/large/$1-$2" w id
  w=$(new_ws)
  rcl "$w"
  mkdir -p "$d"
  case "$who" in
    curl)
      measure large_up "$who" taskset -c 1 curl -fsS -T "$LARGE" -H "$AUTH" -o "$T/put.json" \
        "$URL/api/v1/workspaces/$w/files/children/large.bin"
      id=$(sed 's/.*"id":"\([^"]*\)".*/\1/' "$T/put.json")
      measure large_down "$who" taskset -c 1 curl -fsS -H "$AUTH" -o "$d/large.bin" "$URL/api/v1/files/$id/content"
      rm "$d/large.bin"
      # shellcheck disable=SC2016 # expanded by that sh
      measure large_disk "$who" taskset -c 1 sh -c 'curl -fsS -H "$1" -o "$2" "$3" && sync "$2"' - \
        "$AUTH" "$d/large.bin" "$URL/api/v1/files/$id/content"
      measure large_null "$who" taskset -c 1 curl -fsS -H "$AUTH" -o /dev/null "$URL/api/v1/files/$id/content" ;;
    ruche-sync)
      sync_state "$d/state-up" "$w" "$T/large/src"; sync_state "$d/state-down" "$w" "$d/down"
      SAMPLE=1 measure large_up "$who" taskset -c 1 "$SYNC" --state "$d/state-up" -q once
      SAMPLE=1 measure large_down "$who" taskset -c 1 "$SYNC" --state "$d/state-down" -q once
      mv "$d/down/large.bin" "$d/large.bin" ;;
    rclone)
      SAMPLE=1 measure large_up "$who" "${RCL[@]}" copy "$T/large/src" :webdav:
      SAMPLE=1 measure large_down "$who" "${RCL[@]}" copy :webdav: "$d/down"
      mv "$d/down/large.bin" "$d/large.bin" ;;
  esac
  cmp "$LARGE" "$d/large.bin" || { echo "$who: the large file came back different" >&2; exit 1; }
  rm -rf "$d"
}

: > "$T/results.txt"
SMALL=(ruche-sync ruche-sync-t1 rclone rclone-t1 bisync)
BIG=(curl ruche-sync rclone)
for round in $(seq 1 "$ROUNDS"); do
  make_tree "$T/round/src"
  # A different order each round: what runs first does not always run on the emptiest server.
  for i in "${!SMALL[@]}"; do small_round "${SMALL[$(( (i + round - 1) % ${#SMALL[@]} ))]}" "$T/round"; done
  rm -rf "$T/round"
  for i in "${!BIG[@]}"; do large_round "${BIG[$(( (i + round - 1) % ${#BIG[@]} ))]}" "$round"; done
done

# med KEY CLIENT FIELD (3 seconds, 4 requests, 5 server CPU-s, 6 peak RSS KiB)
med() { awk -v k="$1" -v c="$2" -v f="$3" '$1 == k && $2 == c {print $f}' "$T/results.txt" | median; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && echo "$(echo "scale=2; $1 / $2" | bc | sed 's/^\./0./')×" || echo "—"; }
ms() { [ -n "$1" ] && printf '%.0f' "$(echo "$1 * 1000" | bc)" || echo "—"; }
s2() { [ -n "$1" ] && printf '%.2f' "$1" || echo "—"; }
rate() { [ -n "$1" ] && printf '%.0f' "$(echo "$N / $1" | bc -l)" || echo "—"; }
MB=$((LARGE_MB << 20))
mbs() { [ -n "$1" ] && printf '%.0f' "$(echo "$MB / 1000000 / $1" | bc -l)" || echo "—"; }

echo "N=$N files of 4 KiB in 40 folders, $ROUNDS rounds, medians; a fresh workspace and folders per client and round."
echo "Cells: value (HTTP requests the server counted). Ratios: the peer's time ÷ ruche-sync's (above 1: ruche-sync faster)."
echo
echo "| measure | ruche-sync | ruche-sync --transfers 1 | rclone | rclone --transfers 1 | rclone bisync | rclone ÷ ruche-sync | both --transfers 1: rclone ÷ ruche-sync | bisync ÷ ruche-sync |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
CLIENTS=(ruche-sync ruche-sync-t1 rclone rclone-t1 bisync)
row() {  # KEY LABEL FORMAT
  local k=$1 cells=() c v r
  for c in "${CLIENTS[@]}"; do
    v=$(med "$k" "$c" 3); r=$(med "$k" "$c" 4)
    if [ -z "$v" ]; then cells+=("—"); else cells+=("$($3 "$v") ($r)"); fi
  done
  echo "| $2 | ${cells[0]} | ${cells[1]} | ${cells[2]} | ${cells[3]} | ${cells[4]} |" \
    "$(ratio "$(med "$k" rclone 3)" "$(med "$k" ruche-sync 3)") |" \
    "$(ratio "$(med "$k" rclone-t1 3)" "$(med "$k" ruche-sync-t1 3)") |" \
    "$(ratio "$(med "$k" bisync 3)" "$(med "$k" ruche-sync 3)") |"
}
row up "initial upload (s)" s2
row down "initial download (s)" s2
row noop1 "no-op pass, the first after the upload (ms)" ms
row noop2 "no-op pass, again (ms)" ms
row edit_up "one file edited: the editing side's pass (ms)" ms
row edit_down "one file edited: the other side's pass (ms)" ms
for k in up down; do
  printf '| %s, files/s |' "$([ $k = up ] && echo upload || echo download)"
  for c in "${CLIENTS[@]}"; do printf ' %s |' "$(rate "$(med "$k" "$c" 3)")"; done
  echo " | | |"
  printf '| %s, server CPU-s |' "$([ $k = up ] && echo upload || echo download)"
  for c in "${CLIENTS[@]}"; do printf ' %s |' "$(s2 "$(med "$k" "$c" 5)")"; done
  echo " | | |"
done
echo
echo "One file of $LARGE_MB MiB (MB = 10^6 bytes), $ROUNDS rounds, medians; curl on the JSON API is the server's limit here."
echo
echo "| $LARGE_MB MiB | curl | ruche-sync | ruche-sync ÷ curl | rclone | rclone ÷ curl |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
cu=$(med large_up curl 3); su=$(med large_up ruche-sync 3); ru=$(med large_up rclone 3)
cd_=$(med large_down curl 3); sd=$(med large_down ruche-sync 3); rd=$(med large_down rclone 3)
cf=$(med large_disk curl 3)
echo "| upload, MB/s | $(mbs "$cu") | $(mbs "$su") | $(ratio "$cu" "$su") | $(mbs "$ru") | $(ratio "$cu" "$ru") |"
echo "| download, MB/s | $(mbs "$cd_") | $(mbs "$sd") | $(ratio "$cd_" "$sd") | $(mbs "$rd") | $(ratio "$cd_" "$rd") |"
echo "| download to /dev/null (curl), MB/s | $(mbs "$(med large_null curl 3)") | | | | |"
echo "| download put on disk (curl, then \`sync FILE\`), MB/s | $(mbs "$cf") | $(mbs "$sd") | $(ratio "$cf" "$sd") | | |"
echo "| server CPU-s, upload / download | $(s2 "$(med large_up curl 5)") / $(s2 "$(med large_down curl 5)") | $(s2 "$(med large_up ruche-sync 5)") / $(s2 "$(med large_down ruche-sync 5)") | | $(s2 "$(med large_up rclone 5)") / $(s2 "$(med large_down rclone 5)") | |"
echo "| requests, upload / download | $(med large_up curl 4) / $(med large_down curl 4) | $(med large_up ruche-sync 4) / $(med large_down ruche-sync 4) | | $(med large_up rclone 4) / $(med large_down rclone 4) | |"
mib() { awk -v k="$1" -v c="$2" '$1 == k && $2 == c && $6 ~ /^[0-9]+$/ {print $6}' "$T/results.txt" | median |
  awk '{print $1 == "" ? "—" : int($1 / 1024)}'; }
echo "| client peak RSS, upload / download, MiB | | $(mib large_up ruche-sync) / $(mib large_down ruche-sync) | | $(mib large_up rclone) / $(mib large_down rclone) | |"
echo
echo "Per round, seconds:"
for k in up down large_up large_down large_disk large_null; do
  for c in "${CLIENTS[@]}" curl; do
    v=$(awk -v k="$k" -v c="$c" '$1 == k && $2 == c {printf "%s%.2f", (n++ ? " / " : ""), $3}' "$T/results.txt")
    [ -z "$v" ] || echo "- $k $c: $v"
  done
done
