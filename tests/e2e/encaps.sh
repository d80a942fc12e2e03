#!/bin/bash
# Every encapsulation between two xtunnel hosts, over an IPv4 and an IPv6 underlay, with
# IPv4 and IPv6 inside one overlay: ping both families and TCP byte for byte both ways.
# The kernel here has no GENEVE, GRE or IPIP device, so xtunnel is its own peer; the
# encoding itself is judged by scapy and tshark in tests/interop/golden.sh. Then all four
# encapsulations at once on one uplink, and the XDP receive path for each.
. "$(dirname "$0")/../lib/netns.sh"
UNDER6_A=2001:db8::1
UNDER6_B=2001:db8::2

underlay6() {
	ip -n "$NS_A" addr add "$UNDER6_A/64" dev ua nodad &&
		ip -n "$NS_B" addr add "$UNDER6_B/64" dev ub nodad
}

# opts ENCAP: what attach takes for it
opts() {
	case $1 in
	vxlan | geneve) echo "vni 7" ;;
	gre) echo "key 9" ;;
	ipip) echo "" ;;
	esac
}

# pair DEV ENCAP FAMILY N RX: overlay DEV between A and B, overlay subnets 10.N.0.0/24
# and fd00:N::/64.
pair() {
	local dev=$1 encap=$2 fam=$3 n=$4 rx=$5 la=$UNDER_A lb=$UNDER_B
	if [ "$fam" = 6 ]; then la=$UNDER6_A lb=$UNDER6_B; fi
	local ea=$la eb=$lb
	[ "$fam" = 6 ] && ea="[$la]" eb="[$lb]"
	# shellcheck disable=SC2046
	xt "$NS_A" attach ua dev "$dev" encap "$encap" $(opts "$encap") local "$la" \
		address "10.$n.0.1/24" address "fd00:$n::1/64" rx "$rx" 2>/dev/null &&
		xt "$NS_B" attach ub dev "$dev" encap "$encap" $(opts "$encap") local "$lb" \
			address "10.$n.0.2/24" address "fd00:$n::2/64" rx "$rx" 2>/dev/null &&
		xt "$NS_A" peer add b dev "$dev" endpoint "$eb" \
			allowed-ips "10.$n.0.2/32,fd00:$n::2/128" &&
		xt "$NS_B" peer add a dev "$dev" endpoint "$ea" \
			allowed-ips "10.$n.0.1/32,fd00:$n::1/128"
}

ping_ok6() {
	in_ns "$1" ping -6 -c 2 -i 0.2 -W 1 "$2" >/dev/null 2>&1
}

# both_ways NAME N MIB: ping and TCP in both families, both directions
both_ways() {
	local name=$1 n=$2 mib=$3
	check "$name: ping IPv4 A -> B" ping_ok "$NS_A" "10.$n.0.2"
	check "$name: ping IPv6 B -> A" ping_ok6 "$NS_B" "fd00:$n::1"
	check "$name: TCP over IPv4 ${mib} MiB A -> B byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" "10.$n.0.2" "$mib"
	check "$name: TCP over IPv4 ${mib} MiB B -> A byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" "10.$n.0.1" "$mib"
	check "$name: TCP over IPv6 ${mib} MiB A -> B byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" "fd00:$n::2" "$mib"
	check "$name: TCP over IPv6 ${mib} MiB B -> A byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" "fd00:$n::1" "$mib"
}

no_bad_drops() { # NS DEV
	[ "$(xt "$1" show dev "$2" -j | jq '.[0].counters | .drop_malformed +
		.drop_spoofed + .drop_encap_failed + .drop_decap_failed')" = 0 ]
}

for encap in vxlan geneve gre ipip; do
	for fam in 4 6; do
		name="$encap over IPv$fam"
		if ! topo_pair "" || ! underlay6 || ! pair xt0 "$encap" "$fam" 10 tc; then
			not_ok "$name: set up two xtunnel hosts"
			ip netns del "$NS_A" 2>/dev/null
			ip netns del "$NS_B" 2>/dev/null
			continue
		fi
		check "$name: show says encap $encap" \
			[ "$(json_field "$NS_A" '.[0].encap')" = "$encap" ]
		both_ways "$name" 10 4
		check "$name: nothing malformed, spoofed or failed on either end" \
			bash -c "$(declare -f xt no_bad_drops); XTUNNEL=$XTUNNEL;
				no_bad_drops $NS_A xt0 && no_bad_drops $NS_B xt0"
		ip netns del "$NS_A"
		ip netns del "$NS_B"
	done
done

# All four on one uplink at once, each with its own overlay subnets.
if topo_pair "" && underlay6 &&
	pair xv vxlan 4 21 tc && pair xg geneve 6 22 tc && pair xr gre 4 23 tc &&
	pair xi ipip 6 24 tc; then
	n=21
	for dev in xv xg xr xi; do
		check "shared uplink: $dev ping IPv4 and IPv6" \
			bash -c "ip netns exec $NS_A ping -c 1 -W 1 10.$n.0.2 >/dev/null &&
				ip netns exec $NS_A ping -6 -c 1 -W 1 fd00:$n::2 >/dev/null"
		n=$((n + 1))
	done
	check "shared uplink: TCP on the GENEVE overlay while the others are attached" \
		tcp_transfer "$NS_B" "$NS_A" 10.22.0.1 4
else
	not_ok "shared uplink: attach vxlan, geneve, gre and ipip on one uplink"
fi
ip netns del "$NS_A" 2>/dev/null
ip netns del "$NS_B" 2>/dev/null

# The XDP receive path, on a wire with tx checksum offload off (DESIGN.md).
for encap in geneve gre ipip; do
	name="$encap over IPv4, rx xdp"
	if ! topo_pair tx-off || ! underlay6 || ! pair xt0 "$encap" 4 30 xdp; then
		not_ok "$name: set up"
	else
		check "$name: ping IPv4 and IPv6" bash -c "ip netns exec $NS_A ping -c 1 -W 1 \
			10.30.0.2 >/dev/null && ip netns exec $NS_A ping -6 -c 1 -W 1 fd00:30::2 >/dev/null"
		check "$name: TCP over IPv6 4 MiB B -> A byte for byte" \
			tcp_transfer "$NS_B" "$NS_A" fd00:30::1 4
	fi
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
done
tap_done
