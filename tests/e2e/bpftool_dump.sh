#!/bin/bash
# Maps are pinned and carry BTF: `bpftool map dump pinned` shows names, endpoints and
# prefixes readably. The pins live in the bpffs the command sees, so attach and dump run
# in one `ip netns exec` (each gives its command a private /sys; see DESIGN.md).
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
left=$(in_ns "$NS_A" sh -c "$XTUNNEL attach ua address 10.10.0.1/24 2>/dev/null &&
	$XTUNNEL detach xt0 && ls /sys/fs/bpf")
check "detach removes the pin directories it made" bash -c "! grep -q xtunnel <<<'$left'"
tap_done
