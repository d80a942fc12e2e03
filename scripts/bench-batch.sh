#!/bin/bash
# Control-plane cost: `xtunnel batch` of N `peer add` lines (one endpoint and one /32 each)
# into an empty overlay, for each N in BATCH_SIZES (1,000, 10,000 and 100,000), and then one
# `peer add` and one `peer del` as single commands next to the N peers. Prints a Markdown
# table; scripts/bench.sh appends it to results.md. A figure, never an assertion.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
export BUILD
. "$(dirname "$0")/../tests/lib/netns.sh"
BATCH_SIZES=${BATCH_SIZES:-1000 10000 100000}
[ "$(id -u)" = 0 ] || { echo "bench-batch: run as root" >&2; exit 1; }

now() {
	date +%s.%N
}

# seconds FROM TO
seconds() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

ns_new "$NS_A" && ip -n "$NS_A" link add ua type veth peer name ub &&
	ip -n "$NS_A" addr add "$UNDER_A/24" dev ua && ip -n "$NS_A" link set ua up &&
	ip -n "$NS_A" link set ub up || { echo "bench-batch: no namespace" >&2; exit 1; }

echo "| peers | batch | adds/s | one more peer add | one peer del |"
echo "|---|---|---|---|---|"
for n in $BATCH_SIZES; do
	# Peer i: endpoint 10.(64 + i / 65536).(i / 256 % 256).(i % 256), prefix 100.same/32.
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) {
		a = 64 + int(i / 65536); b = int(i / 256) % 256; c = i % 256
		printf "peer add p%d endpoint 10.%d.%d.%d allowed-ips 100.%d.%d.%d/32\n",
			i, a, b, c, a, b, c } }' >"$TMP/add.batch"
	xt "$NS_A" attach ua address 172.31.0.1/24 max-peers $((n + 10)) \
		max-routes $((n + 10)) >/dev/null 2>&1 || { echo "bench-batch: attach" >&2; exit 1; }
	t0=$(now)
	xt "$NS_A" batch "$TMP/add.batch" || echo "bench-batch: the batch of $n failed" >&2
	t1=$(now)
	xt "$NS_A" peer add extra endpoint 10.200.0.1 allowed-ips 100.200.0.0/24
	t2=$(now)
	xt "$NS_A" peer del p1
	t3=$(now)
	got=$(xt "$NS_A" show -j | jq '.[0].peers | length')
	[ "$got" = "$n" ] || echo "bench-batch: $got peers where $n were expected" >&2
	xt "$NS_A" detach xt0
	b=$(seconds "$t0" "$t1")
	echo "| $n | $b s | $(awk -v n="$n" -v s="$b" 'BEGIN { printf "%d", n / s }') |" \
		"$(seconds "$t1" "$t2") s | $(seconds "$t2" "$t3") s |"
done
