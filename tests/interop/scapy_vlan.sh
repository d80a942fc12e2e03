#!/bin/bash
# Frames built by scapy (an encoder independent of ours) sent from host B into A's uplink,
# for both receive paths: a plain VXLAN echo request is decapsulated and answered; the
# same frame with an outer VLAN tag (100, or 0 for priority-tagged) passes untouched on
# both paths, as documented (on TC the stack has moved the tag into skb metadata).
. "$(dirname "$0")/../lib/netns.sh"
PY=/usr/bin/python3 # Debian's interpreter, where python3-scapy is (see DESIGN.md)

send_frame() { # TAG: none or a VLAN id
	in_ns "$NS_B" "$PY" - "$mac_a" "$mac_xt0" "$1" <<'PY' 2>&1 | grep -v WARNING
import sys
from scapy.all import Ether, Dot1Q, IP, UDP, ICMP, sendp
from scapy.layers.vxlan import VXLAN
mac_a, mac_xt0, tag = sys.argv[1:4]
inner = (Ether(dst=mac_xt0, src="02:00:00:00:00:02") /
         IP(src="10.10.0.2", dst="10.10.0.1") / ICMP(id=7, seq=1))
outer = (IP(src="192.0.2.2", dst="192.0.2.1", flags="DF") /
         UDP(sport=50000, dport=4789, chksum=0) / VXLAN(vni=42, flags=0x08) / inner)
frame = Ether(dst=mac_a) / (Dot1Q(vlan=int(tag)) / outer if tag != "none" else outer)
sendp(frame, iface="ub", verbose=False)
PY
	sleep 0.3
}

echo_requests() {
	in_ns "$NS_A" awk '$1 == "Icmp:" && $2 ~ /^[0-9]/ { print $10 }' /proc/net/snmp
}

for rx in tc xdp; do
	wire=""
	[ "$rx" = xdp ] && wire=tx-off
	topo_pair "$wire" &&
		xt "$NS_A" attach ua vni 42 address 10.10.0.1/24 rx "$rx" 2>/dev/null &&
		xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 ||
		{ not_ok "rx $rx: set up"; continue; }
	mac_a=$(ip -n "$NS_A" -j link show ua | jq -r '.[0].address')
	mac_xt0=$(ip -n "$NS_A" -j link show xt0 | jq -r '.[0].address')
	for tag in none 100 0; do
		decap=$(json_field "$NS_A" '.[0].counters.decap')
		echos=$(echo_requests)
		send_frame "$tag"
		if [ "$tag" = none ]; then
			check "rx $rx: scapy's VXLAN frame is decapsulated" \
				[ "$(json_field "$NS_A" '.[0].counters.decap')" = $((decap + 1)) ]
			check "rx $rx: and its inner echo request reaches the stack" \
				[ "$(echo_requests)" = $((echos + 1)) ]
		else
			check "rx $rx: with VLAN tag $tag it passes, not decapsulated" \
				[ "$(json_field "$NS_A" '.[0].counters.decap')" = "$decap" ]
		fi
	done
	ip netns del "$NS_A"
	ip netns del "$NS_B"
done
tap_done
