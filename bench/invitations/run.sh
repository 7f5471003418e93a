#!/usr/bin/env bash
# bench/invitations: calendar invitations (docs/calendar.md "Invitations").
#
#   bench/invitations/run.sh        (N=1000 events, ORGANIZERS=10)
#
# Ruche (core 0) with SMTP pointed at an aiosmtpd sink writing a Maildir
# (core 1, beside the client: bench/invitations/load.py). Measured: events
# created per second through the JSON API, one client in a row, without
# attendees, with 10 colleagues (indexed, told live) and with 10 external
# addresses (an iMIP message each, queued in the write); a colleague's
# answers to weekly meetings, to the series then to one occurrence; the
# organizer's changes of them (the series' title, one occurrence moved, one
# cancelled); then how fast
# Ruche's mail queue delivers those messages, beside Python's smtplib
# sending as many messages of the same size to the same sink (a connection
# each, as Ruche sends, and all on one connection). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common/server.sh
N=${N:-1000}
ORGANIZERS=${ORGANIZERS:-10}
bench_server invitations
PY=/usr/bin/python3

SINK_PORT=18625
MAILDIR="$T/maildir"  # made by the sink
taskset -c 1 "$PY" -m aiosmtpd -n -l "127.0.0.1:$SINK_PORT" -c aiosmtpd.handlers.Mailbox "$MAILDIR" \
  > "$T/sink.log" 2>&1 &
SINK_PID=$!
trap 'kill $SINK_PID 2>/dev/null || true; [ -n "$RUCHE_PID" ] && kill "$RUCHE_PID" 2>/dev/null; sleep 0.3; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
printf '[smtp]\nurl = "smtp://127.0.0.1:%s"\nfrom = "Ruche <noreply@example.org>"\n' "$SINK_PORT" >> "$T/ruche.toml"

RUCHE_IO_THREADS=1 RUCHE_WORKERS=4 bench_ruche_start taskset -c 0
# Organizers and colleagues, all in the bench's workspace.
for who in $(seq -f "o%g" 0 $((ORGANIZERS - 1))) $(seq -f "c%g" 0 9); do
  echo 'Bourdon-Velours-2026' | "$RUCHE" user add --data "$T/data" --email "$who@example.org" --name "$who" \
    >/dev/null 2>&1 || true
done
TOKEN=${AUTH#Authorization: Bearer }
for who in $(seq -f "o%g" 0 $((ORGANIZERS - 1))) $(seq -f "c%g" 0 9); do
  INV=$(curl -fsS -X POST -H "$AUTH" "$URL/api/v1/workspaces/$WS/invitations" -d "{\"email\":\"$who@example.org\"}" \
    | sed 's/.*"token":"\([^"]*\)".*/\1/')
  T2=$(curl -fsS -X POST "$URL/api/v1/auth/login" -d "{\"email\":\"$who@example.org\",\"password\":\"Bourdon-Velours-2026\"}" \
    | sed 's/.*"token":"\([^"]*\)".*/\1/')
  curl -fsS -X POST -H "Authorization: Bearer $T2" "$URL/api/v1/invitations/$INV/accept" -o /dev/null
done
# Workspace invitations were emailed too: start from an empty Maildir.
sleep 1; rm -f "$MAILDIR/new/"*

taskset -c 1 "$PY" bench/invitations/load.py "$URL" "$SINK_PORT" "$MAILDIR" "$N" "$ORGANIZERS" > "$T/out.txt"
v() { awk -v k="$1" '$1 == k {print $2}' "$T/out.txt"; }
echo "N=$N events per kind; $(awk '$1 == "ruche_queue" {print $4" iMIP messages of "$7" bytes"}' "$T/out.txt")."
echo
echo "| measure | value | beside |"
echo "| --- | ---: | ---: |"
echo "| events created, no attendee (/s) | $(v create_plain) | 1.00× |"
echo "| events created, 10 colleagues (/s) | $(v create_10_colleagues) | $(echo "scale=2; $(v create_10_colleagues) / $(v create_plain)" | bc)× |"
echo "| events created, 10 external addresses (/s) | $(v create_10_external) | $(echo "scale=2; $(v create_10_external) / $(v create_plain)" | bc)× |"
echo "| answers to a weekly series (/s) | $(v answer_series) | 1.00× |"
echo "| answers to one occurrence of it (/s) | $(v answer_occurrence) | $(echo "scale=2; $(v answer_occurrence) / $(v answer_series)" | bc)× |"
echo "| the organizer's agenda for a month, $(awk '$1 == "agenda_invitee" {print $4}' "$T/out.txt") occurrences (reads/s) | $(v agenda_organizer) | 1.00× |"
echo "| the invitee's, with their answers (reads/s) | $(v agenda_invitee) | $(echo "scale=2; $(v agenda_invitee) / $(v agenda_organizer)" | bc)× |"
echo "| organizer renames the series (/s) | $(v change_series) | 1.00× |"
echo "| organizer moves one occurrence (/s) | $(v move_occurrence) | $(echo "scale=2; $(v move_occurrence) / $(v change_series)" | bc)× |"
echo "| organizer cancels one occurrence (/s) | $(v cancel_occurrence) | $(echo "scale=2; $(v cancel_occurrence) / $(v change_series)" | bc)× |"
echo "| Ruche's mail queue to the sink (messages/s) | $(v ruche_queue) | 1.00× |"
echo "| smtplib, a connection per message (messages/s) | $(v smtplib_connection_each) | $(echo "scale=2; $(v ruche_queue) / $(v smtplib_connection_each)" | bc)× |"
echo "| smtplib, one connection (messages/s) | $(v smtplib_one_connection) | $(echo "scale=2; $(v ruche_queue) / $(v smtplib_one_connection)" | bc)× |"
