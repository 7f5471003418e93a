#!/usr/bin/env bash
# REL-1: kill -9 in the middle of concurrent uploads. Every upload the server
# acknowledged (2xx) must be there after a restart, byte for byte; any other
# file is either absent or whole (never partial).
#   dav_crash.sh path/to/ruche [s3]   (s3: contents in an S3-compatible bucket)
set -euo pipefail
RUCHE=${1:?usage: dav_crash.sh path/to/ruche [s3]}
. "$(dirname "$0")/dav_lib.sh"
[ "${2:-}" = s3 ] && start_s3
start_server "$RUCHE"
mkdir -p "$T/src" "$T/status"
for i in $(seq 1 24); do
  head -c $(( (i % 4 == 0 ? 24 : 1) * 1024 * 1024 + i * 4099 )) /dev/urandom > "$T/src/f$i.bin"
done
AUTH="$EMAIL:$PASSWORD"
upload() {
  local i=$1
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" -T "$T/src/f$i.bin" --limit-rate 8M "$DAV/f$i.bin" || true)
  echo "$code" > "$T/status/f$i"
}
uploads=()
for i in $(seq 1 24); do upload "$i" & uploads+=($!); done
# Let some finish, then kill the server while the others are mid-way.
for _ in $(seq 1 100); do
  done_count=$( (cat "$T/status"/* 2>/dev/null || true) | grep -c '^20' || true)
  [ "$done_count" -ge 6 ] && break
  sleep 0.05
done
stop_server
wait "${uploads[@]}" || true  # not a bare wait: s3rver runs in the background too
acked=$( (grep -l '^20' "$T/status"/* || true) | xargs -r -n1 basename | sort)
[ -n "$acked" ] || fail "no upload was acknowledged before the kill"
start_server "$RUCHE"
present=0
for f in $acked; do
  curl -fsS -u "$AUTH" "$DAV/$f.bin" -o "$T/got" || fail "$f was acknowledged but is gone"
  cmp -s "$T/got" "$T/src/$f.bin" || fail "$f was acknowledged but differs"
done
for i in $(seq 1 24); do
  code=$(curl -s -o "$T/got" -w '%{http_code}' -u "$AUTH" "$DAV/f$i.bin")
  if [ "$code" = 200 ]; then
    cmp -s "$T/got" "$T/src/f$i.bin" || fail "f$i is visible but partial"
    present=$((present + 1))
  else
    [ "$code" = 404 ] || fail "f$i answered $code"
  fi
done
where="on disk"
if [ "${2:-}" = s3 ]; then
  [ "$(s3_objects)" -gt 0 ] || fail "nothing went to the bucket"
  [ -z "$(find "$T/data/blobs" -type f 2>/dev/null)" ] || fail "chunks were written to the data folder"
  where="in the bucket ($(s3_objects) objects)"
fi
echo "crash: $(echo "$acked" | wc -w) acknowledged uploads intact after kill -9, $present files visible, none partial; contents $where"
