#!/usr/bin/env bash
# A private, throw-away PostgreSQL server for tests (label `pg`).
#
#   eval "$(scripts/pg-test.sh start)"   # prints export RUCHE_TEST_PG_DSN=... RUCHE_PG_DIR=...
#   ctest --test-dir build -L pg
#   scripts/pg-test.sh stop "$RUCHE_PG_DIR"
#   scripts/pg-test.sh run ctest --test-dir build -L pg   # start, run, stop
#   scripts/pg-test.sh restart "$RUCHE_PG_DIR" huge_pages=on  # other settings
#
# The cluster lives in a new temporary directory (unix socket there too),
# listens on 127.0.0.1 at a free port, trusts local connections as user
# `postgres`, and runs with fsync off: fast, and never worth keeping. As root
# it runs the server as the `postgres` system user (created if missing),
# since initdb refuses root. PGBIN overrides the server binaries' folder.
set -euo pipefail

# `return 0`, not `return`: called from the EXIT trap after a failed command,
# a bare return would return that command's status (bash's rule in trap
# handlers) and errexit would end stop() before the server is stopped.
find_pgbin() {
  if [ -n "${PGBIN:-}" ]; then echo "$PGBIN"; return 0; fi
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then echo /usr/lib/postgresql/15/bin; return 0; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$d" ] && command -v initdb >/dev/null; then d=$(dirname "$(command -v initdb)"); fi
  [ -n "$d" ] || { echo "pg-test: no PostgreSQL server binaries (apt-get install postgresql-15)" >&2; exit 1; }
  echo "$d"
}

# Runs a server command as the right user, from a directory that user can enter.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$DIR" && runuser -u postgres -- "$@")
  else
    (cd "$DIR" && "$@")
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  PGBIN=$(find_pgbin)
  DIR=$(mktemp -d "${RUCHE_PG_TMP:-/tmp}/ruche-pg.XXXXXX")
  touch "$DIR/.ruche-pg"  # marks the directory as ours for `stop`
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 ||
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    chown postgres: "$DIR"
    chmod 0755 "$DIR"  # the test user connects through the socket in it
  fi
  if ! as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      --no-sync >"$DIR/initdb.log" 2>&1; then
    cat "$DIR/initdb.log" >&2
    rm -rf "$DIR"
    exit 1
  fi
  # A port that is free now may be taken before the server binds it: retry.
  local attempt port started=0
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_in_use "$port" && continue
    if as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 30 -o "-k $DIR -p $port \
        -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
        -c full_page_writes=off -c max_connections=200" start >/dev/null 2>&1; then
      started=1
      break
    fi
  done
  if [ "$started" -ne 1 ]; then
    echo "pg-test: the server did not start; log:" >&2
    cat "$DIR/log" >&2 || true
    rm -rf "$DIR"
    exit 1
  fi
  # Extensions the migrations use, made once as an administrator would
  # (docs/storage.md): test schemas come and go, dropped with CASCADE, and
  # tests migrate at the same time; each migration finds them made.
  if ! as_pg "$PGBIN/psql" -q -h "$DIR" -p "$port" -U postgres -d postgres \
      -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null 2>"$DIR/extensions.log"; then
    cat "$DIR/extensions.log" >&2
    as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    exit 1
  fi
  echo "export RUCHE_TEST_PG_DSN='host=$DIR port=$port user=postgres dbname=postgres'"
  echo "export RUCHE_PG_DIR='$DIR'"
}

stop() {
  DIR=${1:-${RUCHE_PG_DIR:-}}
  [ -n "$DIR" ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
  [ -d "$DIR" ] || exit 0  # already gone
  if [ ! -f "$DIR/.ruche-pg" ]; then
    echo "pg-test: $DIR was not made by pg-test.sh; not removing it" >&2
    exit 1
  fi
  PGBIN=$(find_pgbin)
  if [ -f "$DIR/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

# Sets server settings (ALTER SYSTEM) and restarts the server with them;
# fails, with the server stopped, when it cannot start so (huge_pages=on
# without the pages reserved).
restart() {
  DIR=${1:-}
  [ -n "$DIR" ] && [ -f "$DIR/.ruche-pg" ] || { echo "usage: $0 restart DIR [NAME=VALUE...]" >&2; exit 2; }
  shift
  PGBIN=$(find_pgbin)
  local port setting
  port=$(sed -n 4p "$DIR/data/postmaster.pid")
  for setting in "$@"; do
    [[ "$setting" =~ ^[a-z_]+=[A-Za-z0-9_.]+$ ]] || { echo "pg-test: bad setting '$setting'" >&2; exit 2; }
    as_pg "$PGBIN/psql" -q -h "$DIR" -p "$port" -U postgres -d postgres \
      -c "ALTER SYSTEM SET ${setting%%=*} = '${setting#*=}'" >/dev/null
  done
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -m fast -w -t 30 restart >/dev/null
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "${1:-}" ;;
  restart) shift; restart "$@" ;;
  run)
    shift
    [ $# -gt 0 ] || { echo "usage: $0 run COMMAND..." >&2; exit 2; }
    env_lines=$(start) || exit 1
    eval "$env_lines"
    trap 'stop "$RUCHE_PG_DIR"' EXIT
    "$@"
    ;;
  *)
    echo "usage: $0 start | stop DIR | restart DIR [NAME=VALUE...] | run COMMAND..." >&2
    exit 2
    ;;
esac
