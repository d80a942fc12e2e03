// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The last filter on the ingress of the kernel's vxlan device that xtunnel keeps for GSO
 * over an IPv6 underlay (loader/vxlan_dev.c). The device's UDP socket decapsulates what
 * xtunnel's decap programs passed, and the kernel would deliver it past every check of
 * ours: whatever no overlay's xt_sock_drop (xt_tc.bpf.c) took is dropped here. An object
 * of its own, with no map, so that the device can have it before any overlay's programs
 * are loaded, and no overlay's maps stay alive through it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define TC_ACT_SHOT 2

SEC("tc")
int xt_sock_other(struct __sk_buff *skb)
{
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
