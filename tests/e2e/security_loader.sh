#!/bin/bash
# The loader's side of the security review (issue 11): device names never lead out of the
# pin directory; overlays that would take each other's packets, or routes, are refused
# naming the other; forward-from compares interfaces by index, so an altname of the uplink
# is the uplink; a peer's allowed-ips leave out the host's own overlay addresses; names that
# are not UTF-8 still make valid JSON.
. "$(dirname "$0")/../lib/netns.sh"

topo_pair || { not_ok "build two hosts"; tap_done; }

# ---- names in paths ----
# A bpffs of its own in a private mount namespace (as in faults.sh), so that pins last from
# one command to the next and the host's bpffs is never touched. The pin directory is
# /sys/fs/bpf/xtunnel/netns/NS/NAME; six ".." from there are /.
mkdir -p "$TMP/victim"
for f in peers routes prefixes lens peer_stats reasons ports hosts keep; do
	echo planted >"$TMP/victim/$f"
done
cat >"$TMP/names.sh" <<SH
mount -t bpf bpf /sys/fs/bpf
N="nsenter --net=/run/netns/$NS_A"
pins=/sys/fs/bpf/xtunnel/netns/$NS_A/xt0
\$N $XTUNNEL attach ua address 10.10.0.1/24 2>/dev/null
ls \$pins/peers >/dev/null && echo PINNED
\$N $XTUNNEL detach xt0/../xt0 2>&1; echo "RC_DOTDOT=\$?"
ls \$pins/peers \$pins/routes \$pins/ports >/dev/null && echo PINS_KEPT
\$N $XTUNNEL detach ../../../../../..$TMP/victim 2>&1; echo "RC_OUT=\$?"
\$N $XTUNNEL detach .. 2>&1; echo "RC_UP=\$?"
\$N $XTUNNEL show -j | jq -r '.[0].pin_dir' | sed 's/^/PINDIR=/'
\$N $XTUNNEL detach xt0 && echo DETACHED
SH
out=$(unshare -m --propagation private bash "$TMP/names.sh" 2>&1)
check "names: the overlay's maps were pinned" grep -q PINNED <<<"$out"
check "names: detach xt0/../xt0 exits 2" grep -q "RC_DOTDOT=2" <<<"$out"
check "names: and says why" grep -qF \
	"xtunnel: detach: device 'xt0/../xt0': a device name cannot contain '/'" <<<"$out"
check "names: the live overlay's pins survive it" grep -q PINS_KEPT <<<"$out"
check "names: a name climbing out of bpffs exits 2" grep -q "RC_OUT=2" <<<"$out"
check "names: every file it would have removed is still there" bash -c "
	for f in peers routes prefixes lens peer_stats reasons ports hosts keep; do
		[ \"\$(cat $TMP/victim/\$f)\" = planted ] || exit 1
	done"
check "names: detach .. exits 2" grep -q "RC_UP=2" <<<"$out"
check "names: show still finds the pins" grep -q "PINDIR=/sys/fs/bpf/xtunnel/netns/$NS_A/xt0" \
	<<<"$out"
check "names: detach xt0 still works" grep -q DETACHED <<<"$out"

xt "$NS_A" attach ua address 10.10.0.1/24 >/dev/null 2>&1
expect 2 "device 'xt0/..': a device name cannot contain '/'" "names: reload refuses a path" -- \
	reload xt0/..
expect 2 "device 'a/b': a device name cannot contain '/'" "names: show refuses a path" -- \
	show dev a/b
expect 2 "device '..': not a device name" "names: peer ... dev refuses '..'" -- \
	peer del b dev ..
expect 2 "device 'xt0 x': a device name cannot contain whitespace" \
	"names: peer ... dev refuses whitespace" -- peer add b endpoint "$UNDER_B" \
	allowed-ips 10.20.0.0/16 dev "xt0 x"
expect 2 "uplink 'ua/../ua': a device name cannot contain '/'" \
	"names: attach refuses a path as uplink" -- attach ua/../ua dev xt7
expect 2 "device name '12345678901234' is longer than 13 characters" \
	"names: attach refuses a device name without room for its hidden end" -- \
	attach ua dev 12345678901234
in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1
expect 2 "forward-from: interface '../ua': a device name cannot contain '/'" \
	"names: forward-from refuses a path" -- attach ua dev xt7 vni 7 forward-from ../ua
check "names: none of the refused attaches made a device" \
	bash -c "! ip -n $NS_A link show xt7 2>/dev/null"

# ---- overlays that would take each other's packets or routes ----
expect 2 "overlay xt0 has the same uplink ua, encapsulation vxlan, port, VNI and local address" \
	"overlays: an identical second overlay is refused, naming the first" -- \
	attach ua dev xt1 address 10.11.0.1/24
check "overlays: and not made" bash -c "! ip -n $NS_A link show xt1 2>/dev/null"
check "overlays: another VNI on the same uplink is fine" \
	xt "$NS_A" attach ua dev xt1 vni 2 address 10.11.0.1/24
check "overlays: GRE with a key is fine" \
	xt "$NS_A" attach ua dev xt2 encap gre key 5 address 10.12.0.1/24
expect 2 "overlay xt2 has the same uplink ua, encapsulation gre, GRE key and local address" \
	"overlays: GRE with the same key is refused" -- \
	attach ua dev xt3 encap gre key 5 address 10.13.0.1/24
check "overlays: GRE with another key is another overlay's traffic" \
	xt "$NS_A" attach ua dev xt5 encap gre key 6 address 10.15.0.1/24
xt "$NS_A" detach xt5
check "overlays: GRE without a key is another overlay's traffic" \
	xt "$NS_A" attach ua dev xt3 encap gre address 10.13.0.1/24
check "overlays: IPIP once is fine" xt "$NS_A" attach ua dev xt4 encap ipip address 10.14.0.1/24
expect 2 "overlay xt4 has the same uplink ua, encapsulation ipip and local address" \
	"overlays: IPIP twice is refused" -- attach ua dev xt5 encap ipip address 10.15.0.1/24
xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.20.0.0/16 dev xt0
expect 2 "allowed-ips 10.20.5.0/24 overlaps 10.20.0.0/16 of peer b of overlay xt0" \
	"overlays: a prefix inside another overlay's is refused, naming overlay and peer" -- \
	peer add c endpoint "$UNDER_B" allowed-ips 10.20.5.0/24 dev xt1
expect 2 "allowed-ips 10.20.0.0/15 overlaps 10.20.0.0/16 of peer b of overlay xt0" \
	"overlays: a prefix around another overlay's is refused" -- \
	peer add c endpoint "$UNDER_B" allowed-ips 10.30.0.0/16,10.20.0.0/15 dev xt1
expect 2 "overlaps 10.20.0.0/16 of peer b of overlay xt0" \
	"overlays: move does not take a prefix from another overlay" -- \
	peer add c endpoint "$UNDER_B" allowed-ips 10.20.0.0/16 move dev xt1
xt "$NS_A" peer add c endpoint "$UNDER_B" allowed-ips 10.30.0.0/16 dev xt1
expect 2 "overlaps 10.20.0.0/16 of peer b of overlay xt0" \
	"overlays: peer set is checked too" -- peer set c allowed-ips 10.20.1.0/24 dev xt1
check "overlays: 10.20.0.0/16 routes to xt0 alone, and xt1 has c's route alone" [ "$(ip -n \
	"$NS_A" route show 10.20.0.0/16 | grep -c 'dev xt0')/$(ip -n "$NS_A" route show \
	proto 0x78 dev xt1 | awk '{ print $1 }' | paste -sd,)" = 1/10.30.0.0/16 ]
for d in xt1 xt2 xt3 xt4; do xt "$NS_A" detach "$d"; done

# ---- a peer's allowed-ips and the host's own overlay addresses ----
expect 2 "allowed-ips 10.10.0.0/24 holds 10.10.0.1, an address of xt0 itself" \
	"own: a prefix holding the overlay's address is refused" -- \
	peer add d endpoint 192.0.2.9 allowed-ips 10.10.0.0/24
expect 2 "allowed-ips 10.10.0.1/32 holds 10.10.0.1, an address of xt0 itself" \
	"own: the overlay's address itself is refused" -- \
	peer set b allowed-ips 10.20.0.0/16,10.10.0.1/32
ip -n "$NS_A" addr add fd00:10::1/64 dev xt0 nodad
expect 2 "allowed-ips fd00:10::/64 holds fd00:10::1, an address of xt0 itself" \
	"own: an address added later with ip addr, IPv6, is refused too" -- \
	peer add d endpoint 192.0.2.9 allowed-ips fd00:10::/64
check "own: the peer next to it is fine" \
	xt "$NS_A" peer add d endpoint 192.0.2.9 allowed-ips 10.10.0.9/32,fd00:10::9/128

# ---- forward-from: interfaces by index ----
ip -n "$NS_A" link property add dev ua altname upl0
ip -n "$NS_A" link add la type veth peer name lb
ip -n "$NS_A" link property add dev la altname lan0
ip -n "$NS_A" link set la up
ip -n "$NS_A" link set lb up
expect 2 "forward-from upl0: that is the uplink ua" \
	"fwd: the uplink under its altname is the uplink" -- \
	attach ua dev xt6 vni 6 address 10.16.0.1/24 forward-from upl0
expect 2 "forward-from lan0: named twice (as la too)" \
	"fwd: one port under two names is named twice" -- \
	attach ua dev xt6 vni 6 address 10.16.0.1/24 forward-from la,lan0
check "fwd: no device made and no XDP left on either" bash -c "
	! ip -n $NS_A link show xt6 2>/dev/null && ! ip -n $NS_A link show ua | grep -q xdp &&
	! ip -n $NS_A link show la | grep -q xdp"
check "fwd: a port under its altname is taken" \
	xt "$NS_A" attach ua dev xt6 vni 6 address 10.16.0.1/24 forward-from lan0
check "fwd: detach takes XDP off it" bash -c "ip netns exec $NS_A $XTUNNEL detach xt6 &&
	! ip -n $NS_A link show la | grep -q xdp"

# ---- names that are not UTF-8 ----
dev=$'x\xff\xfe'
check "json: a device name that is not UTF-8 is a device name" \
	xt "$NS_A" attach ua dev "$dev" vni 8 address 10.18.0.1/24
xt "$NS_A" show -j >"$TMP/show.json"
check "json: show -j is UTF-8 and JSON" /usr/bin/python3 -c '
import json, sys
json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$TMP/show.json"
want=$'x\xef\xbf\xbd\xef\xbf\xbd' # U+FFFD for each byte that is not UTF-8
check "json: the name has U+FFFD for each byte" \
	[ "$(jq -r '.[] | select(.vni == 8) | .dev' "$TMP/show.json")" = "$want" ]
xt "$NS_A" detach "$dev"
tap_done
