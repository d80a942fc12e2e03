/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * VXLAN (RFC 7348) over IPv4: the receive parser shared by the XDP and TC front ends, and
 * the outer header builder used by encap. The parser works on plain data/data_end pointers
 * so that both program types run exactly the same code.
 */
#ifndef XT_BPF_VXLAN_H
#define XT_BPF_VXLAN_H

#include "common.h"
#include "route.h"
#include "stats.h"

#define XT_ARP_LEN 28 /* Ethernet/IPv4 ARP body, RFC 826 */

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

/* Outer headers as written on encap, preceded by 2 bytes so that the IPv4 header is 4-byte
 * aligned on the stack (the verifier rejects misaligned stack access). */
struct xt_encap_buf {
	__u16 align;
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	struct xt_vxlanhdr vx;
	struct ethhdr inner;
};
_Static_assert(__builtin_offsetof(struct xt_encap_buf, ip) == 16, "ip aligned");
_Static_assert(__builtin_offsetof(struct xt_encap_buf, inner) == 2 + XT_VXLAN_OVERHEAD, "no holes");

enum xt_rx_verdict {
	XT_RX_PASS,
	XT_RX_DROP,
	XT_RX_DECAP,
};

struct xt_rx {
	__u32 peer_id;
	__u32 outer_len;   /* bytes in front of the inner Ethernet header */
	__u16 inner_proto; /* host order: ETH_P_IP or ETH_P_ARP */
	__u16 reason;	   /* enum xt_reason */
};

static __always_inline int xt_rx_verdict(struct xt_rx *rx, int verdict, enum xt_reason reason)
{
	rx->reason = reason;
	return verdict;
}

/* A packet from a known peer that we will not deliver: counted against the peer too. */
static __always_inline int xt_rx_peer_drop(struct xt_rx *rx, enum xt_reason reason)
{
	xt_count_peer_drop(rx->peer_id);
	return xt_rx_verdict(rx, XT_RX_DROP, reason);
}

static __always_inline int xt_rx_check_inner(void *inner, void *data_end, struct xt_rx *rx)
{
	struct ethhdr *eth = inner;
	__be32 src;

	if ((void *)(eth + 1) > data_end)
		return xt_rx_peer_drop(rx, XT_DROP_MALFORMED);
	rx->inner_proto = bpf_ntohs(eth->h_proto);
	if (rx->inner_proto == ETH_P_IP) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end || ip->version != 4)
			return xt_rx_peer_drop(rx, XT_DROP_MALFORMED);
		src = ip->saddr;
	} else if (rx->inner_proto == ETH_P_ARP) {
		struct xt_arp *arp = (void *)(eth + 1);

		if ((void *)(arp + 1) > data_end)
			return xt_rx_peer_drop(rx, XT_DROP_MALFORMED);
		/* An ARP sender claims an address: it must be one of the peer's own, or a
		 * peer could take over another peer's addresses in our neighbour table. */
		__builtin_memcpy(&src, arp->spa, sizeof(src));
	} else {
		return xt_rx_peer_drop(rx, XT_DROP_INNER_PROTO);
	}
	if (!xt_source_allowed(src, rx->peer_id))
		return xt_rx_peer_drop(rx, XT_DROP_SPOOFED);
	return xt_rx_verdict(rx, XT_RX_DECAP, XT_OK_DECAP);
}

/*
 * The outer lengths must describe the frame exactly: the stack would drop a datagram
 * longer than its frame and trim one shorter, and we must not carry trailing bytes into
 * the inner frame. A VXLAN frame is never short enough for Ethernet padding (92 bytes at
 * least). frame_len is the whole frame, not only what the program can read directly.
 */
static __always_inline bool xt_rx_lengths_ok(struct iphdr *ip, struct udphdr *udp, __u32 ihl,
					     __u32 frame_len)
{
	__u32 ip_len = bpf_ntohs(ip->tot_len);

	/* IPv4 total length 0 marks a GSO packet above 64 KiB (BIG TCP). */
	if (ip_len == 0 && frame_len - ETH_HLEN > 0xffff)
		ip_len = frame_len - ETH_HLEN;
	return ip_len == frame_len - ETH_HLEN && bpf_ntohs(udp->len) == ip_len - ihl;
}

/* Decide what to do with a frame received on the uplink. Anything that is not VXLAN to our
 * address, port and VNI from a known peer is not ours and passes untouched. */
static __always_inline int xt_rx_parse(void *data, void *data_end, __u32 frame_len,
				       struct xt_rx *rx)
{
	struct ethhdr *eth = data;
	struct xt_peer_key pkey;
	struct xt_vxlanhdr *vx;
	struct xt_peer *peer;
	struct udphdr *udp;
	struct iphdr *ip;
	__u32 ihl;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_IPV4);
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->version != 4 || ip->ihl < 5)
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_IPV4);
	if (ip->protocol != IPPROTO_UDP)
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_UDP);
	if (ip->daddr != xt_cfg.local)
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_LOCAL);
	/* Fragments are left to the stack to reassemble; we never see the whole datagram. */
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_FRAGMENT);
	ihl = ip->ihl * 4;
	udp = (void *)ip + ihl;
	if ((void *)(udp + 1) > data_end)
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_NOT_UDP);
	if (udp->dest != bpf_htons(xt_cfg.port))
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_PORT);
	vx = (void *)(udp + 1);
	if ((void *)(vx + 1) > data_end || !xt_rx_lengths_ok(ip, udp, ihl, frame_len))
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_MALFORMED);
	if (!(vx->flags & bpf_htonl(VXLAN_FLAG_I)))
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_VXLAN_FLAGS);
	/* Another overlay on the same uplink may own this VNI. The low byte is reserved:
	 * ignored on receipt (RFC 7348 section 5). */
	if ((vx->vni & bpf_htonl(0xffffff00)) != bpf_htonl(xt_cfg.vni << 8))
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_OTHER_VNI);
	__builtin_memcpy(pkey.endpoint, &ip->saddr, 4);
	peer = bpf_map_lookup_elem(&xt_peers, &pkey);
	if (!peer)
		return xt_rx_verdict(rx, XT_RX_PASS, XT_PASS_UNKNOWN_PEER);
	rx->peer_id = peer->id;
	rx->outer_len = (void *)(vx + 1) - data;
	return xt_rx_check_inner(vx + 1, data_end, rx);
}

/* Fill the outer Ethernet/IPv4/UDP/VXLAN headers. total_len is the outer frame length. */
static __always_inline void xt_vxlan_build(struct xt_encap_buf *b, const struct xt_route *r,
					   __u32 total_len, __u32 hash)
{
	__u32 sum;

	b->eth.h_proto = bpf_htons(ETH_P_IP);
	b->ip.version = 4;
	b->ip.ihl = 5;
	b->ip.tos = 0;
	b->ip.tot_len = bpf_htons(total_len - ETH_HLEN);
	/* DF set, so the ID may be zero (RFC 6864 section 4.1). */
	b->ip.id = 0;
	b->ip.frag_off = bpf_htons(0x4000);
	b->ip.ttl = 64;
	b->ip.protocol = IPPROTO_UDP;
	b->ip.check = 0;
	b->ip.saddr = xt_cfg.local;
	__builtin_memcpy(&b->ip.daddr, r->endpoint, 4);
	sum = bpf_csum_diff(0, 0, (__be32 *)&b->ip, sizeof(b->ip), 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	b->ip.check = (__u16)~sum;
	/* Source port from the inner flow hash, in 49152-65535 as RFC 7348 section 5 asks:
	 * entropy for ECMP and RSS on the underlay. A zero UDP checksum is allowed over IPv4. */
	b->udp.source = bpf_htons(((hash ^ (hash >> 16)) & 0x3fff) | 0xc000);
	b->udp.dest = bpf_htons(r->port);
	b->udp.len = bpf_htons(total_len - ETH_HLEN - sizeof(struct iphdr));
	b->udp.check = 0;
	b->vx.flags = bpf_htonl(VXLAN_FLAG_I);
	b->vx.vni = bpf_htonl(xt_cfg.vni << 8);
}

#endif
