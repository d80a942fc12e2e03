/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Running the real programs: a fresh skeleton per test (so no counter or map entry leaks
 * from one test into the next), the maps filled and read through their fds, and
 * BPF_PROG_TEST_RUN. Also the overlays the tests run on (one per encapsulation and underlay
 * family; VXLAN over IPv4 unless a test names another), so that addresses are named once.
 */
#ifndef XT_TEST_HARNESS_H
#define XT_TEST_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "packet.h"
#include "xtunnel_shared.h"
#include "routes.h" /* xt_route_put: routes are written as the loader writes them */
#include "xt_tc.skel.h"
#include "xt_xdp.skel.h"
#include "xtunnel_l2.h"
#include "xt_l2.skel.h"
#include "xt_l2_xdp.skel.h"
#include "uplink_dev.h"

/* The overlay under test. Underlay addresses are from TEST-NET-2 (RFC 5737). */
#define TEST_VNI 0x12ab34 /* three different bytes: a byte order slip shows */
#define TEST_PORT 4789
#define TEST_LOCAL "198.51.100.1"
#define TEST_OVERLAY_IFINDEX 7
#define TEST_OVERLAY_PEER_IFINDEX 8
#define TEST_UPLINK_IFINDEX 3
#define TEST_LOCAL_PREFIX "10.10.1.0" /* this host's /24, as its peers know it */
#define TEST_LOCAL_HOST "10.10.1.1"   /* this host's overlay address */
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
#define TEST_OTHER_LOCAL "198.51.100.77" /* another address of this host's */

/* The same underlay over IPv6, from the documentation prefix (RFC 3849). */
#define TEST_LOCAL6 "2001:db8:51::1"
#define TEST_PEER_A_ENDPOINT6 "2001:db8:51::2"
#define TEST_PEER_B_ENDPOINT6 "2001:db8:51::3"
#define TEST_STRANGER_ENDPOINT6 "2001:db8:51::99"
#define TEST_OTHER_LOCAL6 "2001:db8:51::77"

/* The overlay's IPv6 side: unique local addresses (RFC 4193), a /64 per host. */
#define TEST_LOCAL_PREFIX6 "fd00:10:1::"
#define TEST_LOCAL_HOST6 "fd00:10:1::1"
#define TEST_PEER_A_PREFIX6 "fd00:10:2::"
#define TEST_PEER_A_HOST6 "fd00:10:2::7"
#define TEST_PEER_B_PREFIX6 "fd00:10:3::"
#define TEST_PEER_B_HOST6 "fd00:10:3::9"
#define TEST_UNROUTED_HOST6 "fd00:10:9::9"

#define TEST_GRE_KEY 0x1a2b3c4d /* four different bytes, as TEST_VNI */

/* The addresses of one family: the underlay's when the overlay runs over that family, the
 * overlay hosts' when the inner packets are of it. */
struct test_addrs {
	const char *local, *other_local, *peer_a_endpoint, *peer_b_endpoint, *stranger_endpoint;
	const char *local_host, *peer_a_host, *peer_b_host, *unrouted_host;
};

static inline const struct test_addrs *test_addrs(uint8_t family)
{
	static const struct test_addrs v4 = {
		.local = TEST_LOCAL,
		.other_local = TEST_OTHER_LOCAL,
		.peer_a_endpoint = TEST_PEER_A_ENDPOINT,
		.peer_b_endpoint = TEST_PEER_B_ENDPOINT,
		.stranger_endpoint = TEST_STRANGER_ENDPOINT,
		.local_host = TEST_LOCAL_HOST,
		.peer_a_host = TEST_PEER_A_HOST,
		.peer_b_host = TEST_PEER_B_HOST,
		.unrouted_host = TEST_UNROUTED_HOST,
	};
	static const struct test_addrs v6 = {
		.local = TEST_LOCAL6,
		.other_local = TEST_OTHER_LOCAL6,
		.peer_a_endpoint = TEST_PEER_A_ENDPOINT6,
		.peer_b_endpoint = TEST_PEER_B_ENDPOINT6,
		.stranger_endpoint = TEST_STRANGER_ENDPOINT6,
		.local_host = TEST_LOCAL_HOST6,
		.peer_a_host = TEST_PEER_A_HOST6,
		.peer_b_host = TEST_PEER_B_HOST6,
		.unrouted_host = TEST_UNROUTED_HOST6,
	};

	assert_true(family == XT_FAMILY_V4 || family == XT_FAMILY_V6);
	return family == XT_FAMILY_V6 ? &v6 : &v4;
}

static const uint8_t test_local_host_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x01, 0x01 };
static const uint8_t test_peer_host_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x02, 0x07 };
static const uint8_t test_uplink_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t test_peer_uplink_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 };

/* An overlay: its encapsulation and underlay family. A test names one as its cmocka initial
 * state (see ENCAP_CASE_ON), and the fixture loads the programs configured for it. */
struct test_overlay {
	uint8_t encap;	/* enum xt_encap */
	uint8_t family; /* underlay */
	bool has_key;	/* GRE: TEST_GRE_KEY */
};

static const struct test_overlay vxlan_over_ipv4 = { XT_ENCAP_VXLAN, XT_FAMILY_V4, false };
static const struct test_overlay vxlan_over_ipv6 = { XT_ENCAP_VXLAN, XT_FAMILY_V6, false };
static const struct test_overlay geneve_over_ipv4 = { XT_ENCAP_GENEVE, XT_FAMILY_V4, false };
static const struct test_overlay geneve_over_ipv6 = { XT_ENCAP_GENEVE, XT_FAMILY_V6, false };
static const struct test_overlay gre_over_ipv4 = { XT_ENCAP_GRE, XT_FAMILY_V4, false };
static const struct test_overlay gre_over_ipv6 = { XT_ENCAP_GRE, XT_FAMILY_V6, false };
static const struct test_overlay gre_key_over_ipv4 = { XT_ENCAP_GRE, XT_FAMILY_V4, true };
static const struct test_overlay gre_key_over_ipv6 = { XT_ENCAP_GRE, XT_FAMILY_V6, true };
static const struct test_overlay ipip_over_ipv4 = { XT_ENCAP_IPIP, XT_FAMILY_V4, false };
static const struct test_overlay ipip_over_ipv6 = { XT_ENCAP_IPIP, XT_FAMILY_V6, false };

/* The configuration `xtunnel attach` would give the overlay: the encapsulation's port
 * (none for GRE and IPIP), the MTU its overhead leaves of 1500, and this host's overlay
 * MAC as the destination of what the L3 encapsulations deliver. */
static inline struct xt_config test_config_of(const struct test_overlay *o)
{
	struct xt_config cfg = {
		.vni = TEST_VNI,
		.key = o->has_key ? TEST_GRE_KEY : 0,
		.port = o->encap == XT_ENCAP_GENEVE  ? XT_GENEVE_PORT
			: o->encap == XT_ENCAP_VXLAN ? TEST_PORT
						     : 0,
		.encap = o->encap,
		.family = o->family,
		.has_key = o->has_key,
		.uplink_ifindex = TEST_UPLINK_IFINDEX,
		.overlay_ifindex = TEST_OVERLAY_IFINDEX,
		.overlay_peer_ifindex = TEST_OVERLAY_PEER_IFINDEX,
		.max_peers = XT_DEFAULT_MAX_PEERS,
		.max_routes = XT_DEFAULT_MAX_ROUTES,
	};

	map_addr(test_addrs(o->family)->local, cfg.local);
	memcpy(cfg.overlay_mac, test_local_host_mac, sizeof(cfg.overlay_mac));
	return cfg;
}

static inline struct xt_config test_config(void)
{
	return test_config_of(&vxlan_over_ipv4);
}

enum test_prog {
	TEST_PROG_ENCAP,
	TEST_PROG_DECAP_TC,
	TEST_PROG_DECAP_XDP,
	TEST_PROG_ENCAP_SEG, /* xt_encap_seg */
	/* The L2 overlays' (bpf/xt_l2.bpf.c, bpf/xt_l2_xdp.bpf.c; tests/bpf/l2_harness.h). */
	TEST_PROG_L2_ENCAP,
	TEST_PROG_L2_DECAP_TC,
	TEST_PROG_L2_DECAP_XDP,
	TEST_PROG_L2_ENCAP_SEG,
};

static inline bool test_prog_is_l2(enum test_prog prog)
{
	return prog >= TEST_PROG_L2_ENCAP;
}

struct test_maps {
	int peers;
	struct xt_route_maps routes; /* written as the loader writes them (loader/routes.c) */
	int peer_stats;
	int reasons;
	int peer_drops;
	/* L2 overlays only (include/xtunnel_l2.h) */
	int fdb, neigh, l2_peers, learned, flood, l2_state;
};

/* One loaded program and the maps of its object. */
struct test_fixture {
	struct xt_tc_bpf *tc; /* exactly one of tc, xdp, l2 and l2_xdp is loaded */
	struct xt_xdp_bpf *xdp;
	struct xt_l2_bpf *l2;
	struct xt_l2_xdp_bpf *l2_xdp;
	enum test_prog prog;
	int prog_fd;
	int ctl_fd; /* l2: xt_l2_ctl, loaded with the program under test */
	struct test_maps maps;
	struct xt_config cfg;	    /* what the programs were loaded with */
	struct xt_l2_config l2_cfg; /* l2 and l2_xdp */
	/* The device a decap TC run's skb arrives on; 0: the test uplink (run_ctx). A test
	 * that builds devices of its own (tests/bpf/forward.c) names one of them. */
	uint32_t run_ifindex;
};

/* The L2 overlays' configuration in the tests: a small max-macs, so that the limit is
 * reached in a few frames, and a cookie with eight different bytes. */
#define TEST_L2_MAX_MACS 4
#define TEST_L2_COOKIE 0x0123456789abcdefull

static inline struct xt_l2_config test_l2_config(void)
{
	struct xt_l2_config c = {
		.ageing_ns = XT_L2_DEFAULT_AGEING * 1000000000ull,
		.refresh_ns = XT_L2_REFRESH_NS,
		.cookie = TEST_L2_COOKIE,
		.max_macs = TEST_L2_MAX_MACS,
	};

	return c;
}

#define L2_MAPS_OF(f, skel)                                                                        \
	do {                                                                                       \
		(f)->maps.peers = bpf_map__fd((skel)->maps.xt_peers);                              \
		(f)->maps.peer_stats = bpf_map__fd((skel)->maps.xt_peer_stats);                    \
		(f)->maps.reasons = bpf_map__fd((skel)->maps.xt_reasons);                          \
		(f)->maps.peer_drops = bpf_map__fd((skel)->maps.xt_peer_drops);                    \
		(f)->maps.fdb = bpf_map__fd((skel)->maps.xt_fdb);                                  \
		(f)->maps.neigh = bpf_map__fd((skel)->maps.xt_neigh);                              \
		(f)->maps.l2_peers = bpf_map__fd((skel)->maps.xt_l2_peers);                        \
		(f)->maps.learned = bpf_map__fd((skel)->maps.xt_l2_learned);                       \
		(f)->maps.flood = bpf_map__fd((skel)->maps.xt_flood);                              \
		(f)->maps.l2_state = bpf_map__fd((skel)->maps.xt_l2_state);                        \
	} while (0)

/* An L2 overlay's program, configured with cfg and l2 (and, for TC, xt_l2_ctl with it).
 * fdb_max: the FDB's capacity, 0 for the default. */
static inline void fixture_load_l2(struct test_fixture *f, enum test_prog prog,
				   const struct xt_config *cfg, const struct xt_l2_config *l2,
				   uint32_t fdb_max)
{
	struct bpf_program *run, *other;

	memset(f, 0, sizeof(*f));
	f->prog = prog;
	f->cfg = *cfg;
	f->l2_cfg = *l2;
	if (prog == TEST_PROG_L2_DECAP_XDP) {
		f->l2_xdp = xt_l2_xdp_bpf__open();
		assert_non_null(f->l2_xdp);
		f->l2_xdp->rodata->xt_cfg = *cfg;
		f->l2_xdp->rodata->xt_l2_cfg = *l2;
		memcpy((void *)f->l2_xdp->rodata->xt_uplink_mac, test_uplink_mac, 6);
		if (fdb_max)
			assert_int_equal(bpf_map__set_max_entries(f->l2_xdp->maps.xt_fdb, fdb_max),
					 0);
		assert_int_equal(bpf_program__set_autoload(f->l2_xdp->progs.xt_pass, false), 0);
		assert_int_equal(xt_l2_xdp_bpf__load(f->l2_xdp), 0);
		f->prog_fd = bpf_program__fd(f->l2_xdp->progs.xt_l2_decap_xdp);
		f->ctl_fd = -1;
		L2_MAPS_OF(f, f->l2_xdp);
		return;
	}
	f->l2 = xt_l2_bpf__open();
	assert_non_null(f->l2);
	f->l2->rodata->xt_cfg = *cfg;
	f->l2->rodata->xt_l2_cfg = *l2;
	memcpy((void *)f->l2->rodata->xt_uplink_mac, test_uplink_mac, 6);
	if (fdb_max)
		assert_int_equal(bpf_map__set_max_entries(f->l2->maps.xt_fdb, fdb_max), 0);
	run = prog == TEST_PROG_L2_ENCAP       ? f->l2->progs.xt_l2_encap
	      : prog == TEST_PROG_L2_ENCAP_SEG ? f->l2->progs.xt_l2_encap_seg
					       : f->l2->progs.xt_l2_decap_tc;
	bpf_object__for_each_program(other, f->l2->obj) assert_int_equal(
		bpf_program__set_autoload(other, other == run || other == f->l2->progs.xt_l2_ctl),
		0);
	assert_int_equal(xt_l2_bpf__load(f->l2), 0);
	f->prog_fd = bpf_program__fd(run);
	f->ctl_fd = bpf_program__fd(f->l2->progs.xt_l2_ctl);
	L2_MAPS_OF(f, f->l2);
}

static inline void fixture_load(struct test_fixture *f, enum test_prog prog,
				const struct xt_config *cfg)
{
	struct bpf_program *run, *other;

	memset(f, 0, sizeof(*f));
	f->prog = prog;
	f->cfg = *cfg;
	if (prog == TEST_PROG_DECAP_XDP) {
		f->xdp = xt_xdp_bpf__open();
		assert_non_null(f->xdp);
		f->xdp->rodata->xt_cfg = *cfg;
		memcpy((void *)f->xdp->rodata->xt_uplink_mac, test_uplink_mac, 6);
		assert_int_equal(xt_xdp_bpf__load(f->xdp), 0);
		f->prog_fd = bpf_program__fd(f->xdp->progs.xt_decap_xdp);
		f->maps.peers = bpf_map__fd(f->xdp->maps.xt_peers);
		f->maps.routes = xt_route_maps_of_obj(f->xdp->obj);
		f->maps.peer_stats = bpf_map__fd(f->xdp->maps.xt_peer_stats);
		f->maps.reasons = bpf_map__fd(f->xdp->maps.xt_reasons);
		f->maps.peer_drops = bpf_map__fd(f->xdp->maps.xt_peer_drops);
		return;
	}
	f->tc = xt_tc_bpf__open();
	assert_non_null(f->tc);
	f->tc->rodata->xt_cfg = *cfg;
	memcpy((void *)f->tc->rodata->xt_uplink_mac, test_uplink_mac, 6);
	run = prog == TEST_PROG_ENCAP	    ? f->tc->progs.xt_encap
	      : prog == TEST_PROG_ENCAP_SEG ? f->tc->progs.xt_encap_seg
					    : f->tc->progs.xt_decap_tc;
	/* Only the program under test is verified: the suite loads hundreds of fixtures, and
	 * every program is under test in some of them. */
	bpf_object__for_each_program(other, f->tc->obj)
		assert_int_equal(bpf_program__set_autoload(other, other == run), 0);
	assert_int_equal(xt_tc_bpf__load(f->tc), 0);
	f->prog_fd = bpf_program__fd(run);
	f->maps.peers = bpf_map__fd(f->tc->maps.xt_peers);
	f->maps.routes = xt_route_maps_of_obj(f->tc->obj);
	f->maps.peer_stats = bpf_map__fd(f->tc->maps.xt_peer_stats);
	f->maps.reasons = bpf_map__fd(f->tc->maps.xt_reasons);
	f->maps.peer_drops = bpf_map__fd(f->tc->maps.xt_peer_drops);
}

static inline void peer_add(const struct test_maps *m, const char *endpoint, uint32_t id,
			    uint16_t port)
{
	struct xt_peer_key key = {};
	struct xt_peer peer = { .id = id, .port = port };

	map_addr(endpoint, key.endpoint);
	snprintf(peer.name, sizeof(peer.name), "peer-%u", id);
	assert_int_equal(bpf_map_update_elem(m->peers, &key, &peer, BPF_NOEXIST), 0);
}

/* A route with flags (XT_PEER_F_UDP6_ZERO_CSUM), added or replaced as update says. */
static inline void route_put_flags(const struct test_maps *m, const char *prefix,
				   uint32_t prefixlen, uint32_t peer_id, const char *endpoint,
				   uint16_t port, uint16_t flags, uint64_t update)
{
	struct xt_route_key key = { .prefixlen = prefixlen };
	struct xt_route route = { .peer_id = peer_id, .port = port, .flags = flags };

	/* prefixlen is in the family's own terms, as `allowed-ips` takes it. */
	if (map_addr(prefix, key.addr) == XT_FAMILY_V4)
		key.prefixlen += XT_V4_MAPPED_BITS;
	map_addr(endpoint, route.endpoint);
	assert_int_equal(xt_route_put(&m->routes, &key, &route, update), 0);
}

static inline void route_add(const struct test_maps *m, const char *prefix, uint32_t prefixlen,
			     uint32_t peer_id, const char *endpoint, uint16_t port)
{
	route_put_flags(m, prefix, prefixlen, peer_id, endpoint, port, 0, BPF_NOEXIST);
}

/* A peer at endpoint:port (of the underlay family) owning an IPv4 /24 and an IPv6 /64 of
 * the overlay, as `xtunnel peer add` would set it. */
static inline void peer_with_prefixes_add(const struct test_maps *m, const char *endpoint,
					  uint32_t id, uint16_t port, const char *prefix4,
					  const char *prefix6)
{
	peer_add(m, endpoint, id, port);
	route_add(m, prefix4, 24, id, endpoint, port);
	route_add(m, prefix6, 64, id, endpoint, port);
}

/* Peers A and B at their endpoints of the underlay family, with their prefixes. */
static inline void topology_add_on(const struct test_maps *m, uint8_t family)
{
	const struct test_addrs *u = test_addrs(family);

	peer_with_prefixes_add(m, u->peer_a_endpoint, TEST_PEER_A_ID, TEST_PEER_A_PORT,
			       TEST_PEER_A_PREFIX, TEST_PEER_A_PREFIX6);
	peer_with_prefixes_add(m, u->peer_b_endpoint, TEST_PEER_B_ID, TEST_PEER_B_PORT,
			       TEST_PEER_B_PREFIX, TEST_PEER_B_PREFIX6);
}

static inline void topology_add(const struct test_maps *m)
{
	topology_add_on(m, XT_FAMILY_V4);
}

static inline void fixture_destroy(struct test_fixture *f)
{
	xt_tc_bpf__destroy(f->tc);
	xt_xdp_bpf__destroy(f->xdp);
	xt_l2_bpf__destroy(f->l2);
	xt_l2_xdp_bpf__destroy(f->l2_xdp);
	memset(f, 0, sizeof(*f));
}

/* cmocka setup: prog loaded on the overlay the test names in its initial state (a struct
 * test_overlay; none: VXLAN over IPv4), peers A and B added; *state then owns the fixture. */
static inline int fixture_setup(void **state, enum test_prog prog)
{
	const struct test_overlay *o = *state ? *state : &vxlan_over_ipv4;
	struct test_fixture *f = calloc(1, sizeof(*f));
	struct xt_config cfg = test_config_of(o);

	assert_non_null(f);
	fixture_load(f, prog, &cfg);
	topology_add_on(&f->maps, o->family);
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
		if (values[i].latest_rx_ns > sum.latest_rx_ns)
			sum.latest_rx_ns = values[i].latest_rx_ns;
	}
	free(values);
	return sum;
}

/* A peer's drops by reason (xt_peer_drops: no entry is no drop), summed over CPUs. */
static inline void peer_drops_read(const struct test_maps *m, uint32_t peer_id,
				   uint64_t out[XT_DROP_COUNT])
{
	int i, r, ncpus = possible_cpus();
	struct xt_peer_drops *values = calloc(ncpus, sizeof(*values));

	assert_non_null(values);
	memset(out, 0, XT_DROP_COUNT * sizeof(*out));
	if (bpf_map_lookup_elem(m->peer_drops, &peer_id, values)) {
		assert_int_equal(errno, ENOENT);
	} else {
		for (i = 0; i < ncpus; i++)
			for (r = 0; r < XT_DROP_COUNT; r++)
				out[r] += values[i].count[r];
	}
	free(values);
}

/* Entries of xt_peer_drops for peers other than A and B: none may exist. */
static inline uint32_t peer_drops_of_others(const struct test_maps *m)
{
	uint32_t key, next, *prev = NULL, n = 0;

	while (!bpf_map_get_next_key(m->peer_drops, prev, &next)) {
		key = next;
		prev = &key;
		if (key != TEST_PEER_A_ID && key != TEST_PEER_B_ID)
			n++;
	}
	return n;
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

static inline bool fixture_is_xdp(const struct test_fixture *f)
{
	return f->prog == TEST_PROG_DECAP_XDP || f->prog == TEST_PROG_L2_DECAP_XDP;
}

/* The skb fields a TC run starts with: skb's (NULL: none), and for decap the uplink the frame
 * arrives on (the fixture's run_ifindex, else the test uplink), unless skb names a device
 * itself. The kernel gives the skb the pkt_type that
 * device's MAC makes of the frame's destination (tests/lib/uplink_dev.c). */
static inline struct __sk_buff *run_ctx(const struct test_fixture *f, struct __sk_buff *skb,
					struct __sk_buff *ctx)
{
	int ifindex;

	assert_true(!skb || !fixture_is_xdp(f));
	if (f->prog != TEST_PROG_DECAP_TC && f->prog != TEST_PROG_L2_DECAP_TC)
		return skb;
	*ctx = skb ? *skb : (struct __sk_buff){};
	if (!ctx->ifindex)
		ctx->ifindex = f->run_ifindex;
	if (!ctx->ifindex) {
		ifindex = test_uplink_dev(test_uplink_mac);
		if (ifindex < 0)
			fail_msg("making the test uplink: %s", strerror(-ifindex));
		ctx->ifindex = (uint32_t)ifindex;
	}
	return ctx;
}

/* Run the program once on a copy of in; returns its verdict. TC programs take and give a
 * whole Ethernet frame, as XDP programs do. skb, TC only and may be NULL, sets the skb fields
 * the kernel lets a test choose (mark, priority, gso_segs, gso_size, ...). */
static inline int prog_run_skb(const struct test_fixture *f, const struct pkt *in, struct pkt *out,
			       struct __sk_buff *skb)
{
	struct __sk_buff ctx, *c = run_ctx(f, skb, &ctx);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in->b, .data_size_in = in->len,
		    .data_out = out->b, .data_size_out = sizeof(out->b), .ctx_in = c,
		    .ctx_size_in = c ? sizeof(*c) : 0);

	assert_int_equal(bpf_prog_test_run_opts(f->prog_fd, &opts), 0);
	out->len = opts.data_size_out;
	return (int)opts.retval;
}

static inline int prog_run(const struct test_fixture *f, const struct pkt *in, struct pkt *out)
{
	return prog_run_skb(f, in, out, NULL);
}

/* As prog_run_skb, but a refusal by the kernel is returned (-errno), not a test failure. */
static inline int prog_try_run_skb(const struct test_fixture *f, const struct pkt *in,
				   struct pkt *out, struct __sk_buff *skb, int *verdict)
{
	struct __sk_buff ctx, *c = run_ctx(f, skb, &ctx);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in->b, .data_size_in = in->len,
		    .data_out = out->b, .data_size_out = sizeof(out->b), .ctx_in = c,
		    .ctx_size_in = c ? sizeof(*c) : 0);
	int err;

	err = bpf_prog_test_run_opts(f->prog_fd, &opts);
	out->len = err ? 0 : opts.data_size_out;
	*verdict = (int)opts.retval;
	return err;
}

static inline int setup_decap_tc(void **state)
{
	return fixture_setup(state, TEST_PROG_DECAP_TC);
}

static inline int setup_decap_xdp(void **state)
{
	return fixture_setup(state, TEST_PROG_DECAP_XDP);
}

static inline int setup_encap(void **state)
{
	return fixture_setup(state, TEST_PROG_ENCAP);
}

static inline int setup_encap_seg(void **state)
{
	return fixture_setup(state, TEST_PROG_ENCAP_SEG);
}

/* A decap case, once per receive path, named after both. */
#define DECAP_CASE(name)                                                                           \
	{ "decap_tc_" #name, name, setup_decap_tc, fixture_teardown, NULL },                       \
	{                                                                                          \
		"decap_xdp_" #name, name, setup_decap_xdp, fixture_teardown, NULL                  \
	}

#define ENCAP_CASE(name)                                                                           \
	{                                                                                          \
		"encap_" #name, name, setup_encap, fixture_teardown, NULL                          \
	}

/* The same on one of the overlays above, named after it too: ENCAP_CASE_ON(x, gre_over_ipv6)
 * is encap_gre_over_ipv6_x. */
#define DECAP_CASE_ON(name, overlay)                                                               \
	{ "decap_tc_" #overlay "_" #name, name, setup_decap_tc, fixture_teardown,                  \
	  (void *)&overlay },                                                                      \
	{                                                                                          \
		"decap_xdp_" #overlay "_" #name, name, setup_decap_xdp, fixture_teardown,          \
			(void *)&overlay                                                           \
	}

#define ENCAP_CASE_ON(name, overlay)                                                               \
	{                                                                                          \
		"encap_" #overlay "_" #name, name, setup_encap, fixture_teardown, (void *)&overlay \
	}

/* What a program does with a packet, whatever its type says it with. */
enum test_verdict {
	TEST_PASS,     /* not ours: XDP_PASS, or TC_ACT_UNSPEC (on to the next filter) */
	TEST_DROP,     /* XDP_DROP, TC_ACT_SHOT */
	TEST_REDIRECT, /* XDP_REDIRECT, TC_ACT_REDIRECT */
	TEST_ACCEPT,   /* TC only: TC_ACT_OK, on through the device as it is */
};

static inline int verdict_code(const struct test_fixture *f, enum test_verdict v)
{
	bool xdp = fixture_is_xdp(f);

	switch (v) {
	case TEST_PASS:
		return xdp ? XDP_PASS : TC_ACT_UNSPEC;
	case TEST_DROP:
		return xdp ? XDP_DROP : TC_ACT_SHOT;
	case TEST_REDIRECT:
		break;
	case TEST_ACCEPT:
		assert_false(xdp);
		return TC_ACT_OK;
	}
	return xdp ? XDP_REDIRECT : TC_ACT_REDIRECT;
}

/* The reason counters, summed over CPUs, in one BPF_MAP_LOOKUP_BATCH. */
static inline void reasons_read(const struct test_maps *m, uint64_t counts[XT_REASON_COUNT])
{
	int ncpus = possible_cpus(), r, c, err;
	uint64_t *values = calloc((size_t)XT_REASON_COUNT * ncpus, sizeof(*values));
	uint32_t keys[XT_REASON_COUNT], n = XT_REASON_COUNT, next;

	assert_non_null(values);
	err = bpf_map_lookup_batch(m->reasons, NULL, &next, keys, values, &n, NULL);
	/* An array that fits in one batch ends it with ENOENT. */
	if (err && err != -ENOENT)
		fail_msg("reading xt_reasons: %s", strerror(-err));
	assert_int_equal(n, XT_REASON_COUNT);
	for (r = 0; r < XT_REASON_COUNT; r++) {
		assert_int_equal(keys[r], r);
		counts[r] = 0;
		for (c = 0; c < ncpus; c++)
			counts[r] += values[r * ncpus + c];
	}
	free(values);
}

static inline void peer_stats_add(struct xt_peer_stats *sum, const struct xt_peer_stats *s)
{
	sum->rx_packets += s->rx_packets;
	sum->rx_bytes += s->rx_bytes;
	sum->tx_packets += s->tx_packets;
	sum->tx_bytes += s->tx_bytes;
	sum->drops += s->drops;
}

/* Everything counted against peer ids other than A's and B's. No packet may touch them:
 * only A and B exist, so a count there is an id the program did not get from xt_peers. */
static inline struct xt_peer_stats peer_stats_of_others(const struct test_maps *m)
{
	enum { CHUNK = 256 };
	int ncpus = possible_cpus(), i, c, err;
	struct xt_peer_stats *values = calloc((size_t)CHUNK * ncpus, sizeof(*values)), sum = {};
	uint32_t keys[CHUNK], n, batch, *in = NULL;

	assert_non_null(values);
	do {
		n = CHUNK;
		err = bpf_map_lookup_batch(m->peer_stats, in, &batch, keys, values, &n, NULL);
		if (err && err != -ENOENT)
			fail_msg("reading xt_peer_stats: %s", strerror(-err));
		for (i = 0; i < (int)n; i++) {
			if (keys[i] == TEST_PEER_A_ID || keys[i] == TEST_PEER_B_ID)
				continue;
			for (c = 0; c < ncpus; c++)
				peer_stats_add(&sum, &values[i * ncpus + c]);
		}
		in = &batch;
	} while (!err);
	free(values);
	return sum;
}

static inline bool peer_stats_equal(const struct xt_peer_stats *a, const struct xt_peer_stats *b)
{
	return a->rx_packets == b->rx_packets && a->rx_bytes == b->rx_bytes &&
	       a->tx_packets == b->tx_packets && a->tx_bytes == b->tx_bytes && a->drops == b->drops;
}

static inline struct xt_peer_stats peer_stats_delta(const struct xt_peer_stats *after,
						    const struct xt_peer_stats *before)
{
	struct xt_peer_stats d = {
		.rx_packets = after->rx_packets - before->rx_packets,
		.rx_bytes = after->rx_bytes - before->rx_bytes,
		.tx_packets = after->tx_packets - before->tx_packets,
		.tx_bytes = after->tx_bytes - before->tx_bytes,
		.drops = after->drops - before->drops,
	};

	return d;
}

/* All the counters a run can change, so that a test can see what one run added. */
struct test_counters {
	uint64_t reasons[XT_REASON_COUNT];
	struct xt_peer_stats peer_a, peer_b;
	uint64_t drops_a[XT_DROP_COUNT], drops_b[XT_DROP_COUNT]; /* by reason */
};

static inline void counters_read(const struct test_maps *m, struct test_counters *c)
{
	reasons_read(m, c->reasons);
	c->peer_a = peer_stats(m, TEST_PEER_A_ID);
	c->peer_b = peer_stats(m, TEST_PEER_B_ID);
	peer_drops_read(m, TEST_PEER_A_ID, c->drops_a);
	peer_drops_read(m, TEST_PEER_B_ID, c->drops_b);
}

static inline uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * What a run did to one peer's drops by reason and its time of the latest packet, next to
 * what it did to its totals (want): the drops it gained are all under the run's reason,
 * and a peer that received a packet has it stamped with the time of the run, on the clock
 * the programs read (CLOCK_MONOTONIC at a tick's resolution, so from the coarse time
 * before the run to the fine one after it); any other peer's stamp stays. 0 or a message.
 */
static inline const char *
peer_detail_fault(const char *name, const uint64_t drops_before[], const uint64_t drops_after[],
		  const struct xt_peer_stats *before, const struct xt_peer_stats *after,
		  const struct xt_peer_stats *want, enum xt_reason reason, uint64_t run_from,
		  uint64_t run_to, char *buf, size_t size)
{
	int r;

	for (r = 0; r < XT_DROP_COUNT; r++) {
		uint64_t got = drops_after[r] - drops_before[r];
		uint64_t expected = XT_FIRST_DROP + r == (int)reason ? want->drops : 0;

		if (got != expected) {
			snprintf(buf, size,
				 "peer %s: drops under reason %d gained %llu, expected %llu", name,
				 XT_FIRST_DROP + r, (unsigned long long)got,
				 (unsigned long long)expected);
			return buf;
		}
	}
	if (want->rx_packets && (after->latest_rx_ns < run_from || after->latest_rx_ns > run_to)) {
		snprintf(buf, size,
			 "peer %s: latest packet at %llu ns, the run was from %llu to %llu", name,
			 (unsigned long long)after->latest_rx_ns, (unsigned long long)run_from,
			 (unsigned long long)run_to);
		return buf;
	}
	if (!want->rx_packets && after->latest_rx_ns != before->latest_rx_ns) {
		snprintf(buf, size,
			 "peer %s: received nothing, yet its latest packet moved to %llu", name,
			 (unsigned long long)after->latest_rx_ns);
		return buf;
	}
	return NULL;
}

/* "reason:+n ..." for every reason counter that moved, for failure messages. */
static inline const char *reasons_moved(const struct test_counters *before,
					const struct test_counters *after, char *buf, size_t size)
{
	size_t used = 0;
	int r;

	buf[0] = '\0';
	for (r = 0; r < XT_REASON_COUNT && used < size; r++)
		if (after->reasons[r] != before->reasons[r])
			used += snprintf(buf + used, size - used, " %d:%+lld", r,
					 (long long)(after->reasons[r] - before->reasons[r]));
	return buf[0] ? buf : " none";
}

static inline const char *peer_stats_str(const struct xt_peer_stats *s, char *buf, size_t size)
{
	snprintf(buf, size, "rx %llu/%lluB tx %llu/%lluB drops %llu",
		 (unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes,
		 (unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
		 (unsigned long long)s->drops);
	return buf;
}

/* fail_msg, with the message also as a TAP diagnostic: tests/run.sh shows those. */
static inline void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void test_fail(const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("# %s\n", msg);
	fflush(stdout);
	fail_msg("%s", msg);
}

/* assert_pkt_equal that says which packet and which byte. */
static inline void expect_pkt_equal(const struct pkt *actual, const struct pkt *expected,
				    const char *what)
{
	size_t i;

	if (actual->len != expected->len)
		test_fail("%s: output is %zu bytes, expected %zu", what, actual->len,
			  expected->len);
	for (i = 0; i < actual->len; i++)
		if (actual->b[i] != expected->b[i])
			test_fail("%s: output byte %zu is 0x%02x, expected 0x%02x", what, i,
				  actual->b[i], expected->b[i]);
}

/* What one run must do: its verdict, the one reason it is counted under, its output (NULL:
 * not checked) and what it adds to peers A and B. */
struct run_expect {
	enum test_verdict verdict;
	enum xt_reason reason;
	const struct pkt *out;
	struct xt_peer_stats peer_a, peer_b;
};

/* Run in once and check everything want says, and that nothing else was counted; the
 * output is left in *out. what names the packet in failure messages (a loop says which
 * offset failed). skb: as for prog_run_skb. */
static inline void expect_run_skb(const struct test_fixture *f, const struct pkt *in,
				  struct __sk_buff *skb, const struct run_expect *want,
				  const char *what, struct pkt *out)
{
	struct test_counters before, after;
	struct xt_peer_stats moved_a, moved_b, others;
	char b1[256], b2[96];
	int verdict, err;
	size_t i;

	uint64_t run_from, run_to;
	const char *fault;

	what = what ? what : "packet";
	counters_read(&f->maps, &before);
	run_from = clock_ns(CLOCK_MONOTONIC_COARSE);
	err = prog_try_run_skb(f, in, out, skb, &verdict);
	run_to = clock_ns(CLOCK_MONOTONIC);
	if (err)
		test_fail("%s (%zu bytes): BPF_PROG_TEST_RUN refused it: %s", what, in->len,
			  strerror(-err));
	if (verdict != verdict_code(f, want->verdict))
		test_fail("%s: verdict %d, expected %d", what, verdict,
			  verdict_code(f, want->verdict));
	if (want->out)
		expect_pkt_equal(out, want->out, what);
	counters_read(&f->maps, &after);
	for (i = 0; i < XT_REASON_COUNT; i++)
		if (after.reasons[i] - before.reasons[i] != (i == want->reason ? 1 : 0))
			test_fail("%s: expected reason %d counted once; counted (reason:+n):%s",
				  what, want->reason,
				  reasons_moved(&before, &after, b1, sizeof(b1)));
	moved_a = peer_stats_delta(&after.peer_a, &before.peer_a);
	moved_b = peer_stats_delta(&after.peer_b, &before.peer_b);
	if (!peer_stats_equal(&moved_a, &want->peer_a))
		test_fail("%s: peer A gained %s, expected %s", what,
			  peer_stats_str(&moved_a, b1, sizeof(b1)),
			  peer_stats_str(&want->peer_a, b2, sizeof(b2)));
	if (!peer_stats_equal(&moved_b, &want->peer_b))
		test_fail("%s: peer B gained %s, expected %s", what,
			  peer_stats_str(&moved_b, b1, sizeof(b1)),
			  peer_stats_str(&want->peer_b, b2, sizeof(b2)));
	others = peer_stats_of_others(&f->maps);
	if (!peer_stats_equal(&others, &(struct xt_peer_stats){}))
		test_fail("%s: counted against a peer id that is neither A nor B: %s", what,
			  peer_stats_str(&others, b1, sizeof(b1)));
	fault = peer_detail_fault("A", before.drops_a, after.drops_a, &before.peer_a, &after.peer_a,
				  &want->peer_a, want->reason, run_from, run_to, b1, sizeof(b1));
	if (!fault)
		fault = peer_detail_fault("B", before.drops_b, after.drops_b, &before.peer_b,
					  &after.peer_b, &want->peer_b, want->reason, run_from,
					  run_to, b1, sizeof(b1));
	if (fault)
		test_fail("%s: %s", what, fault);
	if (peer_drops_of_others(&f->maps))
		test_fail("%s: drops by reason counted against a peer id that is neither A nor B",
			  what);
}

static inline void expect_run_out(const struct test_fixture *f, const struct pkt *in,
				  const struct run_expect *want, const char *what, struct pkt *out)
{
	expect_run_skb(f, in, NULL, want, what, out);
}

static inline void expect_run(const struct test_fixture *f, const struct pkt *in,
			      const struct run_expect *want, const char *what)
{
	struct pkt out = {};

	expect_run_out(f, in, want, what, &out);
}

/* full cut to each length in [from, to), its outer lengths fitted to the cut frame as a
 * sender that cut it on purpose would send it: each run must do what want says. what names
 * the header cut, in failure messages. */
static inline void expect_cut_at_every_offset(const struct test_fixture *f, const struct pkt *full,
					      size_t from, size_t to, const struct run_expect *want,
					      const char *what)
{
	size_t len;

	for (len = from; len < to; len++) {
		struct pkt in = *full;
		char msg[96];

		pkt_cut(&in, len);
		outer_lengths_fit(&in);
		snprintf(msg, sizeof(msg), "%s cut after %zu bytes", what, len - from);
		expect_run(f, &in, want, msg);
	}
}

/* The kernel does not run the program on in at all (BPF_PROG_TEST_RUN says EINVAL), so
 * nothing is counted. */
static inline void expect_refused_by_kernel(const struct test_fixture *f, const struct pkt *in,
					    const char *what)
{
	struct test_counters before, after;
	struct pkt out = {};
	char b[256];
	int verdict, err;

	counters_read(&f->maps, &before);
	err = prog_try_run_skb(f, in, &out, NULL, &verdict);
	if (err != -EINVAL)
		test_fail("%s (%zu bytes): expected the kernel to refuse it (EINVAL), got %s"
			  " and verdict %d",
			  what, in->len, err ? strerror(-err) : "a run", verdict);
	counters_read(&f->maps, &after);
	if (memcmp(&before, &after, sizeof(before)))
		test_fail("%s: refused, yet counted (reason:+n):%s", what,
			  reasons_moved(&before, &after, b, sizeof(b)));
}

/* What a host on peer A sends to this host over the overlay. */
static inline void inner_ipv4_from(struct pkt *inner, const char *saddr)
{
	put_inner_ipv4_frame(inner, test_local_host_mac, test_peer_host_mac, saddr,
			     TEST_LOCAL_HOST);
}

/* A VXLAN packet that peer A could really send; cases change the one field they are about. */
static inline struct vxlan_fields from_peer_a(const struct pkt *inner)
{
	struct vxlan_fields f = {
		.eth_dst = test_uplink_mac,
		.eth_src = test_peer_uplink_mac,
		.ethertype = ETHERTYPE_IPV4,
		.ip = {
			.id = 0x2b1e,
			.frag_off = IP_FLAG_DF,
			.ttl = 64,
			.protocol = IP_PROTO_UDP,
			.saddr = TEST_PEER_A_ENDPOINT,
			.daddr = TEST_LOCAL,
		},
		.sport = 51234,
		.dport = TEST_PORT,
		.flags = VXLAN_FLAG_I,
		.vni = TEST_VNI,
		.vxlan_len = 8,
		.inner = inner,
	};

	return f;
}

static inline void put_valid_from_peer_a(struct pkt *in, struct pkt *inner)
{
	struct vxlan_fields vx;

	inner_ipv4_from(inner, TEST_PEER_A_HOST);
	vx = from_peer_a(inner);
	put_vxlan_packet(in, &vx);
}

/* What a host of a peer sends to this host over the overlay, an IPv4 or IPv6 datagram. */
static inline void inner_frame_from(struct pkt *inner, uint8_t family, const char *saddr)
{
	if (family == XT_FAMILY_V6)
		put_inner_ipv6_frame(inner, test_local_host_mac, test_peer_host_mac, saddr,
				     TEST_LOCAL_HOST6);
	else
		inner_ipv4_from(inner, saddr);
}

/* What this host sends on the overlay to a host of a peer. */
static inline void frame_to(struct pkt *frame, uint8_t family, const char *daddr)
{
	if (family == XT_FAMILY_V6)
		put_inner_ipv6_frame(frame, test_peer_host_mac, test_local_host_mac,
				     TEST_LOCAL_HOST6, daddr);
	else
		put_inner_ipv4_frame(frame, test_peer_host_mac, test_local_host_mac,
				     TEST_LOCAL_HOST, daddr);
}

/* A packet that peer A could really send on the fixture's overlay, in its encapsulation
 * and over its underlay family; cases change the one field they are about. */
static inline struct tunnel_fields tunnel_from_peer_a(const struct test_fixture *f,
						      const struct pkt *inner)
{
	const struct test_addrs *u = test_addrs(f->cfg.family);
	struct tunnel_fields t = {
		.encap = f->cfg.encap,
		.family = f->cfg.family,
		.eth_dst = test_uplink_mac,
		.eth_src = test_peer_uplink_mac,
		.ip = {
			.id = 0x2b1e,
			.frag_off = IP_FLAG_DF,
			.ttl = 64,
			.saddr = u->peer_a_endpoint,
			.daddr = u->local,
		},
		.ip6 = {
			.flow_label = 0x5a1e5,
			.hop_limit = 64,
			.saddr = u->peer_a_endpoint,
			.daddr = u->local,
		},
		.sport = 51234,
		.dport = f->cfg.port,
		.vxlan_flags = VXLAN_FLAG_I,
		.vni = TEST_VNI,
		.geneve = { .protocol = ETHERTYPE_TEB },
		.gre = { .flags = f->cfg.has_key ? GRE_FLAG_K : 0, .key = TEST_GRE_KEY },
		.inner = inner,
	};

	return t;
}

/* What peer A's host sends to this host from saddr, in the fixture's encapsulation; the
 * inner frame is left in *inner. */
static inline void put_tunnel_from_peer_a(const struct test_fixture *f, struct pkt *in,
					  struct pkt *inner, uint8_t inner_family,
					  const char *saddr)
{
	struct tunnel_fields t;

	inner_frame_from(inner, inner_family, saddr);
	t = tunnel_from_peer_a(f, inner);
	put_tunnel_packet(in, &t);
}

/* What decap delivers of the inner frame: the L2 encapsulations the frame as it is; the L3
 * ones the inner IP packet behind an Ethernet header addressed to the overlay device (its
 * MAC from the configuration, source zero, the packet's type). */
static inline void expected_delivery(struct pkt *p, const struct xt_config *cfg,
				     const struct pkt *inner)
{
	static const uint8_t zero_mac[6];

	if (xt_encap_is_l2(cfg->encap)) {
		put_bytes(p, inner->b, inner->len);
		return;
	}
	put_eth(p, cfg->overlay_mac, zero_mac, get16(inner, 12));
	put_bytes(p, inner->b + 14, inner->len - 14);
}

/* Decapsulated: exactly the inner frame (or packet, see expected_delivery), delivered,
 * counted as peer A's. */
static inline void expect_decapped(const struct test_fixture *f, const struct pkt *in,
				   const struct pkt *inner, const char *what)
{
	struct pkt delivered = {};
	struct run_expect want = {
		.verdict = TEST_REDIRECT,
		.reason = XT_OK_DECAP,
		.out = &delivered,
	};

	expected_delivery(&delivered, &f->cfg, inner);
	want.peer_a.rx_packets = 1;
	want.peer_a.rx_bytes = delivered.len;
	expect_run(f, in, &want, what);
}

static inline void assert_decapped(const struct test_fixture *f, const struct pkt *in,
				   const struct pkt *inner)
{
	expect_decapped(f, in, inner, NULL);
}

/* Not ours: TC goes on to the next filter, XDP hands the packet to the stack, unchanged. */
static inline void assert_passed_untouched(const struct test_fixture *f, const struct pkt *in,
					   enum xt_reason reason)
{
	const struct run_expect want = { .verdict = TEST_PASS, .reason = reason, .out = in };

	expect_run(f, in, &want, NULL);
}

/* Dropped and counted under reason; peer_a_drops: whether it is held against peer A, i.e.
 * the packet was known to come from it. */
static inline void assert_dropped(const struct test_fixture *f, const struct pkt *in,
				  enum xt_reason reason, uint64_t peer_a_drops)
{
	const struct run_expect want = {
		.verdict = TEST_DROP,
		.reason = reason,
		.peer_a = { .drops = peer_a_drops },
	};

	expect_run(f, in, &want, NULL);
}

/* The fields of encap's output that come from the skb's flow hash (bpf_get_hash_recalc,
 * seeded at random by the kernel), so the one part a test takes from the output. */
struct outer_entropy {
	uint16_t sport;	     /* UDP encapsulations */
	uint32_t flow_label; /* IPv6 underlay */
};

/* Read them where they belong, after checking what may be checked: the UDP source port is
 * in the dynamic range 49152-65535 (RFC 7348 section 5, RFC 8926 section 3.3); the flow
 * label is the low 20 bits of the first word (RFC 6438), the version and traffic class
 * around it are compared with the rest of the packet. */
static inline struct outer_entropy outer_entropy(const struct pkt *out, const struct xt_config *cfg)
{
	struct outer_entropy e = {};
	size_t l4 = 14 + (cfg->family == XT_FAMILY_V6 ? 40 : 20);

	if (cfg->family == XT_FAMILY_V6)
		e.flow_label = get32(out, 14) & 0xfffff;
	if (xt_encap_is_udp(cfg->encap)) {
		e.sport = get16(out, l4);
		assert_in_range(e.sport, 49152, 65535);
	}
	return e;
}

/* The inverse of map_addr. */
static inline const char *addr_text(const uint8_t a[16], uint8_t family, char *buf, size_t size)
{
	if (family == XT_FAMILY_V6)
		assert_non_null(inet_ntop(AF_INET6, a, buf, size));
	else
		assert_non_null(inet_ntop(AF_INET, a + 12, buf, size));
	return buf;
}

/*
 * The bytes xt_encap must send for inner on the overlay cfg describes: outer Ethernet with
 * zero MACs, which bpf_redirect_neigh fills in on the way out; then IPv4 (RFC 791) with DF
 * and a zero ID (RFC 6864 section 4.1), TTL 64, or IPv6 (RFC 8200) with hop limit 64; then
 * UDP, with a zero checksum over IPv4 (RFC 768, RFC 7348 section 5) and a computed one over
 * IPv6 (RFC 8200 section 8.1), and VXLAN with the I flag (RFC 7348) or GENEVE version 0
 * without options, Ethernet payload (RFC 8926), both followed by the inner frame; or GRE
 * (RFC 2784) with the key if there is one (RFC 2890) and the inner Ethernet type, or nothing
 * (IPIP, RFC 2003 and RFC 2473), before the inner IP packet.
 */
static inline void expected_encap_on(struct pkt *p, const struct xt_config *cfg,
				     const char *endpoint, uint16_t dport,
				     const struct outer_entropy *e, const struct pkt *inner)
{
	static const uint8_t zero_mac[6];
	char local[INET6_ADDRSTRLEN];
	struct tunnel_fields t = {
		.encap = cfg->encap,
		.family = cfg->family,
		.eth_dst = zero_mac,
		.eth_src = zero_mac,
		.ip = { .frag_off = IP_FLAG_DF, .ttl = 64, .saddr = local, .daddr = endpoint },
		.ip6 = {
			.flow_label = e->flow_label,
			.hop_limit = 64,
			.saddr = local,
			.daddr = endpoint,
		},
		.sport = e->sport,
		.dport = dport,
		.vxlan_flags = VXLAN_FLAG_I,
		.vni = cfg->vni,
		.geneve = { .protocol = ETHERTYPE_TEB },
		.gre = { .flags = cfg->has_key ? GRE_FLAG_K : 0, .key = cfg->key },
		.inner = inner,
	};

	addr_text(cfg->local, cfg->family, local, sizeof(local));
	put_tunnel_packet(p, &t);
}

/* The encap program (xt_encap, xt_l2_encap) sent in to peer_id (A or B), at its endpoint of
 * the overlay's underlay family and its port, exactly as expected_encap_on says, and
 * counted it under reason and against that peer alone. Over IPv6 the outer UDP checksum is
 * also checked on its own, over the output as it is. skb: as for prog_run_skb. */
static inline void expect_encapped_skb(const struct test_fixture *f, const struct pkt *in,
				       struct __sk_buff *skb, uint32_t peer_id,
				       enum xt_reason reason, const char *what)
{
	const struct xt_peer_stats sent = { .tx_packets = 1, .tx_bytes = in->len };
	const struct test_addrs *u = test_addrs(f->cfg.family);
	struct run_expect want = { .verdict = TEST_REDIRECT, .reason = reason };
	struct pkt out = {}, expected = {};
	struct outer_entropy e;

	assert_true(peer_id == TEST_PEER_A_ID || peer_id == TEST_PEER_B_ID);
	what = what ? what : "packet";
	if (peer_id == TEST_PEER_A_ID)
		want.peer_a = sent;
	else
		want.peer_b = sent;
	expect_run_skb(f, in, skb, &want, what, &out);
	e = outer_entropy(&out, &f->cfg);
	if (f->cfg.family == XT_FAMILY_V6 && xt_encap_is_udp(f->cfg.encap) &&
	    (get16(&out, 14 + 40 + 6) == 0 || upper_layer_sum(&out, 14) != 0xffff))
		test_fail("%s: outer UDP checksum 0x%04x is wrong", what, get16(&out, 14 + 40 + 6));
	if (peer_id == TEST_PEER_A_ID)
		expected_encap_on(&expected, &f->cfg, u->peer_a_endpoint, TEST_PEER_A_PORT, &e, in);
	else
		expected_encap_on(&expected, &f->cfg, u->peer_b_endpoint, TEST_PEER_B_PORT, &e, in);
	expect_pkt_equal(&out, &expected, what);
}

static inline void expect_encapped(const struct test_fixture *f, const struct pkt *in,
				   uint32_t peer_id, const char *what)
{
	expect_encapped_skb(f, in, NULL, peer_id, XT_OK_ENCAP, what);
}

static inline void assert_encapped(const struct test_fixture *f, const struct pkt *in,
				   uint32_t peer_id)
{
	expect_encapped(f, in, peer_id, NULL);
}

#endif /* XT_TEST_HARNESS_H */
