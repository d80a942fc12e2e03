#!/bin/bash
# Faults around a running overlay: the uplink goes down and up, the overlay device is
# deleted behind xtunnel's back, bpffs is unmounted. The next command reports the state
# clearly and detach still cleans up.
. "$(dirname "$0")/../lib/netns.sh"

pair_up() {
	local rx=$1
	xt "$NS_A" attach ua address 10.10.0.1/24 rx "$rx" 2>/dev/null &&
		xt "$NS_B" attach ub address 10.10.0.2/24 rx "$rx" 2>/dev/null &&
		xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 &&
		xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 &&
		ping_ok "$NS_A" 10.10.0.2
}

uplink_clean() {
	[ -z "$(in_ns "$NS_A" tc filter show dev ua ingress)" ] &&
		! ip -n "$NS_A" link show ua | grep -q xdp
}

for rx in tc xdp; do
	wire=""
	[ "$rx" = xdp ] && wire=tx-off
	diag "case: rx $rx"
	topo_pair "$wire" && pair_up "$rx" || { not_ok "rx $rx: two hosts"; continue; }

	ip -n "$NS_A" link set ua down
	check "rx $rx: show works while the uplink is down" bash -c \
		"ip netns exec $NS_A $XTUNNEL show | grep -q 'peer: b'"
	check_fails "rx $rx: no traffic while the uplink is down" ping_ok "$NS_A" 10.10.0.2
	ip -n "$NS_A" link set ua up
	check "rx $rx: traffic resumes when the uplink is up again" ping_ok "$NS_A" 10.10.0.2 5

	# Fail closed: with its encap program removed, what the host sends on the overlay
	# dies in the device's hidden veth end; nothing reaches the wire in the clear.
	in_ns "$NS_A" tc filter del dev xt0 egress
	in_ns "$NS_A" ping -c 10 -i 0.1 -W 1 10.10.0.2 >/dev/null 2>&1 &
	_started_pids+=("$!")
	in_ns "$NS_B" timeout -k 2 10 tshark -q -a duration:2 -i ub -f "dst net 10.10.0.0/16" \
		-w "$TMP/leak.pcap" >/dev/null 2>&1
	check "rx $rx: without its encap program no inner packet reaches the wire" \
		[ -s "$TMP/leak.pcap" -a "$(tshark -r "$TMP/leak.pcap" 2>/dev/null | wc -l)" = 0 ]

	ip -n "$NS_A" link del xt0
	check "rx $rx: show has no overlay once the device is gone" \
		[ "$(xt "$NS_A" show -j | jq length)" = 0 ]
	out=$(xt "$NS_A" detach xt0 2>&1)
	check "rx $rx: detach of the deleted overlay succeeds" [ $? = 0 ]
	check "rx $rx: and says what it removed" grep -q "already deleted" <<<"$out"
	check "rx $rx: its decap program is gone from the uplink" uplink_clean
	check_fails "rx $rx: a second detach has nothing to do" xt "$NS_A" detach xt0 2>/dev/null
	ip netns del "$NS_A"
	ip netns del "$NS_B"
done

# bpffs unmounted under a running overlay. A private mount namespace (unshare -m) holds a
# bpffs of its own, so the host's is never touched; nsenter --net keeps that namespace.
topo_pair && pair_up tc || not_ok "bpffs case: two hosts"
cat >"$TMP/bpffs.sh" <<SH
set -e
mount -t bpf bpf /sys/fs/bpf
N="nsenter --net=/run/netns/$NS_A"
\$N $XTUNNEL attach ua dev xt9 vni 9 address 10.19.0.1/24 2>/dev/null
ls /sys/fs/bpf/xtunnel/netns/$NS_A/xt9/peers >/dev/null && echo PINNED
umount /sys/fs/bpf
\$N $XTUNNEL show xt9 -j | jq -r '.[0].pin_dir' | sed 's/^/PINDIR=/'
\$N $XTUNNEL peer add c endpoint 192.0.2.9 allowed-ips 10.19.0.9/32 dev xt9 && echo PEER_ADDED
\$N $XTUNNEL detach xt9 && echo DETACHED
SH
out=$(unshare -m --propagation private bash "$TMP/bpffs.sh" 2>&1)
check "bpffs: the maps were pinned" grep -q PINNED <<<"$out"
check "bpffs: show works after bpffs is unmounted, and reports no pins" \
	grep -q "PINDIR=null" <<<"$out"
check "bpffs: peer add works after bpffs is unmounted" grep -q PEER_ADDED <<<"$out"
check "bpffs: detach works after bpffs is unmounted" grep -q DETACHED <<<"$out"
check "bpffs: the other overlay was not touched" ping_ok "$NS_A" 10.10.0.2
tap_done
