#!/bin/bash
# The reconciler as the fleet agent (issue 15) calls it: many times in one process, for the
# peers alone (PEERS_ONLY: the overlay's settings are not its business) and only those
# marked managed (MANAGED_ONLY), next to a peer an operator added by hand. Each round makes
# the other file's peers; the heap in use is the same after the last round as after the
# second (no leak per call); the hand-made peer is never touched; the managed peers end as
# the last file says, each with the managed flag, which show and save report.
. "$(dirname "$0")/../lib/netns.sh"
LOOP=$BUILD/tests/tools/reconcile_loop
ROUNDS=40

topo_pair || { not_ok "two hosts"; tap_done; }
check "an overlay" xt "$NS_A" attach ua dev xa0 address 10.10.0.1/24 mtu 1400
check "a peer added by hand" xt "$NS_A" peer add hand dev xa0 endpoint 198.18.9.9 \
	allowed-ips 100.90.0.0/16

# gen V: managed peers m1..m60 (V 0) or m11..m70 with other ports and prefixes (V 1). The
# [Overlay] section says other settings than run (another MTU): PEERS_ONLY ignores them.
gen() {
	awk -v v="$1" 'BEGIN {
		printf "[Overlay]\nName = xa0\nUplink = ua\nMTU = 1300\n"
		for (j = 1 + 10 * v; j <= 60 + 10 * v; j++)
			printf "\n[Peer]\nName = m%d\nEndpoint = 198.18.0.%d%s\nAllowedIPs = 100.64.0.%d/32%s\n",
				j, j, v ? ":4790" : "", j, v ? ", 100.65.0." j "/32" : ""
	}'
}
gen 0 >"$TMP/a.conf" && gen 1 >"$TMP/b.conf" || not_ok "the files"
hand() { xt "$NS_A" show xa0 -j | jq -c '.[0].peers[] | select(.name == "hand") |
	{id, endpoint, port, allowed_ips, flags}'; }
hand0=$(hand)

# glibc keeps freed chunks in its thread cache and fast bins, which mallinfo2 counts as in
# use; without them (tunables of glibc 2.26 and later) it counts what the program holds.
out=$(in_ns "$NS_A" env GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0 \
	"$LOOP" "$TMP/a.conf" "$TMP/b.conf" "$ROUNDS" 2>&1)
rc=$?
diag "$(head -3 <<<"$out" | tr '\n' ' ')... $(tail -1 <<<"$out")"
check "$ROUNDS rounds in one process ($rc)" [ "$rc" = 0 ]
check "round 0 adds the 60 managed peers next to the hand-made one" \
	grep -qx "round 0: 60 added, 0 changed, 0 removed, 0 unchanged" <<<"$out"
check "each later round: 10 added, 50 changed, 10 removed, nothing else" [ "$(grep -c \
	'^round [0-9]*: 10 added, 50 changed, 10 removed, 0 unchanged$' <<<"$out")" = $((ROUNDS - 1)) ]
heap=$(sed -n 's/^heap in use after round 1: \([0-9]*\) bytes, after round [0-9]*: \([0-9]*\) bytes$/\1 \2/p' <<<"$out")
check "the heap in use after the last round is what it was after the second ($heap)" \
	bash -c '[ -n "$1" ] && [ "${1% *}" = "${1#* }" ]' _ "$heap"
check "the hand-made peer is untouched" [ "$(hand)" = "$hand0" ]
check "the overlay's MTU is untouched (PEERS_ONLY)" bash -c \
	"[ \"\$(ip netns exec $NS_A $XTUNNEL show xa0 -j | jq '.[0].mtu')\" = 1400 ]"
# ROUNDS is even: the last round made file B's peers.
check "the managed peers are file B's, each marked managed" [ "$(xt "$NS_A" show xa0 -j |
	jq -c '[.[0].peers[] | select(.name != "hand") | {name, port, flags,
	allowed_ips: (.allowed_ips | sort)}] | sort_by(.name)')" = "$(jq -nc '[range(11; 71) |
	{name: "m\(.)", port: 4790, flags: ["managed"],
	allowed_ips: ["100.64.0.\(.)/32", "100.65.0.\(.)/32"]}] | sort_by(.name)')" ]
check "save writes them with Managed = true, the hand-made one without" bash -c \
	"[ \"\$(ip netns exec $NS_A $XTUNNEL save xa0 | grep -c '^Managed = true$')\" = 60 ]"
check "show says so" bash -c "ip netns exec $NS_A $XTUNNEL show xa0 | grep -qx '  flags: managed'"
xt "$NS_A" detach xa0

tap_done
