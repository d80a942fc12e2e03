#!/bin/bash
# `peer set allowed-ips` replaces the peer's prefixes everywhere they live: the route trie
# (xt_routes), the data path's index of it (xt_prefixes) and the prefix lengths in use
# (xt_lens), the kernel routes, and what show prints. The maps are read directly, by id
# from the encap program attached to the overlay device (pins do not outlive the
# `ip netns exec` that made them). And what the data path does with a removed prefix: it
# sends nothing there, and another peer may take it without 'move'; and a prefix taken
# inside one of b's is one of its own. A peer add or set that fails half-way leaves
# nothing behind. Last, `peer set endpoint` moves every route along.
. "$(dirname "$0")/../lib/netns.sh"

# maps_of NS: the ids of the overlay's maps, as NAME=ID lines.
maps_of() {
	local prog m
	prog=$(in_ns "$1" bpftool -j net show dev xt0 |
		jq '.[0].tc[] | select(.kind == "clsact/egress") | .id') || return 1
	for m in $(bpftool -j prog show id "$prog" | jq '.map_ids[]'); do
		echo "$(bpftool -j map show id "$m" | jq -r .name)=$m"
	done
}

map_id() {
	sed -n "s/^$1=//p" <<<"$MAPS"
}

# The keys of a map of prefixes, as allowed-ips spells them, sorted: IPv4 is kept as
# ::ffff:a.b.c.d/(96 + N) (include/xtunnel_shared.h).
prefixes_in() {
	bpftool -j map dump id "$(map_id "$1")" | jq -r '
		def hex: if . < 16 then "0123456789abcdef"[.:. + 1]
			else (. / 16 | floor | hex) + (. % 16 | hex) end;
		.[].formatted.key |
		if .addr[0:10] == [0,0,0,0,0,0,0,0,0,0] and .addr[10:12] == [255,255] then
			"\(.addr[12:] | map(tostring) | join("."))/\(.prefixlen - 96)"
		else
			"\(.addr | [range(0; 16; 2) as $i | .[$i] * 256 + .[$i + 1]] |
				map(hex) | join(":"))/\(.prefixlen)"
		end' | LC_ALL=C sort | paste -sd, -
}

# The peer ids the values of a map of prefixes point at, each once.
peer_ids_in() {
	bpftool -j map dump id "$(map_id "$1")" | jq -r '[.[].formatted.value.peer_id] | unique |
		map(tostring) | join(",")'
}

# The endpoints (IPv4) the values of a map point at, each once.
endpoints_in() {
	bpftool -j map dump id "$(map_id "$1")" | jq -r '[.[].formatted.value.endpoint[12:] |
		map(tostring) | join(".")] | unique | join(",")'
}

# xt_lens: "LEN:COUNT ..." for every key length with a prefix, then "| " and the list in
# use, longest first.
lens_in() {
	bpftool -j map dump id "$(map_id xt_lens)" | jq -r '.[0].formatted.value |
		([.count | to_entries[] | select(.value > 0) | "\(.key):\(.value)"] | join(" ")) +
		" | " + (.list[.cur] | .len[0:.n] | map(tostring) | join(" "))'
}

kernel_routes() {
	{
		ip -n "$NS_A" -4 route show proto 0x78
		ip -n "$NS_A" -6 route show proto 0x78
	} | awk '{print $1}' | LC_ALL=C sort | paste -sd, -
}

# expect_prefixes WHEN LIST ROUTES LENS: peer b's prefixes are exactly LIST (sorted, as
# prefixes_in writes them) in the maps and in show, the kernel routes exactly ROUTES (as ip
# writes them), and the lengths in use LENS (as lens_in writes them).
expect_prefixes() {
	local when=$1 list=$2 routes=$3 lens=$4 shown
	check "$when: the route trie holds exactly $list" [ "$(prefixes_in xt_routes)" = "$list" ]
	check "$when: the data path's index holds exactly $list" \
		[ "$(prefixes_in xt_prefixes)" = "$list" ]
	check "$when: every prefix is peer b's (id $B_ID)" \
		[ "$(peer_ids_in xt_routes)/$(peer_ids_in xt_prefixes)" = "$B_ID/$B_ID" ]
	check "$when: the lengths in use are $lens" [ "$(lens_in)" = "$lens" ]
	check "$when: the kernel routes are exactly $routes" [ "$(kernel_routes)" = "$routes" ]
	shown=$(json_field "$NS_A" '.[0].peers[] | select(.name == "b") | .allowed_ips | length')
	check "$when: show lists as many prefixes ($shown)" \
		[ "$shown" = "$(tr , '\n' <<<"$list" | wc -l)" ]
}

topo_pair &&
	xt "$NS_A" attach ua address 10.10.0.1/24 address fd00:10::1/64 2>/dev/null &&
	xt "$NS_B" attach ub address 10.10.0.2/24 2>/dev/null &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" \
		allowed-ips 10.10.0.2/32,10.20.0.0/16,10.30.1.0/24,fd00:20::/64 &&
	xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 &&
	ping_ok "$NS_A" 10.10.0.2 || { not_ok "two hosts, peer b with four prefixes"; tap_done; }
MAPS=$(maps_of "$NS_A")
B_ID=$(bpftool -j map dump id "$(map_id xt_peers)" |
	jq '.[].formatted.value | select(.name == "b") | .id')
diag "maps: $(tr '\n' ' ' <<<"$MAPS")"

# Key lengths: /32 is 128, /24 is 120, /16 is 112 (IPv4-mapped), /64 is 64.
expect_prefixes "after add" "10.10.0.2/32,10.20.0.0/16,10.30.1.0/24,fd00:20:0:0:0:0:0:0/64" \
	"10.10.0.2,10.20.0.0/16,10.30.1.0/24,fd00:20::/64" "64:1 112:1 120:1 128:1 | 128 120 112 64"

check "peer set allowed-ips to a /32 and a new /20" \
	xt "$NS_A" peer set b allowed-ips 10.10.0.2/32,10.40.0.0/20
expect_prefixes "after set" "10.10.0.2/32,10.40.0.0/20" "10.10.0.2,10.40.0.0/20" \
	"116:1 128:1 | 128 116"

# A route of the user's own into a removed prefix, its neighbour known (no ARP): encap
# finds no peer for it and drops.
ip -n "$NS_A" route add 10.20.0.0/16 dev xt0
ip -n "$NS_A" neigh add 10.20.0.9 dev xt0 nud permanent \
	lladdr "$(ip -n "$NS_B" -j link show xt0 | jq -r '.[0].address')"
before_drops=$(json_field "$NS_A" '.[0].counters.drop_no_route')
before_tx=$(json_field "$NS_A" '.[0].peers[] | select(.name == "b") | .tx_packets')
in_ns "$NS_A" ping -c 10 -i 0.1 -W 1 10.20.0.9 >/dev/null 2>&1
check "traffic to a removed prefix is dropped as drop-no-route" \
	[ "$(json_field "$NS_A" '.[0].counters.drop_no_route')" -ge $((before_drops + 10)) ]
# b keeps 10.10.0.2/32, so a packet of the host's own to b may go out meanwhile (an ARP
# refresh): two are let pass, none of the ten pings.
after_tx=$(json_field "$NS_A" '.[0].peers[] | select(.name == "b") | .tx_packets')
check "and none of it is sent to b ($before_tx, then $after_tx packets sent)" \
	[ "$after_tx" -le $((before_tx + 2)) ]
ip -n "$NS_A" route del 10.20.0.0/16 dev xt0
check "another peer takes a removed prefix without 'move'" \
	xt "$NS_A" peer add c endpoint 192.0.2.9 allowed-ips 10.20.0.0/16
# A prefix inside one of b's, taken with 'move', is a prefix of its own: its length counts
# although a lookup of it in the trie would find b's /20.
check "peer c takes a /24 inside b's /20 with 'move'" \
	xt "$NS_A" peer set c allowed-ips 10.20.0.0/16,10.40.1.0/24 move
check "the /24 inside the /20 is counted in the lengths in use" \
	[ "$(lens_in)" = "112:1 116:1 120:1 128:1 | 128 120 116 112" ]
check "peer del c" xt "$NS_A" peer del c

# A command that fails half-way leaves nothing of itself. Here the kernel refuses the
# IPv6 route (IPv6 is off on the device) after the IPv4 one and the map entries are in.
in_ns "$NS_A" sysctl -qw net.ipv6.conf.xt0.disable_ipv6=1
check_fails "peer add failing at its IPv6 kernel route fails" xt "$NS_A" peer add z \
	endpoint 192.0.2.9 allowed-ips 10.50.0.0/24,fd00:50::/64 2>/dev/null
check "and there is no peer z" [ -z "$(json_field "$NS_A" '.[0].peers[] | select(.name == "z")')" ]
expect_prefixes "after a failed add" "10.10.0.2/32,10.40.0.0/20" "10.10.0.2,10.40.0.0/20" \
	"116:1 128:1 | 128 116"
check_fails "peer set failing at its IPv6 kernel route fails" xt "$NS_A" peer set b \
	allowed-ips 10.10.0.2/32,10.40.0.0/20,10.50.0.0/24,fd00:50::/64 2>/dev/null
expect_prefixes "after a failed set" "10.10.0.2/32,10.40.0.0/20" "10.10.0.2,10.40.0.0/20" \
	"116:1 128:1 | 128 116"
in_ns "$NS_A" sysctl -qw net.ipv6.conf.xt0.disable_ipv6=0

check "peer set allowed-ips to an IPv6 prefix and the /32" \
	xt "$NS_A" peer set b allowed-ips fd00:20::/64,10.10.0.2/32
expect_prefixes "after a second set" "10.10.0.2/32,fd00:20:0:0:0:0:0:0/64" \
	"10.10.0.2,fd00:20::/64" "64:1 128:1 | 128 64"
check "traffic to b still flows" ping_ok "$NS_A" 10.10.0.2

# The endpoint moves: the routes carry it too (encap reads it there, and decap takes a
# packet only from the endpoint of the route of its source).
check "peer set endpoint" xt "$NS_A" peer set b endpoint 192.0.2.7
check "every route of b leads to the new endpoint" \
	[ "$(endpoints_in xt_routes)/$(endpoints_in xt_prefixes)" = "192.0.2.7/192.0.2.7" ]
check "the peer map has b at the new endpoint alone" \
	[ "$(bpftool -j map dump id "$(map_id xt_peers)" | jq -r '[.[] | select(
		.formatted.value.name == "b") | .formatted.key.endpoint[12:] | map(tostring) |
		join(".")] | join(",")')" = 192.0.2.7 ]
check "peer set endpoint back" xt "$NS_A" peer set b endpoint "$UNDER_B"
check "and traffic to b flows again" ping_ok "$NS_A" 10.10.0.2
tap_done
