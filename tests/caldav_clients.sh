#!/usr/bin/env bash
# Real CalDAV clients against the real binary: python3-caldav (discovery,
# search by time range with recurrence, to-dos, edits, refusals, rights,
# sync tokens, and the tasks collection read-write: tests/caldav_clients.py)
# and vdirsyncer (two-way syncs between folders of .ics files and the
# workspace's calendar, then its tasks: discover, download, upload, edit,
# delete, both ways). Then the JSON API reads what the clients wrote.
set -euo pipefail
RUCHE=${1:?usage: caldav_clients.sh path/to/ruche}
. "$(dirname "$0")/dav_lib.sh"
PY=/usr/bin/python3  # Debian's python3-caldav lives there (../shared/PEERS.md)
"$PY" -c 'import caldav' 2>/dev/null || fail "python3-caldav is not installed (scripts/deps.sh test)"
command -v vdirsyncer >/dev/null || fail "vdirsyncer is not installed (scripts/deps.sh test)"
start_server "$RUCHE"

api() { curl -fsS -H "Authorization: Bearer $TOKEN" "$@"; }
CWS=$(api -X POST "$URL/api/v1/workspaces" -d '{"name":"Calendrier d'"'"'équipe","modules":["calendar","tasks"]}' |
  sed 's/.*"id":"\([^"]*\)".*/\1/')
[ -n "$CWS" ] || fail "workspace"
# A reader and an outsider, with the same password.
READER=reader@example.org OUTSIDER=outsider@example.org
for who in $READER $OUTSIDER; do
  echo "$PASSWORD" | "$RUCHE" user add --data "$T/data" --email "$who" --name "$who" >/dev/null
done
INVITE=$(api -X POST "$URL/api/v1/workspaces/$CWS/invitations" -d "{\"email\":\"$READER\",\"role\":\"member\"}" |
  sed 's/.*"token":"\([^"]*\)".*/\1/')
RTOKEN=$(curl -fsS -X POST "$URL/api/v1/auth/login" -d "{\"email\":\"$READER\",\"password\":\"$PASSWORD\"}" |
  sed 's/.*"token":"\([^"]*\)".*/\1/')
RID=$(curl -fsS -X POST "$URL/api/v1/invitations/$INVITE/accept" -H "Authorization: Bearer $RTOKEN" |
  sed 's/.*"user":{"id":"\([^"]*\)".*/\1/')
api -X PATCH "$URL/api/v1/workspaces/$CWS/members/$RID" -d '{"rights":{"calendar":"read","tasks":"read"}}' >/dev/null ||
  fail "reader's right"

"$PY" "$(dirname "$0")/caldav_clients.py" "$URL" "$CWS" "$EMAIL" "$PASSWORD" "$READER" "$OUTSIDER" "$TOKEN" ||
  fail "python3-caldav (server log: $(tail -5 "$T/err"))"

# vdirsyncer: the workspace calendar and a folder, synced both ways.
V="$T/vdirsyncer"
mkdir -p "$V/status" "$V/calendars"
cat >"$V/config" <<CONF
[general]
status_path = "$V/status/"

[pair team]
a = "team_local"
b = "team_remote"
collections = ["$CWS"]

[storage team_local]
type = "filesystem"
path = "$V/calendars/"
fileext = ".ics"

[storage team_remote]
type = "caldav"
url = "$URL/"
username = "$EMAIL"
password = "$PASSWORD"
CONF
export VDIRSYNCER_CONFIG="$V/config"
vsync() { vdirsyncer "$@" >"$V/log" 2>&1 || { cat "$V/log"; fail "vdirsyncer $*"; }; }
printf 'y\ny\ny\n' | vsync discover team
vsync sync
LOCAL="$V/calendars/$CWS"
n=$(find "$LOCAL" -name '*.ics' | wc -l)
[ "$n" -eq 4 ] || fail "vdirsyncer downloaded $n objects, not 4 (3 events and a to-do)"
grep -l "UID:weekly-1" "$LOCAL"/*.ics >/dev/null || fail "the weekly event is not in the folder"

# A new file goes up; the JSON API sees it.
cat >"$LOCAL/from-the-folder.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//folder//EN
BEGIN:VEVENT
UID:from-the-folder
DTSTAMP:20270101T000000Z
DTSTART:20270310T120000Z
DTEND:20270310T130000Z
SUMMARY:Écrit dans le dossier
END:VEVENT
END:VCALENDAR
ICS
vsync sync
api "$URL/api/v1/workspaces/$CWS/calendar/events?from=2027-03-10&to=2027-03-11" | holds 'Écrit dans le dossier' ||
  fail "the uploaded event is not seen by the JSON API"

# A change on the server comes down; a deletion in the folder goes up.
EID=$(api "$URL/api/v1/workspaces/$CWS/calendar/events?from=2027-03-10&to=2027-03-11" |
  sed 's/.*"event_id":"\([^"]*\)".*/\1/')
api -X PATCH "$URL/api/v1/calendar/events/$EID" -d '{"title":"Renommé sur le serveur"}' >/dev/null
vsync sync
grep -q "SUMMARY:Renommé sur le serveur" "$LOCAL/from-the-folder.ics" || fail "the server's change did not come down"
rm "$(grep -l 'UID:new-1' "$LOCAL"/*.ics)"
vsync sync
if api "$URL/api/v1/workspaces/$CWS/calendar/events?from=2027-03-25&to=2027-03-26" | holds Nouveau; then
  fail "the folder's deletion did not go up"
fi
# Nothing left to do: a second sync changes nothing.
vsync sync
if grep -Eq 'Copying|Deleting|Updating' "$V/log"; then cat "$V/log"; fail "a sync with nothing to do did something"; fi

# vdirsyncer and the workspace's tasks (docs/tasks.md, "CalDAV"): a folder
# of .ics files synced both ways with the tasks collection, which the
# python part left empty.
task_titles() { api "$URL/api/v1/workspaces/$CWS/tasks" | grep -o '"title":"[^"]*"' | sort | tr '\n' ' '; }
[ -z "$(task_titles)" ] || fail "the tasks collection is not empty: $(task_titles)"
cat >"$V/tasks.config" <<CONF
[general]
status_path = "$V/tasks-status/"

[pair tasks]
a = "tasks_local"
b = "tasks_remote"
collections = ["$CWS.tasks"]

[storage tasks_local]
type = "filesystem"
path = "$V/tasks/"
fileext = ".ics"

[storage tasks_remote]
type = "caldav"
url = "$URL/"
username = "$EMAIL"
password = "$PASSWORD"
CONF
export VDIRSYNCER_CONFIG="$V/tasks.config"
mkdir -p "$V/tasks" "$V/tasks-status"
SERVER_TASK=$(api -X POST "$URL/api/v1/workspaces/$CWS/tasks" \
  -d '{"title":"Tâche du serveur","due":"2027-05-02","labels":["web"]}' | sed 's/^{"id":"\([^"]*\)".*/\1/')
[ -n "$SERVER_TASK" ] || fail "a task through the API"
# One that stays: vdirsyncer refuses to empty a side whole.
api -X POST "$URL/api/v1/workspaces/$CWS/tasks" -d '{"title":"Reste"}' >/dev/null
printf 'y\ny\n' | vsync discover tasks
vsync sync tasks
TLOCAL="$V/tasks/$CWS.tasks"
[ "$(find "$TLOCAL" -name '*.ics' | wc -l)" -eq 2 ] || fail "vdirsyncer did not download the two tasks: $(ls "$TLOCAL")"
SFILE=$(grep -l "UID:$SERVER_TASK@ruche" "$TLOCAL"/*.ics) || fail "the server's task is not in the folder"
grep -q 'SUMMARY:Tâche du serveur' "$SFILE" && grep -q 'DUE;VALUE=DATE:20270502' "$SFILE" ||
  fail "the downloaded task: $(cat "$SFILE")"

# A to-do written in the folder becomes a task; what Ruche does not model
# (an alarm, a property of the client's) comes back to the folder.
printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 'PRODID:-//folder//EN' BEGIN:VTODO UID:folder-task-1 \
  DTSTAMP:20270101T000000Z 'SUMMARY:Écrite dans le dossier' 'CATEGORIES:dossier' STATUS:NEEDS-ACTION \
  X-FOLDER-NOTE:garder BEGIN:VALARM ACTION:DISPLAY DESCRIPTION:rappel TRIGGER:-PT1H END:VALARM \
  END:VTODO END:VCALENDAR >"$TLOCAL/folder-task-1.ics"
vsync sync tasks
task_titles | holds '"title":"Écrite dans le dossier"' || fail "the folder's task is not seen by the JSON API: $(task_titles)"
FOLDER_TASK=$(api "$URL/api/v1/workspaces/$CWS/tasks" | grep -o '"id":"[^"]*","workspace_id":"[^"]*","title":"Écrite' |
  sed 's/"id":"\([^"]*\)".*/\1/')
[ -n "$FOLDER_TASK" ] || fail "the folder's task's id"
api "$URL/api/v1/tasks/$FOLDER_TASK" | holds '"labels":\["dossier"\]' || fail "the folder's task's labels"
ME=$(api "$URL/api/v1/me" | sed 's/^{"id":"\([^"]*\)".*/\1/')
SERVED=$(api "$URL/dav/calendars/$ME/$CWS.tasks/folder-task-1.ics")
for line in 'PRODID:-//Ruche//Tasks//EN' 'UID:folder-task-1' 'X-FOLDER-NOTE:garder' 'TRIGGER:-PT1H'; do
  holds "$line" <<<"$SERVED" || fail "the server does not serve $line: $SERVED"
done
# No ETag came back with the upload: this sync reads the server's copy,
# the same to-do (vdirsyncer compares them without PRODID, DTSTAMP...).
vsync sync tasks
FFILE=$(grep -l 'UID:folder-task-1' "$TLOCAL"/*.ics) || fail "the folder's task left the folder"

# Changed in Ruche: the file follows. Changed in the folder: Ruche follows.
api -X PATCH "$URL/api/v1/tasks/$FOLDER_TASK" -d '{"title":"Renommée sur le serveur","status":"done"}' >/dev/null
vsync sync tasks
grep -q 'SUMMARY:Renommée sur le serveur' "$FFILE" && grep -q 'STATUS:COMPLETED' "$FFILE" &&
  grep -q 'X-FOLDER-NOTE:garder' "$FFILE" || fail "the server's change did not come down: $(cat "$FFILE")"
sed -i 's/SUMMARY:Tâche du serveur/SUMMARY:Tâche modifiée dans le dossier/' "$SFILE"
vsync sync tasks
api "$URL/api/v1/tasks/$SERVER_TASK" | holds '"title":"Tâche modifiée dans le dossier"' ||
  fail "the folder's change did not go up: $(api "$URL/api/v1/tasks/$SERVER_TASK")"
vsync sync tasks

# Deleted in the folder: gone from Ruche. Deleted in Ruche: gone from the folder.
rm "$SFILE"
vsync sync tasks
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/tasks/$SERVER_TASK")
[ "$code" = 404 ] || fail "the folder's deletion did not go up ($code)"
api -X DELETE "$URL/api/v1/tasks/$FOLDER_TASK" >/dev/null
vsync sync tasks
[ "$(find "$TLOCAL" -name '*.ics' | wc -l)" -eq 1 ] && grep -q 'SUMMARY:Reste' "$TLOCAL"/*.ics ||
  fail "Ruche's deletion did not come down: $(ls "$TLOCAL")"
[ "$(task_titles)" = '"title":"Reste" ' ] || fail "the tasks left: $(task_titles)"
vsync sync tasks
if grep -Eq 'Copying|Deleting|Updating' "$V/log"; then cat "$V/log"; fail "a tasks sync with nothing to do did something"; fi
echo "caldav clients: python3-caldav and vdirsyncer passed"
