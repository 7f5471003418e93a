#!/usr/bin/env bash
# rclone (a real WebDAV client) round trip: a tree of 300 small files and a
# 400 MiB file up, back down, compared byte for byte; the server's resident
# memory is sampled from /proc throughout and must stay under 200 MiB. Then
# `rclone about` (the quota properties), /dav/files/ as one remote, and
# modification times kept (vendor owncloud).
set -euo pipefail
RUCHE=${1:?usage: dav_rclone.sh path/to/ruche}
. "$(dirname "$0")/dav_lib.sh"
command -v rclone >/dev/null || fail "rclone is not installed (scripts/deps.sh test)"
start_server "$RUCHE"
export RCLONE_CONFIG="$T/rclone.conf"
: > "$RCLONE_CONFIG"
mkdir -p "$T/src/small/a/b" "$T/src/big"
for i in $(seq 1 300); do
  d="$T/src/small"; [ $((i % 3)) -eq 1 ] && d="$T/src/small/a"; [ $((i % 3)) -eq 2 ] && d="$T/src/small/a/b"
  head -c $((100 + (i * 37) % 4000)) /dev/urandom > "$d/file-$i.bin"
done
head -c $((400 * 1024 * 1024)) /dev/urandom > "$T/src/big/big.bin"
OBSCURED=$(rclone obscure "$PASSWORD")
REMOTE=":webdav,url='$DAV/',user='$EMAIL',pass='$OBSCURED':rc"

peak=0
( while kill -0 "$PID" 2>/dev/null; do rss_kib >> "$T/rss"; sleep 0.2; done ) &
SAMPLER=$!
started=$(date +%s.%N)
rclone copy "$T/src" "$REMOTE" --transfers 4 --checkers 4 2>"$T/rclone-up.log" || { cat "$T/rclone-up.log"; fail "rclone copy up"; }
up=$(date +%s.%N)
rclone copy "$REMOTE" "$T/back" --transfers 4 --checkers 4 2>"$T/rclone-down.log" || { cat "$T/rclone-down.log"; fail "rclone copy down"; }
down=$(date +%s.%N)
kill "$SAMPLER" 2>/dev/null || true
diff -r "$T/src" "$T/back" || fail "the round trip changed the files"
count=$(find "$T/back" -type f | wc -l)
[ "$count" -eq 301 ] || fail "expected 301 files back, got $count"
# `rclone about` reads the quota properties (RFC 4331): the bytes the workspace uses.
src_bytes=$(find "$T/src" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
used=$(rclone about "$REMOTE" --json | sed -n 's/.*"used": *\([0-9]*\).*/\1/p')
[ "$used" = "$src_bytes" ] || fail "rclone about: used '$used', uploaded $src_bytes"
# One remote for every workspace: /dav/files/ lists them, by id.
ALL=":webdav,url='$URL/dav/files/',user='$EMAIL',pass='$OBSCURED':"
rclone lsf "$ALL" | grep -x "$WS/" >/dev/null || fail "/dav/files/ does not list the workspace: $(rclone lsf "$ALL" 2>&1)"
rclone cat "${ALL}$WS/rc/small/a/file-1.bin" | cmp - "$T/src/small/a/file-1.bin" || fail "read through /dav/files/"
# With vendor owncloud, rclone keeps modification times (X-OC-Mtime), and a
# second copy finds nothing to do.
OC=":webdav,url='$DAV/',vendor=owncloud,user='$EMAIL',pass='$OBSCURED':oc"
touch -d '2020-05-06 07:08:09' "$T/src/small/a/file-1.bin"
rclone copy "$T/src/small" "$OC" 2>"$T/rclone-oc.log" || { cat "$T/rclone-oc.log"; fail "rclone copy (owncloud)"; }
kept=$(rclone lsl "${OC}/a/file-1.bin" | awk '{print $2 " " substr($3, 1, 8)}')
[ "$kept" = "2020-05-06 07:08:09" ] || fail "modification time not kept: '$kept'"
again=$(rclone copy "$T/src/small" "$OC" -v 2>&1 | grep -c ': Copied' || true)
[ "$again" = 0 ] || fail "a second copy sent $again files again"
peak=$(sort -n "$T/rss" | tail -1)
printf 'rclone: 301 files (400 MiB + 300 small) up in %.1f s, down in %.1f s; peak server RSS %d MiB\n' \
  "$(echo "$up - $started" | bc)" "$(echo "$down - $up" | bc)" $((peak / 1024))
[ "$peak" -lt $((200 * 1024)) ] || fail "server RSS peaked at $((peak / 1024)) MiB (limit 200)"
