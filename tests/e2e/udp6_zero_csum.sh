#!/bin/bash
# udp6-zero-csum (RFC 6935 section 5, RFC 6936): a peer of a VXLAN or GENEVE overlay over
# IPv6 to which the outer UDP checksum is 0, and whose GSO packets are encapsulated whole.
# Checked here: GENEVE over IPv6 between two xtunnel hosts with the flag on both peers, TCP
# byte for byte, the underlay seen by tshark (every outer checksum 0, super-packets longer
# than the MTU crossing the veth whole, none segmented); the flag switched off live (computed
# checksums, the segment path again); xtunnel VXLAN over IPv6 with the flag against the
# kernel's vxlan with udp6zerocsumrx; and the overlays where it means nothing refused with
# exit 2, nothing changed.
. "$(dirname "$0")/../lib/netns.sh"

underlay6() {
	ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad &&
		ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad
}

teardown() {
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
}

counter() { # NS NAME
	json_field "$1" ".[0].counters[\"$2\"]"
}

# counters_are NS JQ_EXPR WANT: JQ_EXPR over the overlay's counters is WANT (compact JSON).
counters_are() {
	[ "$(json_field "$1" ".[0].counters | $2" | jq -c .)" = "$3" ]
}

# outer_udp PCAP PORT: "frame length, outer UDP checksum" of each tunnel packet to PORT.
outer_udp() {
	tshark -r "$1" -Y "udp.dstport == $2" -T fields -E separator=' ' -e frame.len \
		-e udp.checksum 2>/dev/null | awk '{ print $1, $2 }'
}

# zero_and_whole PCAP PORT: packets there, every outer checksum 0, and some longer than the
# wire's 1514 bytes: super-packets that crossed the veth whole.
zero_and_whole() {
	local rows
	rows=$(outer_udp "$1" "$2")
	diag "$(awk '{ n++; if ($2 == "0x0000") z++; if ($1 > 1514) w++ }
		END { printf "%d packets, %d with checksum 0, %d longer than 1514", n, z, w }' \
		<<<"$rows")"
	awk '{ n++; if ($2 != "0x0000") bad++; if ($1 > 1514) w++ }
		END { exit !(n > 0 && !bad && w > 0) }' <<<"$rows"
}

# all_computed PCAP PORT: packets there, none with checksum 0, none longer than 1514 (the
# segment path cuts them before encap).
all_computed() {
	local rows
	rows=$(outer_udp "$1" "$2")
	diag "$(awk '{ n++; if ($2 == "0x0000") z++; if ($1 > 1514) w++ }
		END { printf "%d packets, %d with checksum 0, %d longer than 1514", n, z, w }' \
		<<<"$rows")"
	awk '{ n++; if ($2 == "0x0000") bad++; if ($1 > 1514) bad++ }
		END { exit !(n > 0 && !bad) }' <<<"$rows"
}

# capture_transfer NAME PCAP PORT: TCP 4 MiB A -> B byte for byte while B's uplink is
# captured for tunnel packets from A to PORT.
capture_transfer() {
	if ! capture_start "$NS_B" ub "$2" "udp dst port $3 and src host 2001:db8::1"; then
		not_ok "$1: capture on B's uplink"
		return 1
	fi
	check "$1: TCP 4 MiB A -> B byte for byte while capturing" \
		tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 4
	capture_stop "$2" >/dev/null
	return 0
}

geneve_case() {
	local pcap=$TMP/geneve.pcap seg
	diag "case: GENEVE over IPv6, udp6-zero-csum on both peers"
	topo_pair "" && underlay6 &&
		xt "$NS_A" attach ua encap geneve vni 42 local 2001:db8::1 address 10.10.0.1/24 \
			address fd00:10::1/64 rx tc &&
		xt "$NS_B" attach ub encap geneve vni 42 local 2001:db8::2 address 10.10.0.2/24 \
			address fd00:10::2/64 rx tc &&
		xt "$NS_A" peer add b endpoint "[2001:db8::2]" allowed-ips 10.10.0.2/32,fd00:10::2/128 \
			udp6-zero-csum on &&
		xt "$NS_B" peer add a endpoint "[2001:db8::1]" allowed-ips 10.10.0.1/32,fd00:10::1/128 \
			udp6-zero-csum on &&
		ping_ok "$NS_A" 10.10.0.2 3 || {
		not_ok "geneve: set up"
		teardown
		return
	}
	check "geneve: show -j says udp6_zero_csum and lists the flag" [ "$(json_field "$NS_A" \
		'.[0].peers[0] | [.udp6_zero_csum, (.flags | index("udp6-zero-csum") != null)]' |
		jq -c .)" = '[true,true]' ]
	check "geneve: show lists the flag" \
		bash -c "ip netns exec $NS_A $XTUNNEL show | grep -qxF '  flags: udp6-zero-csum'"
	check "geneve: TCP over IPv4 8 MiB A -> B byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 8
	check "geneve: TCP over IPv4 8 MiB B -> A byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 8
	check "geneve: TCP over IPv6 8 MiB A -> B byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" fd00:10::2 8
	check "geneve: TCP over IPv6 8 MiB B -> A byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" fd00:10::1 8
	check "geneve: A encapsulated every GSO packet whole, none went the segment path" \
		counters_are "$NS_A" '[.encap > 0, .segment, .vxlan_device]' '[true,0,0]'
	check "geneve: B decapsulated super-packets whole" [ "$(counter "$NS_B" decap)" -lt \
		"$(json_field "$NS_B" '.[0].peers[0].rx_packets')" ]
	if capture_transfer geneve "$pcap" 6081; then
		check "geneve: on the wire every outer UDP checksum is 0, super-packets whole" \
			zero_and_whole "$pcap" 6081
	fi

	# Off again, live: A computes its checksums, and its GSO packets take the segment path.
	# B keeps the flag: what it accepts does not depend on it.
	check "geneve: peer set b udp6-zero-csum off" xt "$NS_A" peer set b udp6-zero-csum off
	check "geneve: show -j says it is off, the flag gone" [ "$(json_field "$NS_A" \
		'.[0].peers[0] | [.udp6_zero_csum, .flags]' | jq -c .)" = '[false,[]]' ]
	seg=$(counter "$NS_A" segment)
	if capture_transfer "geneve off" "$TMP/off.pcap" 6081; then
		check "geneve off: every outer UDP checksum computed, nothing longer than the MTU" \
			all_computed "$TMP/off.pcap" 6081
	fi
	check "geneve off: A's GSO packets went the segment path" \
		[ "$(counter "$NS_A" segment)" -gt "$seg" ]
	check "geneve: peer set b udp6-zero-csum on again" xt "$NS_A" peer set b udp6-zero-csum on
	check "geneve on again: TCP 4 MiB A -> B byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 4
	teardown
}

# xtunnel VXLAN over IPv6 with the flag on A; B is the kernel's vxlan, which takes a zero
# checksum over IPv6 only with udp6zerocsumrx (and sends its own with checksums).
kernel_case() {
	local pcap=$TMP/kernel.pcap
	diag "case: xtunnel VXLAN over IPv6 with udp6-zero-csum against the kernel's vxlan"
	topo_pair "" && underlay6 &&
		xt "$NS_A" attach ua vni 42 local 2001:db8::1 address 10.10.0.1/24 \
			address fd00:10::1/64 rx tc &&
		xt "$NS_A" peer add b endpoint "[2001:db8::2]" allowed-ips 10.10.0.2/32,fd00:10::2/128 \
			udp6-zero-csum on &&
		ip -n "$NS_B" link add vx0 type vxlan id 42 remote 2001:db8::1 local 2001:db8::2 \
			dstport 4789 dev ub udp6zerocsumrx &&
		ip -n "$NS_B" addr add 10.10.0.2/24 dev vx0 &&
		ip -n "$NS_B" addr add fd00:10::2/64 dev vx0 nodad &&
		ip -n "$NS_B" link set vx0 up && ping_ok "$NS_A" 10.10.0.2 3 || {
		not_ok "kernel: set up"
		teardown
		return
	}
	check "kernel: TCP over IPv4 8 MiB xtunnel -> kernel byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 8
	check "kernel: TCP over IPv4 8 MiB kernel -> xtunnel byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 8
	check "kernel: TCP over IPv6 8 MiB xtunnel -> kernel byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" fd00:10::2 8
	check "kernel: A's GSO packets went neither to the vxlan device nor the segment path" \
		counters_are "$NS_A" '[.encap > 0, .segment, .vxlan_device]' '[true,0,0]'
	if capture_transfer kernel "$pcap" 4789; then
		check "kernel: on the wire every outer UDP checksum is 0, super-packets whole" \
			zero_and_whole "$pcap" 4789
	fi
	teardown
}

# refused NAME COMMAND...: exit 2 with an "xtunnel: ... udp6-zero-csum" line.
refused() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = 2 ] && grep -q "^xtunnel: .*udp6-zero-csum" <<<"$out"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, said: $(head -1 <<<"$out"))"
	fi
}

errors_case() {
	diag "case: where udp6-zero-csum means nothing"
	topo_pair "" && underlay6 &&
		xt "$NS_A" attach ua encap gre local 2001:db8::1 address 10.10.0.1/24 rx tc &&
		xt "$NS_A" attach ua dev xv4 vni 43 local "$UNDER_A" address 10.11.0.1/24 rx tc &&
		xt "$NS_A" peer add g endpoint 2001:db8::2 allowed-ips 10.10.0.2/32 dev xt0 || {
		not_ok "errors: set up"
		teardown
		return
	}
	refused "errors: peer add on a GRE overlay refused" xt "$NS_A" peer add h \
		endpoint 2001:db8::3 allowed-ips 10.10.0.3/32 udp6-zero-csum on dev xt0
	check "errors: and no peer h was added" [ "$(xt "$NS_A" show xt0 -j |
		jq '[.[0].peers[].name] | index("h")')" = null ]
	refused "errors: peer set on a GRE overlay refused" xt "$NS_A" peer set g \
		udp6-zero-csum on dev xt0
	check "errors: and peer g's flags are unchanged" [ "$(xt "$NS_A" show xt0 -j |
		jq -c '.[0].peers[0].flags')" = '[]' ]
	refused "errors: peer add on VXLAN over IPv4 refused" xt "$NS_A" peer add v \
		endpoint "$UNDER_B" allowed-ips 10.11.0.2/32 udp6-zero-csum on dev xv4
	check "errors: and no peer v was added" [ "$(xt "$NS_A" show xv4 -j |
		jq '.[0].peers | length')" = 0 ]
	check_fails "errors: udp6-zero-csum maybe is a usage error" \
		xt "$NS_A" peer set g udp6-zero-csum maybe dev xt0
	cat >"$TMP/gre.conf" <<EOF
[Overlay]
Name = xg1
Uplink = ua
Encap = gre
Local = 2001:db8::1

[Peer]
Name = g
Endpoint = [2001:db8::5]
AllowedIPs = 10.12.0.2/32
UDP6ZeroChecksum = true
EOF
	refused "errors: a config file with it on a GRE overlay refused" xt "$NS_A" up "$TMP/gre.conf"
	check "errors: and nothing was made" bash -c "! ip -n $NS_A link show xg1 2>/dev/null"
	teardown
}

geneve_case
kernel_case
errors_case
tap_done
