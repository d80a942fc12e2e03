#!/bin/bash
# forward-from leaves nothing behind, and takes nothing that is not its own. An attach that
# fails at its second port takes its program off the first again. And when an overlay's
# device is deleted behind xtunnel's back, `detach` removes what that overlay left on its
# ports and uplink, and not one program of another overlay that is still alive there.
. "$(dirname "$0")/../lib/netns.sh"

XDP_OTHER=/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o

# has_xdp IF: an XDP program is attached to IF in host A.
has_xdp() {
	ip -n "$NS_A" link show "$1" | grep -qw xdp
}

no_xdp() {
	! has_xdp "$1"
}

decap_filters() {
	in_ns "$NS_A" tc filter show dev ua ingress | grep -c "xt_decap_tc"
}

# decap_filters_are N: the uplink has N decap filters.
decap_filters_are() {
	[ "$(decap_filters)" = "$1" ]
}

no_overlay_left() {
	[ -z "$(ip -n "$NS_A" link show xt0 2>/dev/null)" ] && decap_filters_are 0
}

topo_pair && in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1 &&
	ip -n "$NS_A" link add p1 type veth peer name p1h &&
	ip -n "$NS_A" link add p2 type veth peer name p2h &&
	for d in p1 p1h p2 p2h; do ip -n "$NS_A" link set "$d" up || exit 1; done ||
	{ not_ok "a host with two LAN ports"; tap_done; }

# Another tool's XDP program on p2: attach gets as far as the second port.
in_ns "$NS_A" xdp-loader load -m native p2 "$XDP_OTHER" >/dev/null 2>&1 ||
	{ not_ok "load another XDP program on p2"; tap_done; }
check_fails "attach with forward-from p1,p2 fails at p2" \
	xt "$NS_A" attach ua address 10.10.0.1/24 forward-from p1,p2 2>/dev/null
check "p1 has no XDP program left" no_xdp p1
check "p2 still has the other program" \
	grep -q xdpfilt_alw_all <<<"$(in_ns "$NS_A" xdp-loader status p2 2>/dev/null)"
check "no overlay device and no decap filter left" no_overlay_left
in_ns "$NS_A" xdp-loader unload p2 --all >/dev/null 2>&1

# Two overlays on one uplink, one port each; the first one's device goes behind our back.
xt "$NS_A" attach ua dev xt1 vni 1 address 10.11.0.1/24 forward-from p1 2>/dev/null &&
	xt "$NS_A" attach ua dev xt2 vni 2 address 10.12.0.1/24 forward-from p2 2>/dev/null ||
	{ not_ok "two overlays with a port each"; tap_done; }
check "p1 runs XDP" has_xdp p1
check "p2 runs XDP" has_xdp p2
check "the uplink has two decap filters" decap_filters_are 2
ip -n "$NS_A" link del xt1
check "detach of the deleted overlay succeeds" xt "$NS_A" detach xt1 2>/dev/null
check "its port's program is gone" no_xdp p1
check "the live overlay's port keeps its program" has_xdp p2
check "the live overlay's decap filter stays, the other's is gone" decap_filters_are 1
check "and the live overlay is whole" \
	[ "$(json_field "$NS_A" '.[0] | "\(.dev) \(.rx) \(.forward_from | join(","))"')" = \
	"xt2 tc p2" ]
check "detach of the live overlay cleans up the rest" xt "$NS_A" detach xt2
check "no XDP left" no_xdp p2
check "no decap filter left" decap_filters_are 0
tap_done
