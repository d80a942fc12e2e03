#!/bin/bash
# forward-from and the last hop: a packet whose TTL (IPv6 hop limit) would not survive the
# hop is the kernel's, which drops it and answers "time exceeded" from the gateway (RFC 792,
# RFC 4443 section 3.3), as traceroute expects of every router on the way; and IPv4 options
# are the kernel's to process. Checked on both gateways, the one that encapsulates (its LAN
# port's XDP) and the one that decapsulates, on both receive paths and underlay families.
#
#   C c0 --- la A ua ==== ub B lb --- s0 S      (topo_lans in tests/lib/netns.sh)
. "$(dirname "$0")/../lib/netns.sh"

S4=10.2.0.2 S6=fd02::2
A_LAN4=10.1.0.1 A_LAN6=fd01::1    # A's address on C's LAN: where A answers C from
B_OVER4=10.99.0.2 B_OVER6=fd99::2 # B's overlay address: where B answers C from

# gateways ENCAP RX UNDERLAY: an L3 overlay between A and B, each LAN the allowed-ips of the
# other gateway; their kernel routes send the far LAN into the overlay.
gateways() {
	local encap=$1 rx=$2 under=$3 ea=192.0.2.1 eb=192.0.2.2
	[ "$under" = 6 ] && ea=2001:db8::1 eb=2001:db8::2
	xt "$NS_A" attach ua encap "$encap" address 10.99.0.1/24 address fd99::1/64 rx "$rx" \
		forward-from la 2>/dev/null &&
		xt "$NS_B" attach ub encap "$encap" address 10.99.0.2/24 address fd99::2/64 \
			rx "$rx" forward-from lb 2>/dev/null &&
		xt "$NS_A" peer add b endpoint "$eb" \
			allowed-ips 10.99.0.2/32,10.2.0.0/24,fd99::2/128,fd02::/64 &&
		xt "$NS_B" peer add a endpoint "$ea" \
			allowed-ips 10.99.0.1/32,10.1.0.0/24,fd99::1/128,fd01::/64
}

# time_exceeded DST TTL FROM: C's ping to DST with that TTL (hop limit) is answered "time
# exceeded" by FROM.
time_exceeded() {
	local out
	out=$(in_ns "$NS_C" ping -c 1 -W 2 -t "$2" "$1" 2>&1)
	grep -qE "^From $3 .*(Time to live exceeded|Time exceeded: Hop limit)" <<<"$out" || {
		diag "ping -t $2 $1: $out"
		return 1
	}
}

ping_ttl_ok() {
	in_ns "$NS_C" ping -c 1 -W 2 -t "$2" "$1" >/dev/null 2>&1
}

# route_recorded ADDR...: C's record-route ping to S lists these addresses, in this order.
route_recorded() {
	local out pattern="" a
	for a in "$@"; do pattern="$pattern${pattern:+.*}$a"; done
	out=$(in_ns "$NS_C" ping -c 1 -W 2 -R "$S4" 2>&1)
	grep -q "$pattern" <<<"$(tr -d '\n' <<<"$out")" || {
		diag "ping -R $S4: $out"
		return 1
	}
}

counter() {
	json_field "$1" ".[0].counters[\"$2\"]"
}

run_case() {
	local encap=$1 rx=$2 under=$3 name="$1 rx $2 over IPv$3" slow
	lans_del
	topo_lans "$under" || { not_ok "$name: build the four hosts"; return; }
	gateways "$encap" "$rx" "$under" || { not_ok "$name: attach both gateways"; return; }
	# Neighbours resolved, so that the fast path takes whatever it may take.
	ping_ok "$NS_C" "$S4" 2 && ping_ok "$NS_C" "$S6" 2 || {
		not_ok "$name: C reaches S"
		return
	}
	slow=$(counter "$NS_A" pass_slow_path)
	check "$name: TTL 1 at A: 'time exceeded' from A" time_exceeded "$S4" 1 "$A_LAN4"
	check "$name: hop limit 1 at A: 'time exceeded' from A" time_exceeded "$S6" 1 "$A_LAN6"
	check "$name: A's XDP left both to the kernel (pass-slow-path counted them)" \
		[ "$(counter "$NS_A" pass_slow_path)" -ge $((slow + 2)) ]
	check "$name: TTL 2, 1 at B: 'time exceeded' from B" time_exceeded "$S4" 2 "$B_OVER4"
	check "$name: hop limit 2, 1 at B: 'time exceeded' from B" \
		time_exceeded "$S6" 2 "$B_OVER6"
	check "$name: TTL 3 reaches S" ping_ttl_ok "$S4" 3
	check "$name: hop limit 3 reaches S" ping_ttl_ok "$S6" 3
	# Record route (RFC 791): each router adds the address it sends from, A that of its
	# overlay device, B that of its LAN port. A fast path that took the packet would not.
	check "$name: a record-route ping lists both gateways" route_recorded 10.99.0.1 10.2.0.1
}

run_case gre xdp 4
run_case ipip tc 6
tap_done
