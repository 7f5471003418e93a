J=http://127.0.0.1:18088/janus
S=$(curl -s -X POST $J -d '{"janus":"create","transaction":"a"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["id"])')
H=$(curl -s -X POST $J/$S -d '{"janus":"attach","plugin":"janus.plugin.videoroom","transaction":"b"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["id"])')
echo S=$S H=$H
curl -s -X POST $J/$S/$H -d '{"janus":"message","transaction":"c","body":{"request":"create","room":4242,"secret":"s3cr3t","pin":"p1n","is_private":true,"publishers":20,"permanent":false}}'; echo
SDP=$(python3 - <<'PY'
import json
sdp = "\r\n".join([
"v=0","o=- 4611731400430051336 2 IN IP4 127.0.0.1","s=-","t=0 0","a=group:BUNDLE 0","a=msid-semantic: WMS",
"m=audio 9 UDP/TLS/RTP/SAVPF 111","c=IN IP4 0.0.0.0","a=rtcp:9 IN IP4 0.0.0.0",
"a=ice-ufrag:abcd","a=ice-pwd:abcdefghijklmnopqrstuvwx","a=ice-options:trickle",
"a=fingerprint:sha-256 12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0",
"a=setup:actpass","a=mid:0","a=sendonly","a=rtcp-mux","a=rtpmap:111 opus/48000/2","a=ssrc:1111 cname:x",""])
print(json.dumps({"type":"offer","sdp":sdp}))
PY
)
curl -s -X POST $J/$S/$H -d '{"janus":"message","transaction":"d","body":{"request":"joinandconfigure","ptype":"publisher","room":4242,"pin":"p1n","id":777,"display":"x","audio":true,"video":true},"jsep":'"$SDP"'}'; echo
curl -s "$J/$S?maxev=5&rid=1" | head -c 3000; echo
S2=$(curl -s -X POST $J -d '{"janus":"create","transaction":"a"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["id"])')
H2=$(curl -s -X POST $J/$S2 -d '{"janus":"attach","plugin":"janus.plugin.videoroom","transaction":"b"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["id"])')
curl -s -X POST $J/$S2/$H2 -d '{"janus":"message","transaction":"e","body":{"request":"join","ptype":"subscriber","room":4242,"pin":"p1n","streams":[{"feed":777}]}}'; echo
curl -s "$J/$S2?maxev=5&rid=2" | head -c 3000; echo
curl -s -X POST $J/$S/$H -d '{"janus":"keepalive","transaction":"k"}'; echo
curl -s -X POST $J/$S2/$H2 -d '{"janus":"message","transaction":"f","body":{"request":"join","ptype":"subscriber","room":4242,"pin":"p1n","streams":[{"feed":999}]}}'; echo
curl -s -X POST $J/$S/$H -d '{"janus":"message","transaction":"g","body":{"request":"listparticipants","room":4242}}'; echo
curl -s -X POST $J/$S -d '{"janus":"destroy","transaction":"z"}'; echo
curl -s -X POST $J/$S/$H -d '{"janus":"message","transaction":"h","body":{"request":"destroy","room":4242,"secret":"s3cr3t"}}'; echo
curl -s -X POST $J/$S2/$H2 -d '{"janus":"message","transaction":"h","body":{"request":"destroy","room":4242,"secret":"s3cr3t"}}'; echo
