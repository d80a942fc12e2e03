#!/bin/bash
# Outer IPv4 fragments, from the kernel's vxlan: it sends without DF by default, so a
# frame too big for the underlay leaves in fragments. xtunnel cannot decapsulate them (no
# BPF hook sees the packet the stack reassembles, and xtunnel has no socket on the port):
# each fragment passes to the kernel untouched and is counted as pass-fragment; the kernel
# reassembles the datagram and, finding no socket on the port, counts it in Udp NoPorts and
# answers ICMP port unreachable. What fits in one packet crosses as always. The limit is
# documented (docs/security.md): peers must fit their packets in the underlay's MTU (or set
# DF and get the ICMP back).
. "$(dirname "$0")/../lib/netns.sh"

udp_no_ports() {
	in_ns "$NS_A" awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $3 }' /proc/net/snmp
}

counter() {
	json_field "$NS_A" ".[0].counters[\"$1\"]"
}

run_case() {
	local rx=$1 frags noports decap
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	# B's vxlan device as large as its underlay (tied to no lower device, which would cap
	# its MTU at 1450): a full frame and the 50 bytes of VXLAN over IPv4 do not fit in one
	# underlay packet.
	topo_pair tx-off &&
		ip -n "$NS_B" link add vx0 type vxlan id 42 remote "$UNDER_A" local "$UNDER_B" \
			dstport 4789 &&
		ip -n "$NS_B" link set vx0 mtu 1500 && ip -n "$NS_B" addr add 10.10.0.2/24 dev vx0 &&
		ip -n "$NS_B" link set vx0 up &&
		xt "$NS_A" attach ua vni 42 address 10.10.0.1/24 rx "$rx" 2>/dev/null &&
		xt "$NS_A" peer add vxhost endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 ||
		{ not_ok "rx $rx: set up"; return; }
	check "rx $rx: small pings cross (one underlay packet each)" ping_ok "$NS_B" 10.10.0.1
	frags=$(counter pass_fragment) noports=$(udp_no_ports) decap=$(counter decap)
	# One: the kernel's answer (port unreachable) makes B's kernel fragment the next ones
	# inside the tunnel instead, and those cross.
	in_ns "$NS_B" ping -c 1 -W 1 -s 1460 10.10.0.1 >/dev/null 2>&1
	check "rx $rx: a 1488-byte ping is not answered: its VXLAN packet came in fragments" \
		[ "$(counter decap)" = "$decap" ]
	check "rx $rx: both fragments passed to the kernel as pass-fragment" \
		[ "$(counter pass_fragment)" = $((frags + 2)) ]
	check "rx $rx: the kernel reassembled them and found no socket on the port" \
		[ "$(udp_no_ports)" = $((noports + 1)) ]
}

run_case tc
run_case xdp
tap_done
