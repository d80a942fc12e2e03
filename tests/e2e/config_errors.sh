#!/bin/bash
# Every error a config file can hold, a table: the file's text, the line the error is on
# and the message, "FILE:LINE: why". Each is refused by up (nothing made) and by sync of
# the running overlay (nothing changed), exit 2. Then the settings sync refuses to change
# on a running overlay, each named with its value before and after, nothing changed.
. "$(dirname "$0")/../lib/netns.sh"

topo_pair || { not_ok "two hosts"; tap_done; }
F=$TMP/xe0.conf

# The valid file the cases start from: its lines are numbered here, as the cases count them.
base() {
	cat <<'EOF'
[Overlay]
Name = xe0
Uplink = ua
VNI = 42
Address = 10.10.0.1/24
MaxPeers = 4

[Peer]
Name = b
Endpoint = 192.0.2.2
AllowedIPs = 10.20.0.0/16
EOF
}

# What must not change: links and routes of host A, and show -j without counters. (The
# uplink's link-local address finishes duplicate address detection when it will, and its
# routes come then: not ours.)
host_state() {
	ip -n "$NS_A" -o link show | awk '{print $2, $3}'
	ip -n "$NS_A" route show table all | grep -v fe80::
	xt "$NS_A" show -j | jq -cS 'map(del(.counters) | .peers |= map(del(.rx_packets,
		.rx_bytes, .tx_packets, .tx_bytes, .drops)))'
}

# refused CMD LINE WHY NAME: CMD (up or sync) of $F exits 2, says exactly
# "xtunnel: CMD: $F:LINE: WHY" (no ":LINE" when LINE is -), and changes nothing.
refused() {
	local cmd=$1 line=$2 why=$3 name=$4 out rc before where=$F:$2
	[ "$line" = - ] && where=$F
	before=$(host_state)
	out=$(xt "$NS_A" "$cmd" "$F" 2>&1)
	rc=$?
	if [ "$rc" = 2 ] && [ "$out" = "xtunnel: $cmd: $where: $why" ] &&
		[ "$(host_state)" = "$before" ]; then
		ok "$cmd: $name"
	else
		not_ok "$cmd: $name (exit $rc, said: $out; expected line $line: $why)"
		[ "$(host_state)" = "$before" ] || diag "and the state changed"
	fi
}

# The table: NAME | LINE | WHY, then the file, up to a line with a single '.'. The file is
# base's text with sed's changes (a line that starts with 's' or '$a'), or as it is.
CASES=$TMP/cases
cat >"$CASES" <<'EOF'
an unknown key|4|unknown key 'Colour' in [Overlay] (see xtunnel.conf(5))
4i Colour = red
.
an unknown key of a peer|12|unknown key 'Weight' in [Peer] (see xtunnel.conf(5))
$a Weight = 1
.
an L2 setting|4|Mode: a config file describes L3 overlays only; an L2 overlay is made with 'xtunnel attach ... mode l2' (see xtunnel.conf(5))
4i Mode = l2
.
an L2 setting of attach, in any case|5|maxmacs: a config file describes L3 overlays only; an L2 overlay is made with 'xtunnel attach ... mode l2' (see xtunnel.conf(5))
4a maxmacs = 8
.
an unknown section|12|unknown section [Interface] (a file has [Overlay] and [Peer])
$a [Interface]
.
a key before any section|1|Uplink: outside a section ([Overlay] or [Peer] comes first)
1i Uplink = ua
.
a setting given twice|5|VNI is given twice (first at line 4)
4a VNI = 43
.
two [Overlay] sections|12|[Overlay] again (first at line 1): one overlay per file
$a [Overlay]
.
a peer without a Name|8|[Peer] has no Name
9d
.
a peer without an Endpoint|8|peer b has no Endpoint
10d
.
a peer's Name twice|10|Name is given twice (first at line 9)
9a Name = c
.
a section header without its end|8|'[Peer': a section header ends with ']'
s/^\[Peer\]/[Peer/
.
a colon for an equals sign|10|'Endpoint: 192.0.2.2' is not 'Key = Value'
s/Endpoint = /Endpoint: /
.
a key without a value|10|'Endpoint' is not 'Key = Value'
s/Endpoint = .*/Endpoint/
.
no [Overlay] section|-|no [Overlay] section
1,7d
.
no Uplink|1|[Overlay] has no Uplink
3d
.
an unknown encapsulation|4|Encap: 'vx' is not vxlan, geneve, gre or ipip
4i Encap = vx
.
a VNI out of range|4|VNI: '16777216' is not a number from 0 to 16777215
s/VNI = 42/VNI = 16777216/
.
port 0|5|Port: '0' is not a number from 1 to 65535
4a Port = 0
.
a VNI on GRE|5|VNI: encap gre has none (only vxlan and geneve)
4i Encap = gre
.
a port on IPIP|6|Port: encap ipip has none (only vxlan and geneve)
4a Port = 4789
3a Encap = ipip
s/^VNI = 42//
.
a key on VXLAN|4|Key: encap vxlan has none (only gre)
4i Key = 7
.
a key out of range|5|Key: '4294967296' is not a number from 0 to 4294967295
s/^VNI = 42/Encap = gre/
4a Key = 4294967296
.
a bad local address|4|Local: '192.0.2.300' is not an IPv4 or IPv6 address
4i Local = 192.0.2.300
.
an address too long|5|Address: '10.10.0.1/33': prefix length must be 0 to 32
s|10.10.0.1/24|10.10.0.1/33|
.
an address given twice|6|Address 10.10.0.1: given twice (first at line 5)
5a Address = 10.10.0.1/16
.
an MTU too small|4|MTU: '67' is not a number from 68 to 65535
4i MTU = 67
.
an IPv6 address under an MTU of 1280|4|MTU 1200: an IPv6 Address needs at least 1280
4i MTU = 1200
s|10.10.0.1/24|10.10.0.1/24, fd00:10::1/64|
.
an unknown receive path|4|Receive: 'maybe' is not auto, xdp or tc
4i Receive = maybe
.
an unknown XDP mode|4|XDPMode: 'fast' is not native or generic
4i XDPMode = fast
.
generic XDP without XDP|4|XDPMode generic: only with Receive = xdp or ForwardFrom
4i XDPMode = generic
.
max-peers 0|6|MaxPeers: '0' is not a number from 1 to 1048576
s/MaxPeers = 4/MaxPeers = 0/
.
max-routes too large|7|MaxRoutes: '99999999' is not a number from 1 to 16777216
6a MaxRoutes = 99999999
.
a forward-from port that is no name|7|ForwardFrom: interface 'a/b': a device name cannot contain '/'
6a ForwardFrom = lan0, a/b
.
a forward-from port twice|8|ForwardFrom lan0: given twice (first at line 7)
6a ForwardFrom = lan0\nForwardFrom = lan0
.
an overlay name too long|2|Name 'abcdefghijklmn': an overlay's device name has at most 13 characters (its hidden end is NAME-p)
s/Name = xe0/Name = abcdefghijklmn/
.
a bad endpoint|10|Endpoint: '192.0.2' is not an endpoint (A.B.C.D[:PORT], [IPV6][:PORT] or IPV6)
s/Endpoint = .*/Endpoint = 192.0.2/
.
allowed-ips with host bits|11|AllowedIPs: '10.20.0.1/16' has host bits set (did you mean 10.20.0.0/16?)
s|10.20.0.0/16|10.20.0.1/16|
.
an empty item of allowed-ips|11|AllowedIPs: an empty item in the list
s|10.20.0.0/16|10.20.0.0/16,,10.21.0.0/16|
.
managed neither true nor false|12|Managed: 'yes' is not true or false
$a Managed = yes
.
a peer name that is no name|9|Name: peer name 'b c': use letters, digits, '.', '_' and '-'
s/Name = b/Name = b c/
.
two peers of one name|13|peer b is named twice (line 9)
$a [Peer]\nName = b\nEndpoint = 192.0.2.3
.
two peers of one endpoint|14|peer c: endpoint 192.0.2.2 is peer b's already (line 10)
$a [Peer]\nName = c\nEndpoint = 192.0.2.2
.
allowed-ips inside another peer's|15|peer c: allowed-ips 10.20.1.0/24 overlaps 10.20.0.0/16 of peer b (line 11)
$a [Peer]\nName = c\nEndpoint = 192.0.2.3\nAllowedIPs = 10.20.1.0/24
.
allowed-ips listed twice|12|peer b: allowed-ips 10.20.0.0/16 is listed twice (line 11)
$a AllowedIPs = 10.20.0.0/16
.
allowed-ips that hold the overlay's address|12|peer b: allowed-ips 10.10.0.0/16 holds 10.10.0.1, an address of xe0 itself
$a AllowedIPs = 10.10.0.0/16
.
an endpoint of the other family|11|peer b: endpoint 2001:db8::2 is IPv6 but the underlay is IPv4 (local 192.0.2.1)
4i Local = 192.0.2.1
s/Endpoint = .*/Endpoint = [2001:db8::2]/
.
the overlay's own endpoint|11|peer b: endpoint 192.0.2.1 is the overlay's own
4i Local = 192.0.2.1
s/Endpoint = .*/Endpoint = 192.0.2.1/
.
a port on GRE's endpoint|10|peer b: endpoint 192.0.2.2 port 4790: encap gre has no port
s/^VNI = 42/Encap = gre/
s/Endpoint = .*/Endpoint = 192.0.2.2:4790/
.
allowed-ips that cover IPv4's place|11|peer b: allowed-ips ::/0 covers ::ffff:0:0/96, where xtunnel keeps IPv4 prefixes: list IPv6 prefixes outside it (all global and unique-local IPv6 is 2000::/3,fc00::/7)
s|10.20.0.0/16|::/0|
.
more peers than max-peers|22|peer p5: more than max-peers 4
$a [Peer]\nName = p2\nEndpoint = 192.0.2.12\n[Peer]\nName = p3\nEndpoint = 192.0.2.13\n[Peer]\nName = p4\nEndpoint = 192.0.2.14\n[Peer]\nName = p5\nEndpoint = 192.0.2.15
.
EOF

# run_cases CMD: every case through CMD.
run_cases() {
	local cmd=$1 header name line why script
	exec 3<"$CASES"
	while IFS= read -r header <&3; do
		IFS='|' read -r name line why <<<"$header"
		script=""
		while IFS= read -r l <&3 && [ "$l" != . ]; do
			script+="$l"$'\n'
		done
		base | sed -e "$script" >"$F"
		refused "$cmd" "$line" "$why" "$name"
	done
	exec 3<&-
}

# Lines no sed writes: a NUL byte, a line longer than inih's.
special_cases() {
	local cmd=$1
	{ base | head -5; printf 'MTU = 14\0000\n'; } >"$F"
	refused "$cmd" 6 "a NUL byte in the line" "a NUL byte"
	{ base | head -3; printf 'Uplink = %0300d\n' 0; } >"$F"
	refused "$cmd" 4 "longer than 199 characters" "a line longer than inih's"
}

run_cases up
special_cases up
# A local address no interface has: what to do about it in a file, and no word of attach's
# 'force', which a file has no counterpart of (xtunnel.conf(5)).
base | sed -e "4a Local = 198.51.100.7" >"$F"
before=$(host_state)
out=$(xt "$NS_A" up "$F" 2>&1)
rc=$?
check "up: a local address no interface has: refused, 'add it first', no 'force' ($out)" \
	[ "$rc" = 2 -a "$(host_state)" = "$before" \
	-a "$(grep -cF 'local 198.51.100.7: no interface here has this address' <<<"$out")" = 1 \
	-a "$(grep -c 'add it first$' <<<"$out")" = 1 -a "$(grep -c force <<<"$out")" = 0 ]
base >"$F"
check "the base file is valid: up" xt "$NS_A" up "$F"
run_cases sync
special_cases sync

# ---- settings sync cannot change: named, old and new ----
settings() {
	local name=$1 script=$2 why=$3 out rc before
	base | sed -e "$script" >"$F"
	before=$(host_state)
	out=$(xt "$NS_A" sync "$F" 2>&1)
	rc=$?
	if [ "$rc" = 2 ] &&
		[[ "$out" == "xtunnel: sync: $why: cannot change on running overlay xe0; take it down and up again"* ]] &&
		[ "$(host_state)" = "$before" ]; then
		ok "sync refuses to change $name live, naming it"
	else
		not_ok "sync refuses to change $name live (exit $rc, said: $out)"
	fi
}
ip -n "$NS_A" link add uz type veth peer name uy || not_ok "a second uplink"
settings uplink $'s/Uplink = ua/Uplink = uz/\n4a Local = 192.0.2.1' "uplink ua -> uz"
settings encap "4i Encap = geneve" "encap vxlan -> geneve, port 4789 -> 6081"
settings vni "s/VNI = 42/VNI = 43/" "vni 42 -> 43"
settings port "4a Port = 4790" "port 4789 -> 4790"
settings local "4a Local = 192.0.2.9" "local 192.0.2.1 -> 192.0.2.9"
settings rx "4a Receive = xdp" "rx auto -> xdp"
settings xdp-mode $'4a ForwardFrom = uz\n4a XDPMode = generic' "xdp-mode native -> generic"
settings max-peers "s/MaxPeers = 4/MaxPeers = 5/" "max-peers 4 -> 5"
settings max-routes "4a MaxRoutes = 100" "max-routes 16384 -> 100"
# Two at once: both named.
base | sed -e "4i Encap = geneve" -e "s/VNI = 42/VNI = 43/" >"$F"
check "two settings that cannot change: both named" bash -c \
	"ip netns exec $NS_A $XTUNNEL sync $F 2>&1 | grep -qF 'encap vxlan -> geneve, vni 42 -> 43, port 4789 -> 6081: cannot change'"
# GRE's key: an overlay of its own.
printf '[Overlay]\nName = xg0\nUplink = ua\nEncap = gre\nKey = 1\n' >"$TMP/xg0.conf"
xt "$NS_A" up "$TMP/xg0.conf" || not_ok "a GRE overlay"
sed -i 's/Key = 1/Key = 2/' "$TMP/xg0.conf"
check "sync refuses to change key live, naming it" bash -c \
	"ip netns exec $NS_A $XTUNNEL sync $TMP/xg0.conf 2>&1 | grep -qF 'key 1 -> 2: cannot change'"
sed -i '/Key = 2/d' "$TMP/xg0.conf"
check "sync refuses to take GRE's key away live, naming it" bash -c \
	"ip netns exec $NS_A $XTUNNEL sync $TMP/xg0.conf 2>&1 | grep -qF 'key 1 -> none: cannot change'"
xt "$NS_A" down xg0
check "sync of an overlay that does not run is refused (exit 2), naming up" bash -c \
	"out=\$(ip netns exec $NS_A $XTUNNEL sync $TMP/xg0.conf 2>&1); [ \$? = 2 ] &&
	grep -q \"does not run ('xtunnel up' makes it)\" <<<\"\$out\""
xt "$NS_A" down xe0

# An L2 overlay that runs: neither saved to a file nor changed by one.
xt "$NS_A" attach ua dev xl0 mode l2 vni 77 || not_ok "an L2 overlay"
out=$(xt "$NS_A" save xl0 2>&1)
rc=$?
check "save refuses an L2 overlay (exit 2), saying why ($out)" bash -c '[ "$1" = 2 ] &&
	[ "$2" = "xtunnel: save: overlay xl0 is an L2 overlay (mode l2), which a config file cannot describe yet: not saved" ]' _ "$rc" "$out"
printf '[Overlay]\nName = xl0\nUplink = ua\nVNI = 77\n' >"$TMP/xl0.conf"
before=$(host_state)
out=$(xt "$NS_A" sync "$TMP/xl0.conf" 2>&1)
rc=$?
check "sync of a file onto a running L2 overlay is refused (exit 2), nothing changed" bash -c \
	'[ "$1" = 2 ] && grep -qF "overlay xl0 is an L2 overlay (mode l2), which config files cannot describe yet: nothing was changed" <<<"$2" && [ "$3" = "$4" ]' \
	_ "$rc" "$out" "$before" "$(host_state)"
xt "$NS_A" detach xl0

tap_done
