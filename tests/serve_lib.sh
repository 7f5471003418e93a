# Shared by the scripts that test the ruche command as an operator runs it
# (tests/cli_test.sh, backup_test.sh, proxy_test.sh). Source it with RUCHE
# set to the binary. It makes T (a work folder, removed at exit), exports
# cheap password hashing, and gives:
#   fail MESSAGE      ends the test, saying why
#   has GREP-ARGS     grep of a whole pipeline's output, quietly
#   serve DATA [ARGS] `ruche serve --data DATA` on 127.0.0.1:0 in the
#                     background: PID, and its address in url
#   stop              SIGTERM, then waits for it
# A step that fails outside `fail` says which, with the server's last words.
# A script's own clean-up goes in a function extra_cleanup, run at exit.
T=$(mktemp -d /tmp/ruche-"$(basename "$0" .sh)"-XXXXXX)
PID=""
export RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_PASSWORD_PARALLELISM=1
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  if declare -F extra_cleanup >/dev/null; then extra_cleanup || true; fi
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND" >&2; tail -n 20 "$T/out" "$T/err" >&2 2>/dev/null || true' ERR
# `grep -q` stops at the first match, and the writer, still writing, dies of
# SIGPIPE (pipefail: a failure): the output is read whole.
has() { grep "$@" >/dev/null; }
# Up to 30 s to listen: beside the fsync-heavy tests ctest runs in parallel,
# a start took over the 5 s once allowed (CI, twice). A server that exits
# first says so, with its output.
serve() {
  local data=$1
  shift
  # Emptied here, before the server starts: the redirection below truncates
  # only once the child runs, and a grep before that would read the previous
  # server's line (CI, once).
  : >"$T/out"
  : >"$T/err"
  "$RUCHE" serve --data "$data" --listen 127.0.0.1:0 "$@" >"$T/out" 2>"$T/err" &
  PID=$!
  for _ in $(seq 1 600); do
    grep -q 'listening on http://' "$T/out" && break
    kill -0 "$PID" 2>/dev/null || fail "serve exited before listening: $(cat "$T/out" "$T/err")"
    sleep 0.05
  done
  url=$(grep -o 'listening on http://[0-9.:]*' "$T/out" | sed 's/listening on //') ||
    fail "no listening line within 30 s: $(cat "$T/out" "$T/err")"
}
stop() {
  kill -TERM "$PID"
  wait "$PID" || true
  PID=""
}
