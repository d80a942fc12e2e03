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

#define PKT_MAX 512

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define ARP_OP_REQUEST 1
#define VXLAN_FLAG_I 0x08 /* RFC 7348 section 5: first byte of the header */

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

/* What the overlay carries: one UDP datagram in IPv4 in Ethernet. */
static inline void put_inner_ipv4_frame(struct pkt *p, const uint8_t dst[6], const uint8_t src[6],
					const char *saddr, const char *daddr)
{
	static const char payload[] = "xtunnel test payload";
	struct ipv4_fields ip = {
		.id = 0x1c46,
		.frag_off = IP_FLAG_DF,
		.ttl = 63,
		.protocol = IP_PROTO_UDP,
		.saddr = saddr,
		.daddr = daddr,
	};

	put_eth(p, dst, src, ETHERTYPE_IPV4);
	put_ipv4(p, &ip, 8 + sizeof(payload));
	put_udp(p, 40000, 7, sizeof(payload));
	put_bytes(p, payload, sizeof(payload));
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

	put8(&vxlan, f->flags);
	put8(&vxlan, 0);
	put16(&vxlan, 0);
	put32(&vxlan, f->vni << 8 | f->vni_reserved);
	assert_true(f->vxlan_len <= vxlan.len);

	put_eth(p, f->eth_dst, f->eth_src, f->ethertype);
	put_ipv4(p, &f->ip, 8 + f->vxlan_len + inner_len);
	put_udp(p, f->sport, f->dport, f->vxlan_len + inner_len);
	put_bytes(p, vxlan.b, f->vxlan_len);
	if (f->inner)
		put_bytes(p, f->inner->b, f->inner->len);
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
