ip link set lo up
ip link add jva type veth peer name jvb
ip addr add 127.1.0.1/32 dev jva
ip link set jva up; ip link set jvb up
sysctl -qw net.ipv6.conf.all.disable_ipv6=1
janus -F /tmp/jx/cfg -o > /tmp/jx/janus.log 2>&1 & JP=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:18088/janus/info >/dev/null && break; sleep 0.1; done
bash /tmp/jx/probe.sh
kill $JP; wait
