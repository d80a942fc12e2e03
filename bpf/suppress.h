/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ARP and ND suppression (as the kernel's bridge port flag neigh_suppress does): an ARP
 * request or a neighbour solicitation sent into an L2 overlay for an address in the
 * neighbour table (neigh.h) is answered on the spot, in place, and handed back to the
 * overlay device's receive side, instead of being flooded to every peer. What the table
 * does not hold, or what is not a plain request, goes on as any frame.
 */
#ifndef XT_BPF_SUPPRESS_H
#define XT_BPF_SUPPRESS_H

#include "l2.h"
#include "csum.h"
#include "neigh.h"
#include "tc.h"

/* An advertisement as xt_ns_answer writes it, 2 bytes ahead so that the IPv6 header is
 * 4-byte aligned on the stack. */
struct xt_na_frame {
	__u16 align;
	struct ethhdr eth;
	struct ipv6hdr ip6;
	struct xt_nd nd;
	struct xt_nd_opt_ll opt;
};
#define XT_NA_FRAME_LEN (ETH_HLEN + IPV6_HLEN + ND_LEN + ND_OPT_LEN)
_Static_assert(__builtin_offsetof(struct xt_na_frame, ip6) == 16, "ip6 aligned");
_Static_assert(sizeof(struct xt_na_frame) == 2 + XT_NA_FRAME_LEN, "no padding");

/*
 * An ARP request for an address the table has, sent into the overlay: answered in place
 * (RFC 826's reply, as arp_send builds it for the kernel's bridge: to the requester's
 * hardware address) and handed back to the overlay device's receive side, where the
 * bridge takes it as from the port the overlay device is. 1, with *verdict set; 0: not
 * ours to answer (go on as with any frame). A gratuitous ARP (sender address = target
 * address) announces and is flooded.
 */
static __always_inline int xt_arp_answer(struct __sk_buff *skb, int *verdict)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct xt_arp *arp = (void *)(eth + 1);
	__u8 target[XT_ADDR_LEN], mac[ETH_ALEN], requester[ETH_ALEN];
	__be32 spa, tpa;

	if ((void *)(arp + 1) > data_end || arp->hrd != bpf_htons(1) ||
	    arp->pro != bpf_htons(ETH_P_IP) || arp->hln != ETH_ALEN || arp->pln != 4 ||
	    arp->op != bpf_htons(ARPOP_REQUEST))
		return 0;
	__builtin_memcpy(&spa, arp->spa, 4);
	__builtin_memcpy(&tpa, arp->tpa, 4);
	xt_addr_from_ipv4(target, tpa);
	if (spa == tpa || !xt_neigh_answer(target, mac))
		return 0;
	__builtin_memcpy(requester, arp->sha, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, requester, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	arp->op = bpf_htons(ARPOP_REPLY);
	__builtin_memcpy(arp->tha, requester, ETH_ALEN);
	__builtin_memcpy(arp->tpa, &spa, 4);
	__builtin_memcpy(arp->sha, mac, ETH_ALEN);
	__builtin_memcpy(arp->spa, &tpa, 4);
	xt_encap_count(skb, XT_OK_ARP_SUPPRESSED, XT_TRACE_NO_PEER, XT_TRACE_HEAD_INNER);
	*verdict = bpf_redirect(xt_cfg.overlay_ifindex, BPF_F_INGRESS);
	return 1;
}

/*
 * A neighbour solicitation for an address the table has, sent into the overlay: answered
 * with a neighbour advertisement (RFC 4861 section 7.2.4) as a proxy sends it (section
 * 7.2.8, and the kernel's bridge, br_nd_send): from the target, with the target
 * link-layer address option, Override clear, Solicited set, to the soliciting address; to
 * all nodes (ff02::1) with Solicited clear when the solicitation came from the unspecified
 * address (duplicate address detection: the address is taken). Only the valid forms a
 * host sends (section 7.1.1: hop limit 255, code 0, checksum, target not multicast; bare
 * or with one option) are answered; others go on as any frame. 1 with *verdict, or 0.
 */
static __always_inline int xt_ns_answer(struct __sk_buff *skb, int *verdict)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct xt_nd *nd = (void *)(ip6 + 1);
	struct xt_nd_opt_ll *opt = NULL;
	struct xt_na_frame f = {};
	__u8 mac[ETH_ALEN];
	bool dad;
	__u32 len;
	__u64 sum;
	__u16 check;

	if ((void *)(nd + 1) > data_end || ip6->version != 6 || ip6->nexthdr != IPPROTO_ICMPV6 ||
	    ip6->hop_limit != ND_HOP_LIMIT)
		return 0;
	len = bpf_ntohs(ip6->payload_len);
	if (len == ND_LEN + ND_OPT_LEN) {
		opt = (void *)(nd + 1);
		if ((void *)(opt + 1) > data_end)
			return 0;
	} else if (len != ND_LEN) {
		return 0;
	}
	if (nd->type != ICMPV6_NS || nd->code || nd->target[0] == 0xff ||
	    ip6->saddr.in6_u.u6_addr8[0] == 0xff || !xt_nd_check_ok(ip6, nd, opt))
		return 0;
	if (!xt_neigh_answer(nd->target, mac))
		return 0;
	dad = !(ip6->saddr.in6_u.u6_addr32[0] | ip6->saddr.in6_u.u6_addr32[1] |
		ip6->saddr.in6_u.u6_addr32[2] | ip6->saddr.in6_u.u6_addr32[3]);
	if (dad) {
		/* ff02::1 and its MAC, 33:33:00:00:00:01 (RFC 2464 section 7). */
		f.eth.h_dest[0] = 0x33;
		f.eth.h_dest[1] = 0x33;
		f.eth.h_dest[5] = 1;
		f.ip6.daddr.in6_u.u6_addr8[0] = 0xff;
		f.ip6.daddr.in6_u.u6_addr8[1] = 0x02;
		f.ip6.daddr.in6_u.u6_addr8[15] = 1;
	} else {
		__builtin_memcpy(f.eth.h_dest, eth->h_source, ETH_ALEN);
		__builtin_memcpy(&f.ip6.daddr, &ip6->saddr, XT_ADDR_LEN);
	}
	__builtin_memcpy(f.eth.h_source, mac, ETH_ALEN);
	f.eth.h_proto = bpf_htons(ETH_P_IPV6);
	f.ip6.version = 6;
	f.ip6.payload_len = bpf_htons(ND_LEN + ND_OPT_LEN);
	f.ip6.nexthdr = IPPROTO_ICMPV6;
	f.ip6.hop_limit = ND_HOP_LIMIT;
	__builtin_memcpy(&f.ip6.saddr, nd->target, XT_ADDR_LEN);
	f.nd.type = ICMPV6_NA;
	f.nd.flags = dad ? 0 : bpf_htonl(ND_F_SOLICITED);
	__builtin_memcpy(f.nd.target, nd->target, XT_ADDR_LEN);
	f.opt.type = ND_OPT_TARGET_LL;
	f.opt.len = 1;
	__builtin_memcpy(f.opt.mac, mac, ETH_ALEN);
	sum = xt_pseudo6(&f.ip6.saddr, &f.ip6.daddr, IPPROTO_ICMPV6, ND_LEN + ND_OPT_LEN) +
	      xt_csum_words(&f.nd, ND_LEN + ND_OPT_LEN);
	check = ~xt_csum_fold(sum);
	f.nd.check = check;
	if (bpf_skb_change_tail(skb, XT_NA_FRAME_LEN, 0) ||
	    bpf_skb_store_bytes(skb, 0, &f.eth, XT_NA_FRAME_LEN, 0)) {
		*verdict = xt_encap_fail(skb, XT_TRACE_NO_PEER, XT_TRACE_HEAD_NONE);
		return 1;
	}
	xt_encap_count(skb, XT_OK_ND_SUPPRESSED, XT_TRACE_NO_PEER, XT_TRACE_HEAD_INNER);
	*verdict = bpf_redirect(xt_cfg.overlay_ifindex, BPF_F_INGRESS);
	return 1;
}

#endif
