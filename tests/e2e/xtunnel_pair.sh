#!/bin/bash
# xtunnel on both hosts, for each receive path: TC on a default veth wire, XDP on a wire
# with tx checksum offload off. TCP data is checked byte for byte in both directions.
. "$(dirname "$0")/../lib/netns.sh"

run_case() {
	local rx=$1 wire=$2
	diag "case: rx $rx, wire ${wire:-default offloads}"
	if ! topo_pair "$wire" ||
		! xt "$NS_A" attach ua vni 7 address 10.10.0.1/24 rx "$rx" 2>/dev/null ||
		! xt "$NS_B" attach ub vni 7 address 10.10.0.2/24 rx "$rx" 2>/dev/null ||
		! xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 ||
		! xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32; then
		not_ok "rx $rx: set up two xtunnel hosts"
		return
	fi
	check "rx $rx: both ends use $rx" [ "$(json_field "$NS_A" '.[0].rx')-$(json_field \
		"$NS_B" '.[0].rx')" = "$rx-$rx" ]
	check "rx $rx: default device name and MTU (uplink 1500 - 50)" [ "$(json_field \
		"$NS_A" '.[0] | "\(.dev) \(.mtu)"')" = "xt0 1450" ]
	check "rx $rx: neither end of the overlay veth pair has an IPv6 address" \
		bash -c "[ -z \"\$(ip -n $NS_A -6 addr show dev xt0; ip -n $NS_A -6 addr show dev xt0-p)\" ]"
	check "rx $rx: ping A -> B" ping_ok "$NS_A" 10.10.0.2
	check "rx $rx: ping B -> A" ping_ok "$NS_B" 10.10.0.1
	check "rx $rx: TCP 16 MiB A -> B byte for byte" tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 16
	check "rx $rx: TCP 16 MiB B -> A byte for byte" tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 16
	# Packets count GSO segments, so what A sent is what B received, whichever end
	# sees super-packets (bytes differ: a super-packet carries its headers once).
	check "rx $rx: A's tx packets equal B's rx packets" [ "$(json_field "$NS_A" \
		'.[0].peers[0].tx_packets')" = "$(json_field "$NS_B" '.[0].peers[0].rx_packets')" ]
	check "rx $rx: a full-MTU ping with DF crosses the overlay" \
		bash -c "ip netns exec $NS_A ping -q -c 1 -W 1 -M do -s $((1450 - 28)) 10.10.0.2 >/dev/null 2>&1"
	check_fails "rx $rx: one byte over the MTU does not leave with DF" \
		bash -c "ip netns exec $NS_A ping -q -c 1 -W 1 -M do -s $((1450 - 27)) 10.10.0.2 >/dev/null 2>&1"
	ip netns del "$NS_A"
	ip netns del "$NS_B"
}

run_case tc ""
run_case xdp tx-off
tap_done
