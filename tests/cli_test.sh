#!/usr/bin/env bash
# The ruche command as an operator uses it: user management, serve with the
# "listening on" line, one server per data folder, graceful stop on SIGTERM
# (exit 0), a workspace exported and imported from the command line, audit
# verify.
set -euo pipefail
RUCHE=${1:?usage: cli_test.sh path/to/ruche}
. "$(dirname "$0")/serve_lib.sh"

# user add: a good password, then a duplicate and a weak one.
out=$(echo 'Libellule-Dorée-2027' | "$RUCHE" user add --data "$T/data" --email Admin@Example.org --name 'Ada Admin' --admin)
echo "$out" | has 'created admin admin@example.org' || fail "user add: $out"
if err=$(echo 'Libellule-Dorée-2027' | "$RUCHE" user add --data "$T/data" --email admin@example.org --name Other 2>&1); then
  fail "duplicate email accepted"
fi
echo "$err" | has -i 'exists' || fail "duplicate message: $err"
if err=$(echo 'password' | "$RUCHE" user add --data "$T/data" --email weak@example.org --name Weak 2>&1); then
  fail "weak password accepted"
fi
echo "$err" | has -i 'password' || fail "weak password message: $err"
"$RUCHE" user list --data "$T/data" | has 'admin@example.org' || fail "user list"
"$RUCHE" user add --data "$T/data" 2>/dev/null && fail "user add without --email accepted"

# A bad config file is refused with its line.
printf '[server]\nlisten = "127.0.0.1:0"\nbogus = 1\n' > "$T/bad.toml"
if err=$("$RUCHE" serve --config "$T/bad.toml" --data "$T/data" 2>&1); then fail "bad config accepted"; fi
echo "$err" | has 'unknown key server.bogus' || fail "bad config message: $err"
# Several nodes (a NATS bus) on one SQLite file are refused.
printf '[bus]\nnats_url = "nats://127.0.0.1:1"\n' > "$T/nats.toml"
if err=$("$RUCHE" serve --config "$T/nats.toml" --data "$T/data" 2>&1); then fail "nats with sqlite accepted"; fi
echo "$err" | has 'database = postgres' || fail "nats with sqlite message: $err"
# An egress range that is none is refused.
printf '[egress]\nenabled = true\nallow = ["10.0.0.0/33"]\n' > "$T/egress-bad.toml"
if err=$("$RUCHE" serve --config "$T/egress-bad.toml" --data "$T/data" 2>&1); then fail "bad egress range accepted"; fi
echo "$err" | has 'egress.allow' || fail "bad egress range message: $err"

echo 'Libellule-Bleue-2027' | "$RUCHE" user add --data "$T/data" --email bob@example.org --name 'Bob Member' >/dev/null

# serve: the listening line, a request, SIGTERM -> exit 0.
serve "$T/data"
grep -q 'setup' "$T/out" && fail "setup link printed although an admin exists"
curl -fsS "$url/api/v1/health" | has '"ok"' || fail "health"
token=$(curl -fsS -X POST "$url/api/v1/auth/login" -d '{"email":"admin@example.org","password":"Libellule-Dorée-2027"}' \
  | sed 's/.*"token":"\([^"]*\)".*/\1/')
curl -fsS -H "Authorization: Bearer $token" "$url/api/v1/me" | has 'Ada Admin' || fail "me"

# A second server on the same data folder is refused (it would not hear the first's changes).
if err=$("$RUCHE" serve --data "$T/data" --listen 127.0.0.1:0 2>&1); then fail "second server accepted"; fi
echo "$err" | has 'one server per data folder' || fail "second server message: $err"

# A workspace with a file and a message, exported from the command line while the server runs.
auth="Authorization: Bearer $token"
ws=$(curl -fsS -X POST -H "$auth" "$url/api/v1/workspaces" -d '{"name":"Archives","modules":["files","chat"]}' \
  | sed 's/.*"id":"\([^"]*\)".*/\1/')
head -c 300000 /dev/urandom > "$T/report.bin"
curl -fsS -T "$T/report.bin" -H "$auth" "$url/dav/files/$ws/report.bin" >/dev/null || fail "dav put"
cid=$(curl -fsS -X POST -H "$auth" "$url/api/v1/workspaces/$ws/channels" -d '{"name":"minutes"}' \
  | sed 's/.*"id":"\([^"]*\)".*/\1/')
curl -fsS -X POST -H "$auth" "$url/api/v1/channels/$cid/messages" -d '{"body":"the minutes of March"}' >/dev/null || fail "post"
"$RUCHE" workspace list --data "$T/data" --as admin@example.org | has "^$ws	owner	Archives" || fail "workspace list"
"$RUCHE" workspace export --data "$T/data" --as admin@example.org --id "$ws" --out "$T/archive.tar" 2>"$T/export.err" \
  || fail "export: $(cat "$T/export.err")"
[ "$(stat -c %a "$T/archive.tar")" = 600 ] || fail "archive mode $(stat -c %a "$T/archive.tar")"
tar -tf "$T/archive.tar" | has -x 'workspace.json' || fail "archive: no workspace.json"
tar -xOf "$T/archive.tar" files/tree/report.bin | cmp - "$T/report.bin" || fail "archive: report.bin differs"
tar -xOf "$T/archive.tar" workspace.json | has '"name":"Archives"' || fail "archive: workspace.json"
# Never over an existing file; never as someone who is not a member; never to a terminal-less void.
if "$RUCHE" workspace export --data "$T/data" --as admin@example.org --id "$ws" --out "$T/archive.tar" 2>/dev/null; then
  fail "export over an existing file"
fi
if err=$("$RUCHE" workspace export --data "$T/data" --as bob@example.org --id "$ws" 2>&1 >/dev/null); then
  fail "export by a non-member"
fi
echo "$err" | has 'no such workspace' || fail "non-member export message: $err"
if err=$("$RUCHE" workspace export --data "$T/data" --id "$ws" 2>&1 >/dev/null); then fail "export without --as"; fi
echo "$err" | has 'needs --as' || fail "export without --as message: $err"
# An import writes: refused while the server runs.
if err=$("$RUCHE" workspace import --data "$T/data" --as bob@example.org --in "$T/archive.tar" 2>&1); then
  fail "import while the server runs"
fi
echo "$err" | has 'Stop it first' || fail "import while running message: $err"
kill -TERM "$PID"
code=0; wait "$PID" || code=$?
PID=""
[ "$code" -eq 0 ] || fail "serve exited $code after SIGTERM"
grep -q '"server.stopped"' "$T/err" || fail "no server.stopped log"

# The server stopped: an administrator imports the archive (not Bob: he is
# not one); served again, it is there with its file and message.
if err=$("$RUCHE" workspace import --data "$T/data" --as bob@example.org --in "$T/archive.tar" 2>&1); then
  fail "import by a non-administrator"
fi
echo "$err" | has 'only an instance administrator' || fail "non-administrator import message: $err"
out=$("$RUCHE" workspace import --data "$T/data" --as admin@example.org --name 'Archives (copy)' < "$T/archive.tar") \
  || fail "import: $out"
echo "$out" | has '"name":"Archives (copy)"' || fail "import answer: $out"
ws2=$(echo "$out" | sed 's/.*"workspace":{"id":"\([^"]*\)".*/\1/')
[ -n "$ws2" ] && [ "$ws2" != "$ws" ] || fail "imported workspace id: $out"
"$RUCHE" workspace list --data "$T/data" --as admin@example.org | has "^$ws2	owner	Archives (copy)" || fail "list after import"
serve "$T/data"
token2=$(curl -fsS -X POST "$url/api/v1/auth/login" -d '{"email":"admin@example.org","password":"Libellule-Dorée-2027"}' \
  | sed 's/.*"token":"\([^"]*\)".*/\1/')
curl -fsS -H "Authorization: Bearer $token2" "$url/dav/files/$ws2/report.bin" | cmp - "$T/report.bin" || fail "imported file"
curl -fsS -H "Authorization: Bearer $token2" "$url/api/v1/search?q=minutes&workspace=$ws2" | has 'March' \
  || fail "imported message not found"
kill -TERM "$PID"; wait "$PID" || true; PID=""

# The [chat] settings docs/configuration.md gives are accepted (two were refused as unknown).
sed -n '/^\[chat\]$/,/^$/p' "$(dirname "$0")/../docs/configuration.md" > "$T/chat.toml"
grep -q '^max_channels' "$T/chat.toml" || fail "no [chat] settings read from docs/configuration.md"
serve "$T/data" --config "$T/chat.toml"
kill -TERM "$PID"; wait "$PID" || true; PID=""
# So are its [egress] and [calendar] settings, egress turned on.
sed -n '/^\[egress\]/,/^$/p;/^\[calendar\]$/,/^$/p' "$(dirname "$0")/../docs/configuration.md" \
  | sed 's/^enabled = false/enabled = true/' > "$T/egress.toml"
grep -q '^timeout_seconds' "$T/egress.toml" && grep -q '^subscriptions_check_seconds' "$T/egress.toml" \
  || fail "no [egress] or [calendar] settings read from docs/configuration.md"
serve "$T/data" --config "$T/egress.toml"
kill -TERM "$PID"; wait "$PID" || true; PID=""

# disable, reset-password, audit verify.
"$RUCHE" user disable --data "$T/data" --email admin@example.org | has disabled || fail "disable"
echo 'Libellule-Argentée-2028' | "$RUCHE" user reset-password --data "$T/data" --email admin@example.org | has 'password reset' || fail "reset"
"$RUCHE" audit verify --data "$T/data" | has 'audit log intact' || fail "audit verify"
# The log exported in two runs (the second after the first's last entry), each
# checked alone and both together; an altered line, a removed one, an export
# written over are refused.
"$RUCHE" audit export --data "$T/data" --out "$T/audit-1.jsonl" 2> "$T/export.err" || fail "audit export"
last=$(sed -n 's/.*the last \([0-9]*\)$/\1/p' "$T/export.err")
[ "$last" -gt 5 ] && [ "$(wc -l < "$T/audit-1.jsonl")" -eq "$last" ] || fail "audit export: $(cat "$T/export.err")"
"$RUCHE" audit export --data "$T/data" --out "$T/audit-1.jsonl" 2>/dev/null && fail "an export written over"
"$RUCHE" user enable --data "$T/data" --email admin@example.org | has enabled || fail "enable"
"$RUCHE" audit export --data "$T/data" --after "$last" > "$T/audit-2.jsonl" 2>/dev/null || fail "audit export --after"
[ "$(wc -l < "$T/audit-2.jsonl")" -eq 1 ] || fail "audit export --after: $(cat "$T/audit-2.jsonl")"
"$RUCHE" audit verify --file "$T/audit-2.jsonl" | has "entries $((last + 1)) to $((last + 1))" || fail "verify the second export"
cat "$T/audit-1.jsonl" "$T/audit-2.jsonl" | "$RUCHE" audit verify --file - | has "intact: entries 1 to $((last + 1))" \
  || fail "verify both exports"
sed "2s/\"outcome\":\"[a-z]*\"/\"outcome\":\"altered\"/" "$T/audit-1.jsonl" > "$T/altered.jsonl"
sed '3d' "$T/audit-1.jsonl" > "$T/cut.jsonl"
for bad in altered cut; do
  # A broken chain exits 1 and says where.
  if "$RUCHE" audit verify --file "$T/$bad.jsonl" > "$T/$bad.out"; then fail "$bad export passed"; fi
done
has 'BROKEN at entry 2: entry 2 was altered' "$T/altered.out" || fail "an altered entry: $(cat "$T/altered.out")"
has 'BROKEN at entry 3: entry 3 is missing' "$T/cut.out" || fail "a removed entry: $(cat "$T/cut.out")"
"$RUCHE" migrate --data "$T/data" | has 'up to date' || fail "migrate"
echo "cli_test: ok"
