#!/bin/bash
# L2 overlays of bridges next to the kernel's vxlan: hosts A, B and C on one underlay
# switch, each with bridge br0 and two "VMs" on it. A and B run xtunnel mode l2 (xt0 a port
# of br0); C runs the kernel's vxlan the usual way (vx0 a port of br0, learning on, an
# all-zeros FDB entry per remote VTEP). Nothing static on our side: ARP crosses, MACs and
# neighbours are learned. D, on the same switch, is a kernel vxlan with our VNI that sends
# to A but is no peer of A's.
. "$(dirname "$0")/../lib/netns.sh"

MAX_MACS=16 # A's, per peer; B keeps the default
VMS="a1 a2 b1 b2 c1 c2"

host_no() { case $1 in a*) echo 1 ;; b*) echo 2 ;; c*) echo 3 ;; d*) echo 4 ;; esac; }
vm() { echo "$TAG$1"; } # a1 -> the VM's namespace
mac_of() { printf '02:00:00:00:%02x:%02x\n' "$(host_no "$1")" "${1:1}"; }
ip4_of() { echo "10.20.0.$(host_no "$1")${1:1}"; }
ip6_of() { echo "fd20::$(host_no "$1")${1:1}"; }

setup() {
	local v
	topo_switch "a b c d" || return 1
	xt "$NS_A" attach ua dev xt0 mode l2 vni 42 max-macs "$MAX_MACS" &&
		xt "$NS_A" peer add b endpoint "$UNDER_B" &&
		xt "$NS_A" peer add c endpoint "$UNDER_C" &&
		xt "$NS_B" attach ub dev xt0 mode l2 vni 42 &&
		xt "$NS_B" peer add a endpoint "$UNDER_A" &&
		xt "$NS_B" peer add c endpoint "$UNDER_C" &&
		kernel_vxlan_l2 "$NS_C" uc "$UNDER_C" "$UNDER_A" "$UNDER_B" &&
		kernel_vxlan_l2 "$NS_D" ud "$UNDER_D" "$UNDER_A" &&
		ip -n "$NS_D" link set vx0 address 02:00:00:00:04:09 &&
		ip -n "$NS_D" addr add 10.20.0.49/24 dev vx0 || return 1
	l2_bridge "$NS_A" xt0 && l2_bridge "$NS_B" xt0 && l2_bridge "$NS_C" vx0 || return 1
	for v in $VMS; do
		vm_new "$(vm "$v")" "$TAG${v:0:1}" "$(mac_of "$v")" "$(ip4_of "$v")" \
			"$(ip6_of "$v")" || return 1
	done
}

setup 2>"$TMP/setup.err" || {
	not_ok "three hosts with bridges and VMs, A and B xtunnel, C kernel vxlan: $(head -1 "$TMP/setup.err")"
	tap_done
}

# Every pair, once each way for ping, once for TCP: ARP and ND cross the overlay, there
# being no static entry anywhere.
pairs() {
	local i j
	for i in $VMS; do
		for j in $VMS; do
			[[ $i < $j ]] && echo "$i $j"
		done
	done
}
bad=""
while read -r i j; do
	ping_ok "$(vm "$i")" "$(ip4_of "$j")" 1 && ping_ok "$(vm "$j")" "$(ip4_of "$i")" 1 ||
		bad="$bad $i-$j"
done < <(pairs)
check "ping both ways in every pair of VMs (ARP across, nothing static)${bad:+, failed:$bad}" \
	[ -z "$bad" ]
bad=""
for p in "a1 b1" "a1 c1" "b2 c2" "a2 b2"; do
	set -- $p
	in_ns "$(vm "$1")" ping -6 -c 1 -W 2 "$(ip6_of "$2")" >/dev/null || bad="$bad $1-$2"
done
check "ping over IPv6 across hosts (neighbour discovery across)${bad:+, failed:$bad}" [ -z "$bad" ]
bad=""
while read -r i j; do
	tcp_transfer "$(vm "$i")" "$(vm "$j")" "$(ip4_of "$j")" 1 || bad="$bad $i-$j"
done < <(pairs)
check "TCP 1 MiB byte for byte in every pair${bad:+, failed:$bad}" [ -z "$bad" ]
check "TCP 8 MiB byte for byte xtunnel host -> kernel vxlan host" \
	tcp_transfer "$(vm a1)" "$(vm c2)" "$(ip4_of c2)" 8
check "TCP 8 MiB byte for byte kernel vxlan host -> xtunnel host" \
	tcp_transfer "$(vm c1)" "$(vm b2)" "$(ip4_of b2)" 8
check "TCP 8 MiB byte for byte over IPv6 between the xtunnel hosts" \
	tcp_transfer "$(vm b1)" "$(vm a2)" "$(ip6_of a2)" 8

# Learning, as fdb show -j says and as the map holds it.
fdb_a=$(xt "$NS_A" fdb show -j)
fdb_b=$(xt "$NS_B" fdb show -j)
learned() { # FDB_JSON VM PEER...: each VM's MAC is a learned entry for the PEER after it
	local fdb=$1
	shift
	while [ $# -gt 0 ]; do
		jq -e --arg m "$(mac_of "$1")" --arg p "$2" \
			'any(.[]; .mac == $m and .peer == $p and .static == false and .age >= 0)' \
			<<<"$fdb" >/dev/null || return 1
		shift 2
	done
}
check "A learned B's and C's VMs behind b and c (fdb show -j)" \
	learned "$fdb_a" b1 b b2 b c1 c c2 c
check "B learned A's and C's VMs behind a and c (fdb show -j)" \
	learned "$fdb_b" a1 a a2 a c1 c c2 c
check "A's FDB has no static entry and none of its own VMs" [ "$(jq --arg a1 "$(mac_of a1)" \
	--arg a2 "$(mac_of a2)" '[.[] | select(.static or .mac == $a1 or .mac == $a2)] | length' \
	<<<"$fdb_a")" = 0 ]

# The maps of the program on xt0's egress, by name: MAP_ID NS NAME.
map_id() {
	local prog m
	prog=$(in_ns "$1" bpftool -j net show dev xt0 | jq -r '.[0].tc[] |
		select(.kind == "clsact/egress") | .id' | head -1)
	for m in $(in_ns "$1" bpftool -j prog show id "$prog" | jq -r '.map_ids[]'); do
		[ "$(bpftool -j map show id "$m" | jq -r .name)" = "$2" ] && echo "$m" && return
	done
}
peers_dump=$(bpftool -j map dump id "$(map_id "$NS_A" xt_peers)")
fdb_dump=$(bpftool -j map dump id "$(map_id "$NS_A" xt_fdb)")
id_b=$(jq '.[] | .formatted.value | select(.name == "b") | .id' <<<"$peers_dump")
mac_bytes() { # 02:00:00:00:02:01 -> [2,0,0,0,2,1]
	echo "[$(tr ':' '\n' <<<"$1" | while read -r x; do echo $((16#$x)); done | paste -sd,)]"
}
check "bpftool map dump: A's xt_fdb has B's VM's MAC with peer b's id ($id_b), learned" \
	[ "$(jq -c --argjson m "$(mac_bytes "$(mac_of b1)")" '[.[].formatted |
	select(.key.mac == $m) | .value | [.peer_id, .flags, .seen_ns > 0]]' <<<"$fdb_dump")" = \
	"[[${id_b:-none},0,true]]" ]

# doctor: an L2 overlay's maps are pinned, those of its kind and no other. Through nsenter,
# which keeps the host's bpffs: attach ran by ip netns exec, so reload pins them first, as
# doctor's fix says (and A keeps working through a reload).
nsenter --net="/run/netns/$NS_A" "$XTUNNEL" reload xt0 || not_ok "reload of A's xt0"
doctor_pins=$(nsenter --net="/run/netns/$NS_A" "$XTUNNEL" doctor xt0 2>&1 | grep ' xt0 pins: ')
check "doctor: every map of an L2 overlay pinned ($doctor_pins)" \
	grep -q '^ok   xt0 pins: 13 maps pinned in ' <<<"$doctor_pins"

# Trace: A's L2 programs report under their own names, with the peer, the outer headers
# and the inner packet decoded. Not through xt: $! must be xtunnel's PID, which show names.
ip netns exec "$NS_A" timeout 20 "$XTUNNEL" trace dev xt0 all -j --duration 15 \
	>"$TMP/trace.json" 2>"$TMP/trace.err" &
tracer=$!
_started_pids+=("$tracer")
for _ in $(seq 50); do
	[ "$(json_field "$NS_A" '.[0].trace_pid')" = "$tracer" ] && break
	sleep 0.1
done
ping_ok "$(vm a1)" "$(ip4_of b1)" 1
sleep 0.3
kill -INT "$tracer"
wait "$tracer"
events() { jq -s "[.[] | select($1)] | length" "$TMP/trace.json"; }
check "trace: a1's ping to b1 leaves by xt_l2_encap, to peer b, VXLAN 42 to B" [ "$(events \
	".prog == \"xt_l2_encap\" and .dir == \"tx\" and .reason == \"encap\" and
	.peer == \"b\" and .outer.src == \"$UNDER_A\" and .outer.dst == \"$UNDER_B\" and
	.outer.vni == 42 and .inner.src == \"$(ip4_of a1)\" and .inner.dst == \"$(ip4_of b1)\"")" \
	-ge 1 ]
check "trace: b1's answer comes in by xt_l2_decap_tc, from peer b" [ "$(events \
	".prog == \"xt_l2_decap_tc\" and .dir == \"rx\" and .reason == \"decap\" and
	.peer == \"b\" and .outer.src == \"$UNDER_B\" and .inner.src == \"$(ip4_of b1)\" and
	.inner.dst == \"$(ip4_of a1)\"")" -ge 1 ]

# A UDP broadcast from a VM reaches every other VM exactly once: each flooding VTEP sends
# one copy to each remote VTEP, no bridge sends one back into the overlay.
cat >"$TMP/recv.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[1])))
open(sys.argv[3], "w").close()  # listening
n, end = 0, time.time() + 4
while time.time() < end:
    s.settimeout(max(end - time.time(), 0.01))
    try:
        n += s.recv(100) == sys.argv[2].encode()
    except socket.timeout:
        pass
print(n)
PY
broadcast_once() { # FROM: every other VM gets FROM's broadcast exactly once
	local from=$1 tag="bcast-$1-$$" v pids=() counts="" want=""
	for v in $VMS; do
		[ "$v" = "$from" ] && continue
		in_ns "$(vm "$v")" timeout 10 python3 "$TMP/recv.py" 5555 "$tag" "$TMP/up-$v" \
			>"$TMP/count-$v" &
		pids+=($!)
		_started_pids+=($!)
	done
	for v in $VMS; do
		[ "$v" = "$from" ] && continue
		for _ in $(seq 50); do [ -e "$TMP/up-$v" ] && break; sleep 0.1; done
	done
	in_ns "$(vm "$from")" python3 -c "import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.sendto(b'$tag', ('10.20.0.255', 5555))"
	wait "${pids[@]}"
	for v in $VMS; do
		[ "$v" = "$from" ] && continue
		counts="$counts $v:$(cat "$TMP/count-$v")"
		want="$want $v:1"
		rm -f "$TMP/up-$v"
	done
	[ "$counts" = "$want" ] || { diag "broadcast from $from:$counts"; return 1; }
}
flood0=$(json_field "$NS_A" '.[0].counters.flood')
check "UDP broadcast from a VM on A reaches every other VM exactly once" broadcast_once a1
check "UDP broadcast from a VM on C (kernel vxlan) reaches every other VM exactly once" \
	broadcast_once c2
check "A counted the frames it flooded" [ "$(json_field "$NS_A" '.[0].counters.flood')" -gt \
	"$flood0" ]

# D: our VNI, our port, sending to A, but no peer of A's: nothing of it gets in or is
# learned. (D's ARP request would otherwise leave a neighbour entry on the VM it asks for.)
unknown0=$(json_field "$NS_A" '.[0].counters.drop_unknown_vtep')
stranger_ping() { in_ns "$NS_D" ping -c 2 -i 0.2 -W 1 "$(ip4_of a1)" >/dev/null 2>&1; }
check_fails "a VM does not answer an unknown VTEP's ping" stranger_ping
in_ns "$NS_D" python3 -c "import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for i in range(5):
    s.sendto(b'stranger', ('10.20.0.255', 5555))"
check "an unknown VTEP's frames are dropped and counted" [ "$(json_field "$NS_A" \
	'.[0].counters.drop_unknown_vtep')" -ge $((unknown0 + 6)) ]
check "an unknown VTEP's MAC is not learned" [ "$(xt "$NS_A" fdb show -j |
	jq '[.[] | select(.mac == "02:00:00:00:04:09")] | length')" = 0 ]
check "an unknown VTEP's frames reach no VM" [ -z "$(ip -n "$(vm a1)" neigh show 10.20.0.49)" ]

# ARP suppression. a1 asked for b1 already: b1's reply crossed from peer b, which has b1's
# MAC, and A learned the neighbour. Asked again, A answers from the table: no request
# leaves A for the underlay. The first request is caught on the same wire, so the filter
# is shown to see what it looks for: VXLAN from A, inner ARP request (RFC 826) for b1.
arp_for() { # IP: tcpdump filter for an ARP request from A inside VXLAN asking for IP
	printf 'src host %s and udp dst port 4789 and udp[28:2] = 0x0806 and udp[36:2] = 1 and udp[54:4] = 0x%s' \
		"$UNDER_A" "$(printf '%02x' $(tr . ' ' <<<"$1"))"
}
neigh_a=$(xt "$NS_A" neigh show -j)
check "A learned b1's address from its ARP reply, against peer b (neigh show -j)" \
	[ "$(jq -c --arg ip "$(ip4_of b1)" '[.[] | select(.address == $ip) |
	[.mac, .peer, .static]]' <<<"$neigh_a")" = "[[\"$(mac_of b1)\",\"b\",false]]" ]
# copies_to_each_peer N: N packets captured are copies of requests, one to each of A's two
# peers (the kernel asks again each second). asked_none_crossed ASKED:CROSSED[:MAC] [MAC]:
# the VM asked at least once, nothing crossed the underlay, and the VM took MAC if given.
copies_to_each_peer() { [ "$1" -ge 2 ] && [ $(($1 % 2)) = 0 ]; }
asked_none_crossed() {
	local asked=${1%%:*} rest=${1#*:}
	[ "$asked" -ge 1 ] && [ "${rest%%:*}" = 0 ] && { [ $# = 1 ] || [ "${rest#*:}" = "$2" ]; }
}
# An address nobody has: its request is flooded, a copy to each peer.
capture_start "$NS_A" ua "$TMP/arp1.pcap" "$(arp_for 10.20.0.88)" &&
	in_ns "$(vm a2)" ping -c 1 -W 1 10.20.0.88 >/dev/null
n=$(capture_stop "$TMP/arp1.pcap") # the kernel asks again each second
check "control: an ARP request no table answers crosses the underlay, once to each peer ($n)" \
	copies_to_each_peer "$n"
# asked IP: tcpdump filter for a1's ARP requests for IP, on a1's wire (A's port vma1).
asked() { printf 'arp[6:2] = 1 and arp[24:4] = 0x%s' "$(printf '%02x' $(tr . ' ' <<<"$1"))"; }
supp0=$(json_field "$NS_A" '.[0].counters.arp_suppressed')
ip -n "$(vm a1)" neigh flush dev eth0
capture_start "$NS_A" ua "$TMP/arp2.pcap" "$(arp_for "$(ip4_of b1)")" &&
	capture_start "$NS_A" vma1 "$TMP/ask2.pcap" "$(asked "$(ip4_of b1)")" &&
	ping_ok "$(vm a1)" "$(ip4_of b1)" 1
n=$(capture_stop "$TMP/ask2.pcap"):$(capture_stop "$TMP/arp2.pcap")
check "ARP request for a learned neighbour is answered on A: a1 asked, no copy on the underlay ($n)" \
	asked_none_crossed "$n"
check "the answer was counted (arp_suppressed)" \
	[ "$(json_field "$NS_A" '.[0].counters.arp_suppressed')" -gt "$supp0" ]
check "a1 has b1's MAC from the answer" bash -c "ip -n $(vm a1) neigh show $(ip4_of b1) |
	grep -q $(mac_of b1)"
# A static entry for an address nobody has: only A can answer it.
xt "$NS_A" neigh add 10.20.0.77 02:00:00:00:00:77
capture_start "$NS_A" ua "$TMP/arp3.pcap" "$(arp_for 10.20.0.77)" &&
	capture_start "$NS_A" vma1 "$TMP/ask3.pcap" "$(asked 10.20.0.77)" &&
	ping_ok "$(vm a1)" 10.20.0.77 1
n=$(capture_stop "$TMP/ask3.pcap"):$(capture_stop "$TMP/arp3.pcap")
check "ARP request for a static neighbour entry: answered with its MAC, a1 asked, nothing on the underlay ($n)" \
	asked_none_crossed "$n:$(ip -n "$(vm a1)" neigh show 10.20.0.77 | grep -o 02:00:00:00:00:77)" \
	02:00:00:00:00:77

# ND suppression: the same for a neighbour solicitation (ICMPv6 type 135, RFC 4861) for
# b1's IPv6 address, learned from b1's advertisement to a1 earlier.
ns_from_a='src host '"$UNDER_A"' and udp dst port 4789 and udp[28:2] = 0x86dd and udp[36:1] = 58 and udp[70:1] = 135'
capture_start "$NS_A" ua "$TMP/nd0.pcap" "$ns_from_a" &&
	in_ns "$(vm a1)" ping -6 -c 1 -W 1 fd20::88 >/dev/null
n=$(capture_stop "$TMP/nd0.pcap")
check "control: a solicitation no table answers crosses the underlay, once to each peer ($n)" \
	copies_to_each_peer "$n"
nd0=$(json_field "$NS_A" '.[0].counters.nd_suppressed')
ip -n "$(vm a1)" -6 neigh flush dev eth0
capture_start "$NS_A" ua "$TMP/nd.pcap" "$ns_from_a" &&
	capture_start "$NS_A" vma1 "$TMP/nsask.pcap" 'icmp6 and ip6[40] = 135' &&
	in_ns "$(vm a1)" ping -6 -c 1 -W 2 "$(ip6_of b1)" >/dev/null
n=$(capture_stop "$TMP/nsask.pcap"):$(capture_stop "$TMP/nd.pcap")
check "neighbour solicitation for b1: answered on A, a1 asked, none on the underlay ($n)" \
	asked_none_crossed "$n"
check "the advertisement was counted (nd_suppressed) and a1 took it" bash -c "[ \
	$(json_field "$NS_A" '.[0].counters.nd_suppressed') -gt $nd0 ] &&
	ip -n $(vm a1) -6 neigh show $(ip6_of b1) | grep -q $(mac_of b1)"

# b1 moves from B to C (same MAC, same address). Its first packet, from C, moves its entry
# on A from peer b to peer c; within a second A's VMs reach it again.
vm_unplug "$(vm b1)" "$NS_B" && vm_plug "$(vm b1)" "$NS_C" "$(mac_of b1)" &&
	ip -n "$(vm b1)" addr add "$(ip4_of b1)/24" dev eth0 &&
	ip -n "$(vm b1)" addr add "$(ip6_of b1)/64" dev eth0 nodad
# The new wire is up at both ends and C's bridge forwards on it before b1 sends: the time
# counts from a first packet that can leave.
wire_up() {
	[ "$(ip -n "$(vm b1)" -j link show eth0 | jq -r '.[0].operstate')" = UP ] &&
		[ "$(ip -n "$NS_C" -j link show "vm${1}" | jq -r '.[0].operstate')" = UP ] &&
		[ "$(bridge -n "$NS_C" -j link show dev "vm${1}" | jq -r '.[0].state')" = forwarding ]
}
for _ in $(seq 50); do wire_up b1 && break; sleep 0.1; done
moved_and_reached() { # b1's first packet, then a2 to b1: in less than a second
	local t0=$(date +%s%N) ms
	in_ns "$(vm b1)" ping -c 1 -W 1 "$(ip4_of a1)" >/dev/null &&
		in_ns "$(vm a2)" ping -c 1 -W 1 "$(ip4_of b1)" >/dev/null || return 1
	ms=$((($(date +%s%N) - t0) / 1000000))
	diag "moved VM reached after $ms ms"
	[ "$ms" -lt 1000 ]
}
check "a VM moved from B to C is reached from A within a second of its first packet" \
	moved_and_reached
check "A's entry for it moved to peer c" [ "$(xt "$NS_A" fdb show -j | jq -r --arg m \
	"$(mac_of b1)" '.[] | select(.mac == $m) | .peer')" = c ]
check "and B's VMs reach it too" ping_ok "$(vm b2)" "$(ip4_of b1)" 1

# A MAC flood from C's side: c2 sends frames from 100 made-up MACs. A keeps max-macs of
# them per peer (c's VMs were learned before) and counts the rest; B, with the default
# limit, learns them all.
limit0=$(json_field "$NS_A" '.[0].counters.drop_mac_limit')
in_ns "$(vm c2)" python3 -c "import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
for i in range(100):
    s.send(bytes.fromhex('ffffffffffff' + '0e00000100%02x' % i + '88b5') + bytes(46))"
sleep 0.5
check "MAC flood from one peer: A holds max-macs ($MAX_MACS) learned MACs behind it" \
	[ "$(xt "$NS_A" fdb show -j | jq '[.[] | select(.peer == "c")] | length')" = "$MAX_MACS" ]
check "the MACs beyond max-macs were counted (drop_mac_limit)" [ "$(json_field "$NS_A" \
	'.[0].counters.drop_mac_limit')" -ge $((limit0 + 100 - MAX_MACS)) ]
check "and counted against peer c, by reason (show -j)" [ "$(xt "$NS_A" show -j | jq \
	'.[0].peers[] | select(.name == "c") | .drops.drop_mac_limit')" -ge $((100 - MAX_MACS)) ]
check "B, with the default max-macs, learned all 100" [ "$(xt "$NS_B" fdb show -j |
	jq '[.[] | select(.mac | startswith("0e:00:00:01:00:"))] | length')" = 100 ]
check "A's VMs still reach C's known VMs" ping_ok "$(vm a1)" "$(ip4_of c1)" 1

# GENEVE L2 between the two xtunnel hosts, next to the VXLAN overlay on the same uplinks:
# xg0 on bridge br1 of A and of B, a VM on each. What crosses the underlay is decoded by
# tshark; every value it must have comes from the configuration here.
G1_MAC=02:00:00:00:05:01 G2_MAC=02:00:00:00:06:01
xt "$NS_A" attach ua dev xg0 mode l2 encap geneve vni 4242 &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" dev xg0 &&
	xt "$NS_B" attach ub dev xg0 mode l2 encap geneve vni 4242 &&
	xt "$NS_B" peer add a endpoint "$UNDER_A" dev xg0 &&
	l2_bridge "$NS_A" xg0 br1 && l2_bridge "$NS_B" xg0 br1 &&
	vm_new "$(vm g1)" "$NS_A" "$G1_MAC" 10.21.0.1 fd21::1 br1 &&
	vm_new "$(vm g2)" "$NS_B" "$G2_MAC" 10.21.0.2 fd21::2 br1 ||
	not_ok "GENEVE L2 overlays xg0 on A and B, a VM behind each"
check "GENEVE: ping across (ARP flooded to the one peer)" ping_ok "$(vm g1)" 10.21.0.2 2
capture_start "$NS_A" ua "$TMP/geneve.pcap" 'udp dst port 6081 and src host '"$UNDER_A" &&
	in_ns "$(vm g1)" ping -c 1 -W 1 -s 300 10.21.0.2 >/dev/null
capture_stop "$TMP/geneve.pcap" >/dev/null
check "GENEVE: the echo request crossed the underlay as one packet" [ "$(tshark -r \
	"$TMP/geneve.pcap" -Y 'icmp.type == 8' 2>/dev/null | wc -l)" = 1 ]
out=$(tshark -r "$TMP/geneve.pcap" -Y 'icmp.type == 8' -T fields -E separator=' ' -e ip.src -e ip.dst \
	-e udp.dstport -e geneve.version -e geneve.flags.critical -e geneve.proto_type \
	-e geneve.vni -e eth.src -e eth.dst -e icmp.type 2>/dev/null)
diag "GENEVE on the wire (tshark): $out"
read -r ipsrc ipdst dport ver critical ptype vni esrc edst itype <<<"$out"
check "GENEVE (tshark): UDP port 6081, version 0, no critical option, VNI 4242" \
	[ "$dport:$ver:$critical:$((vni))" = "6081:0:0:4242" ]
check "GENEVE (tshark): protocol type 0x6558, Transparent Ethernet Bridging (RFC 8926 3.4)" \
	[ "$ptype" = 0x6558 ]
check "GENEVE (tshark): outer A to B, inner g1 to g2 (MACs, addresses), an echo request" \
	[ "$ipsrc $ipdst ${esrc#*,} ${edst#*,} $itype" = \
	"$UNDER_A,10.21.0.1 $UNDER_B,10.21.0.2 $G1_MAC $G2_MAC 8" ]
geneve_tcp() {
	tcp_transfer "$(vm g1)" "$(vm g2)" 10.21.0.2 1 &&
		tcp_transfer "$(vm g2)" "$(vm g1)" 10.21.0.1 1
}
check "GENEVE: TCP 1 MiB byte for byte, both ways" geneve_tcp
check "GENEVE: B learned g1's MAC behind a (fdb show dev xg0 -j)" [ "$(xt "$NS_B" fdb show \
	dev xg0 -j | jq -r --arg m "$G1_MAC" '.[] | select(.mac == $m) | .peer')" = a ]
check "GENEVE and VXLAN apart: B's VXLAN FDB has no GENEVE VM" [ "$(xt "$NS_B" fdb show \
	dev xt0 -j | jq --arg m "$G1_MAC" '[.[] | select(.mac == $m)] | length')" = 0 ]
tap_done
