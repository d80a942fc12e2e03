#!/bin/bash
# L2 overlays, TCP from VM to VM: two hosts A and B on the default veth wire, each with
# bridge br0 and one "VM" (a namespace on a veth port of br0, MTU 1450), joined by
# xtunnel mode l2 (VNI 42, xt0 a port of br0) or by the kernel's vxlan used the usual way
# (vx0 a port of br0, an all-zeros FDB entry to the other host). iperf3 one stream from
# A's VM to B's VM and back, SECS seconds, RUNS times with the two alternated, in one run.
# Prints a Markdown table (median, spread, ratio to the kernel's); scripts/bench.sh
# appends it to results.md. A figure, never an assertion.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
export BUILD
. "$(dirname "$0")/../tests/lib/netns.sh"
RUNS=${RUNS:-3}
SECS=${SECS:-3}
VM_A=${TAG}va VM_B=${TAG}vb
[ "$(id -u)" = 0 ] || { echo "bench-l2: run as root" >&2; exit 1; }

# setup KIND: the two hosts with their bridges and VMs, joined by KIND (xtunnel, kernel).
setup() {
	topo_pair || return 1
	if [ "$1" = xtunnel ]; then
		xt "$NS_A" attach ua dev xt0 mode l2 vni 42 2>/dev/null &&
			xt "$NS_B" attach ub dev xt0 mode l2 vni 42 2>/dev/null &&
			xt "$NS_A" peer add b endpoint "$UNDER_B" &&
			xt "$NS_B" peer add a endpoint "$UNDER_A" &&
			l2_bridge "$NS_A" xt0 && l2_bridge "$NS_B" xt0 || return 1
	else
		kernel_vxlan_l2 "$NS_A" ua "$UNDER_A" "$UNDER_B" &&
			kernel_vxlan_l2 "$NS_B" ub "$UNDER_B" "$UNDER_A" &&
			l2_bridge "$NS_A" vx0 && l2_bridge "$NS_B" vx0 || return 1
	fi
	vm_new "$VM_A" "$NS_A" 02:00:00:00:01:01 10.20.0.11 fd20::11 &&
		vm_new "$VM_B" "$NS_B" 02:00:00:00:02:01 10.20.0.21 fd20::21 &&
		ping_ok "$VM_A" 10.20.0.21
}

teardown() {
	local ns
	for ns in "$VM_A" "$VM_B" "$NS_A" "$NS_B"; do
		ip netns del "$ns" 2>/dev/null
	done
}

# gbps FROM TO TO_ADDR: one stream, Gbit/s as the receiver counted them.
gbps() {
	local pid out
	in_ns "$2" timeout $((SECS + 15)) iperf3 -s -1 -B "$3" >/dev/null 2>&1 &
	pid=$!
	_started_pids+=("$pid")
	wait_listen "$2" 5201 || { echo 0; return; }
	out=$(in_ns "$1" timeout $((SECS + 15)) iperf3 -J -c "$3" -t "$SECS")
	wait "$pid" 2>/dev/null
	jq -r '.end.sum_received.bits_per_second // 0 | . / 1e9 * 1000 | floor / 1000' \
		<<<"$out" 2>/dev/null || echo 0
}

: >"$TMP/l2.tsv"
for run in $(seq 1 "$RUNS"); do
	for kind in kernel xtunnel; do
		setup "$kind" || { echo "bench-l2: no $kind L2 overlay" >&2; teardown; continue; }
		printf '%s\t%s\t%s\n' "$kind" a_to_b "$(gbps "$VM_A" "$VM_B" 10.20.0.21)" >>"$TMP/l2.tsv"
		printf '%s\t%s\t%s\n' "$kind" b_to_a "$(gbps "$VM_B" "$VM_A" 10.20.0.11)" >>"$TMP/l2.tsv"
		teardown
	done
done

# median and spread per kind and direction, and xtunnel's ratio to the kernel's
echo "| VM to VM, TCP one stream | direction | median Gbit/s | min-max | vs kernel vxlan |"
echo "|---|---|---|---|---|"
for dir in a_to_b b_to_a; do
	for kind in kernel xtunnel; do
		awk -F'\t' -v k="$kind" -v d="$dir" '$1 == k && $2 == d { print $3 }' "$TMP/l2.tsv" |
			sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%s %s %s\n", v[int((NR + 1) / 2)], v[1], v[NR] }' \
			>"$TMP/$kind.$dir"
	done
	read -r km kmin kmax <"$TMP/kernel.$dir"
	read -r xm xmin xmax <"$TMP/xtunnel.$dir"
	echo "| kernel vxlan on bridges | ${dir//_/ } | $km | $kmin-$kmax | 1.00 |"
	echo "| xtunnel mode l2 on bridges | ${dir//_/ } | $xm | $xmin-$xmax |" \
		"$(awk -v x="$xm" -v k="$km" 'BEGIN { printf (k > 0 ? "%.2f" : "-"), (k > 0 ? x / k : 0) }') |"
done
