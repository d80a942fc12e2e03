#!/bin/bash
# xtunnel batch FILE: a word that starts with '#' comments out the rest of its line, on a
# line of its own or after a command; a FILE that cannot be read is a usage error (exit 2),
# as any other bad argument (issue 13, item 7).
. "$(dirname "$0")/../lib/netns.sh"

topo_pair && xt "$NS_A" attach ua address 10.10.0.1/24 2>/dev/null ||
	{ not_ok "one overlay"; tap_done; }

cat >"$TMP/commented.batch" <<'B'
# peers of the east site
peer add b endpoint 192.0.2.2 allowed-ips 10.10.0.2/32 # host b, the first
	# an indented comment
peer add c endpoint 192.0.2.3 allowed-ips 10.10.0.3/32	#tab, and no space after '#'
peer set b allowed-ips 10.10.0.2/32,10.20.0.0/16 #
B
out=$(xt "$NS_A" batch "$TMP/commented.batch" 2>&1)
check "a batch with comments after commands succeeds ($out)" [ $? = 0 ]
check "and ran every command, up to each comment" [ "$(xt "$NS_A" show -j |
	jq -c '[.[0].peers[] | [.name, .allowed_ips]]')" = \
	'[["b",["10.10.0.2/32","10.20.0.0/16"]],["c",["10.10.0.3/32"]]]' ]

printf 'peer del c\npeer del nosuch # a peer that does not exist\n' >"$TMP/fails.batch"
out=$(xt "$NS_A" batch "$TMP/fails.batch" 2>&1)
rc=$?
check "a failing line after a comment still fails, with its status ($rc)" [ "$rc" = 2 ]
check "and is named by its number" grep -qF "stopped at line 2 of $TMP/fails.batch" <<<"$out"

out=$(xt "$NS_A" batch "$TMP/nosuch.batch" 2>&1)
rc=$?
check "a missing FILE exits 2 ($rc)" [ "$rc" = 2 ]
check "and says why in one line" [ "$out" = \
	"xtunnel: batch: $TMP/nosuch.batch: No such file or directory" ]
out=$(xt "$NS_A" batch "$TMP" 2>&1)
rc=$?
check "a directory as FILE exits 2 ($rc)" [ "$rc" = 2 ]
check "and says so" [ "$out" = "xtunnel: batch: $TMP: Is a directory" ]
check "standard input still works" bash -c \
	"echo 'peer del b # last' | ip netns exec $NS_A $XTUNNEL batch - &&
	[ \"\$(ip netns exec $NS_A $XTUNNEL show -j | jq '.[0].peers | length')\" = 0 ]"
tap_done
