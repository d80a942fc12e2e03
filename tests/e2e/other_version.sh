#!/bin/bash
# An overlay attached by another version of xtunnel, whose .rodata is larger than this
# version's (build/tests/variant: one more global, ahead of xt_cfg). This version must not
# read it as its own: show, peer add and reload say which overlay it is and how to remove
# it (exit 2, no crash), show of all overlays names it in a warning, and detach removes it
# with everything it left on the uplink. On both receive paths.
. "$(dirname "$0")/../lib/netns.sh"
OTHER=$BUILD/tests/variant/xtunnel

# expect2 NAME ARGS...: exit 2 (not a crash, which is 128 + signal) and the message.
expect2() {
	local name=$1 out rc
	shift
	out=$(xt "$NS_A" "$@" 2>&1)
	rc=$?
	if [ "$rc" = 2 ] && grep -q "xt0 was attached by another version of xtunnel" <<<"$out" &&
		grep -q "'xtunnel detach xt0' removes it" <<<"$out"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, said: $(head -1 <<<"$out"))"
	fi
}

# The size of the .rodata of the encap program on NS's xt0.
rodata_size() {
	local prog
	prog=$(in_ns "$1" tc filter show dev xt0 egress | sed -n 's/.* id \([0-9]*\) .*/\1/p')
	bpftool -j prog show id "$prog" | jq -r '.map_ids[]' | while read -r m; do
		bpftool -j map show id "$m"
	done | jq -r 'select(.name | endswith(".rodata")) | .bytes_value'
}

run_case() {
	local rx=$1 wire=$2 out rc
	diag "case: rx $rx"
	if ! topo_pair "$wire" ||
		! in_ns "$NS_A" "$OTHER" attach ua address 10.10.0.1/24 rx "$rx" 2>/dev/null ||
		! in_ns "$NS_A" "$OTHER" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32; then
		not_ok "rx $rx: the other version attaches an overlay"
		return
	fi
	check "rx $rx: its encap program's .rodata is larger than this version's (64 bytes)" \
		[ "$(rodata_size "$NS_A")" -gt 64 ]
	expect2 "rx $rx: show xt0 says it is another version's" show xt0
	out=$(xt "$NS_A" show -j 2>&1 >"$TMP/show.json")
	rc=$?
	listed=$(jq length "$TMP/show.json")
	check "rx $rx: show of all overlays succeeds ($rc) and lists none ($listed)" \
		[ "$rc $listed" = "0 0" ]
	check "rx $rx: and warns about xt0" grep -q "warning: xt0 was attached by another version" \
		<<<"$out"
	expect2 "rx $rx: peer add says so" peer add c endpoint 192.0.2.9 allowed-ips 10.10.0.9/32 \
		dev xt0
	expect2 "rx $rx: reload says so" reload xt0
	check "rx $rx: the other version still reads its own overlay" bash -c \
		"ip netns exec $NS_A $OTHER show -j | jq -e '.[0].peers[0].name == \"b\"' >/dev/null"
	out=$(xt "$NS_A" detach xt0 2>&1)
	rc=$?
	check "rx $rx: detach removes it ($rc: $(head -1 <<<"$out"))" [ "$rc" = 0 ]
	check "rx $rx: the device is gone" bash -c "! ip -n $NS_A -o link | grep -q xt0"
	check "rx $rx: no filter, clsact or XDP left on the uplink" bash -c "
		[ -z \"\$(ip netns exec $NS_A tc filter show dev ua ingress)\" ] &&
		! ip netns exec $NS_A tc qdisc show dev ua | grep -q clsact &&
		! ip -n $NS_A link show ua | grep -q xdp"
	ip netns del "$NS_A"
	ip netns del "$NS_B"
}

run_case tc ""
run_case xdp tx-off
tap_done
