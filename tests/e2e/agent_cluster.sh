#!/bin/bash
# xtunnel agent on a three-member etcd cluster (started here), four hosts: while pings run
# every 50 ms over the overlay, one member is killed and, later, the whole cluster stopped
# and started again. Nothing is lost, no peer is removed and added again (peer ids stay,
# counters keep counting), and changes written meanwhile reach every host through the
# members that remain. Then a watch whose revision was compacted away while its agent was
# stopped: the agent lists again and converges, without touching unchanged peers.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/fleet.sh"
ETCD_URLS=$(etcd_urls 3)

fleet_switch && for i in 1 2 3 4; do fleet_host "$i" || break; done &&
	for m in 1 2 3; do etcd_start "$m" 3 || break; done && etcd_healthy ||
	{ not_ok "four hosts and a three-member etcd"; tap_done; }

# Each host starts with another member first, so that each member has watchers to lose.
rotated() {
	local m=$(($1 % 3)) i out=""
	for i in 0 1 2; do out+="${out:+,}http://192.0.2.$((101 + (m + i) % 3)):2379"; done
	echo "$out"
}
for i in 1 2 3 4; do agent_start "$i" --etcd "$(rotated "$i")"; done
# all_converged [EXTRA [SECONDS]]: every host has the other hosts and node EXTRA as peers.
all_converged() {
	local i j want
	for i in 1 2 3 4; do
		want=$(for j in h1 h2 h3 h4 ${1:-}; do [ "$j" = "h$i" ] || echo "$j"; done |
			sort | paste -sd' ')
		wait_peers "$i" "$want" "${2:-10}" || return 1
	done
}
check "four agents on three members: every host has the three others" all_converged
# peer_ids I: host I's peers as NAME=ID, the ids the maps gave them when they were added.
peer_ids() {
	xt "${TAG}h$1" show xf0 -j | jq -r '[.[0].peers[] | "\(.name)=\(.id)"] | join(" ")'
}
tx_of() {
	xt "${TAG}h1" show xf0 -j | jq "[.[0].peers[] | select(.name == \"$1\") | .tx_packets][0]"
}
# rx_of I PEER: the packets host I received from PEER.
rx_of() {
	xt "${TAG}h$1" show xf0 -j | jq "[.[0].peers[] | select(.name == \"$2\") | .rx_packets][0]"
}
for i in 1 2 3 4; do ids0[$i]=$(peer_ids "$i"); done
tx0=$(tx_of h2)

# Pings every 50 ms from h1 to each other host for as long as the outages take: rounds of
# 20 back to back until the outages are over (at most 60 rounds, 60 s), so that a slow
# machine lengthens the pings instead of ending them before the outages do.
ping_rounds() {
	local n=0
	while [ ! -e "$TMP/outages_over" ] && [ $n -lt 60 ]; do
		in_ns "${TAG}h1" ping -n -i 0.05 -c 20 -w 5 "10.100.$1.1" >>"$TMP/ping$1" 2>&1
		n=$((n + 1))
	done
}
for j in 2 3 4; do
	ping_rounds "$j" &
	ping_pid[$j]=$!
	_started_pids+=("$!")
done
sleep 1

# One member killed: the agents that watched it go on with the others.
etcd_kill 1 KILL
sleep 1
ectl put "/xtunnel/$NET/nodes/y1" '{"endpoint": "198.18.2.1", "prefixes": ["10.120.0.0/24"]}' \
	>/dev/null
check "a member killed: a new node reaches every host through the other two" all_converged y1
etcd_start 1 3
etcd_healthy
check "the member is back" bash -c "$(declare -f ectl in_ns); TAG=$TAG ETCD_URLS=$ETCD_URLS
	ectl endpoint health --endpoints http://192.0.2.101:2379 >/dev/null 2>&1"

# The whole cluster stopped, then started again from its data.
for m in 1 2 3; do etcd_kill "$m"; done
sleep 2
for m in 1 2 3; do etcd_start "$m" 3; done
check "the whole cluster stopped and started again" etcd_healthy
ectl del "/xtunnel/$NET/nodes/y1" >/dev/null
check "after the restart: a deleted node leaves every host" all_converged "" 15

touch "$TMP/outages_over"
for j in 2 3 4; do wait "${ping_pid[$j]}"; done
for j in 2 3 4; do
	rounds=$(grep -c 'packets transmitted' "$TMP/ping$j")
	clean=$(grep -c '^20 packets transmitted, 20 received, 0% packet loss' "$TMP/ping$j")
	diag "h1 -> h$j: $rounds rounds of 20 pings, $clean without loss"
	check "h1 -> h$j: pings every 50 ms through both outages ($rounds rounds), none lost" \
		[ "$rounds" -ge 2 -a "$rounds" -lt 60 -a "$clean" -eq "$rounds" ]
	sent[$j]=$((rounds * 20))
done
for i in 1 2 3 4; do
	check "h$i: no peer was removed and added again (ids unchanged: ${ids0[$i]})" \
		[ "$(peer_ids "$i")" = "${ids0[$i]}" ]
done
tx1=$(tx_of h2)
check "h1's counters of h2 kept counting ($tx0 -> $tx1 packets)" [ "$tx1" -ge $((tx0 + sent[2])) ]
check "no agent removed a host's peer" bash -c "! grep -h 'peer h[1-4] removed' $TMP/agent[1-4].log"
check "h3's agent, which watched the member killed first, said so and went on" \
	grep -q "etcd http://192.0.2.101:2379: watch stream ended" "$TMP/agent3.log"
check "every agent said it waits for etcd while the cluster was down" bash -c \
	'for f; do grep -q "watching again in .* ms from revision" "$f" || exit 1; done' _ \
	"$TMP"/agent[1-4].log

# Compaction forced during a watch: h4's agent stopped (SIGSTOP), the member it watches
# killed under it, changes written and the store compacted past them; the agent, resumed,
# finds its revision gone, lists again and converges.
kill -STOP "${AGENT_PID[4]}"
# The members h4's agent is connected to now (its watch among them).
m4=$(in_ns "${TAG}h4" ss -Htn state established "dport = :2379" |
	sed -n 's/.* 192\.0\.2\.10\([1-3]\):2379.*/\1/p' | sort -u)
diag "h4's agent is connected to member(s) $m4"
for m in $m4; do etcd_kill "$m" KILL; done
# The writes go to the members that live, each tried again for up to 15 s: etcdctl may
# spend its deadline on a dead endpoint, or meet the two left electing a leader, and a
# write that failed would look like the agent's fault.
live=""
for m in 1 2 3; do [[ " $m4 " == *" $m "* ]] || live="$live${live:+,}http://192.0.2.10$m:2379"; done
ectl_live() { ETCD_URLS=$live wait_until 15 ectl "$@" >/dev/null 2>&1; }
check "meanwhile, z1 written, z2 written and deleted (on $live)" bash -c "$(declare -f ectl ectl_tls_flags in_ns wait_until ectl_live)
	TAG=$TAG live=$live ETCD_TLS=$ETCD_TLS
	ectl_live put /xtunnel/$NET/nodes/z1 '{\"endpoint\": \"198.18.3.1\", \"prefixes\": [\"10.130.0.0/24\"]}' &&
	ectl_live put /xtunnel/$NET/nodes/z2 '{\"endpoint\": \"198.18.3.2\", \"prefixes\": [\"10.131.0.0/24\"]}' &&
	ectl_live del /xtunnel/$NET/nodes/z2"
rev=$(ETCD_URLS=$live ectl get "/xtunnel/$NET/nodes/z1" -w json | jq .header.revision)
ectl_live compact "$rev" --physical
check "the store compacted to revision $rev" [ -n "$rev" ]
ids4=$(peer_ids 4)
rx4=$(rx_of 4 h1)
kill -CONT "${AGENT_PID[4]}"
# Its member is gone: the agent finds another after its backoff (with jitter), which a
# busy machine stretches; 30 s, not 10.
check "after the compaction: h4 has the node written meanwhile, and not the deleted one" \
	wait_peers 4 "h1 h2 h3 z1" 30
check "h4's agent re-listed because its revision was compacted away" \
	grep -q "revision compacted" "$TMP/agent4.log"
check "h4's unchanged peers were left as they were (ids)" \
	[ "$(peer_ids 4 | sed 's/ z1=[0-9]*//')" = "$ids4" ]
# A peer removed and added again may get its id back; its counters start from 0.
check "... and kept their counters (h4's of h1: $rx4 packets received, at least ${sent[4]})" \
	test "$(rx_of 4 h1)" -ge "$rx4" -a "$rx4" -ge "${sent[4]}"
for m in $m4; do etcd_start "$m" 3; done

for i in 1 2 3 4; do agent_stop "$i"; done
tap_done
