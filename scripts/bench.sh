#!/bin/bash
# make bench: xtunnel against the kernel's vxlan and the raw wire, measured in one run on
# the same namespace topology. Two wires between hosts A and B:
#   default - a veth pair with its default offloads (every container host): TC receive.
#   tx-off  - transmit checksum offload off on both ends, as a NIC presents packets to
#             XDP: the XDP receive path, next to the kernel's vxlan on that same wire.
# And gateways: A and B route between LAN hosts C and S (topo_lans), the traffic runs
# from C to S; the kernel's routing plus its vxlan against xtunnel's forward-from path.
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
RUNS6=${RUNS6:-5}
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

# Where traffic starts and ends: A and B, or the LAN hosts C and S behind gateways.
SRC_NS=$NS_A DST_NS=$NS_B

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

# udp_pps: 64-byte UDP frames per second that reach the UDP layer of DST_NS, to a port
# nobody listens on (NoPorts in its /proc/net/snmp; not InDatagrams, which the kernel's
# vxlan also increments for the outer datagram its socket consumes). bench/udpgen sends
# them with XDP live frames out of GEN_IF in SRC_NS (A's uplink; C's LAN end for
# gateways), already encapsulated when GEN_DEV names B's overlay device (VXLAN, VNI 42):
# the figure is the receive path alone (raw stack, kernel vxlan, xtunnel decap; for
# gateways both gateways' forwarding), not a socket sender's. The receiving end (GEN_TO_IF
# in GEN_TO_NS) gets GRO on meanwhile: a veth accepts XDP-redirected frames only with NAPI.
GEN_DEV=""
GEN_IF=ua GEN_TO_NS=$NS_B GEN_TO_IF=ub GEN_SRC=$UNDER_A GEN_DST=$UNDER_B
udp_pps() {
	local mac_ua mac_ub mac_in="" before after t0 t1 gen
	mac_ua=$(ip -n "$SRC_NS" -j link show "$GEN_IF" | jq -r '.[0].address')
	mac_ub=$(ip -n "$GEN_TO_NS" -j link show "$GEN_TO_IF" | jq -r '.[0].address')
	[ -n "$GEN_DEV" ] && mac_in=$(ip -n "$NS_B" -j link show "$GEN_DEV" | jq -r '.[0].address')
	/usr/bin/python3 - "$OUT/frame.pcap" "$mac_ua" "$mac_ub" "$mac_in" "$GEN_SRC" "$GEN_DST" <<'PY' || { echo 0; return; }
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap
from scapy.layers.vxlan import VXLAN
path, mac_ua, mac_ub, mac_in, a, b = sys.argv[1:7]
pkt = IP(src=a, dst=b) / UDP(sport=40000, dport=9) / Raw(b"x" * 18)
if mac_in:  # the same 64-byte frame (with FCS), inside VXLAN; flags=0x08 keeps scapy from
    # writing VXLAN-GPE's P flag and next protocol, which the kernel's vxlan refuses
    inner = (Ether(dst=mac_in, src="02:00:00:00:00:01") / IP(src="10.10.0.1", dst="10.10.0.2") /
             UDP(sport=40000, dport=9) / Raw(b"x" * 18))
    pkt = IP(src=a, dst=b, flags="DF") / UDP(sport=50000, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=42) / inner
wrpcap(path, Ether(dst=mac_ub, src=mac_ua) / pkt)
PY
	in_ns "$GEN_TO_NS" ethtool -K "$GEN_TO_IF" gro on >/dev/null 2>&1
	# Steady state: the count over 2 s in the middle of a longer run, so that neither the
	# start nor what is still processed after the generator stops is counted.
	in_ns "$SRC_NS" timeout 4 "$BUILD/bench/udpgen" "$GEN_IF" "$OUT/frame.pcap" 1000000000 \
		>/dev/null 2>&1 &
	gen=$!
	_started_pids+=("$gen")
	sleep 1
	before=$(udp_in)
	t0=$(date +%s.%N)
	sleep 2
	after=$(udp_in)
	t1=$(date +%s.%N)
	wait "$gen" 2>/dev/null
	in_ns "$GEN_TO_NS" ethtool -K "$GEN_TO_IF" gro off >/dev/null 2>&1 # as TCP sees it
	awk -v n=$((after - before)) -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%d\n", n / (t1 - t0) }'
}

udp_in() {
	in_ns "$DST_NS" awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $3 }' /proc/net/snmp
}

latency_us() {
	in_ns "$1" ping -q -c 200 -i 0.002 "$2" 2>/dev/null |
		awk -F/ '/rtt/ { printf "%.1f\n", $5 * 1000 }'
}

# tcp_both_ways WIRE SCENARIO B_ADDR: one stream each way, and CPU per Gbit A -> B.
tcp_both_ways() {
	local r
	r=$(iperf "$SRC_NS" "$DST_NS" "$3")
	record "$1" "$2" tcp_a_to_b_gbps "${r% *}"
	record "$1" "$2" cpu_s_per_gbit "${r#* }"
	r=$(iperf "$SRC_NS" "$DST_NS" "$3" -R)
	record "$1" "$2" tcp_b_to_a_gbps "${r% *}"
}

# measure WIRE SCENARIO A_ADDR B_ADDR [tcp]: every figure, RUNS times; with `tcp`, one
# stream each way and CPU per Gbit only, for the encapsulations compared with each other
# (keeps make bench under 15 minutes).
measure() {
	local wire=$1 sc=$2 a=$3 b=$4 only=${5:-} i r t0=$SECONDS
	echo "bench: $wire / $sc" >&2
	ping_ok "$SRC_NS" "$b" 3 || { echo "bench: $sc: no connectivity" >&2; return; }
	for i in $(seq "$RUNS"); do
		tcp_both_ways "$wire" "$sc" "$b"
		[ "$only" = tcp ] && continue
		r=$(iperf "$SRC_NS" "$DST_NS" "$b" -P 4)
		record "$wire" "$sc" tcp_4_streams_gbps "${r% *}"
		record "$wire" "$sc" udp64_pps "$(udp_pps)"
		record "$wire" "$sc" ping_rtt_us "$(latency_us "$SRC_NS" "$b")"
	done
	echo "bench: $wire / $sc: $((SECONDS - t0)) s" >&2
}

underlay6() {
	ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad &&
		ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad
}

# xtunnel_pair ENCAP FAMILY RX [PEER_WORDS]: xtunnel on both hosts, overlay 10.10.0.0/24;
# PEER_WORDS go to both peer add (udp6-zero-csum on).
xtunnel_pair() {
	local encap=$1 fam=$2 rx=$3 la=$UNDER_A lb=$UNDER_B ea=$UNDER_A eb=$UNDER_B opts=""
	local words=${4:-}
	if [ "$fam" = 6 ]; then
		underlay6 || return 1
		la=2001:db8::1 lb=2001:db8::2 ea="[2001:db8::1]" eb="[2001:db8::2]"
	fi
	case $encap in vxlan | geneve) opts="vni 42" ;; gre) opts="key 42" ;; esac
	# shellcheck disable=SC2086
	xt "$NS_A" attach ua encap "$encap" $opts local "$la" address 10.10.0.1/24 \
		rx "$rx" 2>/dev/null &&
		xt "$NS_A" peer add b endpoint "$eb" allowed-ips 10.10.0.2/32 $words &&
		xt "$NS_B" attach ub encap "$encap" $opts local "$lb" address 10.10.0.2/24 \
			rx "$rx" 2>/dev/null &&
		xt "$NS_B" peer add a endpoint "$ea" allowed-ips 10.10.0.1/32 $words
}

scenario() {
	local wire=$1 sc=$2
	topo_pair "$([ "$wire" = tx-off ] && echo tx-off)" || { echo "bench: topology" >&2; return; }
	case $sc in
	raw-veth)
		GEN_DEV=""
		measure "$wire" "$sc" "$UNDER_A" "$UNDER_B"
		;;
	vxlan-vxlan)
		kernel_vxlan "$NS_A" ua "$UNDER_A" "$UNDER_B" 10.10.0.1/24 &&
			kernel_vxlan "$NS_B" ub "$UNDER_B" "$UNDER_A" 10.10.0.2/24 &&
			GEN_DEV=vx0 measure "$wire" "$sc" 10.10.0.1 10.10.0.2
		;;
	vxlan6-vxlan6)
		underlay6 &&
			kernel_vxlan "$NS_A" ua 2001:db8::1 2001:db8::2 10.10.0.1/24 &&
			kernel_vxlan "$NS_B" ub 2001:db8::2 2001:db8::1 10.10.0.2/24 &&
			measure "$wire" "$sc" 10.10.0.1 10.10.0.2 tcp
		;;
	xtunnel-geneve | xtunnel-gre | xtunnel-ipip | xtunnel-vxlan6 | xtunnel-geneve6 | \
		xtunnel-geneve6z)
		# 6z: over IPv6 with udp6-zero-csum on both peers (RFC 6935), GSO packets whole.
		local rx=tc encap=${sc#xtunnel-} fam=4 words=""
		[ "$wire" = tx-off ] && rx=xdp
		case $encap in *6z) encap=${encap%6z} fam=6 words="udp6-zero-csum on" ;; esac
		case $encap in *6) encap=${encap%6} fam=6 ;; esac
		xtunnel_pair "$encap" "$fam" "$rx" "$words" &&
			measure "$wire" "$sc-$rx" 10.10.0.1 10.10.0.2 tcp
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
			GEN_DEV=xt0
		else
			kernel_vxlan "$NS_B" ub "$UNDER_B" "$UNDER_A" 10.10.0.2/24 || return
			GEN_DEV=vx0
		fi
		measure "$wire" "$sc-$rx" 10.10.0.1 10.10.0.2
		;;
	esac
	ip netns del "$NS_A"
	ip netns del "$NS_B"
}

# gateways SCENARIO: C -> S through A and B (topo_lans). route: plain routing over the wire,
# the ceiling; vxlan-vxlan: the kernel's routing into its vxlan on both gateways;
# xtunnel-forward-RX: xtunnel's forward-from path (vxlan, VNI 42), with RX receive.
gateways() {
	local sc=$1 rx
	topo_lans || { echo "bench: gateways topology" >&2; return; }
	case $sc in
	route)
		ip -n "$NS_A" route add 10.2.0.0/24 via 192.0.2.2 &&
			ip -n "$NS_B" route add 10.1.0.0/24 via 192.0.2.1 || return
		;;
	vxlan-vxlan)
		kernel_vxlan "$NS_A" ua 192.0.2.1 192.0.2.2 10.99.0.1/24 &&
			kernel_vxlan "$NS_B" ub 192.0.2.2 192.0.2.1 10.99.0.2/24 &&
			ip -n "$NS_A" route add 10.2.0.0/24 via 10.99.0.2 dev vx0 &&
			ip -n "$NS_B" route add 10.1.0.0/24 via 10.99.0.1 dev vx0 || return
		;;
	xtunnel-forward-*)
		rx=${sc#xtunnel-forward-}
		xt "$NS_A" attach ua vni 42 address 10.99.0.1/24 rx "$rx" forward-from la \
			2>/dev/null &&
			xt "$NS_B" attach ub vni 42 address 10.99.0.2/24 rx "$rx" forward-from lb \
				2>/dev/null &&
			xt "$NS_A" peer add b endpoint 192.0.2.2 allowed-ips 10.99.0.2/32,10.2.0.0/24 &&
			xt "$NS_B" peer add a endpoint 192.0.2.1 allowed-ips 10.99.0.1/32,10.1.0.0/24 &&
			ip -n "$NS_A" route replace 10.2.0.0/24 via 10.99.0.2 dev xt0 &&
			ip -n "$NS_B" route replace 10.1.0.0/24 via 10.99.0.1 dev xt0 || return
		;;
	esac
	SRC_NS=$NS_C DST_NS=$NS_S GEN_DEV="" GEN_IF=c0 GEN_TO_NS=$NS_A GEN_TO_IF=la \
		GEN_SRC=10.1.0.2 GEN_DST=10.2.0.2 measure gateways "$sc" 10.1.0.2 10.2.0.2
	lans_del
}

start=$SECONDS
# section NAME: says which part starts, and at which second of the run (make bench must stay
# under 15 minutes with its build: this shows where the time goes).
section() {
	echo "bench: $1 (at $((SECONDS - start)) s)" >&2
}
for sc in route vxlan-vxlan xtunnel-forward-xdp xtunnel-forward-tc; do
	gateways "$sc"
done
for wire in default tx-off; do
	# The other encapsulations on the default wire only: on tx-off they add nothing XDP's
	# VXLAN figures and progcost's per-encapsulation table do not say (make bench must stay
	# under 15 minutes).
	for sc in raw-veth vxlan-vxlan xtunnel-xtunnel xtunnel-vxlan xtunnel-geneve xtunnel-gre \
		xtunnel-ipip; do
		[ "$wire" = tx-off ] && [ "${sc#xtunnel-}" != "$sc" ] && [ "$sc" != xtunnel-xtunnel ] &&
			[ "$sc" != xtunnel-vxlan ] && continue
		scenario "$wire" "$sc"
	done
	# IPv6 underlay, TC receive only, one run of each in turn: the load of the machine at
	# one moment weighs on the kernel's figure and on xtunnel's alike. VXLAN, the target
	# of parity, RUNS6 times (its median is the figure that matters, and one run is
	# noisier than the difference); GENEVE, with and without the zero outer checksum, in
	# the first RUNS of them.
	[ "$wire" = default ] || continue
	for i in $(seq "$RUNS6"); do
		for sc in vxlan6-vxlan6 xtunnel-vxlan6 xtunnel-geneve6 xtunnel-geneve6z; do
			[ "$i" -gt "$RUNS" ] && [ "${sc#xtunnel-geneve}" != "$sc" ] && continue
			RUNS=1 scenario "$wire" "$sc"
		done
	done
done

# Medians, spreads and ratios to kernel vxlan<->vxlan on the same wire; over an IPv6
# underlay (scenarios named ...6), to the kernel's vxlan over IPv6.
jq -s '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def base: if test("6z?($|-)") then "vxlan6-vxlan6" else "vxlan-vxlan" end;
	group_by([.wire, .scenario, .metric]) | map({wire: .[0].wire, scenario: .[0].scenario,
		metric: .[0].metric, runs: map(.value), median: (map(.value) | median),
		min: (map(.value) | min), max: (map(.value) | max)}) as $rows
	| $rows | map(. as $r | . + {vs_vxlan: ([$rows[] | select(.wire == $r.wire and
		.scenario == ($r.scenario | base) and .metric == $r.metric) | .median][0] as $base
		| if $base and $base != 0 then ($r.median / $base * 100 | round / 100) else null
		end)})' "$RAW" >"$OUT/results.json"

{
	echo "# xtunnel benchmark"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), $(nproc) cores," \
		"iperf3 ${SECS} s, $RUNS runs ($RUNS6 for VXLAN over IPv6): median (min-max), ratio to kernel vxlan<->vxlan" \
		"on the same wire (IPv6 underlay, scenarios ...6: to kernel vxlan over IPv6," \
		"measured in turn with them; gateways: the kernel's routing into its vxlan on A" \
		"and B; traffic from C behind A to S behind B)."
	for wire in default tx-off gateways; do
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
section "program cost and scale"
"$BUILD/bench/progcost" >"$OUT/progcost.md" || echo "bench: progcost failed" >&2
{
	echo
	echo "## Program cost and scale"
	echo
	echo "ns per packet from BPF_PROG_TEST_RUN, the mean of the middle half of 100,000 single"
	echo "runs interleaved with the null program's (x: the ratio to it), with 100,000 peers"
	echo "loaded and the given number of prefixes."
	echo
	cat "$OUT/progcost.md"
} >>"$OUT/results.md"

# L2 overlays: what replicating a frame to flood costs per copy, xtunnel's design next to
# the one it did not take, and the ARP suppression answer (see bench/l2flood.c).
section "L2 flooding"
{
	echo
	echo "## L2 flooding and ARP suppression"
	echo
	echo "ns per run of BPF_PROG_TEST_RUN flooding a broadcast frame to N peers (its copies"
	echo "sent for real out of a veth uplink whose far end drops them), the mean of the middle"
	echo "half of 20,000 single runs; the cost per copy is the slope (bench/l2flood.c)."
	echo
	"$BUILD/bench/l2flood" || echo "bench: l2flood failed" >&2
} >>"$OUT/results.md"

# L2 overlays on bridges: TCP from VM to VM, xtunnel mode l2 against the kernel's vxlan.
section "L2 VM to VM"
{
	echo
	echo "## L2 overlays: VM to VM"
	echo
	echo "A VM (a namespace on a port of br0) on each host; the hosts' bridges joined by"
	echo "xtunnel mode l2 or by the kernel's vxlan (learning, an all-zeros FDB entry per"
	echo "remote VTEP), alternated in one run (scripts/bench-l2.sh)."
	echo
	RUNS=$RUNS SECS=$SECS "$(dirname "$0")/bench-l2.sh" 2>/dev/null || echo "bench: bench-l2 failed" >&2
} >>"$OUT/results.md"

# What the trace hooks cost while nobody traces, against programs without them.
section "trace off against no trace code"
{
	echo
	echo "## Trace off against no trace code"
	echo
	echo "progcost's table per encapsulation for the programs as built, while nobody traces,"
	echo "and for the same programs built without trace code (XT_NO_TRACE), run alternately"
	echo "(scripts/bench-tracecost.sh): medians, spread (min-max) and the difference."
	echo
	RUNS=6 "$(dirname "$0")/bench-tracecost.sh" || echo "bench: bench-tracecost failed" >&2
} >>"$OUT/results.md"

# Control-plane cost: batches of peer adds at 1,000, 10,000 and 100,000 peers.
section "batch"
{
	echo
	echo "## Batch"
	echo
	echo "\`xtunnel batch\` of N \`peer add\` lines (one endpoint and one /32 each) into an"
	echo "empty overlay, then one more \`peer add\` and one \`peer del\` as single commands"
	echo "(each a process of its own) next to the N peers (scripts/bench-batch.sh)."
	echo
	"$(dirname "$0")/bench-batch.sh" || echo "bench: bench-batch failed" >&2
} >>"$OUT/results.md"

# Hitless reload: traffic across reloads of its overlay, and of another as a control.
section "reload"
{
	echo
	echo "## Reload under traffic"
	echo
	echo "\`xtunnel reload\` on A and B in turn while 64-byte UDP frames or a TCP stream cross"
	echo "the overlay from A to B; the same traffic without reloads, and with as many reloads of"
	echo "a second overlay that carries none of it (the control: the same CPU time taken from"
	echo "the two cores). Lost in encap: sent by A's socket, not counted by A's encap; lost in"
	echo "decap: encapsulated by A, not decapsulated by B (scripts/bench-reload.sh)."
	echo
	"$(dirname "$0")/bench-reload.sh" 2>/dev/null || echo "bench: bench-reload failed" >&2
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
echo "bench: done in $((SECONDS - start)) s" >&2
