#!/bin/bash
# xtunnel against the kernel's own vxlan device, configured with nothing but
# `ip link add vx0 type vxlan id 42 remote A local B dstport 4789 dev IF` and an address:
# no static neighbour or FDB entry on either side, so ARP must cross the tunnel.
# Both receive paths: TC on a default veth wire, XDP on a wire with tx checksum offload off;
# and over an IPv6 underlay, where the kernel checks the outer UDP checksum we compute
# (udp6zerocsumrx is off by default), with IPv4 and IPv6 inside.
. "$(dirname "$0")/../lib/netns.sh"

run_case() {
	local rx=$1 wire=$2
	diag "case: rx $rx, wire ${wire:-default offloads}"
	if ! topo_pair "$wire" ||
		! kernel_vxlan "$NS_B" ub "$UNDER_B" "$UNDER_A" 10.10.0.2/24 ||
		! xt "$NS_A" attach ua dev xt0 vni 42 address 10.10.0.1/24 rx "$rx" 2>/dev/null ||
		! xt "$NS_A" peer add vxhost endpoint "$UNDER_B" allowed-ips 10.10.0.2/32; then
		not_ok "rx $rx: set up xtunnel and kernel vxlan"
		return
	fi
	check "rx $rx: receive path is $rx" [ "$(json_field "$NS_A" '.[0].rx')" = "$rx" ]
	check "rx $rx: ping xtunnel -> kernel vxlan (ARP across the tunnel)" \
		ping_ok "$NS_A" 10.10.0.2
	check "rx $rx: ping kernel vxlan -> xtunnel" ping_ok "$NS_B" 10.10.0.1
	check "rx $rx: kernel vxlan learned xtunnel's MAC by ARP, not by a static entry" \
		bash -c "ip -n $NS_B neigh show dev vx0 10.10.0.1 | grep -qv PERMANENT"
	check "rx $rx: TCP 8 MiB xtunnel -> kernel vxlan byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 8
	check "rx $rx: TCP 8 MiB kernel vxlan -> xtunnel byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 8
	check "rx $rx: peer counted rx and tx" [ "$(json_field "$NS_A" \
		'.[0].peers[0] | (.rx_packets > 0 and .tx_packets > 0 and .rx_bytes > 8388608)')" \
		= true ]
	# The kernel's vx0 also sends IPv6 link-local traffic (router solicitations, MLD),
	# counted as drop-link-local; nothing else may be dropped.
	check "rx $rx: no malformed, spoofed or failed packets" [ "$(json_field "$NS_A" \
		'.[0].counters | .drop_malformed + .drop_spoofed + .drop_encap_failed +
		.drop_decap_failed + .drop_vxlan_flags + .drop_no_route')" = 0 ]
	ip netns del "$NS_A"
	ip netns del "$NS_B"
}

run_case tc ""
run_case xdp tx-off

# On the default wire the kernel takes CHECKSUM_PARTIAL packets on trust. On the tx-off
# wire every checksum is computed before it leaves A and verified by B's stack, so there
# the kernel's vxlan judges the outer UDP checksum of each segment of what went through
# xtunnel's vxlan device, and of every packet xtunnel encapsulated itself.
run_case6() {
	local wire=$1 w=${1:-default}
	diag "case: IPv6 underlay, rx tc, $w wire"
	if ! topo_pair "$wire" || ! ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad ||
		! ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad ||
		! kernel_vxlan "$NS_B" ub 2001:db8::2 2001:db8::1 10.10.0.2/24 ||
		! ip -n "$NS_B" addr add fd00:10::2/64 dev vx0 nodad ||
		! xt "$NS_A" attach ua vni 42 local 2001:db8::1 address 10.10.0.1/24 \
			address fd00:10::1/64 rx tc 2>/dev/null ||
		! xt "$NS_A" peer add vxhost endpoint "[2001:db8::2]" \
			allowed-ips 10.10.0.2/32,fd00:10::2/128; then
		not_ok "IPv6 underlay, $w wire: set up xtunnel and kernel vxlan"
		return
	fi
	check "IPv6 underlay, $w wire: ping xtunnel -> kernel vxlan over IPv4" \
		ping_ok "$NS_A" 10.10.0.2
	check "IPv6 underlay, $w wire: ping over IPv6 (neighbour discovery)" \
		bash -c "ip netns exec $NS_A ping -6 -c 2 -i 0.2 -W 1 fd00:10::2 >/dev/null"
	check "IPv6 underlay, $w wire: TCP 8 MiB xtunnel -> kernel vxlan byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 8
	check "IPv6 underlay, $w wire: TCP 8 MiB kernel vxlan -> xtunnel byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 8
	check "IPv6 underlay, $w wire: TCP over IPv6 8 MiB xtunnel -> kernel vxlan byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" fd00:10::2 8
	check "IPv6 underlay, $w wire: TCP over IPv6 8 MiB kernel vxlan -> xtunnel byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" fd00:10::1 8
	check "IPv6 underlay, $w wire: GSO packets went whole through xtunnel's vxlan device" \
		[ "$(json_field "$NS_A" '.[0].counters | [.vxlan_device > 0, .segment]')" = \
		"$(jq -n '[true, 0]')" ]
	# Peers count GSO segments, decap counts packets. On the default wire the kernel's
	# super-packets (SKB_GSO_UDP_TUNNEL_CSUM) cross the veth whole; on the tx-off wire its
	# end segments them in software first.
	[ -z "$wire" ] && check "IPv6 underlay, $w wire: the kernel's super-packets were \
decapsulated whole" [ "$(json_field "$NS_A" '.[0].counters.decap')" -lt \
		"$(json_field "$NS_A" '.[0].peers[0].rx_packets')" ]
	udp_errs=$(in_ns "$NS_B" awk '$1 == "Udp6InCsumErrors" { print $2 }' /proc/net/snmp6)
	check "IPv6 underlay, $w wire: the kernel found no bad UDP checksum in what we sent" \
		[ "${udp_errs:-missing}" = 0 ]
	# Not drop-no-route: with IPv6 on, the overlay's own MLD reports have no peer to go to.
	check "IPv6 underlay, $w wire: no malformed, spoofed or failed packets" \
		[ "$(json_field "$NS_A" '.[0].counters | .drop_malformed + .drop_spoofed +
		.drop_encap_failed + .drop_decap_failed')" = 0 ]
	ip netns del "$NS_A"
	ip netns del "$NS_B"
}

run_case6 ""
run_case6 tx-off
tap_done
