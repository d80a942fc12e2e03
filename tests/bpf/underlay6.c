// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The IPv6 underlay on receive, through both decap paths: what xt_rx_parse takes from an
 * outer IPv6 header (RFC 8200). The whole 16-byte destination must be the overlay's local
 * address; the payload length must describe the frame exactly; an outer header of the
 * other family is another overlay's (pass-not-local). Extension headers are in corpus.c.
 *
 * Each case starts from a packet peer A could send over IPv6 and changes one field.
 */
#include "harness.h"

#define OFF_IPV6_PAYLOAD_LEN (14 + 4)

static void passes_packet_for_other_ipv6_address(void **state)
{
	/* Each differs from TEST_LOCAL6 (2001:db8:51::1) in another 32-bit word. */
	static const char *const others[] = { "2001:db9:51::1", "2001:db8:50::1",
					      "2001:db8:51:0:1::1", TEST_OTHER_LOCAL6 };
	size_t i;

	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct run_expect want = { .verdict = TEST_PASS, .reason = XT_PASS_NOT_LOCAL };
		struct pkt inner = {}, in = {};
		struct tunnel_fields t;

		inner_frame_from(&inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
		t = tunnel_from_peer_a(*state, &inner);
		t.ip6.daddr = others[i];
		put_tunnel_packet(&in, &t);
		want.out = &in;
		expect_run(*state, &in, &want, others[i]);
	}
}

/* The overlay runs over IPv6: an IPv4 packet, even to this host's IPv4 address from peer
 * A's, is another overlay's. */
static void passes_outer_ipv4_packet_as_not_local(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, in = {};
	struct tunnel_fields t;

	inner_frame_from(&inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	t = tunnel_from_peer_a(f, &inner);
	t.family = XT_FAMILY_V4;
	t.ip.saddr = TEST_PEER_A_ENDPOINT;
	t.ip.daddr = TEST_LOCAL;
	put_tunnel_packet(&in, &t);
	assert_int_equal(get16(&in, 12), ETHERTYPE_IPV4);
	assert_passed_untouched(f, &in, XT_PASS_NOT_LOCAL);
}

/* And the other way round: IPv6 to the address an IPv6 overlay would have, on an IPv4 one. */
static void passes_outer_ipv6_packet_on_ipv4_underlay_as_not_local(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, in = {};
	struct tunnel_fields t;

	inner_frame_from(&inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	t = tunnel_from_peer_a(f, &inner);
	t.family = XT_FAMILY_V6;
	t.ip6 = (struct ipv6_fields){
		.hop_limit = 64,
		.saddr = TEST_PEER_A_ENDPOINT6,
		.daddr = TEST_LOCAL6,
	};
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(f, &in, XT_PASS_NOT_LOCAL);
}

static void passes_packet_from_unknown_endpoint(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t;

	inner_frame_from(&inner, XT_FAMILY_V6, TEST_PEER_A_HOST6);
	t = tunnel_from_peer_a(*state, &inner);
	t.ip6.saddr = TEST_STRANGER_ENDPOINT6;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(*state, &in, XT_PASS_UNKNOWN_PEER);
}

/* drop-malformed: a payload length that does not describe the frame. 0 stands for the
 * frame's length only above 64 KiB (BIG TCP). */
static void drops_payload_length_not_matching_frame(void **state)
{
	static const struct {
		int delta; /* added to the right payload length */
		bool zero;
		const char *what;
	} cases[] = {
		{ -1, false, "payload length one short" },
		{ 1, false, "payload length one long" },
		{ 0, true, "payload length 0" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct run_expect want = { .verdict = TEST_DROP,
						 .reason = XT_DROP_MALFORMED };
		struct pkt inner = {}, in = {};

		put_tunnel_from_peer_a(*state, &in, &inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
		set16(&in, OFF_IPV6_PAYLOAD_LEN,
		      cases[i].zero
			      ? 0
			      : (uint16_t)((int)get16(&in, OFF_IPV6_PAYLOAD_LEN) + cases[i].delta));
		expect_run(*state, &in, &want, cases[i].what);
	}
}

/* Ethernet padding (or anything else) behind the datagram would end up in the inner frame. */
static void drops_frame_longer_than_payload_length(void **state)
{
	static const uint8_t trailer[4];
	struct pkt inner = {}, in = {};

	put_tunnel_from_peer_a(*state, &in, &inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	put_bytes(&in, trailer, sizeof(trailer));
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

static void drops_udp_length_not_matching_payload_length(void **state)
{
	struct pkt inner = {}, in = {};
	size_t udp_len;

	put_tunnel_from_peer_a(*state, &in, &inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	udp_len = 14 + 40 + 4;
	set16(&in, udp_len, (uint16_t)(get16(&in, udp_len) - 1));
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

/* The outer UDP checksum is not verified on receive (RFC 7348 section 5 lets a receiver
 * choose); a zero one is what RFC 6935 allows tunnels over IPv6. Either way, delivered. */
static void delivers_inner_frame_whatever_the_outer_udp_checksum(void **state)
{
	static const uint16_t checks[] = { 0, 0x1234 };
	size_t i;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		struct pkt inner = {}, in = {};
		char what[32];

		put_tunnel_from_peer_a(*state, &in, &inner, XT_FAMILY_V6, TEST_PEER_A_HOST6);
		set16(&in, 14 + 40 + 6, checks[i]);
		snprintf(what, sizeof(what), "UDP checksum 0x%04x", checks[i]);
		expect_decapped(*state, &in, &inner, what);
	}
}

/* Traffic class and flow label are the underlay's business: ignored, every bit set. */
static void delivers_inner_frame_whatever_the_traffic_class_and_flow_label(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t;

	inner_frame_from(&inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	t = tunnel_from_peer_a(*state, &inner);
	t.ip6.traffic_class = 0xff;
	t.ip6.flow_label = 0xfffff;
	put_tunnel_packet(&in, &t);
	assert_decapped(*state, &in, &inner);
}

/* pass-not-ip: a frame of IPv6 type too short for an IPv6 header. XDP only: the kernel's
 * test run refuses such frames for TC (see corpus.c). */
static void outer_ipv6_cut_at_every_offset_passes_as_not_ip(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, valid = {};
	size_t len;

	put_tunnel_from_peer_a(f, &valid, &inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	for (len = 14; len < 14 + 40; len++) {
		struct run_expect want = { .verdict = TEST_PASS, .reason = XT_PASS_NOT_IP };
		struct pkt in = valid;
		char what[40];

		pkt_cut(&in, len);
		snprintf(what, sizeof(what), "IPv6 header cut after %zu bytes", len - 14);
		if (fixture_is_xdp(f)) {
			want.out = &in;
			expect_run(f, &in, &want, what);
		} else {
			expect_refused_by_kernel(f, &in, what);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DECAP_CASE_ON(passes_packet_for_other_ipv6_address, vxlan_over_ipv6),
		DECAP_CASE_ON(passes_packet_for_other_ipv6_address, gre_key_over_ipv6),
		DECAP_CASE_ON(passes_packet_for_other_ipv6_address, ipip_over_ipv6),
		DECAP_CASE_ON(passes_outer_ipv4_packet_as_not_local, vxlan_over_ipv6),
		DECAP_CASE_ON(passes_outer_ipv4_packet_as_not_local, ipip_over_ipv6),
		DECAP_CASE_ON(passes_outer_ipv6_packet_on_ipv4_underlay_as_not_local,
			      vxlan_over_ipv4),
		DECAP_CASE_ON(passes_outer_ipv6_packet_on_ipv4_underlay_as_not_local,
			      gre_over_ipv4),
		DECAP_CASE_ON(passes_packet_from_unknown_endpoint, vxlan_over_ipv6),
		DECAP_CASE_ON(drops_payload_length_not_matching_frame, vxlan_over_ipv6),
		DECAP_CASE_ON(drops_payload_length_not_matching_frame, gre_over_ipv6),
		DECAP_CASE_ON(drops_payload_length_not_matching_frame, ipip_over_ipv6),
		DECAP_CASE_ON(drops_frame_longer_than_payload_length, geneve_over_ipv6),
		DECAP_CASE_ON(drops_frame_longer_than_payload_length, ipip_over_ipv6),
		DECAP_CASE_ON(drops_udp_length_not_matching_payload_length, vxlan_over_ipv6),
		DECAP_CASE_ON(delivers_inner_frame_whatever_the_outer_udp_checksum,
			      vxlan_over_ipv6),
		DECAP_CASE_ON(delivers_inner_frame_whatever_the_traffic_class_and_flow_label,
			      gre_over_ipv6),
		DECAP_CASE_ON(outer_ipv6_cut_at_every_offset_passes_as_not_ip, vxlan_over_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
