#!/bin/bash
# VXLAN over an IPv6 underlay sends its GSO packets through the kernel's vxlan device in
# collect-metadata mode (loader/vxlan_dev.c), which fills in each segment's outer UDP
# checksum. Checked here: TCP byte for byte both ways with IPv4 and IPv6 inside, super-packets
# arriving whole, one outer source port and flow label per flow whichever path its packets
# take, what the device's kernel socket decapsulates never delivered, the segment path when
# the port is taken or the device's name is, or the peer listens on another port, the
# device's lifetime across overlays, detach, orphans and reload.
. "$(dirname "$0")/../lib/netns.sh"
DEV=xt-vxlan-4789

underlay6() {
	ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad &&
		ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad
}

# host NS UPLINK LOCAL N [PORT]: overlay xt0, VNI 42, 10.10.0.N/24 and fd00:10::N/64; the
# warnings of attach in $TMP/attach.err.
host() {
	xt "$1" attach "$2" vni 42 local "$3" address "10.10.0.$4/24" address "fd00:10::$4/64" \
		rx tc port "${5:-4789}" 2>"$TMP/attach.err"
}

# peers [PORT_A PORT_B]: A and B each the other's peer, at those ports.
peers() {
	xt "$NS_A" peer add b endpoint "[2001:db8::2]:${2:-4789}" \
		allowed-ips 10.10.0.2/32,fd00:10::2/128 &&
		xt "$NS_B" peer add a endpoint "[2001:db8::1]:${1:-4789}" \
			allowed-ips 10.10.0.1/32,fd00:10::1/128 &&
		ping_ok "$NS_A" 10.10.0.2 3
}

# pair [PORT_A PORT_B]: A and B over IPv6, listening on those ports.
pair() {
	topo_pair "" && underlay6 && host "$NS_B" ub 2001:db8::2 2 "${2:-}" &&
		host "$NS_A" ua 2001:db8::1 1 "${1:-}" && peers "$@"
}

teardown() {
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
}

counter() { # NS NAME
	json_field "$1" ".[0].counters[\"$2\"]"
}

dev_json() { # NS: ip -d -j of the vxlan device
	ip -n "$1" -d -j link show "$DEV" 2>/dev/null
}

# sock_filters NS PROG: how many filters on the device's ingress run program PROG.
sock_filters() {
	in_ns "$1" tc filter show dev "$DEV" ingress 2>/dev/null | grep -c " name $2 "
}

# same_flow_entropy PCAP SERVER_PORT: the data packets of the one TCP flow to SERVER_PORT
# in the capture came both whole (GSO, longer than the wire's MTU: the vxlan device's) and
# as single frames (ours), all with one outer UDP source port and one flow label.
same_flow_entropy() {
	local rows
	rows=$(tshark -r "$1" -Y "tcp.dstport == $2" -T fields -E separator=' ' \
		-e frame.len -e udp.srcport -e ipv6.flow 2>/dev/null)
	diag "flow to port $2: $(awk '{ n[$1 > 1514 ? "whole" : "single"]++; k[$2 " " $3]++ }
		END { printf "%d whole, %d single; source port and label:", n["whole"],
		n["single"]; for (x in k) printf " [%s]", x }' <<<"$rows")"
	awk '{ if ($1 > 1514) w++; else s++; k[$2 " " $3] = 1 }
		END { n = 0; for (x in k) n++; exit !(w > 0 && s > 0 && n == 1) }' <<<"$rows"
}

# transfer_on_port SRC DST ADDR PORT MIB: tcp_transfer to a fixed server port.
transfer_on_port() {
	local port=$4
	head -c "$(($5 * 1024 * 1024))" /dev/urandom >"$TMP/sent"
	rm -f "$TMP/received"
	in_ns "$2" timeout 30 socat -u "TCP-LISTEN:$port,bind=$3,reuseaddr" \
		"OPEN:$TMP/received,creat,trunc" &
	_started_pids+=("$!")
	wait_listen "$2" "$port" || return 1
	in_ns "$1" timeout 30 socat -u "OPEN:$TMP/sent" "TCP:$3:$port" || return 1
	wait "$!"
	cmp -s "$TMP/sent" "$TMP/received"
}

pair_case() {
	local pcap=$TMP/flow.pcap ifindex before
	diag "case: two xtunnel hosts over IPv6"
	pair || { not_ok "pair: set up"; teardown; return; }
	check "pair: show says GSO goes through the vxlan device" \
		[ "$(json_field "$NS_A" '.[0].gso')" = vxlan-device ]
	check "pair: $DEV is a collect-metadata vxlan on port 4789 with our source ports, outer
		checksums on, no learning" [ "$(dev_json "$NS_A" | jq -c '.[0].linkinfo.info_data |
		[.external, .port, .port_range.low, .port_range.high, .udp_zero_csum6_tx,
		.learning]')" = '[true,4789,49152,65535,false,false]' ]
	check "pair: the device's ingress has our drop filter and the catch-all" \
		[ "$(sock_filters "$NS_A" xt_sock_drop)$(sock_filters "$NS_A" xt_sock_other)" = 11 ]
	check "pair: TCP over IPv4 8 MiB A -> B byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 8
	check "pair: TCP over IPv4 8 MiB B -> A byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 8
	check "pair: TCP over IPv6 8 MiB A -> B byte for byte" \
		tcp_transfer "$NS_A" "$NS_B" fd00:10::2 8
	check "pair: TCP over IPv6 8 MiB B -> A byte for byte" \
		tcp_transfer "$NS_B" "$NS_A" fd00:10::1 8
	check "pair: A's GSO packets all went through the device, none was segmented" \
		[ "$(counter "$NS_A" vxlan_device)" -gt 0 -a "$(counter "$NS_A" segment)" = 0 ]
	# Peers count GSO segments, decap counts packets: fewer packets than segments means
	# super-packets were decapsulated whole.
	check "pair: B decapsulated super-packets whole" [ "$(counter "$NS_B" decap)" -lt \
		"$(json_field "$NS_B" '.[0].peers[0].rx_packets')" ]
	check "pair: nothing malformed, spoofed or failed" [ "$(json_field "$NS_B" '.[0].counters |
		.drop_malformed + .drop_spoofed + .drop_encap_failed + .drop_decap_failed')" = 0 ]
	if capture_start "$NS_B" ub "$pcap" udp dst port 4789 and src host 2001:db8::1; then
		check "pair: TCP 4 MiB A -> B while capturing" \
			transfer_on_port "$NS_A" "$NS_B" 10.10.0.2 5301 4
		capture_stop "$pcap" >/dev/null
		check "pair: the flow's GSO and single packets share one outer source port and label" \
			same_flow_entropy "$pcap" 5301
	else
		not_ok "pair: capture on B's uplink"
	fi
	hashless_flow_case
	kernel_socket_case
	ifindex=$(dev_json "$NS_A" | jq '.[0].ifindex')
	check "reload: A reloads" xt "$NS_A" reload
	check "reload: the same device, its filter replaced, still used" bash -c "
		[ \"\$(ip -n $NS_A -j link show $DEV | jq '.[0].ifindex')\" = $ifindex ] &&
		[ \"\$(ip netns exec $NS_A tc filter show dev $DEV ingress | grep -c xt_sock_drop)\" = 1 ]"
	before=$(counter "$NS_A" vxlan_device)
	check "reload: TCP 4 MiB A -> B byte for byte" tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 4
	check "reload: GSO still goes through the device" \
		[ "$(counter "$NS_A" vxlan_device)" -gt "$before" ]
	before=$(counter "$NS_A" vxlan_device)
	ip -n "$NS_A" link del "$DEV"
	check "reload: show says when the device is gone" \
		bash -c "ip netns exec $NS_A $XTUNNEL show | grep -q 'GSO path: vxlan-device (.*gone'"
	check "reload: reload makes it again" xt "$NS_A" reload
	check "reload: the device is back" bash -c "ip -n $NS_A link show $DEV >/dev/null"
	check "reload: TCP 4 MiB A -> B byte for byte" tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 4
	check "reload: the new device is used" \
		[ "$(counter "$NS_A" vxlan_device)" -gt "$before" ]
	check "detach: A's device goes with A's overlay" \
		bash -c "ip netns exec $NS_A $XTUNNEL detach xt0 && ! ip -n $NS_A link show $DEV 2>/dev/null"
	teardown
}

# A flow whose packets carry no hash (a packet socket's here; a NIC's forwarded packets may
# come so): xt_encap hashes its inner headers and gives the vxlan device that hash, so that
# its GSO packet and its single one leave with the same source port and label. The GSO
# packet is sent with a virtio_net_hdr (PACKET_VNET_HDR), three segments of 1000 bytes.
hashless_flow_case() {
	local pcap=$TMP/hashless.pcap mac_a mac_b before
	mac_a=$(ip -n "$NS_A" -j link show xt0 | jq -r '.[0].address')
	mac_b=$(ip -n "$NS_B" -j link show xt0 | jq -r '.[0].address')
	before=$(counter "$NS_A" vxlan_device)
	cat >"$TMP/vnet.py" <<-'PY'
		import socket, struct, sys
		from scapy.all import Ether, IP, TCP, Raw, raw
		src_mac, dst_mac = sys.argv[1:3]
		s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
		s.setsockopt(263, 15, 1)  # SOL_PACKET, PACKET_VNET_HDR
		s.bind(('xt0', 0))
		def frame(seq, n):
		    return raw(Ether(dst=dst_mac, src=src_mac) / IP(src='10.10.0.1', dst='10.10.0.2') /
		               TCP(sport=40001, dport=5303, flags='PA', seq=seq) / Raw(b'x' * n))
		# flags NEEDS_CSUM, gso_type TCPV4, hdr_len, gso_size, csum_start, csum_offset
		s.send(struct.pack('<BBHHHH', 1, 1, 54, 1000, 34, 16) + frame(1000, 3000))
		s.send(struct.pack('<BBHHHH', 0, 0, 0, 0, 0, 0) + frame(9000, 100))
	PY
	if ! capture_start "$NS_B" ub "$pcap" udp dst port 4789 and src host 2001:db8::1 ||
		! in_ns "$NS_A" /usr/bin/python3 "$TMP/vnet.py" "$mac_a" "$mac_b"; then
		not_ok "no hash: send a GSO packet and a single one of one flow"
		return
	fi
	capture_stop "$pcap" >/dev/null
	check "no hash: the GSO packet went through the device" \
		[ "$(counter "$NS_A" vxlan_device)" = $((before + 1)) ]
	check "no hash: its GSO packet and its single one share one source port and label" \
		same_flow_entropy "$pcap" 5303
}

# send NS SCAPY_PACKET: one frame out of ub, built by scapy (an independent encoder).
send() {
	in_ns "$1" /usr/bin/python3 -c "
import sys
from scapy.all import *
from scapy.layers.vxlan import VXLAN
sendp($2, iface='ub', verbose=False)" 2>/dev/null
}

dev_rx() {
	ip -n "$NS_A" -s -j link show "$DEV" | jq '.[0].stats64.rx.packets'
}

# What the kernel socket of the device decapsulates (what decap passed: here, a sender
# that is no peer) is dropped on the device's ingress and never delivered: a UDP listener
# on A's overlay address waits for it. The device counts what its socket received.
kernel_socket_case() {
	local mac_ua mac_ub mac_dev inner pid rx0
	mac_ua=$(ip -n "$NS_A" -j link show ua | jq -r '.[0].address')
	mac_ub=$(ip -n "$NS_B" -j link show ub | jq -r '.[0].address')
	mac_dev=$(dev_json "$NS_A" | jq -r '.[0].address')
	ip -n "$NS_B" addr add 2001:db8::99/64 dev ub nodad
	in_ns "$NS_A" timeout 6 socat -u UDP4-RECV:5555,bind=10.10.0.1 "OPEN:$TMP/got,creat" &
	pid=$!
	_started_pids+=("$pid")
	sleep 0.5
	rx0=$(dev_rx)
	inner="Ether(dst='$mac_dev', src='02:00:00:00:00:99') / IP(src='10.10.0.2',
		dst='10.10.0.1') / UDP(sport=4444, dport=5555) / Raw(b'smuggled')"
	send "$NS_B" "Ether(dst='$mac_ua', src='$mac_ub') / IPv6(src='2001:db8::99',
		dst='2001:db8::1') / UDP(sport=50000, dport=4789) / VXLAN(flags=0x08, vni=42) /
		$inner"
	send "$NS_B" "Ether(dst='$mac_ua', src='$mac_ub') / IPv6(src='2001:db8::99',
		dst='2001:db8::1') / UDP(sport=50000, dport=4789) / VXLAN(flags=0x08, vni=77) /
		$inner"
	send "$NS_B" "Ether(dst='$mac_ua', src='$mac_ub') / IP(src='192.0.2.99',
		dst='192.0.2.1') / UDP(sport=50000, dport=4789) / VXLAN(flags=0x08, vni=42) /
		$inner"
	wait "$pid"
	check "kernel socket: the device's socket decapsulated all three (VNI 42 and 77 over
		IPv6, VNI 42 over IPv4)" [ "$(($(dev_rx) - rx0))" = 3 ]
	check "kernel socket: none was delivered" [ ! -s "$TMP/got" ]
	check "kernel socket: the one for this overlay counted as drop-kernel-socket" \
		[ "$(counter "$NS_A" drop_kernel_socket)" = 1 ]
	check "kernel socket: decap passed the IPv6 ones as from no peer or another VNI" \
		[ "$(json_field "$NS_A" '.[0].counters | .pass_unknown_peer + .pass_other_vni')" \
		-ge 2 ]
}

# Peers that listen on another port than the overlay's: the device has only its own port.
other_port_case() {
	diag "case: peers on another port"
	pair 4789 8472 || { not_ok "other port: set up"; teardown; return; }
	check "other port: TCP 8 MiB A -> B byte for byte" tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 8
	check "other port: TCP 8 MiB B -> A byte for byte" tcp_transfer "$NS_B" "$NS_A" 10.10.0.1 8
	check "other port: A segmented its GSO packets to B, none went through the device" \
		[ "$(counter "$NS_A" segment)" -gt 0 -a "$(counter "$NS_A" vxlan_device)" = 0 ]
	teardown
}

# Another socket has the port: the overlay works, on the segment path, and says so.
port_taken_case() {
	diag "case: the port is taken"
	if ! topo_pair "" || ! underlay6 ||
		! ip -n "$NS_A" link add vxu type vxlan id 9 dstport 4789 local 2001:db8::1 dev ua ||
		! ip -n "$NS_A" link set vxu up || ! host "$NS_B" ub 2001:db8::2 2 ||
		! host "$NS_A" ua 2001:db8::1 1 || ! peers; then
		not_ok "port taken: set up"
		teardown
		return
	fi
	check "port taken: attach warns and says why" grep -q "4789 is taken" "$TMP/attach.err"
	check "port taken: show says GSO is segmented, and why" \
		[ "$(json_field "$NS_A" '.[0] | .gso + ": " + .gso_reason')" = \
		"segment: UDP port 4789 was taken by another socket or vxlan device at attach" ]
	check "port taken: no device of ours" bash -c "! ip -n $NS_A link show $DEV 2>/dev/null"
	check "port taken: TCP 8 MiB A -> B byte for byte" tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 8
	check "port taken: A's GSO packets were segmented" [ "$(counter "$NS_A" segment)" -gt 0 ]
	check "port taken: detach leaves the user's vxlan device alone" \
		bash -c "ip netns exec $NS_A $XTUNNEL detach xt0 && ip -n $NS_A link show vxu >/dev/null"
	ip -n "$NS_A" link del vxu
	if ip -n "$NS_A" link add "$DEV" type veth peer name xtvpeer &&
		host "$NS_A" ua 2001:db8::1 1 &&
		xt "$NS_A" peer add b endpoint "[2001:db8::2]" allowed-ips 10.10.0.2/32; then
		check "name taken: attach warns" grep -q "not xtunnel's" "$TMP/attach.err"
		check "name taken: show says so" [ "$(json_field "$NS_A" '.[0].gso_reason')" = \
			"device $DEV was not xtunnel's at attach" ]
		check "name taken: TCP 4 MiB A -> B byte for byte" \
			tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 4
		check "name taken: detach leaves that device alone" bash -c "
			ip netns exec $NS_A $XTUNNEL detach xt0 && ip -n $NS_A link show $DEV >/dev/null"
	else
		not_ok "name taken: set up"
	fi
	teardown
}

lifetime_case() {
	diag "case: the device's lifetime"
	if ! topo_pair "" || ! underlay6 ||
		! xt "$NS_A" attach ua dev xt0 vni 42 local 2001:db8::1 address 10.10.0.1/24 \
			rx tc 2>/dev/null ||
		! xt "$NS_A" attach ua dev xt1 vni 43 local 2001:db8::1 address 10.11.0.1/24 \
			rx tc 2>/dev/null; then
		not_ok "lifetime: two overlays on one port"
		teardown
		return
	fi
	check "lifetime: two overlays share one device, one drop filter each" \
		[ "$(ip -n "$NS_A" -o link show type vxlan | wc -l)" = 1 ] &&
		[ "$(sock_filters "$NS_A" xt_sock_drop)" = 2 ]
	check "lifetime: detach of the first keeps it for the second" bash -c "
		ip netns exec $NS_A $XTUNNEL detach xt0 && ip -n $NS_A link show $DEV >/dev/null &&
		[ \"\$(ip netns exec $NS_A tc filter show dev $DEV ingress | grep -c xt_sock_drop)\" = 1 ]"
	check "lifetime: detach of the last removes it" bash -c "
		ip netns exec $NS_A $XTUNNEL detach xt1 && ! ip -n $NS_A link show $DEV 2>/dev/null"
	if xt "$NS_A" attach ua dev xt0 vni 42 local 2001:db8::1 address 10.10.0.1/24 \
		rx tc 2>/dev/null && ip -n "$NS_A" link del xt0; then
		check "lifetime: an overlay deleted behind our back leaves the device dropping" \
			[ "$(sock_filters "$NS_A" xt_sock_other)" = 1 ]
		check "lifetime: detach of the deleted overlay removes the device" bash -c "
			ip netns exec $NS_A $XTUNNEL detach xt0 2>/dev/null;
			! ip -n $NS_A link show $DEV 2>/dev/null &&
			[ -z \"\$(ip netns exec $NS_A tc filter show dev ua ingress)\" ]"
	else
		not_ok "lifetime: attach and delete behind xtunnel's back"
	fi
	teardown
}

pair_case
other_port_case
port_taken_case
lifetime_case
tap_done
