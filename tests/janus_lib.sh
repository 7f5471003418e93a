# Janus (Debian's janus, the VideoRoom plugin over the HTTP API) for tests,
# in a private network namespace. Sourced by tests that need an SFU.
#
#   janus_enter_netns "$0" "$@"   # first line: re-runs the script in `unshare -n`
#   janus_start "$TMP"            # loopback network, config, Janus; sets JANUS_URL
#   janus_start "$TMP" 2          # a second Janus (port 18089): janus_url 2 names it
#   janus_stop "$TMP" [N]         # (on the caller's EXIT trap)
#   janus_run "$TMP" [N]          # Janus again, after a janus_stop
#
# Janus gathers no ICE candidate on a loopback interface (src/ice.c skips
# IFF_LOOPBACK), and a test must not use the machine's real addresses. So
# the namespace gets a veth pair with 127.1.0.1 on one end, the only
# interface Janus may use (ice_enforce_list): every packet stays on this
# machine, every address is in 127.0.0.0/8 (../shared/PEERS.md, 3b). Fixed
# ports are safe: the namespace is the test's own.

JANUS_ADDR=127.1.0.1
JANUS_HTTP_PORT=18088
JANUS_URL="http://127.0.0.1:$JANUS_HTTP_PORT/janus"

janus_enter_netns() {
  if [[ "${RUCHE_IN_NETNS:-}" != 1 ]]; then
    command -v unshare >/dev/null || { echo "janus: unshare (util-linux) is missing" >&2; exit 2; }
    command -v janus >/dev/null || { echo "janus: not installed (scripts/deps.sh test)" >&2; exit 2; }
    RUCHE_IN_NETNS=1 exec unshare -n -- "$@"
  fi
}

# The namespace's network: lo, and the veth jva/jvb with 127.1.0.1 on jva.
# No IPv6, so no link-local candidates on the veths.
janus_network() {
  ip link set lo up
  ip link add jva type veth peer name jvb
  ip addr add "$JANUS_ADDR/32" dev jva
  ip link set jva up
  ip link set jvb up
  sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

# Instance N (1 by default): its folder, HTTP API and media ports.
janus_dir() { if [[ ${2:-1} == 1 ]]; then echo "$1/janus"; else echo "$1/janus$2"; fi; }
janus_url() { echo "http://127.0.0.1:$((JANUS_HTTP_PORT + ${1:-1} - 1))/janus"; }

# Janus N with a private configuration in DIR/janus[N] (Debian's /etc/janus
# would load every plugin and listen on every interface): the VideoRoom
# plugin, the HTTP transport on 127.0.0.1 only, no admin API, no event
# handlers. The first one also sets up the namespace's network.
janus_start() {
  local n=${2:-1} dir libs=/usr/lib/x86_64-linux-gnu/janus
  dir=$(janus_dir "$1" "$n")
  local first=$((20000 + (n - 1) * 201))
  [[ -d "$libs" ]] || libs=$(dirname "$(dpkg -L janus 2>/dev/null | grep -m1 '/janus/plugins$')")
  mkdir -p "$dir"
  [[ $n == 1 ]] && janus_network
  cat >"$dir/janus.jcfg" <<EOF
general: {
	configs_folder = "$dir"
	plugins_folder = "$libs/plugins"
	transports_folder = "$libs/transports"
	events_folder = "$libs/events"
	loggers_folder = "$libs/loggers"
	debug_level = 4
	session_timeout = 60
}
certificates: { }
media: { rtp_port_range = "$first-$((first + 200))" }
nat: {
	ignore_mdns = true
	ice_enforce_list = "jva"
}
plugins: { disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so,libjanus_echotest.so" }
transports: { disable = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so,libjanus_websockets.so" }
loggers: { disable = "libjanus_jsonlog.so" }
events: { broadcast = false }
EOF
  echo 'general: { }' >"$dir/janus.plugin.videoroom.jcfg"
  cat >"$dir/janus.transport.http.jcfg" <<EOF
general: { json = "compact" base_path = "/janus" http = true port = $((JANUS_HTTP_PORT + n - 1)) ip = "127.0.0.1" https = false }
admin: { admin_http = false }
EOF
  janus_run "$1" "$n"
}

# Starts Janus N with the configuration janus_start wrote, and waits for
# its API. Its pid goes to DIR/janus[N]/pid.
janus_run() {
  local dir pid url
  dir=$(janus_dir "$1" "${2:-1}")
  url=$(janus_url "${2:-1}")
  janus -F "$dir" -o >>"$dir/janus.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  for _ in $(seq 1 100); do
    curl -sf "$url/info" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "janus: did not start:" >&2
  tail -n 20 "$dir/janus.log" >&2
  return 1
}

janus_stop() {
  local file pid
  file=$(janus_dir "$1" "${2:-1}")/pid
  [[ -f "$file" ]] || return 0
  pid=$(cat "$file")
  rm -f "$file"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}
