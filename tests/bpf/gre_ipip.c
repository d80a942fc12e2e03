// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The L3 encapsulations on receive, through both decap paths: GRE (RFC 2784, the key of
 * RFC 2890) and IPIP (RFC 2003; IPv6 inside per RFC 4213, under IPv6 per RFC 2473).
 *
 * GRE: xtunnel supports the K bit alone. Checksum, routing, sequence numbers, the other
 * RFC 1701 bits and any version but 0 (PPTP's enhanced GRE is 1) are drop-gre-flags. The
 * key tells overlays apart as the VNI does: a packet with another key, or a key where the
 * overlay has none, or none where it has one, is another overlay's (pass-other-key,
 * untouched). A protocol type other than IPv4 and IPv6 is drop-inner-proto. IPIP has no
 * header of its own: the outer protocol (4 or 41) says what is inside, and the inner header
 * must agree. Drops before the sender is known count against no peer.
 */
#include "harness.h"

/* Peer A's packet on the fixture's overlay carrying an IPv4 datagram, to be changed and
 * written with put_tunnel_packet; the inner frame is left in *inner. */
static struct tunnel_fields ipv4_from_peer_a(const struct test_fixture *f, struct pkt *inner)
{
	inner_frame_from(inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	return tunnel_from_peer_a(f, inner);
}

static void expect_dropped_with_gre_flags(const struct test_fixture *f, uint16_t flags,
					  const char *what)
{
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_GRE_FLAGS };
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(f, &inner);

	t.gre.flags |= flags;
	put_tunnel_packet(&in, &t);
	expect_run(f, &in, &want, what);
}

/* Each bit but K, with its optional field where it has one, and versions 1 to 7. */
static void drops_gre_with_any_flag_but_key(void **state)
{
	static const struct {
		uint16_t flags;
		const char *what;
	} cases[] = {
		{ GRE_FLAG_C, "checksum present (C)" },
		{ GRE_FLAG_R, "routing present (R, RFC 1701)" },
		{ GRE_FLAG_S, "sequence number present (S, RFC 2890)" },
		{ GRE_FLAG_STRICT_ROUTE, "strict source route (s, RFC 1701)" },
		{ 0x0100, "recursion control 1 (RFC 1701)" },
		{ 0x0008, "reserved0 bit 12" },
		{ 0x0001, "version 1 (PPTP, RFC 2637)" },
		{ GRE_VERSION_MASK, "version 7" },
		{ GRE_FLAG_C | GRE_FLAG_S, "checksum and sequence number" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_dropped_with_gre_flags(*state, cases[i].flags, cases[i].what);
}

static void passes_gre_with_other_key(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);

	t.gre.key = TEST_GRE_KEY ^ 0x80000000;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_KEY);
}

/* The overlay has a key, the packet none. */
static void passes_gre_without_key(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);

	t.gre.flags &= ~GRE_FLAG_K;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_KEY);
}

/* The overlay has no key, the packet one: even key 0 is a key. */
static void passes_gre_with_unexpected_key(void **state)
{
	static const uint32_t keys[] = { 0, TEST_GRE_KEY };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct run_expect want = { .verdict = TEST_PASS, .reason = XT_PASS_OTHER_KEY };
		struct pkt inner = {}, in = {};
		struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);
		char what[24];

		t.gre.flags |= GRE_FLAG_K;
		t.gre.key = keys[i];
		put_tunnel_packet(&in, &t);
		want.out = &in;
		snprintf(what, sizeof(what), "key 0x%08x", keys[i]);
		expect_run(*state, &in, &want, what);
	}
}

/* GRE carries more than IP: Ethernet (gretap, 0x6558), MPLS, ARP, ERSPAN. Not this
 * overlay's. */
static void drops_gre_with_other_protocol_type_as_inner_proto(void **state)
{
	static const uint16_t types[] = { ETHERTYPE_TEB, 0x8847, ETHERTYPE_ARP, 0x88be };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct run_expect want = {
			.verdict = TEST_DROP,
			.reason = XT_DROP_INNER_PROTO,
		};
		struct pkt inner = {}, in = {};
		struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);
		char what[24];

		t.gre.protocol = types[i];
		put_tunnel_packet(&in, &t);
		snprintf(what, sizeof(what), "protocol 0x%04x", types[i]);
		expect_run(*state, &in, &want, what);
	}
}

/* The protocol type says IPv6, the packet behind it is IPv4: held against peer A. */
static void drops_gre_whose_protocol_type_disagrees_with_inner_header(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);

	t.gre.protocol = ETHERTYPE_IPV6;
	put_tunnel_packet(&in, &t);
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 1);
}

/* The GRE header (and key) cut at every offset, the outer length fitted to the frame. */
static void drops_truncated_gre_header_as_malformed(void **state)
{
	const struct test_fixture *f = *state;
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_MALFORMED };
	struct pkt inner = {}, valid = {};
	struct tunnel_fields t = ipv4_from_peer_a(f, &inner);
	size_t at;

	put_tunnel_packet(&valid, &t);
	at = outer_l4_offset(&valid);
	expect_cut_at_every_offset(f, &valid, at, at + (f->cfg.has_key ? 8 : 4), &want,
				   "GRE header");
}

static void passes_packet_from_unknown_endpoint(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);

	t.ip.saddr = TEST_STRANGER_ENDPOINT;
	t.ip6.saddr = TEST_STRANGER_ENDPOINT6;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(*state, &in, XT_PASS_UNKNOWN_PEER);
}

static void passes_packet_for_other_address(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);

	t.ip.daddr = TEST_OTHER_LOCAL;
	t.ip6.daddr = TEST_OTHER_LOCAL6;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(*state, &in, XT_PASS_NOT_LOCAL);
}

/* A VXLAN packet from peer A, to our address, on an L3 overlay: another overlay's. */
static void passes_udp_packet_as_other_proto(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);

	t.encap = XT_ENCAP_VXLAN;
	t.dport = XT_VXLAN_PORT;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_PROTO);
}

/* The outer length one more than the frame holds. */
static void drops_outer_length_beyond_frame_as_malformed(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);

	put_tunnel_packet(&in, &t);
	in.len--;
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

static void drops_spoofed_inner_source(void **state)
{
	struct pkt inner4 = {}, inner6 = {}, in4 = {}, in6 = {};

	put_tunnel_from_peer_a(*state, &in4, &inner4, XT_FAMILY_V4, TEST_PEER_B_HOST);
	assert_dropped(*state, &in4, XT_DROP_SPOOFED, 1);
	put_tunnel_from_peer_a(*state, &in6, &inner6, XT_FAMILY_V6, TEST_UNROUTED_HOST6);
	assert_dropped(*state, &in6, XT_DROP_SPOOFED, 1);
}

static void drops_inner_ipv6_from_link_local_source(void **state)
{
	struct pkt inner = {}, in = {};

	put_tunnel_from_peer_a(*state, &in, &inner, XT_FAMILY_V6, "fe80::2");
	assert_dropped(*state, &in, XT_DROP_LINK_LOCAL, 1);
}

/* IPIP: outer protocol 41 (IPv6 inside) around an IPv4 packet, and 4 around IPv6. */
static void drops_ipip_whose_protocol_disagrees_with_inner_header(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner4 = {}, inner6 = {}, in4 = {}, in6 = {};
	struct tunnel_fields t = ipv4_from_peer_a(f, &inner4);
	const struct run_expect want = {
		.verdict = TEST_DROP,
		.reason = XT_DROP_MALFORMED,
		.peer_a = { .drops = 1 },
	};

	t.ip.protocol = t.ip6.next_header = IP_PROTO_IPV6;
	put_tunnel_packet(&in4, &t);
	expect_run(f, &in4, &want, "IPv4 in protocol 41");
	inner_frame_from(&inner6, XT_FAMILY_V6, TEST_PEER_A_HOST6);
	t = tunnel_from_peer_a(f, &inner6);
	t.ip.protocol = t.ip6.next_header = IP_PROTO_IPIP;
	put_tunnel_packet(&in6, &t);
	expect_run(f, &in6, &want, "IPv6 in protocol 4");
}

/* Nothing behind the outer header: the inner IP header is missing, held against peer A. */
static void drops_ipip_without_inner_header(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);

	put_tunnel_packet(&in, &t);
	pkt_cut(&in, outer_l4_offset(&in) + 19);
	outer_lengths_fit(&in);
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 1);
}

/*
 * Ethernet pads a frame to 60 bytes (IEEE 802.3; FCS not counted), and the stack trims an
 * IPv4 packet to its total length (ip_rcv_core). A GRE or IPIP packet over IPv4 whose inner
 * packet is a bare IPv4 header, or one with a byte or two of payload, is shorter than that:
 * it arrives padded, and is decapsulated without the padding. Padding bytes are not always
 * zero (a NIC may send what its buffer held), so these are not.
 */
static void put_short_ipv4_from_peer_a(const struct test_fixture *f, struct pkt *in,
				       struct pkt *inner, size_t payload_len, size_t frame_len)
{
	struct ipv4_fields ip = inner_ipv4_fields(TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	struct tunnel_fields t;
	size_t i;

	ip.protocol = 253; /* RFC 3692: for experiments; nothing of it is read */
	put_eth(inner, test_local_host_mac, test_peer_host_mac, ETHERTYPE_IPV4);
	put_ipv4(inner, &ip, payload_len);
	for (i = 0; i < payload_len; i++)
		put8(inner, (uint8_t)(0x70 + i));
	t = tunnel_from_peer_a(f, inner);
	put_tunnel_packet(in, &t);
	while (in->len < frame_len) /* 0: no padding */
		put8(in, 0xee);
}

static void delivers_padded_minimum_frame_without_its_padding(void **state)
{
	size_t payload;

	for (payload = 0; payload <= 1; payload++) {
		struct pkt inner = {}, in = {};
		char what[48];

		put_short_ipv4_from_peer_a(*state, &in, &inner, payload, 60);
		assert_int_equal(get16(&in, 14 + 2) + 14 < 60, 1);
		snprintf(what, sizeof(what), "inner IPv4 with %zu payload bytes", payload);
		expect_decapped(*state, &in, &inner, what);
	}
}

/* The same bytes behind a longer frame are not Ethernet's padding: the outer length must
 * describe a frame above the minimum exactly. */
static void drops_trailing_bytes_behind_frames_above_the_minimum(void **state)
{
	static const size_t frame_lens[] = { 61, 62, 64, 80 };
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_MALFORMED };
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = ipv4_from_peer_a(*state, &inner);
	size_t i;

	for (i = 0; i < sizeof(frame_lens) / sizeof(frame_lens[0]); i++) {
		struct pkt short_in = {}, short_inner = {};
		char what[48];

		put_short_ipv4_from_peer_a(*state, &short_in, &short_inner, 0, frame_lens[i]);
		snprintf(what, sizeof(what), "%zu-byte frame", frame_lens[i]);
		expect_run(*state, &short_in, &want, what);
	}
	put_tunnel_packet(&in, &t);
	put8(&in, 0);
	put8(&in, 0);
	expect_run(*state, &in, &want, "full-size packet and 2 bytes");
}

/* A padded frame whose IP length stops inside the inner IPv4 header: the rest of the header
 * would be read from the padding, which is not the packet's. With a GRE key, the IP length
 * holds the GRE header and most of the inner one, and only the key's length says how much
 * is missing. */
static void drops_padded_frame_whose_inner_header_reaches_into_the_padding(void **state)
{
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_MALFORMED };
	size_t cut;

	for (cut = 1; cut <= 19; cut++) {
		struct pkt inner = {}, in = {};
		size_t start, i;
		char what[48];

		put_short_ipv4_from_peer_a(*state, &in, &inner, 0, 0);
		start = in.len - 20; /* the inner header */
		pkt_cut(&in, in.len - cut);
		if (in.len >= 60)
			continue; /* not a frame Ethernet pads */
		outer_lengths_fit(&in);
		/* padded with what the header would have held, so that only the length tells */
		for (i = in.len; i < 60; i++)
			put8(&in, inner.b[14 + (i - start) % 20]);
		snprintf(what, sizeof(what), "inner header cut to %zu bytes", 20 - cut);
		expect_run(*state, &in, &want, what);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DECAP_CASE_ON(drops_gre_with_any_flag_but_key, gre_over_ipv4),
		DECAP_CASE_ON(drops_gre_with_any_flag_but_key, gre_key_over_ipv4),
		DECAP_CASE_ON(drops_gre_with_any_flag_but_key, gre_key_over_ipv6),
		DECAP_CASE_ON(passes_gre_with_other_key, gre_key_over_ipv4),
		DECAP_CASE_ON(passes_gre_with_other_key, gre_key_over_ipv6),
		DECAP_CASE_ON(passes_gre_without_key, gre_key_over_ipv4),
		DECAP_CASE_ON(passes_gre_with_unexpected_key, gre_over_ipv4),
		DECAP_CASE_ON(passes_gre_with_unexpected_key, gre_over_ipv6),
		DECAP_CASE_ON(drops_gre_with_other_protocol_type_as_inner_proto, gre_over_ipv4),
		DECAP_CASE_ON(drops_gre_with_other_protocol_type_as_inner_proto, gre_key_over_ipv6),
		DECAP_CASE_ON(drops_gre_whose_protocol_type_disagrees_with_inner_header,
			      gre_over_ipv4),
		DECAP_CASE_ON(drops_truncated_gre_header_as_malformed, gre_over_ipv4),
		DECAP_CASE_ON(drops_truncated_gre_header_as_malformed, gre_key_over_ipv4),
		DECAP_CASE_ON(passes_packet_from_unknown_endpoint, gre_key_over_ipv4),
		DECAP_CASE_ON(passes_packet_from_unknown_endpoint, ipip_over_ipv4),
		DECAP_CASE_ON(passes_packet_from_unknown_endpoint, ipip_over_ipv6),
		DECAP_CASE_ON(passes_packet_for_other_address, gre_over_ipv6),
		DECAP_CASE_ON(passes_packet_for_other_address, ipip_over_ipv4),
		DECAP_CASE_ON(passes_udp_packet_as_other_proto, gre_over_ipv4),
		DECAP_CASE_ON(passes_udp_packet_as_other_proto, ipip_over_ipv6),
		DECAP_CASE_ON(drops_outer_length_beyond_frame_as_malformed, gre_key_over_ipv4),
		DECAP_CASE_ON(drops_outer_length_beyond_frame_as_malformed, ipip_over_ipv6),
		DECAP_CASE_ON(drops_spoofed_inner_source, gre_key_over_ipv4),
		DECAP_CASE_ON(drops_spoofed_inner_source, ipip_over_ipv6),
		DECAP_CASE_ON(drops_inner_ipv6_from_link_local_source, gre_over_ipv6),
		DECAP_CASE_ON(drops_inner_ipv6_from_link_local_source, ipip_over_ipv4),
		DECAP_CASE_ON(drops_ipip_whose_protocol_disagrees_with_inner_header,
			      ipip_over_ipv4),
		DECAP_CASE_ON(drops_ipip_whose_protocol_disagrees_with_inner_header,
			      ipip_over_ipv6),
		DECAP_CASE_ON(delivers_padded_minimum_frame_without_its_padding, gre_over_ipv4),
		DECAP_CASE_ON(delivers_padded_minimum_frame_without_its_padding, ipip_over_ipv4),
		DECAP_CASE_ON(drops_trailing_bytes_behind_frames_above_the_minimum, gre_over_ipv4),
		DECAP_CASE_ON(drops_trailing_bytes_behind_frames_above_the_minimum, ipip_over_ipv4),
		DECAP_CASE_ON(drops_padded_frame_whose_inner_header_reaches_into_the_padding,
			      gre_over_ipv4),
		DECAP_CASE_ON(drops_padded_frame_whose_inner_header_reaches_into_the_padding,
			      ipip_over_ipv4),
		DECAP_CASE_ON(drops_padded_frame_whose_inner_header_reaches_into_the_padding,
			      gre_key_over_ipv4),
		DECAP_CASE_ON(drops_ipip_without_inner_header, ipip_over_ipv4),
		DECAP_CASE_ON(drops_ipip_without_inner_header, ipip_over_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
