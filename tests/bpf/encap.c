// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xt_encap (TC egress on the overlay device) under BPF_PROG_TEST_RUN: the exact VXLAN
 * packet it makes of an IPv4 frame and of an ARP request, and the reason it gives for every
 * frame it refuses.
 *
 * ARP takes the IPv4 path (xt_arp_as_ipv4), so neither kind of frame depends on the test
 * process's FIB or neighbour table: both leave with zero outer MACs for bpf_redirect_neigh
 * to fill in, and no test builds an underlay. Encap never knows a sender to hold a drop
 * against, so its drops count against no peer (assert_dropped(..., 0)).
 */
#include "harness.h"

static void encap_wraps_ipv4_frame_in_vxlan_to_routed_peer(void **state)
{
	struct pkt in = {};

	put_inner_ipv4_frame(&in, test_peer_host_mac, test_local_host_mac, TEST_LOCAL_HOST,
			     TEST_PEER_A_HOST);
	assert_encapped(*state, &in, TEST_PEER_A_ID, TEST_PEER_A_ENDPOINT, TEST_PEER_A_PORT);
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
	assert_encapped(f, &in, TEST_PEER_B_ID, TEST_PEER_B_ENDPOINT, TEST_PEER_B_PORT);
}

static void encap_drops_ipv4_frame_without_route(void **state)
{
	struct pkt in = {};

	put_inner_ipv4_frame(&in, test_peer_host_mac, test_local_host_mac, TEST_LOCAL_HOST,
			     TEST_UNROUTED_HOST);
	assert_dropped(*state, &in, XT_DROP_NO_ROUTE, 0);
}

static void encap_drops_ipv6_frame(void **state)
{
	struct pkt in = {};
	uint8_t body[40] = { 0x60 }; /* an IPv6 header with nothing else set */

	put_eth(&in, test_peer_host_mac, test_local_host_mac, ETHERTYPE_IPV6);
	put_bytes(&in, body, sizeof(body));
	assert_dropped(*state, &in, XT_DROP_INNER_PROTO, 0);
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
 * Ethernet type still 0x0806: xt_arp_as_ipv4 changes what the skb claims to carry, so that
 * bpf_skb_adjust_room and bpf_redirect_neigh take it, never what the peer receives. */
static void encap_wraps_arp_request_in_vxlan_to_target_owner(void **state)
{
	struct pkt in = {};

	put_arp_request_frame(&in, test_local_host_mac, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	assert_encapped(*state, &in, TEST_PEER_A_ID, TEST_PEER_A_ENDPOINT, TEST_PEER_A_PORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(encap_wraps_ipv4_frame_in_vxlan_to_routed_peer,
						setup_encap, fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_sends_to_the_longest_matching_prefix,
						setup_encap, fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_drops_ipv4_frame_without_route, setup_encap,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_drops_ipv6_frame, setup_encap,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_drops_arp_for_unrouted_target, setup_encap,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_drops_arp_with_other_hardware_length,
						setup_encap, fixture_teardown),
		cmocka_unit_test_setup_teardown(encap_wraps_arp_request_in_vxlan_to_target_owner,
						setup_encap, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
