#!/bin/bash
# Without the capabilities it needs, every command says so and exits 1, before it reads or
# changes anything: as an unprivileged user, and as root with capabilities dropped. Help,
# the version and usage errors need none (issue 13, item 1). Before, `show` printed
# nothing and exited 0, and `peer del` said "no overlay here", as if there were none.
. "$(dirname "$0")/../lib/netns.sh"

topo_pair &&
	xt "$NS_A" attach ua address 10.10.0.1/24 2>/dev/null &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 ||
	{ not_ok "an overlay with a peer"; tap_done; }
state() { xt "$NS_A" show -j | jq -c '[.[] | {dev, peers: [.peers[] | {name, allowed_ips}]}]'; }
before=$(state)

NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

# refused WHO STATUS LACKS NAME -- ARGS...: xtunnel ARGS in host A, run through WHO (a
# command prefix), exits STATUS, says on stderr, in one line, that it needs root and
# lacks LACKS, and prints nothing on stdout.
refused() {
	local who=$1 status=$2 lacks=$3 name=$4 out err rc
	shift 5
	out=$(in_ns "$NS_A" $who "$XTUNNEL" "$@" 2>"$TMP/err")
	rc=$?
	err=$(cat "$TMP/err")
	if [ "$rc" = "$status" ] && [ -z "$out" ] && [ "$(wc -l <<<"$err")" = 1 ] &&
		grep -q "^xtunnel: .*: needs root: this process lacks $lacks\$" <<<"$err"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, stdout '$out', stderr '$err')"
	fi
}

ALL="CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN"
refused "$NOBODY" 1 CAP_SYS_ADMIN "nobody: show" -- show
refused "$NOBODY" 1 CAP_SYS_ADMIN "nobody: show -j prints no [] but an error" -- show -j
refused "$NOBODY" 1 CAP_SYS_ADMIN "nobody: show NAME" -- show dev xt0
refused "$NOBODY" 1 CAP_SYS_ADMIN "nobody: no command (show)" --
refused "$NOBODY" 1 "$ALL" "nobody: attach" -- attach ua dev xt1 vni 2
refused "$NOBODY" 1 "$ALL" "nobody: peer add" -- peer add c endpoint 192.0.2.3 \
	allowed-ips 10.10.0.3/32
refused "$NOBODY" 1 "$ALL" "nobody: peer set" -- peer set b allowed-ips 10.10.0.9/32
refused "$NOBODY" 1 "$ALL" "nobody: peer del" -- peer del b
refused "$NOBODY" 1 "$ALL" "nobody: reload" -- reload
refused "$NOBODY" 1 "$ALL" "nobody: detach" -- detach xt0
refused "$NOBODY" 1 CAP_SYS_ADMIN "nobody: fdb show" -- fdb show
refused "$NOBODY" 1 "$ALL" "nobody: fdb add" -- fdb add 02:00:00:00:00:01 peer b
refused "$NOBODY" 1 "$ALL" "nobody: fdb del" -- fdb del 02:00:00:00:00:01
refused "$NOBODY" 1 CAP_SYS_ADMIN "nobody: neigh show" -- neigh show
refused "$NOBODY" 1 "$ALL" "nobody: neigh add" -- neigh add 10.10.0.3 02:00:00:00:00:01
refused "$NOBODY" 1 "$ALL" "nobody: neigh del" -- neigh del 10.10.0.3
refused "$NOBODY" 1 CAP_SYS_ADMIN "nobody: stats" -- stats -j --count 1
refused "$NOBODY" 1 CAP_SYS_ADMIN "nobody: stats --prometheus" -- stats --prometheus
# (With a timeout: a server that did not check first would serve, and never end.)
refused "timeout 10 $NOBODY" 1 CAP_SYS_ADMIN "nobody: metrics, before it listens" -- metrics \
	--listen 127.0.0.1:9587
out=$(echo "peer del b" | in_ns "$NS_A" $NOBODY "$XTUNNEL" batch - 2>&1)
rc=$?
check "nobody: batch exits 1 and says it needs root ($rc: $out)" bash -c \
	"[ $rc = 1 ] && grep -q '^xtunnel: batch: needs root: this process lacks $ALL\$' <<<'$out'"

# Root without one capability (dropped from the bounding set, so root's exec does not get
# it): what the kernel would refuse, said first.
refused "setpriv --bounding-set=-sys_admin" 1 CAP_SYS_ADMIN \
	"root without CAP_SYS_ADMIN: show (the kernel would hide every program)" -- show
refused "setpriv --bounding-set=-sys_admin" 1 CAP_SYS_ADMIN \
	"root without CAP_SYS_ADMIN: peer del (it said 'no overlay here', exit 2)" -- peer del b
refused "setpriv --bounding-set=-net_admin" 1 CAP_NET_ADMIN \
	"root without CAP_NET_ADMIN: peer add" -- peer add c endpoint 192.0.2.3 \
	allowed-ips 10.10.0.3/32
refused "setpriv --bounding-set=-net_admin" 1 CAP_NET_ADMIN \
	"root without CAP_NET_ADMIN: reload" -- reload
refused "setpriv --bounding-set=-net_admin,-sys_admin,-bpf" 1 "$ALL" \
	"root without the three: detach" -- detach xt0
check "nothing of it changed anything" [ "$(state)" = "$before" ]
check "root without CAP_NET_ADMIN: show reads (it changes nothing)" bash -c \
	"ip netns exec $NS_A setpriv --bounding-set=-net_admin $XTUNNEL show | grep -q '^peer: b'"
# The kernel takes CAP_SYS_ADMIN for CAP_BPF (bpf_capable(), 5.8).
check "root without CAP_BPF: peer add and del work" in_ns "$NS_A" setpriv --bounding-set=-bpf \
	sh -c "$XTUNNEL peer add c endpoint 192.0.2.3 allowed-ips 10.10.0.3/32 &&
	$XTUNNEL peer del c"
check "and did their work" [ "$(state)" = "$before" ]

# No privileges needed to be told how to use the command.
check "nobody: help" bash -c "$NOBODY $XTUNNEL help | grep -q '^Usage: xtunnel'"
check "nobody: --version" bash -c "$NOBODY $XTUNNEL --version | grep -q '^xtunnel [0-9]'"
check "nobody: show help" bash -c "$NOBODY $XTUNNEL show help | grep -q '^Usage: xtunnel'"
for args in "attach" "attach ua vni x" "peer add b" "detach" "reload xt0 xt1" "frobnicate"; do
	out=$(in_ns "$NS_A" $NOBODY "$XTUNNEL" $args 2>&1)
	rc=$?
	# The output as an argument: usage texts hold quotes ("an L3 overlay's peers").
	check "nobody: '$args' is a usage error (exit 2), not a privilege one ($rc)" \
		bash -c '[ "$1" = 2 ] && ! grep -q "needs root" <<<"$2"' _ "$rc" "$out"
done
tap_done
