#!/bin/bash
# sync (issue 14): a running overlay made what its file says with the least change. A TCP
# stream runs to a peer the file leaves as it is while 1,000 other peers change (endpoint
# port and a new prefix each), 100 go, 100 come, a prefix moves from one peer to another
# and an endpoint passes from one peer to the next: the stream arrives byte for byte with
# no segment lost, its peer keeps its map entry and id and its counters keep counting,
# every changed peer keeps its id and counters (changed in place), and the overlay ends as
# the file says (compared with what the file's generator says, not with show). The sync
# reads the peer table a handful of times, not once per peer (the batch keeps the view).
# Then sync -n, and the settings that change live: MTU, addresses, forward-from ports.
. "$(dirname "$0")/../lib/netns.sh"
N=1000

topo_pair || { not_ok "two hosts"; tap_done; }

# gen V: the file of A (V 0: before, 1: after) on stdout, and in $TMP/want.V.json the peers
# it describes as show -j has them (name, endpoint, port in use, allowed-ips, flags).
gen() {
	awk -v v="$1" -v n="$N" -v jf="$TMP/want.$1.json" '
	function peer(name, ep, port, allowed,   k, list, a) {
		printf "\n[Peer]\nName = %s\nEndpoint = %s%s\n", name, ep, port ? ":" port : ""
		if (allowed != "")
			printf "AllowedIPs = %s\n", allowed
		k = split(allowed, a, ", ")
		list = ""
		for (i = 1; i <= k; i++)
			list = list (i > 1 ? "," : "") "\"" a[i] "\""
		printf "{\"name\":\"%s\",\"endpoint\":\"%s\",\"port\":%d,\"allowed_ips\":[%s],\"flags\":[]}\n",
			name, ep, port ? port : 4789, list > jf
	}
	BEGIN {
		printf "[Overlay]\nName = xs0\nUplink = ua\nVNI = 42\nAddress = 10.10.0.1/24\n"
		printf "MaxPeers = 4000\nMaxRoutes = 8000\n"
		peer("b", "192.0.2.2", 0, "10.10.0.2/32")
		for (j = 1; j <= n; j++) {
			x = int(j / 256); y = j % 256
			peer("p" j, "198.18." x "." y, v ? 4790 : 0,
			     "100.64." x "." y "/32" (v ? ", 100.65." x "." y "/32" : ""))
		}
		for (j = 1; j <= 100; j++)
			if (v)
				peer("new" j, "198.21.0." j, 0, "100.71.0." j "/32")
			else
				peer("old" j, "198.20.0." j, 0, "100.70.0." j "/32")
		peer("ma", "198.19.1.1", 0, v ? "100.99.1.0/24" : "100.99.0.0/24, 100.99.1.0/24")
		peer("mb", "198.19.1.2", 0, v ? "100.98.0.0/24, 100.99.0.0/24" : "100.98.0.0/24")
		peer("c1", v ? "198.19.0.2" : "198.19.0.1", 0, "100.97.0.1/32")
		peer("c2", v ? "198.19.0.3" : "198.19.0.2", 0, "100.97.0.2/32")
	}'
}
gen 0 >"$TMP/a0.conf" && gen 1 >"$TMP/a1.conf" || not_ok "the files"
cat >"$TMP/b.conf" <<EOF
[Overlay]
Name = xs0
Uplink = ub
VNI = 42
Address = 10.10.0.2/24
[Peer]
Name = a
Endpoint = $UNDER_A
AllowedIPs = 10.10.0.1/32
EOF
check "up A with $((N + 105)) peers" xt "$NS_A" up "$TMP/a0.conf"
check "up B" xt "$NS_B" up "$TMP/b.conf"
check "ping across" ping_ok "$NS_A" 10.10.0.2

peers() { xt "$NS_A" show xs0 -j | jq -c '.[0].peers | map({name, endpoint, port,
	allowed_ips: (.allowed_ips | sort), flags}) | sort_by(.name)'; }
want() { jq -cs 'map(.allowed_ips |= sort) | sort_by(.name)' "$TMP/want.$1.json"; }
check "A is what its file says" [ "$(peers)" = "$(want 0)" ]

# Something to count on a peer that changes: p1's endpoint does not answer, but what is
# sent to it counts (a neighbour entry of our own: no ARP to wait for).
ip -n "$NS_A" neigh add 100.64.0.1 lladdr 02:00:00:00:00:01 dev xs0 &&
	in_ns "$NS_A" ping -c 3 -i 0.2 -W 0.2 100.64.0.1 >/dev/null 2>&1
xt "$NS_A" show xs0 -j >"$TMP/show0.json"
check "p1 has sent 3 packets" [ "$(jq '.[0].peers[] | select(.name == "p1") | .tx_packets' \
	"$TMP/show0.json")" -ge 3 ]

# ---- a TCP stream to b through the syncs ----
CHUNKS=100
head -c $((CHUNKS * 204800)) /dev/urandom >"$TMP/sent"
port=$((20000 + RANDOM % 20000))
# A's TCP counters (/proc/net/snmp and netstat: a line of names, then one of values).
tcp_counter() { in_ns "$NS_A" awk -v want="$1" '$1 == last { for (i = 2; i <= NF; i++)
	if (substr(last, 1, length(last) - 1) name[i] == want) print $i; next }
	{ last = $1; for (i = 2; i <= NF; i++) name[i] = $i }' /proc/net/snmp /proc/net/netstat; }
# Segments sent again that had not arrived: a retransmission the receiver reports as a
# duplicate (D-SACK, RFC 2883) was of a segment that had arrived, reordered on the way
# (veth queues a packet on the sending CPU's backlog, so a sender that moves between CPUs
# can overtake itself) and is no loss.
lost() { echo $(($(tcp_counter TcpRetransSegs) - $(tcp_counter TcpExtTCPDSACKRecvSegs))); }
drops() { xt "$1" show -j | jq '[.[0].counters | to_entries[] | select(.key | startswith("drop")) | .value] | add'; }
in_ns "$NS_B" timeout 60 socat -u "TCP-LISTEN:$port,bind=10.10.0.2,reuseaddr" \
	"OPEN:$TMP/received,creat,trunc" &
receiver=$!
_started_pids+=("$receiver")
wait_listen "$NS_B" "$port" || not_ok "the receiver listens"
lost0=$(lost)
drops_a0=$(drops "$NS_A") && drops_b0=$(drops "$NS_B")
# 200 KiB every 0.1 s: about 10 s of stream.
in_ns "$NS_A" timeout 60 bash -c "for i in \$(seq 0 $((CHUNKS - 1))); do
	dd if=$TMP/sent bs=204800 skip=\$i count=1 status=none; sleep 0.1; done |
	socat -u - TCP:10.10.0.2:$port" &
sender=$!
_started_pids+=("$sender")
sleep 1.5
xt "$NS_A" show xs0 -j >"$TMP/show1.json"

t0=$(date +%s%N)
out=$(in_ns "$NS_A" strace -f -o "$TMP/trace" -e trace=bpf "$XTUNNEL" sync "$TMP/a1.conf" 2>&1)
rc=$?
diag "sync of $N changed peers under strace: $((($(date +%s%N) - t0) / 1000000)) ms"
check "sync to the changed file ($rc: $out)" [ "$rc" = 0 ]
check "it says what it changed" [ "$out" = \
	"xs0: peers: 100 added, $((N + 4)) changed, 100 removed, 1 unchanged" ]
batches=$(grep -c BPF_MAP_LOOKUP_BATCH "$TMP/trace")
diag "the peer table read $batches times with BPF_MAP_LOOKUP_BATCH, $(grep -c . "$TMP/trace") bpf calls"
check "the peer table is read a few times for the whole sync, not once per peer" \
	[ "$batches" -ge 1 -a "$batches" -le 8 ]
check "A is what the changed file says" [ "$(peers)" = "$(want 1)" ]
xt "$NS_A" show xs0 -j >"$TMP/show2.json"

# Back and forth twice more while the stream runs, timed without strace.
for f in a0 a1; do
	t0=$(date +%s%N)
	xt "$NS_A" sync "$TMP/$f.conf" >/dev/null || not_ok "sync to $f"
	diag "sync to $f ($N peers changed, 100 added, 100 removed): $((($(date +%s%N) - t0) / 1000000)) ms"
done
check "A is what the changed file says again" [ "$(peers)" = "$(want 1)" ]

wait "$sender"
sender_rc=$?
wait "$receiver"
check "the stream ran through the syncs (sender $sender_rc)" [ "$sender_rc" = 0 ]
check "and arrived byte for byte" cmp -s "$TMP/sent" "$TMP/received"
lost1=$(lost)
diag "retransmitted $(tcp_counter TcpRetransSegs), of which reported as duplicates $(tcp_counter TcpExtTCPDSACKRecvSegs)"
check "with no segment lost ($lost0 -> $lost1)" [ "$lost0" = "$lost1" ]
check "and no packet dropped on either side" \
	[ "$(drops "$NS_A")" = "$drops_a0" -a "$(drops "$NS_B")" = "$drops_b0" ]
xt "$NS_A" show xs0 -j >"$TMP/show3.json"

entry() { jq -c --arg p "$2" '.[0].peers[] | select(.name == $p) | {id, endpoint, port,
	flags, allowed_ips}' "$1"; }
count() { jq --arg p "$2" ".[0].peers[] | select(.name == \$p) | .$3" "$1"; }
check "b's entry (id, endpoint, port, flags, prefixes) is the same" \
	[ "$(entry "$TMP/show1.json" b)" = "$(entry "$TMP/show3.json" b)" ]
check "b's sent counter kept counting ($(count "$TMP/show1.json" b tx_packets) -> $(count "$TMP/show3.json" b tx_packets))" \
	[ "$(count "$TMP/show3.json" b tx_packets)" -gt "$(count "$TMP/show1.json" b tx_packets)" ]
check "b's received counter kept counting ($(count "$TMP/show1.json" b rx_packets) -> $(count "$TMP/show3.json" b rx_packets))" \
	[ "$(count "$TMP/show3.json" b rx_packets)" -gt "$(count "$TMP/show1.json" b rx_packets)" ]
ids() { jq -c '[.[0].peers[] | select(.name | test("^(p[0-9]+|ma|mb|c1|c2)$")) |
	{name, id}] | sort_by(.name)' "$1"; }
check "every changed peer kept its id: changed in place" \
	[ "$(ids "$TMP/show1.json")" = "$(ids "$TMP/show3.json")" ]
check "$(jq '[.[0].peers[] | select(.name | test("^p[0-9]+$"))] | length' "$TMP/show3.json") of them" \
	[ "$(jq '[.[0].peers[] | select(.name | test("^p[0-9]+$"))] | length' "$TMP/show3.json")" = "$N" ]
check "and p1 its counter ($(count "$TMP/show0.json" p1 tx_packets) sent before, $(count "$TMP/show3.json" p1 tx_packets) after)" \
	[ "$(count "$TMP/show3.json" p1 tx_packets)" -ge "$(count "$TMP/show0.json" p1 tx_packets)" ]
check "the prefix moved: 100.99.0.0/24 is mb's, 100.99.1.0/24 ma's" bash -c \
	"[ \"\$(jq -r '.[0].peers[] | select(.allowed_ips | index(\"100.99.0.0/24\")) | .name' $TMP/show3.json)\" = mb ] &&
	[ \"\$(jq -r '.[0].peers[] | select(.allowed_ips | index(\"100.99.1.0/24\")) | .name' $TMP/show3.json)\" = ma ]"
routes=$(ip -n "$NS_A" route show proto 120 | wc -l)
check "one kernel route per prefix ($routes)" [ "$routes" = "$(jq '[.[0].peers[].allowed_ips[]] | length' "$TMP/show3.json")" ]

# ---- sync -n ----
# What sync may change, without what traffic changes (counters, liveness).
settings() { xt "$NS_A" show xs0 -j | jq -c 'del(.[].counters) | .[].peers[] |= del(.rx_packets,
	.rx_bytes, .tx_packets, .tx_bytes, .drops_total, .drops, .latest_rx, .latest_rx_age_s,
	.silent)'; }
settings >"$TMP/dry0"
out=$(xt "$NS_A" sync -n "$TMP/a0.conf")
check "sync -n changes nothing" [ "$(settings)" = "$(cat "$TMP/dry0")" ]
check "sync -n lists each change" bash -c "grep -qx 'remove peer new7' <<<\"\$1\" &&
	grep -qx 'add peer old7' <<<\"\$1\" && grep -qx 'change peer p7: endpoint, allowed-ips' <<<\"\$1\" &&
	grep -qx 'change peer c2: endpoint' <<<\"\$1\" &&
	[ \$(grep -c '^change peer' <<<\"\$1\") = $((N + 4)) ]" _ "$out"
check "and ends with what it would do" [ "$(tail -1 <<<"$out")" = \
	"xs0 (dry run, nothing changed): peers: 100 to add, $((N + 4)) to change, 100 to remove, 1 unchanged" ]

# ---- settings that change live ----
ip -n "$NS_A" link add lan0 type veth peer name lan1 && ip -n "$NS_A" link add lan2 type veth peer name lan3 &&
	ip -n "$NS_A" link set lan0 up && ip -n "$NS_A" link set lan2 up &&
	in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1 || not_ok "forward-from ports"
cat >"$TMP/s.conf" <<EOF
[Overlay]
Name = xl0
Uplink = ua
VNI = 43
Address = 10.30.0.1/24, fd00:30::1/64
MTU = 1400
ForwardFrom = lan0
[Peer]
Name = b
Endpoint = $UNDER_B
AllowedIPs = 10.31.0.0/16
EOF
check "up an overlay that forwards" xt "$NS_A" up "$TMP/s.conf"
sed -i 's|^Address = .*|Address = 10.30.0.1/24, 10.32.0.1/24, fd00:32::1/64|; s/MTU = 1400/MTU = 1300/;
	s/ForwardFrom = lan0/ForwardFrom = lan2/' "$TMP/s.conf"
check "sync of addresses, MTU and forward-from" bash -c "[ \"\$(ip netns exec $NS_A $XTUNNEL sync $TMP/s.conf)\" = \
	'xl0: peers: 0 added, 0 changed, 0 removed, 1 unchanged; settings changed: address, mtu, forward-from' ]"
check "the addresses are the file's" [ "$(ip -n "$NS_A" -j addr show xl0 | jq -c '[.[0].addr_info[] |
	"\(.local)/\(.prefixlen)"] | sort')" = '["10.30.0.1/24","10.32.0.1/24","fd00:32::1/64"]' ]
check "both ends of the pair have MTU 1300" bash -c "ip -n $NS_A link show xl0 | grep -q 'mtu 1300' &&
	ip -n $NS_A link show xl0-p | grep -q 'mtu 1300'"
check "the forward program moved from lan0 to lan2" bash -c "! ip -n $NS_A link show lan0 | grep -q xdp &&
	ip -n $NS_A link show lan2 | grep -q xdp"
check "save says so" bash -c "ip netns exec $NS_A $XTUNNEL save xl0 | grep -qx 'ForwardFrom = lan2' &&
	ip netns exec $NS_A $XTUNNEL save xl0 | grep -qx 'MTU = 1300'"
sed -i 's/MTU = 1300/MTU = 1200/' "$TMP/s.conf"
check "an MTU that would cross 1280 is refused (IPv6 would go), exit 2" bash -c \
	"out=\$(ip netns exec $NS_A $XTUNNEL sync $TMP/s.conf 2>&1); [ \$? = 2 ] && grep -q 'MTU 1200: an IPv6 Address needs' <<<\"\$out\""
sed -i 's|, fd00:32::1/64||' "$TMP/s.conf"
check "without IPv6 too: it would cross 1280 (exit 2)" bash -c \
	"out=\$(ip netns exec $NS_A $XTUNNEL sync $TMP/s.conf 2>&1); [ \$? = 2 ] && grep -q 'cross 1280' <<<\"\$out\""
sed -i 's/MTU = 1200/MTU = 1300/; /ForwardFrom/d' "$TMP/s.conf"
check "turning forwarding off is refused, naming forward-from (exit 2)" bash -c \
	"out=\$(ip netns exec $NS_A $XTUNNEL sync $TMP/s.conf 2>&1); [ \$? = 2 ] &&
	grep -q 'forward-from: turning forwarding off' <<<\"\$out\""
check "and left lan2 forwarding" bash -c "ip -n $NS_A link show lan2 | grep -q xdp"
xt "$NS_A" down xl0
xt "$NS_A" down xs0
xt "$NS_B" down xs0

tap_done
