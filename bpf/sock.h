/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xt_sock_drop, a program of every overlay's TC object (L3 and L2): included by each, so
 * that the loader finds it in whichever object it loads.
 */
#ifndef XT_BPF_SOCK_H
#define XT_BPF_SOCK_H

#include "common.h"
#include "tc.h"

/*
 * On the ingress of the kernel's vxlan device (loader/vxlan_dev.c): what its UDP socket
 * decapsulated. That socket listens on the overlay's port, IPv4 and IPv6, for the whole
 * namespace. Decap sends every packet of a known peer on before the socket sees it, so what
 * reaches it is what decap passed (an unknown sender, another VNI, ...), which the kernel
 * would deliver past every check of ours: it is dropped here. Each overlay that uses the
 * device has one such filter and counts what is addressed to it (its VNI, its local
 * address); the rest goes on to the next filter, and xt_sock_other (xt_sock.bpf.c) drops it.
 */
SEC("tc")
int xt_sock_drop(struct __sk_buff *skb)
{
	struct bpf_tunnel_key key = {};
	__u32 local[XT_ADDR_LEN / 4];
	int i;

	if (bpf_skb_get_tunnel_key(skb, &key, sizeof(key), BPF_F_TUNINFO_IPV6))
		return TC_ACT_UNSPEC; /* IPv4, or no tunnel: not this overlay's to count */
	xt_cfg_copy32(local, xt_cfg.local, XT_ADDR_LEN / 4);
	if (key.tunnel_id != xt_cfg.vni)
		return TC_ACT_UNSPEC;
	for (i = 0; i < XT_ADDR_LEN / 4; i++)
		if (key.local_ipv6[i] != local[i])
			return TC_ACT_UNSPEC;
	xt_count(XT_DROP_KERNEL_SOCKET);
	xt_trace_tc(skb, XT_TRACE_SOCK_DROP, XT_DROP_KERNEL_SOCKET, XT_TRACE_NO_PEER,
		    XT_TRACE_HEAD_INNER);
	return TC_ACT_SHOT;
}

#endif
