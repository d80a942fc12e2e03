/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Packets for BPF_PROG_TEST_RUN, written field by field in network order. The expected
 * output of a program is built here from the protocol specifications (RFC 791, 768, 826,
 * 7348), never from what a program produced: a test that derived its expectation from the
 * program's own output would pass whatever the program did.
 */
#ifndef XT_TEST_PACKET_H
#define XT_TEST_PACKET_H

#include <arpa/inet.h>
#include <stdarg.h>
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
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define ARP_OP_REQUEST 1
#define VXLAN_FLAG_I 0x08 /* RFC 7348 section 5: first byte of the header */

#define IPV6_NEXT_HOP_BY_HOP 0 /* RFC 8200 section 4 */
#define IPV6_NEXT_ROUTING 43
#define IPV6_NEXT_FRAGMENT 44
#define IPV6_NEXT_DEST_OPTS 60

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

/* RFC 791 section 3.1 and RFC 1071: the ones' complement of the ones' complement sum of
 * the header's 16-bit words, the checksum field counted as zero. */
static inline uint16_t ipv4_checksum(const uint8_t *hdr, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)hdr[i] << 8 | hdr[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
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

/* A zero checksum: RFC 768 allows it over IPv4, and RFC 7348 section 5 asks for it. */
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

/* RFC 8200 section 3, hop limit 64, no traffic class or flow label. */
static inline void put_ipv6(struct pkt *p, uint8_t next_header, size_t payload_len,
			    const char *saddr, const char *daddr)
{
	uint8_t a[16];

	put32(p, 0x60000000);
	put16(p, payload_len);
	put8(p, next_header);
	put8(p, 64);
	assert_int_equal(inet_pton(AF_INET6, saddr, a), 1);
	put_bytes(p, a, sizeof(a));
	assert_int_equal(inet_pton(AF_INET6, daddr, a), 1);
	put_bytes(p, a, sizeof(a));
}

/* An 8-byte IPv6 extension header (RFC 8200 section 4): Hop-by-Hop or Destination Options
 * filled with one PadN option, a Routing header with no segments left, or a Fragment
 * header of the first fragment with more to come. */
static inline void put_ipv6_extension(struct pkt *p, uint8_t type, uint8_t next_header)
{
	put8(p, next_header);
	switch (type) {
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

static inline void set16(struct pkt *p, size_t off, uint16_t v)
{
	assert_true(off + 2 <= p->len);
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
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

/* Make the outer IPv4 total length and UDP length describe the frame as it now is, as a
 * sender that cut or grew the packet on purpose would: what is left to look at is what
 * follows the UDP header. */
static inline void outer_lengths_fit(struct pkt *p)
{
	size_t ihl = (p->b[OFF_IP] & 0x0f) * 4;

	assert_true(OFF_IP + ihl + 8 <= p->len);
	set16(p, OFF_IP_TOT_LEN, (uint16_t)(p->len - OFF_IP));
	set16(p, OFF_IP + ihl + 4, (uint16_t)(p->len - OFF_IP - ihl));
	outer_ipv4_checksum_update(p);
}

static inline uint16_t get16(const struct pkt *p, size_t off)
{
	assert_true(off + 2 <= p->len);
	return (uint16_t)(p->b[off] << 8 | p->b[off + 1]);
}

static inline void assert_pkt_equal(const struct pkt *actual, const struct pkt *expected)
{
	assert_int_equal(actual->len, expected->len);
	assert_memory_equal(actual->b, expected->b, expected->len);
}

#endif /* XT_TEST_PACKET_H */
