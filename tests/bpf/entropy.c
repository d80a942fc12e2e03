// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Entropy for the underlay. The outer UDP source port (RFC 7348 section 5, RFC 8926 section
 * 3.3) and the outer IPv6 flow label (RFC 6438) come from a hash of the inner flow, so that
 * ECMP and RSS on the underlay spread the flows of one tunnel over their paths; for GRE and
 * IPIP over IPv6 the flow label is the only such field there is.
 *
 * Tested as the underlay sees it, without predicting any value (the hash is the program's
 * to choose): flows that differ in one field of their 5-tuple (either port, either
 * address) get as many different source ports and flow labels as there are flows, bar a
 * few collisions, and spread over the whole range: every sixteenth of the source ports
 * 49152-65535, every value of the flow label's top four bits. One flow keeps one port and
 * one label whatever its packets carry, the fragments of one datagram included, since a
 * router that spread them would reorder them.
 *
 * Over an IPv6 underlay the port and the label are also tied to each other, as tunnel.h
 * documents: both come from one hash, the label its low 20 bits, the port the kernel's
 * udp_flow_src_port of it over 49152-65535. The kernel's vxlan device sends a flow's GSO
 * packets with the port it derives so from the hash xt_encap gives the skb, and the label
 * xt_encap gives it; xt_encap sends the flow's other packets itself. Were the formulas to
 * part, one flow would take two paths through the underlay, and ECMP would reorder it.
 */
#include "harness.h"

#define FLOWS 256
/* 256 uniform values among 16,384 ports collide about twice, among 2^20 labels hardly at
 * all; a hash that ignored the field that varies gives 1. */
#define FLOWS_DISTINCT_MIN 240
#define SPORT_FIRST 49152 /* the dynamic range, RFC 6335 section 6 */
#define SPORT_RANGE 16384

/* Peer A also owns this /16, so that thousands of IPv4 destinations route to it. */
#define WIDE_PREFIX "10.20.0.0"

enum flow_field { FIELD_SPORT, FIELD_DPORT, FIELD_SADDR, FIELD_DADDR, FIELD_COUNT };

static const char *const field_names[FIELD_COUNT] = { "source port", "destination port",
						      "source address", "destination address" };

/* Flow i of those that differ in field only, from this host to peer A's hosts. */
struct flow {
	uint8_t family; /* inner */
	char saddr[INET6_ADDRSTRLEN], daddr[INET6_ADDRSTRLEN];
	uint16_t sport, dport;
};

static struct flow flow_nth(uint8_t family, enum flow_field field, unsigned int i)
{
	struct flow fl = { .family = family, .sport = 40000, .dport = 7 };
	unsigned int s = field == FIELD_SADDR ? i : 0, d = field == FIELD_DADDR ? i : 0;

	if (family == XT_FAMILY_V6) {
		snprintf(fl.saddr, sizeof(fl.saddr), "fd00:10:1::%x", 0x100 + s);
		snprintf(fl.daddr, sizeof(fl.daddr), "fd00:10:2::%x", 0x100 + d);
	} else {
		snprintf(fl.saddr, sizeof(fl.saddr), "10.30.%u.%u", s / 250, 1 + s % 250);
		snprintf(fl.daddr, sizeof(fl.daddr), "10.20.%u.%u", d / 250, 1 + d % 250);
	}
	if (field == FIELD_SPORT)
		fl.sport = (uint16_t)(40000 + i);
	if (field == FIELD_DPORT)
		fl.dport = (uint16_t)(1000 + i);
	return fl;
}

/* A UDP datagram of the flow, payload_len bytes of fill behind the UDP header. */
static void put_flow_frame(struct pkt *p, const struct flow *fl, size_t payload_len, uint8_t fill)
{
	size_t ip_off, i;

	put_eth(p, test_peer_host_mac, test_local_host_mac,
		fl->family == XT_FAMILY_V6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	ip_off = p->len;
	if (fl->family == XT_FAMILY_V6) {
		put_ipv6(p, IP_PROTO_UDP, 8 + payload_len, fl->saddr, fl->daddr);
	} else {
		struct ipv4_fields ip = inner_ipv4_fields(fl->saddr, fl->daddr);

		put_ipv4(p, &ip, 8 + payload_len);
	}
	put_udp(p, fl->sport, fl->dport, payload_len);
	for (i = 0; i < payload_len; i++)
		put8(p, fill);
	upper_layer_checksum_fill(p, ip_off, p->len - payload_len - 2, true);
}

/* Encap on the overlay the test names, peer A owning WIDE_PREFIX/16 too. */
static int setup_encap_wide(void **state)
{
	struct test_fixture *f;

	setup_encap(state);
	f = *state;
	route_add(&f->maps, WIDE_PREFIX, 16, TEST_PEER_A_ID,
		  test_addrs(f->cfg.family)->peer_a_endpoint, TEST_PEER_A_PORT);
	return 0;
}

#define FLOW_CASE_ON(name, overlay)                                                                \
	{                                                                                          \
		"encap_" #overlay "_" #name, name, setup_encap_wide, fixture_teardown,             \
			(void *)&overlay                                                           \
	}

/* The source port and flow label encap gives in, which it must send to peer A. */
static struct outer_entropy entropy_of(const struct test_fixture *f, const struct pkt *in,
				       const char *what)
{
	struct pkt out = {};
	int verdict = prog_run(f, in, &out);

	if (verdict != TC_ACT_REDIRECT)
		test_fail("%s: verdict %d, expected a redirect to the uplink", what, verdict);
	return outer_entropy(&out, &f->cfg);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static unsigned int distinct(uint32_t *v, unsigned int n)
{
	unsigned int i, count = n ? 1 : 0;

	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 1; i < n; i++)
		count += v[i] != v[i - 1];
	return count;
}

/* Which sixteenths of [first, first + range) the values fall in, one bit each. */
static uint32_t sixteenths(const uint32_t *v, unsigned int n, uint32_t first, uint32_t range)
{
	uint32_t seen = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		seen |= 1u << ((v[i] - first) / (range / 16));
	return seen;
}

/* The values of FLOWS flows that differ in one field: many, over the whole range. */
static void expect_spread(uint32_t *v, uint32_t first, uint32_t range, const char *value,
			  uint8_t family, enum flow_field field)
{
	uint32_t used = sixteenths(v, FLOWS, first, range);
	unsigned int n = distinct(v, FLOWS);

	if (n < FLOWS_DISTINCT_MIN)
		test_fail("%u IPv%u flows that differ in their %s got %u different outer %ss, "
			  "expected at least %u",
			  FLOWS, family, field_names[field], n, value, FLOWS_DISTINCT_MIN);
	if (used != 0xffff)
		test_fail("%u IPv%u flows that differ in their %s: outer %ss in sixteenths 0x%04x "
			  "of the range, expected all of them",
			  FLOWS, family, field_names[field], value, used);
}

static void spreads_flows_over_outer_ports_and_labels(void **state)
{
	static const uint8_t families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	const struct test_fixture *f = *state;
	bool ports = xt_encap_is_udp(f->cfg.encap), labels = f->cfg.family == XT_FAMILY_V6;
	uint32_t sport[FLOWS], label[FLOWS];
	unsigned int fam, field, i;

	assert_true(ports || labels);
	for (fam = 0; fam < sizeof(families); fam++) {
		for (field = 0; field < FIELD_COUNT; field++) {
			for (i = 0; i < FLOWS; i++) {
				struct flow fl = flow_nth(families[fam], field, i);
				struct outer_entropy e;
				struct pkt in = {};

				put_flow_frame(&in, &fl, 32, 0x5a);
				e = entropy_of(f, &in, fl.daddr);
				sport[i] = e.sport;
				label[i] = e.flow_label;
			}
			if (ports)
				expect_spread(sport, SPORT_FIRST, SPORT_RANGE, "UDP source port",
					      families[fam], field);
			if (labels)
				expect_spread(label, 0, 1u << 20, "flow label", families[fam],
					      field);
		}
	}
}

/* One flow, one path: packets of other sizes and contents keep the port and label. */
static void keeps_a_flow_whatever_its_packets_carry(void **state)
{
	const struct test_fixture *f = *state;
	struct flow fl = flow_nth(XT_FAMILY_V4, FIELD_SPORT, 3);
	struct outer_entropy first, e;
	struct pkt in = {};
	unsigned int i;

	put_flow_frame(&in, &fl, 32, 0x5a);
	first = entropy_of(f, &in, "first packet");
	for (i = 1; i < 8; i++) {
		memset(&in, 0, sizeof(in));
		put_flow_frame(&in, &fl, 32 + 97 * i, (uint8_t)(0x11 * i));
		e = entropy_of(f, &in, "later packet");
		assert_int_equal(e.sport, first.sport);
		assert_int_equal(e.flow_label, first.flow_label);
	}
}

/*
 * The fragments of one IPv4 datagram (RFC 791 section 3.2): only the first carries the UDP
 * header, the others carry payload where the ports would be. All go the same way, so the
 * far end need not wait for reordered pieces.
 */
static void keeps_the_fragments_of_a_datagram_together(void **state)
{
	const struct test_fixture *f = *state;
	struct ipv4_fields ip = inner_ipv4_fields(TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	struct outer_entropy first = {}, e;
	unsigned int i;

	ip.id = 0x7a31;
	for (i = 0; i < 3; i++) {
		struct pkt in = {};
		size_t j;

		/* Offsets in 8-byte units: 0 (with the UDP header), 100, 200 (the last). */
		ip.frag_off = (uint16_t)((i < 2 ? IP_FLAG_MF : 0) | 100 * i);
		put_eth(&in, test_peer_host_mac, test_local_host_mac, ETHERTYPE_IPV4);
		put_ipv4(&in, &ip, 800);
		if (i == 0)
			put_udp(&in, 40000, 7, 3 * 800 - 8);
		for (j = i == 0 ? 8 : 0; j < 800; j++)
			put8(&in, (uint8_t)(0x31 * (i + 1) + j));
		e = entropy_of(f, &in, "fragment");
		if (i == 0) {
			first = e;
			continue;
		}
		if (e.sport != first.sport || e.flow_label != first.flow_label)
			test_fail("fragment %u of a datagram left with port %u label 0x%05x, the "
				  "first with port %u label 0x%05x",
				  i + 1, e.sport, e.flow_label, first.sport, first.flow_label);
	}
}

/* The kernel's udp_flow_src_port (include/net/udp.h) over the dynamic range: the hash
 * folded (its upper half mixed with the lower, "to minimize possibility that any useful
 * information ... is leaked"), then scaled onto [49152, 65535). */
static uint16_t kernel_src_port(uint32_t hash)
{
	hash ^= hash << 16;
	return (uint16_t)((((uint64_t)hash * (65535 - SPORT_FIRST)) >> 32) + SPORT_FIRST);
}

/* Whether one hash whose low 20 bits are the label gives the port: the 12 bits the label
 * does not carry are tried. Any one port is given by about a quarter of them, so a port and
 * a label of different hashes, or a port made another way, pass one flow in four at most. */
static bool of_one_hash(uint16_t sport, uint32_t flow_label)
{
	uint32_t high;

	for (high = 0; high < 1u << 12; high++)
		if (kernel_src_port(high << 20 | flow_label) == sport)
			return true;
	return false;
}

static void takes_port_and_label_from_one_hash_as_the_kernel_does(void **state)
{
	static const uint8_t families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	const struct test_fixture *f = *state;
	unsigned int fam, i, parted = 0;
	struct outer_entropy e, last = {};

	assert_true(xt_encap_is_udp(f->cfg.encap) && f->cfg.family == XT_FAMILY_V6);
	for (fam = 0; fam < sizeof(families); fam++) {
		for (i = 0; i < FLOWS; i++) {
			struct flow fl = flow_nth(families[fam], FIELD_SPORT, i);
			struct pkt in = {};

			put_flow_frame(&in, &fl, 32, 0x5a);
			e = entropy_of(f, &in, fl.saddr);
			if (!of_one_hash(e.sport, e.flow_label)) {
				parted++;
				last = e;
			}
		}
	}
	if (parted)
		test_fail("%u of %u flows left with a source port that is not the kernel's "
			  "udp_flow_src_port of a hash whose low 20 bits are their flow label (the "
			  "last: port %u, label 0x%05x)",
			  parted, 2 * FLOWS, last.sport, last.flow_label);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FLOW_CASE_ON(spreads_flows_over_outer_ports_and_labels, vxlan_over_ipv4),
		FLOW_CASE_ON(spreads_flows_over_outer_ports_and_labels, vxlan_over_ipv6),
		FLOW_CASE_ON(spreads_flows_over_outer_ports_and_labels, geneve_over_ipv4),
		FLOW_CASE_ON(spreads_flows_over_outer_ports_and_labels, geneve_over_ipv6),
		FLOW_CASE_ON(spreads_flows_over_outer_ports_and_labels, gre_over_ipv6),
		FLOW_CASE_ON(spreads_flows_over_outer_ports_and_labels, gre_key_over_ipv6),
		FLOW_CASE_ON(spreads_flows_over_outer_ports_and_labels, ipip_over_ipv6),
		FLOW_CASE_ON(keeps_a_flow_whatever_its_packets_carry, vxlan_over_ipv4),
		FLOW_CASE_ON(keeps_a_flow_whatever_its_packets_carry, gre_over_ipv6),
		FLOW_CASE_ON(keeps_the_fragments_of_a_datagram_together, vxlan_over_ipv6),
		FLOW_CASE_ON(keeps_the_fragments_of_a_datagram_together, ipip_over_ipv6),
		FLOW_CASE_ON(takes_port_and_label_from_one_hash_as_the_kernel_does,
			     vxlan_over_ipv6),
		FLOW_CASE_ON(takes_port_and_label_from_one_hash_as_the_kernel_does,
			     geneve_over_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
