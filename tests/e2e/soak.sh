#!/bin/bash
# A TCP stream to peer x keeps running, without reset or stall, while other peers are added
# and removed as fast as `xtunnel batch` goes and x's own allowed-ips are extended.
# SOAK_SECS bounds it (5 s in make test; make soak runs 30 s). Reports the change rate and
# the stream's retransmits; the rate is a figure, not an assertion.
. "$(dirname "$0")/../lib/netns.sh"
SOAK_SECS=${SOAK_SECS:-5}

topo_pair &&
	xt "$NS_A" attach ua address 10.10.0.1/24 max-peers 256 >/dev/null 2>&1 &&
	xt "$NS_B" attach ub address 10.10.0.2/24 >/dev/null 2>&1 &&
	xt "$NS_A" peer add x endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 &&
	xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 &&
	ping_ok "$NS_A" 10.10.0.2 || { not_ok "two hosts"; tap_done; }

# 100 peers kept alive; each chunk deletes and re-adds all of them (200 changes) and
# extends x's allowed-ips by one prefix (1 change).
for i in $(seq 0 99); do
	echo "peer add p$i endpoint 192.0.3.$((i + 1)) allowed-ips 10.70.$i.0/24"
done >"$TMP/fill.batch"
xt "$NS_A" batch "$TMP/fill.batch" || not_ok "fill 100 peers"

in_ns "$NS_B" timeout $((SOAK_SECS + 20)) iperf3 -s -1 -B 10.10.0.2 >/dev/null 2>&1 &
_started_pids+=("$!")
wait_listen "$NS_B" 5201
in_ns "$NS_A" timeout $((SOAK_SECS + 20)) iperf3 -J -c 10.10.0.2 -t $((SOAK_SECS + 1)) \
	-i 0.5 >"$TMP/iperf.json" &
stream=$!
_started_pids+=("$stream")

changes=0 chunk=0 failed=0 start=$(date +%s.%N) extra="10.10.0.2/32"
while :; do
	now=$(date +%s.%N)
	awk -v s="$start" -v n="$now" -v d="$SOAK_SECS" 'BEGIN { exit !(n - s < d) }' || break
	# One prefix more each chunk, up to the 64 a command takes; then x starts over.
	[ $((chunk % 60)) = 0 ] && extra="10.10.0.2/32"
	extra="$extra,10.80.$((chunk % 250)).$((chunk / 250 * 16))/28"
	{
		for i in $(seq 0 99); do
			echo "peer del p$i"
			echo "peer add p$i endpoint 192.0.3.$((i + 1)) allowed-ips 10.70.$i.0/24"
		done
		echo "peer set x allowed-ips $extra"
	} >"$TMP/chunk.batch"
	xt "$NS_A" batch "$TMP/chunk.batch" || { failed=1; break; }
	changes=$((changes + 201))
	chunk=$((chunk + 1))
done
elapsed=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.2f", n - s }')
wait "$stream"
rc=$?
rate=$(awk -v c="$changes" -v e="$elapsed" 'BEGIN { printf "%d", c / e }')
diag "$changes changes in $elapsed s: $rate changes/s"
diag "stream: $(jq -r '"\(.end.sum_received.bytes) bytes, \(.end.sum_sent.retransmits) retransmits"' \
	"$TMP/iperf.json" 2>/dev/null)"
check "every change succeeded" [ "$failed" = 0 ]
check "the TCP stream to x completed without reset (iperf3 status $rc)" [ "$rc" = 0 ]
check "no half-second without data (no stall)" [ "$(jq '[.intervals[].sum.bytes |
	select(. == 0)] | length' "$TMP/iperf.json")" = 0 ]
check "x has exactly the prefixes it was last given" [ "$(json_field "$NS_A" \
	'.[0].peers[] | select(.name == "x") | .allowed_ips | sort | join(",")')" = \
	"$(tr , '\n' <<<"$extra" | LC_ALL=C sort | paste -sd,)" ]
check "the other 100 peers are all there" [ "$(json_field "$NS_A" '.[0].peers | length')" = 101 ]
tap_done
