#!/bin/bash
# detach removes everything attach created, for both receive paths: the device and its
# hidden peer, the uplink's decap program and the clsact it created, XDP, kernel routes,
# pins, and the programs and maps themselves.
. "$(dirname "$0")/../lib/netns.sh"

# The ids of the programs and maps an overlay uses, from bpftool, to see them unloaded.
overlay_ids() {
	in_ns "$1" bash -c "tc filter show dev xt0 egress" |
		sed -n 's/.* id \([0-9]*\) .*/\1/p'
}

run_case() {
	local rx=$1 wire=$2 prog maps
	diag "case: rx $rx"
	if ! topo_pair "$wire" ||
		! xt "$NS_A" attach ua address 10.10.0.1/24 rx "$rx" 2>/dev/null ||
		! xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32,10.30.0.0/16; then
		not_ok "rx $rx: attach and add a peer"
		return
	fi
	prog=$(overlay_ids "$NS_A")
	maps=$(bpftool prog show id "$prog" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr , ' ')
	check "rx $rx: attach made the device and its decap program" \
		bash -c "ip -n $NS_A link show xt0 >/dev/null && [ -n '$prog' ] && [ -n '$maps' ]"
	check "rx $rx: detach succeeds" xt "$NS_A" detach xt0
	check "rx $rx: the overlay device and its peer are gone" \
		bash -c "! ip -n $NS_A -o link | grep -q 'xt0'"
	check "rx $rx: no filter and no clsact left on the uplink" \
		bash -c "[ -z \"\$(ip netns exec $NS_A tc filter show dev ua ingress)\" ] &&
			! ip netns exec $NS_A tc qdisc show dev ua | grep -q clsact"
	check "rx $rx: no XDP program left on the uplink" \
		bash -c "! ip -n $NS_A link show ua | grep -q xdp"
	check "rx $rx: no kernel route of xtunnel's left" \
		bash -c "[ -z \"\$(ip -n $NS_A route show proto 0x78)\" ]"
	check "rx $rx: the encap program is unloaded" \
		bash -c "! bpftool prog show id $prog >/dev/null 2>&1"
	# The kernel frees a map after an RCU grace period and a work item once its last
	# user is gone (devmaps and XDP programs take longer): poll up to 5 s, never less.
	check "rx $rx: its maps are freed" bash -c "for i in \$(seq 50); do
		left=0; for m in $maps; do bpftool map show id \$m >/dev/null 2>&1 && left=1; done
		[ \$left = 0 ] && exit 0; sleep 0.1; done; exit 1"
	check "rx $rx: show reports no overlay" [ "$(xt "$NS_A" show -j | jq length)" = 0 ]
	check_fails "rx $rx: detach again fails" xt "$NS_A" detach xt0 2>/dev/null
	ip netns del "$NS_A"
	ip netns del "$NS_B"
}

run_case tc ""
run_case xdp tx-off
tap_done
