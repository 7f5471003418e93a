# What the benches that run a real `ruche serve` share (bench/backup,
# bench/export): sourced from the repository's root.
#
#   bench_server NAME       bench packages installed, RUCHE (RUCHE_BIN or
#                           build/ruche, built when absent), T a work folder
#                           removed at exit (KEEP=1 leaves it), ruche.toml
#                           without write limits or maintenance; median,
#                           randbytes SEED BYTES (fast pseudo-random bytes)
#   bench_nginx_static PORT TYPE
#                           nginx, one worker on core 0, serving T/nginx/root
#                           (fill it first) on 127.0.0.1:PORT as TYPE, no
#                           access log: the static reference; stopped at exit
#   bench_ruche_start [CMD-PREFIX...]
#                           an administrator account and `ruche serve` on
#                           T/data (the prefix runs it: taskset -c 0, env
#                           RUCHE_IO_THREADS=1): RUCHE_PID, URL, AUTH (its
#                           Bearer header), WS (a workspace with files),
#                           RDAV (its WebDAV root)
bench_server() {
  scripts/deps.sh bench
  RUCHE=${RUCHE_BIN:-build/ruche}
  [ -x "$RUCHE" ] || make server >/dev/null
  T=$(mktemp -d "/tmp/ruche-bench-$1-XXXXXX")
  RUCHE_PID=""
  trap '[ -n "$RUCHE_PID" ] && kill "$RUCHE_PID" 2>/dev/null; [ -f "$T/nginx/nginx.pid" ] && kill -QUIT "$(cat "$T/nginx/nginx.pid")" 2>/dev/null; sleep 0.3; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
  export RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_ACCESS_LOG=0
  printf '[security]\nwrites_per_second = 100000000\nwrite_burst = 100000000\n[files]\nmaintenance_minutes = 0\n' \
    > "$T/ruche.toml"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
randbytes() { { openssl enc -aes-128-ctr -pass pass:"$1" -nosalt -pbkdf2 < /dev/zero 2>/dev/null || true; } | head -c "$2"; }

bench_nginx_static() {
  local port=$1 type=$2
  mkdir -p "$T/nginx/root" "$T/nginx/tmp" "$T/nginx/logs"
  cat > "$T/nginx/nginx.conf" <<NGX
worker_processes 1;
worker_cpu_affinity 01;
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $T/nginx/tmp;
  proxy_temp_path $T/nginx/tmp; fastcgi_temp_path $T/nginx/tmp;
  uwsgi_temp_path $T/nginx/tmp; scgi_temp_path $T/nginx/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    root $T/nginx/root;
    location / { default_type $type; }
  }
}
NGX
  # nginx's workers run as another user: they must reach the files.
  chmod a+x "$T"; chmod -R a+rX "$T/nginx"
  taskset -c 0 nginx -c "$T/nginx/nginx.conf" -p "$T/nginx/"
}

bench_ruche_start() {
  echo 'Bourdon-Velours-2026' | "$RUCHE" user add --data "$T/data" --email bench@example.org --name Bench --admin \
    >/dev/null 2>&1
  : >"$T/ruche.out"  # before the start: a restart's grep must not read the last server's line
  "$@" "$RUCHE" serve --config "$T/ruche.toml" --data "$T/data" --listen 127.0.0.1:0 >"$T/ruche.out" 2>"$T/ruche.err" &
  RUCHE_PID=$!
  for _ in $(seq 1 100); do grep -qs "listening on" "$T/ruche.out" && break; sleep 0.05; done
  URL=$(grep -o 'http://[0-9.:]*' "$T/ruche.out" | head -1)
  local token
  token=$(curl -fsS -X POST "$URL/api/v1/auth/login" -d '{"email":"bench@example.org","password":"Bourdon-Velours-2026"}' \
    | sed 's/.*"token":"\([^"]*\)".*/\1/')
  AUTH="Authorization: Bearer $token"
  WS=$(curl -fsS -X POST -H "$AUTH" "$URL/api/v1/workspaces" -d '{"name":"Bench","modules":["files"]}' \
    | sed 's/.*"id":"\([^"]*\)".*/\1/')
  RDAV="$URL/dav/files/$WS"
}
