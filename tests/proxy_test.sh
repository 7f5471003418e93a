#!/usr/bin/env bash
# Ruche behind nginx with TLS, as docs/deploy.md sets it up: nginx runs
# deploy/nginx/ruche.conf as committed (only names, ports and certificate
# paths substituted), Ruche listens on loopback with the public URL it is
# reached by. Through the proxy: plain HTTP sent to HTTPS; login; a
# browser's same-origin write passes and a foreign one is refused (Host and
# public URL carried through); a streamed 40 MiB WebDAV upload read back
# whole and by range; MOVE with a Destination naming the public URL;
# PROPFIND; the live events WebSocket upgraded and greeting; /metrics not
# served to the proxy's clients. Also checks
# deploy/systemd/ruche.service with systemd-analyze.
set -euo pipefail
RUCHE=$(realpath "${1:?usage: proxy_test.sh path/to/ruche}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/serve_lib.sh"
extra_cleanup() { [ -f "$T/nginx.pid" ] && kill -QUIT "$(cat "$T/nginx.pid")" 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HOST=ruche.example.org
HTTP_PORT=$(free_port)
TLS_PORT=$(free_port)
PUBLIC="https://$HOST:$TLS_PORT"

# A certificate for the name.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
  -keyout "$T/privkey.pem" -out "$T/fullchain.pem" 2>/dev/null
c() { curl -sS --cacert "$T/fullchain.pem" --resolve "$HOST:$TLS_PORT:127.0.0.1" --resolve "$HOST:$HTTP_PORT:127.0.0.1" "$@"; }

# Ruche on loopback, told how it is reached.
printf '[server]\npublic_url = "%s"\ntrusted_proxies = ["127.0.0.1"]\n' "$PUBLIC" > "$T/ruche.toml"
echo 'Libellule-Dorée-2027' | "$RUCHE" user add --data "$T/data" --email admin@example.org --name Ada --admin >/dev/null 2>&1
serve "$T/data" --config "$T/ruche.toml"
upstream=${url#http://}

# nginx with the committed site file.
mkdir -p "$T/tmp"
sed -e "s|ruche.example.org|$HOST|g" \
    -e "s|server 127.0.0.1:8080;|server $upstream;|" \
    -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$TLS_PORT ssl http2;|" \
    -e "/listen \[::\]/d" \
    -e "s|/etc/ssl/ruche/|$T/|g" \
    -e "s|https://\$host\$request_uri|https://\$host:$TLS_PORT\$request_uri|" \
    "$ROOT/deploy/nginx/ruche.conf" > "$T/site.conf"
grep -q "server $upstream;" "$T/site.conf" && grep -q "127.0.0.1:$TLS_PORT ssl" "$T/site.conf" || fail "site file not as expected"
{
  [ "$(id -u)" = 0 ] && echo "user root;"
  cat <<NGX
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $T/tmp; proxy_temp_path $T/tmp; fastcgi_temp_path $T/tmp;
  uwsgi_temp_path $T/tmp; scgi_temp_path $T/tmp;
  include $T/site.conf;
}
NGX
} > "$T/nginx.conf"
nginx -c "$T/nginx.conf" -p "$T/" -t 2>"$T/nginx-t.log" || fail "nginx -t: $(cat "$T/nginx-t.log")"
nginx -c "$T/nginx.conf" -p "$T/"
for _ in $(seq 1 100); do [ -s "$T/nginx.pid" ] && break; sleep 0.05; done

# Plain HTTP goes to HTTPS.
r=$(c -o /dev/null -w '%{http_code} %{redirect_url}' "http://$HOST:$HTTP_PORT/files?x=1")
[ "$r" = "301 $PUBLIC/files?x=1" ] || fail "redirect: $r"
c -fsS "$PUBLIC/api/v1/health" | has '"ok"' || fail "health through the proxy"
# /metrics is for the machine itself: nginx, on loopback, relays someone else.
code=$(c -o /dev/null -w '%{http_code}' "$PUBLIC/metrics")
[ "$code" = 404 ] || fail "/metrics through the proxy: $code"
curl -fsS "http://$upstream/metrics" | has 'ruche_http_connections_open' || fail "/metrics on loopback"

# Login; a browser's cookie-authenticated write from the public origin passes, from another origin not.
c -fsS -c "$T/jar" -X POST "$PUBLIC/api/v1/auth/login" -H "Origin: $PUBLIC" \
  -d '{"email":"admin@example.org","password":"Libellule-Dorée-2027"}' > "$T/login.json"
token=$(sed 's/.*"token":"\([^"]*\)".*/\1/' "$T/login.json")
csrf="X-CSRF-Token: $(sed 's/.*"csrf_token":"\([^"]*\)".*/\1/' "$T/login.json")"
grep -q '__Host-ruche_session' "$T/jar" || fail "no session cookie through the proxy"
ws=$(c -fsS -b "$T/jar" -X POST "$PUBLIC/api/v1/workspaces" -H "$csrf" -H "Origin: $PUBLIC" -H 'Sec-Fetch-Site: same-origin' \
  -d '{"name":"Proxied","modules":["files","chat"]}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
[ -n "$ws" ] || fail "same-origin write through the proxy"
code=$(c -o /dev/null -w '%{http_code}' -b "$T/jar" -X POST "$PUBLIC/api/v1/workspaces" -H "$csrf" \
  -H "Origin: https://evil.example.org" -d '{"name":"Forged","modules":["files"]}')
[ "$code" = 403 ] || fail "a foreign origin's write: $code"

# WebDAV: a streamed (chunked) upload, read back whole and by range.
auth="Authorization: Bearer $token"
dav="$PUBLIC/dav/files/$ws"
head -c $((40 << 20)) /dev/urandom > "$T/big.bin"
c -fsS -X MKCOL -H "$auth" "$dav/docs" >/dev/null
c -fsS -T - -H "$auth" "$dav/docs/big.bin" < "$T/big.bin" >/dev/null || fail "chunked PUT through the proxy"
c -fsS -H "$auth" "$dav/docs/big.bin" | cmp - "$T/big.bin" || fail "GET through the proxy differs"
c -fsS -H "$auth" -H 'Range: bytes=1000000-1999999' "$dav/docs/big.bin" \
  | cmp - <(tail -c +1000001 "$T/big.bin" | head -c 1000000) || fail "Range through the proxy"
code=$(c -o /dev/null -w '%{http_code}' -X MOVE -H "$auth" -H "Destination: $dav/docs/moved.bin" "$dav/docs/big.bin")
[ "$code" = 201 ] || fail "MOVE with the public URL as Destination: $code"
c -fsS -X PROPFIND -H "$auth" -H 'Depth: 1' "$dav/docs/" | has "/dav/files/$ws/docs/moved.bin" || fail "PROPFIND"

# The live events WebSocket, upgraded through the proxy.
python3 - "$T/fullchain.pem" "$TLS_PORT" "$HOST" "$token" <<'PY' || fail "WebSocket through the proxy"
import base64, os, socket, ssl, sys
cafile, port, host, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
ctx.set_alpn_protocols(["http/1.1"])
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname=host)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /api/v1/events HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n").encode())
buf = b""
while b"\r\n\r\n" not in buf:
    chunk = s.recv(4096)
    if not chunk: sys.exit("closed before the answer")
    buf += chunk
head, rest = buf.split(b"\r\n\r\n", 1)
if not head.startswith(b"HTTP/1.1 101"): sys.exit("no upgrade: " + head.decode(errors="replace"))
while len(rest) < 2 or len(rest) < 2 + (rest[1] & 0x7f if (rest[1] & 0x7f) < 126 else 2):
    rest += s.recv(4096)
n = rest[1] & 0x7f
off = 2
if n == 126:
    n = int.from_bytes(rest[2:4], "big"); off = 4
while len(rest) < off + n: rest += s.recv(4096)
frame = rest[off:off + n]
if rest[0] & 0x0f != 1 or b'"type":"hello"' not in frame: sys.exit("first frame: " + repr(frame[:200]))
PY

# The unit file as systemd reads it.
sed "s|/usr/local/bin/ruche|$RUCHE|" "$ROOT/deploy/systemd/ruche.service" > "$T/ruche.service"
systemd-analyze verify "$T/ruche.service" 2>"$T/unit.log" || fail "systemd-analyze verify: $(cat "$T/unit.log")"
[ ! -s "$T/unit.log" ] || fail "systemd-analyze says: $(cat "$T/unit.log")"
# The sync client's user unit, with the binary beside the server's.
sed "s|/usr/local/bin/ruche-sync|$(dirname "$RUCHE")/ruche-sync|" "$ROOT/deploy/systemd/ruche-sync.service" \
  > "$T/ruche-sync.service"
# (system mode: --user needs a user session's runtime folder)
systemd-analyze verify "$T/ruche-sync.service" 2>"$T/unit.log" ||
  fail "systemd-analyze verify ruche-sync: $(cat "$T/unit.log")"
[ ! -s "$T/unit.log" ] || fail "systemd-analyze says of ruche-sync: $(cat "$T/unit.log")"
kill -TERM "$PID"; wait "$PID" || fail "ruche serve did not stop cleanly"
PID=""
echo "proxy_test: ok"
