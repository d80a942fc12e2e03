#!/bin/bash
# Two xtunnel processes change the same overlay at once: both succeed, or one fails
# cleanly; never a peer without its routes or routes without their peer.
. "$(dirname "$0")/../lib/netns.sh"

# Every route belongs to a peer that exists, and every peer has routes.
consistent() {
	in_ns "$NS_A" sh -c "$XTUNNEL show -j" | jq -e '.[0] |
		(.peers | map(.allowed_ips | length > 0) | all) and
		(.routes == ([.peers[].allowed_ips | length] | add // 0))' >/dev/null
}

# race FILE1 FILE2: two batches in two processes at once; prints both exit statuses.
race() {
	local p q rp rq
	in_ns "$NS_A" "$XTUNNEL" batch "$1" &
	p=$!
	in_ns "$NS_A" "$XTUNNEL" batch "$2" &
	q=$!
	wait "$p"; rp=$?
	wait "$q"; rq=$?
	echo "$rp$rq"
}

topo_pair && xt "$NS_A" attach ua address 10.10.0.1/24 >/dev/null 2>&1 ||
	{ not_ok "attach"; tap_done; }
for i in $(seq 1 60); do
	echo "peer add p$i endpoint 192.0.3.$i allowed-ips 10.31.$i.0/24" >>"$TMP/p.batch"
	echo "peer add q$i endpoint 192.0.4.$i allowed-ips 10.41.$i.0/24" >>"$TMP/q.batch"
done
st=$(race "$TMP/p.batch" "$TMP/q.batch")
check "two concurrent batches of 60 peer adds both succeed ($st)" [ "$st" = 00 ]
check "all 120 peers are there" [ "$(json_field "$NS_A" '.[0].peers | length')" = 120 ]
check "every peer has its routes and every route its peer" consistent

# The same peer added by many processes at once: exactly one wins.
for i in $(seq 8); do
	in_ns "$NS_A" "$XTUNNEL" peer add same endpoint 192.0.5.1 allowed-ips 10.55.0.0/16 \
		>/dev/null 2>"$TMP/err.$i" &
	pids+=("$!")
done
wins=0 clean=0
for i in $(seq 8); do
	wait "${pids[$((i - 1))]}"
	case $? in
	0) wins=$((wins + 1)) ;;
	2) grep -q "exists already" "$TMP/err.$i" && clean=$((clean + 1)) ;;
	esac
done
check "eight racing adds of one peer: one succeeds ($wins)" [ "$wins" = 1 ]
check "the seven others fail cleanly, saying why ($clean)" [ "$clean" = 7 ]
check "state is still consistent" consistent

# Racing deletes and adds of different peers.
for i in $(seq 1 30); do echo "peer del p$i"; done >"$TMP/del.batch"
for i in $(seq 61 90); do echo "peer add q$i endpoint 192.0.6.$i allowed-ips 10.66.$i.0/24"
done >"$TMP/add.batch"
st=$(race "$TMP/del.batch" "$TMP/add.batch")
check "concurrent deletes and adds both succeed ($st)" [ "$st" = 00 ]
check "121 - 30 + 30 peers remain" [ "$(json_field "$NS_A" '.[0].peers | length')" = 121 ]
check "state is still consistent" consistent
check "kernel routes match the route map" [ "$(ip -n "$NS_A" route show proto 0x78 |
	wc -l)" = "$(json_field "$NS_A" '.[0].routes')" ]
tap_done
