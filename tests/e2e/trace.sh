#!/bin/bash
# xtunnel trace (issue 14): the events real packets cause, read from the ring buffer and
# checked field by field against the frames scapy built (tests/lib/send_vxlan.py): a
# spoofed inner source from peer b, a stranger's packet, a good packet (with `all`), and
# what A sends to b; on both receive paths. Then the state trace leaves: off after Ctrl-C,
# off within the lease after SIGKILL (the programs turn it off themselves), one tracer at
# a time, drops only without `all`, and one peer with `peer`.
. "$(dirname "$0")/../lib/netns.sh"
PY=/usr/bin/python3 # Debian's interpreter, where python3-scapy is (see DESIGN.md)
SEND="$(dirname "$0")/../lib/send_vxlan.py"
STRANGER=192.0.2.9

# send COUNT KIND OUTER_SRC INNER_SRC: VXLAN frames from host B to A's uplink.
send() {
	in_ns "$NS_B" "$PY" "$SEND" ub "$mac_ua" "$3" "$UNDER_A" 1 "$4" 10.10.0.1 "$1" "$2" 2>&1 |
		grep -v WARNING
}

# tracer OUT ARGS...: xtunnel trace -j in A, in the background; its PID in $tracer.
tracer() {
	local out=$1 i
	shift
	# Not through xt: a function in the background is a subshell, and $! would be its PID,
	# not the one ip netns exec gives xtunnel by exec.
	ip netns exec "$NS_A" "$XTUNNEL" trace -j "$@" >"$out" 2>"$out.err" &
	tracer=$!
	_started_pids+=("$tracer")
	for i in $(seq 50); do # until show names it (at most 5 s)
		[ "$(json_field "$NS_A" '.[0].trace_pid')" = "$tracer" ] && return 0
		sleep 0.1
	done
	return 1
}

# The raw switch the programs read: xt_trace's `on`, found through xt0's encap program.
trace_on() {
	local prog map
	prog=$(in_ns "$NS_A" tc -j filter show dev xt0 egress | jq -r '.[].options.prog.id // empty')
	for map in $(bpftool -j prog show id "$prog" | jq -r '.map_ids[]'); do
		[ "$(bpftool -j map show id "$map" | jq -r .name)" = xt_trace ] || continue
		bpftool -j map lookup id "$map" key 0 0 0 0 | jq -r .formatted.value.on
		return
	done
	echo "no xt_trace"
}

# events FILE JQ_FILTER: how many events match.
events() {
	jq -s "[.[] | select($2)] | length" "$1"
}

topo_pair tx-off || { not_ok "build two hosts"; tap_done; }
check "attach B" xt "$NS_B" attach ub address 10.10.0.2/24
check "B: peer a" xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32
mac_ua=$(ip -n "$NS_A" -j link show ua | jq -r '.[0].address')

for rx in tc xdp; do
	prog=xt_decap_$rx
	check "$rx: attach A" xt "$NS_A" attach ua address 10.10.0.1/24 rx "$rx"
	check "$rx: A: peer b" xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32
	check "$rx: the trace is off before anyone traces" [ "$(trace_on)" = 0 ]
	check "$rx: trace all runs, and show names it" tracer "$TMP/all.json" all --duration 20
	check "$rx: it has turned the programs' switch on" [ "$(trace_on)" = 1 ]
	send 3 good "$UNDER_B" 10.10.0.77
	send 1 good "$STRANGER" 10.10.0.2
	send 2 good "$UNDER_B" 10.10.0.2
	ping_ok "$NS_A" 10.10.0.2 1
	sleep 0.5
	kill -INT "$tracer"
	wait "$tracer"
	check "$rx: Ctrl-C ends the trace with status 0" [ $? = 0 ]
	check "$rx: and turns the switch off" [ "$(trace_on)" = 0 ]
	check "$rx: show names no tracer" [ "$(json_field "$NS_A" '.[0].trace_pid')" = null ]
	f=$TMP/all.json
	check "$rx: one JSON object per line, each an object" \
		[ "$(jq -s 'map(type == "object") | all' "$f")" = true ]

	# The spoofed packets, each field from the frame scapy built.
	check "$rx: 3 drop events for the spoofed source, from $prog" [ "$(events "$f" \
		".reason == \"drop_spoofed\" and .verdict == \"drop\" and .prog == \"$prog\" and
		.dir == \"rx\" and .peer == \"b\" and .len == 112 and
		.outer == {src: \"$UNDER_B\", dst: \"$UNDER_A\", sport: 50123, dport: 4789, vni: 1}
		and .inner == {type: \"ipv4\", proto: 17, src: \"10.10.0.77\", dst: \"10.10.0.1\",
		sport: 5555, dport: 6666}")" = 3 ]
	check "$rx: the stranger's packet passes, under no peer" [ "$(events "$f" \
		".reason == \"pass_unknown_peer\" and .verdict == \"pass\" and .peer == null and
		.outer.src == \"$STRANGER\" and .inner.src == \"10.10.0.2\"")" = 1 ]
	check "$rx: the good packets are decapsulated, from b" [ "$(events "$f" \
		".reason == \"decap\" and .verdict == \"ok\" and .peer == \"b\" and
		.prog == \"$prog\" and .outer.src == \"$UNDER_B\" and .outer.sport == 50123 and
		.inner.src == \"10.10.0.2\" and .inner.dport == 6666")" = 2 ]
	check "$rx: A's ping to b is encapsulated by xt_encap, to b's endpoint" [ "$(events "$f" \
		".prog == \"xt_encap\" and .dir == \"tx\" and .reason == \"encap\" and
		.peer == \"b\" and .outer.src == \"$UNDER_A\" and .outer.dst == \"$UNDER_B\" and
		.outer.dport == 4789 and .outer.vni == 1 and .inner.type == \"ipv4\" and
		.inner.proto == 1 and .inner.src == \"10.10.0.1\" and .inner.dst == \"10.10.0.2\"")" \
		-ge 1 ]
	check "$rx: nothing lost at this rate" [ ! -s "$f.err" ]
	check "$rx: detach A" xt "$NS_A" detach xt0
done

check "attach A again (TC)" xt "$NS_A" attach ua address 10.10.0.1/24
check "A: peer b" xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32
check "A: peer c" xt "$NS_A" peer add c endpoint 192.0.2.3 allowed-ips 10.10.0.3/32

# Drops only, without `all`; and --count ends it.
check "trace (drops) runs" tracer "$TMP/drops.json" --count 2 --duration 20
send 2 good "$UNDER_B" 10.10.0.2
send 2 good "$UNDER_B" 10.10.0.77
wait "$tracer"
check "--count 2 ends it with status 0" [ $? = 0 ]
check "it showed the 2 drops and no decapsulated packet" \
	[ "$(events "$TMP/drops.json" '.reason == "drop_spoofed"'),$(wc -l <"$TMP/drops.json")" = 2,2 ]

# One peer only.
check "trace peer c all runs" tracer "$TMP/c.json" peer c all --duration 2
send 2 good "$UNDER_B" 10.10.0.77
send 1 good 192.0.2.3 10.10.0.77
wait "$tracer"
check "--duration ends it with status 0" [ $? = 0 ]
check "it showed c's drop and nothing of b's" \
	[ "$(events "$TMP/c.json" '.peer == "c" and .reason == "drop_spoofed"'),$(wc -l \
		<"$TMP/c.json")" = 1,1 ]
expect 2 "no peer 'nobody' on xt0" "trace of an unknown peer" -- trace peer nobody

# A tracer killed outright leaves its switch on, for the lease at most.
check "trace all runs" tracer "$TMP/killed.json" all --duration 20
killed=$tracer
kill -KILL "$killed"
wait "$killed" 2>/dev/null
check "SIGKILL: the switch is still on" [ "$(trace_on)" = 1 ]
expect 1 "xt0 is traced already (pid $killed)" "a second tracer is refused during the lease" \
	-- trace
sleep "$((3 + 1))" # XT_TRACE_LEASE_S, and a second
check "past the lease, show names no tracer" [ "$(json_field "$NS_A" '.[0].trace_pid')" = null ]
send 1 good "$UNDER_B" 10.10.0.2
check "and the next packet has turned the switch off" [ "$(trace_on)" = 0 ]
check "a new trace may start" tracer "$TMP/after.json" --duration 1
wait "$tracer"
check "and ends with the switch off" [ "$(trace_on)" = 0 ]

tap_done
