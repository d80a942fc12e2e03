#!/bin/bash
# xtunnel reload replaces the programs while traffic flows: the maps (peers, routes,
# counters) are kept, the programs are new, and a TCP transfer running across the reload
# completes byte for byte without a stall.
. "$(dirname "$0")/../lib/netns.sh"

prog_id() {
	in_ns "$1" tc filter show dev xt0 egress | sed -n 's/.* id \([0-9]*\) .*/\1/p'
}

# The ids of the maps the encap program uses, but its rodata (which each load makes anew).
map_ids() {
	bpftool -j prog show id "$(prog_id "$1")" | jq -r '.map_ids[]' | while read -r m; do
		bpftool -j map show id "$m" | jq -r 'select(.name | endswith(".rodata") | not) | .id'
	done | sort -n | tr '\n' ' '
}

run_case() {
	local rx=$1 wire=$2 prog_a maps_a rx_before pid rc
	diag "case: rx $rx"
	if ! topo_pair "$wire" ||
		! xt "$NS_A" attach ua address 10.10.0.1/24 rx "$rx" 2>/dev/null ||
		! xt "$NS_B" attach ub address 10.10.0.2/24 rx "$rx" 2>/dev/null ||
		! xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 ||
		! xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 ||
		! ping_ok "$NS_A" 10.10.0.2; then
		not_ok "rx $rx: two hosts with traffic"
		return
	fi
	prog_a=$(prog_id "$NS_A")
	maps_a=$(map_ids "$NS_A")
	rx_before=$(json_field "$NS_A" '.[0].peers[0].rx_packets')
	# iperf3 reports each 0.5 s: a stall shows as an interval with nothing received.
	in_ns "$NS_B" timeout 20 iperf3 -s -1 -B 10.10.0.2 >/dev/null 2>&1 &
	_started_pids+=("$!")
	wait_listen "$NS_B" 5201
	in_ns "$NS_A" timeout 20 iperf3 -J -c 10.10.0.2 -t 4 -i 0.5 >"$TMP/iperf.json" &
	pid=$!
	_started_pids+=("$pid")
	sleep 1
	check "rx $rx: reload on A while TCP flows" xt "$NS_A" reload
	check "rx $rx: reload on B while TCP flows" xt "$NS_B" reload xt0
	sleep 0.5
	check "rx $rx: reload again" xt "$NS_A" reload xt0
	wait "$pid"
	rc=$?
	check "rx $rx: the TCP stream completed (iperf3 status $rc)" [ "$rc" = 0 ]
	check "rx $rx: no interval without data (no stall)" [ "$(jq '[.intervals[].sum.bytes |
		select(. == 0)] | length' "$TMP/iperf.json")" = 0 ]
	diag "rx $rx: retransmits across the reloads: $(jq '.end.sum_sent.retransmits' \
		"$TMP/iperf.json")"
	check "rx $rx: the encap program was replaced" [ "$(prog_id "$NS_A")" != "$prog_a" ]
	check "rx $rx: the maps are the same objects" [ "$(map_ids "$NS_A")" = "$maps_a" ]
	check "rx $rx: peers kept" [ "$(json_field "$NS_A" '.[0].peers[0].name')" = b ]
	check "rx $rx: counters kept and still counting" [ "$(json_field "$NS_A" \
		'.[0].peers[0].rx_packets')" -gt "$rx_before" ]
	check "rx $rx: still the $rx receive path" [ "$(json_field "$NS_A" '.[0].rx')" = "$rx" ]
	check "rx $rx: TCP byte for byte after the reloads" \
		tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 4
	check "rx $rx: detach after reload leaves no XDP or filter" bash -c "
		ip netns exec $NS_A $XTUNNEL detach xt0 &&
		! ip -n $NS_A link show ua | grep -q xdp &&
		[ -z \"\$(ip netns exec $NS_A tc filter show dev ua ingress)\" ]"
	ip netns del "$NS_A"
	ip netns del "$NS_B"
}

run_case tc ""
run_case xdp tx-off
tap_done
