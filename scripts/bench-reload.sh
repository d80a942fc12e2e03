#!/bin/bash
# Hitless reload, measured: `xtunnel reload` on both hosts, RELOADS times each, while
# traffic crosses the overlay, against the same traffic without reloads in the same run:
#  - 64-byte UDP frames (iperf3 -u, 18-byte payloads, UDP_RATE bit/s of payload) from A to
#    B. Lost in the data path: what A's socket sent that A's encap did not count, and what
#    A encapsulated that B's decap did not; iperf3's own loss (which a receiver socket that
#    overflows adds to) is shown next to them.
#  - a TCP stream from A to B: what A encapsulated that B did not decapsulate (rx tc, where
#    both count the same GSO packets; XDP counts segments), A's
#    retransmissions and how many of them the receiver reported as duplicates (D-SACK,
#    RFC 2883: reordered or late, not lost), and iperf3's throughput.
#  - how long one reload takes (the command, wall-clock).
# And a control: as many reloads of a second overlay (xt1, rx tc: one XDP program per
# uplink where `ip netns exec` hides libxdp's dispatcher) that carries none of the
# traffic, which cost the machine the same CPU time: what the traffic loses then is the
# cost of sharing two cores with the reloads, not of replacing the programs under it.
# For each receive path (tc, xdp). Prints a Markdown table; scripts/bench.sh appends it to
# results.md. A figure, never an assertion.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
export BUILD
. "$(dirname "$0")/../tests/lib/netns.sh"
RELOADS=${RELOADS:-6}
SECS=${SECS:-3}
UDP_RATE=${UDP_RATE:-20M}
[ "$(id -u)" = 0 ] || { echo "bench-reload: run as root" >&2; exit 1; }

counter() { # NS NAME: the overlay's counter
	xt "$1" show xt0 -j | jq ".[0].counters.$2"
}

tcp_counter() { # NS NAME, from /proc/net/snmp and netstat (a line of names, one of values)
	in_ns "$1" awk -v want="$2" '$1 == last { for (i = 2; i <= NF; i++)
		if (substr(last, 1, length(last) - 1) name[i] == want) print $i; next }
		{ last = $1; for (i = 2; i <= NF; i++) name[i] = $i }' /proc/net/snmp /proc/net/netstat
}

# reloads DEV: RELOADS reloads of DEV, alternating A and B, spread over the traffic's SECS;
# prints the median and the longest reload in ms.
reloads() {
	local dev=${1%-nice} i ns t0 t1 ms=() nice=()
	[ "$1" = "$dev" ] || nice=(nice -n 19)
	sleep 0.5
	for i in $(seq 1 "$RELOADS"); do
		t0=$(date +%s%N)
		if [ $((i % 2)) = 1 ]; then ns=$NS_A; else ns=$NS_B; fi
		in_ns "$ns" "${nice[@]}" "$XTUNNEL" reload "$dev" ||
			echo "bench-reload: reload $i failed" >&2
		t1=$(date +%s%N)
		ms+=($(((t1 - t0) / 1000000)))
		sleep "$(awk -v s="$SECS" -v n="$RELOADS" 'BEGIN { printf "%.2f", (s - 1.5) / n }')"
	done
	printf '%s\n' "${ms[@]}" | sort -n | awk '{ v[NR] = $1 } END {
		printf "%d %d\n", v[int((NR + 1) / 2)], v[NR] }'
}

# udp RELOADED (none, xt0 or xt1): prints "sent not_encapsulated not_decapsulated iperf_lost reload_ms max_ms"
udp() {
	local pid out enc0 dec0 enc1 dec1 sent lost r="- -"
	in_ns "$NS_B" timeout $((SECS + 20)) iperf3 -s -1 -B 10.10.0.2 >/dev/null 2>&1 &
	pid=$!
	_started_pids+=("$pid")
	wait_listen "$NS_B" 5201 || { echo "0 0 0 0 - -"; return; }
	enc0=$(counter "$NS_A" encap) dec0=$(counter "$NS_B" decap)
	in_ns "$NS_A" timeout $((SECS + 15)) iperf3 -J -u -l 18 -b "$UDP_RATE" -c 10.10.0.2 \
		-t "$SECS" >"$TMP/udp.json" &
	local client=$!
	_started_pids+=("$client")
	[ "$1" != none ] && r=$(reloads "$1")
	wait "$client"
	wait "$pid" 2>/dev/null
	sleep 0.5
	enc1=$(counter "$NS_A" encap) dec1=$(counter "$NS_B" decap)
	sent=$(jq '.end.sum.packets // 0' "$TMP/udp.json")
	lost=$(jq '.end.sum.lost_packets // 0' "$TMP/udp.json")
	# A's encap also counts the few packets of iperf3's control connection (TCP): a
	# shortfall is what it counted fewer than sent.
	echo "$sent $((sent > enc1 - enc0 ? sent - (enc1 - enc0) : 0))" \
		"$(((enc1 - enc0) - (dec1 - dec0)))" "$lost $r"
}

# tcp RELOADED (none, xt0, xt0-nice or xt1): prints "gbps not_decapsulated retransmitted
# duplicates wire_drops reload_ms max_ms": what A encapsulated that B did not decapsulate,
# A's retransmissions with those the receiver reported as duplicates (D-SACK, RFC 2883: sent
# again though they had arrived, reordered or late), and what A's end of the wire dropped.
tcp() {
	local pid enc0 dec0 enc1 dec1 retr0 dup0 retr1 dup1 drop0 drop1 gbps r="- -"
	in_ns "$NS_B" timeout $((SECS + 20)) iperf3 -s -1 -B 10.10.0.2 >/dev/null 2>&1 &
	pid=$!
	_started_pids+=("$pid")
	wait_listen "$NS_B" 5201 || { echo "0 0 0 0 - -"; return; }
	enc0=$(counter "$NS_A" encap) dec0=$(counter "$NS_B" decap)
	retr0=$(tcp_counter "$NS_A" TcpRetransSegs) dup0=$(tcp_counter "$NS_A" TcpExtTCPDSACKRecvSegs)
	drop0=$(tx_dropped)
	in_ns "$NS_A" timeout $((SECS + 15)) iperf3 -J -c 10.10.0.2 -t "$SECS" >"$TMP/tcp.json" &
	local client=$!
	_started_pids+=("$client")
	[ "$1" != none ] && r=$(reloads "$1")
	wait "$client"
	wait "$pid" 2>/dev/null
	sleep 0.5
	enc1=$(counter "$NS_A" encap) dec1=$(counter "$NS_B" decap)
	retr1=$(tcp_counter "$NS_A" TcpRetransSegs) dup1=$(tcp_counter "$NS_A" TcpExtTCPDSACKRecvSegs)
	drop1=$(tx_dropped)
	gbps=$(jq '.end.sum_received.bits_per_second / 1e9 * 100 | floor / 100' "$TMP/tcp.json")
	echo "$gbps $(((enc1 - enc0) - (dec1 - dec0))) $((retr1 - retr0)) $((dup1 - dup0))" \
		"$((drop1 - drop0)) $r"
}

tx_dropped() { # what A's end of the wire dropped sending (a full ring at B's end)
	ip -n "$NS_A" -s -j link show ua | jq '.[0].stats64.tx.dropped'
}

label() {
	case $1 in
	none) echo "none" ;;
	xt0) echo "$RELOADS of its overlay" ;;
	xt1) echo "$RELOADS of another (control)" ;;
	xt0-nice) echo "$RELOADS of its overlay, at nice 19" ;;
	esac
}

echo "| rx | traffic | reloads | sent | lost in encap | lost in decap | iperf3 lost | reload ms (median, max) |"
echo "|---|---|---|---|---|---|---|---|"
for rx in tc xdp; do
	wire=""
	[ "$rx" = xdp ] && wire=tx-off # XDP sees no CHECKSUM_PARTIAL (see the man page)
	topo_pair $wire &&
		xt "$NS_A" attach ua address 10.10.0.1/24 rx "$rx" 2>/dev/null &&
		xt "$NS_B" attach ub address 10.10.0.2/24 rx "$rx" 2>/dev/null &&
		xt "$NS_A" attach ua dev xt1 vni 43 address 10.11.0.1/24 rx tc 2>/dev/null &&
		xt "$NS_B" attach ub dev xt1 vni 43 address 10.11.0.2/24 rx tc 2>/dev/null &&
		xt "$NS_A" peer add b dev xt0 endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 &&
		xt "$NS_B" peer add a dev xt0 endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 &&
		ping_ok "$NS_A" 10.10.0.2 || { echo "bench-reload: no overlay (rx $rx)" >&2; exit 1; }
	for what in none xt0 xt1; do
		read -r sent enc dec lost med max <<<"$(udp "$what")"
		echo "| $rx | UDP 64-byte frames, $UDP_RATE | $(label "$what") | $sent | $enc | $dec | $lost | $med, $max |"
	done
	# XDP on a veth receives through a 256-frame ring and, on these two cores, a reload at
	# the traffic's priority can hold back the NAPI that empties it (the sender's veth
	# then drops): the same reloads at nice 19 tell that apart from the replacement.
	nice=""
	[ "$rx" = xdp ] && nice=xt0-nice
	for what in none xt0 xt1 $nice; do
		read -r gbps dec retr dup drops med max <<<"$(tcp "$what")"
		# XDP decap counts each segment on the wire, encap the GSO packet it was part of.
		[ "$rx" = xdp ] && dec=-
		echo "| $rx | TCP, $gbps Gbit/s, $retr retransmitted ($dup duplicates), $drops dropped by A's wire | $(label "$what") | - | - | $dec | - | $med, $max |"
	done
	ip netns del "$NS_A" && ip netns del "$NS_B"
done
