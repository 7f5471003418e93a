#!/usr/bin/env bash
# The calls' e2e suite through the SFU: three Chromium, Ruche and Janus in a
# private network namespace (tests/janus_lib.sh), the server told to move a
# call to Janus past two participants.
#
#   tests/e2e/calls_sfu.sh build/ruche
#
# Needs what tests/e2e/run.sh needs, and janus (scripts/deps.sh test).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/janus_lib.sh"
janus_enter_netns "$0" "$@"

[[ $# -ge 1 ]] || { echo "usage: $0 PATH/TO/ruche" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ruche-e2e-sfu.XXXXXX")
trap 'janus_stop "$TMP"; rm -rf "$TMP"' EXIT
janus_start "$TMP"

cat >"$TMP/ruche.toml" <<EOF2
[calls]
janus_url = "$JANUS_URL"
p2p_max_participants = 2
EOF2
status=0
RUCHE_E2E_CONFIG="$TMP/ruche.toml" RUCHE_E2E_TESTS=${RUCHE_E2E_TESTS:-calls-sfu} \
  "$REPO/tests/e2e/run.sh" "$@" || status=1
if [[ $status -ne 0 ]]; then
  echo "e2e: janus log (last 30 lines):" >&2
  tail -n 30 "$TMP/janus/janus.log" >&2 || true
fi
exit $status
