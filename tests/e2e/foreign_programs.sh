#!/bin/bash
# Programs that are not this xtunnel's but carry one of its names: another version's (a host
# being upgraded, or two builds side by side), or anybody's. The cleanup after an overlay
# deleted behind xtunnel's back reads the configuration of every program on the host named
# xt_decap_tc, xt_decap_xdp, xt_fwd_xdp or xt_sock_drop from its rodata map, whose value is
# the whole section as that program's build laid it out (loader/overlay.c,
# xt_config_read): a lookup copies all of it, so it must be read into a buffer of the map's
# size, never of ours. Here a program named xt_decap_tc whose rodata holds an xt_cfg behind
# 512 bytes of other globals, built by the test, lives while an overlay is deleted and
# detached; the variant build of tests/e2e/other_version.sh is the other, smaller, case.
. "$(dirname "$0")/../lib/netns.sh"

PIN=/sys/fs/bpf/xt$$-foreign
trap 'rm -f "$PIN"; cleanup' EXIT

# A program named like ours: .rodata is 512 bytes of pad, then a struct xt_config (zeros:
# no overlay of this host's, so no cleanup may touch it).
foreign_load() {
	{
		echo '#include <linux/bpf.h>'
		echo '#include <bpf/bpf_helpers.h>'
		echo '#include "xtunnel_shared.h"'
		echo "const volatile unsigned char pad[512] = { $(seq -s, 1 255) };"
		echo 'const volatile struct xt_config xt_cfg = {};'
		echo 'SEC("tc") int xt_decap_tc(struct __sk_buff *skb)'
		echo '{ return pad[511] + xt_cfg.vni; }'
		echo 'char LICENSE[] SEC("license") = "GPL";'
	} >"$TMP/foreign.bpf.c"
	clang -g -O2 -target bpf -I/usr/include/x86_64-linux-gnu -Iinclude \
		-c "$TMP/foreign.bpf.c" -o "$TMP/foreign.o" &&
		bpftool prog load "$TMP/foreign.o" "$PIN" type classifier
}

foreign_alive() {
	bpftool -j prog show pinned "$PIN" >/dev/null
}

# The size of the foreign program's rodata, and where its BTF puts xt_cfg in it.
foreign_rodata() {
	local map
	map=$(bpftool -j prog show pinned "$PIN" | jq '.map_ids[0]')
	echo "$(bpftool -j map show id "$map" | jq .bytes_value)" \
		"$(bpftool -j btf dump id "$(bpftool -j map show id "$map" | jq .btf_id)" |
			jq '(.types[] | select(.kind == "VAR" and .name == "xt_cfg") | .id) as $v |
			.types[] | select(.kind == "DATASEC") | .vars[] | select(.type_id == $v) |
			.offset')"
}

foreign_load || { not_ok "build and load a program named xt_decap_tc"; tap_done; }
rodata=$(foreign_rodata)
check "the foreign rodata is 576 bytes, xt_cfg at 512 ($rodata)" [ "$rodata" = "576 512" ]
topo_pair && xt "$NS_A" attach ua address 10.10.0.1/24 rx tc 2>/dev/null ||
	{ not_ok "a host with an overlay"; tap_done; }
ip -n "$NS_A" link del xt0
out=$(xt "$NS_A" detach xt0 2>&1)
rc=$?
check "detach of the deleted overlay succeeds (exit $rc)" [ "$rc" = 0 ]
check "and removed its decap program, the one it left" grep -q "removed 1 program" <<<"$out"
check "the uplink has no filter left" [ -z "$(in_ns "$NS_A" tc filter show dev ua ingress)" ]
check "the foreign program is untouched" foreign_alive
tap_done
