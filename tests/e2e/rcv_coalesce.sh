#!/bin/bash
# What xtunnel hands to a receiving TCP can be coalesced. A TCP receiver merges a segment
# into the one before it in the socket's queue (tcp_try_coalesce, counted as TcpExt
# TCPRcvCoalesce) when the new segment's payload is all in page fragments. A program that
# pulls payload into the linear area of a packet that a local sender's TCP cloned (the
# original stays queued for retransmission) gives it a copied head with payload in it:
# such a segment is never merged, and every segment costs the receiver a queue entry of
# its own. Both ends of the overlay are checked against a kernel vxlan on the other end:
# xtunnel's encap (into the kernel's decap) and xtunnel's TC decap (of the kernel's
# encap), over IPv4; and xtunnel to xtunnel with VXLAN over IPv6 (the kernel's vxlan device
# sends, xtunnel's TC decap receives) and on an L2 overlay between bridged VMs. The receiver
# reads slowly, so that segments wait in its queue: where coalescing works that is
# hundreds of merges for 64 MiB, where it does not, none. Data is checked byte for byte.
. "$(dirname "$0")/../lib/netns.sh"
MIB=64

teardown() {
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	ip netns del "${TAG}va" 2>/dev/null
	ip netns del "${TAG}vb" 2>/dev/null
}

coalesced() { # NS: TcpExt TCPRcvCoalesce there
	in_ns "$1" awk '$1 == "TcpExt:" && !h { for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next }
		$1 == "TcpExt:" { for (i = 2; i <= NF; i++) if (k[i] == "TCPRcvCoalesce") print $i }' \
		/proc/net/netstat
}

# slow_transfer SRC_NS DST_NS DST_ADDR: MIB of random data from SRC to DST, read slowly
# (tcp_transfer ... slow); true when it arrived byte for byte. Prints the growth of DST's
# TCPRcvCoalesce during the transfer.
slow_transfer() {
	local before rc
	before=$(coalesced "$2")
	tcp_transfer "$1" "$2" "$3" "$MIB" slow
	rc=$?
	echo $(($(coalesced "$2") - before))
	return "$rc"
}

# case NAME SRC_NS DST_NS DST_ADDR: the transfer arrives whole, and its segments were merged.
case_() {
	local name=$1 out n
	out=$(slow_transfer "$2" "$3" "$4")
	check "$name: $MIB MiB arrive byte for byte" [ $? = 0 ]
	n=${out:-0}
	diag "$name: TCPRcvCoalesce grew by $n"
	check "$name: the receiving TCP coalesces the segments (over 100 merges)" [ "$n" -gt 100 ]
}

# IPv4 underlay: xtunnel on A, the kernel's vxlan on B. A to B is xtunnel's encap, B to A
# its TC decap.
topo_pair || exit 1
xt "$NS_A" attach ua vni 42 address 10.10.0.1/24 rx tc >/dev/null 2>&1 &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 &&
	kernel_vxlan "$NS_B" ub "$UNDER_B" "$UNDER_A" 10.10.0.2/24 || exit 1
ping_ok "$NS_A" 10.10.0.2 3
check "IPv4 underlay: ping from xtunnel to the kernel's vxlan" [ $? = 0 ]
case_ "xtunnel encap -> kernel vxlan" "$NS_A" "$NS_B" 10.10.0.2
case_ "kernel vxlan -> xtunnel TC decap" "$NS_B" "$NS_A" 10.10.0.1
teardown

# IPv6 underlay, xtunnel on both: GSO packets leave through the kernel's vxlan device.
topo_pair || exit 1
ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad &&
	ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad &&
	xt "$NS_A" attach ua vni 42 local 2001:db8::1 address 10.10.0.1/24 rx tc >/dev/null 2>&1 &&
	xt "$NS_A" peer add b endpoint "[2001:db8::2]" allowed-ips 10.10.0.2/32 &&
	xt "$NS_B" attach ub vni 42 local 2001:db8::2 address 10.10.0.2/24 rx tc >/dev/null 2>&1 &&
	xt "$NS_B" peer add a endpoint "[2001:db8::1]" allowed-ips 10.10.0.1/32 || exit 1
ping_ok "$NS_A" 10.10.0.2 3
check "IPv6 underlay: ping between the xtunnel hosts" [ $? = 0 ]
case_ "VXLAN over IPv6, xtunnel -> xtunnel" "$NS_A" "$NS_B" 10.10.0.2
teardown

# L2 overlay: a VM on a bridge on each host, xtunnel's L2 encap and decap between them.
VM_A=${TAG}va VM_B=${TAG}vb
topo_pair || exit 1
xt "$NS_A" attach ua mode l2 vni 42 >/dev/null 2>&1 &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" &&
	xt "$NS_B" attach ub mode l2 vni 42 >/dev/null 2>&1 &&
	xt "$NS_B" peer add a endpoint "$UNDER_A" &&
	l2_bridge "$NS_A" xt0 && l2_bridge "$NS_B" xt0 &&
	vm_new "$VM_A" "$NS_A" 02:00:00:00:20:01 10.20.0.1 fd20::1 &&
	vm_new "$VM_B" "$NS_B" 02:00:00:00:20:02 10.20.0.2 fd20::2 || exit 1
ping_ok "$VM_A" 10.20.0.2 3
check "L2 overlay: ping between the VMs" [ $? = 0 ]
case_ "L2 overlay, VM -> VM" "$VM_A" "$VM_B" 10.20.0.2
teardown

tap_done
