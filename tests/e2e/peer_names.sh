#!/bin/bash
# Peer names: letters, digits, '.', '_' and '-', 1 to 31 characters (xt_peer.name holds 32
# bytes with the terminating zero). Anything else is refused as a bad request (exit 2, a
# message naming the rule) before anything changes: a name is printed by show, stored in a
# map bpftool dumps, and read back by scripts, so it may hold no space, separator, control
# character or byte outside ASCII, and is never cut short.
. "$(dirname "$0")/../lib/netns.sh"

# refused NAME PATTERN: peer add NAME fails with exit 2, saying PATTERN, and adds nothing.
refused() {
	local out rc before
	before=$(json_field "$NS_A" '[.[0].peers[].name] | join(",")')
	out=$(xt "$NS_A" peer add "$1" endpoint 192.0.2.9 allowed-ips 10.30.0.0/24 2>&1)
	rc=$?
	[ "$rc" = 2 ] && grep -q -- "$2" <<<"$out" &&
		[ "$(json_field "$NS_A" '[.[0].peers[].name] | join(",")')" = "$before" ] || {
		diag "peer add '$1': exit $rc, said: $out"
		return 1
	}
}

# taken NAME: peer add NAME works, and show prints the name as given.
taken() {
	xt "$NS_A" peer add "$1" endpoint 192.0.2.9 allowed-ips 10.30.0.0/24 &&
		[ "$(json_field "$NS_A" '.[0].peers[].name')" = "$1" ] &&
		xt "$NS_A" peer del "$1"
}

topo_pair && xt "$NS_A" attach ua address 10.10.0.1/24 2>/dev/null ||
	{ not_ok "a host with an overlay"; tap_done; }

rule="use letters, digits"
check "a name with a space is refused" refused "a b" "$rule"
check "a name with a slash is refused" refused "a/b" "$rule"
check "a name with a semicolon is refused" refused "a;b" "$rule"
check "a name with a tab is refused" refused $'a\tb' "$rule"
check "a name with a newline is refused" refused $'a\nb' "$rule"
check "a name outside ASCII is refused" refused "pêche" "$rule"
check "an empty name is refused" refused "" "needs a name"
name31=$(printf 'n%.0s' $(seq 31))
check "a name of 32 characters is refused, not cut" refused "${name31}x" "longer than 31"
check "a name of 31 characters is taken whole" taken "$name31"
check "letters, digits, '.', '_' and '-' are taken" taken "Site-2.rack_9"
tap_done
