/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The L2 overlays under BPF_PROG_TEST_RUN (bpf/xt_l2.bpf.c, bpf/xt_l2_xdp.bpf.c): their
 * fixture, peers A and B of harness.h as L2 peers (both with flood on, A first in the flood
 * list), the stations behind them, and readers of the FDB, the neighbour table and the
 * learned counts, written and read through the maps as the loader would.
 */
#ifndef XT_TEST_L2_HARNESS_H
#define XT_TEST_L2_HARNESS_H

#include <time.h>
#include "harness.h"

/* Stations: one on this host's bridge, one behind each peer. test_peer_host_mac (harness.h)
 * is the one behind peer A. */
static const uint8_t station_b_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x03, 0x09 };
static const uint8_t station_local_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x01, 0x01 };
static const uint8_t broadcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

#define TEST_PEER_C_ID 9 /* a third peer, for the replication cases */
#define TEST_PEER_C_ENDPOINT "198.51.100.4"
#define TEST_PEER_C_ENDPOINT6 "2001:db8:51::4"
#define TEST_PEER_C_PORT 4789

/* The underlay address of peer C in the family. */
static inline const char *peer_c_endpoint(uint8_t family)
{
	return family == XT_FAMILY_V6 ? TEST_PEER_C_ENDPOINT6 : TEST_PEER_C_ENDPOINT;
}

static inline void l2_peer_put(const struct test_maps *m, uint32_t id, const char *endpoint,
			       uint16_t port, uint8_t flags)
{
	struct xt_l2_peer p = { .port = port, .flags = flags };

	map_addr(endpoint, p.endpoint);
	assert_int_equal(bpf_map_update_elem(m->l2_peers, &id, &p, BPF_ANY), 0);
}

/* The flood list: ids[0..n) in the list not in use, then that list in use. */
static inline void flood_set(const struct test_maps *m, const uint32_t *ids, uint32_t n)
{
	struct xt_flood *f = calloc(1, sizeof(*f));
	uint32_t zero = 0, next;

	assert_non_null(f);
	assert_int_equal(bpf_map_lookup_elem(m->flood, &zero, f), 0);
	next = (f->cur + 1) & 1;
	f->list[next].n = n;
	memcpy(f->list[next].ids, ids, n * sizeof(*ids));
	f->cur = next;
	assert_int_equal(bpf_map_update_elem(m->flood, &zero, f, BPF_ANY), 0);
	free(f);
}

/* Peers A and B as `peer add ... flood on` makes them, at their endpoints of the family. */
static inline void l2_topology_add(const struct test_maps *m, uint8_t family)
{
	const struct test_addrs *u = test_addrs(family);
	const uint32_t flood[] = { TEST_PEER_A_ID, TEST_PEER_B_ID };
	const uint8_t on = XT_L2_PEER_ACTIVE | XT_L2_PEER_FLOOD;

	peer_add(m, u->peer_a_endpoint, TEST_PEER_A_ID, TEST_PEER_A_PORT);
	peer_add(m, u->peer_b_endpoint, TEST_PEER_B_ID, TEST_PEER_B_PORT);
	l2_peer_put(m, TEST_PEER_A_ID, u->peer_a_endpoint, TEST_PEER_A_PORT, on);
	l2_peer_put(m, TEST_PEER_B_ID, u->peer_b_endpoint, TEST_PEER_B_PORT, on);
	flood_set(m, flood, 2);
}

static inline int l2_fixture_setup(void **state, enum test_prog prog)
{
	const struct test_overlay *o = *state ? *state : &vxlan_over_ipv4;
	struct test_fixture *f = calloc(1, sizeof(*f));
	struct xt_config cfg = test_config_of(o);
	struct xt_l2_config l2 = test_l2_config();

	assert_non_null(f);
	fixture_load_l2(f, prog, &cfg, &l2, 0);
	l2_topology_add(&f->maps, o->family);
	*state = f;
	return 0;
}

static inline int setup_l2_encap(void **state)
{
	return l2_fixture_setup(state, TEST_PROG_L2_ENCAP);
}

static inline int setup_l2_encap_seg(void **state)
{
	return l2_fixture_setup(state, TEST_PROG_L2_ENCAP_SEG);
}

static inline int setup_l2_decap_tc(void **state)
{
	return l2_fixture_setup(state, TEST_PROG_L2_DECAP_TC);
}

static inline int setup_l2_decap_xdp(void **state)
{
	return l2_fixture_setup(state, TEST_PROG_L2_DECAP_XDP);
}

/* A case on one of harness.h's overlays (VXLAN or GENEVE, IPv4 or IPv6 underlay). */
#define L2_ENCAP_CASE_ON(name, overlay)                                                            \
	{                                                                                          \
		"l2_encap_" #overlay "_" #name, name, setup_l2_encap, fixture_teardown,            \
			(void *)&overlay                                                           \
	}

#define L2_ENCAP_CASE(name) L2_ENCAP_CASE_ON(name, vxlan_over_ipv4)

/* A decap case, once per receive path. */
#define L2_DECAP_CASE_ON(name, overlay)                                                            \
	{ "l2_decap_tc_" #overlay "_" #name, name, setup_l2_decap_tc, fixture_teardown,            \
	  (void *)&overlay },                                                                      \
	{                                                                                          \
		"l2_decap_xdp_" #overlay "_" #name, name, setup_l2_decap_xdp, fixture_teardown,    \
			(void *)&overlay                                                           \
	}

#define L2_DECAP_CASE(name) L2_DECAP_CASE_ON(name, vxlan_over_ipv4)

/* The FDB's entry for mac; false if there is none. */
static inline bool fdb_get(const struct test_maps *m, const uint8_t mac[6], struct xt_fdb *e)
{
	struct xt_fdb_key key = {};

	memcpy(key.mac, mac, 6);
	return bpf_map_lookup_elem(m->fdb, &key, e) == 0;
}

static inline void fdb_put(const struct test_maps *m, const uint8_t mac[6], uint32_t peer_id,
			   uint8_t flags, uint64_t seen_ns)
{
	struct xt_fdb_key key = {};
	struct xt_fdb e = { .peer_id = peer_id, .flags = flags, .seen_ns = seen_ns };

	memcpy(key.mac, mac, 6);
	assert_int_equal(bpf_map_update_elem(m->fdb, &key, &e, BPF_ANY), 0);
}

static inline uint32_t fdb_count(const struct test_maps *m)
{
	struct xt_fdb_key key, *prev = NULL;
	uint32_t n = 0;

	while (!bpf_map_get_next_key(m->fdb, prev, &key)) {
		n++;
		prev = &key;
	}
	return n;
}

static inline bool neigh_get(const struct test_maps *m, const char *addr, struct xt_neigh *n)
{
	struct xt_neigh_key key;

	map_addr(addr, key.addr);
	return bpf_map_lookup_elem(m->neigh, &key, n) == 0;
}

static inline void neigh_put(const struct test_maps *m, const char *addr, const uint8_t mac[6],
			     uint32_t peer_id, uint8_t flags, uint64_t seen_ns)
{
	struct xt_neigh_key key;
	struct xt_neigh n = { .peer_id = peer_id, .flags = flags, .seen_ns = seen_ns };

	map_addr(addr, key.addr);
	memcpy(n.mac, mac, 6);
	assert_int_equal(bpf_map_update_elem(m->neigh, &key, &n, BPF_ANY), 0);
}

static inline struct xt_l2_learned learned_of(const struct test_maps *m, uint32_t peer_id)
{
	struct xt_l2_learned l;

	assert_int_equal(bpf_map_lookup_elem(m->learned, &peer_id, &l), 0);
	return l;
}

/* Runs xt_l2_ctl with c, as the loader does; returns its result (0 or -errno). */
static inline int ctl_run(const struct test_fixture *f, struct xt_l2_ctl *c)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = c, .ctx_size_in = sizeof(*c));

	assert_true(f->ctl_fd >= 0);
	assert_int_equal(bpf_prog_test_run_opts(f->ctl_fd, &opts), 0);
	return c->result;
}

/* CLOCK_MONOTONIC in ns: bpf_ktime_get_ns's clock. */
static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* What a station behind a peer sends, with the source MAC src, to the local station: an
 * IPv4 or IPv6 datagram from the address of A's host. */
static inline void station_frame_from(struct pkt *inner, const uint8_t src[6], uint8_t family)
{
	const struct test_addrs *a = test_addrs(family);

	if (family == XT_FAMILY_V6)
		put_inner_ipv6_frame(inner, station_local_mac, src, a->peer_a_host, a->local_host);
	else
		put_inner_ipv4_frame(inner, station_local_mac, src, a->peer_a_host, a->local_host);
}

/* The packet peer peer (A or B: its endpoint, in the fixture's encapsulation and family)
 * sends around inner. */
static inline void tunnel_from(const struct test_fixture *f, uint32_t peer, const struct pkt *inner,
			       struct pkt *in)
{
	struct tunnel_fields t = tunnel_from_peer_a(f, inner);
	const struct test_addrs *u = test_addrs(f->cfg.family);

	if (peer == TEST_PEER_B_ID)
		t.ip.saddr = t.ip6.saddr = u->peer_b_endpoint;
	else if (peer != TEST_PEER_A_ID)
		t.ip.saddr = t.ip6.saddr = u->stranger_endpoint;
	put_tunnel_packet(in, &t);
}

/* RFC 4861 section 4.4's advertisement of target from target, with the target link-layer
 * address option, flags as given; its checksum by RFC 4443 section 2.3, computed here. */
static inline void put_na_frame(struct pkt *p, const uint8_t dst[6], const uint8_t mac[6],
				const char *target, const char *daddr, uint32_t flags)
{
	size_t ip_off;
	uint8_t t[16];

	assert_int_equal(inet_pton(AF_INET6, target, t), 1);
	put_eth(p, dst, mac, ETHERTYPE_IPV6);
	ip_off = p->len;
	put_ipv6_header(p,
			&(struct ipv6_fields){ .next_header = IP_PROTO_ICMPV6,
					       .hop_limit = 255,
					       .saddr = target,
					       .daddr = daddr },
			32);
	put8(p, ICMPV6_NEIGHBOUR_ADVERTISEMENT);
	put8(p, 0);
	put16(p, 0);
	put32(p, flags);
	put_bytes(p, t, sizeof(t));
	put8(p, 2); /* target link-layer address */
	put8(p, 1);
	put_bytes(p, mac, 6);
	upper_layer_checksum_fill(p, ip_off, ip_off + 40 + 2, false);
}

#endif /* XT_TEST_L2_HARNESS_H */
