/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the TC programs of every overlay share: drops, pulls into the linear area, segments. */
#ifndef XT_BPF_TC_H
#define XT_BPF_TC_H

#include "common.h"
#include "stats.h"
#include "tunnel.h"

/* What either direction parses in the linear area on every packet: outer Ethernet, IPv6
 * (or IPv4 with options), UDP and an 8-byte tunnel header, inner Ethernet and IPv4 with
 * options (or IPv6 with a neighbour solicitation's target); GENEVE options come on top, as
 * many as there are. A check that needs more (extension headers, an advertisement's target
 * behind the longest outer header) asks for it (XT_RX_NEED, xt_ns_route) and gets it: a
 * check never passes what it could not read. */
#define XT_PULL_LEN (ETH_HLEN + 60 + 8 + 8 + ETH_HLEN + 60)

static __always_inline int xt_tc_drop(enum xt_reason reason)
{
	xt_count(reason);
	return TC_ACT_SHOT;
}

/* Make sure the headers we parse are in the linear part of the skb. */
static __always_inline void xt_tc_pull(struct __sk_buff *skb, __u32 want)
{
	__u32 linear = skb->data_end - skb->data;

	if (linear < want && skb->len > linear)
		bpf_skb_pull_data(skb, skb->len < want ? skb->len : want);
	/* Keep clang from computing skb+offset once and reusing it for the later loads of
	 * data/data_end: the verifier refuses loads through a modified ctx pointer. */
	barrier_var(skb);
}

/* The length of a GENEVE packet's options, read before pulling: pulling the most options
 * could take (252 bytes) on every packet would copy payload into the linear area of every
 * super-packet, and cost GENEVE half its throughput. 0 for other encapsulations. */
static __always_inline __u32 xt_geneve_options_len(struct __sk_buff *skb)
{
	__u32 l3 = IPV6_HLEN;
	__u8 b;

	if (xt_cfg.encap != XT_ENCAP_GENEVE || bpf_skb_load_bytes(skb, ETH_HLEN, &b, 1))
		return 0;
	if (b >> 4 == 4)
		l3 = (b & 0xf) * 4;
	if (bpf_skb_load_bytes(skb, ETH_HLEN + l3 + sizeof(struct udphdr), &b, 1))
		return 0;
	return (b & GENEVE_OPT_LEN_MASK) * 4;
}

static __always_inline __u32 xt_tc_segments(struct __sk_buff *skb)
{
	return skb->gso_segs ? skb->gso_segs : 1;
}

#endif
