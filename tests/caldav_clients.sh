#!/usr/bin/env bash
# Real CalDAV clients against the real binary: python3-caldav (discovery,
# search by time range with recurrence, to-dos, edits, refusals, rights,
# sync tokens: tests/caldav_clients.py) and vdirsyncer (a two-way sync
# between a folder of .ics files and the workspace's calendar: discover,
# download, upload, edit, delete, both ways). Then the JSON API reads what
# the clients wrote.
set -euo pipefail
RUCHE=${1:?usage: caldav_clients.sh path/to/ruche}
. "$(dirname "$0")/dav_lib.sh"
PY=/usr/bin/python3  # Debian's python3-caldav lives there (../shared/PEERS.md)
"$PY" -c 'import caldav' 2>/dev/null || fail "python3-caldav is not installed (scripts/deps.sh test)"
command -v vdirsyncer >/dev/null || fail "vdirsyncer is not installed (scripts/deps.sh test)"
start_server "$RUCHE"

api() { curl -fsS -H "Authorization: Bearer $TOKEN" "$@"; }
CWS=$(api -X POST "$URL/api/v1/workspaces" -d '{"name":"Calendrier d'"'"'équipe","modules":["calendar"]}' |
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
api -X PATCH "$URL/api/v1/workspaces/$CWS/members/$RID" -d '{"rights":{"calendar":"read"}}' >/dev/null ||
  fail "reader's right"

"$PY" "$(dirname "$0")/caldav_clients.py" "$URL" "$CWS" "$EMAIL" "$PASSWORD" "$READER" "$OUTSIDER" ||
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
api "$URL/api/v1/workspaces/$CWS/calendar/events?from=2027-03-10&to=2027-03-11" | grep -q 'Écrit dans le dossier' ||
  fail "the uploaded event is not seen by the JSON API"

# A change on the server comes down; a deletion in the folder goes up.
EID=$(api "$URL/api/v1/workspaces/$CWS/calendar/events?from=2027-03-10&to=2027-03-11" |
  sed 's/.*"event_id":"\([^"]*\)".*/\1/')
api -X PATCH "$URL/api/v1/calendar/events/$EID" -d '{"title":"Renommé sur le serveur"}' >/dev/null
vsync sync
grep -q "SUMMARY:Renommé sur le serveur" "$LOCAL/from-the-folder.ics" || fail "the server's change did not come down"
rm "$(grep -l 'UID:new-1' "$LOCAL"/*.ics)"
vsync sync
if api "$URL/api/v1/workspaces/$CWS/calendar/events?from=2027-03-25&to=2027-03-26" | grep -q Nouveau; then
  fail "the folder's deletion did not go up"
fi
# Nothing left to do: a second sync changes nothing.
vsync sync
if grep -Eq 'Copying|Deleting|Updating' "$V/log"; then cat "$V/log"; fail "a sync with nothing to do did something"; fi
echo "caldav clients: python3-caldav and vdirsyncer passed"
