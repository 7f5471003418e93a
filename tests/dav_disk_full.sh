#!/usr/bin/env bash
# REL-2: the disk fills up under uploads. The data folder is a small tmpfs
# (a real full file system, ENOSPC from the kernel), with a ballast file in
# it. Uploads of 1 MiB (chunk files) and 4 KiB (database rows) go on until
# the disk is full: every answer is 201 or 507, never a 5xx of another kind
# or a crash. Every acknowledged file reads back byte for byte, the listing
# shows nothing else; once the ballast is gone, uploads work again, and
# after a restart the database passes its integrity check and the audit
# chain verifies.
set -euo pipefail
RUCHE=${1:?usage: dav_disk_full.sh path/to/ruche}
. "$(dirname "$0")/dav_lib.sh"
trap 'stop_server; umount "$T/data" 2>/dev/null || true; cleanup' EXIT
mkdir -p "$T/data" "$T/src"
mount -t tmpfs -o size=40m,mode=0700 ruche-disk-full "$T/data" || fail "cannot mount a tmpfs (run as root)"
head -c $((12 * 1024 * 1024)) /dev/zero > "$T/data/ballast"
start_server "$RUCHE"
AUTH="$EMAIL:$PASSWORD"
put() {  # name size -> status
  [ -f "$T/src/$1" ] || head -c "$2" /dev/urandom > "$T/src/$1"
  curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" -T "$T/src/$1" "$DAV/$1"
}
acked=()
full_big=0
full_small=0
upload() {  # name size kind
  local code
  code=$(put "$1" "$2")
  case "$code" in
    201) acked+=("$1") ;;
    507) if [ "$3" = big ]; then full_big=$((full_big + 1)); else full_small=$((full_small + 1)); fi ;;
    *) fail "upload of $1 answered $code: $(tail -3 "$T/err")" ;;
  esac
}
# Chunk files and rows until a 1 MiB upload no longer fits, then rows alone
# until a 4 KiB one does not either: both paths meet ENOSPC.
for i in $(seq 1 80); do
  upload "big$i.bin" 1048576 big
  upload "small$i.txt" 4096 small
  [ "$full_big" -ge 2 ] && break
done
for i in $(seq 1 2000); do
  [ "$full_small" -ge 3 ] && break
  upload "more$i.txt" 4096 small
done
[ "$full_big" -ge 2 ] && [ "$full_small" -ge 3 ] ||
  fail "the disk never filled up (${#acked[@]} acknowledged, 507s: $full_big of 1 MiB, $full_small of 4 KiB)"
kill -0 "$PID" || fail "the server died"
check_acked() {
  for f in "${acked[@]}"; do
    curl -fsS -u "$AUTH" "$DAV/$f" -o "$T/got" || fail "$f was acknowledged but cannot be read"
    cmp -s "$T/got" "$T/src/$f" || fail "$f was acknowledged but differs"
  done
  listed=$(curl -fsS -u "$AUTH" -X PROPFIND -H 'Depth: 1' "$DAV/" | grep -o '<D:response>' | wc -l)
  [ "$listed" -eq $(( ${#acked[@]} + 1 )) ] || fail "the listing shows $listed entries for ${#acked[@]} files"
}
check_acked
before=${#acked[@]}
# Space comes back: uploads go through again, of both kinds.
rm -f "$T/data/ballast"
for f in "after1.bin:1048576" "after2.txt:4096"; do
  code=$(put "${f%%:*}" "${f##*:}")
  [ "$code" = 201 ] || fail "after space came back, ${f%%:*} answered $code: $(tail -3 "$T/err")"
  acked+=("${f%%:*}")
done
check_acked
stop_server
integrity=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$T/data/ruche.db")
[ "$integrity" = ok ] || fail "integrity_check: $integrity"
"$RUCHE" audit verify --data "$T/data" >/dev/null 2>&1 || fail "the audit chain does not verify"
start_server "$RUCHE"
check_acked
echo "disk full: $before uploads acknowledged before the disk filled, then 507 for $full_big of 1 MiB and $full_small of 4 KiB; none lost or partial; 2 more once space was back; database and audit chain intact after a restart"
