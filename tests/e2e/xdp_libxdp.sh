#!/bin/bash
# XDP decap is attached through libxdp, so libxdp's tools see it, and a program attached
# without libxdp's dispatcher is never replaced: attach fails, says why, changes nothing.
. "$(dirname "$0")/../lib/netns.sh"
FILTER=/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o

status() {
	in_ns "$NS_A" xdp-loader status ua 2>/dev/null
}

topo_pair tx-off || { not_ok "build two hosts"; tap_done; }
in_ns "$NS_A" xdp-loader load -m native ua "$FILTER" >/dev/null 2>&1 ||
	{ not_ok "load another XDP program with xdp-loader"; tap_done; }
before=$(status; ip -n "$NS_A" -o link)
out=$(xt "$NS_A" attach ua address 10.10.0.1/24 rx xdp 2>&1)
rc=$?
check "attach refuses to replace a foreign XDP program (exit $rc)" [ "$rc" = 1 ]
check "and says why" grep -q "another XDP program is attached" <<<"$out"
check "and changes nothing" [ "$(status; ip -n "$NS_A" -o link)" = "$before" ]
check "the other program is still there" grep -q xdpfilt_alw_all <<<"$(status)"

in_ns "$NS_A" xdp-loader unload ua --all >/dev/null 2>&1
check "attach rx xdp succeeds on a free uplink" \
	xt "$NS_A" attach ua address 10.10.0.1/24 rx xdp 2>/dev/null
check "libxdp's xdp-loader sees xtunnel's program" grep -q xt_decap_xdp <<<"$(status)"
check "detach removes it" xt "$NS_A" detach xt0
check "and the uplink has no XDP program left" grep -q "No XDP program loaded" <<<"$(status)"
tap_done
