/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The forwarding fast path (`attach ... forward-from`). The kernel's FIB decides and XDP
 * carries out: a packet from a forward-from port whose route goes out of the overlay device
 * is encapsulated in XDP and sent out of the uplink; a decapsulated packet whose route goes
 * out of a forward-from port is sent there, without the trip through the overlay device.
 * Whatever the FIB does not resolve to the end (local delivery, other devices, a neighbour
 * not yet resolved, TTL running out, a packet too big for the next MTU, IP options) takes
 * the kernel's own path, which handles it, and resolves the neighbour for the next packet.
 */
#ifndef XT_BPF_FWD_H
#define XT_BPF_FWD_H

#include "common.h"
#include "csum.h"
#include "rx.h"

#define AF_INET 2
#define AF_INET6 10
#define NEXTHDR_HOP 0

/*
 * Asks the FIB where the IP packet at l3, received on ifindex, goes next. true: a next hop
 * with its MACs in fib (fib->ifindex the egress device), and the destination in dst as
 * the maps spell it (the FIB overwrites its own copy with the next hop). Only packets the
 * kernel would forward unchanged but for the TTL qualify: no IPv4 options, no IPv6
 * hop-by-hop header, no link-local IPv6 source, a TTL that survives the hop. The egress
 * MTU is checked against the IP length, except for an skb (is_skb): there the kernel
 * checks the skb itself (tot_len 0), knowing that a GSO packet leaves as segments.
 */
static __always_inline bool xt_fwd_lookup(void *ctx, void *l3, void *data_end, __u16 proto,
					  __u32 ifindex, struct bpf_fib_lookup *fib, __u8 *dst,
					  bool is_skb)
{
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->ifindex = ifindex;
	if (proto == ETH_P_IP) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > data_end || ip->ihl != 5 || ip->ttl <= 1)
			return false;
		fib->family = AF_INET;
		fib->tos = ip->tos;
		fib->l4_protocol = ip->protocol;
		fib->tot_len = bpf_ntohs(ip->tot_len);
		fib->ipv4_src = ip->saddr;
		fib->ipv4_dst = ip->daddr;
		xt_addr_from_ipv4(dst, ip->daddr);
	} else if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > data_end || ip6->hop_limit <= 1 ||
		    ip6->nexthdr == NEXTHDR_HOP || xt_ipv6_link_local(&ip6->saddr))
			return false;
		fib->family = AF_INET6;
		fib->flowinfo = *(__be32 *)ip6 & bpf_htonl(0x0fffffff);
		fib->l4_protocol = ip6->nexthdr;
		fib->tot_len = bpf_ntohs(ip6->payload_len) + IPV6_HLEN;
		__builtin_memcpy(fib->ipv6_src, &ip6->saddr, XT_ADDR_LEN);
		__builtin_memcpy(fib->ipv6_dst, &ip6->daddr, XT_ADDR_LEN);
		__builtin_memcpy(dst, &ip6->daddr, XT_ADDR_LEN);
	} else {
		return false;
	}
	if (is_skb)
		fib->tot_len = 0;
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0) == BPF_FIB_LKUP_RET_SUCCESS;
}

/* One hop less, as the kernel's ip_decrease_ttl does it (RFC 1624 incremental checksum).
 * xt_fwd_lookup made sure the TTL is above 1. false: the header is not all there. */
static __always_inline bool xt_fwd_ttl(void *l3, void *data_end, __u16 proto)
{
	if (proto == ETH_P_IP) {
		struct iphdr *ip = l3;
		__u32 check;

		if ((void *)(ip + 1) > data_end)
			return false;
		check = ip->check;
		check += bpf_htons(0x0100);
		ip->check = (__u16)(check + (check >= 0xffff));
		ip->ttl--;
	} else {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > data_end)
			return false;
		ip6->hop_limit--;
	}
	return true;
}

/* Whether the FIB's egress is one of the forward-from ports (never the uplink). */
static __always_inline bool xt_fwd_is_port(const struct bpf_fib_lookup *fib)
{
	__u32 ifindex = fib->ifindex;

	return ifindex != xt_cfg.uplink_ifindex && bpf_map_lookup_elem(&xt_ports, &ifindex);
}

/* The Ethernet addresses the FIB gave for the next hop. */
static __always_inline void xt_fwd_macs(struct ethhdr *eth, const struct bpf_fib_lookup *fib)
{
	__builtin_memcpy(eth->h_dest, fib->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib->smac, ETH_ALEN);
}

#endif
