#!/usr/bin/env bash
# The ruche command as an operator uses it: user management, serve with the
# "listening on" line, graceful stop on SIGTERM (exit 0), audit verify.
set -euo pipefail
RUCHE=${1:?usage: cli_test.sh path/to/ruche}
T=$(mktemp -d /tmp/ruche-cli-XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_PASSWORD_PARALLELISM=1
fail() { echo "FAIL: $*" >&2; exit 1; }

# user add: a good password, then a duplicate and a weak one.
out=$(echo 'Libellule-Dorée-2027' | "$RUCHE" user add --data "$T/data" --email Admin@Example.org --name 'Ada Admin' --admin)
echo "$out" | grep -q 'created admin admin@example.org' || fail "user add: $out"
if err=$(echo 'Libellule-Dorée-2027' | "$RUCHE" user add --data "$T/data" --email admin@example.org --name Other 2>&1); then
  fail "duplicate email accepted"
fi
echo "$err" | grep -qi 'exists' || fail "duplicate message: $err"
if err=$(echo 'password' | "$RUCHE" user add --data "$T/data" --email weak@example.org --name Weak 2>&1); then
  fail "weak password accepted"
fi
echo "$err" | grep -qi 'password' || fail "weak password message: $err"
"$RUCHE" user list --data "$T/data" | grep -q 'admin@example.org' || fail "user list"
"$RUCHE" user add --data "$T/data" 2>/dev/null && fail "user add without --email accepted"

# A bad config file is refused with its line.
printf '[server]\nlisten = "127.0.0.1:0"\nbogus = 1\n' > "$T/bad.toml"
if err=$("$RUCHE" serve --config "$T/bad.toml" --data "$T/data" 2>&1); then fail "bad config accepted"; fi
echo "$err" | grep -q 'unknown key server.bogus' || fail "bad config message: $err"
# Several nodes (a NATS bus) on one SQLite file are refused.
printf '[bus]\nnats_url = "nats://127.0.0.1:1"\n' > "$T/nats.toml"
if err=$("$RUCHE" serve --config "$T/nats.toml" --data "$T/data" 2>&1); then fail "nats with sqlite accepted"; fi
echo "$err" | grep -q 'database = postgres' || fail "nats with sqlite message: $err"

# serve: the listening line, a request, SIGTERM -> exit 0.
"$RUCHE" serve --data "$T/data" --listen 127.0.0.1:0 >"$T/out" 2>"$T/err" &
PID=$!
for _ in $(seq 1 100); do grep -q 'listening on http://' "$T/out" && break; sleep 0.05; done
url=$(grep -o 'listening on http://[0-9.:]*' "$T/out" | sed 's/listening on //')
[ -n "$url" ] || fail "no listening line: $(cat "$T/out" "$T/err")"
grep -q 'setup' "$T/out" && fail "setup link printed although an admin exists"
curl -fsS "$url/api/v1/health" | grep -q '"ok"' || fail "health"
token=$(curl -fsS -X POST "$url/api/v1/auth/login" -d '{"email":"admin@example.org","password":"Libellule-Dorée-2027"}' \
  | sed 's/.*"token":"\([^"]*\)".*/\1/')
curl -fsS -H "Authorization: Bearer $token" "$url/api/v1/me" | grep -q 'Ada Admin' || fail "me"
kill -TERM "$PID"
code=0; wait "$PID" || code=$?
PID=""
[ "$code" -eq 0 ] || fail "serve exited $code after SIGTERM"
grep -q '"server.stopped"' "$T/err" || fail "no server.stopped log"

# disable, reset-password, audit verify.
"$RUCHE" user disable --data "$T/data" --email admin@example.org | grep -q disabled || fail "disable"
echo 'Libellule-Argentée-2028' | "$RUCHE" user reset-password --data "$T/data" --email admin@example.org | grep -q 'password reset' || fail "reset"
"$RUCHE" audit verify --data "$T/data" | grep -q 'audit log intact' || fail "audit verify"
"$RUCHE" migrate --data "$T/data" | grep -q 'up to date' || fail "migrate"
echo "cli_test: ok"
