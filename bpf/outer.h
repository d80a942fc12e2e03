/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The outer headers of what arrives on the uplink, for every decap program (rx.h's for the
 * L3 overlays, l2.h's for the L2 ones): outer IPv4 or IPv6 to this host, then the overlay's
 * encapsulation (VXLAN, GENEVE, GRE or IPIP) with its port, VNI or key. What is behind them
 * is the caller's to check. Plain data/data_end pointers, so that XDP and TC run the same
 * code.
 */
#ifndef XT_BPF_OUTER_H
#define XT_BPF_OUTER_H

#include "common.h"
#include "csum.h"
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
	bool need_upper;   /* XT_RX_NEED came from the inner packet's upper-layer checks, once
			    * everything in front of them was found fine */
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

/*
 * A header runs from data up to end, and data_end stops short of end. In an skb the bytes
 * may be there all the same, beyond its linear area: XT_RX_NEED, and the caller makes the
 * first rx->need bytes readable and parses again (the receive paths pull no more than what
 * their checks read: xt_decap_tc). Only a frame that is itself that short gets verdict for
 * reason. XDP reads the whole frame, so there it is always verdict.
 */
static __always_inline int xt_rx_cut(struct xt_rx *rx, void *data, void *end, int verdict,
				     enum xt_reason reason)
{
	__u32 off = end - data;

	if (off <= rx->frame_len) {
		rx->need = off;
		return xt_rx_verdict(rx, XT_RX_NEED, reason);
	}
	return xt_rx_verdict(rx, verdict, reason);
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
static __always_inline int xt_rx_vxlan(void *data, struct xt_vxlanhdr *vx, void *data_end,
				       void **inner, struct xt_rx *rx)
{
	if ((void *)(vx + 1) > data_end)
		return xt_rx_cut(rx, data, vx + 1, XT_RX_DROP, XT_DROP_MALFORMED);
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
static __always_inline int xt_rx_geneve(void *data, struct xt_genevehdr *g, void *data_end,
					void **inner, struct xt_rx *rx)
{
	__u32 opt_len, off = 0, i;
	void *opts;

	if ((void *)(g + 1) > data_end)
		return xt_rx_cut(rx, data, g + 1, XT_RX_DROP, XT_DROP_MALFORMED);
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
			return xt_rx_cut(rx, data, o + 1, XT_RX_DROP, XT_DROP_MALFORMED);
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
static __always_inline int xt_rx_gre(void *data, struct xt_grehdr *gre, void *data_end,
				     void **inner, struct xt_rx *rx)
{
	__u16 flags;
	void *end;

	if ((void *)(gre + 1) > data_end)
		return xt_rx_cut(rx, data, gre + 1, XT_RX_DROP, XT_DROP_MALFORMED);
	flags = bpf_ntohs(gre->flags);
	if (flags & ~GRE_F_KEY)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_GRE_FLAGS);
	if (!(flags & GRE_F_KEY) != !xt_cfg.has_key)
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_KEY);
	end = gre + 1;
	if (flags & GRE_F_KEY) {
		__be32 *key = end;

		if ((void *)(key + 1) > data_end)
			return xt_rx_cut(rx, data, key + 1, XT_RX_DROP, XT_DROP_MALFORMED);
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
 * The outer headers of a frame received on the uplink. XT_RX_CONTINUE: they are this
 * overlay's encapsulation to our address (and port, VNI or key), and rx->outer_len says
 * where what they carry starts (rx->inner_proto too for GRE and IPIP); *ip4 is the outer
 * IPv4 header, whose checksum the caller checks last (xt_ipv4_header_fault). Anything else
 * is a verdict: not ours passes untouched, a header of ours that is wrong drops. frame_len is the
 * whole frame, not only what the program can read directly. The outer lengths must describe the
 * frame exactly: the stack would drop a datagram longer than its frame and trim one shorter, and we
 * must not carry trailing bytes into the inner packet. The one exception is Ethernet's padding: a
 * frame of the minimum size (60 bytes) may carry a shorter IP packet, and then rx->trim says how
 * much to cut off.
 */
static __always_inline int xt_rx_outer(void *data, void *data_end, __u32 frame_len,
				       struct xt_rx *rx, struct iphdr **ip4)
{
	struct ethhdr *eth = data;
	__u32 l3_len, ip_len;
	void *l4, *inner = NULL;
	__u8 proto;
	int v;

	rx->frame_len = frame_len;
	if ((void *)(eth + 1) > data_end)
		return xt_rx_cut(rx, data, eth + 1, XT_RX_PASS, XT_PASS_NOT_IP);
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end)
			return xt_rx_cut(rx, data, ip + 1, XT_RX_PASS, XT_PASS_NOT_IP);
		if (ip->version != 4 || ip->ihl < 5)
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
		*ip4 = ip;
		l3_len = ip->ihl * 4;
		ip_len = bpf_ntohs(ip->tot_len);
		/* IPv4 total length 0 marks a GSO packet above 64 KiB (BIG TCP). */
		if (ip_len == 0 && frame_len - ETH_HLEN > 0xffff)
			ip_len = frame_len - ETH_HLEN;
		xt_addr_from_ipv4(rx->endpoint, ip->saddr);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return xt_rx_cut(rx, data, ip6 + 1, XT_RX_PASS, XT_PASS_NOT_IP);
		if (ip6->version != 6)
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
			return xt_rx_cut(rx, data, udp + 1, XT_RX_PASS, XT_PASS_OTHER_PROTO);
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
			v = xt_rx_vxlan(data, (void *)(udp + 1), data_end, &inner, rx);
		else
			v = xt_rx_geneve(data, (void *)(udp + 1), data_end, &inner, rx);
	} else if (xt_cfg.encap == XT_ENCAP_GRE) {
		v = xt_rx_gre(data, l4, data_end, &inner, rx);
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
	return XT_RX_CONTINUE;
}

#endif
