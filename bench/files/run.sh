#!/usr/bin/env bash
# bench/files: Ruche's WebDAV beside nginx + dav-ext and Apache mod_dav, in
# one run, serving the same files.
#
#   bench/files/run.sh            (DURATION=5 s per wrk run, ROUNDS=3)
#
# Servers are pinned to core 0, the load (wrk, curl) to core 1. Measured:
# GET of a 64 KiB file (wrk, 16 connections), GET of a 1 GiB file (curl;
# from the page cache, then from the disk after dropping it when run as root),
# PUT of 4 KiB files (wrk, 16 connections, a new file and new bytes per
# request), PUT of a 1 GiB file (curl, new bytes each round), PROPFIND
# Depth: 1 on a folder of 10,000 files (50 sequential requests, p50/p95).
# Ruche authenticates every request (Bearer session) and encrypts, hashes
# and fsyncs what it stores; nginx and Apache serve an open directory and
# never fsync. Prints a Markdown table with the ratios; nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
scripts/deps.sh bench
RUCHE=${RUCHE_BIN:-build/ruche}
[ -x "$RUCHE" ] || make server >/dev/null
T=$(mktemp -d /tmp/ruche-bench-files-XXXXXX)
RUCHE_PID=""
cleanup() {
  [ -n "$RUCHE_PID" ] && kill "$RUCHE_PID" 2>/dev/null || true
  [ -f "$T/nginx/nginx.pid" ] && kill -QUIT "$(cat "$T/nginx/nginx.pid")" 2>/dev/null || true
  [ -f "$T/apache/run/httpd.pid" ] && apache2 -f "$T/apache/httpd.conf" -k stop 2>/dev/null || true
  sleep 0.5; rm -rf "$T"
}
trap cleanup EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; print a[i]}'; }

# --- Test data ----------------------------------------------------------------
mkdir -p "$T/data-src/many"
head -c 65536 /dev/urandom > "$T/data-src/f64k.bin"
randbytes() { { openssl enc -aes-128-ctr -pass pass:"$1" -nosalt -pbkdf2 < /dev/zero 2>/dev/null || true; } | head -c "$2"; }
randbytes ruche-bench-0 $((1 << 30)) > "$T/data-src/f1g.bin"
for i in $(seq 1 10000); do printf 'file %05d\n' "$i" > "$T/data-src/many/f$i.txt"; done
bigput() { randbytes "ruche-bench-put-$1" $((1 << 30)) > "$T/put1g.bin"; }

# --- nginx + dav-ext: one worker on core 0 --------------------------------------
NGINX_PORT=18281
mkdir -p "$T/nginx/root/dav" "$T/nginx/tmp" "$T/nginx/logs"
cp -r "$T/data-src/." "$T/nginx/root/dav/"
mkdir -p "$T/nginx/root/dav/put4k" "$T/nginx/root/dav/put1g"
cat > "$T/nginx/nginx.conf" <<NGX
load_module /usr/lib/nginx/modules/ngx_http_dav_ext_module.so;
user root;
worker_processes 1;
worker_cpu_affinity 01;
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $T/nginx/tmp;
  proxy_temp_path $T/nginx/tmp; fastcgi_temp_path $T/nginx/tmp;
  uwsgi_temp_path $T/nginx/tmp; scgi_temp_path $T/nginx/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $T/nginx/root;
    client_max_body_size 0;
    location /dav/ {
      dav_methods PUT DELETE MKCOL COPY MOVE;
      dav_ext_methods PROPFIND OPTIONS;
      create_full_put_path on;
    }
  }
}
NGX
taskset -c 0 nginx -c "$T/nginx/nginx.conf" -p "$T/nginx/"

# --- Apache mod_dav_fs: event MPM on core 0 --------------------------------------
APACHE_PORT=18282
mkdir -p "$T/apache/root/dav" "$T/apache/logs" "$T/apache/run" "$T/apache/lock"
cp -r "$T/data-src/." "$T/apache/root/dav/"
mkdir -p "$T/apache/root/dav/put4k" "$T/apache/root/dav/put1g"
chown -R www-data:www-data "$T/apache/root" "$T/apache/lock"
chmod a+rx "$T" "$T/apache"
cat > "$T/apache/httpd.conf" <<APA
ServerRoot "$T/apache"
ServerName 127.0.0.1
Listen 127.0.0.1:$APACHE_PORT
PidFile $T/apache/run/httpd.pid
DefaultRuntimeDir $T/apache/run
Mutex file:$T/apache/run default
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule dav_module /usr/lib/apache2/modules/mod_dav.so
LoadModule dav_fs_module /usr/lib/apache2/modules/mod_dav_fs.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
User www-data
Group www-data
ErrorLog $T/apache/logs/error.log
LogLevel warn
TypesConfig /etc/mime.types
DocumentRoot $T/apache/root
DavLockDB $T/apache/lock/DavLock
LimitRequestBody 0
MaxKeepAliveRequests 0
EnableSendfile On
<Directory $T/apache/root>
    Require all granted
</Directory>
<Location /dav>
    Dav On
    Require all granted
</Location>
APA
taskset -c 0 apache2 -f "$T/apache/httpd.conf" -k start

# --- Ruche: one I/O thread on core 0 ---------------------------------------------
export RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_ACCESS_LOG=0
printf '[security]\nwrites_per_second = 100000000\nwrite_burst = 100000000\n[files]\nmaintenance_minutes = 0\n' > "$T/ruche.toml"
echo 'Bourdon-Velours-2026' | "$RUCHE" user add --data "$T/data" --email bench@example.org --name Bench >/dev/null
RUCHE_IO_THREADS=1 taskset -c 0 "$RUCHE" serve --config "$T/ruche.toml" --data "$T/data" --listen 127.0.0.1:0 \
  >"$T/ruche.out" 2>"$T/ruche.err" &
RUCHE_PID=$!
for _ in $(seq 1 100); do grep -qs "listening on" "$T/ruche.out" && break; sleep 0.05; done
URL=$(grep -o 'http://[0-9.:]*' "$T/ruche.out" | head -1)
TOKEN=$(curl -fsS -X POST "$URL/api/v1/auth/login" -d '{"email":"bench@example.org","password":"Bourdon-Velours-2026"}' \
  | sed 's/.*"token":"\([^"]*\)".*/\1/')
WS=$(curl -fsS -X POST -H "Authorization: Bearer $TOKEN" "$URL/api/v1/workspaces" \
  -d '{"name":"Bench","modules":["files"]}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
AUTH="Authorization: Bearer $TOKEN"
RDAV="$URL/dav/files/$WS"
for d in many put4k put1g; do curl -fsS -X MKCOL -H "$AUTH" "$RDAV/$d" >/dev/null; done
curl -fsS -T "$T/data-src/f64k.bin" -H "$AUTH" "$RDAV/f64k.bin" >/dev/null
curl -fsS -T "$T/data-src/f1g.bin" -H "$AUTH" "$RDAV/f1g.bin" >/dev/null
(cd "$T/data-src/many" && ls | xargs -P 8 -I{} curl -fsS -o /dev/null -T {} -H "$AUTH" "$RDAV/many/{}")

declare -A BASE=([nginx]="http://127.0.0.1:$NGINX_PORT/dav" [apache]="http://127.0.0.1:$APACHE_PORT/dav" [ruche]="$RDAV")
hdr() { if [ "$1" = ruche ]; then echo "$AUTH"; else echo "X-Bench: 1"; fi; }

cat > "$T/put.lua" <<'LUA'
local counter = 0
local prefix = os.getenv("PUT_PREFIX")
local pad = string.rep("r", 4096 - 24)
request = function()
  counter = counter + 1
  local id = string.format("%010d-%012d", math.random(0, 2147483647), counter)
  return wrk.format("PUT", prefix .. "/put4k/" .. id, nil, id .. "  " .. pad)
end
LUA

wrk_rps() {  # server, url, [extra wrk args]
  local s=$1 url=$2; shift 2
  taskset -c 1 wrk -t1 -c16 -d"${DURATION}s" -H "$(hdr "$s")" "$@" "$url" 2>&1 | tee -a "$T/wrk.log" \
    | awk '/Requests\/sec/ {print $2}'
}

# A server's CPU time so far, in clock ticks: every process of it (nginx's
# and Apache's masters and workers, Ruche's one). The kernel's later
# writeback of page-cache copies (nginx's and Apache's uploads) is not theirs.
server_ticks() {
  local pids
  case "$1" in
    nginx) pids="$(cat "$T/nginx/nginx.pid") $(pgrep -P "$(cat "$T/nginx/nginx.pid")" | tr '\n' ' ')" ;;
    apache) pids="$(cat "$T/apache/run/httpd.pid") $(pgrep -P "$(cat "$T/apache/run/httpd.pid")" | tr '\n' ' ')" ;;
    ruche) pids="$RUCHE_PID" ;;
  esac
  local total=0 p
  for p in $pids; do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat")))
  done
  echo "$total"
}
# CPU-seconds per GiB of one transfer of 1 GiB: `timed SERVER FILE command...`.
timed() {
  local s=$1 out=$2; shift 2
  local t0; t0=$(server_ticks "$s")
  "$@"
  echo "$(( $(server_ticks "$s") - t0 ))" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", $1 / hz}' >> "$out"
}
for s in nginx apache ruche; do : > "$T/$s.get1g.cpu"; : > "$T/$s.put1g.cpu"; done
for s in nginx apache ruche; do : > "$T/$s.get64k"; : > "$T/$s.get1g"; : > "$T/$s.put4k"; : > "$T/$s.put1g"; : > "$T/$s.propfind"; : > "$T/$s.cold1g"; done
# Warm-up, the same for every server: GETs, and 2 s of PUTs (the first PUT
# round used to be the slowest for every server, Ruche most: its database
# and write-ahead log grow to their working size then).
for s in nginx apache ruche; do
  taskset -c 1 wrk -t1 -c16 -d1s -H "$(hdr $s)" "${BASE[$s]}/f64k.bin" >/dev/null
  # The 1 GiB file is read once before the warm rounds: nginx's and Apache's
  # copies went through the page cache when written, Ruche's chunks did not
  # (O_DIRECT).
  taskset -c 1 curl -fsS -o /dev/null -H "$(hdr $s)" "${BASE[$s]}/f1g.bin"
  PUT_PREFIX="${BASE[$s]#http://*/}" ; PUT_PREFIX="/${PUT_PREFIX}"
  PUT_PREFIX="$PUT_PREFIX" taskset -c 1 wrk -t1 -c16 -d2s -H "$(hdr $s)" -s "$T/put.lua" "${BASE[$s]}/" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  for s in nginx apache ruche; do
    wrk_rps "$s" "${BASE[$s]}/f64k.bin" >> "$T/$s.get64k"
    timed "$s" "$T/$s.get1g.cpu" taskset -c 1 curl -fsS -o /dev/null -H "$(hdr $s)" -w '%{speed_download}\n' \
      "${BASE[$s]}/f1g.bin" >> "$T/$s.get1g"
    PUT_PREFIX="${BASE[$s]#http://*/}" ; PUT_PREFIX="/${PUT_PREFIX}"
    PUT_PREFIX="$PUT_PREFIX" wrk_rps "$s" "${BASE[$s]}/" -s "$T/put.lua" >> "$T/$s.put4k"
  done
  bigput "$round"
  for s in nginx apache ruche; do
    timed "$s" "$T/$s.put1g.cpu" taskset -c 1 curl -fsS -o /dev/null -T "$T/put1g.bin" -H "$(hdr $s)" \
      -w '%{speed_upload}\n' "${BASE[$s]}/put1g/r$round.bin" >> "$T/$s.put1g"
    curl -fsS -o /dev/null -X DELETE -H "$(hdr $s)" "${BASE[$s]}/put1g/r$round.bin" || true
  done
done
for s in nginx apache ruche; do
  for i in $(seq 1 50); do
    taskset -c 1 curl -fsS -o /dev/null -X PROPFIND -H 'Depth: 1' -H "$(hdr $s)" -w '%{time_total}\n' \
      "${BASE[$s]}/many/" >> "$T/$s.propfind"
  done
done
# Last, as it empties every cache: the 1 GiB GET from the disk, every cached
# page dropped first (root only).
for round in $(seq 1 "$ROUNDS"); do
  for s in nginx apache ruche; do
    sync && echo 3 2>/dev/null > /proc/sys/vm/drop_caches || break 2
    taskset -c 1 curl -fsS -o /dev/null -H "$(hdr $s)" -w '%{speed_download}\n' "${BASE[$s]}/f1g.bin" >> "$T/$s.cold1g"
  done
done
entries=$(curl -fsS -X PROPFIND -H 'Depth: 1' -H "$AUTH" "$RDAV/many/" | grep -o '<D:response>' | wc -l)

gib() { awk '{printf "%.2f", $1 / 1073741824}'; }
ms() { awk '{printf "%.1f", $1 * 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
declare -A G64 G1 C1 P4 P1 F50 F95
for s in nginx apache ruche; do
  G64[$s]=$(median < "$T/$s.get64k"); G1[$s]=$(median < "$T/$s.get1g"); C1[$s]=$(median < "$T/$s.cold1g")
  P4[$s]=$(median < "$T/$s.put4k"); P1[$s]=$(median < "$T/$s.put1g")
  F50[$s]=$(pct 50 < "$T/$s.propfind"); F95[$s]=$(pct 95 < "$T/$s.propfind")
done
echo
echo "| what (medians of $ROUNDS rounds; server on core 0, load on core 1) | nginx + dav-ext | Apache mod_dav | Ruche | Ruche ÷ nginx | Ruche ÷ Apache |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| GET 64 KiB, requests/s (wrk -c16) | ${G64[nginx]} | ${G64[apache]} | ${G64[ruche]} | $(ratio "${G64[ruche]}" "${G64[nginx]}") | $(ratio "${G64[ruche]}" "${G64[apache]}") |"
echo "| GET 1 GiB, GiB/s (curl) | $(echo "${G1[nginx]}" | gib) | $(echo "${G1[apache]}" | gib) | $(echo "${G1[ruche]}" | gib) | $(ratio "${G1[ruche]}" "${G1[nginx]}") | $(ratio "${G1[ruche]}" "${G1[apache]}") |"
if [ -s "$T/ruche.cold1g" ]; then
  echo "| GET 1 GiB from the disk (page cache dropped), GiB/s (curl) | $(echo "${C1[nginx]}" | gib) | $(echo "${C1[apache]}" | gib) | $(echo "${C1[ruche]}" | gib) | $(ratio "${C1[ruche]}" "${C1[nginx]}") | $(ratio "${C1[ruche]}" "${C1[apache]}") |"
fi
echo "| GET 1 GiB, server CPU-seconds | $(median < "$T/nginx.get1g.cpu") | $(median < "$T/apache.get1g.cpu") | $(median < "$T/ruche.get1g.cpu") | | |"
echo "| PUT 4 KiB new files, requests/s (wrk -c16) | ${P4[nginx]} | ${P4[apache]} | ${P4[ruche]} | $(ratio "${P4[ruche]}" "${P4[nginx]}") | $(ratio "${P4[ruche]}" "${P4[apache]}") |"
echo "| PUT 1 GiB, GiB/s (curl) | $(echo "${P1[nginx]}" | gib) | $(echo "${P1[apache]}" | gib) | $(echo "${P1[ruche]}" | gib) | $(ratio "${P1[ruche]}" "${P1[nginx]}") | $(ratio "${P1[ruche]}" "${P1[apache]}") |"
echo "| PUT 1 GiB, server CPU-seconds (not the kernel's later writeback) | $(median < "$T/nginx.put1g.cpu") | $(median < "$T/apache.put1g.cpu") | $(median < "$T/ruche.put1g.cpu") | | |"
echo "| PROPFIND Depth 1, 10,000 entries: p50 / p95 ms | $(echo "${F50[nginx]}" | ms) / $(echo "${F95[nginx]}" | ms) | $(echo "${F50[apache]}" | ms) / $(echo "${F95[apache]}" | ms) | $(echo "${F50[ruche]}" | ms) / $(echo "${F95[ruche]}" | ms) | | |"
echo
echo "PUT 4 KiB per round, requests/s: nginx $(paste -sd/ "$T/nginx.put4k"), Apache $(paste -sd/ "$T/apache.put4k"), Ruche $(paste -sd/ "$T/ruche.put4k")."
gibs() { awk '{printf "%s%.2f", (NR > 1 ? "/" : ""), $1 / 1073741824}' "$1"; }
echo "GET 1 GiB per round, GiB/s: nginx $(gibs "$T/nginx.get1g"), Apache $(gibs "$T/apache.get1g"), Ruche $(gibs "$T/ruche.get1g"); PUT 1 GiB: nginx $(gibs "$T/nginx.put1g"), Apache $(gibs "$T/apache.put1g"), Ruche $(gibs "$T/ruche.put1g")."
echo "Ruche's PROPFIND listed $entries responses; server RSS at the end: $(awk '/^VmRSS:/ {print int($2/1024)}' /proc/$RUCHE_PID/status) MiB."
