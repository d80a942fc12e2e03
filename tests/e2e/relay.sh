#!/bin/bash
# Never a relay: with IP forwarding on (as on any container host), a packet that one peer
# sends through this host to another peer of the same overlay is dropped, not encapsulated
# again. Hosts B and C are A's peers; B routes C's overlay address through A.
. "$(dirname "$0")/../lib/netns.sh"

topo_switch || { not_ok "three hosts on one switch"; tap_done; }
xt "$NS_A" attach ua address 10.10.0.1/24 >/dev/null 2>&1 &&
	xt "$NS_B" attach ub address 10.10.0.2/24 >/dev/null 2>&1 &&
	xt "$NS_C" attach uc address 10.10.0.3/24 >/dev/null 2>&1 &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 &&
	xt "$NS_A" peer add c endpoint "$UNDER_C" allowed-ips 10.10.0.3/32 &&
	xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32,10.10.0.3/32 &&
	xt "$NS_C" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32,10.10.0.2/32 ||
	{ not_ok "attach and peers"; tap_done; }
in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1
# Routing through A on B and C (the /32 kernel routes from allowed-ips already point into
# xt0; the neighbour on xt0 is A's overlay address).
ip -n "$NS_B" route replace 10.10.0.3/32 via 10.10.0.1 dev xt0
ip -n "$NS_C" route replace 10.10.0.2/32 via 10.10.0.1 dev xt0

check "B reaches A" ping_ok "$NS_B" 10.10.0.1
check "C reaches A" ping_ok "$NS_C" 10.10.0.1
before=$(json_field "$NS_A" '.[0].counters.drop_relay')
check_fails "B cannot reach C through A" ping_ok "$NS_B" 10.10.0.3 3
after=$(json_field "$NS_A" '.[0].counters.drop_relay')
check "A dropped B's packets to C as drop-relay ($before -> $after)" [ "$after" -ge 3 ]
check "C received nothing from A's overlay" [ "$(json_field "$NS_C" \
	'.[0].peers[0].rx_packets')" = "$(json_field "$NS_A" '.[0].peers[] |
	select(.name == "c") | .tx_packets')" ]
check "A itself still reaches both" bash -c "ip netns exec $NS_A ping -c1 -W1 10.10.0.2 \
	>/dev/null && ip netns exec $NS_A ping -c1 -W1 10.10.0.3 >/dev/null"
tap_done
