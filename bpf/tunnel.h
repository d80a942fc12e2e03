/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The encapsulation headers, as received (see rx.h) and as written on encap: VXLAN
 * (RFC 7348), GENEVE (RFC 8926), GRE (RFC 2784/2890) and IPIP (RFC 2003, and IPv6 in IPv4
 * per RFC 4213; RFC 2473 for IPv6 outer headers), over IPv4 or IPv6.
 */
#ifndef XT_BPF_TUNNEL_H
#define XT_BPF_TUNNEL_H

#include "common.h"
#include "csum.h"

#define XT_ARP_LEN 28	/* Ethernet/IPv4 ARP body, RFC 826 */
#define XT_OUTER_TTL 64 /* outer IPv4 TTL and IPv6 hop limit */

struct xt_arp {
	__be16 hrd;
	__be16 pro;
	__u8 hln;
	__u8 pln;
	__be16 op;
	__u8 sha[6];
	__u8 spa[4];
	__u8 tha[6];
	__u8 tpa[4];
} __attribute__((packed));

struct xt_vxlanhdr {
	__be32 flags;
	__be32 vni; /* VNI in the upper 24 bits */
};

#define GENEVE_VER_SHIFT 6
#define GENEVE_OPT_LEN_MASK 0x3f
#define GENEVE_F_OAM 0x80
#define GENEVE_F_CRITICAL 0x40
#define GENEVE_OPT_CRITICAL 0x80 /* high bit of an option's type */
#define GENEVE_OPT_LEN_MASK_5 0x1f
#define GENEVE_MAX_OPTIONS 63 /* 252 bytes of options, 4 at least each */

struct xt_genevehdr {
	__u8 ver_opt_len; /* version (2 bits), option length in 4-byte words (6) */
	__u8 flags;	  /* O, C, reserved */
	__be16 proto;
	__be32 vni; /* VNI in the upper 24 bits */
};

struct xt_geneve_opt {
	__be16 class;
	__u8 type;
	__u8 len; /* 3 reserved bits, length in 4-byte words (5) */
};

#define GRE_F_KEY 0x2000

struct xt_grehdr {
	__be16 flags; /* C R K S s Recur(3) Flags(5) Ver(3) */
	__be16 proto;
};

/* What follows the outer IP header on encap. Its 32 bytes leave 2 zero bytes behind the
 * UDP encapsulations' 30, so their checksum can be summed in whole words. */
struct xt_udp_tunnel {
	struct udphdr udp;
	__be32 word0; /* VXLAN flags, or GENEVE version/length/flags/protocol */
	__be32 vni;
	struct ethhdr inner;
} __attribute__((packed));

union xt_encap_l4 {
	struct xt_udp_tunnel udp;
	struct {
		struct xt_grehdr hdr;
		__be32 key;
	} gre;
	__u8 words[32];
};

/* Outer headers as written on encap, preceded by 2 bytes so that the IP header is 4-byte
 * aligned on the stack (the verifier rejects misaligned stack access). */
struct xt_hdr4 {
	__u16 align;
	struct ethhdr eth;
	struct iphdr ip;
	union xt_encap_l4 l4;
};

struct xt_hdr6 {
	__u16 align;
	struct ethhdr eth;
	struct ipv6hdr ip6;
	union xt_encap_l4 l4;
};
_Static_assert(__builtin_offsetof(struct xt_hdr4, ip) == 16, "ip aligned");
_Static_assert(__builtin_offsetof(struct xt_hdr6, l4) == 56, "l4 aligned");

/* The Ethernet header an L3 decapsulation puts in front of the inner IP packet: addressed
 * to the overlay device, or the stack would take the packet for another host's. */
static __always_inline void xt_overlay_eth(struct ethhdr *eth, __u16 inner_proto)
{
	__u32 mac[2];

	xt_cfg_copy32(mac, xt_cfg.overlay_mac, 2);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	__builtin_memset(eth->h_source, 0, ETH_ALEN);
	eth->h_proto = bpf_htons(inner_proto);
}

/* IPv6 underlay with a UDP encapsulation: the one case with an outer checksum to compute. */
static __always_inline bool xt_udp6(void)
{
	return xt_cfg.family == XT_FAMILY_V6 && xt_encap_is_udp(xt_cfg.encap);
}

/* Whether the outer UDP checksum to peer r is computed: over IPv6, unless the peer has
 * udp6-zero-csum on. RFC 6935 section 5 lets a tunnel over IPv6 send 0 where both ends are
 * configured for it; RFC 6936 section 3 lists what the user then vouches for (the inner
 * packet has its own checksum, or the tunnel tolerates misdelivery). Never the default. */
static __always_inline bool xt_udp6_csum(const struct xt_route *r)
{
	return xt_udp6() && !(r->flags & XT_PEER_F_UDP6_ZERO_CSUM);
}

static __always_inline __u8 xt_outer_proto(__u16 inner_proto)
{
	if (xt_encap_is_udp(xt_cfg.encap))
		return IPPROTO_UDP;
	if (xt_cfg.encap == XT_ENCAP_GRE)
		return IPPROTO_GRE;
	return inner_proto == ETH_P_IPV6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
}

/*
 * The outer UDP source port of a flow: the kernel's udp_flow_src_port (include/net/udp.h)
 * over XT_SRC_PORT_MIN-XT_SRC_PORT_MAX, in the dynamic range RFC 7348 section 5 and RFC 8926
 * section 3.3 ask for; entropy for ECMP and RSS on the underlay. The kernel's vxlan device
 * picks its port this way from the skb's hash, which xt_encap sets to ours (bpf_set_hash),
 * so a flow's GSO packets, which that device encapsulates, and its other packets, which we
 * encapsulate, take one path through the underlay: on two paths ECMP would reorder it.
 */
static __always_inline __u16 xt_src_port(__u32 hash)
{
	hash ^= hash << 16;
	return (((__u64)hash * (XT_SRC_PORT_MAX - XT_SRC_PORT_MIN)) >> 32) + XT_SRC_PORT_MIN;
}

/* The outer IPv6 flow label of a flow: the low 20 bits of its hash, ours and the vxlan
 * device's alike (bpf_skb_set_tunnel_key takes the label as is). */
static __always_inline __u32 xt_flow_label(__u32 hash)
{
	return hash & 0xfffff;
}

/* Everything behind the outer IP header. l4_len: from there to the end of the packet. */
static __always_inline void xt_l4_build(union xt_encap_l4 *l4, const struct xt_route *r,
					__u32 l4_len, __u32 hash, const struct ethhdr *inner,
					__u16 inner_proto)
{
	if (xt_encap_is_udp(xt_cfg.encap)) {
		l4->udp.udp.source = bpf_htons(xt_src_port(hash));
		l4->udp.udp.dest = bpf_htons(r->port);
		l4->udp.udp.len = bpf_htons(l4_len);
		l4->udp.udp.check = 0;
		if (xt_cfg.encap == XT_ENCAP_VXLAN)
			l4->udp.word0 = bpf_htonl(VXLAN_FLAG_I);
		else /* version 0, no options, no flags, Ethernet payload */
			l4->udp.word0 = bpf_htonl(ETH_P_TEB);
		l4->udp.vni = bpf_htonl(xt_cfg.vni << 8);
		__builtin_memcpy(&l4->udp.inner, inner, ETH_HLEN);
	} else if (xt_cfg.encap == XT_ENCAP_GRE) {
		l4->gre.hdr.flags = xt_cfg.has_key ? bpf_htons(GRE_F_KEY) : 0;
		l4->gre.hdr.proto = bpf_htons(inner_proto);
		l4->gre.key = bpf_htonl(xt_cfg.key);
	}
}

static __always_inline void xt_ipv4_build(struct iphdr *ip, const struct xt_route *r, __u32 ip_len,
					  __u8 proto)
{
	__u64 sum = 0;
	__u32 i;

	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0;
	ip->tot_len = bpf_htons(ip_len);
	/* DF set, so the ID may be zero (RFC 6864 section 4.1). */
	ip->id = 0;
	ip->frag_off = bpf_htons(0x4000);
	ip->ttl = XT_OUTER_TTL;
	ip->protocol = proto;
	ip->check = 0;
	ip->saddr = xt_local4();
	__builtin_memcpy(&ip->daddr, r->endpoint + 12, 4);
	/* Summed here, not by bpf_csum_diff: ten words cost less than a helper call. */
	for (i = 0; i < sizeof(*ip) / 2; i++)
		sum += ((const __u16 *)ip)[i];
	ip->check = (__u16)~xt_csum_fold(sum);
}

static __always_inline void xt_ipv6_build(struct ipv6hdr *ip6, const struct xt_route *r,
					  __u32 payload_len, __u8 nexthdr, __u32 hash)
{
	__u32 label = xt_flow_label(hash);

	ip6->version = 6;
	ip6->priority = 0;
	/* The flow label carries the inner flow's hash, as RFC 6438 asks of tunnels: the
	 * only entropy ECMP has for GRE and IPIP. */
	ip6->flow_lbl[0] = label >> 16;
	ip6->flow_lbl[1] = (label >> 8) & 0xff;
	ip6->flow_lbl[2] = label & 0xff;
	ip6->payload_len = bpf_htons(payload_len);
	ip6->nexthdr = nexthdr;
	ip6->hop_limit = XT_OUTER_TTL;
	xt_cfg_copy32(&ip6->saddr, xt_cfg.local, XT_ADDR_LEN / 4);
	__builtin_memcpy(&ip6->daddr, r->endpoint, XT_ADDR_LEN);
}

/* A flow hash of the inner packet for the outer source port and flow label, where there is
 * no skb hash (XDP, or an skb nobody hashed): the addresses and, for TCP and UDP, the
 * ports, mixed as murmur3's finaliser does. 0 for anything but IP. */
static __always_inline __u32 xt_flow_hash(void *l3, void *data_end, __u16 proto)
{
	__u32 h = 0, *ports = NULL;
	__u8 l4 = 0;

	if (proto == ETH_P_IP) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > data_end)
			return 0;
		h = ip->saddr ^ (ip->daddr * 0x9e3779b1);
		if (!(ip->frag_off & bpf_htons(IP_MF | IP_OFFSET)))
			l4 = ip->protocol;
		ports = (void *)ip + ((ip->ihl * 4) & 0x3c);
	} else if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = l3;
		__u32 *w;
		int i;

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		w = (__u32 *)&ip6->saddr;
		for (i = 0; i < 8; i++)
			h = (h ^ w[i]) * 0x9e3779b1;
		l4 = ip6->nexthdr;
		ports = (void *)(ip6 + 1);
	} else {
		return 0;
	}
	if ((l4 == IPPROTO_TCP || l4 == IPPROTO_UDP) && (void *)(ports + 1) <= data_end)
		h ^= *ports * 0x85ebca6b;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	return h ^ (h >> 16);
}

/* Outer headers as written on encap, either family. */
union xt_outer {
	struct xt_hdr4 v4;
	struct xt_hdr6 v6;
};

/*
 * Builds the outer headers for a frame of len bytes (Ethernet header included) in b, and,
 * for an L2 encapsulation, the copy of the inner Ethernet header behind them. Returns how
 * many bytes from &b->v4.eth (the same place as &b->v6.eth) go at the front of the frame
 * once it has xt_encap_overhead() bytes more. Outer MACs are zero. inner_sum: the inner
 * packet's sum (csum.h), needed only for the outer UDP checksum over IPv6 (xt_udp6_csum;
 * without it, 0 goes out).
 */
static __always_inline __u32 xt_outer_build(union xt_outer *b, const struct xt_route *r, __u32 len,
					    __u16 inner_proto, const struct ethhdr *inner,
					    __u32 hash, __u64 inner_sum)
{
	__u32 overhead = xt_encap_overhead(xt_cfg.encap, xt_cfg.family, xt_cfg.has_key);
	__u32 ip_len = len + overhead - ETH_HLEN;
	__u8 proto = xt_outer_proto(inner_proto);

	__builtin_memset(b, 0, sizeof(*b));
	if (xt_cfg.family == XT_FAMILY_V6) {
		struct xt_hdr6 *h = &b->v6;

		h->eth.h_proto = bpf_htons(ETH_P_IPV6);
		xt_ipv6_build(&h->ip6, r, ip_len - IPV6_HLEN, proto, hash);
		xt_l4_build(&h->l4, r, ip_len - IPV6_HLEN, hash, inner, inner_proto);
		if (xt_udp6_csum(r)) {
			__u64 sum = xt_pseudo6(&h->ip6.saddr, &h->ip6.daddr, IPPROTO_UDP,
					       ip_len - IPV6_HLEN) +
				    xt_csum_short(h->l4.words, sizeof(h->l4.words)) + inner_sum;
			__u16 check = ~xt_csum_fold(sum);

			/* RFC 768: a computed 0 goes out as all ones; 0 means "none". */
			h->l4.udp.udp.check = check ? check : 0xffff;
		}
	} else {
		struct xt_hdr4 *h = &b->v4;

		h->eth.h_proto = bpf_htons(ETH_P_IP);
		xt_ipv4_build(&h->ip, r, ip_len, proto);
		/* A zero UDP checksum is allowed over IPv4 (RFC 768, RFC 7348 section 5). */
		xt_l4_build(&h->l4, r, ip_len - sizeof(struct iphdr), hash, inner, inner_proto);
	}
	return ETH_HLEN + overhead;
}

#endif
