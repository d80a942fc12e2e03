/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Packets for BPF_PROG_TEST_RUN, written field by field in network order. The expected
 * output of a program is built here from the protocol specifications (RFC 791, 768, 826,
 * 1071, 8200, 4861, 7348, 8926, 2784, 2890, 2003, 2473), never from what a program
 * produced: a test that derived its expectation from the program's own output would pass
 * whatever the program did. Checksums too are computed here, by RFC 1071, not by the
 * programs' helpers.
 */
#ifndef XT_TEST_PACKET_H
#define XT_TEST_PACKET_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "xtunnel_shared.h"

/* Room for the largest frame BPF_PROG_TEST_RUN takes in one piece: a page less the skb's
 * headroom and shared info (TC), or less XDP_PACKET_HEADROOM and shared info (XDP, 3520). */
#define PKT_MAX 4096

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_8021Q 0x8100
#define ETHERTYPE_8021AD 0x88a8
#define ETHERTYPE_TEB 0x6558 /* Transparent Ethernet Bridging: GENEVE's Ethernet payload */
#define IP_PROTO_IPIP 4
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IP_PROTO_IPV6 41
#define IP_PROTO_GRE 47
#define IP_PROTO_ICMPV6 58
#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define ARP_OP_REQUEST 1
#define VXLAN_FLAG_I 0x08		   /* RFC 7348 section 5: first byte of the header */
#define ICMPV6_NEIGHBOUR_SOLICITATION 135  /* RFC 4861 section 4.3 */
#define ICMPV6_NEIGHBOUR_ADVERTISEMENT 136 /* RFC 4861 section 4.4 */

/* RFC 8926 section 3.4: the version in the top two bits of the first byte, the O and C
 * flags in the top two bits of the second; an option type's top bit marks it critical. */
#define GENEVE_VERSION_SHIFT 6
#define GENEVE_FLAG_OAM 0x80
#define GENEVE_FLAG_CRITICAL 0x40
#define GENEVE_OPTION_CRITICAL 0x80

/* RFC 2784 section 2 and RFC 2890 section 2 (RFC 1701 for R, S and the strict source
 * route bit): the first 16 bits of a GRE header. */
#define GRE_FLAG_C 0x8000
#define GRE_FLAG_R 0x4000
#define GRE_FLAG_K 0x2000
#define GRE_FLAG_S 0x1000
#define GRE_FLAG_STRICT_ROUTE 0x0800
#define GRE_VERSION_MASK 0x0007

#define IPV6_NEXT_HOP_BY_HOP 0 /* RFC 8200 section 4 */
#define IPV6_NEXT_ROUTING 43
#define IPV6_NEXT_FRAGMENT 44
#define IPV6_NEXT_DEST_OPTS 60
#define IPV6_NEXT_AUTH 51 /* RFC 4302 */

/* Where the fields are in a VXLAN packet whose outer IPv4 header has no options. */
#define OFF_IP (14)
#define OFF_IP_TOT_LEN (OFF_IP + 2)
#define OFF_IP_FRAG (OFF_IP + 6)
#define OFF_IP_TTL (OFF_IP + 8)
#define OFF_IP_CHECK (OFF_IP + 10)
#define OFF_UDP (OFF_IP + 20)
#define OFF_UDP_LEN (OFF_UDP + 4)
#define OFF_UDP_CHECK (OFF_UDP + 6)
#define OFF_VXLAN (OFF_UDP + 8)
#define OFF_INNER (OFF_VXLAN + 8) /* the inner Ethernet header */
#define OFF_INNER_L3 (OFF_INNER + 14)

struct pkt {
	uint8_t b[PKT_MAX];
	size_t len;
};

static inline void put_bytes(struct pkt *p, const void *src, size_t n)
{
	assert_true(p->len + n <= sizeof(p->b));
	memcpy(p->b + p->len, src, n);
	p->len += n;
}

static inline void put8(struct pkt *p, uint8_t v)
{
	put_bytes(p, &v, 1);
}

static inline void put16(struct pkt *p, uint16_t v)
{
	put8(p, v >> 8);
	put8(p, v & 0xff);
}

static inline void put32(struct pkt *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

/* Dotted quad to the four bytes the wire carries. */
static inline void ipv4_bytes(const char *dotted, uint8_t out[4])
{
	assert_int_equal(inet_pton(AF_INET, dotted, out), 1);
}

/* An address as the maps keep it (16 bytes, IPv4 as ::ffff:a.b.c.d); returns its family. */
static inline int map_addr(const char *text, uint8_t out[16])
{
	if (strchr(text, ':')) {
		assert_int_equal(inet_pton(AF_INET6, text, out), 1);
		return XT_FAMILY_V6;
	}
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	ipv4_bytes(text, out + 12);
	return XT_FAMILY_V4;
}

static inline void put_ipv4_addr(struct pkt *p, const char *dotted)
{
	uint8_t a[4];

	ipv4_bytes(dotted, a);
	put_bytes(p, a, sizeof(a));
}

/* RFC 1071: the ones' complement sum of 16-bit big-endian words, carried on from sum; an
 * odd last byte is padded with a zero. Kept unfolded: inet_fold folds it. */
static inline uint64_t inet_sum(const uint8_t *b, size_t len, uint64_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

static inline uint16_t inet_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* RFC 791 section 3.1 and RFC 1071: the ones' complement of the ones' complement sum of
 * the header's 16-bit words, the checksum field counted as zero. */
static inline uint16_t ipv4_checksum(const uint8_t *hdr, size_t len)
{
	return (uint16_t)~inet_fold(inet_sum(hdr, len, 0));
}

static inline void put_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6],
			   uint16_t ethertype)
{
	put_bytes(p, dst, 6);
	put_bytes(p, src, 6);
	put16(p, ethertype);
}

struct ipv4_fields {
	uint8_t tos;
	uint16_t id;
	uint16_t frag_off; /* flags and fragment offset, as on the wire */
	uint8_t ttl;
	uint8_t protocol;
	const char *saddr;
	const char *daddr;
	const uint8_t *options; /* options_len bytes, a multiple of 4 */
	size_t options_len;
};

/* The header with its length and checksum; payload_len bytes are to follow. */
static inline void put_ipv4(struct pkt *p, const struct ipv4_fields *f, size_t payload_len)
{
	size_t hdr_len = 20 + f->options_len, start = p->len;
	uint16_t check;

	assert_int_equal(f->options_len % 4, 0);
	put8(p, 0x40 | hdr_len / 4);
	put8(p, f->tos);
	put16(p, hdr_len + payload_len);
	put16(p, f->id);
	put16(p, f->frag_off);
	put8(p, f->ttl);
	put8(p, f->protocol);
	put16(p, 0);
	put_ipv4_addr(p, f->saddr);
	put_ipv4_addr(p, f->daddr);
	if (f->options_len)
		put_bytes(p, f->options, f->options_len);
	check = ipv4_checksum(p->b + start, hdr_len);
	p->b[start + 10] = check >> 8;
	p->b[start + 11] = check & 0xff;
}

/* A zero checksum: RFC 768 allows it over IPv4, and RFC 7348 section 5 asks for it. Over
 * IPv6 upper_layer_checksum_fill fills it in once the datagram is whole. */
static inline void put_udp(struct pkt *p, uint16_t sport, uint16_t dport, size_t payload_len)
{
	put16(p, sport);
	put16(p, dport);
	put16(p, 8 + payload_len);
	put16(p, 0);
}

/* RFC 826, for Ethernet hardware and IPv4 protocol addresses. */
static inline void put_arp(struct pkt *p, uint16_t op, const uint8_t sha[6], const char *spa,
			   const uint8_t tha[6], const char *tpa)
{
	put16(p, 1);
	put16(p, ETHERTYPE_IPV4);
	put8(p, 6);
	put8(p, 4);
	put16(p, op);
	put_bytes(p, sha, 6);
	put_ipv4_addr(p, spa);
	put_bytes(p, tha, 6);
	put_ipv4_addr(p, tpa);
}

/* The IPv4 header of an inner datagram as a host sends it: UDP, DF set. */
static inline struct ipv4_fields inner_ipv4_fields(const char *saddr, const char *daddr)
{
	struct ipv4_fields ip = {
		.id = 0x1c46,
		.frag_off = IP_FLAG_DF,
		.ttl = 63,
		.protocol = IP_PROTO_UDP,
		.saddr = saddr,
		.daddr = daddr,
	};

	return ip;
}

#define INNER_PAYLOAD "xtunnel test payload"

/* One UDP datagram in IPv4 in Ethernet, with payload_len bytes of the test payload repeated:
 * what the overlay carries, of any size. */
static inline void put_inner_udp_frame(struct pkt *p, const uint8_t dst[6], const uint8_t src[6],
				       const struct ipv4_fields *ip, size_t payload_len)
{
	static const char payload[] = INNER_PAYLOAD;
	size_t i;

	put_eth(p, dst, src, ETHERTYPE_IPV4);
	put_ipv4(p, ip, 8 + payload_len);
	put_udp(p, 40000, 7, payload_len);
	for (i = 0; i < payload_len; i++)
		put8(p, (uint8_t)payload[i % sizeof(payload)]);
}

/* What the overlay carries: one UDP datagram in IPv4 in Ethernet. */
static inline void put_inner_ipv4_frame(struct pkt *p, const uint8_t dst[6], const uint8_t src[6],
					const char *saddr, const char *daddr)
{
	struct ipv4_fields ip = inner_ipv4_fields(saddr, daddr);

	put_inner_udp_frame(p, dst, src, &ip, sizeof(INNER_PAYLOAD));
}

static inline void put_arp_request_frame(struct pkt *p, const uint8_t src[6], const char *spa,
					 const char *tpa)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t unknown[6] = { 0 };

	put_eth(p, broadcast, src, ETHERTYPE_ARP);
	put_arp(p, ARP_OP_REQUEST, src, spa, unknown, tpa);
}

/* An outer Ethernet/IPv4/UDP/VXLAN packet around an inner frame (RFC 7348 section 5). */
struct vxlan_fields {
	const uint8_t *eth_dst;
	const uint8_t *eth_src;
	uint16_t ethertype;
	struct ipv4_fields ip;
	uint16_t sport;
	uint16_t dport;
	uint8_t flags;
	/* The 24 bits after the flags: 0 on transmit, ignored on receipt (RFC 7348 section 5). */
	uint32_t flags_reserved;
	uint32_t vni;
	/* Low byte of the VNI word: zero on transmit, ignored on receipt (RFC 7348 section 5). */
	uint8_t vni_reserved;
	size_t vxlan_len;	 /* bytes of the 8-byte VXLAN header to write: fewer truncates it */
	const struct pkt *inner; /* NULL: nothing after the VXLAN header */
};

static inline void put_vxlan_packet(struct pkt *p, const struct vxlan_fields *f)
{
	size_t inner_len = f->inner ? f->inner->len : 0;
	struct pkt vxlan = {};

	assert_true(f->flags_reserved <= 0xffffff);
	put8(&vxlan, f->flags);
	put8(&vxlan, f->flags_reserved >> 16);
	put16(&vxlan, f->flags_reserved & 0xffff);
	put32(&vxlan, f->vni << 8 | f->vni_reserved);
	assert_true(f->vxlan_len <= vxlan.len);

	put_eth(p, f->eth_dst, f->eth_src, f->ethertype);
	put_ipv4(p, &f->ip, 8 + f->vxlan_len + inner_len);
	put_udp(p, f->sport, f->dport, f->vxlan_len + inner_len);
	put_bytes(p, vxlan.b, f->vxlan_len);
	if (f->inner)
		put_bytes(p, f->inner->b, f->inner->len);
}

static inline void put_ipv6_addr(struct pkt *p, const char *text)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(AF_INET6, text, a), 1);
	put_bytes(p, a, sizeof(a));
}

/* RFC 8200 section 3. */
struct ipv6_fields {
	uint8_t traffic_class;
	uint32_t flow_label; /* 20 bits */
	uint8_t next_header;
	uint8_t hop_limit;
	const char *saddr;
	const char *daddr;
};

/* The header; payload_len bytes are to follow. */
static inline void put_ipv6_header(struct pkt *p, const struct ipv6_fields *f, size_t payload_len)
{
	assert_true(f->flow_label <= 0xfffff && payload_len <= 0xffff);
	put32(p, 6u << 28 | (uint32_t)f->traffic_class << 20 | f->flow_label);
	put16(p, payload_len);
	put8(p, f->next_header);
	put8(p, f->hop_limit);
	put_ipv6_addr(p, f->saddr);
	put_ipv6_addr(p, f->daddr);
}

/* Hop limit 64, no traffic class or flow label. */
static inline void put_ipv6(struct pkt *p, uint8_t next_header, size_t payload_len,
			    const char *saddr, const char *daddr)
{
	struct ipv6_fields f = {
		.next_header = next_header,
		.hop_limit = 64,
		.saddr = saddr,
		.daddr = daddr,
	};

	put_ipv6_header(p, &f, payload_len);
}

static inline uint16_t get16(const struct pkt *p, size_t off)
{
	assert_true(off + 2 <= p->len);
	return (uint16_t)(p->b[off] << 8 | p->b[off + 1]);
}

static inline uint32_t get32(const struct pkt *p, size_t off)
{
	return (uint32_t)get16(p, off) << 16 | get16(p, off + 2);
}

static inline void set16(struct pkt *p, size_t off, uint16_t v)
{
	assert_true(off + 2 <= p->len);
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
}

/*
 * The sum (RFC 1071, folded, not complemented) of the pseudo-header and the upper-layer
 * packet behind the IP header at ip_off, its checksum field as it now is: RFC 768 (and
 * RFC 9293 for TCP) for IPv4, RFC 8200 section 8.1 for IPv6, whose header must be followed
 * by the upper layer directly. Not for ICMP over IPv4, whose checksum has no pseudo-header
 * (RFC 792). A packet whose checksum is right sums to 0xffff.
 */
static inline uint16_t upper_layer_sum(const struct pkt *p, size_t ip_off)
{
	uint8_t pseudo[8] = { 0 };
	size_t start, len;
	uint64_t sum;

	if (p->b[ip_off] >> 4 == 4) {
		size_t ihl = (p->b[ip_off] & 0x0f) * 4;

		len = get16(p, ip_off + 2) - ihl;
		start = ip_off + ihl;
		sum = inet_sum(p->b + ip_off + 12, 8, 0); /* source and destination */
		pseudo[1] = p->b[ip_off + 9];
	} else {
		len = get16(p, ip_off + 4);
		start = ip_off + 40;
		sum = inet_sum(p->b + ip_off + 8, 32, 0);
		pseudo[7] = p->b[ip_off + 6];
	}
	pseudo[2] = (uint8_t)(len >> 8);
	pseudo[3] = (uint8_t)len;
	assert_true(start + len <= p->len);
	return inet_fold(inet_sum(p->b + start, len, inet_sum(pseudo, sizeof(pseudo), sum)));
}

/* Fill in the checksum at check_off of the upper-layer packet behind the IP header at
 * ip_off. UDP sends a computed zero as all ones: zero means "no checksum" (RFC 768). */
static inline void upper_layer_checksum_fill(struct pkt *p, size_t ip_off, size_t check_off,
					     bool udp)
{
	uint16_t check;

	set16(p, check_off, 0);
	check = (uint16_t)~upper_layer_sum(p, ip_off);
	set16(p, check_off, udp && !check ? 0xffff : check);
}

/* An IPv6 extension header (RFC 8200 section 4), 8 bytes long: Hop-by-Hop or Destination
 * Options filled with one PadN option, a Routing header with no segments left, or a
 * Fragment header of the first fragment with more to come; or an Authentication header
 * (RFC 4302 section 2) of 24 bytes, whose length field counts 4-byte units less 2 where the
 * others count 8-byte units less 1: 12 bytes of header and a 96-bit ICV (RFC 2404). */
static inline void put_ipv6_extension(struct pkt *p, uint8_t type, uint8_t next_header)
{
	put8(p, next_header);
	switch (type) {
	case IPV6_NEXT_AUTH:
		put8(p, 24 / 4 - 2);  /* payload length */
		put16(p, 0);	      /* reserved */
		put32(p, 0x1000);     /* security parameters index */
		put32(p, 1);	      /* sequence number */
		put32(p, 0xa1a2a3a4); /* integrity check value */
		put32(p, 0xa5a6a7a8);
		put32(p, 0xa9aaabac);
		break;
	case IPV6_NEXT_ROUTING:
		put8(p, 0);  /* header extension length */
		put8(p, 4);  /* routing type: RFC 8754 segment routing */
		put8(p, 0);  /* segments left */
		put32(p, 0); /* type-specific data */
		break;
	case IPV6_NEXT_FRAGMENT:
		put8(p, 0);	  /* reserved */
		put16(p, 0x0001); /* offset 0, M flag */
		put32(p, 0x2b1e); /* identification */
		break;
	default:
		put8(p, 0); /* header extension length */
		put8(p, 1); /* PadN (RFC 8200 section 4.2) */
		put8(p, 4);
		put32(p, 0);
		break;
	}
}

/* What the overlay carries over IPv6: one UDP datagram in IPv6 in Ethernet, with its UDP
 * checksum, which IPv6 makes mandatory (RFC 8200 section 8.1). */
static inline void put_inner_ipv6_frame(struct pkt *p, const uint8_t dst[6], const uint8_t src[6],
					const char *saddr, const char *daddr)
{
	static const char payload[] = INNER_PAYLOAD;
	size_t ip_off;

	put_eth(p, dst, src, ETHERTYPE_IPV6);
	ip_off = p->len;
	put_ipv6(p, IP_PROTO_UDP, 8 + sizeof(payload), saddr, daddr);
	put_udp(p, 40000, 7, sizeof(payload));
	put_bytes(p, payload, sizeof(payload));
	upper_layer_checksum_fill(p, ip_off, ip_off + 40 + 6, true);
}

/* RFC 4861 section 4.3: a neighbour solicitation for target, sent to the target's
 * solicited-node multicast address (RFC 4291 section 2.7.1) and its multicast MAC (RFC 2464
 * section 7), hop limit 255, with the source link-layer address option. */
static inline void put_neighbour_solicitation_frame(struct pkt *p, const uint8_t src[6],
						    const char *saddr, const char *target)
{
	uint8_t t[16], group[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	uint8_t dst_mac[6] = { 0x33, 0x33, 0xff };
	char group_text[INET6_ADDRSTRLEN];
	struct ipv6_fields ip = {
		.next_header = IP_PROTO_ICMPV6,
		.hop_limit = 255,
		.saddr = saddr,
		.daddr = group_text,
	};
	size_t ip_off;

	assert_int_equal(inet_pton(AF_INET6, target, t), 1);
	memcpy(group + 13, t + 13, 3);
	memcpy(dst_mac + 3, t + 13, 3);
	assert_non_null(inet_ntop(AF_INET6, group, group_text, sizeof(group_text)));
	put_eth(p, dst_mac, src, ETHERTYPE_IPV6);
	ip_off = p->len;
	put_ipv6_header(p, &ip, 32);
	put8(p, ICMPV6_NEIGHBOUR_SOLICITATION);
	put8(p, 0);  /* code */
	put16(p, 0); /* checksum, below */
	put32(p, 0); /* reserved */
	put_bytes(p, t, sizeof(t));
	put8(p, 1); /* source link-layer address, 8 bytes */
	put8(p, 1);
	put_bytes(p, src, 6);
	upper_layer_checksum_fill(p, ip_off, ip_off + 40 + 2, false);
}

/* RFC 4861 section 4.4: a solicited neighbour advertisement of target from saddr to daddr,
 * with the target link-layer address option, behind the extension headers chain[0..n) as
 * put_ipv6_extension writes them (none: n 0). Its checksum covers the ICMPv6 message alone,
 * with the pseudo-header's length and next header of the message, not of the chain (RFC
 * 8200 section 8.1). */
static inline void put_neighbour_advertisement_behind(struct pkt *p, const uint8_t dst[6],
						      const uint8_t src[6], const char *saddr,
						      const char *daddr, const char *target,
						      const uint8_t *chain, size_t n)
{
	struct ipv6_fields ip = {
		.next_header = n ? chain[0] : IP_PROTO_ICMPV6,
		.hop_limit = 255,
		.saddr = saddr,
		.daddr = daddr,
	};
	uint8_t t[16], pseudo[8] = { 0, 0, 0, 32, 0, 0, 0, IP_PROTO_ICMPV6 };
	struct pkt chain_bytes = {};
	size_t ip_off, icmp_off, i;

	for (i = 0; i < n; i++)
		put_ipv6_extension(&chain_bytes, chain[i],
				   i + 1 < n ? chain[i + 1] : IP_PROTO_ICMPV6);
	assert_int_equal(inet_pton(AF_INET6, target, t), 1);
	put_eth(p, dst, src, ETHERTYPE_IPV6);
	ip_off = p->len;
	put_ipv6_header(p, &ip, chain_bytes.len + 32);
	put_bytes(p, chain_bytes.b, chain_bytes.len);
	icmp_off = p->len;
	put8(p, ICMPV6_NEIGHBOUR_ADVERTISEMENT);
	put8(p, 0);	      /* code */
	put16(p, 0);	      /* checksum, below */
	put32(p, 0x60000000); /* solicited, override */
	put_bytes(p, t, sizeof(t));
	put8(p, 2); /* target link-layer address, 8 bytes */
	put8(p, 1);
	put_bytes(p, src, 6);
	set16(p, icmp_off + 2,
	      (uint16_t)~inet_fold(
		      inet_sum(p->b + icmp_off, 32,
			       inet_sum(pseudo, 8, inet_sum(p->b + ip_off + 8, 32, 0)))));
}

static inline void put_neighbour_advertisement_frame(struct pkt *p, const uint8_t dst[6],
						     const uint8_t src[6], const char *saddr,
						     const char *daddr, const char *target)
{
	put_neighbour_advertisement_behind(p, dst, src, saddr, daddr, target, NULL, 0);
}

/* One GENEVE option (RFC 8926 section 3.5): class, type, length in 4-byte words (5 bits),
 * and that many words of data. */
static inline void put_geneve_option(struct pkt *p, uint16_t class, uint8_t type,
				     uint8_t data_words)
{
	size_t i;

	assert_true(data_words <= 0x1f);
	put16(p, class);
	put8(p, type);
	put8(p, data_words);
	for (i = 0; i < data_words * 4u; i++)
		put8(p, (uint8_t)(0xa0 + i));
}

/* RFC 8926 section 3.4. */
struct geneve_fields {
	uint8_t version;
	uint8_t flags;		   /* O, C and the six reserved bits */
	uint16_t protocol;	   /* ETHERTYPE_TEB for an Ethernet payload */
	const struct pkt *options; /* NULL: none; the option length is theirs, in words */
};

/* RFC 2784 and RFC 2890: the optional fields follow the flags (RFC 1701 for R and S). */
struct gre_fields {
	uint16_t flags;	   /* C, R, K, S, reserved and version bits, as on the wire */
	uint16_t protocol; /* 0: the inner packet's Ethernet type */
	uint32_t key;	   /* with GRE_FLAG_K */
};

/* An outer packet around an inner frame, in any encapsulation over IPv4 or IPv6. */
struct tunnel_fields {
	uint8_t encap;	/* enum xt_encap */
	uint8_t family; /* of the outer header: XT_FAMILY_V4 or XT_FAMILY_V6 */
	const uint8_t *eth_dst;
	const uint8_t *eth_src;
	struct ipv4_fields ip;	/* family 4; protocol 0: the encapsulation's */
	struct ipv6_fields ip6; /* family 6; next_header 0: the encapsulation's */
	uint16_t sport;		/* VXLAN, GENEVE */
	uint16_t dport;
	uint8_t vxlan_flags;
	uint32_t vni; /* VXLAN, GENEVE */
	struct geneve_fields geneve;
	struct gre_fields gre;
	/* The inner Ethernet frame: VXLAN and GENEVE carry it whole, GRE and IPIP what
	 * follows its Ethernet header. */
	const struct pkt *inner;
};

/* Everything behind the outer IP header; returns the IP protocol it is. */
static inline uint8_t put_tunnel_l4(struct pkt *l4, const struct tunnel_fields *t)
{
	const struct pkt *opts = t->geneve.options;
	const uint8_t *payload = t->inner->b;
	size_t payload_len = t->inner->len, opts_len = opts ? opts->len : 0;
	uint16_t inner_type = get16(t->inner, 12);
	uint8_t proto = IP_PROTO_UDP;

	if (!xt_encap_is_l2(t->encap)) {
		payload += 14;
		payload_len -= 14;
	}
	switch (t->encap) {
	case XT_ENCAP_VXLAN: /* RFC 7348 section 5 */
		put_udp(l4, t->sport, t->dport, 8 + payload_len);
		put32(l4, (uint32_t)t->vxlan_flags << 24);
		put32(l4, t->vni << 8);
		break;
	case XT_ENCAP_GENEVE:
		assert_true(opts_len % 4 == 0 && opts_len / 4 <= 0x3f);
		put_udp(l4, t->sport, t->dport, 8 + opts_len + payload_len);
		put8(l4, (uint8_t)(t->geneve.version << GENEVE_VERSION_SHIFT | opts_len / 4));
		put8(l4, t->geneve.flags);
		put16(l4, t->geneve.protocol);
		put32(l4, t->vni << 8);
		if (opts)
			put_bytes(l4, opts->b, opts->len);
		break;
	case XT_ENCAP_GRE:
		proto = IP_PROTO_GRE;
		put16(l4, t->gre.flags);
		put16(l4, t->gre.protocol ? t->gre.protocol : inner_type);
		if (t->gre.flags & (GRE_FLAG_C | GRE_FLAG_R))
			put32(l4, 0); /* checksum (below) and offset */
		if (t->gre.flags & GRE_FLAG_K)
			put32(l4, t->gre.key);
		if (t->gre.flags & GRE_FLAG_S)
			put32(l4, 1); /* sequence number */
		if (t->gre.flags & GRE_FLAG_R)
			put32(l4, 0); /* the NULL routing entry that ends the list */
		break;
	default: /* IPIP: RFC 2003, and IPv6 inside per RFC 4213 and RFC 2473 */
		proto = inner_type == ETHERTYPE_IPV6 ? IP_PROTO_IPV6 : IP_PROTO_IPIP;
		break;
	}
	put_bytes(l4, payload, payload_len);
	if (t->encap == XT_ENCAP_GRE && (t->gre.flags & GRE_FLAG_C))
		set16(l4, 4, (uint16_t)~inet_fold(inet_sum(l4->b, l4->len, 0)));
	return proto;
}

static inline void put_tunnel_packet(struct pkt *p, const struct tunnel_fields *t)
{
	struct pkt l4 = {};
	uint8_t proto = put_tunnel_l4(&l4, t);
	size_t ip_off;

	put_eth(p, t->eth_dst, t->eth_src,
		t->family == XT_FAMILY_V6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	ip_off = p->len;
	if (t->family == XT_FAMILY_V6) {
		struct ipv6_fields ip6 = t->ip6;

		ip6.next_header = ip6.next_header ? ip6.next_header : proto;
		put_ipv6_header(p, &ip6, l4.len);
	} else {
		struct ipv4_fields ip = t->ip;

		ip.protocol = ip.protocol ? ip.protocol : proto;
		put_ipv4(p, &ip, l4.len);
	}
	put_bytes(p, l4.b, l4.len);
	/* Over IPv6 the UDP checksum may not be left out (RFC 8200 section 8.1). */
	if (t->family == XT_FAMILY_V6 && xt_encap_is_udp(t->encap))
		upper_layer_checksum_fill(p, ip_off, ip_off + 40 + 6, true);
}

/* Where the outer IP header's payload starts: behind IPv4 and its options, or behind an
 * IPv6 header without extension headers. */
static inline size_t outer_l4_offset(const struct pkt *p)
{
	if (get16(p, 12) == ETHERTYPE_IPV4)
		return 14 + (p->b[14] & 0x0f) * 4;
	return 14 + 40;
}

/* Insert n bytes at off, moving what follows. */
static inline void pkt_insert(struct pkt *p, size_t off, const void *src, size_t n)
{
	assert_true(off <= p->len && p->len + n <= sizeof(p->b));
	memmove(p->b + off + n, p->b + off, p->len - off);
	memcpy(p->b + off, src, n);
	p->len += n;
}

/* Keep the first len bytes: a frame cut short on the wire, or by a hostile sender. */
static inline void pkt_cut(struct pkt *p, size_t len)
{
	assert_true(len <= p->len);
	p->len = len;
}

/* An IEEE 802.1Q (or 802.1ad) tag after the MAC addresses: the Ethernet type moves behind
 * it, as the tag's encapsulated type. */
static inline void pkt_insert_vlan_tag(struct pkt *p, uint16_t tpid, uint16_t tci)
{
	uint8_t tag[4] = { tpid >> 8, tpid & 0xff, tci >> 8, tci & 0xff };

	pkt_insert(p, 12, tag, sizeof(tag));
}

/* Recompute the outer IPv4 header checksum (RFC 791) after a field changed. */
static inline void outer_ipv4_checksum_update(struct pkt *p)
{
	size_t ihl = (p->b[OFF_IP] & 0x0f) * 4;
	uint16_t check;

	assert_true(OFF_IP + ihl <= p->len);
	set16(p, OFF_IP_CHECK, 0);
	check = ipv4_checksum(p->b + OFF_IP, ihl);
	set16(p, OFF_IP_CHECK, check);
}

/* Make the outer IP length (IPv4 total length, or IPv6 payload length) and a UDP length
 * describe the frame as it now is, as a sender that cut or grew the packet on purpose
 * would: what is left to look at is what follows the outer headers. */
static inline void outer_lengths_fit(struct pkt *p)
{
	bool v6 = get16(p, 12) == ETHERTYPE_IPV6;
	size_t l4 = outer_l4_offset(p);

	assert_true(l4 <= p->len);
	if (v6)
		set16(p, OFF_IP + 4, (uint16_t)(p->len - l4));
	else
		set16(p, OFF_IP_TOT_LEN, (uint16_t)(p->len - OFF_IP));
	if (p->b[OFF_IP + (v6 ? 6 : 9)] == IP_PROTO_UDP) {
		assert_true(l4 + 8 <= p->len);
		set16(p, l4 + 4, (uint16_t)(p->len - l4));
	}
	if (!v6)
		outer_ipv4_checksum_update(p);
}

static inline void assert_pkt_equal(const struct pkt *actual, const struct pkt *expected)
{
	assert_int_equal(actual->len, expected->len);
	assert_memory_equal(actual->b, expected->b, expected->len);
}

#endif /* XT_TEST_PACKET_H */
