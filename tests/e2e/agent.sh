#!/bin/bash
# xtunnel agent on a real etcd (one member, started here): hosts find each other through
# their node keys, and reach each other over the overlay (TCP, byte for byte); the
# network's config key sets the encapsulation; show marks the agent's peers managed; a
# late joiner is reached by all; a cleanly stopped agent's node goes at once, a killed
# one's when its lease expires; a name held by a live lease is refused; a prefix that
# overlaps an earlier node's is left out of the later node only; malformed keys are
# skipped, unknown fields ignored; --once reconciles and exits without a key of its own; a
# killed agent started again takes up its live lease; one whose lease was lost registers
# again; with etcd down, a restarted agent programs the peers of its snapshot.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/fleet.sh"
AGENT_TTL=5
ETCD_URLS=$(etcd_urls 1)

fleet_switch && for i in 1 2 3 4; do fleet_host "$i" || break; done &&
	etcd_start 1 1 && etcd_healthy || { not_ok "hosts and a one-member etcd"; tap_done; }
ectl put "/xtunnel/$NET/config" '{"encap": "vxlan", "vni": 77, "port": 4790}' >/dev/null

for i in 1 2 3; do agent_start "$i"; done
check "three agents: each host has the two others as peers" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 1 'h2 h3' &&
	wait_peers 2 'h1 h3' && wait_peers 3 'h1 h2'"
check "the config key set the overlay's vni and port" [ "$(xt "${TAG}h1" show xf0 -j |
	jq -c '.[0] | [.encap, .vni, .port]')" = '["vxlan",77,4790]' ]
check "every peer the agent made is marked managed, with its node's prefix" [ "$(xt "${TAG}h1" \
	show xf0 -j | jq -c '[.[0].peers[] | [.name, .endpoint, .flags, .allowed_ips]]')" = \
	'[["h2","192.0.2.2",["managed"],["10.100.2.0/24"]],["h3","192.0.2.3",["managed"],["10.100.3.0/24"]]]' ]
for p in "1 2" "2 3" "3 1" "2 1" "3 2" "1 3"; do
	set -- $p
	check "h$1 -> h$2 over the overlay: TCP byte for byte" \
		tcp_transfer "${TAG}h$1" "${TAG}h$2" "10.100.$2.1" 1
done

# A late joiner, reached by everyone.
agent_start 4
check "a late joiner: every host has it as a peer" bash -c "$(declare -f peers_of wait_peers wait_until peers_are xt)
	TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 1 'h2 h3 h4' && wait_peers 2 'h1 h3 h4' &&
	wait_peers 3 'h1 h2 h4' && wait_peers 4 'h1 h2 h3'"
for i in 1 2 3; do
	check "h$i -> the late joiner h4: TCP byte for byte" tcp_transfer "${TAG}h$i" "${TAG}h4" \
		10.100.4.1 1
done

# A clean stop revokes the lease: gone everywhere well before its TTL.
agent_stop 4
check "a cleanly stopped agent's node is gone from all within 1.5 s (ttl $AGENT_TTL s)" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 1 'h2 h3' 1.5 &&
	wait_peers 2 'h1 h3' 1 && wait_peers 3 'h1 h2' 1"
check "its key is gone from etcd" [ -z "$(ectl get "/xtunnel/$NET/nodes/h4" --print-value-only)" ]
check "the stopped host keeps its overlay and peers (the data path needs no agent)" \
	[ "$(peers_of 4)" = "h1 h2 h3" ]

# A killed agent cannot revoke: its node goes when the lease expires, not before.
agent_stop 3 KILL
sleep 1.5
check "a killed agent's node stays while its lease lives" [ "$(peers_of 1)" = "h2 h3" ]
check "... and is gone from all when the lease expires" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL
	wait_peers 1 h2 $((AGENT_TTL + 3)) && wait_peers 2 h1 2"
check "the others still reach each other" tcp_transfer "${TAG}h1" "${TAG}h2" 10.100.2.1 1

# A name another node's live lease holds: refused, nothing touched.
out=$(timeout 10 ip netns exec "${TAG}h4" "$XTUNNEL" agent --etcd "$ETCD_URLS" --network "$NET" \
	--name h1 --uplink u4 --dev xf0 --address 10.100.4.1/24 --advertise 10.100.4.0/24 \
	--state-dir "$TMP/state4b" 2>&1)
rc=$?
diag "$(tail -1 <<<"$out")"
check "a second agent named h1 exits 2, naming the key that holds the name" bash -c \
	"[ $rc = 2 ] && grep -q '^xtunnel: agent: name h1 is taken: /xtunnel/$NET/nodes/h1 exists' <<<\"\$1\"" \
	_ "$out"
check "h1's key is still h1's" [ "$(ectl get "/xtunnel/$NET/nodes/h1" --print-value-only |
	jq -c .prefixes)" = '["10.100.1.0/24"]' ]

# Overlapping prefixes: the first writer keeps them; the later node keeps its others.
agent_start 4 --advertise 10.100.4.0/24,10.100.1.128/25
check "a node whose prefix overlaps h1's joins with its other prefix only" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 2 'h1 h4'"
check "on h2: h4 has 10.100.4.0/24 alone, h1 keeps 10.100.1.0/24" [ "$(xt "${TAG}h2" show xf0 -j |
	jq -c '[.[0].peers[] | [.name, .allowed_ips]]')" = \
	'[["h1",["10.100.1.0/24"]],["h4",["10.100.4.0/24"]]]' ]
# h2 may see h4's key before h4's own agent has reconciled and said so: wait for the line.
check "h4's agent logs the clash, naming h1's key" wait_until 10 grep -q \
	"node /xtunnel/$NET/nodes/h4: prefix 10.100.1.128/25 left out: it clashes with node /xtunnel/$NET/nodes/h1" \
	"$TMP/agent4.log"
check "h2 -> h4 still: TCP byte for byte" tcp_transfer "${TAG}h2" "${TAG}h4" 10.100.4.1 1

# Malformed keys are logged and skipped; unknown fields are ignored.
ectl put "/xtunnel/$NET/nodes/bad1" 'not json' >/dev/null
ectl put "/xtunnel/$NET/nodes/bad2" '{"endpoint": "192.0.2.300"}' >/dev/null
ectl put "/xtunnel/$NET/nodes/bad3" '{"endpoint": "198.18.0.3", "prefixes": ["10.1.0.1/8"]}' \
	>/dev/null
ectl put "/xtunnel/$NET/nodes/bad..name!" '{"endpoint": "198.18.0.4"}' >/dev/null
ectl put "/xtunnel/$NET/nodes/x5" \
	'{"endpoint": "198.18.0.5", "prefixes": ["10.105.0.0/16"], "colour": "blue"}' >/dev/null
check "malformed keys skipped, the one with an unknown field taken" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 1 'h2 h4 x5'"
for k in bad1 bad2 bad3; do
	check "the agent logs $k as malformed" grep -q "node /xtunnel/$NET/nodes/$k skipped: malformed" \
		"$TMP/agent1.log"
done
check "the agents keep running" kill -0 "${AGENT_PID[1]}" "${AGENT_PID[2]}" "${AGENT_PID[4]}"

# --once: a network of its own, its nodes written by hand; the agent reconciles and exits.
NET2=once$$
ectl put "/xtunnel/$NET2/nodes/o1" '{"endpoint": "198.18.1.1", "prefixes": ["10.61.0.0/24"]}' \
	>/dev/null
ectl put "/xtunnel/$NET2/nodes/o2" '{"endpoint": "198.18.1.2", "port": 4999}' >/dev/null
timeout 20 ip netns exec "${TAG}h3" "$XTUNNEL" agent --etcd "$ETCD_URLS" --network "$NET2" \
	--name o3 --uplink u3 --dev xo0 --address 10.62.0.1/24 --advertise 10.62.0.0/24 \
	--state-dir "$TMP/state-once" --once >"$TMP/once.log" 2>&1
check "--once exits 0" [ $? = 0 ]
check "--once made the overlay with the two nodes as peers" [ "$(xt "${TAG}h3" show xo0 -j |
	jq -c '[.[0].peers[] | [.name, .port, .allowed_ips]]')" = \
	'[["o1",4789,["10.61.0.0/24"]],["o2",4999,[]]]' ]
check "--once wrote no key of its own" [ -z "$(ectl get "/xtunnel/$NET2/nodes/o3")" ]

# A killed agent started again while its lease lives takes that lease up (its snapshot
# keeps it): the name is its own, and its node never left the others.
ids_of() { xt "${TAG}h$1" show xf0 -j | jq -c '[.[0].peers[] | [.name, .id]]'; }
ids1=$(ids_of 1)
agent_stop 2 KILL
agent_start 2
check "h2 restarted after a kill takes up the lease of its previous run" bash -c \
	"for i in \$(seq 50); do grep -q 'of the previous run lives: taken up' $TMP/agent2.log &&
	grep -q 'registered /xtunnel/$NET/nodes/h2' <(tail -n +2 $TMP/agent2.log | sed -n '/taken up/,\$p') &&
	exit 0; sleep 0.1; done; exit 1"
sleep 1
check "... and h2 never left h1 (peer ids unchanged)" [ "$(ids_of 1)" = "$ids1" ]

# Its lease lost (the agent stopped longer than the TTL): it registers again.
kill -STOP "${AGENT_PID[2]}"
check "h2's agent stopped: its lease expires and h1 removes it" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL
	wait_peers 1 'h4 x5' $((AGENT_TTL + 4))"
kill -CONT "${AGENT_PID[2]}"
check "h2's agent resumed: registers again under a new lease, and h1 has it back" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 1 'h2 h4 x5'"
check "h2's agent said why" grep -q "is gone (expired while etcd was out of reach?): registering again" \
	"$TMP/agent2.log"

# The snapshot: h1's agent killed, its overlay removed, etcd stopped (so no lease expires
# and the others keep h1); started again, the agent makes the overlay with the last known
# peers before etcd answers, and takes up its lease when etcd is back.
ids2=$(ids_of 2)
agent_stop 1 KILL
xt "${TAG}h1" detach xf0
etcd_kill 1
agent_start 1
check "with etcd down, a restarted agent programs the last known peers from its snapshot" \
	bash -c "$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 1 'h2 h4 x5'"
check "... and says it retries etcd" bash -c "sleep 1; grep -q 'no endpoint answers.*retrying in' $TMP/agent1.log"
check "h1 -> h2 through the snapshot's peers: TCP byte for byte" tcp_transfer "${TAG}h1" \
	"${TAG}h2" 10.100.2.1 1
etcd_start 1 1
etcd_healthy
check "etcd back: h1 takes up its lease, its node never left h2 (peer ids)" bash -c \
	"for i in \$(seq 100); do grep -q 'registered /xtunnel/$NET/nodes/h1' <(sed -n '/taken up/,\$p' \
	$TMP/agent1.log) && exit 0; sleep 0.1; done; exit 1"
check "... and its node never left h2 (peer ids)" [ "$(ids_of 2)" = "$ids2" ]

for i in 1 2 4; do agent_stop "$i"; done
tap_done
