#!/bin/bash
# A peer command killed half-way. The data path uses routes alone, so a route without its
# peer entry is usable (and hidden from show) while a peer entry without routes does
# nothing: peer add writes the entry before the routes, peer del removes the routes before
# the entry (checked on the syscalls, with strace). What an interrupted command of any
# version leaves, made here with bpftool as the killed process would have left it, the
# next command removes, saying so.
. "$(dirname "$0")/../lib/netns.sh"

# The 16-byte map key of an IPv4 endpoint, ::ffff:a.b.c.d, as bpftool takes it.
key_of() {
	local IFS=.
	set -- $1
	printf '00 00 00 00 00 00 00 00 00 00 ff ff %02x %02x %02x %02x' "$1" "$2" "$3" "$4"
}

# map_id NAME: the id of A's xt0 map NAME, from the maps of its encap program.
map_id() {
	local prog
	prog=$(in_ns "$NS_A" tc filter show dev xt0 egress | sed -n 's/.* id \([0-9]*\) .*/\1/p')
	bpftool -j prog show id "$prog" | jq -r '.map_ids[]' | while read -r m; do
		bpftool -j map show id "$m"
	done | jq -r --arg n "$1" 'select(.name == $n) | .id'
}

# bpf_ops TRACE: "update NAME" / "delete NAME" for each map write in an strace -e bpf log,
# in order. File descriptors are taken back to maps through the BPF_MAP_GET_FD_BY_ID calls
# before them (an fd number is reused once closed), map ids to names through bpftool.
bpf_ops() {
	local line op fd id
	declare -A map_of_fd name_of_id
	while read -r line; do
		if [[ $line =~ BPF_MAP_GET_FD_BY_ID,\ \{map_id=([0-9]+).*=\ ([0-9]+)$ ]]; then
			id=${BASH_REMATCH[1]}
			map_of_fd[${BASH_REMATCH[2]}]=$id
			[ -n "${name_of_id[$id]:-}" ] ||
				name_of_id[$id]=$(bpftool -j map show id "$id" | jq -r .name)
		elif [[ $line =~ BPF_MAP_(UPDATE|DELETE)_ELEM,\ \{map_fd=([0-9]+).*=\ 0$ ]]; then
			op=${BASH_REMATCH[1],,}
			fd=${BASH_REMATCH[2]}
			id=${map_of_fd[$fd]:-}
			echo "$op ${name_of_id[$id]:-?}"
		fi
	done <"$1"
}

# first_line PATTERN FILE: the number of the first line that is PATTERN, or 999999.
first_line() {
	local n
	n=$(grep -nx -- "$1" "$2" | head -1 | cut -d: -f1)
	echo "${n:-999999}"
}

topo_pair &&
	xt "$NS_A" attach ua address 10.10.0.1/24 >/dev/null 2>&1 &&
	xt "$NS_B" attach ub address 10.10.0.2/24 >/dev/null 2>&1 &&
	xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32 &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32,10.30.0.0/16 &&
	ping_ok "$NS_A" 10.10.0.2 || { not_ok "two hosts with traffic"; tap_done; }
peers=$(map_id xt_peers)

# ---- routes whose peer entry is gone ----
bpftool map delete id "$peers" key hex $(key_of "$UNDER_B") ||
	not_ok "leftover: removing b's peer entry with bpftool"
check "leftover: show lists no peer but two routes" [ "$(json_field "$NS_A" \
	'.[0] | "\(.peers | length) \(.routes)"')" = "0 2" ]
check "leftover: the routes are live: A still reaches 10.10.0.2 through them" \
	ping_ok "$NS_A" 10.10.0.2
out=$(xt "$NS_A" peer add c endpoint 192.0.2.9 allowed-ips 10.30.0.0/16 2>&1)
rc=$?
check "leftover: the next command succeeds, with the leftover's prefix ($rc: $(head -1 \
	<<<"$out"))" [ "$rc" = 0 ]
check "leftover: and says it removed them" grep -qF \
	"warning: xt0: removed 2 route(s) whose peer is gone (10.10.0.2/32, ...)" <<<"$out"
check "leftover: only c's route is left" [ "$(json_field "$NS_A" \
	'.[0] | "\(.routes) \([.peers[] | "\(.name)=\(.allowed_ips | join(","))"] | join(" "))"')" = \
	"1 c=10.30.0.0/16" ]
check "leftover: the kernel route to 10.10.0.2/32 went with them" \
	bash -c "[ -z \"\$(ip -n $NS_A route show 10.10.0.2/32 proto 0x78)\" ]"
check "leftover: the kernel route to 10.30.0.0/16 is c's" \
	bash -c "ip -n $NS_A route show 10.30.0.0/16 proto 0x78 | grep -q 'dev xt0'"
check_fails "leftover: 10.10.0.2 is unreachable now" ping_ok "$NS_A" 10.10.0.2 1

# ---- one peer under two endpoints ----
xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32
value=$(bpftool -j map lookup id "$peers" key hex $(key_of "$UNDER_B") |
	jq -r '.value | map(ltrimstr("0x")) | join(" ")')
bpftool map update id "$peers" key hex $(key_of 192.0.2.77) value hex $value ||
	not_ok "twins: a second entry of b with bpftool"
check "twins: the map holds b twice" [ "$(bpftool -j map dump id "$peers" |
	jq '[.[] | select(.formatted.value.name == "b")] | length')" = 2 ]
out=$(xt "$NS_A" peer set b allowed-ips 10.10.0.2/32,10.31.0.0/16 2>&1)
rc=$?
check "twins: the next command succeeds ($rc: $(head -1 <<<"$out"))" [ "$rc" = 0 ]
check "twins: and says which endpoint it kept" grep -qF \
	"warning: xt0: peer b had two endpoints (an interrupted 'peer set'): kept $UNDER_B" <<<"$out"
check "twins: b is in the map once, at the endpoint its routes name" [ "$(bpftool -j map dump \
	id "$peers" | jq -r '[.[] | select(.formatted.value.name == "b") |
	.formatted.key.endpoint[12:] | map(tostring) | join(".")] | join(" ")')" = "$UNDER_B" ]
check "twins: traffic to b flows" ping_ok "$NS_A" 10.10.0.2

# ---- a route that names another endpoint than its peer's ----
# b's route 10.31.0.0/16 (key: length 96 + 16 = 0x70, little-endian, then ::ffff:10.31.0.0)
# pointed at 192.0.2.77 in the trie and in its index, as a move stopped half-way leaves it.
rkey="70 00 00 00 $(key_of 10.31.0.0)"
for m in xt_routes xt_prefixes; do
	id=$(map_id $m)
	value=$(bpftool -j map lookup id "$id" key hex $rkey | jq -r --arg ep "$(key_of 192.0.2.77)" \
		'.value | map(ltrimstr("0x")) | .[0:4] + ($ep | split(" ")) + .[20:24] | join(" ")')
	bpftool map update id "$id" key hex $rkey value hex $value ||
		not_ok "astray: rewriting b's route in $m"
done
route_endpoint() {
	bpftool -j map lookup id "$(map_id "$1")" key hex $rkey |
		jq -r '.formatted.value.endpoint[12:] | map(tostring) | join(".")'
}
check "astray: b's route names 192.0.2.77" [ "$(route_endpoint xt_prefixes)" = 192.0.2.77 ]
out=$(xt "$NS_A" peer add e endpoint 192.0.2.11 allowed-ips 10.50.0.0/16 2>&1)
check "astray: the next command says it rewrote the route" grep -qF \
	"warning: xt0: 1 route(s) of peer b named another endpoint than the peer's" <<<"$out"
check "astray: the route names b's endpoint again, in the trie and its index" \
	[ "$(route_endpoint xt_routes) $(route_endpoint xt_prefixes)" = "$UNDER_B $UNDER_B" ]

# ---- the order of the writes ----
in_ns "$NS_A" strace -f -qq -e trace=bpf -o "$TMP/add.trace" "$XTUNNEL" peer add d \
	endpoint 192.0.2.10 allowed-ips 10.40.0.0/16,10.41.0.0/16 ||
	not_ok "order: peer add under strace"
bpf_ops "$TMP/add.trace" >"$TMP/add.ops"
p=$(first_line "update xt_peers" "$TMP/add.ops")
r=$(first_line "update xt_routes" "$TMP/add.ops")
in_order=false
[ "$p" -lt "$r" ] && [ "$r" != 999999 ] && in_order=true
check "order: peer add writes the peer entry (line $p) before any route (line $r)" $in_order
check "order: and writes both routes" [ "$(grep -cx "update xt_routes" "$TMP/add.ops")" = 2 ]
in_ns "$NS_A" strace -f -qq -e trace=bpf -o "$TMP/del.trace" "$XTUNNEL" peer del d ||
	not_ok "order: peer del under strace"
bpf_ops "$TMP/del.trace" >"$TMP/del.ops"
p=$(first_line "delete xt_peers" "$TMP/del.ops")
r=$(grep -nx "delete xt_routes" "$TMP/del.ops" | tail -1 | cut -d: -f1)
in_order=false
[ -n "$r" ] && [ "$r" -lt "$p" ] && [ "$p" != 999999 ] && in_order=true
check "order: peer del removes every route (the last at line ${r:-none}) before the peer entry (line $p)" \
	$in_order
check "order: and both routes" [ "$(grep -cx "delete xt_routes" "$TMP/del.ops")" = 2 ]
tap_done
