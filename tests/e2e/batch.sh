#!/bin/bash
# xtunnel batch: every word of a line counts (none is cut off), and a large batch ends with
# every change made, the ones that depend on earlier lines of the same batch included:
# what the library keeps in memory between the lines stays what the maps hold.
. "$(dirname "$0")/../lib/netns.sh"
N=20000

topo_pair &&
	xt "$NS_A" attach ua address 10.10.0.1/24 max-peers $((N + 10)) \
		max-routes $((N + 100)) >/dev/null 2>&1 &&
	xt "$NS_A" attach ua dev xt1 vni 2 address 10.11.0.1/24 >/dev/null 2>&1 ||
	{ not_ok "two overlays"; tap_done; }

# ---- words ----
# 66 words; the 65th and 66th say which overlay. Cut at 64 (as batch once did, silently),
# the last 'dev' would be xt0's and the line would succeed there.
{
	printf 'peer add w endpoint 192.0.2.7 allowed-ips 10.99.0.0/16 move'
	for i in $(seq 28); do printf ' dev xt0'; done
	printf ' dev xt1\n'
} >"$TMP/words.batch"
check "words: the line has 66 words" [ "$(wc -w <"$TMP/words.batch")" = 66 ]
check "words: the batch succeeds" xt "$NS_A" batch "$TMP/words.batch"
check "words: the peer is on xt1, as the line's last word says" [ "$(xt "$NS_A" show -j |
	jq -r '.[] | select(.peers | map(.name) | index("w")) | .dev')" = xt1 ]
xt "$NS_A" peer del w dev xt1
# The longest line the batch takes (4094 characters and the newline): every word counts.
line='peer add w endpoint 192.0.2.7 allowed-ips 10.99.0.0/16 dev xt0'
while [ ${#line} -le $((4094 - 13)) ]; do line="$line move"; done
line="$line dev xt1"
printf '%-4094s\n' "$line" >"$TMP/long.batch"
check "words: a line of 4094 characters and $(wc -w <"$TMP/long.batch") words works whole" \
	bash -c "[ \$(head -1 $TMP/long.batch | tr -d '\n' | wc -c) = 4094 ] &&
	ip netns exec $NS_A $XTUNNEL batch $TMP/long.batch &&
	ip netns exec $NS_A $XTUNNEL show xt1 -j | jq -e '.[0].peers[0].name == \"w\"' >/dev/null"
# One character more is refused whole (exit 2), not cut in two lines that each run: here
# the first part would add peer lng, the rest run "move" as a command.
{
	printf '%-4095s' 'peer add lng endpoint 192.0.2.8 allowed-ips 10.98.0.0/16 dev xt0'
	printf ' move\n'
} >"$TMP/longer.batch"
out=$(xt "$NS_A" batch "$TMP/longer.batch" 2>&1)
rc=$?
check "words: a line of 4100 characters is refused as too long (exit $rc: $out)" \
	bash -c '[ "$1" = 2 ] && grep -q "line 1: longer than 4095 characters" <<<"$2"' _ "$rc" "$out"
check "words: and nothing of it runs" [ "$(xt "$NS_A" show xt0 -j | jq '[.[0].peers[].name] | index("lng")')" = null ]
xt "$NS_A" detach xt1

# ---- many peers ----
# Peer i: endpoint 198.18.x.y, allowed-ips 100.64.x.y/32 (i = 256 x + y, from 1).
peer_line() {
	awk -v from="$1" -v to="$2" -v fmt="$3" 'BEGIN { for (i = from; i <= to; i++)
		printf fmt, i, int(i / 256), i % 256, int(i / 256), i % 256 }'
}
{
	peer_line 1 $N 'peer add p%d endpoint 198.18.%d.%d allowed-ips 100.64.%d.%d/32\n'
	# Changes that depend on earlier lines of this batch: removed peers free their
	# prefixes and endpoints, set moves routes, move takes from a peer added here.
	peer_line 1 100 'peer del p%d\n'
	echo "peer add q1 endpoint 198.18.0.1 allowed-ips 100.64.0.1/32,100.64.0.2/32"
	echo "peer set p101 allowed-ips 100.65.0.0/24"
	echo "peer add q2 endpoint 198.19.0.2 allowed-ips 100.64.0.102/32 move"
	echo "peer set p103 endpoint 198.19.0.3"
} >"$TMP/many.batch"
start=$SECONDS
out=$(xt "$NS_A" batch "$TMP/many.batch" 2>&1)
rc=$?
diag "$((N + 105)) lines in $((SECONDS - start)) s"
check "many: a batch of $N peer adds and 105 changes succeeds ($rc: $(head -1 <<<"$out"))" \
	[ "$rc" = 0 ]
xt "$NS_A" show xt0 -j >"$TMP/show.json"
# p101 to pN, less p102's prefix, and q1's two and q2's one.
check "many: $((N - 98)) peers and as many routes" [ "$(jq -r \
	'.[0] | "\(.peers | length) \(.routes)"' "$TMP/show.json")" = "$((N - 98)) $((N - 98))" ]
# Expected peers and prefixes, built from the batch's arithmetic, not from show.
{
	peer_line 103 $N 'p%d 100.64.%d.%d/32 %d %d\n' | awk '{ print $1, $2 }'
	echo "p101 100.65.0.0/24"
	echo "p102 " # its one prefix went to q2
	echo "q1 100.64.0.1/32,100.64.0.2/32"
	echo "q2 100.64.0.102/32"
} | sort >"$TMP/want"
jq -r '.[0].peers[] | "\(.name) \(.allowed_ips | sort | join(","))"' "$TMP/show.json" |
	sort >"$TMP/got"
check "many: every peer has exactly the prefixes the batch gave it" cmp -s "$TMP/want" "$TMP/got"
check "many: p102 kept its endpoint but lost its prefix to q2" [ "$(jq -r '.[0].peers[] |
	select(.name == "p102") | "\(.endpoint) \(.allowed_ips | length)"' "$TMP/show.json")" = \
	"198.18.0.102 0" ]
check "many: p103 moved, and its route with it" [ "$(jq -r '.[0].peers[] |
	select(.name == "p103") | .endpoint' "$TMP/show.json")" = 198.19.0.3 ]
check "many: one kernel route per route" [ "$(ip -n "$NS_A" route show proto 0x78 dev xt0 |
	wc -l)" = "$(jq '.[0].routes' "$TMP/show.json")" ]

# A line that overlaps a prefix added earlier in the same batch is refused, and stops it.
printf 'peer add r1 endpoint 198.20.0.1 allowed-ips 100.66.0.0/16\npeer add r2 endpoint 198.20.0.2 allowed-ips 100.66.7.0/24\npeer add r3 endpoint 198.20.0.3 allowed-ips 100.67.0.0/16\n' \
	>"$TMP/overlap.batch"
out=$(xt "$NS_A" batch "$TMP/overlap.batch" 2>&1)
rc=$?
refused=false
[ "$rc" = 2 ] && grep -qF "overlaps 100.66.0.0/16 of peer r1" <<<"$out" &&
	grep -qF "stopped at line 2" <<<"$out" && refused=true
check "many: an overlap with an earlier line of the batch is refused (exit $rc)" $refused
check "many: the line before it stays, the lines after it never ran" [ "$(xt "$NS_A" show -j |
	jq -r '[.[0].peers[].name | select(startswith("r"))] | join(",")')" = r1 ]
tap_done
