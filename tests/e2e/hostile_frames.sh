#!/bin/bash
# Hostile frames from a peer, judged by the kernel they would have fooled. Host B, one of
# A's peers, sends hand-made VXLAN frames (scapy, through an AF_PACKET socket) into A's
# uplink. The point is what A's kernel does with what xtunnel lets through:
# - a neighbour advertisement claiming peer C's overlay address must not change A's
#   neighbour entry for it (the kernel overrides an entry from an advertisement with the
#   override flag, RFC 4861 section 7.2.5), whether it hides behind a Destination Options
#   header, or comes in a frame of over 4 KiB behind the longest outer IPv4 header or 256
#   bytes of Destination Options, where its target lies beyond what TC decap pulls into the
#   linear area on every packet: an
#   AF_PACKET socket builds a frame of a page or more with 14 bytes in the linear area and
#   the rest in page fragments (packet_alloc_skb), so A's TC program gets a non-linear skb,
#   as small-head NICs give it at any size; and once more with the linear area ending inside
#   the inner IPv6 header (big-split: a PACKET_VNET_HDR socket sets where it ends), where
#   the outer headers are readable and only the inner ones must be pulled;
# - the same advertisements claiming B's own address do change it: the kernel acts on what
#   arrives this way, so the refusals above are xtunnel's;
# - a frame to another host's MAC, and one with a bad outer IPv4 checksum, reach nothing,
#   the latter also as a big frame whose inner checks ask for bytes beyond the linear area.
# The TC path runs every case; XDP, which drops what it cannot read whole (a veth gives a
# program without multi-buffer support no frame above a page), the ones that fit in a page.
. "$(dirname "$0")/../lib/netns.sh"
PY=/usr/bin/python3 # Debian's interpreter, where python3-scapy is (see DESIGN.md)
ATTACKER_MAC=02:00:00:00:00:bb
C_MAC=02:00:00:00:00:0c
B_MAC=02:00:00:00:00:0b

# send KIND TARGET: one frame from B; KIND says how it is built (see the Python).
send() {
	in_ns "$NS_B" "$PY" - "$1" "$2" "$mac_ua" "$mac_ub" "$mac_xt0" "$ATTACKER_MAC" <<'PY' 2>&1 |
import socket, struct, sys
from scapy.all import Ether, IP, IPOption, UDP, Raw, IPv6, IPv6ExtHdrDestOpt, PadN, HBHOptUnknown
from scapy.layers.inet6 import ICMPv6ND_NA, ICMPv6NDOptDstLLAddr
from scapy.layers.vxlan import VXLAN
kind, target, mac_ua, mac_ub, mac_xt0, attacker = sys.argv[1:7]
# Two ND options of a type nobody knows (RFC 4861 section 4.6: ignored), 2040 bytes each,
# make the frame over 4 KiB.
pad = (bytes([250, 255]) + bytes(2038)) * 2 if kind.startswith("big") else b""
na = (ICMPv6ND_NA(tgt=target, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=attacker) /
      Raw(pad))
inner6 = IPv6(src="fd99::2", dst="fd99::1", hlim=255)
if kind == "dest":
    inner6 = inner6 / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00" * 4)])
elif kind.startswith("big-dest"): # 256 bytes, so the target lies past the first pull too: one
    # option of the experimental type 0x1e (RFC 4727), which says "skip me"; the kernel
    # refuses more than 7 bytes of padding (RFC 4942), so not PadN
    option = HBHOptUnknown(otype=0x1e, optdata=b"\x00" * 252)
    inner6 = inner6 / IPv6ExtHdrDestOpt(options=[option])
inner = Ether(dst=mac_xt0, src=attacker) / inner6 / na
options = []
if "ihl15" in kind: # Router Alert, then NOPs: the longest IPv4 header there is
    options = [IPOption(b"\x94\x04\x00\x00" + b"\x01" * 36)]
outer = IP(src="192.0.2.2", dst="192.0.2.1", flags="DF", options=options)
frame = (Ether(dst=mac_ua if kind != "other-mac" else "02:00:00:00:99:99", src=mac_ub) /
         outer / UDP(sport=50000, dport=4789, chksum=0) / VXLAN(vni=1, flags=0x08) / inner)
frame = bytearray(bytes(frame))
if "ihl15" in kind:
    assert frame[14] == 0x4f
if kind.endswith("bad-checksum"):
    frame[24] ^= 0xff
if kind.startswith("big"):
    assert len(frame) > 4096, len(frame)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("ub", 0))
if kind == "big-split":
    # With a virtio-net header, a frame over a page gets hdr_len bytes in its linear area
    # (packet_snd): 80 of them end 16 bytes into the inner IPv6 header, which starts at 64.
    s.setsockopt(263, 15, 1) # SOL_PACKET, PACKET_VNET_HDR
    s.send(struct.pack("<BBHHHH", 0, 0, 80, 0, 0, 0) + bytes(frame))
else:
    s.send(bytes(frame))
PY
		grep -v WARNING
	sleep 0.3
}

lladdr() {
	ip -n "$NS_A" -j neigh show "$1" dev xt0 | jq -r '.[0].lladdr // "none"'
}

counter() {
	json_field "$NS_A" ".[0].counters[\"$1\"]"
}

# An entry for C's and for B's overlay address, each with its owner's MAC; stale, so that
# an advertisement with the override flag may change it, as it could a learnt entry.
entries() {
	ip -n "$NS_A" neigh replace fd99::3 lladdr "$C_MAC" dev xt0 nud stale &&
		ip -n "$NS_A" neigh replace fd99::2 lladdr "$B_MAC" dev xt0 nud stale
}

# MTU: the frames over a page need it on TC's wire; a veth refuses XDP above a page.
run_case() {
	local rx=$1 mtu=$2 kinds kind spoofed decap
	topo_pair tx-off && ip -n "$NS_A" link set ua mtu "$mtu" &&
		ip -n "$NS_B" link set ub mtu "$mtu" &&
		xt "$NS_A" attach ua address fd99::1/64 rx "$rx" 2>/dev/null &&
		xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips fd99::2/128 &&
		xt "$NS_A" peer add c endpoint 192.0.2.3 allowed-ips fd99::3/128 &&
		entries || { not_ok "rx $rx: set up"; return; }
	mac_ua=$(ip -n "$NS_A" -j link show ua | jq -r '.[0].address')
	mac_ub=$(ip -n "$NS_B" -j link show ub | jq -r '.[0].address')
	mac_xt0=$(ip -n "$NS_A" -j link show xt0 | jq -r '.[0].address')
	kinds="dest"
	[ "$rx" = tc ] && kinds="dest big-ihl15 big-dest big-split"
	for kind in $kinds; do
		spoofed=$(counter drop_spoofed)
		send "$kind" fd99::3
		check "rx $rx, $kind: an advertisement of peer C's address is dropped as spoofed" \
			[ "$(counter drop_spoofed)" = $((spoofed + 1)) ]
		check "rx $rx, $kind: and A's entry for it keeps C's MAC" [ "$(lladdr fd99::3)" = "$C_MAC" ]
		decap=$(counter decap)
		send "$kind" fd99::2
		check "rx $rx, $kind: B's advertisement of its own address is decapsulated" \
			[ "$(counter decap)" = $((decap + 1)) ]
		check "rx $rx, $kind: and the kernel takes it (A's entry for it is overridden)" \
			[ "$(lladdr fd99::2)" = "$ATTACKER_MAC" ]
		entries
	done
	check "rx $rx: no packet went the wrong way" [ "$(json_field "$NS_A" '.[0].counters |
		.drop_malformed + .drop_ext_headers + .drop_decap_failed')" = 0 ]
	decap=$(counter decap)
	other=$(counter pass_other_host)
	send other-mac fd99::2
	check "rx $rx: a frame to another host's MAC passes to the kernel untouched" \
		[ "$(counter pass_other_host)" = $((other + 1)) -a "$(counter decap)" = "$decap" ]
	check "rx $rx: and the kernel does not act on it" [ "$(lladdr fd99::2)" = "$B_MAC" ]
	bad=$(counter drop_outer_checksum)
	send bad-checksum fd99::2
	check "rx $rx: a bad outer IPv4 checksum is dropped" \
		[ "$(counter drop_outer_checksum)" = $((bad + 1)) -a "$(counter decap)" = "$decap" ]
	check "rx $rx: and the kernel does not act on it" [ "$(lladdr fd99::2)" = "$B_MAC" ]
	# Its checks read beyond the linear area and ask for the bytes (XT_RX_NEED): the outer
	# checksum is checked on that path too.
	if [ "$rx" = tc ]; then
		send big-dest-bad-checksum fd99::2
		check "rx $rx, big-dest: a bad outer IPv4 checksum is dropped" \
			[ "$(counter drop_outer_checksum)" = $((bad + 2)) -a "$(counter decap)" = "$decap" ]
		check "rx $rx, big-dest: and the kernel does not act on it" \
			[ "$(lladdr fd99::2)" = "$B_MAC" ]
	fi
	ip netns del "$NS_A"
	ip netns del "$NS_B"
}

run_case tc 9000
run_case xdp 1500
tap_done
