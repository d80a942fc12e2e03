#!/bin/bash
# Pins that overlays of a deleted network namespace left in the shared bpffs are removed by
# the next command, in any namespace, with a warning (issue 13, item 4); pins of
# overlays that still run are never touched: other namespaces', a namespace that lives on
# after `ip netns del` (a process is still in it), and one made again under the old name.
# Commands run with nsenter --net, which keeps the host's bpffs where the pins are (see
# NAMESPACES in the man page); every directory here is under netns/ of this test's names.
. "$(dirname "$0")/../lib/netns.sh"

PINS=/sys/fs/bpf/xtunnel/netns
NS_D=${TAG}d NS_E=${TAG}e
for ns in "$NS_A" "$NS_C" "$NS_D" "$NS_E"; do
	ns_new "$ns" &&
		ip -n "$ns" link add up0 type veth peer name up1 &&
		ip -n "$ns" addr add 192.0.2.1/24 dev up0 &&
		ip -n "$ns" link set up0 up && ip -n "$ns" link set up1 up ||
		{ not_ok "namespace $ns"; tap_done; }
done

# nx NS ARGS...: xtunnel in NS's network namespace and the host's mount namespace.
nx() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$XTUNNEL" "$@"
}

# swept_by NS DIR: runs `show` in NS until DIR is gone (at most 10 s: a deleted namespace's
# devices, and so its programs, are freed by the kernel in the background). The warnings
# of all those runs in $TMP/warnings.
swept_by() {
	local i
	: >"$TMP/warnings"
	for i in $(seq 20); do
		nx "$1" show >/dev/null 2>>"$TMP/warnings"
		[ -e "$2" ] || return 0
		sleep 0.5
	done
	return 1
}

live() {
	bpftool map dump pinned "$1/peers" >/dev/null 2>&1 &&
		[ "$(bpftool map show pinned "$1/peers" -j | jq -r .name)" = xt_peers ]
}

nx "$NS_A" attach up0 address 10.10.0.1/24 2>/dev/null &&
	nx "$NS_A" attach up0 dev xt1 vni 2 address 10.11.0.1/24 2>/dev/null &&
	nx "$NS_A" peer add b endpoint 192.0.2.2 allowed-ips 10.10.0.2/32 dev xt0 &&
	nx "$NS_C" attach up0 address 10.10.0.1/24 2>/dev/null ||
	not_ok "overlays in $NS_A and $NS_C"
check "pins of both overlays of $NS_A" bash -c "[ -e $PINS/$NS_A/xt0/peers ] &&
	[ -e $PINS/$NS_A/xt1/peers ]"
check "pins of $NS_C's overlay, live" live "$PINS/$NS_C/xt0"

ip netns del "$NS_A"
check "the next command, in another namespace, removes what $NS_A's overlays left" \
	swept_by "$NS_C" "$PINS/$NS_A/xt0"
check "both overlays', and the namespace's directory" [ ! -e "$PINS/$NS_A" ]
check "and says so, naming namespace and overlay" grep -qF \
	"xtunnel: warning: network namespace $NS_A is gone: removed the pins its overlay xt0 left in $PINS/$NS_A/xt0" \
	"$TMP/warnings"
check "for each of its overlays" grep -qF "overlay xt1 left in $PINS/$NS_A/xt1" "$TMP/warnings"
check "$NS_C's overlay kept its pins, live" live "$PINS/$NS_C/xt0"
check "and works" bash -c "nsenter --net=/run/netns/$NS_C $XTUNNEL show -j |
	jq -e '.[0].pin_dir == \"$PINS/$NS_C/xt0\"' >/dev/null"

# A namespace that `ip netns del` unnamed, while a process is still in it, lives on, and so
# does its overlay: its pins stay until the last process leaves.
nx "$NS_E" attach up0 address 10.10.0.1/24 2>/dev/null || not_ok "an overlay in $NS_E"
ip netns exec "$NS_E" sleep 30 &
sleeper=$!
_started_pids+=("$sleeper")
sleep 0.2
ip netns del "$NS_E"
for i in 1 2 3; do nx "$NS_C" show >/dev/null 2>&1; sleep 0.3; done
check "a namespace unnamed but alive (a process in it) keeps its overlay's pins" \
	live "$PINS/$NS_E/xt0"
kill "$sleeper"
wait "$sleeper" 2>/dev/null
check "until its last process leaves: then they go" swept_by "$NS_C" "$PINS/$NS_E/xt0"

# The name made again: another namespace. The old one's overlay left pins under the name;
# the new one's overlays have theirs there too, and only the old ones go.
nx "$NS_D" attach up0 address 10.10.0.1/24 2>/dev/null &&
	nx "$NS_D" attach up0 dev xt1 vni 2 address 10.11.0.1/24 2>/dev/null ||
	not_ok "overlays in $NS_D"
ip netns del "$NS_D"
ip netns add "$NS_D" && ip -n "$NS_D" link add up0 type veth peer name up1 &&
	ip -n "$NS_D" addr add 192.0.2.1/24 dev up0 && ip -n "$NS_D" link set up0 up ||
	not_ok "namespace $NS_D again"
# Its xt1 is a new overlay of the old name, whose attach replaces the old pins. These
# commands sweep too (the old programs may be freed by then, or not yet).
nx "$NS_D" attach up0 dev xt1 vni 2 address 10.11.0.1/24 2>"$TMP/attach.warnings" &&
	nx "$NS_D" attach up0 dev xt5 vni 5 address 10.15.0.1/24 2>>"$TMP/attach.warnings" ||
	not_ok "overlays in $NS_D again"
check "in a namespace made again under its name, the old overlay's pins go" \
	swept_by "$NS_D" "$PINS/$NS_D/xt0"
check "with a warning that says what it was" grep -qF \
	"overlay xt0 of network namespace $NS_D is gone" "$TMP/warnings" "$TMP/attach.warnings"
check "the new overlays of that name keep theirs, live (xt1, a name the old one had)" \
	bash -c "$(declare -f live); live $PINS/$NS_D/xt1 && live $PINS/$NS_D/xt5"
for i in 1 2 3; do nx "$NS_D" peer add p$i endpoint 192.0.2.$((10 + i)) \
	allowed-ips 10.15.0.$((10 + i))/32 dev xt5 2>/dev/null; done
check "commands that change overlays sweep too, and remove nothing live" \
	bash -c "$(declare -f live); live $PINS/$NS_D/xt1 && live $PINS/$NS_D/xt5 &&
	live $PINS/$NS_C/xt0"
check "nothing of the namespaces that were deleted is left" \
	bash -c "[ ! -e $PINS/$NS_A ] && [ ! -e $PINS/$NS_E ]"
nx "$NS_C" detach xt0
nx "$NS_D" detach xt1
nx "$NS_D" detach xt5
check "detach removed the rest" bash -c "[ ! -e $PINS/$NS_C ] && [ ! -e $PINS/$NS_D ]"
tap_done
