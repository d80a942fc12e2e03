#!/bin/bash
# 1,000 nodes written straight to etcd (transactions of 100 puts) while two agents watch:
# both converge on every one of them, each a managed peer with its endpoint and prefix as
# the test wrote them; one changed node is applied; the nodes deleted at once (one
# deleterange) leave both hosts again, the hosts keeping each other, and still reach each
# other. The times are for the log only (make fleet-bench reports them).
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/fleet.sh"
ETCD_URLS=$(etcd_urls 1)
N=1000

fleet_switch && fleet_host 1 && fleet_host 2 && etcd_start 1 1 && etcd_healthy ||
	{ not_ok "two hosts and a one-member etcd"; tap_done; }
agent_start 1
agent_start 2
check "two agents: each has the other" bash -c "$(declare -f peers_of wait_peers wait_until peers_are xt)
	TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 1 h2 && wait_peers 2 h1"
ids0=$(xt "${TAG}h1" show xf0 -j | jq -c '.[0].peers[] | [.name, .id]')

t0=$(date +%s%N)
check "$N nodes written to etcd" sim_put 1 "$N"
t1=$(date +%s%N)
check "host 1 converged on the $N nodes and host 2" wait_count 1 $((N + 1))
t2=$(date +%s%N)
check "host 2 too" wait_count 2 $((N + 1))
diag "written in $(((t1 - t0) / 1000000)) ms; host 1 converged $(((t2 - t1) / 1000000)) ms after the last write (polled)"
# Each node as written, built here independently of what the agent did.
want=$(jq -nc --argjson n "$N" '[range(1; $n + 1) | {name: "s\(.)",
	endpoint: "198.18.\(. / 250 | floor).\(. % 250 + 1)",
	allowed_ips: ["10.\(64 + (. / 256 | floor)).\(. % 256).0/24"], flags: ["managed"]}] |
	sort_by(.name)')
for i in 1 2; do
	check "host $i: every simulated node is a managed peer with its endpoint and prefix" \
		[ "$(xt "${TAG}h$i" show xf0 -j | jq -c '[.[0].peers[] | select(.name | startswith("s")) |
		{name, endpoint, allowed_ips, flags}] | sort_by(.name)')" = "$want" ]
done
check "h1 -> h2 with $N more peers: TCP byte for byte" tcp_transfer "${TAG}h1" "${TAG}h2" \
	10.100.2.1 1

ectl put "/xtunnel/$NET/nodes/s500" '{"endpoint": "198.18.9.9", "prefixes": ["10.99.0.0/24"]}' \
	>/dev/null
check "one changed node is applied on both hosts" bash -c "for i in \$(seq 50); do
	[ \"\$(ip netns exec ${TAG}h1 $XTUNNEL show xf0 -j | jq -c '.[0].peers[] |
	select(.name == \"s500\") | [.endpoint, .allowed_ips]')\" = '[\"198.18.9.9\",[\"10.99.0.0/24\"]]' ] &&
	[ \"\$(ip netns exec ${TAG}h2 $XTUNNEL show xf0 -j | jq -c '.[0].peers[] |
	select(.name == \"s500\") | .endpoint')\" = '\"198.18.9.9\"' ] && exit 0; sleep 0.1; done; exit 1"

ectl del --prefix "/xtunnel/$NET/nodes/s" >/dev/null
check "the $N nodes deleted: host 1 has host 2 alone again" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 1 h2 30"
check "host 2 has host 1 alone again" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 2 h1 30"
check "the hosts' peers were never removed and added again (ids)" \
	[ "$(xt "${TAG}h1" show xf0 -j | jq -c '.[0].peers[] | [.name, .id]')" = "$ids0" ]
check "h2 -> h1 after: TCP byte for byte" tcp_transfer "${TAG}h2" "${TAG}h1" 10.100.1.1 1
check "no route of a simulated node is left on host 1" bash -c \
	"! ip -n ${TAG}h1 route show dev xf0 | grep -q '^10\\.6[4-7]\\.'"
for i in 1 2; do agent_stop "$i"; done
tap_done
