#!/bin/bash
# An uplink deleted and made again under its name (issue 13, item 3): show says what
# happened and what to do, and one `xtunnel reload` puts the overlay back on the new
# device, peers, routes and counters kept, for each receive path, VXLAN over IPv6 (its
# kernel vxlan device), and forward-from (the uplink back in xt_ports). Before, show said
# "(gone)" for good, reload failed ("replacing the XDP program ... No such file or
# directory" after TC), and only detach and attach, which lose every peer, helped.
. "$(dirname "$0")/../lib/netns.sh"

# peers NS: what the overlay's peers and routes are, counters aside.
peers() {
	xt "$1" show -j | jq -c '.[0] | [.peers[] | {name, endpoint, allowed_ips}]'
}
uplink_state() { json_field "$1" '.[0] | "\(.uplink) \(.uplink_state) \(.rx)"'; }
rx_packets() { json_field "$1" '.[0].peers[0].rx_packets'; }

# remake MODE [6]: the underlay wire A-B deleted and made again, addresses and all.
remake() {
	ip -n "$NS_A" link del ua || return 1
	check "$1: show says the uplink is gone and how to fix it" bash -c \
		"ip netns exec $NS_A $XTUNNEL show | grep -qF \"uplink: ua (was deleted and is gone: make it again, then run 'xtunnel reload')\""
	check "$1: show -j says gone, and no receive path" [ "$(uplink_state "$NS_A")" = "ua gone auto" ]
	expect 2 "uplink ua was deleted: make it again, then reload" \
		"$1: reload while it is gone says what to do" -- reload
	underlay_link "$NS_A" ua "$UNDER_A" "$NS_B" ub "$UNDER_B" "$2" || return 1
	if [ "${3:-}" = 6 ]; then
		ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad &&
			ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad || return 1
	fi
	check "$1: show says it exists again: run reload" bash -c \
		"ip netns exec $NS_A $XTUNNEL show | grep -qF \"uplink: ua (was deleted; it exists again: run 'xtunnel reload')\""
	check "$1: show -j says recreated" [ "$(uplink_state "$NS_A")" = "ua recreated auto" ]
}

for rx in tc xdp; do
	wire=""
	[ "$rx" = xdp ] && wire=tx-off
	topo_pair "$wire" &&
		xt "$NS_A" attach ua address 10.10.0.1/24 rx "$rx" 2>/dev/null &&
		xt "$NS_B" attach ub address 10.10.0.2/24 rx "$rx" 2>/dev/null &&
		xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32,10.20.0.0/16 &&
		xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 &&
		ping_ok "$NS_A" 10.10.0.2 || { not_ok "rx $rx: two hosts"; continue; }
	before=$(peers "$NS_A") routes=$(ip -n "$NS_A" route show proto 0x78) rx0=$(rx_packets "$NS_A")
	remake "rx $rx" "$wire"
	check "rx $rx: reload puts A back on the uplink" xt "$NS_A" reload
	check "rx $rx: and B (its uplink went too)" xt "$NS_B" reload dev xt0
	check "rx $rx: show says the uplink is there, with its receive path" \
		[ "$(uplink_state "$NS_A")" = "ua ok $rx" ]
	check "rx $rx: ping across" ping_ok "$NS_A" 10.10.0.2 3
	check "rx $rx: TCP byte for byte, A to B" tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 4
	check "rx $rx: and B to A" tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 4
	check "rx $rx: the peers and their prefixes are the same" [ "$(peers "$NS_A")" = "$before" ]
	check "rx $rx: so are the kernel routes" \
		[ "$(ip -n "$NS_A" route show proto 0x78)" = "$routes" ]
	rx1=$(rx_packets "$NS_A")
	check "rx $rx: the peer's counters went on from where they were ($rx0 -> $rx1)" \
		[ "$rx1" -gt "$rx0" ]
	# Our decap program taken off the uplink by hand: the same command puts it back.
	if [ "$rx" = tc ]; then
		in_ns "$NS_A" tc filter del dev ua ingress
	else
		ip -n "$NS_A" link set dev ua xdp off
	fi
	check "rx $rx: without its decap program, show says reload attaches one" bash -c \
		"ip netns exec $NS_A $XTUNNEL show | grep -qF \"receive path: auto (no decap program on the uplink: 'xtunnel reload' attaches one)\""
	check "rx $rx: reload attaches it again" xt "$NS_A" reload
	check "rx $rx: and traffic flows" ping_ok "$NS_A" 10.10.0.2 3
	ip netns del "$NS_A"
	ip netns del "$NS_B"
done

# VXLAN over IPv6: GSO packets go through the kernel's vxlan device, which is not tied to
# the uplink; the new programs redirect to the new uplink and to that device.
topo_pair &&
	ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad &&
	ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad &&
	xt "$NS_A" attach ua vni 42 local 2001:db8::1 address 10.10.0.1/24 2>/dev/null &&
	xt "$NS_B" attach ub vni 42 local 2001:db8::2 address 10.10.0.2/24 2>/dev/null &&
	xt "$NS_A" peer add b endpoint "[2001:db8::2]" allowed-ips 10.10.0.2/32 &&
	xt "$NS_B" peer add a endpoint "[2001:db8::1]" allowed-ips 10.10.0.1/32 &&
	ping_ok "$NS_A" 10.10.0.2 || not_ok "vxlan6: two hosts"
remake "vxlan6" "" 6
check "vxlan6: reload on both" bash -c "ip netns exec $NS_A $XTUNNEL reload &&
	ip netns exec $NS_B $XTUNNEL reload"
check "vxlan6: GSO still goes through the vxlan device" \
	[ "$(json_field "$NS_A" '.[0].gso')" = vxlan-device ]
vx0=$(json_field "$NS_A" '.[0].counters.vxlan_device')
check "vxlan6: TCP byte for byte, A to B" tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 8
vx1=$(json_field "$NS_A" '.[0].counters.vxlan_device')
check "vxlan6: through the vxlan device ($vx0 -> $vx1)" [ "$vx1" -gt "$vx0" ]
check "vxlan6: and B to A" tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 4
ip netns del "$NS_A"
ip netns del "$NS_B"

# forward-from: the uplink is in xt_ports, which XDP redirects through; a devmap drops a
# device that goes, and reload puts the new one in.
C4=10.1.0.2 S4=10.2.0.2
topo_lans &&
	xt "$NS_A" attach ua address 10.99.0.1/24 forward-from la 2>/dev/null &&
	xt "$NS_B" attach ub address 10.99.0.2/24 forward-from lb 2>/dev/null &&
	xt "$NS_A" peer add b endpoint 192.0.2.2 allowed-ips 10.99.0.2/32,10.2.0.0/24 &&
	xt "$NS_B" peer add a endpoint 192.0.2.1 allowed-ips 10.99.0.1/32,10.1.0.0/24 &&
	ip -n "$NS_A" route replace 10.2.0.0/24 via 10.99.0.2 dev xt0 &&
	ip -n "$NS_B" route replace 10.1.0.0/24 via 10.99.0.1 dev xt0 &&
	ping_ok "$NS_C" "$S4" 3 || not_ok "forward: two gateways"
ip -n "$NS_A" link del ua
ip link add ua netns "$NS_A" type veth peer name ub netns "$NS_B" &&
	ip -n "$NS_A" addr add 192.0.2.1/24 dev ua && ip -n "$NS_B" addr add 192.0.2.2/24 dev ub &&
	ip -n "$NS_A" link set ua up && ip -n "$NS_B" link set ub up &&
	in_ns "$NS_A" ethtool -K ua tx off gro on >/dev/null &&
	in_ns "$NS_B" ethtool -K ub tx off gro on >/dev/null || not_ok "forward: the wire again"
check "forward: reload on both gateways" bash -c "ip netns exec $NS_A $XTUNNEL reload &&
	ip netns exec $NS_B $XTUNNEL reload"
check "forward: the LAN ports are still listed" [ "$(json_field "$NS_A" '.[0].forward_from | join(",")')" = la ]
ping_ok "$NS_C" "$S4" 2 # neighbours, for the fast path
fwd=$(json_field "$NS_A" '.[0].counters.forward_encap')
check "forward: C reaches S" ping_ok "$NS_C" "$S4" 5
fwd1=$(json_field "$NS_A" '.[0].counters.forward_encap')
check "forward: encapsulated by XDP on A's port, out of the new uplink ($fwd -> $fwd1)" \
	[ "$fwd1" -ge $((fwd + 5)) ]
check "forward: TCP byte for byte from C to S" tcp_transfer "$NS_C" "$NS_S" "$S4" 4
tap_done
