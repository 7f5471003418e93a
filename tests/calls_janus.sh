#!/usr/bin/env bash
# Calls through a real Janus (Debian's janus 1.1, VideoRoom): the server's
# side of the SFU with offers written by tests/calls_janus.py — a call moving
# to Janus at its third participant, Janus's answers and their candidates,
# feeds not yet up, trickle, renegotiation, Janus down (503) and restarted
# (sessions forgotten and made anew, the room made again), sessions and the
# room released when people leave. Runs in a private network namespace
# (tests/janus_lib.sh). Two Janus: calls go to the least loaded one that
# answers. The browsers' side: tests/e2e/calls_sfu.sh.
set -euo pipefail
RUCHE=${1:?usage: calls_janus.sh path/to/ruche}
source "$(dirname "$0")/janus_lib.sh"
janus_enter_netns "$0" "$@"
RUCHE=$(realpath "$RUCHE")
. "$(dirname "$0")/serve_lib.sh"
extra_cleanup() { janus_stop "$T"; janus_stop "$T" 2; }

janus_start "$T"
janus_start "$T" 2
JANUS2_URL=$(janus_url 2)
cat >"$T/janus-control" <<CTL
#!/usr/bin/env bash
source "$(realpath "$(dirname "$0")")/janus_lib.sh"
if [[ \$1 == stop ]]; then janus_stop "$T" "\${2:-1}"; else janus_run "$T" "\${2:-1}"; fi
CTL
chmod +x "$T/janus-control"
cat >"$T/ruche.toml" <<CONF
[calls]
janus_urls = ["$JANUS_URL", "$JANUS2_URL"]
p2p_max_participants = 2
CONF
EMAIL=owner@ruche.test PASSWORD=Heron-Cendre-8841
echo "$PASSWORD" | "$RUCHE" user add --config "$T/ruche.toml" --data "$T/data" \
  --email "$EMAIL" --name Owner >/dev/null 2>"$T/add.err"
serve "$T/data" --config "$T/ruche.toml"
python3 "$(dirname "$0")/calls_janus.py" "$url" "$EMAIL" "$PASSWORD" "$T/data" "$JANUS_URL" \
  "$T/janus-control" "$JANUS2_URL" || fail "calls_janus.py (server: $(tail -5 "$T/err"); janus: $(tail -5 "$T/janus/janus.log"))"
stop
echo "calls_janus: passed"
