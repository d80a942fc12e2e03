/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IPv6 extension headers (RFC 8200 section 4): where the upper-layer header of an IPv6
 * packet is, for the checks that read it (decap: a neighbour advertisement's target; encap:
 * a neighbour solicitation's). The chain is walked as the kernel walks it before it hands a
 * packet to ICMPv6 (ipv6_skip_exthdr, ip6_protocol_deliver_rcu): Hop-by-Hop Options,
 * Routing, Destination Options and Authentication headers are skipped by their lengths, a
 * Fragment header by its fixed 8 bytes; anything else is the upper layer (ESP, No Next
 * Header and protocols Linux does not parse as extension headers included, as the kernel
 * hands those to their own handlers, not to ICMPv6).
 */
#ifndef XT_BPF_IPV6_H
#define XT_BPF_IPV6_H

#include "common.h"

#define NEXTHDR_HOP 0
#define NEXTHDR_ROUTING 43
#define NEXTHDR_AUTH 51
#define NEXTHDR_DEST 60
#define IP6_OFFSET 0xfff8 /* the Fragment header's offset, in 8-byte units, shifted by 3 */
/* A chain of more headers than this is refused, not walked further: a host sends at most
 * a few (RFC 8200 section 4.1 orders at most six kinds), and a bounded loop keeps the
 * verifier's work small. */
#define XT_MAX_EXT_HEADERS 8
/* The most bytes a walk can need behind the IPv6 header: XT_MAX_EXT_HEADERS headers of the
 * largest length a header can state (Hop-by-Hop, Routing, Destination Options: 255 + 1
 * units of 8 bytes), then the 24 bytes of a neighbour solicitation or advertisement up to
 * the end of its target. */
#define XT_IPV6_CHAIN_MAX (IPV6_HLEN + XT_MAX_EXT_HEADERS * 2048 + 24)
/* Offsets into the packet stay below this: an inner header starts within the first 1 KiB,
 * and a walk adds at most XT_IPV6_CHAIN_MAX. The mask only tells the verifier so. */
#define XT_OFF_MASK 0x7fff

enum xt_ipv6_walk {
	XT_IPV6_UPPER,	  /* the upper-layer header: proto at off (past the packet's end if the
			   * last extension header claims more bytes than there are) */
	XT_IPV6_NO_UPPER, /* a fragment other than the first: its upper layer is in the first */
	XT_IPV6_SHORT,	  /* a header runs past data_end: off is how far the walk must read */
	XT_IPV6_TOO_LONG, /* more than XT_MAX_EXT_HEADERS extension headers */
};

struct xt_ipv6_upper {
	__u32 off;     /* from data */
	__u8 proto;    /* with XT_IPV6_UPPER */
	bool fragment; /* behind a Fragment header: a first (or atomic, RFC 6946) fragment */
};

/* 1 if a == b, else 0, computed without a branch: the verifier follows both ways of every
 * branch, and one per kind of header would have it go through the rest of the program
 * once for each sequence of kinds. */
static __always_inline __u64 xt_eq(__u64 a, __u64 b)
{
	__u64 d = a ^ b;

	barrier_var(d); /* or clang turns it back into a comparison */
	return (d - 1) >> 63;
}

/*
 * Walks the extension headers of the IPv6 header at data + l3_off (whose fixed 40 bytes the
 * caller has seen). A non-first fragment carries no upper-layer header: the kernel
 * reassembles before ICMPv6 sees anything, and what ICMPv6 then reads comes from the first
 * fragment (RFC 8200 section 4.5; overlapping fragments are discarded, RFC 5722), so
 * checking first fragments is checking the reassembled packet.
 */
static __always_inline int xt_ipv6_walk(void *data, void *data_end, __u32 l3_off,
					struct xt_ipv6_upper *u)
{
	struct ipv6hdr *ip6 = data + (l3_off & XT_OFF_MASK);
	__u64 off = l3_off + IPV6_HLEN, proto, ext, auth, frag, fragment = 0;
	__u32 i;

	u->fragment = false;
	if ((void *)(ip6 + 1) > data_end) {
		u->off = off;
		return XT_IPV6_SHORT;
	}
	proto = ip6->nexthdr;
	for (i = 0; i < XT_MAX_EXT_HEADERS; i++) {
		__u8 *h = data + (off & XT_OFF_MASK);

		ext = xt_eq(proto, NEXTHDR_HOP) | xt_eq(proto, NEXTHDR_ROUTING) |
		      xt_eq(proto, NEXTHDR_DEST);
		auth = xt_eq(proto, NEXTHDR_AUTH);
		frag = xt_eq(proto, NEXTHDR_FRAGMENT);
		if (!(ext | auth | frag))
			break;
		/* Every extension header is 8 bytes at least; the first two say what follows
		 * and how long this one is. */
		if ((void *)(h + 8) > data_end) {
			u->off = off + 8;
			return XT_IPV6_SHORT;
		}
		if (frag && (*(__be16 *)(h + 2) & bpf_htons(IP6_OFFSET))) {
			u->fragment = true;
			return XT_IPV6_NO_UPPER;
		}
		fragment |= frag;
		/* RFC 8200 section 4.3: 8-byte units, less 1; RFC 4302 section 2.2 (AH): 4-byte
		 * units, less 2; the Fragment header: 8 bytes, its second byte reserved. */
		off += ((h[1] & (frag - 1)) + 1 + auth) << (3 - auth);
		proto = h[0];
	}
	u->fragment = fragment;
	if (xt_eq(proto, NEXTHDR_HOP) | xt_eq(proto, NEXTHDR_ROUTING) | xt_eq(proto, NEXTHDR_DEST) |
	    xt_eq(proto, NEXTHDR_AUTH) | xt_eq(proto, NEXTHDR_FRAGMENT))
		return XT_IPV6_TOO_LONG;
	u->proto = proto;
	u->off = off;
	return XT_IPV6_UPPER;
}

#endif
