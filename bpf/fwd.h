/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The forwarding fast path (`attach ... forward-from`). The kernel's FIB decides and XDP
 * carries out: a packet from a forward-from port whose route goes out of the overlay device
 * is encapsulated in XDP and sent out of the uplink; a decapsulated packet whose route goes
 * out of a forward-from port is sent there, without the trip through the overlay device.
 * Whatever the FIB does not resolve to the end (local delivery, other devices, a neighbour
 * not yet resolved, TTL running out, a packet too big for the next MTU, IP options) takes
 * the kernel's own path, which handles it, and resolves the neighbour for the next packet.
 *
 * The fast path forwards only what the kernel would forward, by the kernel's own rules,
 * and leaves the rest to the kernel, whose checks then apply as they would without
 * xtunnel: a frame not addressed to the interface's own MAC (ip_forward forwards
 * PACKET_HOST only), a martian source or destination (ip_route_input_slow, ip6_rcv_core,
 * ip6_forward), a source that is one of this host's addresses, and a source the way back to
 * which does not leave through the interface the packet came in on (rp_filter in its strict
 * form, RFC 3704 section 2.2, whatever the interface's rp_filter setting: where the kernel
 * is looser, it forwards the packet itself).
 */
#ifndef XT_BPF_FWD_H
#define XT_BPF_FWD_H

#include "common.h"
#include "csum.h"
#include "ipv6.h"
#include "rx.h"

#define AF_INET 2
#define AF_INET6 10

/* The uplink and the forward-from ports: devmap (hash) ifindex -> ifindex, for XDP to
 * redirect into, and the list of ports for show and detach. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XT_MAX_FWD_PORTS + 1);
	__type(key, __u32);
	__type(value, __u32);
} xt_ports SEC(".maps");

/* Sources and destinations the kernel never forwards: 0.0.0.0/8, 127.0.0.0/8, multicast
 * and the limited broadcast (ip_route_input_slow's martians); other broadcasts and this
 * host's own addresses the FIB answers as local (BPF_FIB_LKUP_RET_NOT_FWDED). */
static __always_inline bool xt_ipv4_martian(__be32 addr)
{
	__u32 a = bpf_ntohl(addr);

	return (a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) == 0xe || a == 0xffffffff;
}

/* The unspecified and loopback addresses, IPv4-mapped addresses, multicast (ip6_rcv_core,
 * ip6_forward) and link-local ones, which never leave their link (RFC 4291 section 2.5.6). */
static __always_inline bool xt_ipv6_martian(const struct in6_addr *addr)
{
	const __u32 *w = (const __u32 *)addr;

	if ((w[0] & bpf_htonl(0xff000000)) == bpf_htonl(0xff000000) || xt_ipv6_link_local(addr))
		return true;
	return (w[0] | w[1]) == 0 &&
	       ((w[2] == 0 && w[3] == bpf_htonl(1)) || w[2] == bpf_htonl(0xffff));
}

/*
 * Asks the FIB where the IP packet at l3, received on ifindex, goes next. true: a next hop
 * with its MACs in fib (fib->ifindex the egress device), and the destination in dst as
 * the maps spell it (the FIB overwrites its own copy with the next hop). Only packets the
 * kernel would forward unchanged but for the TTL qualify: no IPv4 options, no IPv6
 * hop-by-hop header, no martian address, a TTL that survives the hop. The egress
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

		if ((void *)(ip + 1) > data_end || ip->ihl != 5 || ip->ttl <= 1 ||
		    xt_ipv4_martian(ip->saddr) || xt_ipv4_martian(ip->daddr))
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
		    ip6->nexthdr == NEXTHDR_HOP || xt_ipv6_martian(&ip6->saddr) ||
		    xt_ipv6_martian(&ip6->daddr))
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

/*
 * The way back to the source of the IP packet at l3 (whose header xt_fwd_lookup has seen)
 * leaves through in_ifindex, the interface it came in on, as strict rp_filter requires
 * (fib_validate_source): the FIB is asked for the source, from the packet's destination, as
 * the kernel asks it. A source that is one of this host's addresses is answered as local
 * (BPF_FIB_LKUP_RET_NOT_FWDED) and fails too, as it fails fib_validate_source in any
 * rp_filter mode. flags 0: rev->smac is then in_ifindex's own MAC (which needs the
 * neighbour on the way back: the source host itself on a LAN, known from its ARP or
 * neighbour solicitation for the gateway); BPF_FIB_LOOKUP_SKIP_NEIGH: no MAC.
 */
static __always_inline bool xt_fwd_reverse_ok(void *ctx, void *l3, void *data_end, __u16 proto,
					      __u32 in_ifindex, __u32 flags,
					      struct bpf_fib_lookup *rev)
{
	__builtin_memset(rev, 0, sizeof(*rev));
	rev->ifindex = in_ifindex;
	if (proto == ETH_P_IP) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > data_end)
			return false;
		rev->family = AF_INET;
		rev->tos = ip->tos;
		rev->l4_protocol = ip->protocol;
		rev->ipv4_src = ip->daddr;
		rev->ipv4_dst = ip->saddr;
	} else {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > data_end)
			return false;
		rev->family = AF_INET6;
		rev->flowinfo = *(__be32 *)ip6 & bpf_htonl(0x0fffffff);
		rev->l4_protocol = ip6->nexthdr;
		__builtin_memcpy(rev->ipv6_src, &ip6->daddr, XT_ADDR_LEN);
		__builtin_memcpy(rev->ipv6_dst, &ip6->saddr, XT_ADDR_LEN);
	}
	return bpf_fib_lookup(ctx, rev, sizeof(*rev), flags) == BPF_FIB_LKUP_RET_SUCCESS &&
	       rev->ifindex == in_ifindex;
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
