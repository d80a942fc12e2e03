/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Running the real programs: a fresh skeleton per test (so no counter or map entry leaks
 * from one test into the next), the maps filled and read through their fds, and
 * BPF_PROG_TEST_RUN. Also the overlay every test runs on, so that addresses are named once.
 */
#ifndef XT_TEST_HARNESS_H
#define XT_TEST_HARNESS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "packet.h"
#include "xtunnel_shared.h"
#include "xt_tc.skel.h"
#include "xt_xdp.skel.h"

/* The overlay under test. Underlay addresses are from TEST-NET-2 (RFC 5737). */
#define TEST_VNI 0x12ab34 /* three different bytes: a byte order slip shows */
#define TEST_PORT 4789
#define TEST_LOCAL "198.51.100.1"
#define TEST_OVERLAY_IFINDEX 7
#define TEST_OVERLAY_PEER_IFINDEX 8
#define TEST_UPLINK_IFINDEX 3
#define TEST_LOCAL_HOST "10.10.1.1" /* this host's overlay address */
#define TEST_UNROUTED_HOST "10.10.9.9"

/* Peer A listens on another port than ours, so that encap shows whose port it uses. */
#define TEST_PEER_A_ID 5
#define TEST_PEER_A_ENDPOINT "198.51.100.2"
#define TEST_PEER_A_PORT 8472
#define TEST_PEER_A_PREFIX "10.10.2.0"
#define TEST_PEER_A_HOST "10.10.2.7"
#define TEST_PEER_B_ID 6
#define TEST_PEER_B_ENDPOINT "198.51.100.3"
#define TEST_PEER_B_PORT 4789
#define TEST_PEER_B_PREFIX "10.10.3.0"
#define TEST_PEER_B_HOST "10.10.3.9"
#define TEST_STRANGER_ENDPOINT "198.51.100.99"

static const uint8_t test_local_host_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x01, 0x01 };
static const uint8_t test_peer_host_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x02, 0x07 };
static const uint8_t test_uplink_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t test_peer_uplink_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 };

static inline struct xt_config test_config(void)
{
	struct xt_config cfg = {
		.vni = TEST_VNI,
		.port = TEST_PORT,
		.uplink_ifindex = TEST_UPLINK_IFINDEX,
		.overlay_ifindex = TEST_OVERLAY_IFINDEX,
		.overlay_peer_ifindex = TEST_OVERLAY_PEER_IFINDEX,
		.max_peers = XT_DEFAULT_MAX_PEERS,
		.max_routes = XT_DEFAULT_MAX_ROUTES,
		.mtu = 1500 - XT_VXLAN_OVERHEAD,
	};

	ipv4_bytes(TEST_LOCAL, (uint8_t *)&cfg.local);
	return cfg;
}

enum test_prog {
	TEST_PROG_ENCAP,
	TEST_PROG_DECAP_TC,
	TEST_PROG_DECAP_XDP,
};

struct test_maps {
	int peers;
	int routes;
	int peer_stats;
	int reasons;
};

/* One loaded program and the maps of its object. */
struct test_fixture {
	struct xt_tc_bpf *tc; /* exactly one of tc and xdp is loaded */
	struct xt_xdp_bpf *xdp;
	enum test_prog prog;
	int prog_fd;
	struct test_maps maps;
};

static inline void fixture_load(struct test_fixture *f, enum test_prog prog,
				const struct xt_config *cfg)
{
	memset(f, 0, sizeof(*f));
	f->prog = prog;
	if (prog == TEST_PROG_DECAP_XDP) {
		f->xdp = xt_xdp_bpf__open();
		assert_non_null(f->xdp);
		f->xdp->rodata->xt_cfg = *cfg;
		assert_int_equal(xt_xdp_bpf__load(f->xdp), 0);
		f->prog_fd = bpf_program__fd(f->xdp->progs.xt_decap_xdp);
		f->maps.peers = bpf_map__fd(f->xdp->maps.xt_peers);
		f->maps.routes = bpf_map__fd(f->xdp->maps.xt_routes);
		f->maps.peer_stats = bpf_map__fd(f->xdp->maps.xt_peer_stats);
		f->maps.reasons = bpf_map__fd(f->xdp->maps.xt_reasons);
		return;
	}
	f->tc = xt_tc_bpf__open();
	assert_non_null(f->tc);
	f->tc->rodata->xt_cfg = *cfg;
	assert_int_equal(xt_tc_bpf__load(f->tc), 0);
	f->prog_fd = bpf_program__fd(prog == TEST_PROG_ENCAP ? f->tc->progs.xt_encap
							     : f->tc->progs.xt_decap_tc);
	f->maps.peers = bpf_map__fd(f->tc->maps.xt_peers);
	f->maps.routes = bpf_map__fd(f->tc->maps.xt_routes);
	f->maps.peer_stats = bpf_map__fd(f->tc->maps.xt_peer_stats);
	f->maps.reasons = bpf_map__fd(f->tc->maps.xt_reasons);
}

static inline void peer_add(const struct test_maps *m, const char *endpoint, uint32_t id,
			    uint16_t port)
{
	struct xt_peer_key key = {};
	struct xt_peer peer = { .id = id, .port = port };

	ipv4_bytes(endpoint, key.endpoint);
	snprintf(peer.name, sizeof(peer.name), "peer-%u", id);
	assert_int_equal(bpf_map_update_elem(m->peers, &key, &peer, BPF_NOEXIST), 0);
}

static inline void route_add(const struct test_maps *m, const char *prefix, uint32_t prefixlen,
			     uint32_t peer_id, const char *endpoint, uint16_t port)
{
	struct xt_route_key key = { .prefixlen = prefixlen };
	struct xt_route route = { .peer_id = peer_id, .port = port };

	ipv4_bytes(prefix, key.addr);
	ipv4_bytes(endpoint, route.endpoint);
	assert_int_equal(bpf_map_update_elem(m->routes, &key, &route, BPF_NOEXIST), 0);
}

/* Peers A and B, each with its /24 of the overlay, as `xtunnel peer add` would set them. */
static inline void topology_add(const struct test_maps *m)
{
	peer_add(m, TEST_PEER_A_ENDPOINT, TEST_PEER_A_ID, TEST_PEER_A_PORT);
	route_add(m, TEST_PEER_A_PREFIX, 24, TEST_PEER_A_ID, TEST_PEER_A_ENDPOINT,
		  TEST_PEER_A_PORT);
	peer_add(m, TEST_PEER_B_ENDPOINT, TEST_PEER_B_ID, TEST_PEER_B_PORT);
	route_add(m, TEST_PEER_B_PREFIX, 24, TEST_PEER_B_ID, TEST_PEER_B_ENDPOINT,
		  TEST_PEER_B_PORT);
}

static inline void fixture_destroy(struct test_fixture *f)
{
	xt_tc_bpf__destroy(f->tc);
	xt_xdp_bpf__destroy(f->xdp);
	memset(f, 0, sizeof(*f));
}

/* cmocka setup: prog loaded on the test overlay, peers A and B added; *state owns it. */
static inline int fixture_setup(void **state, enum test_prog prog)
{
	struct test_fixture *f = calloc(1, sizeof(*f));
	struct xt_config cfg = test_config();

	assert_non_null(f);
	fixture_load(f, prog, &cfg);
	topology_add(&f->maps);
	*state = f;
	return 0;
}

static inline int fixture_teardown(void **state)
{
	struct test_fixture *f = *state;

	fixture_destroy(f);
	free(f);
	return 0;
}

static inline int possible_cpus(void)
{
	int n = libbpf_num_possible_cpus();

	assert_true(n > 0);
	return n;
}

static inline uint64_t reason_count(const struct test_maps *m, enum xt_reason reason)
{
	int i, ncpus = possible_cpus();
	uint64_t *values = calloc(ncpus, sizeof(*values)), sum = 0;
	uint32_t key = reason;

	assert_non_null(values);
	assert_int_equal(bpf_map_lookup_elem(m->reasons, &key, values), 0);
	for (i = 0; i < ncpus; i++)
		sum += values[i];
	free(values);
	return sum;
}

/* The program counted this packet under exactly this reason and no other. */
static inline void assert_counted_once(const struct test_maps *m, enum xt_reason reason)
{
	char counted[512] = "";
	size_t used = 0;
	bool wrong = false;
	int r;

	for (r = 0; r < XT_REASON_COUNT; r++) {
		uint64_t n = reason_count(m, r);

		if (n != (r == (int)reason ? 1 : 0))
			wrong = true;
		if (n && used < sizeof(counted))
			used += snprintf(counted + used, sizeof(counted) - used, " %d:%llu", r,
					 (unsigned long long)n);
	}
	if (wrong)
		fail_msg("expected reason %d counted once; counted (reason:count):%s", reason,
			 counted);
}

static inline struct xt_peer_stats peer_stats(const struct test_maps *m, uint32_t peer_id)
{
	int i, ncpus = possible_cpus();
	struct xt_peer_stats *values = calloc(ncpus, sizeof(*values)), sum = {};

	assert_non_null(values);
	assert_int_equal(bpf_map_lookup_elem(m->peer_stats, &peer_id, values), 0);
	for (i = 0; i < ncpus; i++) {
		sum.rx_packets += values[i].rx_packets;
		sum.rx_bytes += values[i].rx_bytes;
		sum.tx_packets += values[i].tx_packets;
		sum.tx_bytes += values[i].tx_bytes;
		sum.drops += values[i].drops;
	}
	free(values);
	return sum;
}

static inline void assert_peer_stats(const struct test_maps *m, uint32_t peer_id,
				     const struct xt_peer_stats *expected)
{
	struct xt_peer_stats s = peer_stats(m, peer_id);

	assert_int_equal(s.rx_packets, expected->rx_packets);
	assert_int_equal(s.rx_bytes, expected->rx_bytes);
	assert_int_equal(s.tx_packets, expected->tx_packets);
	assert_int_equal(s.tx_bytes, expected->tx_bytes);
	assert_int_equal(s.drops, expected->drops);
}

/* A drop counted under reason alone; peer_a_drops: whether it is held against peer A, i.e.
 * the packet was known to come from it. No peer sent or received anything. */
static inline void assert_drop_counted(const struct test_maps *m, enum xt_reason reason,
				       uint64_t peer_a_drops)
{
	const struct xt_peer_stats stats = { .drops = peer_a_drops }, none = {};

	assert_counted_once(m, reason);
	assert_peer_stats(m, TEST_PEER_A_ID, &stats);
	assert_peer_stats(m, TEST_PEER_B_ID, &none);
}

/* Run the program once on a copy of in; returns its verdict. TC programs take and give a
 * whole Ethernet frame, as XDP programs do. skb, TC only and may be NULL, sets the skb fields
 * the kernel lets a test choose (mark, priority, gso_segs, gso_size, ...). */
static inline int prog_run_skb(const struct test_fixture *f, const struct pkt *in,
			       struct pkt *out, struct __sk_buff *skb)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in->b, .data_size_in = in->len,
		    .data_out = out->b, .data_size_out = sizeof(out->b), .ctx_in = skb,
		    .ctx_size_in = skb ? sizeof(*skb) : 0);

	assert_true(!skb || f->prog != TEST_PROG_DECAP_XDP);
	assert_int_equal(bpf_prog_test_run_opts(f->prog_fd, &opts), 0);
	out->len = opts.data_size_out;
	return (int)opts.retval;
}

static inline int prog_run(const struct test_fixture *f, const struct pkt *in, struct pkt *out)
{
	return prog_run_skb(f, in, out, NULL);
}

#endif /* XT_TEST_HARNESS_H */
