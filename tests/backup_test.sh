#!/usr/bin/env bash
# ruche backup and ruche restore as an operator uses them (docs/backup.md):
# a backup made while uploads go on holds every file acknowledged before it
# started, byte for byte, and the chat; a second run on the same folder
# copies only what is new; the restored instance serves it all and its audit
# chain checks out. Refused: a restore over an instance, under another
# instance key or from an incomplete backup; a backup into the data folder
# or a folder that is not a backup; a copy whose database references a
# chunk it lacks (the previous backup stays as it was). A flipped bit in a
# backup is found by --deep.
set -euo pipefail
RUCHE=${1:?usage: backup_test.sh path/to/ruche}
. "$(dirname "$0")/serve_lib.sh"
LOADER=""
extra_cleanup() { [ -n "$LOADER" ] && kill "$LOADER" 2>/dev/null; }
login() {
  curl -fsS -X POST "$url/api/v1/auth/login" -d '{"email":"admin@example.org","password":"Libellule-Dorée-2027"}' \
    | sed 's/.*"token":"\([^"]*\)".*/\1/'
}
# File i's bytes: a 300 KB random base (one chunk of its own, on disk) with i in front.
head -c 300000 /dev/urandom > "$T/base.bin"
content() { { echo "$1"; cat "$T/base.bin"; }; }

echo 'Libellule-Dorée-2027' | "$RUCHE" user add --data "$T/data" --email admin@example.org --name Ada --admin >/dev/null
serve "$T/data"
auth="Authorization: Bearer $(login)"
ws=$(curl -fsS -X POST -H "$auth" "$url/api/v1/workspaces" -d '{"name":"Archives","modules":["files","chat"]}' \
  | sed 's/.*"id":"\([^"]*\)".*/\1/')
cid=$(curl -fsS -X POST -H "$auth" "$url/api/v1/workspaces/$ws/channels" -d '{"name":"minutes"}' \
  | sed 's/.*"id":"\([^"]*\)".*/\1/')
curl -fsS -X POST -H "$auth" "$url/api/v1/channels/$cid/messages" -d '{"body":"the minutes of March"}' >/dev/null
head -c 3000000 /dev/urandom > "$T/big.bin"
curl -fsS -T "$T/big.bin" -H "$auth" "$url/dav/files/$ws/big.bin" >/dev/null
echo 'a small note' > "$T/note.txt"
curl -fsS -T "$T/note.txt" -H "$auth" "$url/dav/files/$ws/note.txt" >/dev/null

# Uploads go on in the background; each acknowledged one is listed.
: > "$T/acked"
(
  i=0
  while :; do
    i=$((i + 1))
    content "$i" | curl -fsS -T - -H "$auth" "$url/dav/files/$ws/w$i.bin" >/dev/null 2>&1 && echo "$i" >> "$T/acked"
  done
) &
LOADER=$!
# Waits until N uploads are acknowledged in all (up to 60 s).
wait_acked() {
  for _ in $(seq 1 1200); do [ "$(wc -l < "$T/acked")" -ge "$1" ] && return; sleep 0.05; done
  fail "$1 uploads not acknowledged within 60 s ($(wc -l < "$T/acked"))"
}
wait_acked 5

# The backup, while they go on.
cp "$T/acked" "$T/acked.before1"
out=$("$RUCHE" backup --data "$T/data" --to "$T/backup") || fail "backup: $out"
echo "$out" | has 'instance key in the backup' || fail "backup output: $out"
[ -f "$T/backup/ruche-backup.json" ] || fail "no manifest"
[ "$(stat -c %a "$T/backup")" = 700 ] && [ "$(stat -c %a "$T/backup/instance.key")" = 600 ] || fail "backup modes"
[ ! -e "$T/backup/ruche.db-wal" ] || fail "the backup's database is not one file"
copied1=$(echo "$out" | sed 's/.*chunk files (\([0-9]*\) copied.*/\1/')
[ "$copied1" -ge 7 ] || fail "first backup copied $copied1 chunks: $out"

# Again, a moment later: only what is new is copied. Counted from the end of
# the first run: an upload acknowledged while it ran may be in it already (CI,
# once).
wait_acked $(($(wc -l < "$T/acked") + 3))
curl -fsS -X DELETE -H "$auth" "$url/dav/files/$ws/note.txt" >/dev/null
cp "$T/acked" "$T/acked.before2"
out=$("$RUCHE" backup --data "$T/data" --to "$T/backup" --deep) || fail "second backup: $out"
echo "$out" | has "every chunk opened" || fail "second backup, --deep: $out"
copied2=$(echo "$out" | sed 's/.*chunk files (\([0-9]*\) copied.*/\1/')
total2=$(echo "$out" | sed 's/.*database [0-9]* bytes, \([0-9]*\) chunk files.*/\1/')
[ "$copied2" -lt "$total2" ] && [ "$copied2" -ge 3 ] || fail "second backup copied $copied2 of $total2: $out"
kill "$LOADER"; wait "$LOADER" 2>/dev/null || true; LOADER=""
stop

# Refusals, each leaving things as they were.
sum() { sha256sum "$T/backup/ruche.db" | cut -d' ' -f1; }
mkdir -p "$T/other" && touch "$T/other/x"
if err=$("$RUCHE" backup --data "$T/data" --to "$T/other" 2>&1); then fail "backup into a folder that is no backup"; fi
echo "$err" | has 'neither empty nor a Ruche backup' || fail "no-backup message: $err"
if err=$("$RUCHE" backup --data "$T/data" --to "$T/data/inside" 2>&1); then fail "backup into the data folder"; fi
echo "$err" | has 'must be apart' || fail "inside message: $err"
# A chunk the database references goes missing from the instance: a new
# backup's copy does not check out and leaves nothing; an update keeps the
# previous backup's copy of it; when that is gone too, the update fails and
# the previous backup keeps its database.
victim=$(find "$T/data/blobs" -type f -size +1000k | head -1)
kept="$T/backup/blobs/${victim#"$T/data/blobs/"}"
[ -f "$kept" ] || fail "the backup lacks $kept"
mv "$victim" "$T/victim"
if err=$("$RUCHE" backup --data "$T/data" --to "$T/backup2" 2>&1); then fail "backup with a chunk missing"; fi
echo "$err" | has 'chunks the database references are missing' || fail "missing chunk message: $err"
[ -z "$(ls -A "$T/backup2")" ] || fail "a failed backup left $(ls -A "$T/backup2")"
"$RUCHE" backup --data "$T/data" --to "$T/backup" >/dev/null || fail "update with a chunk lost by the instance"
[ -f "$kept" ] || fail "the update dropped a chunk its database references"
before=$(sum)
mv "$kept" "$T/kept"
if err=$("$RUCHE" backup --data "$T/data" --to "$T/backup" 2>&1); then fail "update with a chunk missing everywhere"; fi
echo "$err" | has 'chunks the database references are missing' || fail "missing chunk message: $err"
[ "$(sum)" = "$before" ] || fail "a failed update changed the previous backup's database"
[ ! -e "$T/backup/ruche.db.next" ] || fail "a failed update left its copy"
mv "$T/victim" "$victim"
mv "$T/kept" "$kept"
if err=$("$RUCHE" restore --from "$T/other" --data "$T/restored" 2>&1); then fail "restore from no backup"; fi
echo "$err" | has 'not a complete Ruche backup' || fail "incomplete backup message: $err"
if err=$("$RUCHE" restore --from "$T/backup" --data "$T/data" 2>&1); then fail "restore over an instance"; fi
echo "$err" | has 'already holds an instance' || fail "restore over an instance message: $err"
other_key=$(head -c 32 /dev/urandom | base64)
if err=$(RUCHE_INSTANCE_KEY=$other_key "$RUCHE" restore --from "$T/backup" --data "$T/restored" 2>&1); then
  fail "restore under another instance key"
fi
echo "$err" | has "not the backup's" || fail "other key message: $err"

# A flipped bit in the backup: the same size, so only --deep, which opens
# every chunk, finds it (a restore drill into a scratch folder).
flipped=$(find "$T/backup/blobs" -type f -size +1000k | head -1)
cp "$flipped" "$T/flipped.orig"
# Its bits inverted (a fixed byte is already there once in 256 runs).
byte=$(od -An -tu1 -j 4096 -N 1 "$flipped" | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 255)))" | dd of="$flipped" bs=1 seek=4096 count=1 conv=notrunc 2>/dev/null
cmp -s "$flipped" "$T/flipped.orig" && fail "the byte did not change"
"$RUCHE" restore --from "$T/backup" --data "$T/drill1" >/dev/null || fail "a restore without --deep checks sizes only"
if err=$("$RUCHE" restore --from "$T/backup" --data "$T/drill2" --deep 2>&1); then fail "--deep missed a flipped bit"; fi
echo "$err" | has "chunk .*$(basename "$flipped").*does not authenticate" || fail "flipped bit message: $err"
cp "$T/flipped.orig" "$flipped"

# The restore, checked as it is made, then served.
out=$("$RUCHE" restore --from "$T/backup" --data "$T/restored" --deep) || fail "restore: $out"
echo "$out" | has 'every referenced chunk present and opened ([0-9]* MiB), 1 workspace keys open, audit log intact' \
  || fail "restore output: $out"
"$RUCHE" audit verify --data "$T/restored" | has 'audit log intact' || fail "audit verify"
serve "$T/restored"
auth="Authorization: Bearer $(login)"
curl -fsS -H "$auth" "$url/dav/files/$ws/big.bin" | cmp - "$T/big.bin" || fail "big.bin restored differs"
n=0
while read -r i; do
  content "$i" > "$T/want"
  curl -fsS -H "$auth" "$url/dav/files/$ws/w$i.bin" | cmp - "$T/want" || fail "w$i.bin, acknowledged before the backup"
  n=$((n + 1))
done < "$T/acked.before2"
[ "$n" -ge 8 ] || fail "only $n uploads before the second backup"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$url/dav/files/$ws/note.txt")
[ "$code" = 404 ] || fail "note.txt deleted before the second backup: $code"
curl -fsS -H "$auth" "$url/api/v1/channels/$cid/messages" | has 'the minutes of March' || fail "message restored"
stop
echo "backup_test: ok ($n uploads made before the backup, all restored; second run copied $copied2 of $total2 chunk files)"
