#!/bin/bash
# The command line contract: exit 2 and a message naming the bad word for a request that
# is malformed or inconsistent (bad syntax, unknown device or peer, names or prefixes in
# use, full tables), exit 1 for failures of the system, and a failed command changes
# nothing.
. "$(dirname "$0")/../lib/netns.sh"

state() {
	{
		ip -n "$NS_A" -o link | cut -d: -f2
		ip -n "$NS_A" route show
		in_ns "$NS_A" tc qdisc show dev ua
		# Configuration only: counters move with background traffic on the uplink.
		xt "$NS_A" show -j | jq -c '[.[] | {dev, vni, routes,
			peers: [.peers[] | {name, endpoint, port, allowed_ips}]}]'
	} 2>&1
}

topo_pair || { not_ok "build two hosts"; tap_done; }
check "no argument runs show" bash -c "ip netns exec $NS_A $XTUNNEL | grep -q . ||
	[ -z \"\$(ip netns exec $NS_A $XTUNNEL)\" ]"
check "--version prints the version" bash -c "$XTUNNEL --version | grep -q '^xtunnel [0-9]'"
check "help lists the commands" bash -c "$XTUNNEL help | grep -q 'peer'"
for c in attach detach peer show; do
	check "$c help prints its usage" bash -c "$XTUNNEL $c help | grep -q '^Usage: xtunnel'"
	check "help $c prints the usage of $c" bash -c "$XTUNNEL help $c | grep -q '^Usage: xtunnel.* $c'"
done
# The peer verbs dispatch from a table of their own, as the commands do.
for v in add set del; do
	check "peer $v help prints the usage of peer $v alone" bash -c "
		$XTUNNEL peer $v help | grep -q '^Usage: xtunnel peer $v NAME' &&
		[ \"\$($XTUNNEL peer $v help | grep -c 'xtunnel peer')\" = 1 ]"
done
check "peer help prints the usage of all three" \
	[ "$($XTUNNEL peer help | grep -c 'xtunnel peer \(add\|set\|del\) NAME')" = 3 ]

expect 2 "frobnicate" "unknown command named" -- frobnicate
expect 2 "attach: missing UPLINK" "attach without uplink" -- attach
expect 2 "99999999" "vni out of range names the value" -- attach ua vni 99999999
expect 2 "10.1.2.3/8" "address with a bad prefix length named" -- attach ua address 10.1.2.3/8x
expect 2 "bogus" "unknown attach argument named" -- attach ua bogus 1
expect 2 "rx: 'fast'" "bad rx mode named" -- attach ua rx fast
expect 2 "needs a value" "keyword without value" -- attach ua vni
expect 2 "uplink nosuch0: no such device" "unknown uplink refused" -- attach nosuch0
expect 2 "mtu 1460" "mtu above uplink minus overhead refused" -- attach ua mtu 1460
expect 2 "'gretap' is not vxlan, geneve, gre or ipip" "unknown encap named" -- \
	attach ua encap gretap
expect 2 "encap gre has no VNI" "vni with gre refused" -- attach ua encap gre vni 3
expect 2 "encap ipip has no port" "port with ipip refused" -- attach ua encap ipip port 4789
expect 2 "encap vxlan has no key" "key with vxlan refused" -- attach ua key 9
expect 2 "local ff02::1: must be a unicast address" "multicast local refused" -- \
	attach ua local ff02::1
expect 2 "needs at least 1280" "IPv6 address with an MTU below 1280 refused" -- \
	attach ua address fd00:10::1/64 mtu 1200

before=$(state)
expect 2 "address 10.10.0.1: given twice" "a duplicate address is refused as a usage error" -- \
	attach ua address 10.10.0.1/24 address 10.10.0.1/24
expect 2 "address 10.10.0.1: given twice" "so is one address with two prefix lengths" -- \
	attach ua address 10.10.0.1/24 address 10.10.0.1/16
check "before anything is made" [ "$(state)" = "$before" ]
expect 2 "dev 'x/y': a device name cannot contain '/'" "a device name with '/' is a usage error" \
	-- attach ua dev x/y
expect 2 "uplink 'u a': a device name cannot contain whitespace" \
	"an uplink name with a space is a usage error" -- attach "u a"
expect 1 "adding address ff02::5/64" "attach failing half-way (the kernel refuses a multicast address) fails" -- \
	attach ua address 10.10.0.1/24 address ff02::5/64
check "attach failing half-way leaves nothing behind" [ "$(state)" = "$before" ]

xt "$NS_A" attach ua address 10.10.0.1/24 >/dev/null 2>&1
expect 2 "exists already" "attach of an existing device refused" -- attach ua
# A device that is no overlay (so without an overlay's hidden end): only its name is in the
# way, and attach says so before it loads anything.
ip -n "$NS_A" link add xt5 type veth peer name xt5-other || not_ok "a veth named xt5"
expect 2 "device xt5 exists already" "attach onto the name of a device that is no overlay refused" -- \
	attach ua dev xt5 vni 77
ip -n "$NS_A" link del xt5
expect 2 "host bits set" "allowed-ips with host bits set named" -- \
	peer add b endpoint "$UNDER_B" allowed-ips 10.20.0.1/16
expect 2 "endpoint" "peer add without allowed-ips" -- peer add b endpoint "$UNDER_B"
expect 2 "224.0.0.1" "multicast endpoint refused" -- peer add b endpoint 224.0.0.1 \
	allowed-ips 10.20.0.0/16
expect 2 "own address" "endpoint equal to our own address refused" -- \
	peer add b endpoint "$UNDER_A" allowed-ips 10.20.0.0/16
expect 2 "endpoint 2001:db8::2 is IPv6 but overlay xt0's underlay is IPv4" \
	"endpoint of the other underlay family refused" -- \
	peer add b endpoint "[2001:db8::2]:4789" allowed-ips 10.20.0.0/16
expect 2 "covers ::ffff:0:0/96" "IPv6 prefix over the IPv4-mapped range refused" -- \
	peer add b endpoint "$UNDER_B" allowed-ips 10.20.0.0/16,::/0
xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.20.0.0/16
expect 2 "exists already" "duplicate peer name refused" -- \
	peer add b endpoint 192.0.2.9 allowed-ips 10.21.0.0/16
expect 2 "overlaps 10.20.0.0/16 of peer b" "prefix owned by another peer refused, owner named" -- \
	peer add c endpoint 192.0.2.9 allowed-ips 10.20.0.0/16
expect 2 "peer b's already" "endpoint of another peer refused" -- \
	peer add c endpoint "$UNDER_B" allowed-ips 10.21.0.0/16
expect 2 "overlaps 10.20.0.0/16 of peer b" "a prefix inside another peer's refused" -- \
	peer add c endpoint 192.0.2.9 allowed-ips 10.20.5.0/24
expect 2 "overlaps 10.20.0.0/16 of peer b" "a prefix around another peer's refused" -- \
	peer add c endpoint 192.0.2.9 allowed-ips 10.0.0.0/8
before=$(state)
expect 2 "overlaps" "a list with one overlapping prefix refused whole" -- \
	peer add c endpoint 192.0.2.9 allowed-ips 10.40.0.0/16,10.20.0.0/16
check "and nothing of it applied" [ "$(state)" = "$before" ]
check "move takes an overlapping prefix beside the other peer's" \
	xt "$NS_A" peer add c endpoint 192.0.2.9 allowed-ips 10.20.5.0/24 move
check "move takes an identical prefix from its owner" \
	xt "$NS_A" peer set c allowed-ips 10.20.5.0/24,10.20.0.0/16 move
check "which then belongs to c alone" [ "$(json_field "$NS_A" '[.[0].peers[] |
	select(.allowed_ips | index("10.20.0.0/16"))] | map(.name) | join(",")')" = c ]
check "its kernel route stayed" bash -c "ip -n $NS_A route show 10.20.0.0/16 | grep -q xt0"
xt "$NS_A" peer del c
xt "$NS_A" peer set b allowed-ips 10.20.0.0/16
expect 2 "no peer named zz" "peer set of an unknown peer" -- peer set zz allowed-ips 10.9.0.0/16
expect 2 "no peer named zz" "peer del of an unknown peer" -- peer del zz
expect 2 "not an xtunnel overlay" "a device that is not an overlay" -- show ua
expect 2 "no such device" "an unknown device" -- peer del b dev nosuch0
xt "$NS_A" attach ua dev xt1 vni 2 address 10.11.0.1/24 >/dev/null 2>&1
xt "$NS_A" attach ua dev xt2 encap gre address 10.12.0.1/24 >/dev/null 2>&1
expect 2 "encap gre has no port" "endpoint port on a GRE overlay refused" -- \
	peer add g endpoint "$UNDER_B:4789" allowed-ips 10.22.0.0/16 dev xt2
xt "$NS_A" detach xt2
expect 2 "name one with 'dev NAME'" "dev is required when several overlays exist" -- \
	peer del b
check "dev selects the overlay" xt "$NS_A" peer del b dev xt0
xt "$NS_A" detach xt1
xt "$NS_A" detach xt0

xt "$NS_A" attach ua vni 0 max-peers 2 address 10.10.0.1/24 >/dev/null 2>&1
check "vni 0 is kept, not replaced by the default" [ "$(json_field "$NS_A" '.[0].vni')" = 0 ]
xt "$NS_A" peer add b endpoint 192.0.2.7 allowed-ips 10.20.0.0/16
xt "$NS_A" peer add c endpoint 192.0.2.8 allowed-ips 10.21.0.0/16
expect 2 "peer table full" "a peer beyond max-peers refused" -- \
	peer add d endpoint 192.0.2.9 allowed-ips 10.22.0.0/16
check "peer set endpoint works in a full peer table" xt "$NS_A" peer set b endpoint 192.0.2.9
check "and the peer moved" [ "$(json_field "$NS_A" '.[0].peers[0].endpoint')" = 192.0.2.9 ]
xt "$NS_A" detach xt0
xt "$NS_A" attach ua max-routes 3 address 10.10.0.1/24 >/dev/null 2>&1
check "show reports the capacities given at attach" [ "$(json_field "$NS_A" \
	'.[0] | "\(.max_peers) \(.max_routes)"')" = "1024 3" ]
xt "$NS_A" peer add b endpoint 192.0.2.7 allowed-ips 10.20.0.0/16,10.21.0.0/16
before=$(state)
expect 2 "route table full (3 prefixes)" "a peer beyond max-routes refused" -- \
	peer add c endpoint 192.0.2.8 allowed-ips 10.22.0.0/16,10.23.0.0/16
check "and nothing of it applied" [ "$(state)" = "$before" ]
tap_done
