#!/bin/bash
# sync that fails half-way (issue 14) is undone: the overlay is then as it was before, and
# the command says so. Two real failures the checks before applying cannot see: a kernel
# route the kernel refuses (IPv6 turned off on the overlay device by hand: "IPv6 is disabled
# on nexthop device"), when the last new peer is added after 200 changed, 20 removed and 20
# added ones, a prefix moved and an endpoint passed on; and a forward-from port that
# another XDP program holds, when the last settings step comes after the peers and a new
# MTU. Compared: every setting, every peer (endpoint, port, prefixes, flags; the id of
# every peer that was not removed and put back), the kernel routes, the links.
. "$(dirname "$0")/../lib/netns.sh"
FILTER=/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o
N=200

topo_pair || { not_ok "two hosts"; tap_done; }

# gen V EXTRA...: the file (V 0: before, 1: after), with EXTRA lines in [Overlay].
gen() {
	local v=$1 IFS=$'\n'
	shift
	awk -v v="$v" -v n="$N" -v extra="$*" '
	function peer(name, ep, allowed) {
		printf "\n[Peer]\nName = %s\nEndpoint = %s\nAllowedIPs = %s\n", name, ep, allowed
	}
	BEGIN {
		printf "[Overlay]\nName = xr0\nUplink = ua\nAddress = 10.10.0.1/24\nMaxPeers = 512\n"
		if (extra != "")
			print extra
		peer("b", "192.0.2.2" (v ? ":4790" : ""), "10.10.0.2/32")
		for (j = 1; j <= n; j++)
			peer("p" j, "198.18.0." j (v ? ":4790" : ""),
			     "100.64.0." j "/32" (v ? ", 100.65.0." j "/32" : ""))
		for (j = 1; j <= 20; j++)
			peer((v ? "new" : "old") j, (v ? "198.21.0." : "198.20.0.") j,
			     (v ? "100.71.0." : "100.70.0.") j "/32")
		peer("ma", "198.19.1.1", v ? "100.99.1.0/24" : "100.99.0.0/24, 100.99.1.0/24")
		peer("mb", "198.19.1.2", v ? "100.98.0.0/24, 100.99.0.0/24" : "100.98.0.0/24")
		peer("c1", v ? "198.19.0.2" : "198.19.0.1", "100.97.0.1/32")
		peer("c2", v ? "198.19.0.3" : "198.19.0.2", "100.97.0.2/32")
	}'
}

# The overlay as it is: settings, and peers without counters (ids apart, by name).
settings() { xt "$NS_A" show xr0 -j | jq -cS '.[0] | del(.counters, .peers, .routes)'; }
peers() { xt "$NS_A" show xr0 -j | jq -c '.[0].peers | map({name, endpoint, port,
	allowed_ips: (.allowed_ips | sort), flags}) | sort_by(.name)'; }
ids() { xt "$NS_A" show xr0 -j | jq -c '[.[0].peers[] | select(.name | test("^old") | not) |
	{name, id}] | sort_by(.name)'; }
kernel() {
	ip -n "$NS_A" route show table all dev xr0 | sort
	ip -n "$NS_A" -o link show | awk '{print $2, $3}'
	ip -n "$NS_A" link show xr0 | head -1
}
snapshot() { settings && peers && ids && kernel; }

# ---- a kernel route the kernel refuses ----
gen 0 >"$TMP/r0.conf"
check "up with $((N + 25)) peers" xt "$NS_A" up "$TMP/r0.conf"
{ gen 1; printf '\n[Peer]\nName = zz\nEndpoint = 198.22.0.1\nAllowedIPs = 100.72.0.0/24, fd00:99::/64\n'; } \
	>"$TMP/r1.conf"
in_ns "$NS_A" sysctl -qw net.ipv6.conf.xr0.disable_ipv6=1 || not_ok "IPv6 off on xr0"
snapshot >"$TMP/before"
check "the state is read (a peer, a route)" grep -q 100.97.0.2 "$TMP/before"
out=$(xt "$NS_A" sync "$TMP/r1.conf" 2>&1)
rc=$?
check "sync fails as a system error (exit $rc)" [ "$rc" = 1 ]
check "naming the step, the kernel's reason, and that it was undone ($out)" [ "$out" = \
	"xtunnel: sync: peer zz: adding route fd00:99::/64 dev xr0: Permission denied; undone: xr0 is as it was" ]
snapshot >"$TMP/after"
check "settings, peers, ids, routes and links are as before" diff -u "$TMP/before" "$TMP/after"
check "the removed peers are back (with new ids: their counters start again)" \
	[ "$(xt "$NS_A" show xr0 -j | jq '[.[0].peers[] | select(.name | test("^old"))] | length')" = 20 ]
in_ns "$NS_A" sysctl -qw net.ipv6.conf.xr0.disable_ipv6=0
check "with IPv6 back, the same sync succeeds" xt "$NS_A" sync "$TMP/r1.conf"
check "and a sync to the first file undoes it" xt "$NS_A" sync "$TMP/r0.conf"
xt "$NS_A" down xr0

# ---- a forward-from port another XDP program holds ----
ip -n "$NS_A" link add lan0 type veth peer name lan1 && ip -n "$NS_A" link add lan2 type veth peer name lan3 &&
	ip -n "$NS_A" link set lan0 up && ip -n "$NS_A" link set lan2 up &&
	in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1 || not_ok "forward-from ports"
gen 0 "ForwardFrom = lan0" >"$TMP/f0.conf"
gen 1 "ForwardFrom = lan0, lan2" "MTU = 1400" >"$TMP/f1.conf"
check "up with forward-from lan0" xt "$NS_A" up "$TMP/f0.conf"
in_ns "$NS_A" xdp-loader load -m native lan2 "$FILTER" >/dev/null 2>&1 ||
	not_ok "another XDP program on lan2"
snapshot >"$TMP/before"
out=$(xt "$NS_A" sync "$TMP/f1.conf" 2>&1)
rc=$?
check "sync fails (exit $rc), naming lan2 and that it was undone ($out)" bash -c \
	"[ $rc != 0 ] && grep -q 'forward-from lan2: another XDP program is attached there' <<<\"\$1\" &&
	grep -q 'undone: xr0 is as it was\$' <<<\"\$1\"" _ "$out"
snapshot >"$TMP/after"
check "settings (MTU 1450, forward-from lan0), peers, ids, routes and links are as before" \
	diff -u "$TMP/before" "$TMP/after"
check "lan2 still has the other program, lan0 ours" bash -c \
	"ip netns exec $NS_A xdp-loader status lan2 | grep -q xdpfilt_alw_all &&
	ip -n $NS_A link show lan0 | grep -q xdp"
xt "$NS_A" down xr0

tap_done
