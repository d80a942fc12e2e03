/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internet checksum (RFC 1071) pieces for the outer UDP checksum over IPv6, which RFC 8200
 * section 8.1 makes mandatory. Sums are kept unfolded in 64 bits and in memory order, as
 * bpf_csum_diff returns them, so that words read from packets and from the stack add up
 * without byte swaps.
 */
#ifndef XT_BPF_CSUM_H
#define XT_BPF_CSUM_H

#include "common.h"

#define XT_CSUM_CHUNK 128

static __always_inline __u16 xt_csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static __always_inline __u64 xt_csum_words(const void *p, __u32 len)
{
	return (__u32)bpf_csum_diff(0, 0, (__be32 *)p, len, 0);
}

/*
 * The same sum of a few bytes known at compile time (len even), in 2-byte loads: a header's
 * addresses and words cost less summed here than a helper call each (bpf_csum_diff is a call
 * into csum_partial), and 2-byte loads keep the verifier's stack alignment rule for headers
 * built on the stack behind a 14-byte Ethernet header. Folded, a sum of 2-byte words equals
 * one of 4-byte words: 2^16 is 1 modulo 2^16 - 1.
 */
static __always_inline __u64 xt_csum_short(const void *p, __u32 len)
{
	const __u16 *w = p;
	__u64 sum = 0;
	__u32 i;

#pragma unroll
	for (i = 0; i < len / 2; i++)
		sum += w[i];
	return sum;
}

/* The pseudo-header sums of RFC 768 (IPv4) and RFC 8200 section 8.1 (IPv6). */
static __always_inline __u64 xt_pseudo4(__be32 src, __be32 dst, __u8 proto, __u32 len)
{
	return (__u64)src + dst + bpf_htons(proto) + bpf_htons((__u16)len);
}

static __always_inline __u64 xt_pseudo6(const void *src, const void *dst, __u8 proto, __u32 len)
{
	return xt_csum_short(src, 16) + xt_csum_short(dst, 16) + bpf_htonl(len) + bpf_htonl(proto);
}

/*
 * The sum of the inner packet (everything behind the inner Ethernet header) as it will be
 * on the wire, for the outer UDP checksum over IPv6. For TCP, UDP and ICMPv6 that sum is
 * known without reading the payload: a correct transport checksum makes the transport
 * segment sum to the complement of its pseudo-header (and an ICMP message to zero). That
 * holds as well when the checksum is still to be filled in by offload (CHECKSUM_PARTIAL):
 * the same idea as the kernel's local checksum offload (lco_csum). A valid IPv4 header sums
 * to zero. Anything else (fragments, ARP, other protocols, extension headers, UDP over IPv4
 * without a checksum) must be summed byte by byte: 1 says so. -1: headers cut short. An
 * IPv6 extension header can never take the shortcut: with one, the fixed header's next
 * header is its type, none of TCP, UDP and ICMPv6, and the pseudo-header's length would
 * be wrong by the chain's.
 */
static __always_inline int xt_inner_sum_known(void *l3, void *data_end, __u16 proto, __u64 *sum)
{
	if (proto == ETH_P_IP) {
		struct iphdr *ip = l3;
		__u32 ihl, len;

		if ((void *)(ip + 1) > data_end)
			return -1;
		ihl = ip->ihl * 4;
		len = bpf_ntohs(ip->tot_len);
		if (ihl >= 20 && len > ihl && !(ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))) {
			struct udphdr *udp = (void *)ip + (ihl & 0x3c);

			if (ip->protocol == IPPROTO_ICMP) {
				*sum = 0;
				return 0;
			}
			if (ip->protocol == IPPROTO_TCP ||
			    (ip->protocol == IPPROTO_UDP && (void *)(udp + 1) <= data_end &&
			     udp->check)) {
				*sum = (__u16)~xt_csum_fold(
					xt_pseudo4(ip->saddr, ip->daddr, ip->protocol, len - ihl));
				return 0;
			}
		}
	} else if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = l3;
		struct udphdr *udp = (void *)(ip6 + 1);
		__u8 next;

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		next = ip6->nexthdr;
		if (next == IPPROTO_TCP || next == IPPROTO_ICMPV6 ||
		    (next == IPPROTO_UDP && (void *)(udp + 1) <= data_end && udp->check)) {
			*sum = xt_csum_short(ip6, IPV6_HLEN) +
			       (__u16)~xt_csum_fold(xt_pseudo6(&ip6->saddr, &ip6->daddr, next,
							       bpf_ntohs(ip6->payload_len)));
			return 0;
		}
	}
	return 1;
}

struct xt_csum_walk {
	struct __sk_buff *skb;
	__u32 off;
	__u32 end;
	__u64 sum;
	int err;
};

static long xt_csum_chunk(__u32 i, void *ctx)
{
	struct xt_csum_walk *w = ctx;
	__u8 buf[XT_CSUM_CHUNK + 4] = {}; /* + 4: the verifier bounds the rounded-up size loosely */
	__u64 off = w->off, end = w->end, n;

	/* 64-bit arithmetic: a 32-bit n would be clamped in one register and passed to the
	 * helper in another, unclamped, and the verifier refuses that. */
	n = end - off;
	if (off >= end || n == 0)
		return 1;
	if (n > XT_CSUM_CHUNK)
		n = XT_CSUM_CHUNK;
	if (bpf_skb_load_bytes(w->skb, off, buf, n)) {
		w->err = 1;
		return 1;
	}
	/* Whole words: the tail's missing bytes are the zeros buf starts with. Chunks start
	 * at even offsets from the region's start, so byte pairs line up. */
	w->sum += xt_csum_words(buf, (n + 3) & ~3ull);
	w->off += n;
	return 0;
}

/* The sum of bytes [off, end) of the skb, linear or not; -1 if it cannot be read. */
static __always_inline int xt_csum_skb(struct __sk_buff *skb, __u32 off, __u32 end, __u64 *sum)
{
	struct xt_csum_walk w = { .skb = skb, .off = off, .end = end };

	bpf_loop((0x10000 + XT_CSUM_CHUNK - 1) / XT_CSUM_CHUNK, xt_csum_chunk, &w, 0);
	if (w.err || w.off != end)
		return -1;
	*sum = w.sum;
	return 0;
}

#endif
