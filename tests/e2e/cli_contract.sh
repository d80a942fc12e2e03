#!/bin/bash
# The command line's contract where a script relies on it (docs/xtunnel.8): a word the
# command does not take is a usage error (exit 2, naming the word) and changes nothing,
# however harmless it looks; and `batch` skips blank and comment lines, stops at the first
# failing line, names it, exits with its status, and leaves the lines before it applied.
. "$(dirname "$0")/../lib/netns.sh"

# usage_error WORD -- ARGS...: xtunnel ARGS in host A exits 2 and names WORD.
usage_error() {
	local word=$1 out rc
	shift 2
	out=$(xt "$NS_A" "$@" 2>&1)
	rc=$?
	[ "$rc" = 2 ] && grep -q "^xtunnel: .*$word" <<<"$out" || {
		diag "xtunnel $*: exit $rc, said: $out"
		return 1
	}
}

peers() {
	json_field "$NS_A" '[.[0].peers[].name] | sort | join(",")'
}

topo_pair && xt "$NS_A" attach ua address 10.10.0.1/24 2>/dev/null &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 ||
	{ not_ok "a host with an overlay and a peer"; tap_done; }

check "an unknown option is a usage error" usage_error "unknown option '--frob'" -- --frob show
check "detach with a second name is a usage error" usage_error "unexpected 'xt9'" -- \
	detach xt0 xt9
check "and detached nothing" [ "$(json_field "$NS_A" '.[0].dev')" = xt0 ]
check "reload with a second name is a usage error" usage_error "unexpected 'xt9'" -- \
	reload xt0 xt9
check "peer del takes no 'move'" usage_error "'move'" -- peer del b move
check "and deleted nothing" [ "$(peers)" = b ]

# verb_help ARGS -- USAGE: xtunnel ARGS exits 0 and prints that verb's usage, which starts
# with USAGE (the man page's synopsis of the verb).
verb_help() {
	local out rc
	out=$(xt "$NS_A" "${@:1:$(($# - 2))}" 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [[ "$(head -1 <<<"$out")" == "Usage: xtunnel ${!#}"* ]] || {
		diag "xtunnel ${*:1:$(($# - 2))}: exit $rc, said: $out"
		return 1
	}
}
check "peer add -h: peer add's usage" verb_help peer add -h -- \
	"peer add NAME endpoint ENDPOINT [allowed-ips CIDR[,CIDR...]]"
check "fdb add --help: fdb add's usage" verb_help fdb add --help -- \
	"fdb add MAC peer NAME [dev NAME]"
check "neigh del help: neigh del's usage" verb_help neigh del help -- \
	"neigh del IP [dev NAME]"
check "and a peer named help is still a name: peer del help dev xt0 is no usage" \
	usage_error "peer del: no peer named help" -- peer del help dev xt0

cat >"$TMP/ok.batch" <<'EOF'
# a comment, then a blank line

	# an indented comment
peer add c endpoint 192.0.2.3 allowed-ips 10.10.0.3/32
EOF
check "batch skips blank and comment lines" xt "$NS_A" batch "$TMP/ok.batch"
check "and runs the others" [ "$(peers)" = b,c ]

cat >"$TMP/stop.batch" <<'EOF'
peer add d endpoint 192.0.2.4 allowed-ips 10.10.0.4/32
peer del nosuch
peer add e endpoint 192.0.2.5 allowed-ips 10.10.0.5/32
EOF
out=$(xt "$NS_A" batch "$TMP/stop.batch" 2>&1)
rc=$?
check "batch exits with the failing line's status (2: no such peer)" [ "$rc" = 2 ]
check "and names the line" grep -q "stopped at line 2 of" <<<"$out"
check "the line before it stays applied, the line after it never runs" [ "$(peers)" = b,c,d ]
echo "batch $TMP/ok.batch" >"$TMP/nest.batch"
check "batch does not nest" usage_error "batch cannot nest" -- batch "$TMP/nest.batch"
tap_done
