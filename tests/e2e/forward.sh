#!/bin/bash
# forward-from: two gateways A and B, each with a LAN host (C behind A, S behind B). What C
# sends to S is encapsulated by XDP on A's LAN port and decapsulated by B straight out of
# B's LAN port, and back; the kernel's own path takes what the fast path leaves (ARP, the
# first packets before a neighbour is known, packets too big for the overlay MTU).
#
#   C c0 --- la A ua ==== ub B lb --- s0 S      (topo_lans in tests/lib/netns.sh)
. "$(dirname "$0")/../lib/netns.sh"
PY=/usr/bin/python3 # Debian's interpreter, where python3-scapy is (see DESIGN.md)

C4=10.1.0.2 S4=10.2.0.2 C6=fd01::2 S6=fd02::2

# gateways ENCAP RX UNDERLAY: both overlays, peers, and the routes to the far LAN.
gateways() {
	local encap=$1 rx=$2 under=$3 ea=192.0.2.1 eb=192.0.2.2
	[ "$under" = 6 ] && ea="[2001:db8::1]" eb="[2001:db8::2]"
	xt "$NS_A" attach ua encap "$encap" address 10.99.0.1/24 address fd99::1/64 rx "$rx" \
		forward-from la 2>/dev/null &&
		xt "$NS_B" attach ub encap "$encap" address 10.99.0.2/24 address fd99::2/64 rx "$rx" \
			forward-from lb 2>/dev/null &&
		xt "$NS_A" peer add b endpoint "$eb" \
			allowed-ips 10.99.0.2/32,10.2.0.0/24,fd99::2/128,fd02::/64 &&
		xt "$NS_B" peer add a endpoint "$ea" \
			allowed-ips 10.99.0.1/32,10.1.0.0/24,fd99::1/128,fd01::/64 || return 1
	# On an L2 overlay the far LAN is reached through the far gateway's overlay address
	# (its MAC is what the inner frame carries); GRE and IPIP overlays have no neighbours.
	# The kernel solicits an IPv6 neighbour for a forwarded packet only from a link-local
	# address, which the overlay has none of: the far gateway's is a static entry.
	if [ "$encap" = vxlan ] || [ "$encap" = geneve ]; then
		ip -n "$NS_A" route replace 10.2.0.0/24 via 10.99.0.2 dev xt0 &&
			ip -n "$NS_A" route replace fd02::/64 via fd99::2 dev xt0 &&
			ip -n "$NS_B" route replace 10.1.0.0/24 via 10.99.0.1 dev xt0 &&
			ip -n "$NS_B" route replace fd01::/64 via fd99::1 dev xt0 &&
			ip -n "$NS_A" neigh replace fd99::2 dev xt0 nud permanent \
				lladdr "$(ip -n "$NS_B" -j link show xt0 | jq -r '.[0].address')" &&
			ip -n "$NS_B" neigh replace fd99::1 dev xt0 nud permanent \
				lladdr "$(ip -n "$NS_A" -j link show xt0 | jq -r '.[0].address')"
	fi
}

# bulk NS FAST SLOW: counter FAST is over 100 and over 10 times counter SLOW.
bulk() {
	local fast slow
	fast=$(counter "$1" "$2") slow=$(counter "$1" "$3")
	[ "$fast" -gt 100 ] && [ "$fast" -gt $((10 * slow)) ] || {
		diag "$1: $2 $fast, $3 $slow"
		return 1
	}
}

counter() {
	json_field "$1" ".[0].counters[\"$2\"]"
}

# ttl_seen NS DST EXPECTED: the TTL (hop limit) of the echo replies is EXPECTED.
ttl_seen() {
	local out
	out=$(in_ns "$1" ping -c 2 -i 0.2 -W 1 "$2" 2>&1) || return 1
	grep -qE "(ttl|hlim)=$3 " <<<"$out"
}

run_case() {
	local encap=$1 rx=$2 under=$3 name="$1 over IPv$3, rx $2" mtu
	lans_del
	topo_lans "$under" || { not_ok "$name: build the four hosts"; return; }
	gateways "$encap" "$rx" "$under" || { not_ok "$name: attach both gateways"; return; }
	check "$name: C reaches S over IPv4" ping_ok "$NS_C" "$S4" 3
	check "$name: C reaches S over IPv6" ping_ok "$NS_C" "$S6" 3
	# Two routers on the way: each takes one hop off the replies S and C send with 64.
	check "$name: replies from S arrive with TTL 62" ttl_seen "$NS_C" "$S4" 62
	check "$name: replies from C arrive with hop limit 62" ttl_seen "$NS_S" "$C6" 62
	check "$name: 4 MiB C -> S over TCP/IPv4, byte for byte" \
		tcp_transfer "$NS_C" "$NS_S" "$S4" 4
	check "$name: 4 MiB S -> C over TCP/IPv6, byte for byte" \
		tcp_transfer "$NS_S" "$NS_C" "$C6" 4
	# The fast path carried the bulk: over 100 packets (GRO merges what reaches a TC
	# receive path) and over 10 times what went through the overlay device.
	check "$name: A encapsulated in XDP" bulk "$NS_A" forward_encap encap
	check "$name: B sent decapsulated packets straight to S" bulk "$NS_B" forward_decap decap
	check "$name: and the other way (B encapsulated, A straight to C)" \
		bulk "$NS_B" forward_encap encap && bulk "$NS_A" forward_decap decap
	check "$name: peer counters see the forwarded traffic" \
		[ "$(json_field "$NS_A" '.[0].peers[0].tx_bytes')" -gt 4000000 ]
	# Too big for the overlay: the fast path leaves it to the kernel, which says so.
	mtu=$(json_field "$NS_A" '.[0].mtu')
	check "$name: a DF packet over the overlay MTU ($mtu) gets 'fragmentation needed'" \
		grep -q "mtu *= *$mtu" <<<"$(in_ns "$NS_C" ping -c 1 -W 1 -M do -s "$((mtu - 27))" "$S4" 2>&1)"
	xt "$NS_A" detach xt0 && xt "$NS_B" detach xt0
	check "$name: detach takes XDP off the LAN ports" \
		[ -z "$(ip -n "$NS_A" link show la | grep -w xdp)$(ip -n "$NS_B" link show lb | grep -w xdp)" ]
}

# The packet on the wire: built by A's XDP program, decoded by tshark; every expected
# value comes from the configuration, not from the capture.
wire_check() {
	local mac_a mac_b pcap=$TMP/wire.pcap out pid
	lans_del
	# B receives with TC: a frame XDP-redirected into a veth whose peer runs XDP would be
	# taken before tcpdump could see it.
	topo_lans 4 && gateways vxlan tc 4 || { not_ok "wire: set up"; return; }
	ping_ok "$NS_C" "$S4" 2 # resolves the neighbours: the fast path needs them
	mac_a=$(ip -n "$NS_A" -j link show xt0 | jq -r '.[0].address')
	mac_b=$(ip -n "$NS_B" -j link show xt0 | jq -r '.[0].address')
	in_ns "$NS_B" timeout 10 tshark -q -i ub -c 1 -w "$pcap" -f 'udp dst port 4789' 2>/dev/null &
	pid=$!
	_started_pids+=("$pid")
	sleep 1
	in_ns "$NS_C" ping -c 1 -W 1 -s 200 "$S4" >/dev/null
	wait "$pid"
	out=$(tshark -r "$pcap" -o ip.check_checksum:TRUE -T fields -E separator=' ' \
		-e ip.src -e ip.dst -e vxlan.vni -e eth.src -e eth.dst -e ip.ttl -e ip.checksum.status \
		-e icmp.type 2>/dev/null)
	diag "wire: $out"
	read -r osrc idst vni esrc edst ttl csum itype <<<"$out"
	check "wire: outer addresses are A's and B's underlay" \
		[ "$osrc" = "192.0.2.1,10.1.0.2" -a "$idst" = "192.0.2.2,10.2.0.2" ]
	check "wire: VNI 1" [ "$vni" = 1 ]
	check "wire: inner frame from A's overlay MAC to B's (the FIB's next hop)" \
		[ "$esrc" = "$(ip -n "$NS_A" -j link show ua | jq -r '.[0].address'),$mac_a" ] &&
		[ "$edst" = "$(ip -n "$NS_B" -j link show ub | jq -r '.[0].address'),$mac_b" ]
	check "wire: inner TTL 63 (one hop), outer TTL 64" [ "$ttl" = "64,63" ]
	check "wire: both IPv4 header checksums are good" [ "$csum" = "1,1" ]
	check "wire: an echo request inside" [ "$itype" = 8 ]
}

errors() {
	local out rc
	lans_del
	topo_lans 4 || { not_ok "errors: set up"; return; }
	out=$(xt "$NS_A" attach ua address 10.99.0.1/24 forward-from nosuch0 2>&1)
	rc=$?
	check "forward-from a missing device: exit 2, says which" \
		[ "$rc" = 2 ] && grep -q "nosuch0: no such device" <<<"$out"
	out=$(xt "$NS_A" attach ua address 10.99.0.1/24 forward-from ua 2>&1)
	rc=$?
	check "forward-from the uplink: exit 2, says why" \
		[ "$rc" = 2 ] && grep -q "that is the uplink" <<<"$out"
	out=$(xt "$NS_A" attach ua address 10.99.0.1/24 forward-from la,la 2>&1)
	check "forward-from a port twice: refused" grep -q "named twice" <<<"$out"
	out=$(xt "$NS_A" attach ua address 10.99.0.1/24 forward-from la, 2>&1)
	check "forward-from with an empty name: usage error" [ $? = 2 ]
	in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=0
	out=$(xt "$NS_A" attach ua address 10.99.0.1/24 forward-from la 2>&1)
	rc=$?
	check "forwarding off: exit 2, names the sysctl" \
		[ "$rc" = 2 ] && grep -q "net.ipv4.ip_forward=1" <<<"$out"
	in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1
	in_ns "$NS_A" xdp-loader load -m native la /usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o \
		>/dev/null 2>&1 || { not_ok "errors: load another XDP program on la"; return; }
	out=$(xt "$NS_A" attach ua address 10.99.0.1/24 forward-from la 2>&1)
	rc=$?
	check "a port with another XDP program: exit 1, says why" \
		[ "$rc" = 1 ] && grep -q "another XDP program is attached" <<<"$out"
	check "and nothing is left behind (no overlay, uplink untouched)" \
		[ -z "$(ip -n "$NS_A" link show xt0 2>/dev/null)$(ip -n "$NS_A" link show ua | grep -w xdp)" ]
	check "and the other program is still on the port" \
		grep -q xdpfilt_alw_all <<<"$(in_ns "$NS_A" xdp-loader status la 2>/dev/null)"
	in_ns "$NS_A" xdp-loader unload la --all >/dev/null 2>&1
	xt "$NS_A" attach ua address 10.99.0.1/24 forward-from la 2>/dev/null
	check "show names the port" [ "$(json_field "$NS_A" '.[0].forward_from[0]')" = la ]
	check "reload keeps the port's program, new" reload_replaces
	ip -n "$NS_A" link del xt0
	xt "$NS_A" detach xt0 2>/dev/null
	check "an overlay deleted behind our back: detach still takes XDP off its port" \
		[ -z "$(ip -n "$NS_A" link show la | grep -w xdp)" ]
}

# udp_to_s: UDP datagrams S received for a port where nothing listens (IPv4 and IPv6).
udp_to_s() {
	in_ns "$NS_S" awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { n = $3 }
		$1 == "Udp6NoPorts" { m = $2 } END { print n + m }' /proc/net/snmp /proc/net/snmp6
}

# from_c KIND...: 5 UDP datagrams to S's port 9 from C for each KIND (see the Python).
from_c() {
	in_ns "$NS_C" "$PY" - "$mac_la" "$mac_c0" "$@" <<'PY' 2>&1 | grep -v WARNING
import sys
from scapy.all import Ether, IP, IPv6, UDP, Raw, sendp
mac_la, mac_c0 = sys.argv[1:3]
frames = []
for kind in sys.argv[3:]:
    dst_mac, l3 = mac_la, IP(src="10.1.0.2", dst="10.2.0.2")
    if kind == "broadcast-mac":
        dst_mac = "ff:ff:ff:ff:ff:ff"
    elif kind == "other-mac":
        dst_mac = "02:00:00:00:99:99"
    elif kind.startswith("from-"):
        src = kind[5:]
        l3 = IPv6(src=src, dst="fd02::2") if ":" in src else IP(src=src, dst="10.2.0.2")
    elif kind != "good":
        raise SystemExit("unknown kind " + kind)
    frames += [Ether(dst=dst_mac, src=mac_c0) / l3 / UDP(sport=40000, dport=9) / Raw(b"x" * 32)] * 5
sendp(frames, iface="c0", verbose=False)
PY
	sleep 0.5
}

# from_a INNER_MAC [SRC]: 5 VXLAN packets from A's underlay address to B, each carrying a
# UDP datagram from SRC (default C) to S's port 9 in an inner frame to INNER_MAC, as A's
# encap would send it.
from_a() {
	in_ns "$NS_A" "$PY" - "$1" "${2:-10.1.0.2}" "$(mac_of "$NS_B" ub)" "$(mac_of "$NS_A" ua)" \
		"$(mac_of "$NS_A" xt0)" <<'PY' 2>&1 | grep -v WARNING
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp
from scapy.layers.vxlan import VXLAN
inner_mac, src, mac_ub, mac_ua, mac_xt0 = sys.argv[1:6]
inner = (Ether(dst=inner_mac, src=mac_xt0) / IP(src=src, dst="10.2.0.2", ttl=63) /
         UDP(sport=40000, dport=9) / Raw(b"y" * 32))
frame = (Ether(dst=mac_ub, src=mac_ua) / IP(src="192.0.2.1", dst="192.0.2.2", flags="DF") /
         UDP(sport=50000, dport=4789, chksum=0) / VXLAN(vni=1, flags=0x08) / inner)
sendp([frame] * 5, iface="ua", verbose=False)
PY
	sleep 0.5
}

mac_of() {
	ip -n "$1" -j link show "$2" | jq -r '.[0].address'
}

# Decapsulated, a packet goes straight to B's LAN port only if B's kernel would forward it
# from the overlay device: an inner frame to another MAC than the device's is the kernel's
# to drop (PACKET_OTHERHOST), and so is a source (within A's allowed-ips) whose way back
# does not leave through the overlay device (rp_filter); S never sees either.
decap_rules() {
	local rx=$1 fwd got
	fwd=$(counter "$NS_B" forward_decap) got=$(udp_to_s)
	from_a "$(mac_of "$NS_B" xt0)"
	check "kernel rules, B rx $rx: an inner frame to B's overlay MAC goes straight to S" \
		[ "$(counter "$NS_B" forward_decap)" = $((fwd + 5)) -a "$(udp_to_s)" = $((got + 5)) ]
	fwd=$(counter "$NS_B" forward_decap) got=$(udp_to_s)
	from_a 02:00:00:00:99:98
	check "kernel rules, B rx $rx: an inner frame to another MAC is left to the kernel" \
		[ "$(counter "$NS_B" forward_decap)" = "$fwd" ]
	check "kernel rules, B rx $rx: which drops it: S receives nothing" [ "$(udp_to_s)" = "$got" ]
	in_ns "$NS_B" sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.xt0.rp_filter=1
	ip -n "$NS_B" route add 10.1.0.77/32 dev lb
	fwd=$(counter "$NS_B" forward_decap) got=$(udp_to_s)
	from_a "$(mac_of "$NS_B" xt0)" 10.1.0.77
	check "kernel rules, B rx $rx: a source routed back through the LAN is left to the kernel" \
		[ "$(counter "$NS_B" forward_decap)" = "$fwd" ]
	check "kernel rules, B rx $rx: whose rp_filter drops it: S receives nothing" \
		[ "$(udp_to_s)" = "$got" ]
}

# What the kernel refuses to forward, the fast path must not forward either (fwd.h):
# frames not addressed to the port's MAC, sources that are the gateway's own addresses or
# martians, or not routed back through the port they came in on. A LAN host sends each;
# A's fast path must leave them all to the kernel (pass-slow-path, never forward-encap),
# and the kernel drops them (rp_filter on), so S receives nothing; while C's own datagrams
# still take the fast path to S. IPv6 has no rp_filter nor a check of local sources in the
# kernel's forwarding (ip6_forward): a LAN packet from A's own IPv6 address is refused by
# the fast path and forwarded by the kernel, as by any Linux router (docs/security.md).
kernel_rules() {
	local rx=$1 fwd slow got bad
	lans_del
	topo_lans 4 && gateways vxlan "$rx" 4 || { not_ok "kernel rules, rx $rx: set up"; return; }
	in_ns "$NS_A" sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.la.rp_filter=1
	# A default route back through the LAN port: every source is then routed back the way
	# it came, and only the martian rule refuses 0.0.0.7 and 224.0.0.9.
	ip -n "$NS_A" route add default via 10.1.0.2 dev la
	ping_ok "$NS_C" "$S4" 2 && ping_ok "$NS_C" "$S6" 2 # neighbours, both ways
	mac_la=$(mac_of "$NS_A" la) mac_c0=$(mac_of "$NS_C" c0)
	fwd=$(counter "$NS_A" forward_encap) got=$(udp_to_s)
	from_c good
	check "kernel rules: C's datagrams take the fast path to S" \
		[ "$(counter "$NS_A" forward_encap)" -ge $((fwd + 5)) ] &&
		[ "$(udp_to_s)" = $((got + 5)) ]
	for bad in from-10.99.0.1 from-10.1.0.1 broadcast-mac other-mac from-127.0.0.1 \
		from-0.0.0.7 from-224.0.0.9 from-192.0.2.99; do
		fwd=$(counter "$NS_A" forward_encap) slow=$(counter "$NS_A" pass_slow_path)
		got=$(udp_to_s)
		from_c "$bad"
		check "kernel rules: $bad is left to the kernel, not forwarded by XDP" \
			[ "$(counter "$NS_A" forward_encap)" = "$fwd" ] &&
			[ "$(counter "$NS_A" pass_slow_path)" -ge $((slow + 5)) ]
		check "kernel rules: $bad does not reach S" [ "$(udp_to_s)" = "$got" ]
	done
	fwd=$(counter "$NS_A" forward_encap) slow=$(counter "$NS_A" pass_slow_path)
	from_c from-fd99::1
	check "kernel rules: from A's own IPv6 address is left to the kernel" \
		[ "$(counter "$NS_A" forward_encap)" = "$fwd" ] &&
		[ "$(counter "$NS_A" pass_slow_path)" -ge $((slow + 5)) ]
	decap_rules "$rx"
}

reload_replaces() {
	local before after
	before=$(ip -n "$NS_A" -j link show la | jq -r '.[0].xdp.prog.id')
	xt "$NS_A" reload xt0 || return 1
	after=$(ip -n "$NS_A" -j link show la | jq -r '.[0].xdp.prog.id')
	[ -n "$before" ] && [ "$before" != null ] && [ "$after" != null ] && [ "$before" != "$after" ]
}

errors
wire_check
kernel_rules xdp
kernel_rules tc
run_case vxlan xdp 4
run_case vxlan tc 4
run_case gre tc 4
run_case ipip xdp 4
run_case geneve tc 6
run_case gre xdp 6
tap_done
