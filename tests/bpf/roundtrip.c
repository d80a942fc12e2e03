// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Both ends of one overlay: what xt_encap on this host sends, the decap program of peer A
 * (a second, independently configured object) must turn back into the very frame this host
 * sent. This is what ties the encap and decap tests together: they could each agree with a
 * wrong reading of an RFC and still pass; the round trip cannot. On every overlay, with
 * either inner family: the L2 encapsulations give back the frame as it was, the L3 ones
 * (GRE, IPIP) the IP packet behind an Ethernet header to peer A's overlay device.
 */
#include "harness.h"

#define TEST_LOCAL_PEER_ID 3 /* this host, as peer A knows it */

struct round_trip {
	struct test_fixture here;  /* xt_encap, this host */
	struct test_fixture there; /* decap on peer A */
};

/* Peer A's side: its own address and port, its overlay MAC, and this host as its peer,
 * owning this host's /24 and /64. */
static void peer_a_load(struct test_fixture *f, enum test_prog prog, const struct test_overlay *o)
{
	const struct test_addrs *u = test_addrs(o->family);
	struct xt_config cfg = test_config_of(o);

	map_addr(u->peer_a_endpoint, cfg.local);
	if (xt_encap_is_udp(o->encap))
		cfg.port = TEST_PEER_A_PORT;
	memcpy(cfg.overlay_mac, test_peer_host_mac, sizeof(cfg.overlay_mac));
	fixture_load(f, prog, &cfg);
	peer_with_prefixes_add(&f->maps, u->local, TEST_LOCAL_PEER_ID, TEST_PORT, TEST_LOCAL_PREFIX,
			       TEST_LOCAL_PREFIX6);
}

/* The overlay is the test's initial state (none: VXLAN over IPv4). */
static int setup_round_trip(void **state, enum test_prog decap)
{
	const struct test_overlay *o = *state ? *state : &vxlan_over_ipv4;
	struct round_trip *rt = calloc(1, sizeof(*rt));
	struct xt_config cfg = test_config_of(o);

	assert_non_null(rt);
	fixture_load(&rt->here, TEST_PROG_ENCAP, &cfg);
	topology_add_on(&rt->here.maps, o->family);
	peer_a_load(&rt->there, decap, o);
	*state = rt;
	return 0;
}

static int setup_round_trip_tc(void **state)
{
	return setup_round_trip(state, TEST_PROG_DECAP_TC);
}

static int setup_round_trip_xdp(void **state)
{
	return setup_round_trip(state, TEST_PROG_DECAP_XDP);
}

static int teardown(void **state)
{
	struct round_trip *rt = *state;

	fixture_destroy(&rt->here);
	fixture_destroy(&rt->there);
	free(rt);
	return 0;
}

static void assert_round_trip(const struct round_trip *rt, const struct pkt *frame)
{
	struct pkt wire = {}, delivered = {}, expected = {};
	struct xt_peer_stats sent = {}, received = {};
	bool xdp = rt->there.prog == TEST_PROG_DECAP_XDP;

	assert_int_equal(prog_run(&rt->here, frame, &wire), TC_ACT_REDIRECT);
	/* On the way out bpf_redirect_neigh fills in the MACs: the next hop's is peer A's
	 * uplink (which the fixtures give test_uplink_mac), the source ours. */
	memcpy(wire.b, test_uplink_mac, 6);
	memcpy(wire.b + 6, test_peer_uplink_mac, 6);
	assert_int_equal(prog_run(&rt->there, &wire, &delivered),
			 xdp ? XDP_REDIRECT : TC_ACT_REDIRECT);
	expected_delivery(&expected, &rt->there.cfg, frame);
	expect_pkt_equal(&delivered, &expected, "delivered by peer A");
	sent.tx_packets = 1;
	sent.tx_bytes = frame->len;
	assert_peer_stats(&rt->here.maps, TEST_PEER_A_ID, &sent);
	received.rx_packets = 1;
	received.rx_bytes = expected.len;
	assert_peer_stats(&rt->there.maps, TEST_LOCAL_PEER_ID, &received);
	assert_counted_once(&rt->here.maps, XT_OK_ENCAP);
	assert_counted_once(&rt->there.maps, XT_OK_DECAP);
}

static void round_trip_ipv4_frame(void **state)
{
	struct pkt frame = {};

	frame_to(&frame, XT_FAMILY_V4, TEST_PEER_A_HOST);
	assert_round_trip(*state, &frame);
}

static void round_trip_ipv6_frame(void **state)
{
	struct pkt frame = {};

	frame_to(&frame, XT_FAMILY_V6, TEST_PEER_A_HOST6);
	assert_round_trip(*state, &frame);
}

/* ARP leaves as if it were IPv4 (xt_skb_as_ipv4): peer A must still get an ARP frame. */
static void round_trip_arp_request(void **state)
{
	struct pkt frame = {};

	put_arp_request_frame(&frame, test_local_host_mac, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	assert_round_trip(*state, &frame);
}

static void round_trip_neighbour_solicitation(void **state)
{
	struct pkt frame = {};

	put_neighbour_solicitation_frame(&frame, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	assert_round_trip(*state, &frame);
}

/* round_trip_X_on_O_through_decap_xdp_delivers_what_was_sent, and the same for TC. */
#define ROUND_TRIP_CASE_ON(test, overlay)                                                          \
	{ .name = #test "_on_" #overlay "_through_decap_xdp_delivers_what_was_sent",               \
	  .test_func = test,                                                                       \
	  .setup_func = setup_round_trip_xdp,                                                      \
	  .teardown_func = teardown,                                                               \
	  .initial_state = (void *)&overlay },                                                     \
	{                                                                                          \
		.name = #test "_on_" #overlay "_through_decap_tc_delivers_what_was_sent",          \
		.test_func = test, .setup_func = setup_round_trip_tc, .teardown_func = teardown,   \
		.initial_state = (void *)&overlay                                                  \
	}

/* Each inner family on every overlay. */
#define ROUND_TRIP_CASES(overlay)                                                                  \
	ROUND_TRIP_CASE_ON(round_trip_ipv4_frame, overlay),                                        \
		ROUND_TRIP_CASE_ON(round_trip_ipv6_frame, overlay)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ROUND_TRIP_CASES(vxlan_over_ipv4),
		ROUND_TRIP_CASES(vxlan_over_ipv6),
		ROUND_TRIP_CASES(geneve_over_ipv4),
		ROUND_TRIP_CASES(geneve_over_ipv6),
		ROUND_TRIP_CASES(gre_over_ipv4),
		ROUND_TRIP_CASES(gre_over_ipv6),
		ROUND_TRIP_CASES(gre_key_over_ipv4),
		ROUND_TRIP_CASES(gre_key_over_ipv6),
		ROUND_TRIP_CASES(ipip_over_ipv4),
		ROUND_TRIP_CASES(ipip_over_ipv6),
		ROUND_TRIP_CASE_ON(round_trip_arp_request, vxlan_over_ipv4),
		ROUND_TRIP_CASE_ON(round_trip_arp_request, geneve_over_ipv6),
		ROUND_TRIP_CASE_ON(round_trip_neighbour_solicitation, vxlan_over_ipv4),
		ROUND_TRIP_CASE_ON(round_trip_neighbour_solicitation, geneve_over_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
