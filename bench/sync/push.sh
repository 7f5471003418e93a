#!/usr/bin/env bash
# bench/sync/push.sh: how soon `ruche-sync run` has on disk a file someone
# else uploaded (a JSON API upload of a few bytes, as the web client or
# another machine would): with its live events connection (the default),
# and without (`--no-push`: the root ETag checked every --interval, 10 s by
# default). docs/sync.md, "run".
#
#   bench/sync/push.sh        (SAMPLES=7)
#
# Each sample: a random pause of 0 to 10 s (the upload lands anywhere in the
# polling period), the upload, then the file looked for every 5 ms; the
# delay runs from just before the upload's request to the file in place
# (a download is renamed into place whole). One workspace and one state
# folder per mode, `run` with its defaults otherwise, the server's write
# limit off. Prints medians, minimum and maximum; nothing about timing is
# asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common/server.sh
SAMPLES=${SAMPLES:-7}
bench_server sync-push
[ -x "${SYNC_BIN:-build/ruche-sync}" ] || make server >/dev/null
# A copy: build/ruche-sync may be rebuilt while the bench runs.
SYNC="$T/ruche-sync"
cp "${SYNC_BIN:-build/ruche-sync}" "$SYNC"
EMAIL=bench@example.org
PW=Bourdon-Velours-2026
RUN_PID=""
# The server's clean-up, and the `run` in progress before it.
trap 'if [ -n "$RUN_PID" ]; then kill "$RUN_PID" 2>/dev/null && wait "$RUN_PID" || true; fi; '"$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")" EXIT

bench_ruche_start
ms_now() { echo $(( $(date +%s%N) / 1000000 )); }
wait_file() {  # FILE: up to 60 s
  local end=$(( $(ms_now) + 60000 ))
  until [ -e "$1" ]; do
    [ "$(ms_now)" -lt "$end" ] || { echo "$1 never came" >&2; exit 1; }
    sleep 0.005
  done
}

: >"$T/results.txt"
for mode in push poll; do
  w=$(curl -fsS -X POST -H "$AUTH" "$URL/api/v1/workspaces" -d "{\"name\":\"Push $mode\",\"modules\":[\"files\"]}" |
    sed 's/.*"id":"\([^"]*\)".*/\1/')
  state="$T/state-$mode" dir="$T/dir-$mode"
  echo "$PW" | "$SYNC" --state "$state" login "$URL" --email "$EMAIL" >/dev/null
  "$SYNC" --state "$state" add "$w" "$dir" >/dev/null
  flags=()
  [ "$mode" = poll ] && flags=(--no-push)
  "$SYNC" --state "$state" run "${flags[@]}" >"$T/run-$mode.out" 2>&1 &
  RUN_PID=$!
  ready=' <-> '
  [ "$mode" = push ] && ready='hearing the server'
  for _ in $(seq 1 300); do grep -qs "$ready" "$T/run-$mode.out" && break; sleep 0.1; done
  grep -qs "$ready" "$T/run-$mode.out" || { cat "$T/run-$mode.out" >&2; exit 1; }
  for i in $(seq 1 "$SAMPLES"); do
    sleep "$(printf '%d.%03d' $((RANDOM % 10)) $((RANDOM % 1000)))"
    t0=$(ms_now)
    curl -fsS -X PUT -H "$AUTH" --data-binary "sample $i" \
      "$URL/api/v1/workspaces/$w/files/children/sample-$i.txt" >/dev/null
    wait_file "$dir/sample-$i.txt"
    echo "$mode $(( $(ms_now) - t0 ))" >>"$T/results.txt"
  done
  kill -TERM "$RUN_PID"
  wait "$RUN_PID" || { cat "$T/run-$mode.out" >&2; exit 1; }
  RUN_PID=""
done

stat_of() { awk -v m="$1" '$1 == m {print $2}' "$T/results.txt" | sort -n; }
echo "A file uploaded through the JSON API until \`ruche-sync run\` has it on disk, $SAMPLES samples per mode, ms."
echo
echo "| run | median | min | max | samples |"
echo "| --- | ---: | ---: | ---: | --- |"
for mode in push poll; do
  label="live events connection (default)"
  [ "$mode" = poll ] && label="\`--no-push\`: root ETag every 10 s"
  echo "| $label | $(stat_of $mode | median) | $(stat_of $mode | head -1) | $(stat_of $mode | tail -1) |" \
    "$(stat_of $mode | paste -sd' ') |"
done
