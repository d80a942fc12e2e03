// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A traced packet's first bytes, decoded (xt_trace_decode): the outer headers of a tunnel
 * packet in the order bpf/rx.h reads them, then the inner packet. Pure, so that the unit
 * tests run what the tracer runs. The head is at most XT_TRACE_HEAD_LEN bytes: what lies
 * beyond it (GENEVE options past it, a long IPv6 extension chain) is left undecoded.
 */
#include <string.h>
#include <netinet/in.h>
#include "addr.h"
#include "xtunnel.h"

#define ETH_HLEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_TEB 0x6558 /* GENEVE's Ethernet payload */
#define GRE_F_KEY 0x2000

/* The bytes of one head and how far the decoding got. */
struct cursor {
	const uint8_t *b;
	size_t len, off;
};

static bool has(const struct cursor *c, size_t n)
{
	return c->off + n <= c->len;
}

static uint16_t get16(const struct cursor *c, size_t at)
{
	return (uint16_t)(c->b[c->off + at] << 8 | c->b[c->off + at + 1]);
}

static uint32_t get32(const struct cursor *c, size_t at)
{
	return (uint32_t)get16(c, at) << 16 | get16(c, at + 2);
}

/* An IP header at the cursor: its addresses and protocol, the cursor moved past it. */
static bool ip_header(struct cursor *c, uint16_t type, struct xt_ip *src, struct xt_ip *dst,
		      uint8_t *proto)
{
	size_t hlen;

	if (type == ETHERTYPE_IPV4) {
		if (!has(c, 20) || c->b[c->off] >> 4 != 4)
			return false;
		hlen = (size_t)(c->b[c->off] & 0xf) * 4;
		xt_ip_from_v4(src, c->b + c->off + 12);
		xt_ip_from_v4(dst, c->b + c->off + 16);
		*proto = c->b[c->off + 9];
	} else if (type == ETHERTYPE_IPV6) {
		if (!has(c, 40) || c->b[c->off] >> 4 != 6)
			return false;
		hlen = 40;
		xt_ip_from_bytes(src, c->b + c->off + 8);
		xt_ip_from_bytes(dst, c->b + c->off + 24);
		*proto = c->b[c->off + 6]; /* an extension header's number, if there is one */
	} else {
		return false;
	}
	c->off += hlen;
	return true;
}

/* The inner packet at the cursor, of Ethernet type type. */
static void inner_packet(struct cursor *c, uint16_t type, struct xt_trace_packet *p)
{
	p->inner_type = type;
	if (type == ETHERTYPE_ARP) {
		/* Ethernet and IPv4 ARP: the sender's protocol address at 14, the target's at
		 * 24 (RFC 826). */
		if (!has(c, 28))
			return;
		xt_ip_from_v4(&p->inner_src, c->b + c->off + 14);
		xt_ip_from_v4(&p->inner_dst, c->b + c->off + 24);
		p->has_inner = true;
		return;
	}
	if (!ip_header(c, type, &p->inner_src, &p->inner_dst, &p->inner_proto))
		return;
	p->has_inner = true;
	if ((p->inner_proto == IPPROTO_TCP || p->inner_proto == IPPROTO_UDP) && has(c, 4)) {
		p->inner_sport = get16(c, 0);
		p->inner_dport = get16(c, 2);
	}
}

/* The tunnel header at the cursor (after the outer IP header and, for VXLAN and GENEVE,
 * UDP); 0 and the inner packet's Ethernet type, or -1 if it is not there. An L2
 * encapsulation's inner packet begins with its Ethernet header, which the cursor is left
 * at (type 0 then: read it there). */
static int tunnel_header(struct cursor *c, const struct xt_config *cfg, uint8_t outer_proto,
			 struct xt_trace_packet *p, uint16_t *type)
{
	size_t opts;
	uint16_t flags;

	*type = 0;
	switch (cfg->encap) {
	case XT_ENCAP_VXLAN:
		if (!has(c, 8))
			return -1;
		p->has_vni = true;
		p->vni = get32(c, 4) >> 8;
		c->off += 8;
		return 0;
	case XT_ENCAP_GENEVE:
		if (!has(c, 8))
			return -1;
		opts = (size_t)(c->b[c->off] & 0x3f) * 4;
		p->has_vni = true;
		p->vni = get32(c, 4) >> 8;
		c->off += 8 + opts;
		return 0;
	case XT_ENCAP_GRE:
		if (!has(c, 4))
			return -1;
		flags = get16(c, 0);
		*type = get16(c, 2);
		c->off += 4;
		if (flags & GRE_F_KEY) {
			if (!has(c, 4))
				return -1;
			p->has_key = true;
			p->key = get32(c, 0);
			c->off += 4;
		}
		return 0;
	default: /* IPIP: the outer protocol says the inner family (4 or 41) */
		*type = outer_proto == IPPROTO_IPV6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
		return 0;
	}
}

/* A head that starts with the outer Ethernet header. */
static void outer_packet(struct cursor *c, const struct xt_config *cfg, struct xt_trace_packet *p)
{
	uint16_t type;
	uint8_t proto;

	if (!has(c, ETH_HLEN))
		return;
	type = get16(c, 12);
	c->off += ETH_HLEN;
	if (!ip_header(c, type, &p->outer_src, &p->outer_dst, &proto))
		return;
	p->has_outer = true;
	if (xt_encap_is_udp(cfg->encap)) {
		if (proto != IPPROTO_UDP || !has(c, 8))
			return;
		p->outer_sport = get16(c, 0);
		p->outer_dport = get16(c, 2);
		c->off += 8;
	}
	if (tunnel_header(c, cfg, proto, p, &type))
		return;
	if (!type) {
		if (!has(c, ETH_HLEN))
			return;
		type = get16(c, 12);
		c->off += ETH_HLEN;
	}
	inner_packet(c, type, p);
}

void xt_trace_decode(const struct xt_config *cfg, const struct xt_trace_event *ev,
		     struct xt_trace_packet *p)
{
	struct cursor c = { ev->head, ev->head_len, 0 };

	memset(p, 0, sizeof(*p));
	if (c.len > XT_TRACE_HEAD_LEN)
		c.len = XT_TRACE_HEAD_LEN;
	p->prog = (enum xt_trace_prog)ev->prog;
	p->rx = ev->prog == XT_TRACE_DECAP_TC || ev->prog == XT_TRACE_DECAP_XDP ||
		ev->prog == XT_TRACE_SOCK_DROP || ev->prog == XT_TRACE_L2_DECAP_TC ||
		ev->prog == XT_TRACE_L2_DECAP_XDP;
	p->reason = (enum xt_reason)ev->reason;
	p->len = ev->len;
	if (ev->head_kind == XT_TRACE_HEAD_OUTER) {
		outer_packet(&c, cfg, p);
	} else if (ev->head_kind == XT_TRACE_HEAD_INNER && has(&c, ETH_HLEN)) {
		uint16_t type = get16(&c, 12);

		c.off = ETH_HLEN;
		inner_packet(&c, type, p);
	}
}
