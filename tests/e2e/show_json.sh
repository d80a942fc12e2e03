#!/bin/bash
# What `show -j` carries (issue 13, item 6): every setting attach took, addresses included,
# so that the overlay and its peers can be made again from it alone; every key a jq
# identifier, at every depth; compact JSON by default, indented with -p.
. "$(dirname "$0")/../lib/netns.sh"

topo_pair || { not_ok "build two hosts"; tap_done; }
# A local interface for forward-from, in A's namespace (it goes with it).
ip -n "$NS_A" link add lan0 type veth peer name lan1 && ip -n "$NS_A" link set lan0 up &&
	ip -n "$NS_A" link set lan1 up && in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1 ||
	{ not_ok "a forward-from port"; tap_done; }

# Every setting given, none at its default.
check "attach with every setting" xt "$NS_A" attach ua dev xt0 encap vxlan vni 77 \
	port 4790 local "$UNDER_A" address 10.10.0.1/24 address fd00:10::1/64 mtu 1400 \
	rx tc xdp-mode generic max-peers 64 max-routes 256 forward-from lan0
check "a peer with its own port, both families" xt "$NS_A" peer add b \
	endpoint "$UNDER_B:4791" allowed-ips 10.20.0.0/16,fd00:20::/64
check "a peer on the overlay's port" xt "$NS_A" peer add c endpoint 192.0.2.50 \
	allowed-ips 10.30.0.0/16

# The settings, as given above, written out by hand; and the peers.
want_settings='{"addresses":["10.10.0.1/24","fd00:10::1/64"],"dev":"xt0","encap":"vxlan",
"forward_from":["lan0"],"local":"192.0.2.1","max_peers":64,"max_routes":256,"mtu":1400,
"port":4790,"rx_request":"tc","uplink":"ua","vni":77,"xdp_mode":"generic"}'
want_peers='[{"allowed_ips":["10.20.0.0/16","fd00:20::/64"],"endpoint":"192.0.2.2",
"name":"b","port":4791},{"allowed_ips":["10.30.0.0/16"],"endpoint":"192.0.2.50",
"name":"c","port":4790}]'
settings='.[0] | {dev, uplink, encap, vni, port, local, addresses, mtu, rx_request, xdp_mode,
	max_peers, max_routes, forward_from}'
peers='[.[0].peers[] | {name, endpoint, port, allowed_ips: (.allowed_ips | sort)}]'
same_json() { [ "$(jq -cS . <<<"$1")" = "$(jq -cS . <<<"$2")" ]; }

xt "$NS_A" show -j >"$TMP/before.json"
check "show -j carries every setting, addresses included" \
	same_json "$(jq "$settings" "$TMP/before.json")" "$want_settings"
check "and every peer's name, endpoint, port and allowed-ips" \
	same_json "$(jq "$peers" "$TMP/before.json")" "$want_peers"
check "a GRE overlay's key is there too, 0 included" bash -c "
	ip netns exec $NS_A $XTUNNEL attach ua dev xt1 encap gre key 0 address 10.11.0.1/24 &&
	[ \"\$(ip netns exec $NS_A $XTUNNEL show xt1 -j | jq -c '.[0] | [.encap, .key]')\" = \
		'[\"gre\",0]' ] && ip netns exec $NS_A $XTUNNEL detach xt1"

# Every key of every object, at every depth, is a jq identifier.
keys=$(jq -r '[paths | .[] | strings] | unique | .[]' "$TMP/before.json")
check "show -j has keys (counters among them)" grep -qx drop_spoofed <<<"$keys"
check "every key is a jq identifier ([a-z_][a-z0-9_]*)" \
	bash -c '! grep -vxE "[a-z_][a-z0-9_]*" <<<"$1"' _ "$keys"
check "so .counters.drop_spoofed reads as it is" \
	[ "$(jq '.[0].counters.drop_spoofed' "$TMP/before.json")" = 0 ]

# Compact by default, indented with -p (global, or after show, alone or with -j): the same.
check "show -j is one line" [ "$(wc -l <"$TMP/before.json")" = 1 ]
for args in "-p show" "show -p" "show -j -p" "--pretty show xt0" "-j show --pretty"; do
	# shellcheck disable=SC2086 # the options, one word each
	xt "$NS_A" $args >"$TMP/pretty.json"
	check "$args: indented over many lines" [ "$(wc -l <"$TMP/pretty.json")" -gt 20 ]
	check "$args: the same JSON" same_json "$(jq "del(.[].counters)" "$TMP/pretty.json")" \
		"$(jq "del(.[].counters)" "$TMP/before.json")"
done

# Made again from the JSON alone: detach, then attach with its settings and add its peers.
attach_args=$(jq -r '.[0] | ["attach", .uplink, "dev", .dev, "encap", .encap, "vni", .vni,
	"port", .port, "local", .local, "mtu", .mtu, "rx", .rx_request, "xdp-mode", .xdp_mode,
	"max-peers", .max_peers, "max-routes", .max_routes] + ([.addresses[] | ["address", .]] |
	add) + ["forward-from", (.forward_from | join(","))] | map(tostring) | join(" ")' \
	"$TMP/before.json")
check "detach" xt "$NS_A" detach xt0
# shellcheck disable=SC2086 # the words jq made
check "attach again with what show -j said" xt "$NS_A" $attach_args
while read -r name endpoint allowed; do
	check "peer $name again" xt "$NS_A" peer add "$name" endpoint "$endpoint" \
		allowed-ips "$allowed"
done < <(jq -r '.[0].peers[] | "\(.name) \(.endpoint):\(.port) \(.allowed_ips | join(","))"' \
	"$TMP/before.json")
xt "$NS_A" show -j >"$TMP/after.json"
check "the overlay made again has the same settings" \
	same_json "$(jq "$settings" "$TMP/after.json")" "$(jq "$settings" "$TMP/before.json")"
check "and the same peers" \
	same_json "$(jq "$peers" "$TMP/after.json")" "$(jq "$peers" "$TMP/before.json")"
check "detach the one made again" xt "$NS_A" detach xt0

tap_done
