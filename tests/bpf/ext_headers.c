// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Inner IPv6 extension headers (RFC 8200 section 4) and the checks behind them: decap's
 * neighbour advertisement target (RFC 4861 section 4.4) and encap's neighbour solicitation
 * routing must find the ICMPv6 header behind Hop-by-Hop, Routing, Destination Options,
 * Authentication and Fragment headers, as the kernel does before ICMPv6 sees the packet;
 * what they cannot find is dropped (drop-ext-headers), never passed. Every decap case runs
 * on both receive paths, on VXLAN over IPv4 unless its name says another overlay.
 *
 * BPF_PROG_TEST_RUN gives a TC program a linear skb of the whole frame on this kernel (it
 * refuses ctx->data_end, and frames above a page), so the TC path's pull of bytes beyond
 * its linear area is tested in tests/e2e/hostile_frames.sh, with real non-linear skbs.
 */
#include "harness.h"

static const uint8_t dest_opts[] = { IPV6_NEXT_DEST_OPTS };
static const uint8_t hop_by_hop[] = { IPV6_NEXT_HOP_BY_HOP };
static const uint8_t routing[] = { IPV6_NEXT_ROUTING };
static const uint8_t auth[] = { IPV6_NEXT_AUTH };
/* Eight headers, the most the walk takes (RFC 8200 section 4.1 orders six kinds). */
static const uint8_t eight[] = { IPV6_NEXT_HOP_BY_HOP, IPV6_NEXT_DEST_OPTS, IPV6_NEXT_ROUTING,
				 IPV6_NEXT_AUTH,       IPV6_NEXT_DEST_OPTS, IPV6_NEXT_DEST_OPTS,
				 IPV6_NEXT_DEST_OPTS,  IPV6_NEXT_DEST_OPTS };
static const uint8_t nine[] = { IPV6_NEXT_HOP_BY_HOP, IPV6_NEXT_DEST_OPTS, IPV6_NEXT_ROUTING,
				IPV6_NEXT_AUTH,	      IPV6_NEXT_DEST_OPTS, IPV6_NEXT_DEST_OPTS,
				IPV6_NEXT_DEST_OPTS,  IPV6_NEXT_DEST_OPTS, IPV6_NEXT_DEST_OPTS };

struct chain {
	const char *name;
	const uint8_t *headers;
	size_t n;
};

#define CHAIN(h)                                                                                   \
	{                                                                                          \
#h, h, sizeof(h)                                                                   \
	}

static const struct chain chains[] = {
	CHAIN(dest_opts), CHAIN(hop_by_hop), CHAIN(routing), CHAIN(auth), CHAIN(eight),
};

/* What peer A's host sends: an advertisement of target from its own address to ours,
 * behind chain, in the fixture's encapsulation; the inner frame is left in *inner. */
static void put_advertisement_from_peer_a(const struct test_fixture *f, struct pkt *in,
					  struct pkt *inner, const char *target,
					  const uint8_t *chain, size_t n)
{
	struct tunnel_fields t;

	put_neighbour_advertisement_behind(inner, test_local_host_mac, test_peer_host_mac,
					   TEST_PEER_A_HOST6, TEST_LOCAL_HOST6, target, chain, n);
	t = tunnel_from_peer_a(f, inner);
	put_tunnel_packet(in, &t);
}

/* The decap rule the issue found missing: an advertisement of peer B's address is peer A's
 * to send under no extension header. Before the walk, each of these was delivered and the
 * host's neighbour entry for B's address took A's MAC. */
static void advertisement_of_another_peers_address_behind_extension_headers_is_spoofed(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		const struct run_expect want = {
			.verdict = TEST_DROP,
			.reason = XT_DROP_SPOOFED,
			.peer_a = { .drops = 1 },
		};
		struct pkt in = {}, inner = {};

		put_advertisement_from_peer_a(*state, &in, &inner, TEST_PEER_B_HOST6,
					      chains[i].headers, chains[i].n);
		expect_run(*state, &in, &want, chains[i].name);
	}
}

/* Its own address, behind the same headers: delivered as it is. */
static void
advertisement_of_the_peers_own_address_behind_extension_headers_is_delivered(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		struct pkt in = {}, inner = {};

		put_advertisement_from_peer_a(*state, &in, &inner, TEST_PEER_A_HOST6,
					      chains[i].headers, chains[i].n);
		expect_decapped(*state, &in, &inner, chains[i].name);
	}
}

/* The Authentication header counts its length in 4-byte units less 2 (RFC 4302 section
 * 2.2), the others in 8-byte units less 1: read as the others, this one (24 bytes, length
 * field 4) would seem 40 long, and the walk would land inside the advertisement, on a byte
 * of its target instead of its type, and deliver it. */
static void authentication_header_length_counts_4_byte_units(void **state)
{
	struct pkt in = {}, inner = {};
	size_t ah = OFF_INNER_L3 + 40;

	put_advertisement_from_peer_a(*state, &in, &inner, TEST_PEER_B_HOST6, auth, 1);
	assert_int_equal(in.b[ah + 1], 24 / 4 - 2);
	assert_int_equal(in.b[ah + 24], ICMPV6_NEIGHBOUR_ADVERTISEMENT);
	assert_dropped(*state, &in, XT_DROP_SPOOFED, 1);
}

/* More than eight headers: the walk stops, and what it did not reach is not delivered. */
static void chain_of_nine_extension_headers_is_dropped(void **state)
{
	struct pkt in = {}, inner = {};

	put_advertisement_from_peer_a(*state, &in, &inner, TEST_PEER_A_HOST6, nine, sizeof(nine));
	assert_dropped(*state, &in, XT_DROP_EXT_HEADERS, 1);
}

/* A chain that runs past the end of the packet, at every length the last header can be
 * cut to: the check cannot see what follows it, so the packet is dropped, not passed. The
 * lengths are made to fit the cut frame, as a sender that cut it on purpose would. */
static void chain_cut_short_is_dropped_at_every_offset(void **state)
{
	const struct run_expect want = {
		.verdict = TEST_DROP,
		.reason = XT_DROP_EXT_HEADERS,
		.peer_a = { .drops = 1 },
	};
	struct pkt full = {}, inner = {};
	size_t chain = OFF_INNER_L3 + 40;

	put_advertisement_from_peer_a(*state, &full, &inner, TEST_PEER_B_HOST6, eight,
				      sizeof(eight));
	expect_cut_at_every_offset(*state, &full, chain, chain + 7 * 8 + 24, &want,
				   "extension header chain");
}

/* A Hop-by-Hop header whose length says 2048 bytes, in a frame that ends 8 bytes later. */
static void extension_header_longer_than_the_packet_is_dropped(void **state)
{
	struct pkt in = {}, inner = {};

	put_advertisement_from_peer_a(*state, &in, &inner, TEST_PEER_B_HOST6, hop_by_hop, 1);
	in.b[OFF_INNER_L3 + 40 + 1] = 255;
	assert_dropped(*state, &in, XT_DROP_EXT_HEADERS, 1);
}

/* RFC 6980 section 5: fragmented neighbour discovery is to be ignored, and the first
 * fragment need not hold the target, so an advertisement in fragments is dropped whatever
 * it claims; its own address included. */
static void advertisement_in_a_first_fragment_is_dropped(void **state)
{
	static const uint8_t fragment[] = { IPV6_NEXT_FRAGMENT };
	static const uint8_t dest_then_fragment[] = { IPV6_NEXT_DEST_OPTS, IPV6_NEXT_FRAGMENT };
	struct pkt in = {}, inner = {}, in2 = {}, inner2 = {};

	put_advertisement_from_peer_a(*state, &in, &inner, TEST_PEER_A_HOST6, fragment, 1);
	assert_dropped(*state, &in, XT_DROP_EXT_HEADERS, 1);
	put_advertisement_from_peer_a(*state, &in2, &inner2, TEST_PEER_A_HOST6, dest_then_fragment,
				      2);
	assert_dropped(*state, &in2, XT_DROP_EXT_HEADERS, 1);
}

/* A fragment other than the first has no upper-layer header: what the kernel will hand to
 * ICMPv6 after reassembly is the first fragment's, which is checked when it comes. The
 * source check applies: delivered from peer A's host, spoofed from peer B's. */
static void later_fragment_is_checked_by_its_source_only(void **state)
{
	static const uint8_t fragment[] = { IPV6_NEXT_FRAGMENT };
	struct pkt in = {}, inner = {};
	size_t frag = OFF_INNER_L3 + 40;

	put_advertisement_from_peer_a(*state, &in, &inner, TEST_PEER_B_HOST6, fragment, 1);
	/* offset 1480 / 8, no more fragments: the last of a datagram whose first is elsewhere */
	in.b[frag + 2] = (1480 >> 8) & 0xff;
	in.b[frag + 3] = 1480 & 0xf8;
	inner.b[14 + 40 + 2] = in.b[frag + 2];
	inner.b[14 + 40 + 3] = in.b[frag + 3];
	expect_decapped(*state, &in, &inner, "later fragment from peer A's host");
}

/* An advertisement cut before its target: the target cannot be checked, so the packet is
 * not delivered (the kernel would drop it too, but a check never leaves that to chance). */
static void advertisement_cut_before_its_target_is_malformed(void **state)
{
	const struct run_expect want = {
		.verdict = TEST_DROP,
		.reason = XT_DROP_MALFORMED,
		.peer_a = { .drops = 1 },
	};
	struct pkt full = {}, inner = {};
	size_t icmp = OFF_INNER_L3 + 40 + 8;

	put_advertisement_from_peer_a(*state, &full, &inner, TEST_PEER_B_HOST6, dest_opts, 1);
	expect_cut_at_every_offset(*state, &full, icmp, icmp + 24, &want, "ICMPv6");
}

/* Item 2 of the review: the longest outer IPv4 header (IHL 15) puts the target of an
 * advertisement at bytes 152-167 of the frame, past the 164 that TC decap pulls on every
 * packet. It is checked all the same (here the skb is linear; tests/e2e/hostile_frames.sh
 * sends it as a non-linear one). */
static void advertisement_behind_the_longest_outer_ipv4_header_is_checked(void **state)
{
	static const uint8_t options[40] = { 0x94, 0x04, 0x00, 0x00, [4 ... 39] = 0x01 };
	const struct test_fixture *f = *state;
	struct pkt in = {}, inner = {}, own = {}, own_inner = {};
	struct tunnel_fields t;

	put_neighbour_advertisement_frame(&inner, test_local_host_mac, test_peer_host_mac,
					  TEST_PEER_A_HOST6, TEST_LOCAL_HOST6, TEST_PEER_B_HOST6);
	t = tunnel_from_peer_a(f, &inner);
	t.ip.options = options;
	t.ip.options_len = sizeof(options);
	put_tunnel_packet(&in, &t);
	assert_int_equal(in.b[OFF_IP], 0x4f);
	assert_int_equal(in.len, 14 + 60 + 8 + 8 + 14 + 40 + 32);
	assert_dropped(f, &in, XT_DROP_SPOOFED, 1);
	put_neighbour_advertisement_frame(&own_inner, test_local_host_mac, test_peer_host_mac,
					  TEST_PEER_A_HOST6, TEST_LOCAL_HOST6, TEST_PEER_A_HOST6);
	t.inner = &own_inner;
	put_tunnel_packet(&own, &t);
	assert_decapped(f, &own, &own_inner);
}

/* UDP and TCP behind extension headers are delivered: nothing of theirs is checked. */
static void udp_behind_extension_headers_is_delivered(void **state)
{
	struct pkt in = {}, inner = {}, udp = {};
	struct tunnel_fields t;
	size_t ip_off;

	put_udp(&udp, 40000, 7, sizeof(INNER_PAYLOAD));
	put_bytes(&udp, INNER_PAYLOAD, sizeof(INNER_PAYLOAD));
	put_eth(&inner, test_local_host_mac, test_peer_host_mac, ETHERTYPE_IPV6);
	ip_off = inner.len;
	put_ipv6(&inner, IPV6_NEXT_HOP_BY_HOP, 8 + 24 + udp.len, TEST_PEER_A_HOST6,
		 TEST_LOCAL_HOST6);
	put_ipv6_extension(&inner, IPV6_NEXT_HOP_BY_HOP, IPV6_NEXT_AUTH);
	put_ipv6_extension(&inner, IPV6_NEXT_AUTH, IP_PROTO_UDP);
	put_bytes(&inner, udp.b, udp.len);
	assert_int_equal(inner.len, ip_off + 40 + 32 + udp.len);
	t = tunnel_from_peer_a(*state, &inner);
	put_tunnel_packet(&in, &t);
	assert_decapped(*state, &in, &inner);
}

/* Encap: a neighbour solicitation goes to the owner of its target (RFC 4861 section 7.2.2)
 * behind a Hop-by-Hop header too; before the walk it was routed by its multicast
 * destination, to no one. Over IPv6 the outer UDP checksum then sums the inner bytes (the
 * pseudo-header shortcut of csum.h needs the transport right behind the IPv6 header), and
 * expect_encapped checks it. */
static void solicitation_behind_hop_by_hop_goes_to_the_targets_owner(void **state)
{
	struct pkt ns = {}, frame = {};
	size_t icmp;

	put_neighbour_solicitation_frame(&ns, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	put_bytes(&frame, ns.b, 14 + 40);
	frame.b[14 + 6] = IPV6_NEXT_HOP_BY_HOP;
	set16(&frame, 14 + 4, (uint16_t)(get16(&ns, 14 + 4) + 8));
	put_ipv6_extension(&frame, IPV6_NEXT_HOP_BY_HOP, IP_PROTO_ICMPV6);
	icmp = frame.len;
	put_bytes(&frame, ns.b + 14 + 40, ns.len - 14 - 40);
	assert_int_equal(frame.b[icmp], ICMPV6_NEIGHBOUR_SOLICITATION);
	expect_encapped(*state, &frame, TEST_PEER_A_ID, "behind Hop-by-Hop");
}

/* A multicast frame whose chain is too long to walk, or cut short: dropped, never routed by
 * a guess. */
static void multicast_frame_with_a_chain_that_cannot_be_walked_is_dropped(void **state)
{
	struct pkt ns = {}, frame = {}, cut = {};
	size_t i;

	put_neighbour_solicitation_frame(&ns, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	put_bytes(&frame, ns.b, 14 + 40);
	frame.b[14 + 6] = nine[0];
	for (i = 0; i < sizeof(nine); i++)
		put_ipv6_extension(&frame, nine[i],
				   i + 1 < sizeof(nine) ? nine[i + 1] : IP_PROTO_ICMPV6);
	put_bytes(&frame, ns.b + 14 + 40, ns.len - 14 - 40);
	set16(&frame, 14 + 4, (uint16_t)(frame.len - 14 - 40));
	assert_dropped(*state, &frame, XT_DROP_EXT_HEADERS, 0);
	cut = frame;
	pkt_cut(&cut, 14 + 40 + 4);
	set16(&cut, 14 + 4, 4);
	assert_dropped(*state, &cut, XT_DROP_EXT_HEADERS, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DECAP_CASE(
			advertisement_of_another_peers_address_behind_extension_headers_is_spoofed),
		DECAP_CASE_ON(
			advertisement_of_another_peers_address_behind_extension_headers_is_spoofed,
			vxlan_over_ipv6),
		DECAP_CASE_ON(
			advertisement_of_another_peers_address_behind_extension_headers_is_spoofed,
			gre_over_ipv4),
		DECAP_CASE_ON(
			advertisement_of_another_peers_address_behind_extension_headers_is_spoofed,
			ipip_over_ipv6),
		DECAP_CASE(
			advertisement_of_the_peers_own_address_behind_extension_headers_is_delivered),
		DECAP_CASE_ON(
			advertisement_of_the_peers_own_address_behind_extension_headers_is_delivered,
			geneve_over_ipv6),
		DECAP_CASE(authentication_header_length_counts_4_byte_units),
		DECAP_CASE(chain_of_nine_extension_headers_is_dropped),
		DECAP_CASE(chain_cut_short_is_dropped_at_every_offset),
		DECAP_CASE(extension_header_longer_than_the_packet_is_dropped),
		DECAP_CASE(advertisement_in_a_first_fragment_is_dropped),
		DECAP_CASE(later_fragment_is_checked_by_its_source_only),
		DECAP_CASE(advertisement_cut_before_its_target_is_malformed),
		DECAP_CASE(advertisement_behind_the_longest_outer_ipv4_header_is_checked),
		DECAP_CASE_ON(advertisement_behind_the_longest_outer_ipv4_header_is_checked,
			      geneve_over_ipv4),
		DECAP_CASE(udp_behind_extension_headers_is_delivered),
		ENCAP_CASE(solicitation_behind_hop_by_hop_goes_to_the_targets_owner),
		ENCAP_CASE_ON(solicitation_behind_hop_by_hop_goes_to_the_targets_owner,
			      vxlan_over_ipv6),
		ENCAP_CASE_ON(solicitation_behind_hop_by_hop_goes_to_the_targets_owner,
			      geneve_over_ipv6),
		ENCAP_CASE(multicast_frame_with_a_chain_that_cannot_be_walked_is_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
