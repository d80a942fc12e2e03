/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The receive parser of the L3 overlays, shared by the XDP and TC front ends: the outer
 * headers (outer.h), the peer, and the inner packet's source. It works on plain
 * data/data_end pointers so that both program types run exactly the same code.
 */
#ifndef XT_BPF_RX_H
#define XT_BPF_RX_H

#include "common.h"
#include "csum.h"
#include "ipv6.h"
#include "outer.h"
#include "route.h"
#include "stats.h"
#include "tunnel.h"

/* A packet that will not be delivered, once its encapsulation is ours: from a known peer
 * it is dropped and counted against the peer; from any other address it is not ours at
 * all and passes. The peer is looked up only here, off the path of valid packets. */
static __always_inline int xt_rx_peer_drop(struct xt_rx *rx, enum xt_reason reason)
{
	struct xt_peer *peer;

	if (!rx->peer_known) {
		peer = bpf_map_lookup_elem(&xt_peers, rx->endpoint);
		if (!peer)
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_UNKNOWN_PEER);
		rx->peer_id = peer->id;
		rx->peer_known = true;
	}
	xt_count_peer_drop(rx->peer_id, reason);
	return xt_rx_verdict(rx, XT_RX_DROP, reason);
}

/*
 * WireGuard's rule: the inner source must be one of the sending peer's allowed-ips. The
 * route of the source (r) carries its peer's endpoint, so the rule is that this endpoint
 * is the packet's outer source: one lookup for a valid packet, where looking up the peer by
 * its endpoint and then the source's route would be two. Sets the peer from the route.
 */
static __always_inline bool xt_rx_source_ok(struct xt_rx *rx, const struct xt_route *r)
{
	const __u32 *a, *b = (const __u32 *)rx->endpoint;

	if (!r)
		return false;
	a = (const __u32 *)r->endpoint;
	if ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]))
		return false;
	rx->peer_id = r->peer_id;
	rx->peer_known = true;
	return true;
}

static __always_inline bool xt_ipv6_link_local(const struct in6_addr *a)
{
	const __u32 *w = (const __u32 *)a;

	if ((w[0] & bpf_htonl(0xffc00000)) == bpf_htonl(0xfe800000))
		return true;
	return (w[0] | w[1] | w[2] | w[3]) == 0;
}

static __always_inline bool xt_ipv6_v4_mapped(const struct in6_addr *a)
{
	const __u32 *w = (const __u32 *)a;

	return (w[0] | w[1]) == 0 && w[2] == bpf_htonl(0xffff);
}

/* A check needs the frame's bytes up to off, and data_end stops short of them: a check
 * that cannot see its bytes never passes a packet (xt_rx_cut, for a sender known to be
 * ours). */
static __always_inline int xt_rx_short(struct xt_rx *rx, __u32 off, enum xt_reason reason)
{
	if (off <= rx->frame_len) {
		rx->need = off;
		return xt_rx_verdict(rx, XT_RX_NEED, reason);
	}
	return xt_rx_peer_drop(rx, reason);
}

/*
 * The checks that read the inner IPv6 packet's upper-layer header, found behind its
 * extension headers as the kernel finds it (ipv6.h): without the walk, one Hop-by-Hop or
 * Destination Options header in front of a neighbour advertisement would hide it.
 * - A neighbour advertisement claims its target address (RFC 4861 section 4.4), as an ARP
 *   sender does: it must be the peer's too, or a peer could point our neighbour entry for
 *   another peer's address at its own MAC.
 * - A neighbour advertisement in fragments is dropped whatever its target: the first
 *   fragment need not hold the target (the kernel asks only for the 8-byte ICMPv6 header in
 *   it, ipv6_frag_thdr_truncated), and RFC 6980 section 5 makes receivers ignore fragmented
 *   neighbour discovery anyway (as Linux does unless suppress_frag_ndisc is turned off).
 * - A chain longer than XT_MAX_EXT_HEADERS, or one that runs past the end of the packet (a
 *   first fragment that ends inside it, or a header longer than what is left), hides its
 *   upper layer: drop-ext-headers.
 * TCP and UDP right behind the fixed header, by far the most packets, cost one comparison.
 */
static __always_inline int xt_rx_check_upper6(void *data, void *data_end, const struct ipv6hdr *ip6,
					      struct xt_rx *rx)
{
	struct xt_ipv6_upper u;
	__u8 *icmp;
	int walk;

	if (ip6->nexthdr == IPPROTO_TCP || ip6->nexthdr == IPPROTO_UDP)
		return XT_RX_CONTINUE;
	rx->need_upper = true;
	walk = xt_ipv6_walk(data, data_end, rx->inner_off & 0x3ff, &u);
	if (walk == XT_IPV6_SHORT)
		return xt_rx_short(rx, u.off, XT_DROP_EXT_HEADERS);
	if (walk == XT_IPV6_TOO_LONG || (walk == XT_IPV6_UPPER && u.off > rx->frame_len))
		return xt_rx_peer_drop(rx, XT_DROP_EXT_HEADERS);
	if (walk == XT_IPV6_NO_UPPER || u.proto != IPPROTO_ICMPV6)
		return XT_RX_CONTINUE;
	icmp = data + (u.off & XT_OFF_MASK);
	if ((void *)(icmp + 1) > data_end)
		return xt_rx_short(rx, u.off + 1, XT_DROP_MALFORMED);
	if (icmp[0] != ICMPV6_NA)
		return XT_RX_CONTINUE;
	if (u.fragment)
		return xt_rx_peer_drop(rx, XT_DROP_EXT_HEADERS);
	if ((void *)(icmp + 24) > data_end)
		return xt_rx_short(rx, u.off + 24, XT_DROP_MALFORMED);
	if (!xt_source_allowed(icmp + 8, rx->peer_id))
		return xt_rx_peer_drop(rx, XT_DROP_SPOOFED);
	return XT_RX_CONTINUE;
}

/* The inner IP packet (at rx->inner_off): its source must be one of the peer's
 * allowed-ips, and so must what its upper layer claims. */
static __always_inline int xt_rx_check_inner_ip(void *data, void *data_end, struct xt_rx *rx)
{
	void *l3 = data + (rx->inner_off & 0x3ff);
	int v;

	if (rx->inner_proto == ETH_P_IP) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > data_end)
			return xt_rx_short(rx, (void *)(ip + 1) - data, XT_DROP_MALFORMED);
		if (ip->version != 4)
			return xt_rx_peer_drop(rx, XT_DROP_MALFORMED);
		if (!xt_rx_source_ok(rx, xt_route_lookup4(ip->saddr)))
			return xt_rx_peer_drop(rx, XT_DROP_SPOOFED);
	} else if (rx->inner_proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > data_end)
			return xt_rx_short(rx, (void *)(ip6 + 1) - data, XT_DROP_MALFORMED);
		if (ip6->version != 6)
			return xt_rx_peer_drop(rx, XT_DROP_MALFORMED);
		/* Link-local and unspecified sources (a Linux peer's router solicitations, MLD
		 * reports, DAD probes) belong to no allowed-ips: told apart from spoofing. */
		if (xt_ipv6_link_local(&ip6->saddr))
			return xt_rx_peer_drop(rx, XT_DROP_LINK_LOCAL);
		/* ::ffff:a.b.c.d is how the maps spell IPv4: no IPv6 packet may claim it. */
		if (xt_ipv6_v4_mapped(&ip6->saddr))
			return xt_rx_peer_drop(rx, XT_DROP_SPOOFED);
		if (!xt_rx_source_ok(rx, xt_route_lookup((__u8 *)&ip6->saddr)))
			return xt_rx_peer_drop(rx, XT_DROP_SPOOFED);
		v = xt_rx_check_upper6(data, data_end, ip6, rx);
		if (v != XT_RX_CONTINUE)
			return v;
	} else {
		return xt_rx_peer_drop(rx, XT_DROP_INNER_PROTO);
	}
	return xt_rx_verdict(rx, XT_RX_DECAP, XT_OK_DECAP);
}

/* After XT_RX_NEED: the inner IPv6 packet's source was found fine, and its upper-layer
 * checks wanted bytes that are now readable; those checks again. */
static __always_inline int xt_rx_recheck_upper6(void *data, void *data_end, struct xt_rx *rx)
{
	struct ipv6hdr *ip6 = data + (rx->inner_off & 0x3ff);
	int v;

	if ((void *)(ip6 + 1) > data_end)
		return xt_rx_peer_drop(rx, XT_DROP_MALFORMED);
	v = xt_rx_check_upper6(data, data_end, ip6, rx);
	if (v != XT_RX_CONTINUE)
		return v;
	return xt_rx_verdict(rx, XT_RX_DECAP, XT_OK_DECAP);
}

static __always_inline int xt_rx_check_inner_eth(void *data, void *data_end, struct xt_rx *rx)
{
	struct ethhdr *eth = data + (rx->outer_len & 0x3ff);

	if ((void *)(eth + 1) > data_end)
		return xt_rx_short(rx, (void *)(eth + 1) - data, XT_DROP_MALFORMED);
	rx->inner_proto = bpf_ntohs(eth->h_proto);
	rx->inner_off = rx->outer_len + ETH_HLEN;
	if (rx->inner_proto == ETH_P_ARP) {
		struct xt_arp *arp = (void *)(eth + 1);
		__be32 spa;

		if ((void *)(arp + 1) > data_end)
			return xt_rx_short(rx, (void *)(arp + 1) - data, XT_DROP_MALFORMED);
		/* An ARP sender claims an address: it must be one of the peer's own, or a
		 * peer could take over another peer's addresses in our neighbour table. */
		__builtin_memcpy(&spa, arp->spa, sizeof(spa));
		if (!xt_rx_source_ok(rx, xt_route_lookup4(spa)))
			return xt_rx_peer_drop(rx, XT_DROP_SPOOFED);
		return xt_rx_verdict(rx, XT_RX_DECAP, XT_OK_DECAP);
	}
	return xt_rx_check_inner_ip(data, data_end, rx);
}

/*
 * Decide what to do with a frame received on the uplink. Anything that is not our
 * encapsulation to our address (and port, VNI or key) from a known peer is not ours and
 * passes untouched; the outer headers are checked as xt_rx_outer says.
 */
static __always_inline int xt_rx_parse(void *data, void *data_end, __u32 frame_len,
				       struct xt_rx *rx)
{
	struct iphdr *ip4 = NULL;
	int v;

	v = xt_rx_outer(data, data_end, frame_len, rx, &ip4);
	if (v != XT_RX_CONTINUE)
		return v;
	if (xt_encap_is_l2(xt_cfg.encap))
		v = xt_rx_check_inner_eth(data, data_end, rx);
	else
		v = xt_rx_check_inner_ip(data, data_end, rx);
	/* Last, where a packet would otherwise be decapsulated (or the upper-layer checks want
	 * more bytes, which means the options were read): its options make the sum a loop, and
	 * what follows a loop the verifier walks once for each way out of it. */
	if (ip4 && (v == XT_RX_DECAP || (v == XT_RX_NEED && rx->need_upper))) {
		int fault = xt_ipv4_header_fault(ip4, data_end);

		if (fault)
			v = xt_rx_verdict(rx, XT_RX_DROP, fault);
	}
	return v;
}

#endif
