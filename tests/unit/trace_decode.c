// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of xt_trace_decode (loader/trace_decode.c): the first bytes of a traced packet,
 * written out here byte by byte from the RFCs' header layouts, for every encapsulation and
 * the heads that stop short. tests/e2e/trace.sh checks VXLAN events of real packets; the
 * kernel here has no GENEVE, GRE or IPIP device to send the others.
 */
#include "unit.h"

/* Appends bytes to an event's head. */
struct head {
	struct xt_trace_event ev;
};

static void put(struct head *h, const uint8_t *b, size_t n)
{
	assert_true(h->ev.head_len + n <= XT_TRACE_HEAD_LEN);
	memcpy(h->ev.head + h->ev.head_len, b, n);
	h->ev.head_len = (uint16_t)(h->ev.head_len + n);
}

static void put_eth(struct head *h, uint16_t type)
{
	uint8_t b[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, (uint8_t)(type >> 8), (uint8_t)type };

	put(h, b, sizeof(b));
}

/* IPv4 header, no options: protocol, source and destination a.b.c.d. */
static void put_ipv4(struct head *h, uint8_t proto, const uint8_t src[4], const uint8_t dst[4])
{
	uint8_t b[20] = { 0x45, 0, 0, 100, 0, 0, 0x40, 0, 64, proto };

	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	put(h, b, sizeof(b));
}

static void put_ipv6(struct head *h, uint8_t next, const struct xt_ip *src, const struct xt_ip *dst)
{
	uint8_t b[40] = { 0x60, 0, 0, 0, 0, 60, next, 64 };

	memcpy(b + 8, src->addr, 16);
	memcpy(b + 24, dst->addr, 16);
	put(h, b, sizeof(b));
}

static void put_ports(struct head *h, uint16_t sport, uint16_t dport)
{
	uint8_t b[8] = {
		(uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8), (uint8_t)dport, 0, 40
	};

	put(h, b, sizeof(b));
}

static const uint8_t a4[4] = { 192, 0, 2, 1 }, b4[4] = { 192, 0, 2, 2 };
static const uint8_t in_src4[4] = { 10, 10, 0, 2 }, in_dst4[4] = { 10, 10, 0, 1 };

static struct xt_config config(enum xt_encap encap, uint8_t family)
{
	struct xt_config cfg = { .encap = (uint8_t)encap, .family = family, .port = 4789 };

	return cfg;
}

static void vxlan_over_ipv4_gives_outer_vni_and_inner_udp(void **state)
{
	static const uint8_t vxlan[8] = { 0x08, 0, 0, 0, 0x12, 0xab, 0x34, 0 };
	struct xt_config cfg = config(XT_ENCAP_VXLAN, XT_FAMILY_V4);
	struct head h = { .ev = { .prog = XT_TRACE_DECAP_TC,
				  .reason = XT_DROP_SPOOFED,
				  .len = 112,
				  .head_kind = XT_TRACE_HEAD_OUTER } };
	struct xt_trace_packet p;

	(void)state;
	put_eth(&h, 0x0800);
	put_ipv4(&h, 17, b4, a4);
	put_ports(&h, 50123, 4789);
	put(&h, vxlan, sizeof(vxlan));
	put_eth(&h, 0x0800);
	put_ipv4(&h, 17, in_src4, in_dst4);
	put_ports(&h, 5555, 6666);
	xt_trace_decode(&cfg, &h.ev, &p);
	assert_true(p.rx);
	assert_int_equal(p.prog, XT_TRACE_DECAP_TC);
	assert_int_equal(p.reason, XT_DROP_SPOOFED);
	assert_int_equal(p.len, 112);
	assert_true(p.has_outer);
	assert_ip_equal(p.outer_src, ip4(192, 0, 2, 2));
	assert_ip_equal(p.outer_dst, ip4(192, 0, 2, 1));
	assert_int_equal(p.outer_sport, 50123);
	assert_int_equal(p.outer_dport, 4789);
	assert_true(p.has_vni);
	assert_int_equal(p.vni, 0x12ab34);
	assert_false(p.has_key);
	assert_true(p.has_inner);
	assert_int_equal(p.inner_type, 0x0800);
	assert_int_equal(p.inner_proto, 17);
	assert_ip_equal(p.inner_src, ip4(10, 10, 0, 2));
	assert_ip_equal(p.inner_dst, ip4(10, 10, 0, 1));
	assert_int_equal(p.inner_sport, 5555);
	assert_int_equal(p.inner_dport, 6666);
}

/* GENEVE's options (here 8 bytes: option length 2) lie between its header and the inner
 * frame (RFC 8926 section 3.4). */
static void geneve_over_ipv6_skips_options_to_inner_ipv6_tcp(void **state)
{
	static const uint8_t geneve[8] = { 0x02, 0, 0x65, 0x58, 0, 0, 0x2a, 0 };
	static const uint8_t option[8] = { 0x01, 0x02, 0x03, 0x01, 9, 9, 9, 9 };
	struct xt_config cfg = config(XT_ENCAP_GENEVE, XT_FAMILY_V6);
	struct xt_ip out_src = ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2),
		     out_dst = ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
		     in_src = ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 2),
		     in_dst = ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 1);
	struct head h = { .ev = { .prog = XT_TRACE_DECAP_XDP, .head_kind = XT_TRACE_HEAD_OUTER } };
	struct xt_trace_packet p;

	(void)state;
	put_eth(&h, 0x86dd);
	put_ipv6(&h, 17, &out_src, &out_dst);
	put_ports(&h, 49999, 6081);
	put(&h, geneve, sizeof(geneve));
	put(&h, option, sizeof(option));
	put_eth(&h, 0x86dd);
	put_ipv6(&h, 6, &in_src, &in_dst);
	put_ports(&h, 443, 51000);
	xt_trace_decode(&cfg, &h.ev, &p);
	assert_ip_equal(p.outer_src, out_src);
	assert_ip_equal(p.outer_dst, out_dst);
	assert_int_equal(p.outer_dport, 6081);
	assert_int_equal(p.vni, 42);
	assert_true(p.has_inner);
	assert_int_equal(p.inner_type, 0x86dd);
	assert_int_equal(p.inner_proto, 6);
	assert_ip_equal(p.inner_src, in_src);
	assert_ip_equal(p.inner_dst, in_dst);
	assert_int_equal(p.inner_sport, 443);
	assert_int_equal(p.inner_dport, 51000);
}

/* GRE with a key (RFC 2890): the protocol type says the inner family, no inner Ethernet;
 * ICMP has no ports. */
static void gre_with_key_gives_key_and_inner_icmp(void **state)
{
	static const uint8_t gre[8] = { 0x20, 0, 0x08, 0x00, 0x1a, 0x2b, 0x3c, 0x4d };
	static const uint8_t icmp[8] = { 8, 0, 0, 0, 0, 1, 0, 1 };
	struct xt_config cfg = config(XT_ENCAP_GRE, XT_FAMILY_V4);
	struct head h = { .ev = { .prog = XT_TRACE_DECAP_TC, .head_kind = XT_TRACE_HEAD_OUTER } };
	struct xt_trace_packet p;

	(void)state;
	put_eth(&h, 0x0800);
	put_ipv4(&h, 47, b4, a4);
	put(&h, gre, sizeof(gre));
	put_ipv4(&h, 1, in_src4, in_dst4);
	put(&h, icmp, sizeof(icmp));
	xt_trace_decode(&cfg, &h.ev, &p);
	assert_true(p.has_outer);
	assert_int_equal(p.outer_sport, 0);
	assert_int_equal(p.outer_dport, 0);
	assert_false(p.has_vni);
	assert_true(p.has_key);
	assert_int_equal(p.key, 0x1a2b3c4d);
	assert_int_equal(p.inner_type, 0x0800);
	assert_int_equal(p.inner_proto, 1);
	assert_ip_equal(p.inner_src, ip4(10, 10, 0, 2));
	assert_int_equal(p.inner_sport, 0);
	assert_int_equal(p.inner_dport, 0);
}

/* IPIP: protocol 41 in the outer IPv4 header is IPv6 inside (RFC 4213). */
static void ipip_protocol_41_is_ipv6_inside(void **state)
{
	struct xt_config cfg = config(XT_ENCAP_IPIP, XT_FAMILY_V4);
	struct xt_ip in_src = ip6(0xfd00, 0, 0, 0, 0, 0, 0, 0x22),
		     in_dst = ip6(0xfd00, 0, 0, 0, 0, 0, 0, 0x11);
	struct head h = { .ev = { .prog = XT_TRACE_DECAP_TC, .head_kind = XT_TRACE_HEAD_OUTER } };
	struct xt_trace_packet p;

	(void)state;
	put_eth(&h, 0x0800);
	put_ipv4(&h, 41, b4, a4);
	put_ipv6(&h, 17, &in_src, &in_dst);
	put_ports(&h, 53, 5353);
	xt_trace_decode(&cfg, &h.ev, &p);
	assert_ip_equal(p.outer_src, ip4(192, 0, 2, 2));
	assert_int_equal(p.inner_type, 0x86dd);
	assert_ip_equal(p.inner_src, in_src);
	assert_int_equal(p.inner_sport, 53);
	assert_int_equal(p.inner_dport, 5353);
}

/* An overlay frame before encapsulation: ARP's sender and target (RFC 826). */
static void inner_head_with_arp_gives_sender_and_target(void **state)
{
	static const uint8_t arp[28] = { 0,  1,	 8, 0, 6, 4, 0, 1, 2, 0, 0,  0,	 0, 1,
					 10, 10, 0, 1, 0, 0, 0, 0, 0, 0, 10, 10, 0, 2 };
	struct xt_config cfg = config(XT_ENCAP_VXLAN, XT_FAMILY_V4);
	struct head h = { .ev = { .prog = XT_TRACE_ENCAP,
				  .reason = XT_DROP_NO_ROUTE,
				  .head_kind = XT_TRACE_HEAD_INNER } };
	struct xt_trace_packet p;

	(void)state;
	put_eth(&h, 0x0806);
	put(&h, arp, sizeof(arp));
	xt_trace_decode(&cfg, &h.ev, &p);
	assert_false(p.rx);
	assert_false(p.has_outer);
	assert_true(p.has_inner);
	assert_int_equal(p.inner_type, 0x0806);
	assert_ip_equal(p.inner_src, ip4(10, 10, 0, 1));
	assert_ip_equal(p.inner_dst, ip4(10, 10, 0, 2));
}

/* What the bytes do not hold is not made up: a head that ends inside the tunnel header
 * gives the outer addresses only, one with no bytes gives nothing. */
static void short_heads_give_what_they_hold(void **state)
{
	static const uint8_t vxlan_half[4] = { 0x08, 0, 0, 0 };
	struct xt_config cfg = config(XT_ENCAP_VXLAN, XT_FAMILY_V4);
	struct head h = { .ev = { .prog = XT_TRACE_DECAP_TC, .head_kind = XT_TRACE_HEAD_OUTER } };
	struct xt_trace_packet p;

	(void)state;
	put_eth(&h, 0x0800);
	put_ipv4(&h, 17, b4, a4);
	put_ports(&h, 50123, 4789);
	put(&h, vxlan_half, sizeof(vxlan_half));
	xt_trace_decode(&cfg, &h.ev, &p);
	assert_true(p.has_outer);
	assert_int_equal(p.outer_sport, 50123);
	assert_false(p.has_vni);
	assert_false(p.has_inner);
	h.ev.head_kind = XT_TRACE_HEAD_NONE;
	xt_trace_decode(&cfg, &h.ev, &p);
	assert_false(p.has_outer);
	assert_false(p.has_inner);
	/* A head_len beyond the buffer is cut to it, never read past. */
	h.ev.head_kind = XT_TRACE_HEAD_OUTER;
	h.ev.head_len = 0xffff;
	xt_trace_decode(&cfg, &h.ev, &p);
	assert_true(p.has_outer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vxlan_over_ipv4_gives_outer_vni_and_inner_udp),
		cmocka_unit_test(geneve_over_ipv6_skips_options_to_inner_ipv6_tcp),
		cmocka_unit_test(gre_with_key_gives_key_and_inner_icmp),
		cmocka_unit_test(ipip_protocol_41_is_ipv6_inside),
		cmocka_unit_test(inner_head_with_arp_gives_sender_and_target),
		cmocka_unit_test(short_heads_give_what_they_hold),
	};

	return cmocka_run_group_tests_name("trace_decode", tests, NULL, NULL);
}
