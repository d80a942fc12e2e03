# The fleet tests' world (tests/e2e/agent*.sh): hosts and etcd members as namespaces on one
# L2 segment (a bridge in namespace S), etcd started by the test itself (Debian's etcd, its
# data in $TMP, stopped by PID), agents started and stopped by PID. Source after netns.sh.
#   host i:   namespace ${TAG}hI, uplink uI 192.0.2.I, overlay xf0 10.100.I.1/24,
#             advertising 10.100.I.0/24
#   member i: namespace ${TAG}eI, 192.0.2.(100 + I), client port 2379, peer port 2380
NET=${NET:-fleet$$}
ETCD_TOKEN="xt$$"
declare -A ETCD_PID AGENT_PID

# On exit, the members first: SIGTERM, and SIGKILL for one still there after 3 s (a member
# whose peers are gone may wait for them on its way out, and would outlive its namespace's
# name); then netns.sh's cleanup.
fleet_cleanup() {
	local i pid left
	for pid in "${ETCD_PID[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for i in $(seq 30); do
		left=""
		for pid in "${ETCD_PID[@]}"; do
			kill -0 "$pid" 2>/dev/null && left="$left $pid"
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	for pid in $left; do
		kill -KILL "$pid" 2>/dev/null
	done
	cleanup
}
trap fleet_cleanup EXIT

fleet_switch() {
	ns_new "$NS_S" && ip -n "$NS_S" link add br0 type bridge && ip -n "$NS_S" link set br0 up
}

# fleet_port NS IF ADDR: NS on the segment through IF (the other end in S).
fleet_port() {
	local ns=$1 ifname=$2 addr=$3
	ns_new "$ns" && ip link add "$ifname" netns "$ns" type veth peer name "p$ifname" netns "$NS_S" &&
		ip -n "$NS_S" link set "p$ifname" master br0 up &&
		ip -n "$ns" addr add "$addr/24" dev "$ifname" && ip -n "$ns" link set "$ifname" up
}

fleet_host() {
	fleet_port "${TAG}h$1" "u$1" "192.0.2.$1"
}

# etcd_cluster N: the members' --initial-cluster, and the client URLs (comma-separated).
etcd_initial() {
	local i out=""
	for i in $(seq "$1"); do out+="${out:+,}e$i=http://192.0.2.$((100 + i)):2380"; done
	echo "$out"
}
etcd_urls() {
	local i out=""
	for i in $(seq "$1"); do out+="${out:+,}$(etcd_scheme)://192.0.2.$((100 + i)):2379"; done
	echo "$out"
}

# With ETCD_TLS set (a directory holding ca.pem, server.pem, server-key.pem, client.pem,
# client-key.pem), clients speak TLS and must show a certificate the CA signed.
ETCD_TLS=${ETCD_TLS:-}
etcd_scheme() { if [ -n "$ETCD_TLS" ]; then echo https; else echo http; fi; }
etcd_tls_flags() {
	[ -n "$ETCD_TLS" ] && echo "--cert-file $ETCD_TLS/server.pem" \
		"--key-file $ETCD_TLS/server-key.pem --trusted-ca-file $ETCD_TLS/ca.pem" \
		"--client-cert-auth"
}
ectl_tls_flags() {
	[ -n "$ETCD_TLS" ] && echo "--cacert $ETCD_TLS/ca.pem --cert $ETCD_TLS/client.pem" \
		"--key $ETCD_TLS/client-key.pem"
}

# etcd_start I N: member I of an N-member cluster, in its namespace (made the first time).
# Again after etcd_kill: the same member from its data.
etcd_start() {
	local i=$1 n=$2 ns="${TAG}e$1" ip="192.0.2.$((100 + $1))"
	[ -e "/run/netns/$ns" ] || fleet_port "$ns" "e$i" "$ip" || return 1
	# ip netns exec execs the command: $! is etcd's PID, not a subshell's.
	ip netns exec "$ns" etcd --name "e$i" --data-dir "$TMP/etcd$i" \
		--listen-client-urls "$(etcd_scheme)://$ip:2379" \
		--advertise-client-urls "$(etcd_scheme)://$ip:2379" $(etcd_tls_flags) \
		--listen-peer-urls "http://$ip:2380" --initial-advertise-peer-urls "http://$ip:2380" \
		--initial-cluster "$(etcd_initial "$n")" --initial-cluster-token "$ETCD_TOKEN" \
		--initial-cluster-state new --heartbeat-interval 50 --election-timeout 500 \
		>>"$TMP/etcd$i.log" 2>&1 &
	ETCD_PID[$i]=$!
	_started_pids+=("$!")
}

# etcd_kill I [SIGNAL]: stops member I by its PID and waits for it.
etcd_kill() {
	kill "-${2:-TERM}" "${ETCD_PID[$1]}" 2>/dev/null
	wait "${ETCD_PID[$1]}" 2>/dev/null
}

# ectl ARGS...: etcdctl against the cluster, from member 1's namespace.
ectl() {
	ETCDCTL_API=3 in_ns "${TAG}e1" etcdctl --endpoints "$ETCD_URLS" --dial-timeout 2s \
		--command-timeout 5s $(ectl_tls_flags) "$@"
}

# etcd_healthy: until every member answers (at most 15 s).
etcd_healthy() {
	local i
	for i in $(seq 150); do
		ectl endpoint health >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# agent_start I [ARGS...]: the agent of host I, its log in $TMP/agentI.log.
agent_start() {
	local i=$1
	shift
	ip netns exec "${TAG}h$i" "$XTUNNEL" agent --etcd "$ETCD_URLS" --network "$NET" --name "h$i" \
		--uplink "u$i" --dev xf0 --address "10.100.$i.1/24" --advertise "10.100.$i.0/24" \
		--ttl "${AGENT_TTL:-10}" --state-dir "$TMP/state$i" "$@" >>"$TMP/agent$i.log" 2>&1 &
	AGENT_PID[$i]=$!
	_started_pids+=("$!")
}

agent_stop() {
	kill "-${2:-TERM}" "${AGENT_PID[$1]}" 2>/dev/null
	wait "${AGENT_PID[$1]}" 2>/dev/null
}

# peers_of I: host I's peers, sorted names, one line.
peers_of() {
	xt "${TAG}h$1" show xf0 -j 2>/dev/null | jq -r '[.[0].peers[].name] | sort | join(" ")'
}

# wait_until SECONDS COMMAND...: until COMMAND succeeds, polled every 0.1 s (at most
# SECONDS; tenths allowed).
wait_until() {
	local i n
	n=$(awk -v s="$1" 'BEGIN { print int(s * 10) }')
	shift
	for i in $(seq "$n"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

peers_are() { [ "$(peers_of "$1")" = "$2" ]; }

# wait_peers I WANT [SECONDS]: until host I's peers are WANT (at most SECONDS, default 10).
wait_peers() {
	wait_until "${3:-10}" peers_are "$1" "$2"
}

# sim_put FIRST LAST: nodes sFIRST..sLAST written straight to etcd, 100 puts to a
# transaction (etcd takes 128 at most) through its JSON gateway. Node N: endpoint
# 198.18.N/250.(N%250+1), prefix 10.(64+N/256).(N%256).0/24.
sim_put() {
	local from=$1 to=$2 start
	for ((start = from; start <= to; start += 100)); do
		jq -nc --arg net "$NET" --argjson a "$start" --argjson b "$((start + 99 < to ? start + 99 : to))" '
			{success: [range($a; $b + 1) | {request_put: {
				key: ("/xtunnel/\($net)/nodes/s\(.)" | @base64),
				value: ({endpoint: "198.18.\(. / 250 | floor).\(. % 250 + 1)",
					prefixes: ["10.\(64 + (. / 256 | floor)).\(. % 256).0/24"]}
					| tojson | @base64)}}]}' |
			in_ns "${TAG}e1" curl -sf --max-time 10 -d @- \
				"http://192.0.2.101:2379/v3/kv/txn" >/dev/null || return 1
	done
}

# peer_count I: how many peers host I has.
peer_count() {
	xt "${TAG}h$1" show xf0 -j 2>/dev/null | jq '.[0].peers | length'
}

count_is() { [ "$(peer_count "$1")" = "$2" ]; }

# wait_count I N [SECONDS]: until host I has N peers (at most SECONDS, default 30).
wait_count() {
	wait_until "${3:-30}" count_is "$1" "$2"
}
