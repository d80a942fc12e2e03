// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * For tests/bpf/l2_flood.c: gives what the overlay device transmits an accelerated 802.1Q
 * tag (VLAN 100), as a VLAN-aware bridge or a VLAN device would, and lets it go on to the
 * next filter, xt_l2_encap. This kernel has neither bridge VLAN filtering nor 8021q
 * devices, and BPF_PROG_TEST_RUN cannot set skb->vlan_present.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TC_ACT_UNSPEC (-1)
#define ETH_P_8021Q 0x8100

SEC("tc")
int vlan_push(struct __sk_buff *skb)
{
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 100);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
