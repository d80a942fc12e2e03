#!/bin/bash
# Maps are pinned and carry BTF: `bpftool map dump pinned` shows names, endpoints and
# prefixes readably. The pins live in the bpffs the command sees, so attach and dump run
# in one `ip netns exec` (each gives its command a private /sys; see DESIGN.md). Then, in
# the host's bpffs through nsenter --net: the path show prints in a namespace, the README's
# command, and the man page's reading of the dump (READING THE MAPS) (issue 13, item 8).
. "$(dirname "$0")/../lib/netns.sh"

topo_pair || { not_ok "build two hosts"; tap_done; }
dump=$(in_ns "$NS_A" sh -c "$XTUNNEL attach ua address 10.10.0.1/24 2>/dev/null &&
	$XTUNNEL peer add hostb endpoint $UNDER_B:4790 allowed-ips 10.10.0.2/32,10.20.0.0/16 &&
	bpftool -j map dump pinned /sys/fs/bpf/xtunnel/netns/$NS_A/xt0/peers &&
	echo ROUTES &&
	bpftool -j map dump pinned /sys/fs/bpf/xtunnel/netns/$NS_A/xt0/routes &&
	echo PREFIXES &&
	bpftool -j map dump pinned /sys/fs/bpf/xtunnel/netns/$NS_A/xt0/prefixes &&
	bpftool -j map dump pinned /sys/fs/bpf/xtunnel/netns/$NS_A/xt0/lens &&
	$XTUNNEL peer set hostb allowed-ips 10.20.0.0/16 &&
	bpftool -j map dump pinned /sys/fs/bpf/xtunnel/netns/$NS_A/xt0/prefixes &&
	bpftool -j map dump pinned /sys/fs/bpf/xtunnel/netns/$NS_A/xt0/lens &&
	stat -c %a /sys/fs/bpf/xtunnel/netns/$NS_A/xt0")
peers=$(sed '/^ROUTES$/,$d' <<<"$dump")
routes=$(sed '1,/^ROUTES$/d;/^PREFIXES$/,$d' <<<"$dump")
index=$(sed '1,/^PREFIXES$/d;$d' <<<"$dump")
mode=$(tail -1 <<<"$dump")
check "peers dump has the name as text" \
	[ "$(jq -r '.[0].formatted.value.name' <<<"$peers")" = hostb ]
# IPv4 is kept as the IPv4-mapped IPv6 address ::ffff:a.b.c.d, and a prefix /N as /(96 + N).
check "peers dump has the endpoint as bytes, IPv4-mapped" \
	[ "$(jq -c '.[0].formatted.key.endpoint' <<<"$peers")" = \
	"[0,0,0,0,0,0,0,0,0,0,255,255,192,0,2,2]" ]
check "peers dump has the port as a number" \
	[ "$(jq -r '.[0].formatted.value.port' <<<"$peers")" = 4790 ]
check "routes dump has both prefixes, IPv4-mapped" [ "$(jq -c '[.[].formatted.key |
	"\(.addr | map(tostring) | join("."))/\(.prefixlen)"] | sort' <<<"$routes")" = \
	'["0.0.0.0.0.0.0.0.0.0.255.255.10.10.0.2/128","0.0.0.0.0.0.0.0.0.0.255.255.10.20.0.0/112"]' ]
# The data path's index holds the same prefixes, and the lengths in use, longest first
# (128 for the /32, 112 for the /16); both follow the peer's change.
check "prefix index dump has both prefixes, then the /16 alone" [ "$(jq -sc \
	'[.[0], .[2]] | map(map(.formatted.key | "\(.addr[12:] | map(tostring) | join("."))/\(.prefixlen)") | sort)' \
	<<<"$index")" = '[["10.10.0.2/128","10.20.0.0/112"],["10.20.0.0/112"]]' ]
check "lens dump lists 128 then 112, then 112 alone" [ "$(jq -sc \
	'[.[1], .[3]] | map(.[0].formatted.value | .list[.cur] | .len[0:.n])' <<<"$index")" = \
	'[[128,112],[112]]' ]
check "pin directory is root-only ($mode)" [ "$mode" = 700 ]

# The path in a namespace, as show prints it, and the README's command, which takes it from
# show -j (the README once named /sys/fs/bpf/xtunnel/xt0/peers, which is not there when the
# overlay is in a namespace). nsenter --net keeps the host's bpffs, where pins stay.
N="nsenter --net=/run/netns/$NS_A"
xt "$NS_A" detach xt0 # the one above: the README's command reads the first overlay
$N "$XTUNNEL" attach ua dev xt3 vni 3 address 10.13.0.1/24 2>/dev/null &&
	$N "$XTUNNEL" peer add hostb endpoint "$UNDER_B" \
		allowed-ips 10.13.0.2/32,10.23.0.0/16,fd00:13::2/128 dev xt3 ||
	not_ok "an overlay in $NS_A, with pins in the host's bpffs"
dir=/sys/fs/bpf/xtunnel/netns/$NS_A/xt3
check "show prints where the pins are, under netns/NAME" \
	[ "$($N "$XTUNNEL" show xt3 | sed -n 's/^  maps: //p')" = "$dir" ]
readme=$(grep -m1 '^bpftool map dump pinned ' "$(dirname "$0")/../../README.md" |
	sed 's/  *#.*//')
check "the README has a bpftool command ($readme)" [ -n "$readme" ]
# As a user types it, with xtunnel being this build.
printf 'xtunnel() { "%s" "$@"; }\n%s\n' "$XTUNNEL" "$readme" >"$TMP/readme.sh"
check "the README's command works in a namespace" bash -c "set -o pipefail; $N bash $TMP/readme.sh |
	jq -e '.[0].value.name == \"hostb\"' >/dev/null"
routes=$(bpftool map dump pinned "$dir/routes")
# READING THE MAPS in the man page: this filter, and the bytes of an IPv6 address as is.
check "the man page's reading of the IPv4 prefixes gives the allowed-ips back" [ "$(jq -r \
	'.[].key | select(.addr[0:12] == [0,0,0,0,0,0,0,0,0,0,255,255]) |
	"\(.addr[12:] | map(tostring) | join("."))/\(.prefixlen - 96)"' <<<"$routes" | sort |
	paste -sd,)" = 10.13.0.2/32,10.23.0.0/16 ]
check "a /32 is prefixlen 128, with the address in the last 4 of 16 bytes" [ "$(jq -c \
	'.[].key | select(.prefixlen == 128 and .addr[10:12] == [255,255])' <<<"$routes")" = \
	'{"prefixlen":128,"addr":[0,0,0,0,0,0,0,0,0,0,255,255,10,13,0,2]}' ]
v6=$(/usr/bin/python3 -c 'import ipaddress; print(list(ipaddress.ip_address("fd00:13::2").packed))' |
	tr -d ' ')
check "an IPv6 prefix is its 16 bytes and its own length ($v6)" [ "$(jq -c \
	'[.[].key | select(.addr[10:12] != [255,255]) | "\(.addr)/\(.prefixlen)"]' <<<"$routes")" = \
	"[\"$v6/128\"]" ]
$N "$XTUNNEL" detach xt3
check "detach removed them" [ ! -e "$dir" ]

left=$(in_ns "$NS_A" sh -c "$XTUNNEL attach ua address 10.10.0.1/24 2>/dev/null &&
	$XTUNNEL detach xt0 && ls /sys/fs/bpf")
check "detach removes the pin directories it made" bash -c "! grep -q xtunnel <<<'$left'"
tap_done
