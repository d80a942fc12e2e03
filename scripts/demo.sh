#!/bin/bash
# make demo: three hosts as network namespaces on one switch (a bridge namespace).
# Hosts a and b run xtunnel; host c runs the kernel's own vxlan device. Shows ping and a
# TCP transfer across the overlay, then a second overlay between a and b on the same
# uplinks (GENEVE over IPv6, IPv4 and IPv6 inside), then an L2 overlay of "VMs" on
# bridges with c's kernel vxlan among its VTEPs, `xtunnel show`, then removes everything
# it made.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
export BUILD
. "$(dirname "$0")/../tests/lib/netns.sh"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (namespaces and BPF)"
step "Topology: hosts $NS_A (xtunnel), $NS_B (xtunnel), $NS_C (kernel vxlan) on one switch"
topo_switch || die "cannot build the namespaces"
ip -n "$NS_A" -br addr show ua; ip -n "$NS_B" -br addr show ub; ip -n "$NS_C" -br addr show uc

step "Host a and b: xtunnel attach, peer add"
X="ip netns exec"
run $X "$NS_A" "$XTUNNEL" attach ua vni 42 address 10.10.0.1/24 || die "attach on a"
run $X "$NS_A" "$XTUNNEL" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32
run $X "$NS_A" "$XTUNNEL" peer add c endpoint "$UNDER_C" allowed-ips 10.10.0.3/32
run $X "$NS_B" "$XTUNNEL" attach ub vni 42 address 10.10.0.2/24 || die "attach on b"
run $X "$NS_B" "$XTUNNEL" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32

step "Host c: the kernel's vxlan device, no static neighbour or FDB entries"
run ip -n "$NS_C" link add vx0 type vxlan id 42 remote "$UNDER_A" local "$UNDER_C" \
	dstport 4789 dev uc
run ip -n "$NS_C" addr add 10.10.0.3/24 dev vx0
run ip -n "$NS_C" link set vx0 up

step "Ping across the overlay"
run $X "$NS_A" ping -c 3 -i 0.2 10.10.0.2
run $X "$NS_A" ping -c 3 -i 0.2 10.10.0.3
run $X "$NS_C" ping -c 3 -i 0.2 10.10.0.1

step "TCP: 64 MiB from a to b and from c (kernel vxlan) to a, checked byte for byte"
if tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 64; then echo "a -> b: 64 MiB identical"; else
	die "a -> b transfer failed"; fi
if tcp_transfer "$NS_C" "$NS_A" 10.10.0.1 64; then echo "c -> a: 64 MiB identical"; else
	die "c -> a transfer failed"; fi

step "Throughput a -> b (iperf3, 3 s)"
in_ns "$NS_B" timeout 10 iperf3 -s -1 -B 10.10.0.2 >/dev/null 2>&1 &
_started_pids+=("$!")
wait_listen "$NS_B" 5201 && in_ns "$NS_A" timeout 10 iperf3 -c 10.10.0.2 -t 3 -f g |
	grep -E 'sender|receiver'

step "A second overlay on the same uplinks: GENEVE over an IPv6 underlay"
run ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad
run ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad
run $X "$NS_A" "$XTUNNEL" attach ua dev xg0 encap geneve vni 7 local 2001:db8::1 \
	address 10.20.0.1/24 address fd00:20::1/64 || die "attach geneve on a"
run $X "$NS_A" "$XTUNNEL" peer add b dev xg0 endpoint "[2001:db8::2]" \
	allowed-ips 10.20.0.2/32,fd00:20::2/128
run $X "$NS_B" "$XTUNNEL" attach ub dev xg0 encap geneve vni 7 local 2001:db8::2 \
	address 10.20.0.2/24 address fd00:20::2/64 || die "attach geneve on b"
run $X "$NS_B" "$XTUNNEL" peer add a dev xg0 endpoint "[2001:db8::1]" \
	allowed-ips 10.20.0.1/32,fd00:20::1/128
run $X "$NS_A" ping -c 3 -i 0.2 fd00:20::2
if tcp_transfer "$NS_B" "$NS_A" fd00:20::1 16; then
	echo "b -> a over GENEVE/IPv6, IPv6 inside: 16 MiB identical"
else
	die "b -> a transfer over GENEVE failed"
fi

step "An L2 overlay: \"VMs\" on bridges, xtunnel on a and b, the kernel's vxlan on c"
run $X "$NS_A" "$XTUNNEL" attach ua dev xl0 mode l2 vni 100 || die "attach mode l2 on a"
run $X "$NS_A" "$XTUNNEL" peer add b dev xl0 endpoint "$UNDER_B"
run $X "$NS_A" "$XTUNNEL" peer add c dev xl0 endpoint "$UNDER_C"
run $X "$NS_B" "$XTUNNEL" attach ub dev xl0 mode l2 vni 100 || die "attach mode l2 on b"
run $X "$NS_B" "$XTUNNEL" peer add a dev xl0 endpoint "$UNDER_A"
run $X "$NS_B" "$XTUNNEL" peer add c dev xl0 endpoint "$UNDER_C"
run ip -n "$NS_C" link add vl0 type vxlan id 100 local "$UNDER_C" dstport 4789 dev uc
run $X "$NS_C" bridge fdb append 00:00:00:00:00:00 dev vl0 dst "$UNDER_A"
run $X "$NS_C" bridge fdb append 00:00:00:00:00:00 dev vl0 dst "$UNDER_B"
run ip -n "$NS_C" link set vl0 up
for h in "$NS_A xl0" "$NS_B xl0" "$NS_C vl0"; do
	set -- $h
	run ip -n "$1" link add brl type bridge && run ip -n "$1" link set "$2" master brl &&
		run ip -n "$1" link set brl up || die "bridge on $1"
done
# A "VM": a namespace whose eth0 is a port of its host's bridge brl.
vm_new "${TAG}va" "$NS_A" 02:00:00:00:0a:01 10.30.0.1 fd30::1 brl &&
	vm_new "${TAG}vb" "$NS_B" 02:00:00:00:0b:01 10.30.0.2 fd30::2 brl &&
	vm_new "${TAG}vc" "$NS_C" 02:00:00:00:0c:01 10.30.0.3 fd30::3 brl || die "VMs"
echo "VMs ${TAG}va (10.30.0.1, on a), ${TAG}vb (10.30.0.2, on b), ${TAG}vc (10.30.0.3, on c)"
run $X "${TAG}va" ping -c 2 -i 0.2 10.30.0.2
run $X "${TAG}va" ping -c 2 -i 0.2 10.30.0.3
run $X "${TAG}vc" ping -c 2 -i 0.2 10.30.0.2
if tcp_transfer "${TAG}vc" "${TAG}va" 10.30.0.1 16; then
	echo "vc (kernel vxlan host) -> va (xtunnel host): 16 MiB identical"
else
	die "vc -> va transfer over the L2 overlay failed"
fi
step "What host a learned: the FDB (MAC -> peer) and the neighbour table (ARP suppression)"
run $X "$NS_A" "$XTUNNEL" fdb show dev xl0
run $X "$NS_A" "$XTUNNEL" neigh show dev xl0

step "xtunnel show on host a"
run $X "$NS_A" "$XTUNNEL" show
step "xtunnel show -p on host b (JSON, indented)"
run $X "$NS_B" "$XTUNNEL" show -p

step "Detach and clean up"
run $X "$NS_A" "$XTUNNEL" detach xt0
run $X "$NS_A" "$XTUNNEL" detach xg0
run $X "$NS_A" "$XTUNNEL" detach xl0
run $X "$NS_B" "$XTUNNEL" detach xl0
run $X "$NS_B" "$XTUNNEL" detach xt0
run $X "$NS_B" "$XTUNNEL" detach xg0

step "Gateways: A and B route between LAN hosts C (10.1.0.2) and S (10.2.0.2), in XDP"
lans_del
topo_lans || die "building the gateways topology"
# Both ends of the wire compute checksums (tx off): XDP receive needs them on veth.
run $X "$NS_A" "$XTUNNEL" attach ua vni 42 address 10.99.0.1/24 rx xdp forward-from la ||
	die "attach with forward-from on a"
run $X "$NS_B" "$XTUNNEL" attach ub vni 42 address 10.99.0.2/24 rx xdp forward-from lb ||
	die "attach with forward-from on b"
run $X "$NS_A" "$XTUNNEL" peer add b endpoint 192.0.2.2 allowed-ips 10.99.0.2/32,10.2.0.0/24
run $X "$NS_B" "$XTUNNEL" peer add a endpoint 192.0.2.1 allowed-ips 10.99.0.1/32,10.1.0.0/24
run ip -n "$NS_A" route replace 10.2.0.0/24 via 10.99.0.2 dev xt0
run ip -n "$NS_B" route replace 10.1.0.0/24 via 10.99.0.1 dev xt0
run $X "$NS_C" ping -c 3 -i 0.2 10.2.0.2
if tcp_transfer "$NS_C" "$NS_S" 10.2.0.2 16; then
	echo "c -> s through both gateways: 16 MiB identical"
else
	die "c -> s transfer through the gateways failed"
fi
run $X "$NS_A" "$XTUNNEL" show
run $X "$NS_A" "$XTUNNEL" detach xt0
run $X "$NS_B" "$XTUNNEL" detach xt0
echo "demo: done; removing namespaces ${_made_ns[*]}"
