#!/usr/bin/env python3
"""Calls through a real Janus: the server's side of the SFU, with SDP offers
written here (no browser: tests/e2e/calls_sfu.sh has those). Run by
tests/calls_janus.sh, in the network namespace it makes.

    calls_janus.py URL EMAIL PASSWORD DATA_DIR JANUS_URL JANUS_CONTROL JANUS2_URL

JANUS_CONTROL is a command taking "stop" or "start" and the Janus's number
(1 or 2: restarted under the server's feet). The server is configured with
both Janus, in that order.
"""
import glob
import json
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

URL, EMAIL, PASSWORD, DATA, JANUS, CONTROL, JANUS2 = sys.argv[1:8]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def request(method, path, token=None, body=None, base=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request((base or URL + "/api/v1") + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")


def expect(got, status, what):
    if got[0] != status:
        fail(f"{what}: {got[0]} (expected {status}): {got[1]}")
    return got[1]


def reason(got):
    body = got[1] if isinstance(got[1], dict) else {}
    err = body.get("error", body)
    return err.get("code") if isinstance(err, dict) else err


def offer(audio=True, video=True):
    """A browser's offer to send: ICE credentials, a DTLS fingerprint, Opus
    and VP8, send only. Janus answers it without the media ever flowing."""
    mids = []
    lines = ["v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0"]
    media = []
    if audio:
        mids.append("0")
        media += ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
                  "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx", "a=ice-options:trickle",
                  "a=fingerprint:sha-256 " + ":".join(["AB"] * 32), "a=setup:actpass", "a=mid:0",
                  "a=sendonly", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=ssrc:1111 cname:x"]
    if video:
        mid = str(len(mids))
        mids.append(mid)
        media += ["m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
                  "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx", "a=ice-options:trickle",
                  "a=fingerprint:sha-256 " + ":".join(["AB"] * 32), "a=setup:actpass",
                  "a=mid:" + mid, "a=sendonly", "a=rtcp-mux", "a=rtpmap:96 VP8/90000",
                  "a=ssrc:2222 cname:x"]
    lines += ["a=group:BUNDLE " + " ".join(mids), "a=msid-semantic: WMS"] + media
    return "\r\n".join(lines) + "\r\n"


def janus(path, body, base=None):
    body = dict(body, transaction="t%d" % time.monotonic_ns())
    return request("POST", path, body=body, base=base or JANUS)[1]


def room_exists(room, base=None):
    s = janus("", {"janus": "create"}, base)["data"]["id"]
    h = janus(f"/{s}", {"janus": "attach", "plugin": "janus.plugin.videoroom"}, base)["data"]["id"]
    r = janus(f"/{s}/{h}", {"janus": "message", "body": {"request": "exists", "room": room}}, base)
    janus(f"/{s}", {"janus": "destroy"}, base)
    return r["plugindata"]["data"]["exists"]


def session_alive(session):
    return janus(f"/{session}", {"janus": "keepalive"}).get("janus") == "ack"


def db_row(sql, *args):
    path = [p for p in glob.glob(DATA + "/*.db") if not p.endswith("-journal")][0]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchone()
    finally:
        con.close()


def until(what, check, seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    fail(what)


# --- Three people in a workspace with calls ---------------------------------
owner = expect(request("POST", "/auth/login", body={"email": EMAIL, "password": PASSWORD}),
               200, "login")["token"]
ws = expect(request("POST", "/workspaces", owner, {"name": "Salle", "modules": ["calls"]}),
            201, "workspace")["id"]
tokens = {"a": owner}
for who in ("b", "c"):
    inv = expect(request("POST", f"/workspaces/{ws}/invitations", owner,
                         {"email": f"{who}@ruche.test", "role": "member"}), 201, "invitation")
    acc = expect(request("POST", f"/invitations/{inv['token']}/accept", None,
                         {"name": who.upper(), "password": "Mouette-Orageuse-" + who * 4}),
                 200, "accept")
    tokens[who] = acc["token"]
outsider_email = "d@ruche.test"

call = expect(request("POST", f"/workspaces/{ws}/calls", owner, {"title": "Plénière"}),
              201, "start")["id"]
me = {}
for who in ("a", "b", "c"):
    j = expect(request("POST", f"/calls/{call}/participants", tokens[who]), 201, "join " + who)
    me[who] = j["participant"]["id"]
    want = "sfu" if who == "c" else "p2p"
    if j["call"]["mode"] != want:
        fail(f"after {who} joined the call is {j['call']['mode']}, not {want}")
room = db_row("SELECT sfu_room FROM calls_calls WHERE id = ?", call)[0]
if not room:
    fail("the call in the SFU has no room")


def sfu(who, path, body=None, method="POST", on=None):
    c, m = on or (call, me)
    return request(method, f"/calls/{c}/participants/{m[who]}/sfu{path}", tokens[who],
                   body if body is not None or method != "POST" else {})


# --- Publishing: Janus's answer, its candidates on its only interface --------
answer = expect(sfu("a", "/publish", {"sdp": offer()}), 200, "publish a")
if answer.get("type") != "answer":
    fail(f"publish answered {answer}")
sdp = answer["sdp"]
for needle in ("m=audio", "m=video", "a=recvonly", "a=candidate:", "127.1.0.1"):
    if needle not in sdp:
        fail(f"Janus's answer lacks {needle!r}:\n{sdp}")
if not room_exists(room):
    fail("the first publish did not make the call's room")
got = expect(request("GET", f"/calls/{call}", tokens["b"]), 200, "get call")
sending = {p["id"]: p["sending"] for p in got["participants"]}
if sending != {me["a"]: True, me["b"]: False, me["c"]: False}:
    fail(f"sending: {sending}")
session_a = db_row("SELECT sfu_session FROM calls_participants WHERE id = ?", me["a"])[0]
if not session_a or not session_alive(session_a):
    fail("a's Janus session is not recorded or not alive")

# Janus knows a's feed, but its media never came up: receiving it waits.
early = sfu("b", "/subscriptions", {"participant_id": me["a"]})
if early[0] != 409 or reason(early) != "feed_not_ready":
    fail(f"subscribing to a feed whose media is not up: {early}")
cand = {"candidate": "candidate:1 1 udp 2122260223 127.1.0.1 40000 typ host",
        "sdpMid": "0", "sdpMLineIndex": 0}
expect(sfu("a", "/trickle", {"target": "publisher", "candidates": [cand]}), 202, "trickle")
expect(sfu("a", "/trickle", {"target": "publisher", "candidates": []}), 202, "end of trickle")
none = sfu("b", "/trickle", {"target": "publisher", "candidates": [cand]})
if none[0] != 404:
    fail(f"trickle for a publisher b does not have: {none}")
# Again: a renegotiation (the same feed, configured anew); audio alone.
again = expect(sfu("a", "/publish", {"sdp": offer(video=False)}), 200, "publish a again")
if "m=audio" not in again["sdp"]:
    fail("renegotiation answer has no audio")
feed_a = db_row("SELECT sfu_feed FROM calls_participants WHERE id = ?", me["a"])[0]
for who in ("b", "c"):
    expect(sfu(who, "/publish", {"sdp": offer()}), 200, "publish " + who)
if db_row("SELECT sfu_feed FROM calls_participants WHERE id = ?", me["a"])[0] != feed_a:
    fail("renegotiating changed a's feed")

# --- Janus away: 503, the call goes on ---------------------------------------
subprocess.run([CONTROL, "stop", "1"], check=True)
down = sfu("c", "/publish", {"sdp": offer()})
if down[0] != 503 or reason(down) != "sfu_unavailable":
    fail(f"publish with Janus down: {down}")
expect(request("POST", f"/calls/{call}/participants/{me['c']}/heartbeat", tokens["c"]), 204,
       "heartbeat with Janus down")
expect(request("GET", f"/calls/{call}", tokens["c"]), 200, "the call with Janus down")

# --- Janus back, empty: each participant's session is forgotten, made anew --
subprocess.run([CONTROL, "start", "1"], check=True)
expect(request("POST", f"/calls/{call}/participants/{me['a']}/heartbeat", owner), 204,
       "heartbeat after the restart")
if db_row("SELECT sfu_session FROM calls_participants WHERE id = ?", me["a"])[0] != 0:
    fail("the heartbeat did not mark the session Janus no longer has")
# The browser's connections went with Janus's session: its next request is
# told so (once), and it starts again on new connections.
gone = sfu("a", "/publish", {"sdp": offer()})
if gone[0] != 404 or reason(gone) != "sfu_session_gone":
    fail(f"publish after the heartbeat found the session gone: {gone}")
expect(sfu("a", "/publish", {"sdp": offer()}), 200, "publish after the restart (heartbeat first)")
if not room_exists(room):
    fail("publishing after the restart did not make the room again")
gone = sfu("b", "/publish", {"sdp": offer()})
if gone[0] != 404 or reason(gone) != "sfu_session_gone":
    fail(f"publish on a session Janus forgot: {gone}")
expect(sfu("b", "/publish", {"sdp": offer()}), 200, "publish again after sfu_session_gone")
gone = sfu("c", "/subscriptions", {"participant_id": me["a"]})
if gone[0] != 404 or reason(gone) != "sfu_session_gone":
    fail(f"subscribe on a session Janus forgot: {gone}")

# --- Leaving releases Janus's session; the end of the call, its room ----------
session_b = db_row("SELECT sfu_session FROM calls_participants WHERE id = ?", me["b"])[0]
if not session_alive(session_b):
    fail("b's new session is not alive")
expect(request("DELETE", f"/calls/{call}/participants/{me['b']}", tokens["b"]), 204, "b leaves")
until("b's Janus session outlived b", lambda: not session_alive(session_b))
if not room_exists(room):
    fail("the room went while the call goes on")
for who in ("a", "c"):
    expect(request("DELETE", f"/calls/{call}/participants/{me[who]}", tokens[who]), 204,
           who + " leaves")
if expect(request("GET", f"/calls/{call}", owner), 200, "ended call").get("ended_at") is None:
    fail("the call did not end when the last one left")
until("the ended call's room outlived it", lambda: not room_exists(room))
late = sfu("a", "/publish", {"sdp": offer()})
if late[0] not in (404, 410):
    fail(f"publishing in an ended call: {late}")

# --- Two Janus: each call on the least loaded of those that answer -----------
def sfu_call():
    """A call taken to the SFU by three joins: its id, participants, server."""
    cid = expect(request("POST", f"/workspaces/{ws}/calls", owner, {}), 201, "start")["id"]
    ids = {}
    for who in ("a", "b", "c"):
        ids[who] = expect(request("POST", f"/calls/{cid}/participants", tokens[who]), 201,
                          "join")["participant"]["id"]
    server, room_id = db_row("SELECT sfu_server, sfu_room FROM calls_calls WHERE id = ?", cid)
    return cid, ids, server, room_id


x, x_me, x_server, x_room = sfu_call()
y, y_me, y_server, y_room = sfu_call()
if (x_server, y_server) != (JANUS, JANUS2):
    fail(f"two calls went to {x_server} and {y_server}, not one on each Janus")
expect(sfu("a", "/publish", {"sdp": offer()}, on=(y, y_me)), 200, "publish on the second Janus")
if not room_exists(y_room, JANUS2) or room_exists(y_room, JANUS):
    fail("the second call's room is not on the second Janus alone")
w, _, w_server, _ = sfu_call()
if w_server != JANUS:
    fail(f"with one call on each, the third went to {w_server}, not the first listed")
# The second Janus goes away: the next call goes to the first, though it
# carries more (2 against 1).
subprocess.run([CONTROL, "stop", "2"], check=True)
down = sfu("b", "/publish", {"sdp": offer()}, on=(y, y_me))
if down[0] != 503:
    fail(f"publish with the second Janus down: {down}")
_, _, z_server, _ = sfu_call()
if z_server != JANUS:
    fail(f"a call went to {z_server}, which did not answer lately")
subprocess.run([CONTROL, "start", "2"], check=True)
print("calls_janus: ok")
