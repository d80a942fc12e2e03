// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * GENEVE (RFC 8926) on receive, through both decap paths: what xt_rx_geneve takes and what
 * it refuses. xtunnel understands no option, so it skips each by its length and drops the
 * packet if one is critical or the C bit says one is (section 3.5, "MUST drop"), if the
 * lengths do not add up to the header's option length, on any version but 0 (section 3.4)
 * and on OAM frames, control traffic for a tunnel endpoint it does not have. Reserved bits
 * are ignored on receipt (section 3.4). None of these drops knows the sender yet, so none
 * counts against a peer.
 *
 * Each case starts from a packet that peer A could send on a GENEVE overlay and changes
 * the field the case is about.
 */
#include "harness.h"

/* Peer A's GENEVE packet carrying an IPv4 datagram, *t to be changed and written with
 * put_tunnel_packet; the inner frame is left in *inner. */
static struct tunnel_fields geneve_from_peer_a(const struct test_fixture *f, struct pkt *inner)
{
	inner_frame_from(inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	return tunnel_from_peer_a(f, inner);
}

/* Where the first byte of the GENEVE header (version, option length) is. */
static size_t geneve_offset(const struct pkt *in)
{
	return outer_l4_offset(in) + 8;
}

static void drops_version_other_than_0(void **state)
{
	uint8_t version;

	for (version = 1; version <= 3; version++) {
		const struct run_expect want = {
			.verdict = TEST_DROP,
			.reason = XT_DROP_GENEVE_HEADER,
		};
		struct pkt inner = {}, in = {};
		struct tunnel_fields t = geneve_from_peer_a(*state, &inner);
		char what[16];

		t.geneve.version = version;
		put_tunnel_packet(&in, &t);
		snprintf(what, sizeof(what), "version %u", version);
		expect_run(*state, &in, &want, what);
	}
}

static void drops_oam_frame(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	t.geneve.flags = GENEVE_FLAG_OAM;
	put_tunnel_packet(&in, &t);
	assert_dropped(*state, &in, XT_DROP_GENEVE_HEADER, 0);
}

/* The C bit alone, no option at all: the sender says a critical option is there. */
static void drops_packet_with_critical_bit(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	t.geneve.flags = GENEVE_FLAG_CRITICAL;
	put_tunnel_packet(&in, &t);
	assert_dropped(*state, &in, XT_DROP_GENEVE_CRITICAL, 0);
}

/* A critical option behind a non-critical one, the C bit clear (as a sender that forgot it
 * would send it): every option is looked at, not only the first. */
static void drops_packet_with_critical_option(void **state)
{
	struct pkt inner = {}, in = {}, opts = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	put_geneve_option(&opts, 0x0102, 0x03, 1);
	put_geneve_option(&opts, 0x0102, GENEVE_OPTION_CRITICAL | 0x04, 2);
	t.geneve.options = &opts;
	put_tunnel_packet(&in, &t);
	assert_dropped(*state, &in, XT_DROP_GENEVE_CRITICAL, 0);
}

/* Options that are not critical are skipped by their lengths, here 4 and 12 bytes of data:
 * what is delivered is the inner frame behind them, nothing of the options. */
static void delivers_inner_frame_behind_two_options_of_different_lengths(void **state)
{
	struct pkt inner = {}, in = {}, opts = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	put_geneve_option(&opts, 0x0102, 0x03, 1);
	put_geneve_option(&opts, 0xffff, 0x7f, 3);
	t.geneve.options = &opts;
	put_tunnel_packet(&in, &t);
	assert_int_equal(in.b[geneve_offset(&in)] & 0x3f, (4 + 4 + 4 + 12) / 4);
	assert_decapped(*state, &in, &inner);
}

/* The most options there can be: 63 words of option length, in 63 options of no data. */
static void delivers_inner_frame_behind_63_empty_options(void **state)
{
	struct pkt inner = {}, in = {}, opts = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);
	int i;

	for (i = 0; i < 63; i++)
		put_geneve_option(&opts, 0x0100 + i, 0x01, 0);
	t.geneve.options = &opts;
	put_tunnel_packet(&in, &t);
	assert_int_equal(in.b[geneve_offset(&in)], 63);
	assert_decapped(*state, &in, &inner);
}

/* The longest option there can be: 31 words of data. */
static void delivers_inner_frame_behind_longest_option(void **state)
{
	struct pkt inner = {}, in = {}, opts = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	put_geneve_option(&opts, 0x0102, 0x03, 31);
	t.geneve.options = &opts;
	put_tunnel_packet(&in, &t);
	assert_decapped(*state, &in, &inner);
}

/* RFC 8926 section 3.4: the six reserved flag bits and the byte after the VNI are ignored. */
static void delivers_inner_frame_when_reserved_bits_are_set(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	t.geneve.flags = 0x3f;
	put_tunnel_packet(&in, &t);
	in.b[geneve_offset(&in) + 7] = 0xff;
	assert_decapped(*state, &in, &inner);
}

/* An option that claims more than the option length holds: the header says 2 words, the
 * one option in them says 2 words of data behind its own. */
static void drops_option_overrunning_option_length(void **state)
{
	struct pkt inner = {}, in = {}, opts = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	put_geneve_option(&opts, 0x0102, 0x03, 2);
	t.geneve.options = &opts;
	put_tunnel_packet(&in, &t);
	in.b[geneve_offset(&in)] = 2;
	assert_dropped(*state, &in, XT_DROP_GENEVE_HEADER, 0);
}

/* An option length that claims more than the options there are: the header says 3 words,
 * the one option is 2 words long, and what follows it (the inner frame) is read as an
 * option header whose length runs far past the option length. */
static void drops_option_length_beyond_the_options(void **state)
{
	struct pkt inner = {}, in = {}, opts = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	put_geneve_option(&opts, 0x0102, 0x03, 1);
	t.geneve.options = &opts;
	put_tunnel_packet(&in, &t);
	in.b[geneve_offset(&in)] = 3;
	assert_dropped(*state, &in, XT_DROP_GENEVE_HEADER, 0);
}

/* Options that run past the end of the frame, the outer lengths agreeing with the frame:
 * the header says 63 words, the datagram ends after one empty option. */
static void drops_options_beyond_frame_as_malformed(void **state)
{
	struct pkt inner = {}, in = {}, opts = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	memset(&inner, 0, sizeof(inner));
	put_geneve_option(&opts, 0x0102, 0x03, 0);
	put_geneve_option(&opts, 0x0102, 0x03, 0);
	t.geneve.options = &opts;
	put_eth(&inner, test_local_host_mac, test_peer_host_mac, ETHERTYPE_IPV4);
	put_tunnel_packet(&in, &t);
	pkt_cut(&in, in.len - 14 - 4); /* the second option and the inner header */
	outer_lengths_fit(&in);
	in.b[geneve_offset(&in)] = 63;
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

static void drops_truncated_header_as_malformed(void **state)
{
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_MALFORMED };
	struct pkt inner = {}, valid = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);
	size_t len, at;

	put_tunnel_packet(&valid, &t);
	at = geneve_offset(&valid);
	for (len = at; len < at + 8; len++) {
		struct pkt in = valid;
		char what[48];

		pkt_cut(&in, len);
		outer_lengths_fit(&in);
		snprintf(what, sizeof(what), "GENEVE header cut after %zu bytes", len - at);
		expect_run(*state, &in, &want, what);
	}
}

/* GENEVE can carry IPv4 directly (protocol 0x0800); xtunnel's overlay is Ethernet only. */
static void drops_non_ethernet_payload_as_inner_proto(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	t.geneve.protocol = ETHERTYPE_IPV4;
	put_tunnel_packet(&in, &t);
	assert_dropped(*state, &in, XT_DROP_INNER_PROTO, 0);
}

static void passes_other_vni(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	t.vni = TEST_VNI ^ 1;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_VNI);
}

/* GENEVE's own port is 6081: a packet to VXLAN's 4789 is another overlay's. */
static void passes_packet_to_vxlan_port(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	t.dport = XT_VXLAN_PORT;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_PORT);
}

static void passes_packet_from_unknown_endpoint(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t = geneve_from_peer_a(*state, &inner);

	t.ip.saddr = TEST_STRANGER_ENDPOINT;
	t.ip6.saddr = TEST_STRANGER_ENDPOINT6;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(*state, &in, XT_PASS_UNKNOWN_PEER);
}

/* The rules behind GENEVE are every overlay's: peer A may not speak from B's prefix. */
static void drops_spoofed_inner_source(void **state)
{
	struct pkt inner = {}, in = {};

	put_tunnel_from_peer_a(*state, &in, &inner, XT_FAMILY_V6, TEST_PEER_B_HOST6);
	assert_dropped(*state, &in, XT_DROP_SPOOFED, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DECAP_CASE_ON(drops_version_other_than_0, geneve_over_ipv4),
		DECAP_CASE_ON(drops_oam_frame, geneve_over_ipv4),
		DECAP_CASE_ON(drops_packet_with_critical_bit, geneve_over_ipv4),
		DECAP_CASE_ON(drops_packet_with_critical_option, geneve_over_ipv4),
		DECAP_CASE_ON(drops_packet_with_critical_option, geneve_over_ipv6),
		DECAP_CASE_ON(delivers_inner_frame_behind_two_options_of_different_lengths,
			      geneve_over_ipv4),
		DECAP_CASE_ON(delivers_inner_frame_behind_two_options_of_different_lengths,
			      geneve_over_ipv6),
		DECAP_CASE_ON(delivers_inner_frame_behind_63_empty_options, geneve_over_ipv4),
		DECAP_CASE_ON(delivers_inner_frame_behind_63_empty_options, geneve_over_ipv6),
		DECAP_CASE_ON(delivers_inner_frame_behind_longest_option, geneve_over_ipv6),
		DECAP_CASE_ON(delivers_inner_frame_when_reserved_bits_are_set, geneve_over_ipv4),
		DECAP_CASE_ON(drops_option_overrunning_option_length, geneve_over_ipv4),
		DECAP_CASE_ON(drops_option_length_beyond_the_options, geneve_over_ipv4),
		DECAP_CASE_ON(drops_options_beyond_frame_as_malformed, geneve_over_ipv4),
		DECAP_CASE_ON(drops_truncated_header_as_malformed, geneve_over_ipv4),
		DECAP_CASE_ON(drops_non_ethernet_payload_as_inner_proto, geneve_over_ipv4),
		DECAP_CASE_ON(passes_other_vni, geneve_over_ipv4),
		DECAP_CASE_ON(passes_packet_to_vxlan_port, geneve_over_ipv4),
		DECAP_CASE_ON(passes_packet_from_unknown_endpoint, geneve_over_ipv4),
		DECAP_CASE_ON(passes_packet_from_unknown_endpoint, geneve_over_ipv6),
		DECAP_CASE_ON(drops_spoofed_inner_source, geneve_over_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
