#!/usr/bin/env bash
# ruche-sync (the desktop sync client) against the real server: two
# "machines" (two state folders, two local folders) and the REST API as a
# third party, through every kind of change: creations, edits, deletions,
# renames and moves both ways, conflicts, delete-versus-edit, names in NFD
# (synced under their NFC form), the guard against an emptied folder, a
# read-only member, a large file in bounded memory, `run` following changes
# on both sides until SIGTERM (the server's heard at once on its live
# events connection, during a long pass too), status and logout; and what
# passes cost: a no-op pass leaves
# the journal file alone, the pass after the client's own changes makes 2
# requests (the server's /metrics), while someone else's change made
# during a pass is still taken by the next. docs/sync.md describes the
# rules this checks.
set -euo pipefail
RUCHE=${1:?usage: sync_client.sh path/to/ruche path/to/ruche-sync}
SYNC=${2:?usage: sync_client.sh path/to/ruche path/to/ruche-sync}
. "$(dirname "$0")/dav_lib.sh"
RUNPID=""
# A `run` a failed check left behind goes with the server.
trap 'if [ -n "$RUNPID" ]; then kill "$RUNPID" 2>/dev/null || true; fi; cleanup' EXIT
start_server "$RUCHE"

api() { curl -fsS -H "Authorization: Bearer $TOKEN" "$@"; }
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
node() { api "$URL/api/v1/workspaces/$WS/files/by-path" -G --data-urlencode "path=$1"; }
node_field() { node "$1" | jq_ "d['$2']"; }
gone_remote() { ! curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" -G \
  "$URL/api/v1/workspaces/$WS/files/by-path" --data-urlencode "path=$1"; }
A="$T/machine-a" B="$T/machine-b"
SA="$T/state-a" SB="$T/state-b"
sa() { "$SYNC" --state "$SA" "$@"; }
sb() { "$SYNC" --state "$SB" "$@"; }
same_trees() {
  diff -r --exclude=.ruche-sync "$1" "$2" >/dev/null || { diff -r --exclude=.ruche-sync "$1" "$2" || true; fail "$3"; }
}

# --- Login: an app token is stored, never the password ------------------------
echo "$PASSWORD" | sa login "$URL" --email "$EMAIL" >/dev/null
echo "$PASSWORD" | sb login "$URL/" --email "$EMAIL" >/dev/null
grep -q "$PASSWORD" "$SA/account.json" && fail "the password is stored"
[ "$(stat -c %a "$SA/account.json")" = 600 ] || fail "account.json is not 0600"
APP=$(python3 -c "import json; print(json.load(open('$SA/account.json'))['token'])")
curl -fsS -o /dev/null -H "Authorization: Bearer $APP" "$URL/api/v1/me" || fail "the stored app token does not work"
api "$URL/api/v1/me/sessions" | holds '"name":"ruche-sync on ' || fail "the app token is not named after the device"
if echo wrong-password | "$SYNC" --state "$T/state-x" login "$URL" --email "$EMAIL" 2>"$T/x.err"; then
  fail "a wrong password logged in"
fi
grep -q -i "credentials\|password" "$T/x.err" || fail "a wrong password's message: $(cat "$T/x.err")"
if echo "$PASSWORD" | "$SYNC" --state "$T/state-x" login http://ruche.example.org --email "$EMAIL" 2>/dev/null; then
  fail "plain http to a remote host was accepted"
fi
"$SYNC" --state "$T/state-x" once 2>/dev/null && fail "once without login succeeded"

# --- Add: one workspace per local folder; armoured and unknown ones refused -----
sa add "$WS" "$A" >/dev/null
sb add "$WS" "$B" >/dev/null
sa add "$WS" "$T/elsewhere" 2>/dev/null && fail "the same workspace was added twice"
sa add nope "$T/nope" 2>/dev/null && fail "an unknown workspace was added"
AWS=$(api -X POST "$URL/api/v1/workspaces" -d '{"name":"Blindé","modules":["files"],"armoured":true}' | jq_ "d['id']")
sa add "$AWS" "$T/armoured" 2>"$T/x.err" && fail "an armoured workspace was added"
grep -q armoured "$T/x.err" || fail "the armoured refusal does not say why: $(cat "$T/x.err")"

# --- First sync up: folders, Unicode names, an empty file, binary data ----------
mkdir -p "$A/Projets/Été 2027/plans" "$A/vide"
printf 'bonjour\n' >"$A/Projets/lisez-moi.txt"
: >"$A/Projets/Été 2027/vide.txt"
head -c 3000000 /dev/urandom >"$A/Projets/Été 2027/plans/plan.bin"
printf 'racine\n' >"$A/racine.txt"
printf 'lock\n' >"$A/.~lock.racine.txt#"
ln -s /etc/passwd "$A/lien"
sa once >"$T/once.out" || { cat "$T/once.out"; fail "first once"; }
[ "$(node_field "/Projets/Été 2027/plans/plan.bin" sha256)" = "$(sha256sum "$A/Projets/Été 2027/plans/plan.bin" | cut -d' ' -f1)" ] ||
  fail "the binary file's content on the server"
[ "$(node_field "/Projets/Été 2027/vide.txt" size)" = 0 ] || fail "the empty file"
node_field /vide kind | holds folder || fail "the empty folder"
gone_remote "/.~lock.racine.txt#" || fail "an office lock file was uploaded"
gone_remote "/lien" || fail "a symbolic link was uploaded"
MT_LOCAL=$(stat -c %Y "$A/racine.txt")
MT_REMOTE=$(node_field /racine.txt mtime)
python3 -c "import datetime,sys; t=datetime.datetime.fromisoformat('$MT_REMOTE'.replace('Z','+00:00')).timestamp(); sys.exit(0 if int(t)==$MT_LOCAL else 1)" ||
  fail "the modification time was not kept ($MT_REMOTE vs $MT_LOCAL)"
sa status | holds "lien: a symbolic link" || fail "status does not report the link"

# --- The second machine gets it all; a second pass has nothing to do -----------
sb once >/dev/null || fail "second machine's first once"
rm -f "$A/.~lock.racine.txt#" "$A/lien"
same_trees "$A" "$B" "the second machine's tree differs"
[ "$(stat -c %Y "$B/racine.txt")" = "$MT_LOCAL" ] || fail "the download did not keep the modification time"
sa once >"$T/once.out" && sb once >>"$T/once.out" || fail "once again"
[ "$(grep -c 'nothing to do' "$T/once.out")" = 2 ] || { cat "$T/once.out"; fail "a pass with nothing to do did something"; }

# --- A pass with nothing to do leaves the journal alone --------------------------
JOURNAL=$(ls "$SA"/journal-*.json)
J0=$(stat -c '%i %y' "$JOURNAL")
LAST0=$(sa status | grep 'last pass')
sleep 0.01
sa once >/dev/null || fail "a no-op once"
[ "$(stat -c '%i %y' "$JOURNAL")" = "$J0" ] || fail "a pass with nothing to do wrote the journal again"
[ "$(sa status | grep 'last pass')" != "$LAST0" ] || fail "status does not show the no-op pass's time"

# --- After its own changes, the next pass lists nothing; anyone else's change
# made meanwhile is still seen -------------------------------------------------
# The requests the server counted (every route but /metrics).
reqs() { curl -fsS "$URL/metrics" | awk '/^ruche_http_requests_total/ && !/route="\/metrics"/ {s += $NF} END {print s + 0}'; }
counted() {  # counted VAR CMD...: runs CMD, VAR gets the requests it made
  local r0 r1 v=$1; shift
  r0=$(reqs); "$@" >/dev/null || fail "$* failed"; r1=$(reqs)
  printf -v "$v" "%s" $((r1 - r0))
}
for d in 1 2 3 4 5; do
  mkdir -p "$A/Neuf/d$d/sous" && printf '%s\n' "$d" >"$A/Neuf/d$d/f.txt" && printf 's%s\n' "$d" >"$A/Neuf/d$d/sous/g.txt"
done
mkdir -p "$A/Existant" && printf 'ici\n' >"$A/Existant/e.txt"
sa once >/dev/null || fail "the upload of new folders"
counted N sa once
[ "$N" = 2 ] || fail "the pass after our own upload made $N requests, not 2 (the rights, the root)"
printf 'modifié\n' >"$A/Neuf/d3/sous/g.txt"
sa once >/dev/null || fail "an edit deep down"
counted N sa once
[ "$N" = 2 ] || fail "the pass after our own edit made $N requests, not 2"
sb once >/dev/null
rm -r "$B/Neuf/d5"
mv "$B/Neuf/d4" "$B/Neuf/d4bis"
sb once >/dev/null || fail "a deletion and a move"
counted N sb once
[ "$N" = 2 ] || fail "the pass after our own deletion and move made $N requests, not 2"
sa once >/dev/null && same_trees "$A" "$B" "A and B differ after the deletion and move"

# Someone else changes a folder this pass creates, and one it does not touch,
# while the pass uploads a large file: the pass cannot have seen either, and
# must not record an ETag that hides them.
mkdir -p "$A/Pendant"
head -c $((256 << 20)) /dev/urandom >"$A/Pendant/a-grand.bin"
printf 'après\n' >"$A/Pendant/z.txt"
EXISTANT=$(node_field /Existant id)
"$SYNC" --state "$SA" once --transfers 1 >"$T/during.out" 2>&1 &
DPID=$!
PENDANT=""
for _ in $(seq 1 2000); do
  PENDANT=$(curl -fs -H "Authorization: Bearer $TOKEN" "$URL/api/v1/workspaces/$WS/files/by-path?path=/Pendant" |
    sed -n 's/^{"id":"\([^"]*\)".*/\1/p') && [ -n "$PENDANT" ] && break
  sleep 0.002
done
api -X PUT --data-binary 'pendant' "$URL/api/v1/files/$PENDANT/children/autre.txt" >/dev/null
api -X PUT --data-binary 'à côté' "$URL/api/v1/files/$EXISTANT/children/voisin.txt" >/dev/null
kill -0 $DPID 2>/dev/null || fail "the pass ended before the other changes: they tested nothing"
wait $DPID || { cat "$T/during.out"; fail "the pass with changes made meanwhile"; }
[ ! -e "$A/Pendant/autre.txt" ] && [ ! -e "$A/Existant/voisin.txt" ] ||
  fail "the pass saw changes made after its listing: they tested nothing"
sa once >"$T/once.out" || fail "the pass after changes made meanwhile"
[ "$(cat "$A/Pendant/autre.txt" 2>/dev/null)" = pendant ] ||
  { cat "$T/once.out"; fail "a file added during our pass, in a folder it created, was missed"; }
[ "$(cat "$A/Existant/voisin.txt" 2>/dev/null)" = "à côté" ] ||
  { cat "$T/once.out"; fail "a file added during our pass, in a folder it did not touch, was missed"; }
# And just after a pass: changed right after our upload.
printf 'encore\n' >"$A/Neuf/d1/f.txt"
sa once >/dev/null
api -X PUT --data-binary 'juste après' "$URL/api/v1/files/$(node_field /Neuf/d1/sous id)/children/tard.txt" >/dev/null
sa once >/dev/null && [ "$(cat "$A/Neuf/d1/sous/tard.txt" 2>/dev/null)" = "juste après" ] ||
  fail "a file added just after our pass was missed"
counted N sa once
[ "$N" = 2 ] || fail "a pass after a download made $N requests, not 2"
rm -r "$A/Pendant" "$A/Neuf" "$A/Existant"
sa once >/dev/null && sb once >/dev/null && same_trees "$A" "$B" "A and B differ after the ETag checks"

# --- Edits, deletions, renames and moves on B go up, then down to A --------------
PLAN_ID=$(node_field "/Projets/Été 2027/plans/plan.bin" id)
ETE_ID=$(node_field "/Projets/Été 2027" id)
printf 'bonjour, modifié\n' >"$B/Projets/lisez-moi.txt"
rm "$B/racine.txt"
mv "$B/Projets/Été 2027" "$B/Projets/Été 2028"
mkdir -p "$B/Archives"
mv "$B/Projets/Été 2028/plans/plan.bin" "$B/Archives/plan final.bin"
sb once >"$T/once.out" || { cat "$T/once.out"; fail "B's changes"; }
[ "$(node_field "/Projets/Été 2028" id)" = "$ETE_ID" ] || fail "the folder's rename was not a move on the server"
[ "$(node_field "/Archives/plan final.bin" id)" = "$PLAN_ID" ] || fail "the file's move was uploaded again"
gone_remote /racine.txt || fail "the deletion did not go up"
api "$URL/api/v1/workspaces/$WS/files/trash" | holds racine.txt || fail "the deleted file is not in the trash"
sa once >"$T/once.out" || { cat "$T/once.out"; fail "A takes B's changes"; }
grep -q "moved here" "$T/once.out" || { cat "$T/once.out"; fail "A did not rename locally"; }
same_trees "$A" "$B" "A and B differ after B's changes"

# --- Changes made through the API come down -------------------------------------
api -X PUT --data-binary 'depuis le web' "$URL/api/v1/workspaces/$WS/files/children/web.txt" >/dev/null
api -X PATCH "$URL/api/v1/files/$ETE_ID" -d '{"name":"Été 2029"}' >/dev/null
api -X DELETE "$URL/api/v1/files/$(node_field /Projets/lisez-moi.txt id)" >/dev/null
sa once >/dev/null || fail "A takes the API's changes"
[ "$(cat "$A/web.txt")" = "depuis le web" ] || fail "the new file did not come down"
[ -d "$A/Projets/Été 2029" ] && [ ! -e "$A/Projets/Été 2028" ] || fail "the folder's rename did not come down"
[ ! -e "$A/Projets/lisez-moi.txt" ] || fail "the deletion did not come down"

# --- Renamed on the server, and a new file under the old name -------------------
api -X PATCH "$URL/api/v1/files/$(node_field /web.txt id)" -d '{"name":"web-renommé.txt"}' >/dev/null
api -X PUT --data-binary 'un autre' "$URL/api/v1/workspaces/$WS/files/children/web.txt" >/dev/null
INODE=$(stat -c %i "$A/web.txt")
sa once >/dev/null || fail "rename and a new file at the old name"
[ "$(cat "$A/web-renommé.txt")" = "depuis le web" ] && [ "$(stat -c %i "$A/web-renommé.txt")" = "$INODE" ] ||
  fail "the renamed file was not renamed locally"
[ "$(cat "$A/web.txt")" = "un autre" ] || fail "the new file under the old name did not come down"
api -X DELETE "$URL/api/v1/files/$(node_field /web-renommé.txt id)" >/dev/null
api -X PUT --data-binary 'depuis le web' "$URL/api/v1/workspaces/$WS/files/children/web.txt" >/dev/null
sa once >/dev/null && [ "$(cat "$A/web.txt")" = "depuis le web" ] && [ ! -e "$A/web-renommé.txt" ] ||
  fail "back to one web.txt"

# --- A folder and its siblings that sort among its contents ---------------------
# "Dossier.txt" and "Dossier x" sort between "Dossier" and "Dossier/…": the
# folder's contents are still its own when the server changes elsewhere
# (they were once taken as deleted there, and deleted here), and move with
# it.
mkdir -p "$A/Dossier/sous" "$A/Dossier x"
echo dedans >"$A/Dossier/dedans.txt"
echo profond >"$A/Dossier/sous/profond.txt"
echo à-côté >"$A/Dossier.txt"
echo voisin >"$A/Dossier x/voisin.txt"
sa once >/dev/null || fail "the folder and its siblings"
api -X PUT --data-binary 'ailleurs' "$URL/api/v1/workspaces/$WS/files/children/ailleurs.txt" >/dev/null
sa once >"$T/once.out" || { cat "$T/once.out"; fail "a server change elsewhere"; }
grep -q "deleted" "$T/once.out" && { cat "$T/once.out"; fail "a folder's contents taken as deleted"; }
[ "$(cat "$A/Dossier/dedans.txt" 2>/dev/null)" = dedans ] &&
  [ "$(cat "$A/Dossier/sous/profond.txt" 2>/dev/null)" = profond ] ||
  { cat "$T/once.out"; fail "a folder's contents deleted here"; }
mv "$A/Dossier" "$A/Dossier déplacé"
sa once >"$T/once.out" || { cat "$T/once.out"; fail "the folder's move"; }
[ "$(node_field "/Dossier déplacé/sous/profond.txt" size)" = 8 ] && gone_remote /Dossier ||
  { cat "$T/once.out"; fail "the folder did not move with its contents"; }
sa once >"$T/once.out" && grep -q "nothing to do" "$T/once.out" ||
  { cat "$T/once.out"; fail "the pass after the move did something"; }
rm -r "$A/Dossier déplacé" "$A/Dossier x" "$A/Dossier.txt" "$A/ailleurs.txt"
sa once >/dev/null && gone_remote "/Dossier déplacé" && gone_remote /Dossier.txt ||
  fail "the folder and its siblings' deletion"

# --- A folder renamed or deleted here, a file moved into it on the server -------
# Both moves are made in one pass (the file's once sought at its folder's
# old path: the process ended).
mkdir -p "$A/Boîte" && echo dedans >"$A/Boîte/dedans.txt" && echo zed >"$A/z.txt"
sa once >/dev/null || fail "a folder and a file"
api -X PATCH "$URL/api/v1/files/$(node_field /z.txt id)" -d "{\"parent_id\":\"$(node_field /Boîte id)\"}" >/dev/null
INODE=$(stat -c %i "$A/z.txt")
mv "$A/Boîte" "$A/Carton"
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "a folder renamed here, a file moved into it there"; }
[ "$(stat -c %i "$A/Carton/z.txt" 2>/dev/null)" = "$INODE" ] && [ ! -e "$A/z.txt" ] &&
  [ "$(node_field /Carton/z.txt size)" = 4 ] && gone_remote /Boîte ||
  { cat "$T/once.out"; fail "the folder's rename and the file's move"; }
# A folder deleted here, a file moved into it on the server: the folder
# comes back with that file only, the file moved (it was deleted on the
# server with the folder, and sent again as a new file by the next pass).
echo why >"$A/y.txt"
sa once >/dev/null || fail "a file"
Y=$(node_field /y.txt id)
api -X PATCH "$URL/api/v1/files/$Y" -d "{\"parent_id\":\"$(node_field /Carton id)\"}" >/dev/null
rm -r "$A/Carton"
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "a folder deleted here, a file moved into it there"; }
[ "$(node_field /Carton/y.txt id 2>/dev/null)" = "$Y" ] && gone_remote /Carton/dedans.txt &&
  [ "$(cat "$A/Carton/y.txt" 2>/dev/null)" = why ] && [ ! -e "$A/Carton/dedans.txt" ] ||
  { cat "$T/once.out"; fail "the folder did not come back with the file moved into it"; }
rm -r "$A/Carton" && sa once >/dev/null

# --- Left out here in a synced item's place: not a deletion ---------------------
# A folder replaced by a link to where its contents went (another disk), a
# file renamed to a name the server refuses (a control character in it), a
# file replaced by a FIFO: each once passed for deleted here, and was
# deleted on the server.
mkdir -p "$A/Photos" && echo photo >"$A/Photos/p.jpg"
echo café >"$A/cafe.txt"
echo tube >"$A/tube.txt"
sa once >/dev/null || fail "the files to replace"
PHOTO_ID=$(node_field /Photos/p.jpg id)
mkdir -p "$T/other-disk" && mv "$A/Photos" "$T/other-disk/Photos" && ln -s "$T/other-disk/Photos" "$A/Photos"
REFUSED=$(printf 'cafe\t.txt')
mv "$A/cafe.txt" "$A/$REFUSED"
rm "$A/tube.txt" && mkfifo "$A/tube.txt"
api -X PUT --data-binary 'du serveur' "$URL/api/v1/files/$(node_field /Photos id)/children/nouvelle.jpg" >/dev/null
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "a pass with things left out in synced items' places"; }
grep -q "deleted" "$T/once.out" && { cat "$T/once.out"; fail "something left out here was taken as deleted"; }
[ "$(node_field /Photos/p.jpg id)" = "$PHOTO_ID" ] && node /cafe.txt >/dev/null && node /tube.txt >/dev/null ||
  { cat "$T/once.out"; fail "the server lost what was replaced here"; }
[ ! -e "$T/other-disk/Photos/nouvelle.jpg" ] || fail "a download was written through a link"
sa status >"$T/status.out"
grep -q "Photos: replaced here by a symbolic link: not synced; the server's copy is kept" "$T/status.out" &&
  grep -q "cafe.txt: renamed here to a name the server refuses: $REFUSED" "$T/status.out" &&
  grep -q "tube.txt: replaced here by a special file" "$T/status.out" ||
  { cat "$T/status.out"; fail "status does not say what is kept"; }
# Put back: nothing lost, nothing sent again, the server's new file comes down.
rm "$A/Photos" && mv "$T/other-disk/Photos" "$A/Photos"
mv "$A/$REFUSED" "$A/cafe.txt"
rm "$A/tube.txt" && echo tube >"$A/tube.txt"
sa once >"$T/once.out" || { cat "$T/once.out"; fail "the pass once things were put back"; }
[ "$(cat "$A/Photos/nouvelle.jpg" 2>/dev/null)" = "du serveur" ] && [ "$(cat "$A/Photos/p.jpg")" = photo ] ||
  { cat "$T/once.out"; fail "the folder put back did not sync again"; }
grep -q "deleted\|up:\|conflict\|moved" "$T/once.out" && { cat "$T/once.out"; fail "putting things back changed the server"; }
[ "$(node_field /Photos/p.jpg id)" = "$PHOTO_ID" ] || fail "the folder put back was sent again"
rm -r "$A/Photos" "$A/cafe.txt" "$A/tube.txt" && sa once >/dev/null || fail "the left-out checks' cleanup"

# --- Names here not in NFC (NFD, as macOS makes them): synced under their NFC form
# The server gets the NFC names; the local names stay as they are: the
# server's changes come into the folder named in NFD (no second folder in
# NFC appears beside it), local edits, renames and deletions go up, a rename
# on the server renames here. Two names with the same NFC form side by side:
# the one in NFC is synced, the other left out, neither deleted nor written
# over.
EQ_NFD=$(printf 'E\xcc\x81quipe') EQ_NFC=$(printf '\xc3\x89quipe')
RES_NFD=$(printf 're\xcc\x81sume\xcc\x81.txt') RES_NFC=$(printf 'r\xc3\xa9sum\xc3\xa9.txt')
mkdir -p "$A/$EQ_NFD/sous"
printf 'résumé\n' >"$A/$EQ_NFD/$RES_NFD"
printf 'ordre\n' >"$A/$EQ_NFD/sous/ordre du jour.txt"
ETE_NFD=$(printf 'E\xcc\x81te\xcc\x81.txt') ETE_NFC=$(printf '\xc3\x89t\xc3\xa9.txt')
printf 'été\n' >"$A/$EQ_NFD/sous/$ETE_NFD"
printf 'seul\n' >"$A/$RES_NFD"
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "names in NFD"; }
[ "$(node_field "/$EQ_NFC/$RES_NFC" size 2>/dev/null)" = 9 ] &&
  [ "$(node_field "/$EQ_NFC/sous/ordre du jour.txt" size 2>/dev/null)" = 6 ] &&
  [ "$(node_field "/$RES_NFC" size 2>/dev/null)" = 5 ] ||
  { cat "$T/once.out"; fail "a folder and files named in NFD did not go up under their NFC names"; }
[ -f "$A/$EQ_NFD/$RES_NFD" ] && [ -f "$A/$RES_NFD" ] && [ ! -e "$A/$EQ_NFC" ] && [ ! -e "$A/$RES_NFC" ] ||
  fail "the local names in NFD were changed"
sa once >"$T/once.out" && grep -q "nothing to do" "$T/once.out" ||
  { cat "$T/once.out"; fail "the pass after names in NFD went up did something"; }
sb once >/dev/null || fail "B takes names sent in NFD"
[ "$(cat "$B/$EQ_NFC/$RES_NFC" 2>/dev/null)" = résumé ] && [ "$(cat "$B/$RES_NFC" 2>/dev/null)" = seul ] &&
  [ ! -e "$B/$EQ_NFD" ] || { ls -R "$B" | head -50; fail "B did not get the names in NFC"; }
# The server's changes come into the folder named in NFD.
api -X PUT --data-binary 'résumé, du serveur' "$URL/api/v1/files/$(node_field "/$EQ_NFC/$RES_NFC" id)/content" >/dev/null
api -X PUT --data-binary 'nouveau' "$URL/api/v1/files/$(node_field "/$EQ_NFC/sous" id)/children/nouveau.txt" >/dev/null
INODE=$(stat -c %i "$A/$RES_NFD")
api -X PATCH "$URL/api/v1/files/$(node_field "/$RES_NFC" id)" -d '{"name":"résumé seul.txt"}' >/dev/null
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "the server's changes to names in NFD"; }
[ "$(cat "$A/$EQ_NFD/$RES_NFD" 2>/dev/null)" = "résumé, du serveur" ] &&
  [ "$(cat "$A/$EQ_NFD/sous/nouveau.txt" 2>/dev/null)" = nouveau ] ||
  { cat "$T/once.out"; ls -R "$A"; fail "the server's changes did not come into the folder named in NFD"; }
[ ! -e "$A/$EQ_NFC" ] && [ ! -e "$A/$EQ_NFD/$RES_NFC" ] ||
  { cat "$T/once.out"; fail "a second folder or file, in NFC, appeared beside the one in NFD"; }
# (Its inode alone does not tell: a file deleted and fetched again may get it.)
[ "$(stat -c %i "$A/résumé seul.txt" 2>/dev/null)" = "$INODE" ] && [ ! -e "$A/$RES_NFD" ] &&
  grep -q "moved here: $RES_NFC -> résumé seul.txt" "$T/once.out" && ! grep -q "error\|deleted here" "$T/once.out" ||
  { cat "$T/once.out"; fail "a file named in NFD renamed on the server was not renamed here"; }
grep -q "conflict\|up:" "$T/once.out" && { cat "$T/once.out"; fail "the server's changes went back up"; }
# Local edits, a rename and a deletion in the folder named in NFD go up.
printf 'ordre, modifié\n' >"$A/$EQ_NFD/sous/ordre du jour.txt"
RES_ID=$(node_field "/$EQ_NFC/$RES_NFC" id)
mv "$A/$EQ_NFD/$RES_NFD" "$A/$EQ_NFD/cv.txt"
rm "$A/$EQ_NFD/sous/nouveau.txt"
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "local changes in a folder named in NFD"; }
[ "$(api "$URL/api/v1/files/$(node_field "/$EQ_NFC/sous/ordre du jour.txt" id)/content")" = "ordre, modifié" ] ||
  { cat "$T/once.out"; fail "a local edit in a folder named in NFD did not go up"; }
[ "$(node_field "/$EQ_NFC/cv.txt" id 2>/dev/null)" = "$RES_ID" ] && gone_remote "/$EQ_NFC/$RES_NFC" ||
  { cat "$T/once.out"; fail "a file named in NFD renamed here was not moved on the server"; }
gone_remote "/$EQ_NFC/sous/nouveau.txt" || { cat "$T/once.out"; fail "a local deletion in a folder named in NFD did not go up"; }
sb once >/dev/null && [ "$(cat "$B/$EQ_NFC/sous/ordre du jour.txt")" = "ordre, modifié" ] && [ -f "$B/$EQ_NFC/cv.txt" ] ||
  fail "B did not take the changes made in the folder named in NFD"
# Renamed on the server while a file named in NFD in it is edited there:
# the folder is renamed here, the file keeps its name in it and is written.
api -X PATCH "$URL/api/v1/files/$(node_field "/$EQ_NFC" id)" -d '{"name":"Équipe renommée"}' >/dev/null
api -X PUT --data-binary 'été, du serveur' \
  "$URL/api/v1/files/$(node_field "/Équipe renommée/sous/$ETE_NFC" id)/content" >/dev/null
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "a folder named in NFD renamed on the server"; }
[ "$(cat "$A/Équipe renommée/sous/$ETE_NFD" 2>/dev/null)" = "été, du serveur" ] && [ ! -e "$A/$EQ_NFD" ] &&
  [ ! -e "$A/Équipe renommée/sous/$ETE_NFC" ] && ! grep -q "error" "$T/once.out" ||
  { cat "$T/once.out"; ls -R "$A"; fail "a folder named in NFD renamed on the server, a file in it edited there"; }
# The folder deleted here: deleted on the server.
rm -r "$A/Équipe renommée"
sa once >"$T/once.out" 2>&1 && gone_remote "/Équipe renommée" || { cat "$T/once.out"; fail "a folder deleted here"; }
# Two names with the same NFC form: the one in NFC is synced, the other
# left out; the server's edit goes onto the one in NFC; neither is deleted.
E_NFC=$(printf '\xc3\xa9.txt') E_NFD=$(printf 'e\xcc\x81.txt')
printf 'nfd\n' >"$A/$E_NFD"
printf 'nfc\n' >"$A/$E_NFC"
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "two names with the same NFC form"; }
[ "$(api "$URL/api/v1/files/$(node_field "/$E_NFC" id)/content")" = nfc ] ||
  { cat "$T/once.out"; fail "the name in NFC was not the one synced"; }
sa status | holds "$E_NFD: same name as $E_NFC" || { sa status; fail "status does not say which name is left out"; }
api -X PUT --data-binary 'du serveur' "$URL/api/v1/files/$(node_field "/$E_NFC" id)/content" >/dev/null
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "a server edit beside two names with the same NFC form"; }
[ "$(cat "$A/$E_NFC")" = "du serveur" ] && [ "$(cat "$A/$E_NFD")" = nfd ] ||
  { cat "$T/once.out"; fail "the server's edit did not go onto the name in NFC only"; }
grep -q "deleted" "$T/once.out" && { cat "$T/once.out"; fail "a name with the same NFC form was taken as deleted"; }
rm "$A/$E_NFC" "$A/$E_NFD" "$A/résumé seul.txt"
sa once >/dev/null && sb once >/dev/null && gone_remote "/$E_NFC" || fail "the NFD checks' cleanup"
# Folders named in NFD three deep (a download into the deepest goes through
# each one's own name), one moved into another on the server, a conflict
# on a file named in NFD in them: no second name in NFC appears beside
# any, the conflict's two versions are kept, and the next pass is quiet.
P_NFD=$(printf 'Pe\xcc\x80re') P_NFC=$(printf 'P\xc3\xa8re')
F_NFD=$(printf 'Fi\xcc\x88ls') F_NFC=$(printf 'F\xc3\xafls')
N_NFD=$(printf 'Ne\xcc\x82veu') N_NFC=$(printf 'N\xc3\xaaveu')
M_NFD=$(printf 'Me\xcc\x80re') M_NFC=$(printf 'M\xc3\xa8re')
mkdir -p "$A/$P_NFD/$F_NFD/$N_NFD" "$A/$M_NFD"
printf 'mien\n' >"$A/$P_NFD/$F_NFD/$N_NFD/$ETE_NFD"
printf 'mère\n' >"$A/$M_NFD/$RES_NFD"
sa once >"$T/once.out" 2>&1 && sb once >/dev/null || { cat "$T/once.out"; fail "folders in NFD three deep"; }
api -X PUT --data-binary 'profond' \
  "$URL/api/v1/files/$(node_field "/$P_NFC/$F_NFC/$N_NFC" id)/children/profond.txt" >/dev/null
api -X PATCH "$URL/api/v1/files/$(node_field "/$M_NFC" id)" -d "{\"parent_id\":\"$(node_field "/$P_NFC/$F_NFC" id)\"}" >/dev/null
api -X PUT --data-binary 'du serveur' \
  "$URL/api/v1/files/$(node_field "/$P_NFC/$F_NFC/$N_NFC/$ETE_NFC" id)/content" >/dev/null
printf 'mien, modifié\n' >"$A/$P_NFD/$F_NFD/$N_NFD/$ETE_NFD"
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "the server's changes three folders deep in NFD"; }
D="$A/$P_NFD/$F_NFD"
[ "$(cat "$D/$N_NFD/profond.txt" 2>/dev/null)" = profond ] &&
  [ "$(cat "$D/$M_NFC/$RES_NFD" 2>/dev/null)" = mère ] && [ ! -e "$A/$M_NFD" ] &&
  [ "$(cat "$D/$N_NFD/$ETE_NFD" 2>/dev/null)" = "du serveur" ] ||
  { cat "$T/once.out"; ls -R "$A"; fail "the server's changes did not come into the folders named in NFD"; }
[ ! -e "$A/$P_NFC" ] && [ ! -e "$D/../$F_NFC" ] && [ ! -e "$D/$N_NFC" ] && [ ! -e "$D/$N_NFD/$ETE_NFC" ] ||
  { cat "$T/once.out"; ls -R "$A"; fail "a second name in NFC appeared beside one in NFD"; }
COPY=$(ls "$D/$N_NFD" | grep 'conflict ' || true)
[ -n "$COPY" ] && [ "$(cat "$D/$N_NFD/$COPY")" = "mien, modifié" ] &&
  [ "$(api "$URL/api/v1/files/$(node_field "/$P_NFC/$F_NFC/$N_NFC/$COPY" id)/content")" = "mien, modifié" ] ||
  { cat "$T/once.out"; ls -R "$A"; fail "the conflict on a file named in NFD did not keep both versions ($COPY)"; }
sa once >"$T/once.out" 2>&1 && grep -q "nothing to do" "$T/once.out" ||
  { cat "$T/once.out"; fail "the pass after the changes in folders named in NFD did something"; }
# Moved here, an NFD folder into another: moved on the server, the same node.
M_ID=$(node_field "/$P_NFC/$F_NFC/$M_NFC" id)
mv "$D/$M_NFC" "$D/$N_NFD/$M_NFD"
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "an NFD folder moved into another here"; }
[ "$(node_field "/$P_NFC/$F_NFC/$N_NFC/$M_NFC" id 2>/dev/null)" = "$M_ID" ] ||
  { cat "$T/once.out"; fail "an NFD folder moved into another here was not moved on the server"; }
sb once >/dev/null && [ "$(cat "$B/$P_NFC/$F_NFC/$N_NFC/$M_NFC/$RES_NFC")" = mère ] ||
  fail "B did not take the NFD folders' changes"
rm -r "$A/$P_NFD"
sa once >/dev/null && sb once >/dev/null && gone_remote "/$P_NFC" || fail "the NFD folders' cleanup"
# What is left out in a folder the server renames moves with it: a folder
# replaced here by a link, and one in NFD that a twin in NFC took the place
# of (its files unread), beneath a folder renamed on the server, were once
# taken as deleted here at their new paths, and deleted on the server.
mkdir -p "$A/Armoire/Lien" "$A/Armoire/$EQ_NFD"
echo lien >"$A/Armoire/Lien/l.txt"
echo jumeau >"$A/Armoire/$EQ_NFD/j.txt"
sa once >/dev/null || fail "the folders to leave out"
mkdir -p "$T/other-disk" && mv "$A/Armoire/Lien" "$T/other-disk/Lien" && ln -s "$T/other-disk/Lien" "$A/Armoire/Lien"
mkdir "$A/Armoire/$EQ_NFC"
api -X PATCH "$URL/api/v1/files/$(node_field /Armoire id)" -d '{"name":"Placard"}' >/dev/null
sa once >"$T/once.out" 2>&1 || { cat "$T/once.out"; fail "a folder renamed on the server, things left out in it"; }
[ -L "$A/Placard/Lien" ] && [ -d "$A/Placard/$EQ_NFD" ] || { cat "$T/once.out"; ls -R "$A"; fail "the folder was not renamed here"; }
node /Placard/Lien/l.txt >/dev/null && node "/Placard/$EQ_NFC/j.txt" >/dev/null ||
  { cat "$T/once.out"; fail "what is left out in a folder renamed on the server was deleted there"; }
rm "$A/Placard/Lien" && mv "$T/other-disk/Lien" "$A/Placard/Lien" && rmdir "$A/Placard/$EQ_NFC"
sa once >"$T/once.out" 2>&1 && [ "$(cat "$A/Placard/Lien/l.txt")" = lien ] && [ "$(cat "$A/Placard/$EQ_NFD/j.txt")" = jumeau ] ||
  { cat "$T/once.out"; fail "the folders put back beneath the renamed one"; }
grep -q "deleted\|up:\|conflict" "$T/once.out" && { cat "$T/once.out"; fail "putting back beneath the renamed folder changed the server"; }
rm -r "$A/Placard" && sa once >/dev/null && sb once >/dev/null && gone_remote /Placard || fail "the renamed folder's cleanup"
same_trees "$A" "$B" "A and B differ after the NFD checks"

# --- A conflict keeps both versions on both sides -------------------------------
sb once >/dev/null
printf 'version A\n' >"$A/web.txt"
printf 'version B\n' >"$B/web.txt"
sa once >/dev/null || fail "A's edit"
sb once >"$T/once.out" || { cat "$T/once.out"; fail "B's conflicting edit"; }
[ "$(cat "$B/web.txt")" = "version A" ] || fail "the server's version does not keep the name"
COPY=$(ls "$B" | grep '^web (conflict ' || true)
[ -n "$COPY" ] && [ "$(cat "$B/$COPY")" = "version B" ] || fail "the local version was not kept aside ($COPY)"
sa once >/dev/null
[ "$(cat "$A/$COPY")" = "version B" ] || fail "the conflict copy did not reach A"
same_trees "$A" "$B" "A and B differ after the conflict"

# --- Deleted on one side, edited on the other: the edit wins --------------------
rm "$A/web.txt"
printf 'edited on B\n' >"$B/web.txt"
sb once >/dev/null && sa once >/dev/null || fail "delete versus edit"
[ "$(cat "$A/web.txt")" = "edited on B" ] || fail "the edit did not win over the deletion"

# --- A folder deleted on one side whose contents changed on the other ------------
mkdir -p "$A/Partagé" && printf 'un\n' >"$A/Partagé/un.txt" && printf 'deux\n' >"$A/Partagé/deux.txt"
sa once >/dev/null && sb once >/dev/null
rm -r "$B/Partagé"
printf 'un, modifié\n' >"$A/Partagé/un.txt"
sa once >/dev/null && sb once >/dev/null && sa once >/dev/null || fail "folder delete versus edit"
[ "$(cat "$B/Partagé/un.txt")" = "un, modifié" ] || fail "the edited file did not come back"
[ ! -e "$A/Partagé/deux.txt" ] || fail "the unchanged file was not deleted"
same_trees "$A" "$B" "A and B differ after the folder's deletion"

# --- An emptied folder does not empty the server (a disk not mounted) ------------
mv "$A" "$A.away" && mkdir "$A"
if sa once 2>"$T/x.err"; then fail "an empty local folder deleted the server's files"; fi
grep -q "allow-delete-all" "$T/x.err" || fail "the guard does not say how to go on: $(cat "$T/x.err")"
node_field /web.txt kind >/dev/null || fail "the server lost files to an empty folder"
rmdir "$A" && mv "$A.away" "$A"
sa once >"$T/once.out" || fail "once after the folder came back"
grep -q "nothing to do" "$T/once.out" || { cat "$T/once.out"; fail "the folder's return changed something"; }

# --- A large file goes up and down in bounded memory ----------------------------
head -c $((160 << 20)) /dev/urandom >"$A/grand.bin"
peak() {  # peak RSS (KiB) of the command, sampled while it runs
  "$@" >/dev/null & local pid=$! hwm=0 v
  while kill -0 $pid 2>/dev/null; do
    v=$(awk '/^VmHWM:/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0); [ "${v:-0}" -gt "$hwm" ] && hwm=$v
    sleep 0.05
  done
  wait $pid || return 1
  echo "$hwm"
}
UP=$(peak "$SYNC" --state "$SA" once) || fail "the large upload"
DOWN=$(peak "$SYNC" --state "$SB" once) || fail "the large download"
cmp "$A/grand.bin" "$B/grand.bin" || fail "the large file differs after the round trip"
echo "large file: 160 MiB, peak RSS up ${UP} KiB, down ${DOWN} KiB"
[ "$UP" -lt 65536 ] && [ "$DOWN" -lt 65536 ] || fail "ruche-sync held the file in memory (${UP}/${DOWN} KiB)"
[ -z "$(ls -A "$B/.ruche-sync" 2>/dev/null)" ] || fail "a download left a temporary file"
# Stopped (run, SIGTERM) in the middle of a download, with more to fetch
# after it into folders the pass had reached (one it made, one it did
# not): those are fetched later, not taken as synced (their ETags were once
# recorded before their files came down, and the next passes fetched
# nothing there).
head -c $((128 << 20)) /dev/urandom >"$A/grand2.bin"
mkdir -p "$A/suite" && printf 'après\n' >"$A/suite/après.txt" && printf 'ajout\n' >"$A/vide/ajout.txt"
sa once >/dev/null
"$SYNC" --state "$SB" run --no-push --interval 3600 --transfers 1 >"$T/stopped.out" 2>&1 &
KPID=$!
SEEN=""
for _ in $(seq 1 1000); do [ -n "$(ls -A "$B/.ruche-sync" 2>/dev/null)" ] && SEEN=1 && break; sleep 0.005; done
kill -TERM $KPID
wait $KPID || fail "run stopped during a download: $(cat "$T/stopped.out")"
[ -n "$SEEN" ] || fail "the download was never seen in progress: the stop tested nothing"
[ ! -e "$B/suite/après.txt" ] && [ ! -e "$B/vide/ajout.txt" ] ||
  fail "the stopped pass fetched what came after its large file: it tested nothing"
# Killed in the middle of a download: no partial file shows, and the next
# pass completes it and clears what the killed one left.
"$SYNC" --state "$SB" once >/dev/null &
KPID=$!
SEEN=""
for _ in $(seq 1 1000); do [ -n "$(ls -A "$B/.ruche-sync" 2>/dev/null)" ] && SEEN=1 && break; sleep 0.005; done
kill -9 $KPID 2>/dev/null || true
[ -n "$SEEN" ] || fail "the download was never seen in progress: the kill tested nothing"
wait $KPID 2>/dev/null || true
if [ -e "$B/grand2.bin" ]; then cmp -s "$A/grand2.bin" "$B/grand2.bin" || fail "a partial download is visible"; fi
sb once >/dev/null || fail "the pass after a killed one"
cmp "$A/grand2.bin" "$B/grand2.bin" || fail "the download after a kill differs"
[ "$(cat "$B/suite/après.txt" 2>/dev/null)" = après ] && [ "$(cat "$B/vide/ajout.txt" 2>/dev/null)" = ajout ] ||
  fail "what a stopped pass had left to fetch never came"
[ -z "$(ls -A "$B/.ruche-sync" 2>/dev/null)" ] || fail "the killed download's temporary file stayed"
rm -r "$A/grand.bin" "$A/grand2.bin" "$A/suite" "$A/vide/ajout.txt" && sa once >/dev/null && sb once >/dev/null

# --- A read-only member: changes come down, local ones stay local ---------------
READER=reader@example.org
echo "$PASSWORD" | "$RUCHE" user add --data "$T/data" --email "$READER" --name Reader >/dev/null
INVITE=$(api -X POST "$URL/api/v1/workspaces/$WS/invitations" -d "{\"email\":\"$READER\",\"role\":\"member\"}" | jq_ "d['token']")
RTOKEN=$(curl -fsS -X POST "$URL/api/v1/auth/login" -d "{\"email\":\"$READER\",\"password\":\"$PASSWORD\"}" | jq_ "d['token']")
RID=$(curl -fsS -X POST "$URL/api/v1/invitations/$INVITE/accept" -H "Authorization: Bearer $RTOKEN" | jq_ "d['user']['id']")
api -X PATCH "$URL/api/v1/workspaces/$WS/members/$RID" -d '{"rights":{"files":"read"}}' >/dev/null
R="$T/reader" SR="$T/state-r"
echo "$PASSWORD" | "$SYNC" --state "$SR" login "$URL" --email "$READER" >/dev/null
"$SYNC" --state "$SR" add "$WS" "$R" | holds "read only" || fail "add does not say read only"
"$SYNC" --state "$SR" once >/dev/null || fail "the reader's first once"
same_trees "$A" "$R" "the reader's tree differs"
printf 'local only\n' >"$R/mine.txt"
"$SYNC" --state "$SR" once >/dev/null || fail "a read-only pass with a local file"
gone_remote /mine.txt || fail "a reader's file went up"
"$SYNC" --state "$SR" status | holds "mine.txt: read only" || fail "status does not say the file stays local"

# --- run: follows both sides until SIGTERM -------------------------------------
"$SYNC" --state "$SB" --quiet run --interval 1 >"$T/run.out" 2>&1 &
RUNPID=$!
wait_for() { for _ in $(seq 1 150); do eval "$1" && return 0; sleep 0.2; done; fail "$2"; }
wait_for 'grep -q "until stopped" "$T/run.out"' "run did not start: $(cat "$T/run.out")"
sb once 2>/dev/null && fail "once ran beside run on the same state"
printf 'en direct\n' >"$B/direct.txt"
wait_for 'node /direct.txt >/dev/null 2>&1' "run did not send a local change"
api -X PUT --data-binary 'du serveur' "$URL/api/v1/workspaces/$WS/files/children/serveur.txt" >/dev/null
wait_for '[ "$(cat "$B/serveur.txt" 2>/dev/null)" = "du serveur" ]' "run did not fetch a server change"
sb status | holds "in use" || fail "status does not see run"
# The server goes away and comes back (same address): run waits and catches up.
stop_server
printf 'hors ligne\n' >"$B/hors-ligne.txt"
sleep 2
kill -0 $RUNPID 2>/dev/null || fail "run ended when the server went away: $(cat "$T/run.out")"
LISTEN=${URL#http://} start_server "$RUCHE"
wait_for 'node /hors-ligne.txt >/dev/null 2>&1' "run did not catch up once the server was back"
kill -TERM $RUNPID
for _ in $(seq 1 100); do kill -0 $RUNPID 2>/dev/null || break; sleep 0.1; done
kill -0 $RUNPID 2>/dev/null && fail "run did not stop on SIGTERM"
wait $RUNPID || fail "run exited non-zero: $(cat "$T/run.out")"

# --- run hears the server's changes at once (its live events connection) -------
# --interval 3600: without the live connection, a change made on the server
# would wait for the periodic pass (5 minutes); these waits are 60 s.
# --transfers 1: the long pass below sends its two large files one by one.
"$SYNC" --state "$SB" run --interval 3600 --transfers 1 >"$T/push.out" 2>&1 &
RUNPID=$!
wait_long() { for _ in $(seq 1 300); do eval "$1" && return 0; sleep 0.2; done; fail "$2"; }
wait_long 'grep -q " <-> " "$T/push.out"' "run's first pass did not end: $(cat "$T/push.out" 2>/dev/null)"
api -X PUT --data-binary 'poussé' "$URL/api/v1/workspaces/$WS/files/children/poussé.txt" >/dev/null
wait_long '[ "$(cat "$B/poussé.txt" 2>/dev/null)" = "poussé" ]' \
  "run did not hear of a file uploaded on the server: $(cat "$T/push.out")"
api -X DELETE "$URL/api/v1/files/$(node_field /poussé.txt id)" >/dev/null
wait_long '[ ! -e "$B/poussé.txt" ]' "run did not hear of a file deleted on the server: $(cat "$T/push.out")"
# The events of its own upload start no pass (it recorded the ETags they
# left): no pass between that upload and the next change from elsewhere.
printf 'local\n' >"$B/envoyé.txt"
wait_long 'node /envoyé.txt >/dev/null 2>&1' "run did not send a local change"
sleep 2  # the upload's events arrive meanwhile
api -X PUT --data-binary 'ensuite' "$URL/api/v1/workspaces/$WS/files/children/ensuite.txt" >/dev/null
wait_long '[ -e "$B/ensuite.txt" ]' "run did not hear of a file uploaded after its own"
awk '/up: envoyé.txt/ {up = 1} /down: ensuite.txt/ {up = 0} up && /nothing to do/ {bad = 1} END {exit bad}' \
  "$T/push.out" || { cat "$T/push.out"; fail "the events of run's own upload started a pass"; }
# And once nothing changes, no pass starts another.
sleep 3
LINES=$(wc -l <"$T/push.out")
sleep 3
[ "$(wc -l <"$T/push.out")" = "$LINES" ] || { cat "$T/push.out"; fail "run keeps making passes with nothing to do"; }
# Nor do its own writes here (its watches hear them, but each path holds
# what the pass left there): a folder and a file from the server come
# down, a file goes, and no pass follows. An edit made right after still
# goes up.
passes() { grep -c " <-> " "$T/push.out"; }
pass_ended() {  # pass_ended LINE...: run printed each LINE, then a pass's summary line
  awk 'BEGIN {for (i = 1; i < ARGC; i++) {want[ARGV[i]] = 1; n++}; ARGC = 1}
    {for (l in want) if (!(l in seen) && index($0, l)) {seen[l] = 1; k++}}
    / <-> / && k == n {ok = 1}
    END {exit !ok}' "$@" <"$T/push.out"
}
DESC=$(api -X POST "$URL/api/v1/workspaces/$WS/files/folders" -d '{"name":"Descendu"}' | jq_ "d['id']")
api -X PUT --data-binary 'descendu' "$URL/api/v1/files/$DESC/children/fichier.txt" >/dev/null
api -X DELETE "$URL/api/v1/files/$(node_field /ensuite.txt id)" >/dev/null
wait_long 'pass_ended "folder here: Descendu" "down: Descendu/fichier.txt" "deleted here: ensuite.txt"' \
  "run did not take the server's folder, file and deletion: $(cat "$T/push.out")"
N=$(passes)
sleep 3
[ "$(passes)" = "$N" ] || { cat "$T/push.out"; fail "run's own downloads and deletion started another pass"; }
printf ', modifié ici' >>"$B/Descendu/fichier.txt"
wait_long '[ "$(api "$URL/api/v1/files/$(node_field /Descendu/fichier.txt id)/content")" = "descendu, modifié ici" ]' \
  "run did not send an edit made after its download: $(cat "$T/push.out")"
api -X PUT --data-binary 'à corriger' "$URL/api/v1/workspaces/$WS/files/children/tout-de-suite.txt" >/dev/null
wait_long 'pass_ended "down: tout-de-suite.txt"' "run did not fetch a server file: $(cat "$T/push.out")"
printf 'corrigé\n' >"$B/tout-de-suite.txt"  # at once: while run judges what it heard, or just after
wait_long '[ "$(api "$URL/api/v1/files/$(node_field /tout-de-suite.txt id)/content")" = "corrigé" ]' \
  "run did not send an edit made as its pass ended: $(cat "$T/push.out")"
# A pass goes on hearing the server: a file added on the server while run
# sends two large ones (after that pass listed the server; its event most
# likely heard during the second) comes down once the pass ends, not at
# the periodic pass; the connection is kept.
mkdir "$T/Long"
head -c $((192 << 20)) /dev/urandom >"$T/Long/a-grand.bin"
head -c $((192 << 20)) /dev/urandom >"$T/Long/b-grand.bin"
mv "$T/Long" "$B/Long"  # one rename: the pass starts with whole files
for _ in $(seq 1 5000); do node /Long >/dev/null 2>&1 && break; sleep 0.002; done
node /Long >/dev/null 2>&1 || fail "run's pass did not create the folder: $(cat "$T/push.out")"
api -X PUT --data-binary 'pendant la passe' "$URL/api/v1/workspaces/$WS/files/children/pendant-passe.txt" >/dev/null
grep -q "up: Long/b-grand.bin" "$T/push.out" && fail "the large uploads ended before the server's change: it tested nothing"
wait_long '[ "$(cat "$B/pendant-passe.txt" 2>/dev/null)" = "pendant la passe" ]' \
  "run did not take a server change made during its pass: $(cat "$T/push.out")"
grep -q "up: Long/b-grand.bin" "$T/push.out" || { cat "$T/push.out"; fail "the large uploads"; }
[ "$(grep -c "hearing the server's changes live" "$T/push.out")" = 1 ] ||
  { cat "$T/push.out"; fail "run made its live connection again"; }
rm -r "$B/Long"
wait_long 'gone_remote /Long' "run did not send the large files' deletion"
kill -TERM $RUNPID
for _ in $(seq 1 100); do kill -0 $RUNPID 2>/dev/null || break; sleep 0.1; done
kill -0 $RUNPID 2>/dev/null && fail "run with a live connection did not stop on SIGTERM"
wait $RUNPID || fail "run exited non-zero: $(cat "$T/push.out")"
# Where the journal keeps a path while something left out here is in its
# place (a link where the server has a file), the pass leaves the root's
# ETag unrecorded, so that each pass looks again; but while nothing
# changes, run (polling here: no live connection) makes no pass, and it
# still hears a change on the server.
api -X PUT --data-binary 'sur le serveur' "$URL/api/v1/workspaces/$WS/files/children/lien-ici.txt" >/dev/null
ln -s /etc/hostname "$B/lien-ici.txt"
"$SYNC" --state "$SB" run --no-push --interval 1 >"$T/kept.out" 2>&1 &
RUNPID=$!
wait_long 'grep -q " <-> " "$T/kept.out"' "run's first pass did not end: $(cat "$T/kept.out" 2>/dev/null)"
sleep 3
[ "$(grep -c " <-> " "$T/kept.out")" = 1 ] ||
  { cat "$T/kept.out"; fail "run polls a pass every --interval while a link here keeps a server file"; }
api -X PUT --data-binary 'ensuite' "$URL/api/v1/workspaces/$WS/files/children/après-lien.txt" >/dev/null
wait_long '[ -e "$B/après-lien.txt" ]' "run did not hear a server change beside a kept path: $(cat "$T/kept.out")"
rm "$B/lien-ici.txt"
wait_long '[ -f "$B/lien-ici.txt" ] && [ ! -L "$B/lien-ici.txt" ]' \
  "run did not fetch a file once the link in its place went: $(cat "$T/kept.out")"
# A burst of local writes (a file every tenth of a second for a second and a
# half, as a copy of many files) is given a quiet half-second to settle, up
# to five seconds: one pass sends it all (two allowed, should this shell be
# held half a second between two writes on a busy machine; the wait bounded
# by wakeups made three).
sleep 1
N=$(grep -c " <-> " "$T/kept.out")
for i in $(seq 1 15); do printf '%s\n' "$i" >"$B/rafale-$i.txt"; sleep 0.1; done
wait_long 'grep -q "up: rafale-15.txt" "$T/kept.out" && [ "$(grep -c " <-> " "$T/kept.out")" -gt "$N" ]' \
  "run did not send a burst of writes: $(cat "$T/kept.out")"
sleep 1
[ "$(grep -c " <-> " "$T/kept.out")" -le $((N + 2)) ] ||
  { cat "$T/kept.out"; fail "run passed in the middle of a burst of writes"; }
kill -TERM $RUNPID
wait $RUNPID || fail "run exited non-zero: $(cat "$T/kept.out")"
# A pass that cannot converge (a file here where the server has a folder)
# is tried again after 5 s, then 10, doubling: not at every --interval (it
# was, for as long as the conflict stayed). Once the file goes, run hears
# it at once and syncs the folder.
api -X POST "$URL/api/v1/workspaces/$WS/files/folders" -d '{"name":"mixte"}' >/dev/null
printf 'un fichier\n' >"$B/mixte"
"$SYNC" --state "$SB" run --no-push --interval 1 >"$T/retry.out" 2>&1 &
RUNPID=$!
wait_long 'grep -q "not converged" "$T/retry.out"' "the conflict did not fail the pass: $(cat "$T/retry.out")"
sleep 8
[ "$(grep -c " <-> " "$T/retry.out")" -le 3 ] ||
  { cat "$T/retry.out"; fail "run retried a failing pass at every --interval"; }
rm "$B/mixte"
wait_long '[ -d "$B/mixte" ]' "run did not sync the folder once the file in its place went: $(cat "$T/retry.out")"
kill -TERM $RUNPID
wait $RUNPID || fail "run exited non-zero: $(cat "$T/retry.out")"
# Its app token revoked, run hears it at once too (the server closes the
# connection) and ends, status 1, saying so.
"$SYNC" --state "$SB" run --interval 3600 >"$T/revoked.out" 2>&1 &
RUNPID=$!
wait_long 'grep -q "hearing the server" "$T/revoked.out"' "run did not connect: $(cat "$T/revoked.out" 2>/dev/null)"
api -X DELETE "$URL/api/v1/me/sessions/$(python3 -c "import json; print(json.load(open('$SB/account.json'))['token_id'])")" >/dev/null
wait_long '! kill -0 $RUNPID 2>/dev/null' "run did not end when its app token was revoked"
if wait $RUNPID; then fail "run exited 0 with its app token revoked"; fi
grep -q "no longer works" "$T/revoked.out" || fail "run did not say why it ended: $(cat "$T/revoked.out")"

# --- status and logout --------------------------------------------------------
sa once >/dev/null
sa status | holds "in sync" || fail "status after a converged pass: $(sa status)"
APPA=$(python3 -c "import json; print(json.load(open('$SA/account.json'))['token'])")
sa logout >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $APPA" "$URL/api/v1/me")
[ "$code" = 401 ] || fail "the app token still works after logout ($code)"
sa once 2>/dev/null && fail "once after logout succeeded"
echo "ruche-sync: every scenario passed"
