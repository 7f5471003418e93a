#!/usr/bin/env bash
# WebDAV compliance: the five litmus suites (basic, copymove, props, locks,
# http) against a real server, each suite run on its own and its summary line
# checked (litmus itself exits 0 whatever happens). All 104 tests must pass.
set -euo pipefail
RUCHE=${1:?usage: dav_litmus.sh path/to/ruche}
. "$(dirname "$0")/dav_lib.sh"
command -v litmus >/dev/null || fail "litmus is not installed (scripts/deps.sh test)"
start_server "$RUCHE"
cd "$T"
total=0
for suite in basic copymove props locks http; do
  out=$(TESTS=$suite litmus "$DAV/" "$EMAIL" "$PASSWORD" 2>&1 || true)
  line=$(echo "$out" | grep -E "^<- summary for .$suite'" || true)
  echo "$line"
  run=$(echo "$line" | sed -n 's/.*of \([0-9]*\) tests run: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2 \3/p')
  set -- $run
  if [ -z "$run" ] || [ "$1" != "$2" ] || [ "$3" != "0" ]; then
    echo "$out" | grep -E "FAIL|WARNING|skipped" >&2 || true
    fail "litmus $suite"
  fi
  total=$((total + $2))
done
echo "litmus: $total passed"
[ "$total" -eq 104 ] || fail "expected 104 litmus tests, ran $total"
