#!/bin/bash
# The man pages cover what exists (issue 14): every command `xtunnel help` lists has its
# SYNOPSIS line and its COMMANDS subsection in xtunnel(8); every key of config/keys.c is
# described in its own section of xtunnel.conf(5); every key `show -j` prints, of an overlay
# and of a peer, is a term of JSON OUTPUT. Both pages render without a warning. The names
# come from the binary and the source, never from the pages.
. "$(dirname "$0")/../lib/netns.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MAN8=$ROOT/docs/xtunnel.8
MAN5=$ROOT/docs/xtunnel.conf.5

for page in "$MAN8" "$MAN5"; do
	out=$(groff -man -ww -z "$page" 2>&1)
	check "${page##*/} renders without a warning ($out)" [ -z "$out" ]
done

# ---- commands ----
commands=$("$XTUNNEL" help | awk '/^Commands:/ { on = 1; next } on && !NF { exit } on { print $1 }')
check "xtunnel help lists commands (${commands//$'\n'/ })" [ -n "$commands" ]
for c in $commands; do
	check "xtunnel(8) has $c in SYNOPSIS" grep -q "^\.SY \"xtunnel ${c}[ \"]" "$MAN8"
	check "xtunnel(8) has a subsection for $c" grep -qE "^\.SS $c( |\$)" "$MAN8"
done

# ---- config keys, each in its own section ----
# keys_of ARRAY: the key names of one array of config/keys.c, in order.
keys_of() {
	awk -v a="$1" '$0 ~ a "\\[\\] = \\{" { on = 1; next } on && /^};/ { on = 0 }
		on && match($0, /\{ "[A-Za-z]+"/) { print substr($0, RSTART + 3, RLENGTH - 4) }' \
		"$ROOT/config/keys.c"
}
# section_of HEADER: the lines of xtunnel.conf(5) from .SH HEADER to the next .SH.
section_of() {
	awk -v h=".SH \"$1\"" '$0 == h { on = 1; next } on && /^\.SH / { on = 0 } on' "$MAN5"
}
for pair in "overlay_keys:[Overlay] SECTION" "peer_keys:[Peer] SECTION"; do
	keys=$(keys_of "${pair%%:*}")
	check "config/keys.c has ${pair%%:*} (${keys//$'\n'/ })" [ -n "$keys" ]
	text=$(section_of "${pair#*:}")
	for k in $keys; do
		# A term of the section: ".TP", then the key's line, ".BI "Key = " VALUE".
		check "xtunnel.conf(5) describes $k in ${pair#*:}" \
			grep -qE "^\.B[IR]? \"$k = " <<<"$text"
	done
done

# ---- JSON keys of show ----
topo_pair && xt "$NS_A" attach ua address 10.10.0.1/24 &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 ||
	{ not_ok "an overlay with a peer"; tap_done; }
# The terms (.TP tags) of JSON OUTPUT, one word a line.
terms=$(awk '/^\.SH JSON OUTPUT/ { on = 1; next } on && /^\.SH / { on = 0 }
	on && tp { print; tp = 0 } on && /^\.TP/ { tp = 1 }' "$MAN8" |
	grep -oE '[a-z_0-9]+' | sort -u)
for k in $(json_field "$NS_A" '.[0] | keys[]') $(json_field "$NS_A" '.[0].peers[0] | keys[]'); do
	check "xtunnel(8) JSON OUTPUT names show -j's key $k" grep -qx "$k" <<<"$terms"
done
# An L2 overlay's keys too, those an L3 overlay has not.
xt "$NS_A" detach xt0 && xt "$NS_A" attach ua mode l2 &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" || { not_ok "an L2 overlay with a peer"; tap_done; }
for k in $(json_field "$NS_A" '.[0] | keys[]') $(json_field "$NS_A" '.[0].peers[0] | keys[]'); do
	check "xtunnel(8) JSON OUTPUT names the L2 overlay's key $k" grep -qx "$k" <<<"$terms"
done
tap_done
