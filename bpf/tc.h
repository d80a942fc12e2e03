/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the TC programs of every overlay share: drops and their traces, pulls into the linear
 * area, segments. */
#ifndef XT_BPF_TC_H
#define XT_BPF_TC_H

#include "common.h"
#include "outer.h"
#include "stats.h"
#include "trace.h"
#include "tunnel.h"

/* All that the receive checks read of a packet (and the L2 encap's answers to ARP and
 * neighbour solicitations): outer Ethernet, IPv6 (or IPv4 with options), UDP and an 8-byte
 * tunnel header, inner Ethernet and IPv4 with options (or IPv6 with a neighbour
 * solicitation's target); GENEVE options come on top, as many as there are. Pulled when a
 * header runs past the linear area (XT_RX_NEED), not before. A check that needs more
 * (extension headers, an advertisement's target behind the longest outer header) asks for
 * it (XT_RX_NEED, xt_ns_route) and gets it: a check never passes what it could not read. */
#define XT_PULL_LEN (ETH_HLEN + 60 + 8 + 8 + ETH_HLEN + 60)

/* What the encap programs read of every frame they are handed: the Ethernet header and the
 * inner addresses (IPv6's header holds IPv4's daddr and ARP's target too). Only that is pulled
 * into the linear area, and only if it is not there yet: pulling more would copy the head of
 * a local socket's packet (TCP keeps the original to retransmit) and move payload into it,
 * which the receiving TCP cannot coalesce. A check that needs more asks (xt_ns_route); the
 * flow hash and the inner checksum read further where they can and do without otherwise. */
#define XT_ENCAP_PULL_LEN (ETH_HLEN + 40)

/* The program that sends skb into the overlay: the encap program on the overlay device, or
 * its _seg twin on the device's hidden end (both encapsulate the same way). The L2 object
 * defines XT_L2_PROGS: its programs have names, and trace ids, of their own. */
static __always_inline enum xt_trace_prog xt_encap_prog(struct __sk_buff *skb)
{
	bool seg = skb->ifindex == xt_cfg.overlay_peer_ifindex;

#ifdef XT_L2_PROGS
	return seg ? XT_TRACE_L2_ENCAP_SEG : XT_TRACE_L2_ENCAP;
#else
	return seg ? XT_TRACE_ENCAP_SEG : XT_TRACE_ENCAP;
#endif
}

/* A packet on its way into the overlay is counted, and traced as the frame it is now. */
static __always_inline void xt_encap_count(struct __sk_buff *skb, enum xt_reason reason,
					   __u32 peer_id, enum xt_trace_head head)
{
	xt_count(reason);
	xt_trace_tc(skb, xt_encap_prog(skb), reason, peer_id, head);
}

/* Dropped before it was changed (the head is the frame the host sent), to no known peer. */
static __always_inline int xt_tc_drop(struct __sk_buff *skb, enum xt_reason reason)
{
	xt_encap_count(skb, reason, XT_TRACE_NO_PEER, XT_TRACE_HEAD_INNER);
	return TC_ACT_SHOT;
}

/* Encapsulation to the peer failed, maybe with the packet half changed. */
static __always_inline int xt_encap_fail(struct __sk_buff *skb, __u32 peer_id,
					 enum xt_trace_head head)
{
	xt_encap_count(skb, XT_DROP_ENCAP_FAILED, peer_id, head);
	return TC_ACT_SHOT;
}

/* A decap parse still short of bytes after the pull that should have made them readable:
 * the pull failed (no memory). What cannot be read is dropped, and held against the sender
 * once it is known to be a peer. */
static __always_inline int xt_tc_unreadable(struct xt_rx *rx)
{
	if (rx->peer_known)
		xt_count_peer_drop(rx->peer_id, XT_DROP_DECAP_FAILED);
	return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_DECAP_FAILED);
}

/* Make sure the headers we parse are in the linear part of the skb. */
static __always_inline void xt_tc_pull(struct __sk_buff *skb, __u32 want)
{
	__u32 linear;

	/* Keep clang from computing skb+offset once and reusing it for the loads of
	 * data/data_end before and after: the verifier refuses loads through a modified ctx
	 * pointer. */
	barrier_var(skb);
	linear = skb->data_end - skb->data;
	if (linear < want && skb->len > linear)
		bpf_skb_pull_data(skb, skb->len < want ? skb->len : want);
	barrier_var(skb);
}

/* The length of a GENEVE packet's options, read before pulling: pulling the most options
 * could take (252 bytes) on every packet would copy payload into the linear area of every
 * super-packet, and cost GENEVE half its throughput. 0 for other encapsulations. */
static __always_inline __u32 xt_geneve_options_len(struct __sk_buff *skb)
{
	__u8 *p = (void *)(long)skb->data, *end = (void *)(long)skb->data_end, b;
	__u32 l3 = IPV6_HLEN;

	if (xt_cfg.encap != XT_ENCAP_GENEVE)
		return 0;
	/* Read in place where the bytes are in the linear area (every frame but the odd
	 * one), which costs less than the helper calls of the way below. */
	if (p + ETH_HLEN + 1 <= end) {
		if (p[ETH_HLEN] >> 4 == 4)
			l3 = (p[ETH_HLEN] & 0xf) * 4;
		p += ETH_HLEN + (l3 & 0x3c) + sizeof(struct udphdr);
		if (p + 1 <= end)
			return (*p & GENEVE_OPT_LEN_MASK) * 4;
		l3 = IPV6_HLEN;
	}
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &b, 1))
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

/* Decap: removes the cut bytes behind the frame's Ethernet header and writes eth in its
 * place, the Ethernet header of what the frame carried (inner_proto behind it). */
static __always_inline int xt_tc_strip(struct __sk_buff *skb, __u32 cut, const struct ethhdr *eth,
				       __u16 inner_proto)
{
	/* FIXED_GSO keeps gso_size as the sender set it; without it a forwarded super-packet
	 * would be resegmented too large. */
	__u64 flags = BPF_F_ADJ_ROOM_FIXED_GSO;

	/* The DECAP flag also sets how much must stay behind the MAC header: without one the
	 * outer family's base header (40 bytes for IPv6) would be asked of a 28-byte ARP
	 * packet. For ARP (and any other frame an L2 overlay carries) the IPv4 flag is a white
	 * lie: the redirect's eth_type_trans sets skb->protocol from the Ethernet header
	 * again. It asks for 20 bytes behind the inner Ethernet header. */
	if (inner_proto == ETH_P_IPV6)
		flags |= BPF_F_ADJ_ROOM_DECAP_L3_IPV6;
	else
		flags |= BPF_F_ADJ_ROOM_DECAP_L3_IPV4;
	if (bpf_skb_adjust_room(skb, -(__s32)cut, BPF_ADJ_ROOM_MAC, flags))
		return -1;
	return bpf_skb_store_bytes(skb, 0, eth, sizeof(*eth), 0) ? -1 : 0;
}

#endif
