#!/bin/bash
# attach's local address is checked (issue 13, item 2): tunnel packets are accepted only
# when addressed to it, so an address no interface here has, or one inside an overlay, made
# an overlay that silently never matched a packet. Refused unless `force` says the address
# comes later; on any interface of the namespace (the loopback too), not only the uplink;
# never inside the overlay's own prefixes or on an overlay device.
. "$(dirname "$0")/../lib/netns.sh"

topo_pair || { not_ok "two hosts"; tap_done; }
links() { ip -n "$NS_A" -o link | cut -d: -f2 | sort; }
before=$(links)

expect 2 "local 192.0.2.77: no interface here has this address" \
	"an address no interface has is refused" -- attach ua local 192.0.2.77 address 10.10.0.1/24
check "and nothing was made" [ "$(links)" = "$before" ]
expect 2 "give 'local 2001:db8::77 force'" "so is an IPv6 one, and the message says how" -- \
	attach ua local 2001:db8::77 address 10.10.0.1/24
expect 2 "local 10.10.0.1 is inside the overlay's own address 10.10.0.1/24" \
	"the overlay's own address is refused" -- attach ua local 10.10.0.1 address 10.10.0.1/24
expect 2 "local 10.10.0.9 is inside the overlay's own address 10.10.0.1/24" \
	"an address inside the overlay's prefix is refused, force or not" -- \
	attach ua local 10.10.0.9 force address 10.10.0.1/24
check "and nothing was made" [ "$(links)" = "$before" ]

# force: an address the host gets later (a floating address). Once it is there, the
# overlay works with it, as if it had been there at attach.
check "force takes an address no interface has yet" \
	xt "$NS_A" attach ua local 192.0.2.77 force address 10.10.0.1/24
check "show has it as local" [ "$(json_field "$NS_A" '.[0].local')" = 192.0.2.77 ]
ip -n "$NS_A" addr add 192.0.2.77/24 dev ua
xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32
xt "$NS_B" attach ub address 10.10.0.2/24 2>/dev/null
xt "$NS_B" peer add a endpoint 192.0.2.77 allowed-ips 10.10.0.1/32
check "once the address is there, traffic flows to and from it" ping_ok "$NS_A" 10.10.0.2 3

expect 2 "local 10.10.0.1 is an address of overlay xt0" \
	"another overlay's address is refused" -- attach ua dev xt1 vni 2 local 10.10.0.1
expect 2 "local 10.10.0.1 is an address of overlay xt0" "force or not" -- \
	attach ua dev xt1 vni 2 local 10.10.0.1 force

# An underlay address on the loopback (a routed host address) is the host's too, and the
# uplink receives what is sent to it.
ip -n "$NS_A" addr add 198.51.100.1/32 dev lo
ip -n "$NS_B" route add 198.51.100.1/32 via "$UNDER_A"
check "an address on the loopback is taken" \
	xt "$NS_A" attach ua dev xt1 vni 2 local 198.51.100.1 address 10.11.0.1/24
xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.11.0.2/32 dev xt1
xt "$NS_B" attach ub dev xt1 vni 2 address 10.11.0.2/24 2>/dev/null
xt "$NS_B" peer add a endpoint 198.51.100.1 allowed-ips 10.11.0.1/32 dev xt1
check "and traffic flows through the uplink to and from it" ping_ok "$NS_A" 10.11.0.2 3
tap_done
