// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Both ends of one overlay: what xt_encap on this host sends, the decap program of peer A
 * (a second, independently configured object) must turn back into the very frame this host
 * sent. This is what ties the encap and decap tests together: they could each agree with a
 * wrong reading of RFC 7348 and still pass; the round trip cannot.
 */
#include "harness.h"

#define TEST_LOCAL_PEER_ID 3 /* this host, as peer A knows it */
#define TEST_LOCAL_PREFIX "10.10.1.0"

struct round_trip {
	struct test_fixture here;  /* xt_encap, this host */
	struct test_fixture there; /* decap on peer A */
};

/* Peer A's side: its own address and port, and this host as its peer. */
static void peer_a_load(struct test_fixture *f, enum test_prog prog)
{
	struct xt_config cfg = test_config();

	map_addr(TEST_PEER_A_ENDPOINT, cfg.local);
	cfg.port = TEST_PEER_A_PORT;
	fixture_load(f, prog, &cfg);
	peer_add(&f->maps, TEST_LOCAL, TEST_LOCAL_PEER_ID, TEST_PORT);
	route_add(&f->maps, TEST_LOCAL_PREFIX, 24, TEST_LOCAL_PEER_ID, TEST_LOCAL, TEST_PORT);
}

static int setup_round_trip(void **state, enum test_prog decap)
{
	struct round_trip *rt = calloc(1, sizeof(*rt));
	struct xt_config cfg = test_config();

	assert_non_null(rt);
	fixture_load(&rt->here, TEST_PROG_ENCAP, &cfg);
	topology_add(&rt->here.maps);
	peer_a_load(&rt->there, decap);
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
	struct pkt wire = {}, delivered = {};
	struct xt_peer_stats sent = {}, received = {};
	bool xdp = rt->there.prog == TEST_PROG_DECAP_XDP;

	assert_int_equal(prog_run(&rt->here, frame, &wire), TC_ACT_REDIRECT);
	assert_int_equal(prog_run(&rt->there, &wire, &delivered),
			 xdp ? XDP_REDIRECT : TC_ACT_REDIRECT);
	assert_pkt_equal(&delivered, frame);
	sent.tx_packets = 1;
	sent.tx_bytes = frame->len;
	assert_peer_stats(&rt->here.maps, TEST_PEER_A_ID, &sent);
	received.rx_packets = 1;
	received.rx_bytes = frame->len;
	assert_peer_stats(&rt->there.maps, TEST_LOCAL_PEER_ID, &received);
	assert_counted_once(&rt->here.maps, XT_OK_ENCAP);
	assert_counted_once(&rt->there.maps, XT_OK_DECAP);
}

static void round_trip_ipv4_frame(void **state)
{
	struct pkt frame = {};

	put_inner_ipv4_frame(&frame, test_peer_host_mac, test_local_host_mac, TEST_LOCAL_HOST,
			     TEST_PEER_A_HOST);
	assert_round_trip(*state, &frame);
}

/* ARP leaves as if it were IPv4 (xt_arp_as_ipv4): peer A must still get an ARP frame. */
static void round_trip_arp_request(void **state)
{
	struct pkt frame = {};

	put_arp_request_frame(&frame, test_local_host_mac, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	assert_round_trip(*state, &frame);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		{ "round_trip_ipv4_frame_encap_then_decap_xdp_yields_original_frame",
		  round_trip_ipv4_frame, setup_round_trip_xdp, teardown, NULL },
		{ "round_trip_ipv4_frame_encap_then_decap_tc_yields_original_frame",
		  round_trip_ipv4_frame, setup_round_trip_tc, teardown, NULL },
		{ "round_trip_arp_request_encap_then_decap_xdp_yields_original_frame",
		  round_trip_arp_request, setup_round_trip_xdp, teardown, NULL },
		{ "round_trip_arp_request_encap_then_decap_tc_yields_original_frame",
		  round_trip_arp_request, setup_round_trip_tc, teardown, NULL },
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
