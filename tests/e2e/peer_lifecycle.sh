#!/bin/bash
# Peers change at run time: add, set (allowed-ips and endpoint), del. After a peer is
# removed its traffic is dropped, and no inner packet ever leaves the uplink unencapsulated.
. "$(dirname "$0")/../lib/netns.sh"

# leak_capture NS IF SECONDS: counts packets on the wire whose outer destination is an
# overlay address (10.10.0.0/16): those would be inner packets sent in the clear.
leak_capture() {
	# tshark stops itself (-a duration); timeout -k is only a backstop: tshark can ignore
	# SIGTERM while its dumpcap child runs.
	rm -f "$TMP/leak.pcap"
	in_ns "$1" timeout -k 2 $(($3 + 10)) tshark -q -a "duration:$3" -i "$2" \
		-f "dst net 10.10.0.0/16" -w "$TMP/leak.pcap" >/dev/null 2>&1
	# No capture file means no capture: report it as a leak rather than pass.
	[ -s "$TMP/leak.pcap" ] || { echo 999; return; }
	tshark -r "$TMP/leak.pcap" 2>/dev/null | wc -l
}

topo_switch || { not_ok "build three hosts on one switch"; tap_done; }

xt "$NS_A" attach ua address 10.10.0.1/16 >/dev/null 2>&1 &&
	xt "$NS_B" attach ub address 10.10.0.2/16 >/dev/null 2>&1 &&
	xt "$NS_C" attach uc address 10.10.0.3/16 >/dev/null 2>&1 &&
	xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 &&
	xt "$NS_C" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 ||
	{ not_ok "attach on three hosts"; tap_done; }

check "peer add at run time" xt "$NS_A" peer add b endpoint "$UNDER_B" \
	allowed-ips 10.10.0.2/32,10.10.2.0/24
check "traffic flows to the new peer" ping_ok "$NS_A" 10.10.0.2
check "peer add installs a kernel route per allowed prefix" \
	bash -c "ip -n $NS_A route show 10.10.2.0/24 | grep -q 'dev xt0'"
check "show lists both prefixes" [ "$(json_field "$NS_A" \
	'.[0].peers[0].allowed_ips | join(",")')" = "10.10.0.2/32,10.10.2.0/24" ]

check "peer set allowed-ips replaces the prefixes" \
	xt "$NS_A" peer set b allowed-ips 10.10.0.2/32,10.10.3.0/24
check "the removed prefix loses its kernel route" \
	bash -c "! ip -n $NS_A route show 10.10.2.0/24 | grep -q ."
check "the added prefix has its kernel route" \
	bash -c "ip -n $NS_A route show 10.10.3.0/24 | grep -q 'dev xt0'"
check "traffic still flows after peer set" ping_ok "$NS_A" 10.10.0.2

# B's address moves to host C: the endpoint changes under the same peer name.
xt "$NS_C" peer set a allowed-ips 10.10.0.1/32 >/dev/null
ip -n "$NS_C" addr add 10.10.0.2/16 dev xt0
check "peer set endpoint moves the peer" xt "$NS_A" peer set b endpoint "$UNDER_C"
# The overlay address now answers from C's xt0, another MAC: forget B's, as a host would.
ip -n "$NS_A" neigh flush dev xt0
check "traffic reaches the new endpoint" ping_ok "$NS_A" 10.10.0.2
check "show has the new endpoint" [ "$(json_field "$NS_A" '.[0].peers[0].endpoint')" = \
	"$UNDER_C" ]
ip -n "$NS_C" addr del 10.10.0.2/16 dev xt0
xt "$NS_A" peer set b endpoint "$UNDER_B" >/dev/null
ip -n "$NS_A" neigh flush dev xt0

before=$(json_field "$NS_A" '.[0].counters.drop_no_route')
check "peer del at run time" xt "$NS_A" peer del b
check "peer del removes its kernel routes" \
	bash -c "! ip -n $NS_A route show proto 0x78 | grep -q ."
check_fails "no traffic to a removed peer" ping_ok "$NS_A" 10.10.0.2
# 10.10.0.2 is on xt0's connected /16: the host keeps sending to it through xt0.
in_ns "$NS_A" ping -c 20 -i 0.1 -W 1 10.10.0.2 >/dev/null 2>&1 &
pinger=$!
_started_pids+=("$pinger")
leaks_b=$(leak_capture "$NS_B" ub 3)
leaks_a=$(leak_capture "$NS_A" ua 1)
wait "$pinger"
check "no inner packet leaves the uplink after peer del (seen on B's wire: $leaks_b)" \
	[ "$leaks_b" = 0 -a "$leaks_a" = 0 ]
after=$(json_field "$NS_A" '.[0].counters.drop_no_route')
check "traffic to the removed peer is counted as drop-no-route ($before -> $after)" \
	[ "$after" -gt "$before" ]
check "the remaining peer still works" xt "$NS_A" peer add b endpoint "$UNDER_B" \
	allowed-ips 10.10.0.2/32
check "and traffic to it flows again" ping_ok "$NS_A" 10.10.0.2
tap_done
