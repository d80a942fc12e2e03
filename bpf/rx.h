/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The receive parser shared by the XDP and TC front ends: outer IPv4 or IPv6, then the
 * overlay's encapsulation (VXLAN, GENEVE, GRE or IPIP), the peer, and the inner packet's
 * source. It works on plain data/data_end pointers so that both program types run exactly
 * the same code.
 */
#ifndef XT_BPF_RX_H
#define XT_BPF_RX_H

#include "common.h"
#include "csum.h"
#include "ipv6.h"
#include "route.h"
#include "stats.h"
#include "tunnel.h"

#define ETH_ZLEN 60 /* the shortest Ethernet frame (IEEE 802.3), FCS not counted */

enum xt_rx_verdict {
	XT_RX_PASS,
	XT_RX_DROP,
	XT_RX_DECAP,
	XT_RX_CONTINUE, /* internal: this header is fine, go on parsing */
	/* A check needs bytes that are in the packet but not in what data_end lets it read
	 * (an skb's linear area): make rx->need bytes readable and check the inner packet
	 * again (xt_rx_recheck_upper6). Only an skb can be short of its own bytes: XDP sees
	 * the whole frame, so there the bytes do not exist and the packet is dropped. */
	XT_RX_NEED,
};

struct xt_rx {
	__u32 peer_id;		    /* valid once peer_known */
	__u8 endpoint[XT_ADDR_LEN]; /* the outer source, as the maps spell it */
	__u32 outer_len;   /* bytes in front of the inner frame (L2) or inner IP packet (L3) */
	__u32 inner_off;   /* where the inner IP header (or ARP body) starts */
	__u32 frame_len;   /* the whole frame, readable or not */
	__u32 need;	   /* with XT_RX_NEED: bytes from the start of the frame to make readable */
	__u32 trim;	   /* Ethernet padding behind the outer IP packet, to cut off */
	__u16 inner_proto; /* host order: ETH_P_IP, ETH_P_IPV6 or ETH_P_ARP */
	__u16 reason;	   /* enum xt_reason; with XT_RX_NEED, the one to drop under if the
			    * bytes cannot be made readable */
	bool peer_known;
};

/* The sender's peer id for trace events, once the sender is known to be a peer. */
static __always_inline __u32 xt_rx_peer(const struct xt_rx *rx)
{
	return rx->peer_known ? rx->peer_id : XT_TRACE_NO_PEER;
}

static __always_inline int xt_rx_verdict(struct xt_rx *rx, int verdict, enum xt_reason reason)
{
	rx->reason = reason;
	return verdict;
}

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
 * that cannot see its bytes never passes a packet. */
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

		if ((void *)(ip + 1) > data_end || ip->version != 4)
			return xt_rx_peer_drop(rx, XT_DROP_MALFORMED);
		if (!xt_rx_source_ok(rx, xt_route_lookup4(ip->saddr)))
			return xt_rx_peer_drop(rx, XT_DROP_SPOOFED);
	} else if (rx->inner_proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
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
		return xt_rx_peer_drop(rx, XT_DROP_MALFORMED);
	rx->inner_proto = bpf_ntohs(eth->h_proto);
	rx->inner_off = rx->outer_len + ETH_HLEN;
	if (rx->inner_proto == ETH_P_ARP) {
		struct xt_arp *arp = (void *)(eth + 1);
		__be32 spa;

		if ((void *)(arp + 1) > data_end)
			return xt_rx_peer_drop(rx, XT_DROP_MALFORMED);
		/* An ARP sender claims an address: it must be one of the peer's own, or a
		 * peer could take over another peer's addresses in our neighbour table. */
		__builtin_memcpy(&spa, arp->spa, sizeof(spa));
		if (!xt_rx_source_ok(rx, xt_route_lookup4(spa)))
			return xt_rx_peer_drop(rx, XT_DROP_SPOOFED);
		return xt_rx_verdict(rx, XT_RX_DECAP, XT_OK_DECAP);
	}
	return xt_rx_check_inner_ip(data, data_end, rx);
}

static __always_inline bool xt_rx_proto_ours(__u8 proto)
{
	if (xt_encap_is_udp(xt_cfg.encap))
		return proto == IPPROTO_UDP;
	if (xt_cfg.encap == XT_ENCAP_GRE)
		return proto == IPPROTO_GRE;
	return proto == IPPROTO_IPIP || proto == IPPROTO_IPV6;
}

static __always_inline bool xt_addr_is_local6(const struct in6_addr *a)
{
	const volatile __u32 *l = (const volatile __u32 *)xt_cfg.local;
	const __u32 *x = (const __u32 *)a;

	return ((x[0] ^ l[0]) | (x[1] ^ l[1]) | (x[2] ^ l[2]) | (x[3] ^ l[3])) == 0;
}

/* VXLAN (RFC 7348 section 5). */
static __always_inline int xt_rx_vxlan(struct xt_vxlanhdr *vx, void *data_end, void **inner,
				       struct xt_rx *rx)
{
	if ((void *)(vx + 1) > data_end)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);
	if (!(vx->flags & bpf_htonl(VXLAN_FLAG_I)))
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_VXLAN_FLAGS);
	/* Another overlay on the same uplink may own this VNI. The low byte is reserved:
	 * ignored on receipt. */
	if ((vx->vni & bpf_htonl(0xffffff00)) != bpf_htonl(xt_cfg.vni << 8))
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_VNI);
	*inner = vx + 1;
	return XT_RX_CONTINUE;
}

/*
 * GENEVE (RFC 8926 section 3.4). We understand no option: every option is skipped by its
 * length, and the packet is dropped if any is critical, if the C bit says one is, or if the
 * lengths do not add up to the header's option length.
 */
static __always_inline int xt_rx_geneve(struct xt_genevehdr *g, void *data_end, void **inner,
					struct xt_rx *rx)
{
	__u32 opt_len, off = 0, i;
	void *opts;

	if ((void *)(g + 1) > data_end)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);
	if (g->ver_opt_len >> GENEVE_VER_SHIFT)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_GENEVE_HEADER);
	if ((g->vni & bpf_htonl(0xffffff00)) != bpf_htonl(xt_cfg.vni << 8))
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_VNI);
	/* OAM frames are control traffic for the tunnel endpoint, which we do not have. */
	if (g->flags & GENEVE_F_OAM)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_GENEVE_HEADER);
	if (g->flags & GENEVE_F_CRITICAL)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_GENEVE_CRITICAL);
	opt_len = (g->ver_opt_len & GENEVE_OPT_LEN_MASK) * 4;
	opts = g + 1;
	for (i = 0; i < GENEVE_MAX_OPTIONS; i++) {
		struct xt_geneve_opt *o;

		if (off >= opt_len)
			break;
		o = opts + (off & 0xff);
		if ((void *)(o + 1) > data_end)
			return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);
		if (o->type & GENEVE_OPT_CRITICAL)
			return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_GENEVE_CRITICAL);
		off += sizeof(*o) + (o->len & GENEVE_OPT_LEN_MASK_5) * 4;
	}
	if (off != opt_len)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_GENEVE_HEADER);
	/* Only Ethernet payloads: a raw IP GENEVE payload would be another overlay type. */
	if (g->proto != bpf_htons(ETH_P_TEB))
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_INNER_PROTO);
	*inner = opts + (opt_len & 0xff);
	return XT_RX_CONTINUE;
}

/* GRE (RFC 2784, key per RFC 2890). Only the K bit is supported: checksum, routing and
 * sequence numbers and any other version (e.g. PPTP's) are dropped and counted. */
static __always_inline int xt_rx_gre(struct xt_grehdr *gre, void *data_end, void **inner,
				     struct xt_rx *rx)
{
	__u16 flags;
	void *end;

	if ((void *)(gre + 1) > data_end)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);
	flags = bpf_ntohs(gre->flags);
	if (flags & ~GRE_F_KEY)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_GRE_FLAGS);
	if (!(flags & GRE_F_KEY) != !xt_cfg.has_key)
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_KEY);
	end = gre + 1;
	if (flags & GRE_F_KEY) {
		__be32 *key = end;

		if ((void *)(key + 1) > data_end)
			return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);
		if (*key != bpf_htonl(xt_cfg.key))
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_KEY);
		end = key + 1;
	}
	if (gre->proto == bpf_htons(ETH_P_IP))
		rx->inner_proto = ETH_P_IP;
	else if (gre->proto == bpf_htons(ETH_P_IPV6))
		rx->inner_proto = ETH_P_IPV6;
	else
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_INNER_PROTO);
	*inner = end;
	return XT_RX_CONTINUE;
}

/*
 * The outer IPv4 header's checksum (RFC 791, RFC 1071): a header whose checksum is right
 * sums to all ones. The stack drops a wrong one before anything else (ip_rcv_core, as RFC
 * 1122 section 3.2.1.2 asks), so its own vxlan never sees such a packet; neither do we.
 * Options are summed where they can be read; a header that runs past what can be read is
 * cut short. 0, or the reason to drop for.
 */
static __always_inline int xt_ipv4_header_fault(struct iphdr *ip, void *data_end)
{
	__u32 *w = (__u32 *)ip, i;
	__u64 sum = (__u64)w[0] + w[1] + w[2] + w[3] + w[4];

	for (i = 5; i < 15 && i < ip->ihl; i++) {
		if ((void *)(w + i + 1) > data_end)
			return XT_DROP_MALFORMED;
		sum += w[i];
	}
	return xt_csum_fold(sum) == 0xffff ? 0 : XT_DROP_OUTER_CHECKSUM;
}

/*
 * Decide what to do with a frame received on the uplink. Anything that is not our
 * encapsulation to our address (and port, VNI or key) from a known peer is not ours and
 * passes untouched. frame_len is the whole frame, not only what the program can read
 * directly. The outer lengths must describe the frame exactly: the stack would drop a
 * datagram longer than its frame and trim one shorter, and we must not carry trailing
 * bytes into the inner packet. The one exception is Ethernet's padding: a frame of the
 * minimum size (60 bytes) may carry a shorter IP packet, and then rx->trim says how much
 * to cut off.
 */
static __always_inline int xt_rx_parse(void *data, void *data_end, __u32 frame_len,
				       struct xt_rx *rx)
{
	struct ethhdr *eth = data;
	struct iphdr *ip4 = NULL;
	__u32 l3_len, ip_len;
	void *l4, *inner = NULL;
	__u8 proto;
	int v;

	rx->frame_len = frame_len;
	if ((void *)(eth + 1) > data_end)
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_IP);
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end || ip->version != 4 || ip->ihl < 5)
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_IP);
		proto = ip->protocol;
		if (!xt_rx_proto_ours(proto))
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_PROTO);
		if (xt_cfg.family != XT_FAMILY_V4 || ip->daddr != xt_local4())
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_LOCAL);
		/* Fragments are left to the stack to reassemble; having no socket on the
		 * port, it cannot give the reassembled packet back to us (docs/security.md). */
		if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_FRAGMENT);
		ip4 = ip;
		l3_len = ip->ihl * 4;
		ip_len = bpf_ntohs(ip->tot_len);
		/* IPv4 total length 0 marks a GSO packet above 64 KiB (BIG TCP). */
		if (ip_len == 0 && frame_len - ETH_HLEN > 0xffff)
			ip_len = frame_len - ETH_HLEN;
		xt_addr_from_ipv4(rx->endpoint, ip->saddr);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_IP);
		proto = ip6->nexthdr;
		if (proto == NEXTHDR_FRAGMENT)
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_FRAGMENT);
		/* Extension headers included: the outer header is expected bare. */
		if (!xt_rx_proto_ours(proto))
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_PROTO);
		if (xt_cfg.family != XT_FAMILY_V6 || !xt_addr_is_local6(&ip6->daddr))
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_LOCAL);
		l3_len = IPV6_HLEN;
		ip_len = bpf_ntohs(ip6->payload_len) + IPV6_HLEN;
		/* Payload length 0 marks a GSO packet above 64 KiB (BIG TCP, RFC 2675 style). */
		if (ip_len == IPV6_HLEN && frame_len - ETH_HLEN > 0xffff)
			ip_len = frame_len - ETH_HLEN;
		__builtin_memcpy(rx->endpoint, &ip6->saddr, XT_ADDR_LEN);
	} else {
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_IP);
	}
	l4 = (void *)(eth + 1) + (l3_len & 0x3f);

	if (xt_encap_is_udp(xt_cfg.encap)) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end)
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_PROTO);
		if (udp->dest != bpf_htons(xt_cfg.port))
			return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_PORT);
	}
	/* Ethernet pads a frame to 60 bytes (IEEE 802.3 section 4.2.3.3); the stack trims an IP
	 * packet to its own length (ip_rcv_core). Only IPv4 GRE and IPIP packets can be that
	 * short: the UDP encapsulations and any IPv6 underlay take more than 46 bytes of IP. */
	if (frame_len == ETH_ZLEN && ip_len < ETH_ZLEN - ETH_HLEN)
		rx->trim = ETH_ZLEN - ETH_HLEN - ip_len;
	else if (ip_len != frame_len - ETH_HLEN)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);
	/* What is read of a padded packet must be the packet's, not the padding: the GRE
	 * header and an inner IPv4 header (the only inner header that short) within the IP
	 * length. The exact end is checked once the encapsulation header is known. */
	if (rx->trim &&
	    (xt_encap_is_l2(xt_cfg.encap) ||
	     ip_len < l3_len + (xt_cfg.encap == XT_ENCAP_GRE ? 4 : 0) + sizeof(struct iphdr)))
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);

	if (xt_encap_is_udp(xt_cfg.encap)) {
		struct udphdr *udp = l4;

		if (bpf_ntohs(udp->len) != ip_len - l3_len)
			return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);
		if (xt_cfg.encap == XT_ENCAP_VXLAN)
			v = xt_rx_vxlan((void *)(udp + 1), data_end, &inner, rx);
		else
			v = xt_rx_geneve((void *)(udp + 1), data_end, &inner, rx);
	} else if (xt_cfg.encap == XT_ENCAP_GRE) {
		v = xt_rx_gre(l4, data_end, &inner, rx);
	} else {
		rx->inner_proto = proto == IPPROTO_IPIP ? ETH_P_IP : ETH_P_IPV6;
		inner = l4;
		v = XT_RX_CONTINUE;
	}
	if (v != XT_RX_CONTINUE)
		return v;

	rx->outer_len = inner - data;
	rx->inner_off = rx->outer_len;
	if (rx->trim && (rx->inner_proto != ETH_P_IP ||
			 rx->outer_len + sizeof(struct iphdr) > ETH_HLEN + ip_len))
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);
	if (xt_encap_is_l2(xt_cfg.encap))
		v = xt_rx_check_inner_eth(data, data_end, rx);
	else
		v = xt_rx_check_inner_ip(data, data_end, rx);
	/* Last, where a packet would otherwise be decapsulated (or the inner checks want more
	 * bytes): its options make the sum a loop, and what follows a loop the verifier walks
	 * once for each way out of it. */
	if (ip4 && (v == XT_RX_DECAP || v == XT_RX_NEED)) {
		int fault = xt_ipv4_header_fault(ip4, data_end);

		if (fault)
			v = xt_rx_verdict(rx, XT_RX_DROP, fault);
	}
	return v;
}

#endif
