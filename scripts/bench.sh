#!/bin/bash
# make bench: xtunnel against the kernel's vxlan and the raw wire, measured in one run on
# the same namespace topology. Two wires:
#   default - a veth pair with its default offloads (every container host): TC receive.
#   tx-off  - transmit checksum offload off on both ends, as a NIC presents packets to
#             XDP: the XDP receive path, next to the kernel's vxlan on that same wire.
# Each figure is measured RUNS times; the median, the spread (min-max) and the ratio to
# kernel vxlan<->vxlan on the same wire are reported. Results: build/bench/results.{md,json}
# and results.png. Figures from different runs or machines are not comparable.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
export BUILD
. "$(dirname "$0")/../tests/lib/netns.sh"
trap - EXIT
trap 'cleanup' EXIT

RUNS=${RUNS:-3}
SECS=${SECS:-3}
OUT=$BUILD/bench
mkdir -p "$OUT"
RAW=$OUT/raw.jsonl
: >"$RAW"
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }

# record WIRE SCENARIO METRIC VALUE
record() {
	printf '{"wire":"%s","scenario":"%s","metric":"%s","value":%s}\n' "$1" "$2" "$3" "$4" \
		>>"$RAW"
}

busy_jiffies() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# iperf FROM_NS SERVER_NS SERVER_ADDR EXTRA...: prints "gbps cpu_s_per_gbit"
iperf() {
	local from=$1 srv=$2 addr=$3 pid out b0 b1 gbps
	shift 3
	in_ns "$srv" timeout $((SECS + 15)) iperf3 -s -1 -B "$addr" >/dev/null 2>&1 &
	pid=$!
	_started_pids+=("$pid")
	wait_listen "$srv" 5201 || { echo "0 0"; return; }
	b0=$(busy_jiffies)
	out=$(in_ns "$from" timeout $((SECS + 15)) iperf3 -J -c "$addr" -t "$SECS" "$@")
	b1=$(busy_jiffies)
	wait "$pid" 2>/dev/null
	gbps=$(jq -r '.end.sum_received.bits_per_second // .end.sum.bits_per_second // 0
		| . / 1e9' <<<"$out" 2>/dev/null)
	[ -n "$gbps" ] || gbps=0
	# CPU seconds (all cores, both hosts: they share this machine) per Gbit moved.
	awk -v g="$gbps" -v j=$((b1 - b0)) -v s="$SECS" 'BEGIN {
		printf "%.3f %.4f\n", g, (g > 0 ? (j / 100) / (g * s) : 0) }'
}

# udp_pps FROM_NS SERVER_NS ADDR: 64-byte UDP datagrams per second received.
udp_pps() {
	local from=$1 srv=$2 addr=$3 pid out
	in_ns "$srv" timeout $((SECS + 15)) iperf3 -s -1 -B "$addr" >/dev/null 2>&1 &
	pid=$!
	_started_pids+=("$pid")
	wait_listen "$srv" 5201 || { echo 0; return; }
	out=$(in_ns "$from" timeout $((SECS + 15)) iperf3 -J -u -l 64 -b 0 -c "$addr" -t "$SECS")
	wait "$pid" 2>/dev/null
	jq -r '.end.sum | (.packets - .lost_packets) / .seconds | floor' <<<"$out" 2>/dev/null ||
		echo 0
}

latency_us() {
	in_ns "$1" ping -q -c 200 -i 0.002 "$2" 2>/dev/null |
		awk -F/ '/rtt/ { printf "%.1f\n", $5 * 1000 }'
}

# measure WIRE SCENARIO A_ADDR B_ADDR: every figure, RUNS times.
measure() {
	local wire=$1 sc=$2 a=$3 b=$4 i r
	echo "bench: $wire / $sc" >&2
	ping_ok "$NS_A" "$b" 3 || { echo "bench: $sc: no connectivity" >&2; return; }
	for i in $(seq "$RUNS"); do
		r=$(iperf "$NS_A" "$NS_B" "$b")
		record "$wire" "$sc" tcp_a_to_b_gbps "${r% *}"
		record "$wire" "$sc" cpu_s_per_gbit "${r#* }"
		r=$(iperf "$NS_A" "$NS_B" "$b" -R)
		record "$wire" "$sc" tcp_b_to_a_gbps "${r% *}"
		r=$(iperf "$NS_A" "$NS_B" "$b" -P 4)
		record "$wire" "$sc" tcp_4_streams_gbps "${r% *}"
		record "$wire" "$sc" udp64_pps "$(udp_pps "$NS_A" "$NS_B" "$b")"
		record "$wire" "$sc" ping_rtt_us "$(latency_us "$NS_A" "$b")"
	done
}

scenario() {
	local wire=$1 sc=$2
	topo_pair "$([ "$wire" = tx-off ] && echo tx-off)" || { echo "bench: topology" >&2; return; }
	case $sc in
	raw-veth)
		measure "$wire" "$sc" "$UNDER_A" "$UNDER_B"
		;;
	vxlan-vxlan)
		kernel_vxlan "$NS_A" ua "$UNDER_A" "$UNDER_B" 10.10.0.1/24 &&
			kernel_vxlan "$NS_B" ub "$UNDER_B" "$UNDER_A" 10.10.0.2/24 &&
			measure "$wire" "$sc" 10.10.0.1 10.10.0.2
		;;
	xtunnel-xtunnel | xtunnel-vxlan)
		local rx=tc
		[ "$wire" = tx-off ] && rx=xdp
		xt "$NS_A" attach ua vni 42 address 10.10.0.1/24 rx "$rx" 2>/dev/null &&
			xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 || return
		if [ "$sc" = xtunnel-xtunnel ]; then
			xt "$NS_B" attach ub vni 42 address 10.10.0.2/24 rx "$rx" 2>/dev/null &&
				xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 ||
				return
		else
			kernel_vxlan "$NS_B" ub "$UNDER_B" "$UNDER_A" 10.10.0.2/24 || return
		fi
		measure "$wire" "$sc-$rx" 10.10.0.1 10.10.0.2
		;;
	esac
	ip netns del "$NS_A"
	ip netns del "$NS_B"
}

start=$SECONDS
for wire in default tx-off; do
	for sc in raw-veth vxlan-vxlan xtunnel-xtunnel xtunnel-vxlan; do
		scenario "$wire" "$sc"
	done
done

# Medians, spreads and ratios to kernel vxlan<->vxlan on the same wire.
jq -s '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	group_by([.wire, .scenario, .metric]) | map({wire: .[0].wire, scenario: .[0].scenario,
		metric: .[0].metric, runs: map(.value), median: (map(.value) | median),
		min: (map(.value) | min), max: (map(.value) | max)}) as $rows
	| $rows | map(. as $r | . + {vs_vxlan: ([$rows[] | select(.wire == $r.wire and
		.scenario == "vxlan-vxlan" and .metric == $r.metric) | .median][0] as $base
		| if $base and $base != 0 then ($r.median / $base * 100 | round / 100) else null
		end)})' "$RAW" >"$OUT/results.json"

{
	echo "# xtunnel benchmark"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), $(nproc) cores," \
		"iperf3 ${SECS} s, $RUNS runs: median (min-max), ratio to kernel vxlan<->vxlan" \
		"on the same wire."
	for wire in default tx-off; do
		echo
		echo "## Wire: $wire"
		echo
		echo "| scenario | metric | median | min-max | vs vxlan |"
		echo "|---|---|---|---|---|"
		jq -r --arg w "$wire" '.[] | select(.wire == $w) |
			"| \(.scenario) | \(.metric) | \(.median) | \(.min)-\(.max) | \(.vs_vxlan // "-") |"' \
			"$OUT/results.json"
	done
	echo
	echo "Took $((SECONDS - start)) s."
} >"$OUT/results.md"

# Per-packet cost of each program next to a null one, and scale (see bench/progcost.c).
echo "bench: program cost and scale" >&2
"$BUILD/bench/progcost" >"$OUT/progcost.md" || echo "bench: progcost failed" >&2
{
	echo
	echo "## Program cost and scale"
	echo
	echo "Mean ns per packet from BPF_PROG_TEST_RUN (x: ratio to the null program of the"
	echo "same type), with 100,000 peers loaded and the given number of prefixes."
	echo
	cat "$OUT/progcost.md"
} >>"$OUT/results.md"

if command -v gnuplot >/dev/null; then
	jq -r '.[] | select(.metric == "tcp_a_to_b_gbps") | "\(.wire)/\(.scenario) \(.median)"' \
		"$OUT/results.json" >"$OUT/tcp.dat"
	gnuplot <<-EOF 2>/dev/null
		set terminal pngcairo size 900,450
		set output "$OUT/results.png"
		set style fill solid
		set boxwidth 0.6
		set ylabel "Gbit/s (TCP, one stream, A to B, median)"
		set xtics rotate by -30
		set title "xtunnel vs kernel vxlan, same run"
		plot "$OUT/tcp.dat" using 0:2:xtic(1) with boxes notitle
	EOF
fi
cat "$OUT/results.md"
