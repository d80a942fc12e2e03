#!/bin/bash
# xtunnel doctor: a healthy overlay gives every check ok and exit 0; for each problem doctor
# claims to find, a topology built with that problem gives exit 1 and that check's id with
# the status it names (JSON), and the human output has one line per check. The expected
# figures (MTUs, counts) are computed here from the setup, not read from doctor.
# DOCTOR_CASES="mtu routes" runs only those cases (all by default).
#
# Commands run through nsenter --net, which keeps the host's bpffs (ip netns exec gives
# each command a /sys of its own, where pins die with the command): so the pins exist
# where doctor looks, except in the case that checks exactly that.
. "$(dirname "$0")/../lib/netns.sh"
OTHER=$BUILD/tests/variant/xtunnel
CASES=${DOCTOR_CASES:-healthy mtu rx offloads pins forwarding rp_filter routes capacity version l2}
CHECKS="version mtu rx offloads pins forwarding rp_filter routes capacity"

# n NS ARGS...: xtunnel in the network namespace NS, in this mount namespace.
n() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$XTUNNEL" "$@"
}

# doctor NS [ARGS...]: doctor -j into $TMP/doc.json, its exit status into DOC_RC.
doctor() {
	local ns=$1
	shift
	n "$ns" doctor -j "$@" >"$TMP/doc.json" 2>"$TMP/doc.err"
	DOC_RC=$?
}

# status CHECK [DEV]: the status doctor gave CHECK (of DEV, default xt0).
status() {
	jq -r --arg c "$1" --arg d "${2:-xt0}" \
		'[.[] | select(.check == $c and .dev == $d) | .status] | join(",")' "$TMP/doc.json"
}

# finds NAME CHECK STATUS [TEXT]: doctor said exit 1, CHECK has STATUS, with TEXT in what
# it says (a fixed string), and a fix.
finds() {
	local name=$1 c=$2 want=$3 text=${4:-} got what fix
	got=$(status "$c")
	what=$(jq -r --arg c "$c" '.[] | select(.check == $c and .dev == "xt0") | .what' \
		"$TMP/doc.json")
	fix=$(jq -r --arg c "$c" '.[] | select(.check == $c and .dev == "xt0") | .fix // ""' \
		"$TMP/doc.json")
	if [ "$DOC_RC" = 1 ] && [ "$got" = "$want" ] && [ -n "$fix" ] &&
		{ [ -z "$text" ] || grep -qF -- "$text" <<<"$what"; }; then
		ok "$name"
	else
		not_ok "$name (exit $DOC_RC, $c: '$got', said: $what)"
	fi
}

# clean CHECK: doctor said CHECK is ok.
clean() {
	local name=$1 c=$2 got
	got=$(status "$c")
	if [ "$got" = ok ]; then ok "$name"; else
		not_ok "$name ($c: '$got': $(jq -r --arg c "$c" '.[] | select(.check == $c) | .what' \
			"$TMP/doc.json"))"
	fi
}

# pair [ATTACH_OPTIONS...]: hosts A and B, an overlay on each (A's through nsenter), peered.
pair() {
	topo_pair "${WIRE:-}" &&
		n "$NS_A" attach ua address 10.10.0.1/24 "$@" 2>/dev/null &&
		xt "$NS_B" attach ub address 10.10.0.2/24 "$@" 2>/dev/null &&
		n "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32,10.20.0.0/16 &&
		xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32
}

# done_case: detach A's overlay (its pins are in the host's bpffs), delete the hosts.
done_case() {
	n "$NS_A" detach xt0 >/dev/null 2>&1
	n "$NS_A" detach xt1 >/dev/null 2>&1
	lans_del
}

case_healthy() {
	pair || { not_ok "healthy: build the overlay"; return; }
	check "healthy: TCP crosses the overlay" tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 1
	doctor "$NS_A"
	check "healthy: exit 0 ($DOC_RC)" [ "$DOC_RC" = 0 ]
	check "healthy: every check once, all ok" [ \
		"$(jq -r '[.[] | "\(.check)=\(.status)"] | join(" ")' "$TMP/doc.json")" = \
		"$(for c in $CHECKS; do printf '%s=ok ' "$c"; done | sed 's/ $//')" ]
	check "healthy: no fix offered" [ "$(jq '[.[] | select(.fix != null)] | length' \
		"$TMP/doc.json")" = 0 ]
	n "$NS_A" doctor xt0 >"$TMP/doc.txt"
	check "healthy: doctor xt0 prints one line per check, each 'ok   xt0 CHECK: ...'" [ \
		"$(grep -c '^ok   xt0 [a-z_]*: ' "$TMP/doc.txt") $(wc -l <"$TMP/doc.txt")" = "9 9" ]
	# The pins of A's overlay are seen from the host's bpffs only.
	xt "$NS_A" doctor -j >"$TMP/doc.json" 2>/dev/null
	DOC_RC=$?
	finds "pins: doctor run by ip netns exec cannot see the host's bpffs (warn)" pins warn \
		"ip netns exec"
	done_case
	topo_pair || return
	out=$(xt "$NS_A" doctor 2>&1)
	rc=$?
	check "no overlay: exit 2 and says so ($rc: $out)" \
		bash -c '[ "$1" = 2 ] && grep -q "no overlay here" <<<"$2"' - "$rc" "$out"
	lans_del
}

case_mtu() {
	local room
	pair || { not_ok "mtu: build the overlay"; return; }
	# The uplink shrinks under the overlay: 1400 less IPv4 20, UDP 8, VXLAN 8, Ethernet 14.
	ip -n "$NS_A" link set ua mtu 1400
	room=$((1400 - 20 - 8 - 8 - 14))
	doctor "$NS_A"
	finds "mtu: an overlay MTU of 1450 over a 1400 uplink fails, naming $room" mtu fail \
		"above the $room the uplink ua carries"
	check "mtu: the fix says MTU = $room" \
		grep -qF "'MTU = $room'" <(jq -r '.[] | select(.check == "mtu") | .fix' "$TMP/doc.json")
	ip -n "$NS_A" link set ua mtu 1500
	ip -n "$NS_A" link set xt0 mtu 1500
	doctor "$NS_A"
	finds "mtu: an overlay MTU of 1500 over a 1500 uplink fails" mtu fail \
		"above the 1450 the uplink ua carries"
	ip -n "$NS_A" link set xt0 mtu 1450
	ip -n "$NS_A" link set xt0-p mtu 1400
	doctor "$NS_A"
	finds "mtu: a hidden end with another MTU fails" mtu fail "xt0-p has MTU 1400"
	ip -n "$NS_A" link set xt0-p mtu 1450
	doctor "$NS_A"
	clean "mtu: ok again once the MTUs agree" mtu
	done_case
}

case_rx() {
	pair || { not_ok "rx: build the overlay"; return; }
	in_ns "$NS_A" tc filter del dev ua ingress
	doctor "$NS_A"
	finds "rx: no decap program on the uplink fails" rx fail "no decap program"
	n "$NS_A" reload xt0 2>/dev/null
	doctor "$NS_A"
	clean "rx: ok after the reload the fix names" rx
	done_case
	WIRE=tx-off pair rx xdp xdp-mode generic || { not_ok "rx: build a generic XDP overlay"; return; }
	doctor "$NS_A"
	finds "rx: generic XDP is a warning" rx warn "generic XDP on ua"
	done_case
	WIRE=tx-off pair rx xdp || { not_ok "rx: build a native XDP overlay"; return; }
	doctor "$NS_A"
	clean "rx: native XDP is ok" rx
	done_case
}

case_offloads() {
	WIRE=tx-off pair rx xdp || { not_ok "offloads: build an XDP overlay"; return; }
	doctor "$NS_A"
	finds "offloads: XDP on a veth uplink is a warning (checksums)" offloads warn \
		"CHECKSUM_PARTIAL"
	in_ns "$NS_A" ethtool -K xt0 gro off
	doctor "$NS_A"
	finds "offloads: GRO off on the overlay device of an XDP path is a warning" offloads \
		warn "GRO is off on xt0"
	done_case
	# GENEVE over IPv6 takes the segment path: segmentation off on xt0, GRO off on xt0-p.
	topo_pair || return
	ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad
	ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad
	n "$NS_A" attach ua encap geneve local 2001:db8::1 address 10.10.0.1/24 2>/dev/null &&
		n "$NS_A" peer add b endpoint "[2001:db8::2]" allowed-ips 10.10.0.2/32 ||
		{ not_ok "offloads: build a GENEVE overlay over IPv6"; return; }
	doctor "$NS_A"
	clean "offloads: the segment path as attach leaves it is ok" offloads
	in_ns "$NS_A" ethtool -K xt0 tso on
	doctor "$NS_A"
	finds "offloads: TSO back on on xt0 breaks the segment path" offloads fail \
		"tx-tcp-segmentation is on on xt0"
	in_ns "$NS_A" ethtool -K xt0 tso off
	in_ns "$NS_A" ethtool -K xt0-p gro on
	doctor "$NS_A"
	finds "offloads: GRO on on the hidden end breaks the segment path" offloads fail \
		"rx-gro is on on the hidden end xt0-p"
	done_case
}

case_pins() {
	local dir
	topo_pair || return
	# Attached by ip netns exec: pinned into a bpffs that died with the command.
	xt "$NS_A" attach ua address 10.10.0.1/24 2>/dev/null ||
		{ not_ok "pins: attach"; return; }
	doctor "$NS_A"
	finds "pins: all 11 missing after attach by ip netns exec" pins fail "11 of 11 pins missing"
	n "$NS_A" reload xt0 2>/dev/null
	doctor "$NS_A"
	clean "pins: ok after the reload the fix names" pins
	dir=/sys/fs/bpf/xtunnel/netns/$NS_A/xt0
	rm -f "$dir/routes"
	doctor "$NS_A"
	finds "pins: one pin removed fails, named" pins fail "1 of 11 pins missing in $dir (routes)"
	n "$NS_A" reload xt0 2>/dev/null
	rm -f "$dir/peers"
	bpftool map pin id "$(bpftool -j map show pinned "$dir/ports" | jq .id)" "$dir/peers"
	doctor "$NS_A"
	finds "pins: a pin that is another map fails, named" pins fail \
		"1 pin in $dir is not the map the programs use (peers)"
	n "$NS_A" reload xt0 2>/dev/null
	doctor "$NS_A"
	clean "pins: ok after reload" pins
	done_case
}

# gateway: topo_lans, A's overlay forwarding from its LAN port la, peer b with B's LAN.
gateway() {
	topo_lans &&
		n "$NS_A" attach ua address 10.99.0.1/24 forward-from la 2>/dev/null &&
		n "$NS_A" peer add b endpoint 192.0.2.2 allowed-ips 10.99.0.2/32,10.2.0.0/24
}

case_forwarding() {
	gateway || { not_ok "forwarding: build the gateway"; return; }
	doctor "$NS_A"
	check "forwarding: the gateway as built is all ok (exit $DOC_RC)" [ "$DOC_RC" = 0 ]
	in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=0
	doctor "$NS_A"
	finds "forwarding: ip_forward off fails" forwarding fail "IPv4 forwarding is off in this"
	in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1
	in_ns "$NS_A" sysctl -qw net.ipv4.conf.la.forwarding=0
	doctor "$NS_A"
	finds "forwarding: forwarding off on the port fails, naming it" forwarding fail \
		"IPv4 forwarding is off on la"
	in_ns "$NS_A" sysctl -qw net.ipv4.conf.la.forwarding=1
	n "$NS_A" peer set b allowed-ips 10.99.0.2/32,10.2.0.0/24,fd02::/64
	in_ns "$NS_A" sysctl -qw net.ipv6.conf.all.forwarding=0
	doctor "$NS_A"
	finds "forwarding: IPv6 forwarding off with IPv6 allowed-ips fails" forwarding fail \
		"IPv6 forwarding is off"
	done_case
}

case_rp_filter() {
	gateway || { not_ok "rp_filter: build the gateway"; return; }
	in_ns "$NS_A" sysctl -qw net.ipv4.conf.all.rp_filter=1
	doctor "$NS_A"
	clean "rp_filter: strict, with B's LAN routed into the overlay, is ok" rp_filter
	# The way back to B's LAN leaves by the uplink: strict rp_filter drops what B sends.
	ip -n "$NS_A" route replace 10.2.0.0/24 via 192.0.2.2 dev ua
	doctor "$NS_A"
	finds "rp_filter: strict, with the way back to 10.2.0.0/24 by ua, fails" rp_filter fail \
		"from 10.2.0.0/24"
	in_ns "$NS_A" sysctl -qw net.ipv4.conf.all.rp_filter=2
	doctor "$NS_A"
	clean "rp_filter: loose lets it through" rp_filter
	in_ns "$NS_A" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.xt0.rp_filter=1
	doctor "$NS_A"
	finds "rp_filter: strict on xt0 alone fails too" rp_filter fail "strict"
	done_case
}

case_routes() {
	pair || { not_ok "routes: build the overlay"; return; }
	ip -n "$NS_A" route add 10.20.1.0/24 dev ua
	doctor "$NS_A"
	finds "routes: a more specific route by the uplink fails, named" routes fail \
		"the kernel route 10.20.1.0/24 (ua) shadows peer b's allowed-ip 10.20.0.0/16"
	ip -n "$NS_A" route del 10.20.1.0/24 dev ua
	doctor "$NS_A"
	clean "routes: ok once it is gone" routes
	# An equal route made before the peer: peer add leaves it (with a warning).
	ip -n "$NS_A" route add 10.30.0.0/24 dev ua
	n "$NS_A" peer add c endpoint 192.0.2.3 allowed-ips 10.30.0.0/24 2>/dev/null
	doctor "$NS_A"
	finds "routes: an equal route by the uplink fails" routes fail \
		"the kernel route 10.30.0.0/24 (ua) shadows peer c's allowed-ip 10.30.0.0/24"
	n "$NS_A" peer del c
	ip -n "$NS_A" route del 10.30.0.0/24 dev ua
	# A policy rule the main table does not show: only the kernel's lookup sees it.
	ip -n "$NS_A" route add 10.10.0.2/32 dev ua table 100
	ip -n "$NS_A" rule add to 10.10.0.2/32 table 100
	doctor "$NS_A"
	finds "routes: a policy rule sending an allowed-ip elsewhere fails" routes fail \
		"allowed-ip 10.10.0.2/32 into the overlay: the kernel sends it elsewhere, by ua"
	done_case
}

case_capacity() {
	topo_pair || return
	n "$NS_A" attach ua address 10.10.0.1/24 max-peers 10 max-routes 100 2>/dev/null ||
		{ not_ok "capacity: attach"; return; }
	for i in $(seq 2 9); do
		n "$NS_A" peer add "p$i" endpoint "192.0.2.$((i + 10))" allowed-ips "10.10.0.$i/32"
	done
	doctor "$NS_A"
	clean "capacity: 8 peers of 10 is ok" capacity
	n "$NS_A" peer add p10 endpoint 192.0.2.20 allowed-ips 10.10.0.10/32
	doctor "$NS_A"
	finds "capacity: 9 of 10 peers (90 %) is a warning" capacity warn "peers: 9 of 10"
	n "$NS_A" peer add p11 endpoint 192.0.2.21 allowed-ips 10.10.0.11/32
	doctor "$NS_A"
	finds "capacity: 10 of 10 peers fails" capacity fail "peers: 10 of 10, full"
	done_case
	topo_pair || return
	n "$NS_A" attach ua address 10.10.0.1/24 max-routes 4 2>/dev/null &&
		n "$NS_A" peer add b endpoint 192.0.2.2 \
			allowed-ips 10.10.0.2/32,10.10.0.3/32,10.10.0.4/32,10.10.0.5/32 ||
		{ not_ok "capacity: a peer with 4 routes"; return; }
	doctor "$NS_A"
	finds "capacity: 4 of 4 routes fails" capacity fail "routes: 4 of 4, full"
	done_case
}

case_version() {
	topo_pair || return
	nsenter --net="/run/netns/$NS_A" "$OTHER" attach ua address 10.10.0.1/24 2>/dev/null ||
		{ not_ok "version: the other version attaches"; return; }
	doctor "$NS_A"
	finds "version: an overlay of another version fails" version fail \
		"another version of xtunnel"
	check "version: nothing else is checked of it" [ "$(jq length "$TMP/doc.json")" = 1 ]
	doctor "$NS_A" xt0
	finds "version: named, it fails too" version fail "another version of xtunnel"
	n "$NS_A" attach ua dev xt1 address 10.11.0.1/24 encap gre 2>/dev/null
	doctor "$NS_A"
	check "version: next to an overlay of this version, xt0 fails and xt1 is checked" [ \
		"$DOC_RC $(status version) $(status version xt1) $(jq length "$TMP/doc.json")" = \
		"1 fail ok 10" ]
	done_case
}

# An L2 overlay has no allowed-ips and forwards nothing: its own checks are the bridge it
# must be a port of, and capacity in its terms (peers, the FDB and the neighbour table).
case_l2() {
	local want
	topo_pair &&
		n "$NS_A" attach ua mode l2 vni 7 2>/dev/null &&
		n "$NS_A" peer add b endpoint "$UNDER_B" &&
		n "$NS_A" fdb add 02:00:00:00:0b:01 peer b &&
		n "$NS_A" neigh add 10.30.0.9 02:00:00:00:0b:01 ||
		{ not_ok "l2: an L2 overlay with a peer, an FDB entry and a neighbour"; return; }
	doctor "$NS_A"
	finds "l2: an overlay that is no bridge's port warns" bridge warn "no bridge's port"
	check "l2: the fix puts it in a bridge" [ "$(jq -r \
		'.[] | select(.check == "bridge") | .fix' "$TMP/doc.json")" = \
		"ip link set xt0 master BRIDGE" ]
	want="version mtu rx offloads pins bridge capacity"
	check "l2: no L3 checks (forwarding, rp_filter, routes), the bridge instead" [ \
		"$(jq -r '[.[].check] | join(" ")' "$TMP/doc.json")" = "$want" ]
	check "l2: capacity counts the FDB and neighbour entries, no routes" bash -c \
		'grep -q "peers 1 of .*FDB 1 entries.*neighbour table 1 entries" <<<"$1" &&
		! grep -q routes <<<"$1"' - "$(jq -r '.[] | select(.check == "capacity") | .what' \
		"$TMP/doc.json")"
	ip -n "$NS_A" link add br9 type bridge && ip -n "$NS_A" link set br9 up &&
		ip -n "$NS_A" link set xt0 master br9
	doctor "$NS_A"
	check "l2: a bridge's port, every check ok (exit $DOC_RC)" [ "$DOC_RC $(jq -r \
		'[.[] | select(.status != "ok") | .check] | join(" ")' "$TMP/doc.json")" = "0 " ]
	check "l2: the bridge named" [ "$(jq -r '.[] | select(.check == "bridge") | .what' \
		"$TMP/doc.json")" = "xt0 is a port of br9" ]
	done_case
}

for c in $CASES; do
	diag "case: $c"
	"case_$c"
done
tap_done
