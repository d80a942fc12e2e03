// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xt_encap (TC egress on the overlay device) under BPF_PROG_TEST_RUN: the exact VXLAN
 * packet it makes of an IPv4 frame and of an ARP request, where it sends IPv6 neighbour
 * solicitations, what it leaves to the kernel to segment (GSO over an IPv6 underlay) and
 * how xt_encap_seg encapsulates the segments, and the reason it gives for every frame it
 * refuses. tunnels.c has the exact packets of every encapsulation and family.
 *
 * ARP takes the IPv4 path (xt_skb_as_ipv4), so neither kind of frame depends on the test
 * process's FIB or neighbour table: both leave with zero outer MACs for bpf_redirect_neigh
 * to fill in, and no test builds an underlay. Encap never knows a sender to hold a drop
 * against, so its drops count against no peer (assert_dropped(..., 0)).
 */
#include "harness.h"

/* A case on another overlay than VXLAN over IPv4, named after the function and the overlay
 * (the function's name already says which program it runs). */
#define CASE_ON(test, overlay, setup)                                                              \
	{                                                                                          \
		.name = #test "_on_" #overlay, .test_func = test, .setup_func = setup,             \
		.teardown_func = fixture_teardown, .initial_state = (void *)&overlay               \
	}

static void encap_wraps_ipv4_frame_in_vxlan_to_routed_peer(void **state)
{
	struct pkt in = {};

	put_inner_ipv4_frame(&in, test_peer_host_mac, test_local_host_mac, TEST_LOCAL_HOST,
			     TEST_PEER_A_HOST);
	assert_encapped(*state, &in, TEST_PEER_A_ID);
}

static void encap_sends_to_the_longest_matching_prefix(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt in = {};

	/* Peer B also owns one address inside peer A's /24. */
	route_add(&f->maps, TEST_PEER_A_HOST, 32, TEST_PEER_B_ID, TEST_PEER_B_ENDPOINT,
		  TEST_PEER_B_PORT);
	put_inner_ipv4_frame(&in, test_peer_host_mac, test_local_host_mac, TEST_LOCAL_HOST,
			     TEST_PEER_A_HOST);
	assert_encapped(f, &in, TEST_PEER_B_ID);
}

/* Prefixes of TEST_PEER_A_HOST of every length from..to (IPv4) but peer A's /24, owned in
 * turn by B and A from the longest down: the longest, to, is B's. */
static void nested_prefixes_add(const struct test_fixture *f, int from, int to)
{
	struct in_addr a;
	char text[INET_ADDRSTRLEN];
	int len;

	for (len = from; len <= to; len++) {
		inet_pton(AF_INET, TEST_PEER_A_HOST, &a);
		a.s_addr &= htonl(~0u << (32 - len));
		inet_ntop(AF_INET, &a, text, sizeof(text));
		if (len == 24)
			continue; /* peer A's own /24, there already */
		if ((to - len) % 2)
			route_add(&f->maps, text, (uint32_t)len, TEST_PEER_A_ID,
				  TEST_PEER_A_ENDPOINT, TEST_PEER_A_PORT);
		else
			route_add(&f->maps, text, (uint32_t)len, TEST_PEER_B_ID,
				  TEST_PEER_B_ENDPOINT, TEST_PEER_B_PORT);
	}
}

/* The list of lengths the data path uses: its count, and the longest. */
static uint32_t lens_in_use(const struct test_fixture *f, uint32_t *longest)
{
	struct xt_lens lens;
	uint32_t zero = 0;

	assert_int_equal(bpf_map_lookup_elem(f->maps.routes.lens_fd, &zero, &lens), 0);
	if (longest)
		*longest = lens.list[lens.cur].len[0];
	return lens.list[lens.cur].n;
}

/* A frame to TEST_PEER_A_HOST goes to peer want. */
static void assert_peer_a_host_goes_to(const struct test_fixture *f, uint32_t want)
{
	struct pkt in = {};

	put_inner_ipv4_frame(&in, test_peer_host_mac, test_local_host_mac, TEST_LOCAL_HOST,
			     TEST_PEER_A_HOST);
	assert_encapped(f, &in, want);
}

/* Lengths 25 to 31 of peer A's /24 (with the /24 and the IPv6 /64s: 10 lengths), the
 * longest of them B's: the index tries the lengths longest first. */
static void encap_takes_the_longest_of_many_prefix_lengths(void **state)
{
	nested_prefixes_add(*state, 25, 31);
	assert_true(lens_in_use(*state, NULL) <= XT_MAX_LENS);
	assert_peer_a_host_goes_to(*state, TEST_PEER_B_ID);
}

/* More lengths than the index lists (8 to 31: 24 IPv4 lengths): the data path walks the
 * trie instead, and still finds the longest. */
static void encap_with_more_lengths_than_the_index_holds_walks_the_trie(void **state)
{
	nested_prefixes_add(*state, 8, 31);
	assert_int_equal(lens_in_use(*state, NULL), XT_MAX_LENS + 1);
	assert_peer_a_host_goes_to(*state, TEST_PEER_B_ID);
}

/* The index follows removals: with the /31 gone, the /30 (A's) is the longest. And with
 * few lengths left again, the list is back in use. */
static void encap_follows_a_removed_prefix_length(void **state)
{
	const struct test_fixture *f = *state;
	struct xt_route_key key = { .addr = { [10] = 0xff, [11] = 0xff } };
	uint32_t a, longest = 0;
	int len;

	nested_prefixes_add(f, 8, 31);
	for (len = 31; len >= 8; len = len == 31 ? 22 : len - 1) {
		key.prefixlen = XT_V4_MAPPED_BITS + (uint32_t)len;
		inet_pton(AF_INET, TEST_PEER_A_HOST, &a);
		a &= htonl(~0u << (32 - len));
		memcpy(key.addr + 12, &a, 4);
		assert_int_equal(xt_route_del(&f->maps.routes, &key), 0);
		if (len == 31) /* the trie still, with the /30 (A's) the longest now */
			assert_peer_a_host_goes_to(f, TEST_PEER_A_ID);
	}
	/* /31 and /8 to /22 gone: 9 lengths left, the list in use again. */
	assert_true(lens_in_use(f, &longest) <= XT_MAX_LENS);
	assert_int_equal(longest, XT_V4_MAPPED_BITS + 30);
	assert_peer_a_host_goes_to(f, TEST_PEER_A_ID);
}

static void encap_drops_ipv4_frame_without_route(void **state)
{
	struct pkt in = {};

	put_inner_ipv4_frame(&in, test_peer_host_mac, test_local_host_mac, TEST_LOCAL_HOST,
			     TEST_UNROUTED_HOST);
	assert_dropped(*state, &in, XT_DROP_NO_ROUTE, 0);
}

static void encap_drops_ipv6_frame_without_route(void **state)
{
	struct pkt in = {};

	frame_to(&in, XT_FAMILY_V6, TEST_UNROUTED_HOST6);
	assert_dropped(*state, &in, XT_DROP_NO_ROUTE, 0);
}

/* An IPv6 header with nothing else set: its destination, ::, is nobody's. */
static void encap_drops_ipv6_frame_to_unspecified_destination_as_unrouted(void **state)
{
	struct pkt in = {};
	uint8_t body[40] = { 0x60 };

	put_eth(&in, test_peer_host_mac, test_local_host_mac, ETHERTYPE_IPV6);
	put_bytes(&in, body, sizeof(body));
	assert_dropped(*state, &in, XT_DROP_NO_ROUTE, 0);
}

/* A neighbour solicitation goes to the solicited-node multicast group of its target, which
 * no route covers: it is sent, whole, to the peer whose prefix holds the target (RFC 4861
 * section 7.2.2), as ARP is. Peer B's target shows that the target decides, not the group. */
static void encap_sends_neighbour_solicitation_to_target_owner(void **state)
{
	struct pkt to_a = {}, to_b = {};

	put_neighbour_solicitation_frame(&to_a, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	assert_int_equal(to_a.b[14 + 24], 0xff); /* to a multicast group */
	expect_encapped(*state, &to_a, TEST_PEER_A_ID, "solicitation for peer A's host");
	put_neighbour_solicitation_frame(&to_b, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_B_HOST6);
	expect_encapped(*state, &to_b, TEST_PEER_B_ID, "solicitation for peer B's host");
}

static void encap_drops_neighbour_solicitation_for_unrouted_target(void **state)
{
	struct pkt in = {};

	put_neighbour_solicitation_frame(&in, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_UNROUTED_HOST6);
	assert_dropped(*state, &in, XT_DROP_NO_ROUTE, 0);
}

/* Other ICMPv6 to a multicast group (here a router solicitation to all routers, ff02::2,
 * RFC 4861 section 4.1) has no target: routed by its destination, which is nobody's. */
static void encap_drops_other_multicast_icmpv6_as_unrouted(void **state)
{
	struct pkt in = {};

	put_neighbour_solicitation_frame(&in, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	in.b[14 + 40] = 133; /* router solicitation; the target is not read */
	assert_dropped(*state, &in, XT_DROP_NO_ROUTE, 0);
}

/* ICMPv6 to a multicast group shorter than a solicitation's 24 bytes cannot be one. */
static void encap_drops_multicast_icmpv6_shorter_than_solicitation(void **state)
{
	struct pkt in = {};

	put_neighbour_solicitation_frame(&in, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	pkt_cut(&in, 14 + 40 + 23);
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

/* On an L3 overlay (a NOARP device) there is no neighbour discovery to carry: a
 * solicitation is routed by its multicast destination like any packet, to nobody. */
static void encap_routes_neighbour_solicitation_by_destination_on_l3_overlay(void **state)
{
	struct pkt in = {};

	put_neighbour_solicitation_frame(&in, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	assert_dropped(*state, &in, XT_DROP_NO_ROUTE, 0);
}

/*
 * GSO over an IPv6 underlay with a UDP encapsulation: bpf_skb_adjust_room would mark the
 * packet SKB_GSO_UDP_TUNNEL without _CSUM, and every segment would carry one outer UDP
 * checksum, wrong for all but one. xt_encap leaves such a packet as it is (TC_ACT_OK,
 * counted as segment, nothing counted for a peer yet), for the kernel to segment before
 * xt_encap_seg encapsulates each segment. gso_size and gso_segs are what BPF_PROG_TEST_RUN
 * lets a test set of the GSO state.
 */
static void encap_leaves_gso_packet_to_the_kernel_to_segment(void **state)
{
	static const uint8_t inner_families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	struct __sk_buff skb = { .gso_segs = 3, .gso_size = 1200 };
	size_t i;

	for (i = 0; i < sizeof(inner_families); i++) {
		struct run_expect want = { .verdict = TEST_ACCEPT, .reason = XT_OK_SEGMENT };
		uint8_t family = inner_families[i];
		struct pkt in = {}, out = {};

		frame_to(&in, family, test_addrs(family)->peer_a_host);
		want.out = &in;
		expect_run_skb(*state, &in, &skb, &want,
			       family == XT_FAMILY_V6 ? "inner IPv6" : "inner IPv4", &out);
	}
}

/* The route comes first (a GSO packet may go through the vxlan device, if its peer's port
 * allows): a GSO packet without one is dropped whole, before it is segmented. */
static void encap_drops_unrouted_gso_packet(void **state)
{
	struct __sk_buff skb = { .gso_segs = 2, .gso_size = 1200 };
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_NO_ROUTE };
	struct pkt in = {}, out = {};

	frame_to(&in, XT_FAMILY_V4, TEST_UNROUTED_HOST);
	expect_run_skb(*state, &in, &skb, &want, NULL, &out);
}

/* VXLAN over IPv6 as attach leaves it when it has the kernel's vxlan device
 * (loader/vxlan_dev.c): GSO packets may go there. */
#define TEST_VXLAN_DEV_IFINDEX 9

static int setup_encap_vxlan_dev(void **state)
{
	struct test_fixture *f = calloc(1, sizeof(*f));
	struct xt_config cfg = test_config_of(&vxlan_over_ipv6);

	assert_non_null(f);
	cfg.vxlan_dev = 1;
	cfg.vxlan_dev_ifindex = TEST_VXLAN_DEV_IFINDEX;
	fixture_load(f, TEST_PROG_ENCAP, &cfg);
	topology_add_on(&f->maps, XT_FAMILY_V6);
	*state = f;
	return 0;
}

/* A GSO packet to a peer on the overlay's port (B) is redirected untouched: the device
 * builds the outer headers from the tunnel key. It counts as sent, every segment of it. */
static void encap_hands_gso_packet_whole_to_the_vxlan_device(void **state)
{
	static const uint8_t inner_families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	struct __sk_buff skb = { .gso_segs = 3, .gso_size = 1200 };
	size_t i;

	for (i = 0; i < sizeof(inner_families); i++) {
		struct run_expect want = { .verdict = TEST_REDIRECT, .reason = XT_OK_VXLAN_DEV };
		uint8_t family = inner_families[i];
		struct pkt in = {}, out = {};

		frame_to(&in, family, test_addrs(family)->peer_b_host);
		want.out = &in;
		want.peer_b = (struct xt_peer_stats){ .tx_packets = 3, .tx_bytes = in.len };
		expect_run_skb(*state, &in, &skb, &want,
			       family == XT_FAMILY_V6 ? "inner IPv6" : "inner IPv4", &out);
	}
}

/* Peer A listens on another port, which the device cannot send to: the segment path. */
static void encap_segments_gso_packet_to_peer_on_another_port(void **state)
{
	struct __sk_buff skb = { .gso_segs = 3, .gso_size = 1200 };
	struct run_expect want = { .verdict = TEST_ACCEPT, .reason = XT_OK_SEGMENT };
	struct pkt in = {}, out = {};

	frame_to(&in, XT_FAMILY_V4, TEST_PEER_A_HOST);
	want.out = &in;
	expect_run_skb(*state, &in, &skb, &want, NULL, &out);
}

/* Single packets keep our own encapsulation, their checksum computed there. */
static void encap_wraps_single_packet_itself_next_to_the_vxlan_device(void **state)
{
	struct pkt in = {};

	frame_to(&in, XT_FAMILY_V4, TEST_PEER_B_HOST);
	assert_encapped(*state, &in, TEST_PEER_B_ID);
}

/*
 * Over IPv4 (or with GRE or IPIP) xt_encap encapsulates a GSO packet at once. Under
 * BPF_PROG_TEST_RUN that is the way to make its helpers fail: a test can set gso_size but
 * not gso_type, and bpf_skb_adjust_room refuses to grow a GSO skb whose type is neither TCP
 * nor UDP_L4 (bpf_skb_net_grow, net/core/filter.c). A failed encap is counted as that alone
 * and against no peer: nothing was sent.
 */
static void encap_counts_failed_encap_only_as_encap_failed(void **state)
{
	struct __sk_buff skb = { .gso_segs = 3, .gso_size = 1200 };
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_ENCAP_FAILED };
	const struct test_fixture *f = *state;
	struct pkt in = {}, out = {};

	frame_to(&in, XT_FAMILY_V4, TEST_PEER_A_HOST);
	expect_run_skb(f, &in, &skb, &want, NULL, &out);
}

/* Peer A's or B's routes (their /24 and /64) with udp6-zero-csum on, as `peer set NAME
 * udp6-zero-csum on` rewrites them (loader/peer.c): the flag encap reads is the route's. */
static void peer_udp6_zero_csum_on(const struct test_fixture *f, uint32_t id)
{
	const struct test_addrs *u = test_addrs(f->cfg.family);
	bool a = id == TEST_PEER_A_ID;
	const char *endpoint = a ? u->peer_a_endpoint : u->peer_b_endpoint;
	uint16_t port = a ? TEST_PEER_A_PORT : TEST_PEER_B_PORT;

	route_put_flags(&f->maps, a ? TEST_PEER_A_PREFIX : TEST_PEER_B_PREFIX, 24, id, endpoint,
			port, XT_PEER_F_UDP6_ZERO_CSUM, BPF_EXIST);
	route_put_flags(&f->maps, a ? TEST_PEER_A_PREFIX6 : TEST_PEER_B_PREFIX6, 64, id, endpoint,
			port, XT_PEER_F_UDP6_ZERO_CSUM, BPF_EXIST);
}

/*
 * RFC 6935 section 5: a tunnel over IPv6 may send a zero UDP checksum where both ends are
 * configured for it. To peer A, with udp6-zero-csum on, every byte is as expected_encap_on
 * builds it but the outer UDP checksum, which is exactly 0 (not 0xffff, a computed zero);
 * to peer B, without, it is computed and right (assert_encapped checks it).
 */
static void encap_sends_zero_outer_udp_checksum_to_peer_with_udp6_zero_csum(void **state)
{
	static const uint8_t inner_families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	const struct test_fixture *f = *state;
	const struct test_addrs *u = test_addrs(f->cfg.family);
	size_t i;

	peer_udp6_zero_csum_on(f, TEST_PEER_A_ID);
	for (i = 0; i < sizeof(inner_families); i++) {
		struct run_expect want = { .verdict = TEST_REDIRECT, .reason = XT_OK_ENCAP };
		const char *what = inner_families[i] == XT_FAMILY_V6 ? "inner IPv6" : "inner IPv4";
		struct pkt in = {}, out = {}, expected = {}, other = {};
		struct outer_entropy e;

		frame_to(&in, inner_families[i], test_addrs(inner_families[i])->peer_a_host);
		want.peer_a = (struct xt_peer_stats){ .tx_packets = 1, .tx_bytes = in.len };
		expect_run_skb(f, &in, NULL, &want, what, &out);
		e = outer_entropy(&out, &f->cfg);
		expected_encap_on(&expected, &f->cfg, u->peer_a_endpoint, TEST_PEER_A_PORT, &e,
				  &in);
		set16(&expected, 14 + 40 + 6, 0); /* the outer UDP checksum: none */
		expect_pkt_equal(&out, &expected, what);

		frame_to(&other, inner_families[i], test_addrs(inner_families[i])->peer_b_host);
		expect_encapped(f, &other, TEST_PEER_B_ID, what);
	}
}

/*
 * A GSO packet to a peer with udp6-zero-csum on is encapsulated whole by xt_encap itself,
 * as over IPv4: not left to the segment path, not handed to the vxlan device (this fixture
 * has one, and peer B is on the overlay's port). Under BPF_PROG_TEST_RUN the skb has no
 * gso_type, so bpf_skb_adjust_room refuses it (encap_counts_failed_encap_only_as_encap_failed):
 * drop-encap-failed is the sign that xt_encap tried, where segment or vxlan-device would
 * be the other paths' (encap_leaves_gso_packet_to_the_kernel_to_segment,
 * encap_hands_gso_packet_whole_to_the_vxlan_device).
 */
static void encap_wraps_gso_packet_itself_for_peer_with_udp6_zero_csum(void **state)
{
	static const uint8_t inner_families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	struct __sk_buff skb = { .gso_segs = 3, .gso_size = 1200 };
	const struct test_fixture *f = *state;
	size_t i;

	peer_udp6_zero_csum_on(f, TEST_PEER_A_ID);
	peer_udp6_zero_csum_on(f, TEST_PEER_B_ID);
	for (i = 0; i < sizeof(inner_families); i++) {
		const struct run_expect want = { .verdict = TEST_DROP,
						 .reason = XT_DROP_ENCAP_FAILED };
		const char *what = inner_families[i] == XT_FAMILY_V6 ? "inner IPv6" : "inner IPv4";
		struct pkt in = {}, out = {};

		frame_to(&in, inner_families[i], test_addrs(inner_families[i])->peer_a_host);
		expect_run_skb(f, &in, &skb, &want, what, &out);
		frame_to(&in, inner_families[i], test_addrs(inner_families[i])->peer_b_host);
		expect_run_skb(f, &in, &skb, &want, what, &out);
	}
}

/* xt_encap_seg sees segments only; a GSO packet there means segmentation offloads are back
 * on the device: fail closed, never send one checksum for many segments. */
static void encap_seg_drops_gso_packet(void **state)
{
	struct __sk_buff skb = { .gso_segs = 2, .gso_size = 1200 };
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_ENCAP_FAILED };
	struct pkt in = {}, out = {};

	frame_to(&in, XT_FAMILY_V6, TEST_PEER_A_HOST6);
	expect_run_skb(*state, &in, &skb, &want, NULL, &out);
}

/* A segment is encapsulated exactly as xt_encap would, with its own outer UDP checksum. */
static void encap_seg_wraps_segment_exactly(void **state)
{
	struct pkt in4 = {}, in6 = {};

	frame_to(&in4, XT_FAMILY_V4, TEST_PEER_A_HOST);
	expect_encapped(*state, &in4, TEST_PEER_A_ID, "IPv4 segment");
	frame_to(&in6, XT_FAMILY_V6, TEST_PEER_B_HOST6);
	expect_encapped(*state, &in6, TEST_PEER_B_ID, "IPv6 segment");
}

/* What xt_encap refuses, xt_encap_seg refuses too: it runs the same rules. */
static void encap_seg_drops_segment_without_route(void **state)
{
	struct pkt in = {};

	frame_to(&in, XT_FAMILY_V6, TEST_UNROUTED_HOST6);
	assert_dropped(*state, &in, XT_DROP_NO_ROUTE, 0);
}

static void encap_drops_arp_for_unrouted_target(void **state)
{
	struct pkt in = {};

	put_arp_request_frame(&in, test_local_host_mac, TEST_LOCAL_HOST, TEST_UNROUTED_HOST);
	assert_dropped(*state, &in, XT_DROP_NO_ROUTE, 0);
}

static void encap_drops_arp_with_other_hardware_length(void **state)
{
	struct pkt in = {};

	put_arp_request_frame(&in, test_local_host_mac, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	in.b[14 + 4] = 8; /* hln: not Ethernet */
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

/* The same outer headers as for IPv4; the inner frame is the ARP request byte for byte, its
 * Ethernet type still 0x0806: xt_skb_as_ipv4 changes what the skb claims to carry, so that
 * bpf_skb_adjust_room and bpf_redirect_neigh take it, never what the peer receives. */
static void encap_wraps_arp_request_in_vxlan_to_target_owner(void **state)
{
	struct pkt in = {};

	put_arp_request_frame(&in, test_local_host_mac, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	assert_encapped(*state, &in, TEST_PEER_A_ID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(encap_wraps_ipv4_frame_in_vxlan_to_routed_peer,
						setup_encap, fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_sends_to_the_longest_matching_prefix,
						setup_encap, fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_takes_the_longest_of_many_prefix_lengths,
						setup_encap, fixture_teardown),
		cmocka_unit_test_setup_teardown(
			encap_with_more_lengths_than_the_index_holds_walks_the_trie, setup_encap,
			fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_follows_a_removed_prefix_length, setup_encap,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_drops_ipv4_frame_without_route, setup_encap,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_drops_ipv6_frame_without_route, setup_encap,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(
			encap_drops_ipv6_frame_to_unspecified_destination_as_unrouted, setup_encap,
			fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_sends_neighbour_solicitation_to_target_owner,
						setup_encap, fixture_teardown),
		cmocka_unit_test_setup_teardown(
			encap_drops_neighbour_solicitation_for_unrouted_target, setup_encap,
			fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_drops_other_multicast_icmpv6_as_unrouted,
						setup_encap, fixture_teardown),
		cmocka_unit_test_setup_teardown(
			encap_drops_multicast_icmpv6_shorter_than_solicitation, setup_encap,
			fixture_teardown),
		CASE_ON(encap_sends_neighbour_solicitation_to_target_owner, geneve_over_ipv6,
			setup_encap),
		CASE_ON(encap_routes_neighbour_solicitation_by_destination_on_l3_overlay,
			gre_over_ipv4, setup_encap),
		CASE_ON(encap_routes_neighbour_solicitation_by_destination_on_l3_overlay,
			ipip_over_ipv6, setup_encap),
		CASE_ON(encap_leaves_gso_packet_to_the_kernel_to_segment, vxlan_over_ipv6,
			setup_encap),
		CASE_ON(encap_leaves_gso_packet_to_the_kernel_to_segment, geneve_over_ipv6,
			setup_encap),
		CASE_ON(encap_drops_unrouted_gso_packet, vxlan_over_ipv6, setup_encap),
		cmocka_unit_test_setup_teardown(encap_hands_gso_packet_whole_to_the_vxlan_device,
						setup_encap_vxlan_dev, fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_segments_gso_packet_to_peer_on_another_port,
						setup_encap_vxlan_dev, fixture_teardown),
		cmocka_unit_test_setup_teardown(
			encap_wraps_single_packet_itself_next_to_the_vxlan_device,
			setup_encap_vxlan_dev, fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_counts_failed_encap_only_as_encap_failed,
						setup_encap, fixture_teardown),
		CASE_ON(encap_counts_failed_encap_only_as_encap_failed, gre_over_ipv6, setup_encap),
		CASE_ON(encap_sends_zero_outer_udp_checksum_to_peer_with_udp6_zero_csum,
			vxlan_over_ipv6, setup_encap),
		CASE_ON(encap_sends_zero_outer_udp_checksum_to_peer_with_udp6_zero_csum,
			geneve_over_ipv6, setup_encap),
		CASE_ON(encap_wraps_gso_packet_itself_for_peer_with_udp6_zero_csum,
			geneve_over_ipv6, setup_encap),
		cmocka_unit_test_setup_teardown(
			encap_wraps_gso_packet_itself_for_peer_with_udp6_zero_csum,
			setup_encap_vxlan_dev, fixture_teardown),
		CASE_ON(encap_seg_drops_gso_packet, vxlan_over_ipv6, setup_encap_seg),
		CASE_ON(encap_seg_wraps_segment_exactly, vxlan_over_ipv6, setup_encap_seg),
		CASE_ON(encap_seg_wraps_segment_exactly, geneve_over_ipv6, setup_encap_seg),
		CASE_ON(encap_seg_drops_segment_without_route, vxlan_over_ipv6, setup_encap_seg),
		cmocka_unit_test_setup_teardown(encap_drops_arp_for_unrouted_target, setup_encap,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_drops_arp_with_other_hardware_length,
						setup_encap, fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_wraps_arp_request_in_vxlan_to_target_owner,
						setup_encap, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
