#!/bin/bash
# When each peer last sent a valid packet (issue 14, liveness), and each peer's drops by
# reason (issue 13, item 9), as show and show -j tell them. Host B is A's peer b; peer
# "quiet" never sends. The spoofed and malformed frames are built by scapy
# (tests/lib/send_vxlan.py) and sent from B's underlay address, so A knows them for b's.
. "$(dirname "$0")/../lib/netns.sh"
PY=/usr/bin/python3 # Debian's interpreter, where python3-scapy is (see DESIGN.md)
SEND="$(dirname "$0")/../lib/send_vxlan.py"

topo_pair || { not_ok "build two hosts"; tap_done; }
check "attach A" xt "$NS_A" attach ua address 10.10.0.1/24
check "attach B" xt "$NS_B" attach ub address 10.10.0.2/24
check "A: peer b" xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32
check "A: peer quiet, which never sends" xt "$NS_A" peer add quiet endpoint 192.0.2.50 \
	allowed-ips 10.10.0.50/32
check "B: peer a" xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32
mac_ua=$(ip -n "$NS_A" -j link show ua | jq -r '.[0].address')
# Fixed neighbours on both overlay devices: no ARP crosses the overlay but what the test
# sends, so that nothing of B's but the pings can be a sign of life (the kernel probes a
# neighbour again after its reachable time, which a slow run reaches).
for side in "$NS_A xt0 10.10.0.2 $NS_B" "$NS_B xt0 10.10.0.1 $NS_A"; do
	set -- $side
	ip -n "$1" neigh replace "$3" dev "$2" nud permanent \
		lladdr "$(ip -n "$4" -j link show xt0 | jq -r '.[0].address')" ||
		not_ok "a fixed neighbour $3 in $1"
done

jq_true() { jq -e "$@" >/dev/null; }
peer() { # NS NAME JQ: a field of one peer in show -j
	xt "$1" show -j | jq -r --arg n "$2" ".[0].peers[] | select(.name == \$n) | $3"
}
# The block of one peer in show's human output.
peer_text() {
	xt "$NS_A" show | awk -v p="peer: $1" '$0 == p { on = 1; next } /^peer: / { on = 0 } on'
}
# send COUNT KIND INNER_SRC: VXLAN frames from B's underlay address to A.
send() {
	in_ns "$NS_B" "$PY" "$SEND" ub "$mac_ua" "$UNDER_B" "$UNDER_A" 1 "$3" 10.10.0.1 "$1" "$2" \
		2>&1 | grep -v WARNING
}

# Before anything arrived.
check "before any packet, b is never heard from and silent" \
	[ "$(peer "$NS_A" b '[.latest_rx, .latest_rx_age_s, .silent] | @csv')" = ',,true' ]
check "and show says so" grep -qx '  latest packet: never (silent)' <(peer_text b)

t0=$(date +%s)
check "B pings A across the overlay" ping_ok "$NS_B" 10.10.0.1 3
t1=$(date +%s)
xt "$NS_A" show -j >"$TMP/show1.json"
latest=$(jq -r '.[0].peers[] | select(.name == "b") | .latest_rx' "$TMP/show1.json")
age=$(jq -r '.[0].peers[] | select(.name == "b") | .latest_rx_age_s' "$TMP/show1.json")
diag "date +%s: $t0 to $t1; b's latest_rx $latest, age $age s"
# latest_rx is Unix seconds with ms: within the pings, give or take a second of rounding.
check "b's latest_rx is the time of the pings, by date +%s" \
	jq_true --argjson lo "$((t0 - 1))" --argjson hi "$((t1 + 1))" \
	'.[0].peers[] | select(.name == "b") | .latest_rx >= $lo and .latest_rx <= $hi' \
	"$TMP/show1.json"
check "its age is a few seconds at most, and b is not silent" \
	jq_true '.[0].peers[] | select(.name == "b") | .latest_rx_age_s < 5 and .silent == false' \
	"$TMP/show1.json"
check "show: b's latest packet was seconds ago" \
	grep -qxE '  latest packet: (less than a second|[0-9] seconds?) ago' <(peer_text b)
check "quiet is still never heard from, and silent" \
	[ "$(jq -r '.[0].peers[] | select(.name == "quiet") |
		[.latest_rx, .latest_rx_age_s, .silent] | @csv' "$TMP/show1.json")" = ',,true' ]
check "show: quiet's latest packet is never (silent)" \
	grep -qx '  latest packet: never (silent)' <(peer_text quiet)

# An age, not a stamp that is printed again: two seconds later it is two seconds older,
# and the time it names has not moved.
sleep 2
check "two seconds later b's packet is two seconds older" \
	jq_true --argjson a "$age" '.latest_rx_age_s - $a >= 1.9' <<<"$(xt "$NS_A" show -j |
		jq '.[0].peers[] | select(.name == "b")')"
# Wall-clock time is now minus the age, each show reading the two clocks a moment apart:
# equal but for the time a busy machine lets pass between the two reads (well under the
# two seconds a stamp of "now" would have moved).
same_time() { jq -en --argjson a "$1" --argjson b "$2" '($a - $b) | fabs < 0.25' >/dev/null; }
check "and the time it names is the same" same_time "$(peer "$NS_A" b .latest_rx)" "$latest"

# Drops by reason: 5 frames with an inner source outside b's allowed-ips, 2 malformed.
spoofed_before=$(json_field "$NS_A" '.[0].counters.drop_spoofed')
send 5 good 10.10.0.77
send 2 malformed 10.10.0.2
sleep 0.3
xt "$NS_A" show -j >"$TMP/show2.json"
b() { jq -r ".[0].peers[] | select(.name == \"b\") | $1" "$TMP/show2.json"; }
check "b: 5 drops under drop_spoofed" [ "$(b .drops.drop_spoofed)" = 5 ]
check "b: 2 drops under drop_malformed" [ "$(b .drops.drop_malformed)" = 2 ]
check "b: no drop under any other reason" \
	[ "$(b '[.drops | to_entries[] | select(.key != "drop_spoofed" and
		.key != "drop_malformed") | .value] | add')" = 0 ]
check "b: drops_total is their sum" [ "$(b .drops_total)" = 7 ]
check "the overlay's drop_spoofed counter moved by the same 5" \
	[ "$(jq '.[0].counters.drop_spoofed' "$TMP/show2.json")" = $((spoofed_before + 5)) ]
check "quiet: no drop" \
	[ "$(jq '.[0].peers[] | select(.name == "quiet") | [.drops[]] | add' "$TMP/show2.json")" = 0 ]
check "show: drops with the reasons that are not zero, in the order of COUNTERS" \
	grep -qx '  drops: 7 (drop-malformed 2, drop-spoofed 5)' <(peer_text b)
check "show: quiet's drops are 0, no list" grep -qx '  drops: 0' <(peer_text quiet)
check "dropped packets are no sign of life: b's latest packet did not move" \
	same_time "$(b .latest_rx)" "$latest"

# A peer that takes b's id does not inherit its drops.
id_peers() { xt "$NS_A" show -j | jq -r '.[0].peers[].name' | sort | tr '\n' ' '; }
check "delete b" xt "$NS_A" peer del b
check "add b2 on b's endpoint (it gets the lowest free id: b's)" \
	xt "$NS_A" peer add b2 endpoint "$UNDER_B" allowed-ips 10.10.0.2/32
check "b2 starts with no drops and never heard from" \
	[ "$(peer "$NS_A" b2 '[([.drops[]] | add), .drops_total, .latest_rx] | @csv')" = '0,0,' ]

tap_done
