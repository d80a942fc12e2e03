// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of cli/output.c: the JSON (json_overlays) and human (print_overlays) forms of
 * `xtunnel show`, and output_overlays, which picks one as the options say, on overlays built by
 * hand: xt0 (VXLAN) with two peers, xt1 (VXLAN) with none, xt2 (GRE over IPv6, key 0) with one peer
 * of both families, xt3 (VXLAN over IPv6) with one peer, xt4 (IPIP, no peer), xt5 (an L2
 * overlay, GENEVE) with a flooding peer and one that does not flood. Expected values are
 * written by hand from the inputs in fixture_setup.
 */
#include <stdlib.h>
#include "unit.h"
#include "cli.h"

#define ALPHA_RX_BYTES 1536ULL /* 1.50 KiB */
/* Above 2^32, 2^53 and 2^63: a counter cut to 32 bits, passed through a double or read as
 * signed would show. */
#define BRAVO_RX_BYTES 5000000000ULL	    /* 4.66 GiB */
#define BRAVO_TX_BYTES 9007199254740993ULL  /* 2^53 + 1 */
#define BRAVO_DROPS 18446744073709551615ULL /* UINT64_MAX */
#define ALPHA_LATEST_RX_MS 1700000000250LL  /* 2023-11-14 22:13:20.250 UTC */

/* What show sets of every overlay (xt_show): VNI and port only where the encapsulation has
 * them, the key only where GRE has one. */
#define SHOWN                                                                                      \
	(XT_OV_UPLINK | XT_OV_ENCAP | XT_OV_LOCAL | XT_OV_ADDRS | XT_OV_MTU | XT_OV_RX |           \
	 XT_OV_XDP_MODE | XT_OV_MAX_PEERS | XT_OV_MAX_ROUTES | XT_OV_FORWARD_FROM)

struct fixture {
	struct xt_overlay_state ovs[6];
	struct xt_peer_state peers[6];
	struct xt_prefix allowed[4][3];
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct xt_overlay_state *ov;
	struct xt_peer_state *p;

	if (!f)
		return -1;
	p = &f->peers[0];
	snprintf(p->spec.name, sizeof(p->spec.name), "alpha");
	p->id = 0;
	p->spec.endpoint = ip4(192, 0, 2, 10);
	p->spec.port = 4789;
	p->spec.allowed = f->allowed[0];
	p->spec.allowed[0] = pfx(ip4(10, 20, 0, 0), 16);
	p->spec.allowed[1] = pfx(ip4(10, 30, 1, 0), 24);
	p->spec.n_allowed = 2;
	p->stats = (struct xt_peer_stats){ .rx_packets = 5,
					   .rx_bytes = ALPHA_RX_BYTES,
					   .tx_packets = 9,
					   .tx_bytes = 1023,
					   .drops = 1 };
	p->drops[XT_DROP_SPOOFED - XT_FIRST_DROP] = 1;
	/* Heard from 12.25 s before the read, at 2023-11-14 22:13:20.250 UTC. */
	p->latest_rx_ms = ALPHA_LATEST_RX_MS;
	p->latest_rx_age_ms = 12250;
	p->silent = false;

	p = &f->peers[1];
	snprintf(p->spec.name, sizeof(p->spec.name), "bravo");
	p->id = 1;
	p->spec.endpoint = ip4(198, 51, 100, 7);
	p->spec.port = 8472;
	p->spec.allowed = f->allowed[1];
	p->spec.allowed[0] = pfx(ip4(10, 40, 0, 0), 16);
	p->spec.allowed[1] = pfx(ip4(192, 168, 7, 128), 25);
	p->spec.allowed[2] = pfx(ip4(172, 16, 0, 1), 32);
	p->spec.n_allowed = 3;
	p->stats = (struct xt_peer_stats){ .rx_packets = 3000000,
					   .rx_bytes = BRAVO_RX_BYTES,
					   .tx_packets = 7,
					   .tx_bytes = BRAVO_TX_BYTES,
					   .drops = BRAVO_DROPS };
	p->drops[XT_DROP_MALFORMED - XT_FIRST_DROP] = BRAVO_DROPS - 3;
	p->drops[XT_DROP_LINK_LOCAL - XT_FIRST_DROP] = 3;
	p->silent = true; /* never heard from */

	ov = &f->ovs[0];
	snprintf(ov->spec.dev, sizeof(ov->spec.dev), "xt0");
	snprintf(ov->spec.uplink, sizeof(ov->spec.uplink), "eth0");
	ov->spec.has = SHOWN | XT_OV_VNI | XT_OV_PORT;
	ov->spec.encap = XT_ENCAP_VXLAN;
	ov->spec.vni = 4242;
	ov->spec.port = 4789;
	ov->spec.mtu = 1450;
	ov->spec.local = ip4(192, 0, 2, 1);
	ov->spec.addrs[0] = pfx(ip4(10, 10, 0, 1), 24);
	ov->spec.addrs[1] = pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 1), 64);
	ov->spec.n_addrs = 2;
	ov->spec.rx = XT_RX_AUTO;
	ov->spec.xdp_mode = XT_XDP_GENERIC;
	ov->rx = XT_RX_XDP;
	snprintf(ov->rx_reason, sizeof(ov->rx_reason), "native XDP supported by veth");
	ov->gso = XT_GSO_ENCAP;
	snprintf(ov->gso_reason, sizeof(ov->gso_reason), "whole");
	snprintf(ov->pin_dir, sizeof(ov->pin_dir), "/sys/fs/bpf/xtunnel/xt0");
	snprintf(ov->spec.forward_from[0], sizeof(ov->spec.forward_from[0]), "lan0");
	snprintf(ov->spec.forward_from[1], sizeof(ov->spec.forward_from[1]), "vethc1");
	ov->spec.n_forward = 2;
	ov->spec.max_peers = 1024;
	ov->spec.max_routes = 16384;
	ov->n_routes = 5;
	ov->reasons[XT_OK_ENCAP] = 11;
	ov->reasons[XT_DROP_SPOOFED] = 2;
	ov->peers = f->peers;
	ov->n_peers = 2;

	ov = &f->ovs[1];
	snprintf(ov->spec.dev, sizeof(ov->spec.dev), "xt1");
	snprintf(ov->spec.uplink, sizeof(ov->spec.uplink), "eth1");
	ov->spec.has = SHOWN | XT_OV_VNI | XT_OV_PORT;
	ov->spec.encap = XT_ENCAP_VXLAN;
	ov->spec.vni = 16777215;
	ov->spec.port = 8472;
	ov->spec.mtu = 1400;
	ov->spec.local = ip4(198, 51, 100, 1);
	ov->spec.rx = XT_RX_TC;
	ov->rx = XT_RX_TC;
	snprintf(ov->rx_reason, sizeof(ov->rx_reason), "asked for");
	ov->gso = XT_GSO_VXLAN_DEV;
	snprintf(ov->gso_reason, sizeof(ov->gso_reason), "xt-vxlan-8472 checksums");
	ov->spec.max_peers = 8;
	ov->spec.max_routes = 64;
	ov->peers = NULL;
	ov->n_peers = 0;

	p = &f->peers[2];
	snprintf(p->spec.name, sizeof(p->spec.name), "charlie");
	p->id = 0;
	p->spec.endpoint = ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
	p->spec.port = 0;
	p->spec.allowed = f->allowed[2];
	p->spec.allowed[0] = pfx(ip6(0xfd00, 0x11, 0, 0, 0, 0, 0, 2), 128);
	p->spec.allowed[1] = pfx(ip4(10, 11, 0, 2), 32);
	p->spec.allowed[2] = pfx(ip6(0x2001, 0xdb8, 0x8000, 0, 0, 0, 0, 0), 33);
	p->spec.n_allowed = 3;

	ov = &f->ovs[2];
	snprintf(ov->spec.dev, sizeof(ov->spec.dev), "xt2");
	snprintf(ov->spec.uplink, sizeof(ov->spec.uplink), "eth0");
	ov->spec.has = SHOWN;
	ov->spec.encap = XT_ENCAP_GRE;
	ov->spec.has |= XT_OV_KEY;
	ov->spec.key = 0;
	ov->spec.mtu = 1452;
	ov->spec.local = ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
	ov->rx = XT_RX_TC;
	ov->spec.max_peers = 16;
	ov->spec.max_routes = 32;
	ov->n_routes = 3;
	ov->peers = &f->peers[2];
	ov->n_peers = 1;

	p = &f->peers[3];
	snprintf(p->spec.name, sizeof(p->spec.name), "delta");
	p->id = 3;
	p->spec.endpoint = ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 3);
	p->spec.port = 4789;
	p->spec.allowed = f->allowed[3];
	p->spec.allowed[0] = pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 3), 128);
	p->spec.n_allowed = 1;

	ov = &f->ovs[3];
	snprintf(ov->spec.dev, sizeof(ov->spec.dev), "xt3");
	snprintf(ov->spec.uplink, sizeof(ov->spec.uplink), "eth0");
	ov->spec.has = SHOWN | XT_OV_VNI | XT_OV_PORT;
	ov->spec.encap = XT_ENCAP_VXLAN;
	ov->spec.vni = 42;
	ov->spec.port = 4789;
	ov->spec.mtu = 1430;
	ov->spec.local = ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
	ov->rx = XT_RX_TC;
	ov->spec.max_peers = 16;
	ov->spec.max_routes = 32;
	ov->n_routes = 1;
	ov->reasons[XT_OK_SEGMENT] = 7;
	ov->peers = &f->peers[3];
	ov->n_peers = 1;

	ov = &f->ovs[4];
	snprintf(ov->spec.dev, sizeof(ov->spec.dev), "xt4");
	snprintf(ov->spec.uplink, sizeof(ov->spec.uplink), "eth1");
	ov->spec.has = SHOWN;
	ov->spec.encap = XT_ENCAP_IPIP;
	ov->spec.mtu = 1480;
	ov->spec.local = ip4(198, 51, 100, 1);
	ov->rx = XT_RX_TC;
	ov->spec.max_peers = 4;
	ov->spec.max_routes = 4;

	p = &f->peers[4];
	snprintf(p->spec.name, sizeof(p->spec.name), "echo");
	p->id = 0;
	p->spec.endpoint = ip4(192, 0, 2, 20);
	p->spec.port = 6081;
	p->spec.flood = true;
	p = &f->peers[5];
	snprintf(p->spec.name, sizeof(p->spec.name), "foxtrot");
	p->id = 1;
	p->spec.endpoint = ip4(192, 0, 2, 21);
	p->spec.port = 6081;
	p->spec.flood = false;
	p->stats.rx_packets = 2;

	ov = &f->ovs[5];
	snprintf(ov->spec.dev, sizeof(ov->spec.dev), "xt5");
	snprintf(ov->spec.uplink, sizeof(ov->spec.uplink), "eth0");
	ov->spec.has = SHOWN | XT_OV_VNI | XT_OV_PORT | XT_OV_MODE | XT_OV_MAC | XT_OV_MAX_MACS |
		       XT_OV_AGEING;
	ov->spec.mode = XT_MODE_L2;
	ov->spec.encap = XT_ENCAP_GENEVE;
	ov->spec.vni = 77;
	ov->spec.port = 6081;
	ov->spec.mtu = 1450;
	ov->spec.local = ip4(192, 0, 2, 1);
	memcpy(ov->spec.mac, (uint8_t[6]){ 0x02, 0x5e, 0x00, 0xab, 0xcd, 0xef }, 6);
	ov->rx = XT_RX_TC;
	ov->spec.max_peers = 64;
	ov->spec.max_routes = 16384; /* what an L2 overlay has no use for is not shown */
	ov->n_routes = 9;
	ov->spec.max_macs = 512;
	ov->spec.ageing = 300;
	ov->n_fdb = 12;
	ov->n_neigh = 3;
	ov->reasons[XT_OK_FLOOD] = 4;
	ov->reasons[XT_OK_ARP_SUPPRESSED] = 6;
	ov->peers = &f->peers[4];
	ov->n_peers = 2;

	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	free(*state);
	return 0;
}

/* JSON accessors that fail the test, naming the key, when the shape is wrong. */

static json_object *member(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!json_object_is_type(o, json_type_object))
		fail_because("looking up \"%s\" in a %s, not an object", key,
			     json_type_to_name(json_object_get_type(o)));
	if (!json_object_object_get_ex(o, key, &v))
		fail_because("no \"%s\" in %s", key, json_object_to_json_string(o));
	if (!json_object_is_type(v, type))
		fail_because("\"%s\" is a %s, not a %s", key,
			     json_type_to_name(json_object_get_type(v)), json_type_to_name(type));
	return v;
}

static const char *member_string(json_object *o, const char *key)
{
	return json_object_get_string(member(o, key, json_type_string));
}

static int64_t member_int(json_object *o, const char *key)
{
	return json_object_get_int64(member(o, key, json_type_int));
}

static uint64_t member_u64(json_object *o, const char *key)
{
	return json_object_get_uint64(member(o, key, json_type_int));
}

static json_object *element(json_object *a, size_t i, json_type type)
{
	json_object *v;

	assert_true(json_object_is_type(a, json_type_array));
	if (i >= json_object_array_length(a))
		fail_because("no element %zu in %s", i, json_object_to_json_string(a));
	v = json_object_array_get_idx(a, i);
	if (!json_object_is_type(v, type))
		fail_because("element %zu is a %s, not a %s", i,
			     json_type_to_name(json_object_get_type(v)), json_type_to_name(type));
	return v;
}

static void assert_string_list(json_object *a, const char *const *want, size_t n)
{
	size_t i;

	assert_true(json_object_is_type(a, json_type_array));
	assert_int_equal(json_object_array_length(a), n);
	for (i = 0; i < n; i++)
		assert_string_equal(json_object_get_string(element(a, i, json_type_string)),
				    want[i]);
}

static void json_is_a_list_with_one_object_per_overlay(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 2), *o;

	assert_true(json_object_is_type(j, json_type_array));
	assert_int_equal(json_object_array_length(j), 2);

	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "dev"), "xt0");
	assert_string_equal(member_string(o, "uplink"), "eth0");
	assert_string_equal(member_string(o, "encap"), "vxlan");
	assert_int_equal(member_int(o, "vni"), 4242);
	assert_int_equal(member_int(o, "port"), 4789);
	assert_int_equal(member_int(o, "mtu"), 1450);
	assert_string_equal(member_string(o, "local"), "192.0.2.1");
	assert_string_equal(member_string(o, "rx"), "xdp");
	assert_string_equal(member_string(o, "rx_request"), "auto");
	assert_string_equal(member_string(o, "rx_reason"), "native XDP supported by veth");
	assert_string_equal(member_string(o, "gso"), "encap");
	assert_string_equal(member_string(o, "gso_reason"), "whole");
	assert_int_equal(member_int(o, "max_peers"), 1024);
	assert_int_equal(member_int(o, "max_routes"), 16384);
	assert_int_equal(member_int(o, "routes"), 5);
	assert_int_equal(json_object_array_length(member(o, "peers", json_type_array)), 2);

	o = element(j, 1, json_type_object);
	assert_string_equal(member_string(o, "dev"), "xt1");
	assert_string_equal(member_string(o, "uplink"), "eth1");
	assert_int_equal(member_int(o, "vni"), 16777215);
	assert_int_equal(member_int(o, "port"), 8472);
	assert_string_equal(member_string(o, "gso"), "vxlan-device");
	assert_string_equal(member_string(o, "gso_reason"), "xt-vxlan-8472 checksums");
	assert_int_equal(member_int(o, "mtu"), 1400);
	assert_string_equal(member_string(o, "rx"), "tc");
	json_object_put(j);
}

static void json_peer_has_name_endpoint_port_allowed_ips_and_counters(void **state)
{
	static const char *const alpha_allowed[] = { "10.20.0.0/16", "10.30.1.0/24" };
	static const char *const bravo_allowed[] = { "10.40.0.0/16", "192.168.7.128/25",
						     "172.16.0.1/32" };
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 2), *peers, *p;

	peers = member(element(j, 0, json_type_object), "peers", json_type_array);
	assert_int_equal(json_object_array_length(peers), 2);

	p = element(peers, 0, json_type_object);
	assert_string_equal(member_string(p, "name"), "alpha");
	assert_string_equal(member_string(p, "endpoint"), "192.0.2.10");
	assert_int_equal(member_int(p, "port"), 4789);
	assert_string_list(member(p, "allowed_ips", json_type_array), alpha_allowed, 2);
	assert_int_equal(member_u64(p, "rx_packets"), 5);
	assert_int_equal(member_u64(p, "rx_bytes"), ALPHA_RX_BYTES);
	assert_int_equal(member_u64(p, "tx_packets"), 9);
	assert_int_equal(member_u64(p, "tx_bytes"), 1023);
	assert_int_equal(member_u64(p, "drops_total"), 1);

	p = element(peers, 1, json_type_object);
	assert_string_equal(member_string(p, "name"), "bravo");
	assert_string_equal(member_string(p, "endpoint"), "198.51.100.7");
	assert_int_equal(member_int(p, "port"), 8472);
	assert_string_list(member(p, "allowed_ips", json_type_array), bravo_allowed, 3);
	assert_int_equal(member_u64(p, "rx_packets"), 3000000);
	assert_int_equal(member_u64(p, "rx_bytes"), BRAVO_RX_BYTES);
	assert_int_equal(member_u64(p, "tx_packets"), 7);
	assert_int_equal(member_u64(p, "tx_bytes"), BRAVO_TX_BYTES);
	assert_int_equal(member_u64(p, "drops_total"), BRAVO_DROPS);
	json_object_put(j);
}

/* drops: every drop reason by its key, zeros included; the other reasons never. */
static void json_peer_drops_by_reason(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 2), *peers, *drops;
	int r;

	peers = member(element(j, 0, json_type_object), "peers", json_type_array);
	drops = member(element(peers, 0, json_type_object), "drops", json_type_object);
	assert_int_equal(json_object_object_length(drops), XT_DROP_COUNT);
	assert_int_equal(member_u64(drops, "drop_spoofed"), 1);
	assert_int_equal(member_u64(drops, "drop_malformed"), 0);
	assert_int_equal(member_u64(drops, "drop_ext_headers"), 0);
	for (r = 0; r < XT_FIRST_DROP; r++)
		if (json_object_object_get_ex(drops, xt_reason_key((enum xt_reason)r), NULL))
			fail_because("drops has \"%s\", which is no drop",
				     xt_reason_key((enum xt_reason)r));
	drops = member(element(peers, 1, json_type_object), "drops", json_type_object);
	assert_int_equal(member_u64(drops, "drop_malformed"), BRAVO_DROPS - 3);
	assert_int_equal(member_u64(drops, "drop_link_local"), 3);
	assert_int_equal(member_u64(drops, "drop_spoofed"), 0);
	json_object_put(j);
}

/* latest_rx: Unix seconds with ms, and its age; null for a peer never heard from. */
static void json_peer_liveness(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 2), *peers, *p, *v;

	peers = member(element(j, 0, json_type_object), "peers", json_type_array);
	p = element(peers, 0, json_type_object);
	v = member(p, "latest_rx", json_type_double);
	assert_string_equal(json_object_to_json_string(v), "1700000000.250");
	v = member(p, "latest_rx_age_s", json_type_double);
	assert_string_equal(json_object_to_json_string(v), "12.250");
	assert_false(json_object_get_boolean(member(p, "silent", json_type_boolean)));
	p = element(peers, 1, json_type_object);
	member(p, "latest_rx", json_type_null);
	member(p, "latest_rx_age_s", json_type_null);
	assert_true(json_object_get_boolean(member(p, "silent", json_type_boolean)));
	json_object_put(j);
}

static void json_forward_from_lists_the_ports_or_is_empty(void **state)
{
	static const char *const ports[] = { "lan0", "vethc1" };
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 2);

	assert_string_list(member(element(j, 0, json_type_object), "forward_from", json_type_array),
			   ports, 2);
	assert_int_equal(json_object_array_length(member(element(j, 1, json_type_object),
							 "forward_from", json_type_array)),
			 0);
	json_object_put(j);
}

static void json_overlay_without_peers_has_empty_peer_list(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 2);

	assert_int_equal(json_object_array_length(
				 member(element(j, 1, json_type_object), "peers", json_type_array)),
			 0);
	json_object_put(j);
}

static void json_of_no_overlays_is_an_empty_list(void **state)
{
	json_object *j = json_overlays(NULL, 0);

	(void)state;
	assert_true(json_object_is_type(j, json_type_array));
	assert_int_equal(json_object_array_length(j), 0);
	assert_string_equal(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), "[]");
	json_object_put(j);
}

static void json_counters_hold_every_reason_by_name(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 2), *counters;
	int i;

	counters = member(element(j, 0, json_type_object), "counters", json_type_object);
	assert_int_equal(json_object_object_length(counters), XT_REASON_COUNT);
	for (i = 0; i < XT_REASON_COUNT; i++)
		assert_int_equal(member_u64(counters, xt_reason_key((enum xt_reason)i)),
				 f->ovs[0].reasons[i]);
	/* Keys jq reads as they are: .counters.drop_spoofed (show prints drop-spoofed). */
	assert_int_equal(member_u64(counters, "encap"), 11);
	assert_int_equal(member_u64(counters, "drop_spoofed"), 2);
	json_object_put(j);
}

static void json_pin_dir_is_null_when_not_pinned(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 2), *v;

	assert_string_equal(member_string(element(j, 0, json_type_object), "pin_dir"),
			    "/sys/fs/bpf/xtunnel/xt0");
	assert_true(json_object_object_get_ex(element(j, 1, json_type_object), "pin_dir", &v));
	assert_null(v);
	json_object_put(j);
}

/* What `show -j` prints must parse back to the same values, 64-bit counters included. */
static void json_text_parses_back_with_64_bit_counters_intact(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 2), *back, *p;
	enum json_tokener_error err;

	back = json_tokener_parse_verbose(
		json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE),
		&err);
	json_object_put(j);
	if (!back)
		fail_because("show -j output is not JSON: %s", json_tokener_error_desc(err));
	p = element(member(element(back, 0, json_type_object), "peers", json_type_array), 1,
		    json_type_object);
	assert_string_equal(member_string(p, "name"), "bravo");
	assert_int_equal(member_u64(p, "rx_bytes"), BRAVO_RX_BYTES);
	assert_int_equal(member_u64(p, "tx_bytes"), BRAVO_TX_BYTES);
	assert_int_equal(member_u64(p, "drops_total"), BRAVO_DROPS);
	assert_int_equal(member_u64(member(p, "drops", json_type_object), "drop_malformed"),
			 BRAVO_DROPS - 3);
	assert_string_equal(member_string(element(back, 0, json_type_object), "pin_dir"),
			    "/sys/fs/bpf/xtunnel/xt0");
	json_object_put(back);
}

/*
 * Device names are bytes to the kernel, and show -j is UTF-8 text (RFC 8259 section 8.1):
 * a byte that starts no well-formed sequence (RFC 3629 section 4) comes out as U+FFFD
 * (EF BF BD), a well-formed one as it is. The text parses with json-c's UTF-8 check on.
 */
static void json_device_names_that_are_not_utf8_get_replacement_characters(void **state)
{
	static const char fffd[] = "\xef\xbf\xbd";
	struct fixture *f = *state;
	struct json_tokener *tok = json_tokener_new();
	json_object *j, *back, *ov;
	char want_dev[32], want_uplink[32], want_port[32];
	const char *text;

	/* 0xff is never UTF-8; c3 a9 is U+00E9; e0 80 80 is an overlong form. */
	memcpy(f->ovs[0].spec.dev, "x\xff\xc3\xa9\xe0\x80\x80", 8);
	snprintf(want_dev, sizeof(want_dev), "x%s\xc3\xa9%s%s%s", fffd, fffd, fffd, fffd);
	/* ed a0 80 is a surrogate (U+D800); a lone c3 at the end is cut short. */
	memcpy(f->ovs[0].spec.uplink, "u\xed\xa0\x80\xc3", 6);
	snprintf(want_uplink, sizeof(want_uplink), "u%s%s%s%s", fffd, fffd, fffd, fffd);
	/* f4 90 80 80 would be above U+10FFFF. */
	memcpy(f->ovs[0].spec.forward_from[0], "\xf4\x90\x80\x80", 5);
	snprintf(want_port, sizeof(want_port), "%s%s%s%s", fffd, fffd, fffd, fffd);

	j = json_overlays(f->ovs, 1);
	text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_VALIDATE_UTF8);
	back = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	if (!back)
		fail_because("show -j output is not UTF-8 JSON: %s",
			     json_tokener_error_desc(json_tokener_get_error(tok)));
	ov = element(back, 0, json_type_object);
	assert_string_equal(member_string(ov, "dev"), want_dev);
	assert_string_equal(member_string(ov, "uplink"), want_uplink);
	assert_string_equal(
		json_object_get_string(
			element(member(ov, "forward_from", json_type_array), 0, json_type_string)),
		want_port);
	assert_string_equal(
		json_object_get_string(
			element(member(ov, "forward_from", json_type_array), 1, json_type_string)),
		"vethc1");
	json_object_put(back);
	json_object_put(j);
	json_tokener_free(tok);
}

/* Human output */

static char *print_to_string(const struct xt_overlay_state *ovs, int n)
{
	char *text = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&text, &size);

	assert_non_null(m);
	print_overlays(m, ovs, n);
	assert_int_equal(fclose(m), 0);
	return text;
}

/* Pointer to the start of the whole line `line` in text, or NULL. */
static const char *find_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *s;

	for (s = text; (s = strstr(s, line)); s++)
		if ((s == text || s[-1] == '\n') && s[len] == '\n')
			return s;
	return NULL;
}

static void assert_has_line(const char *text, const char *line)
{
	if (!find_line(text, line))
		fail_because("no line \"%s\" in:\n%s", line, text);
}

static void text_peer_shows_name_endpoint_with_port_and_allowed_ips(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(f->ovs, 2);

	assert_has_line(text, "peer: alpha");
	assert_has_line(text, "  endpoint: 192.0.2.10:4789");
	assert_has_line(text, "  allowed ips: 10.20.0.0/16, 10.30.1.0/24");
	assert_has_line(text, "peer: bravo");
	assert_has_line(text, "  endpoint: 198.51.100.7:8472");
	assert_has_line(text, "  allowed ips: 10.40.0.0/16, 192.168.7.128/25, 172.16.0.1/32");
	free(text);
}

static void text_peer_lines_follow_their_peer(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(f->ovs, 2);
	const char *alpha = find_line(text, "peer: alpha"), *bravo = find_line(text, "peer: bravo");

	assert_non_null(alpha);
	assert_non_null(bravo);
	assert_true(alpha < bravo);
	assert_true(find_line(text, "  endpoint: 192.0.2.10:4789") > alpha);
	assert_true(find_line(text, "  endpoint: 192.0.2.10:4789") < bravo);
	assert_true(find_line(text, "  endpoint: 198.51.100.7:8472") > bravo);
	free(text);
}

static void text_transfer_and_drops_use_binary_units(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(f->ovs, 2);

	/* alpha: 1536 B = 1.50 KiB; 1023 B, under 1024, stays in bytes. */
	assert_has_line(text, "  transfer: 5 packets (1.50 KiB) received, 9 packets (1023 B) sent");
	assert_has_line(text, "  drops: 1 (drop-spoofed 1)");
	/* bravo: 5e9 B = 4.66 GiB; 2^53 + 1 B = 8.00 PiB, past the largest unit: 8192.00 TiB. */
	assert_has_line(text, "  transfer: 3000000 packets (4.66 GiB) received, "
			      "7 packets (8192.00 TiB) sent");
	/* Only the reasons that are not zero, in the order of the list. */
	assert_has_line(text, "  drops: 18446744073709551615 (drop-malformed 18446744073709551612, "
			      "drop-link-local 3)");
	free(text);
}

/* "latest packet": its age in words, as wg prints a handshake's, and (silent) past
 * XT_PEER_SILENT_S or when none came. */
static void text_latest_packet_says_how_long_ago(void **state)
{
	struct fixture *f = *state;
	struct xt_peer_state *alpha = &f->peers[0];
	char *text = print_to_string(f->ovs, 2);

	assert_has_line(text, "  latest packet: 12 seconds ago");
	assert_has_line(text, "  latest packet: never (silent)");
	free(text);
	alpha->latest_rx_age_ms = (86400 + 2 * 3600 + 3) * 1000ULL + 999;
	alpha->silent = true;
	text = print_to_string(f->ovs, 1);
	assert_has_line(text, "  latest packet: 1 day, 2 hours, 3 seconds ago (silent)");
	free(text);
	alpha->latest_rx_age_ms = 60 * 1000 + 1000;
	text = print_to_string(f->ovs, 1);
	assert_has_line(text, "  latest packet: 1 minute, 1 second ago (silent)");
	free(text);
	alpha->latest_rx_age_ms = 999;
	alpha->silent = false;
	text = print_to_string(f->ovs, 1);
	assert_has_line(text, "  latest packet: less than a second ago");
	free(text);
}

static void text_overlay_header_lines(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(f->ovs, 2);

	assert_true(!strncmp(text, "overlay: xt0\n", strlen("overlay: xt0\n")));
	assert_has_line(text, "  uplink: eth0, local 192.0.2.1");
	assert_has_line(text, "  encap: vxlan, vni 4242, port 4789, mtu 1450");
	assert_has_line(text, "  receive path: xdp (native XDP supported by veth)");
	assert_has_line(text, "  GSO path: encap (whole)");
	assert_has_line(text, "  GSO path: vxlan-device (xt-vxlan-8472 checksums)");
	assert_has_line(text, "  forward from: lan0, vethc1");
	assert_has_line(text, "  peers: 2 of 1024, routes: 5 of 16384");
	assert_has_line(text, "  maps: /sys/fs/bpf/xtunnel/xt0");
	assert_has_line(text, "  packets: encap 11, drop-spoofed 2");
	free(text);
}

static void text_overlay_without_peers_prints_no_peer_block(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(&f->ovs[1], 1);

	assert_has_line(text, "overlay: xt1");
	assert_has_line(text, "  encap: vxlan, vni 16777215, port 8472, mtu 1400");
	assert_has_line(text, "  peers: 0 of 8, routes: 0 of 64");
	if (strstr(text, "peer: ") || strstr(text, "maps:") || strstr(text, "packets:") ||
	    strstr(text, "forward from:"))
		fail_because("peer, maps, packets or forward line for an overlay with none:\n%s",
			     text);
	free(text);
}

static void text_overlays_are_separated_by_one_blank_line(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(f->ovs, 2);
	const char *second = find_line(text, "overlay: xt1");

	assert_non_null(second);
	assert_true(second - text >= 3);
	assert_int_equal(second[-1], '\n');
	assert_int_equal(second[-2], '\n');
	assert_int_not_equal(second[-3], '\n');
	free(text);
}

static void text_peer_without_allowed_ips_says_none(void **state)
{
	struct fixture *f = *state;
	struct xt_overlay_state ov = f->ovs[1];
	struct xt_peer_state lone = f->peers[0];
	char *text;

	lone.spec.n_allowed = 0;
	ov.peers = &lone;
	ov.n_peers = 1;
	text = print_to_string(&ov, 1);
	assert_has_line(text, "  allowed ips: (none)");
	free(text);
}

/* Members a JSON object must not have. */
static void assert_no_member(json_object *o, const char *key)
{
	json_object *v;

	if (json_object_object_get_ex(o, key, &v))
		fail_because("\"%s\" present in %s", key, json_object_to_json_string(o));
}

static void json_udp_encaps_have_vni_and_port_and_no_key(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(&f->ovs[3], 1), *o;

	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "encap"), "vxlan");
	assert_int_equal(member_int(o, "vni"), 42);
	assert_int_equal(member_int(o, "port"), 4789);
	assert_no_member(o, "key");
	json_object_put(j);
}

/* A GRE key of 0 is a key (RFC 2890 section 2.1): present, and 0. */
static void json_gre_has_its_key_and_no_vni_or_port(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(&f->ovs[2], 1), *o;

	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "encap"), "gre");
	assert_int_equal(member_int(o, "key"), 0);
	assert_no_member(o, "vni");
	assert_no_member(o, "port");
	json_object_put(j);
	f->ovs[2].spec.has &= ~(uint32_t)XT_OV_KEY;
	j = json_overlays(&f->ovs[2], 1);
	assert_no_member(element(j, 0, json_type_object), "key");
	json_object_put(j);
}

static void json_ipip_has_no_vni_port_or_key(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(&f->ovs[4], 1), *o;

	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "encap"), "ipip");
	assert_string_equal(member_string(o, "local"), "198.51.100.1");
	assert_int_equal(member_int(o, "mtu"), 1480);
	assert_no_member(o, "vni");
	assert_no_member(o, "port");
	assert_no_member(o, "key");
	json_object_put(j);
}

static void json_ipv6_local_endpoint_and_mixed_allowed_ips(void **state)
{
	static const char *const charlie_allowed[] = { "fd00:11::2/128", "10.11.0.2/32",
						       "2001:db8:8000::/33" };
	struct fixture *f = *state;
	json_object *j = json_overlays(&f->ovs[2], 2), *o, *p;

	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "local"), "2001:db8::1");
	p = element(member(o, "peers", json_type_array), 0, json_type_object);
	assert_string_equal(member_string(p, "name"), "charlie");
	/* The address alone, as for IPv4: no brackets, no port (GRE has none). */
	assert_string_equal(member_string(p, "endpoint"), "2001:db8::2");
	assert_no_member(p, "port");
	assert_string_list(member(p, "allowed_ips", json_type_array), charlie_allowed, 3);

	p = element(member(element(j, 1, json_type_object), "peers", json_type_array), 0,
		    json_type_object);
	assert_string_equal(member_string(p, "endpoint"), "2001:db8::3");
	assert_int_equal(member_int(p, "port"), 4789);
	json_object_put(j);
}

static void json_counters_include_segment(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(&f->ovs[3], 1), *counters;

	counters = member(element(j, 0, json_type_object), "counters", json_type_object);
	assert_int_equal(member_u64(counters, "segment"), 7);
	assert_int_equal(member_u64(counters, "pass_not_ip"), 0);
	assert_int_equal(member_u64(counters, "pass_other_proto"), 0);
	json_object_put(j);
}

static void text_encap_line_shows_what_each_encap_has(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(&f->ovs[2], 3);

	assert_has_line(text, "  encap: gre, key 0, mtu 1452");
	assert_has_line(text, "  encap: vxlan, vni 42, port 4789, mtu 1430");
	assert_has_line(text, "  encap: ipip, mtu 1480");
	assert_has_line(text, "  uplink: eth0, local 2001:db8::1");
	assert_has_line(text, "  uplink: eth1, local 198.51.100.1");
	assert_has_line(text, "  packets: segment 7");
	free(text);
	f->ovs[2].spec.has &= ~(uint32_t)XT_OV_KEY;
	text = print_to_string(&f->ovs[2], 1);
	assert_has_line(text, "  encap: gre, mtu 1452");
	free(text);
}

static void text_endpoint_brackets_ipv6_with_port_and_omits_gre_s(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(&f->ovs[2], 2);

	assert_has_line(text, "peer: charlie");
	assert_has_line(text, "  endpoint: 2001:db8::2");
	assert_has_line(text, "  allowed ips: fd00:11::2/128, 10.11.0.2/32, 2001:db8:8000::/33");
	assert_has_line(text, "peer: delta");
	assert_has_line(text, "  endpoint: [2001:db8::3]:4789");
	assert_has_line(text, "  allowed ips: fd00:10::3/128");
	free(text);
}

/* show -j carries every setting attach takes (issue 13, item 6): with them, and each peer's
 * name, endpoint, port and allowed_ips, the overlay can be made again. */
static void json_carries_every_setting(void **state)
{
	static const char *const addrs[] = { "10.10.0.1/24", "fd00:10::1/64" };
	static const char *const ports[] = { "lan0", "vethc1" };
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 3), *o;

	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "dev"), "xt0");
	assert_string_equal(member_string(o, "uplink"), "eth0");
	assert_string_equal(member_string(o, "encap"), "vxlan");
	assert_int_equal(member_int(o, "vni"), 4242);
	assert_int_equal(member_int(o, "port"), 4789);
	assert_string_equal(member_string(o, "local"), "192.0.2.1");
	assert_string_list(member(o, "addresses", json_type_array), addrs, 2);
	assert_int_equal(member_int(o, "mtu"), 1450);
	assert_string_equal(member_string(o, "rx_request"), "auto");
	assert_string_equal(member_string(o, "xdp_mode"), "generic");
	assert_int_equal(member_int(o, "max_peers"), 1024);
	assert_int_equal(member_int(o, "max_routes"), 16384);
	assert_string_list(member(o, "forward_from", json_type_array), ports, 2);

	o = element(j, 1, json_type_object);
	assert_int_equal(json_object_array_length(member(o, "addresses", json_type_array)), 0);
	assert_string_equal(member_string(o, "xdp_mode"), "native");
	assert_string_equal(member_string(o, "rx_request"), "tc");

	o = element(j, 2, json_type_object);
	assert_string_equal(member_string(o, "encap"), "gre");
	assert_int_equal(member_int(o, "key"), 0);
	json_object_put(j);
}

/* Every key a jq identifier, ^[a-z_][a-z0-9_]*$, at every depth: .counters.drop_spoofed
 * works where .counters.drop-spoofed would subtract. */
static void assert_keys_are_identifiers(json_object *v, const char *where)
{
	char path[256];
	size_t i;

	if (json_object_is_type(v, json_type_array)) {
		for (i = 0; i < json_object_array_length(v); i++) {
			snprintf(path, sizeof(path), "%s[%zu]", where, i);
			assert_keys_are_identifiers(json_object_array_get_idx(v, i), path);
		}
		return;
	}
	if (!json_object_is_type(v, json_type_object))
		return;
	json_object_object_foreach(v, key, member)
	{
		const char *c = key;

		if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
			fail_because("%s: key \"%s\" does not start with [a-z_]", where, key);
		for (; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
				fail_because("%s: key \"%s\" has '%c'", where, key, *c);
		snprintf(path, sizeof(path), "%s.%s", where, key);
		assert_keys_are_identifiers(member, path);
	}
}

static void json_keys_are_jq_identifiers_at_every_depth(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(f->ovs, 6);

	assert_keys_are_identifiers(j, "");
	json_object_put(j);
}

/* An uplink deleted since attach keeps its name; its state says what became of it, and
 * the text what to do. */
static void uplink_deleted_shows_its_name_its_state_and_the_fix(void **state)
{
	struct fixture *f = *state;
	json_object *j, *o;
	char *text;

	j = json_overlays(f->ovs, 1);
	assert_string_equal(member_string(element(j, 0, json_type_object), "uplink_state"), "ok");
	json_object_put(j);
	f->ovs[1].uplink = XT_UPLINK_GONE;
	j = json_overlays(&f->ovs[1], 1);
	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "uplink"), "eth1");
	assert_string_equal(member_string(o, "uplink_state"), "gone");
	json_object_put(j);
	text = print_to_string(&f->ovs[1], 1);
	assert_has_line(text, "  uplink: eth1 (was deleted and is gone: make it again, then run "
			      "'xtunnel reload'), local 198.51.100.1");
	free(text);
	f->ovs[1].uplink = XT_UPLINK_RECREATED;
	j = json_overlays(&f->ovs[1], 1);
	assert_string_equal(member_string(element(j, 0, json_type_object), "uplink_state"),
			    "recreated");
	json_object_put(j);
	text = print_to_string(&f->ovs[1], 1);
	assert_has_line(text, "  uplink: eth1 (was deleted; it exists again: run 'xtunnel "
			      "reload'), local 198.51.100.1");
	free(text);
	/* Not even a name (an overlay read without one): said so. */
	f->ovs[1].spec.has &= ~(uint32_t)XT_OV_UPLINK;
	j = json_overlays(&f->ovs[1], 1);
	assert_string_equal(member_string(element(j, 0, json_type_object), "uplink"), "(gone)");
	json_object_put(j);
}

static void text_shows_addresses_and_a_generic_xdp_mode(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(f->ovs, 1);

	assert_has_line(text, "  addresses: 10.10.0.1/24, fd00:10::1/64");
	assert_has_line(text, "  xdp mode: generic");
	assert_true(find_line(text, "  uplink: eth0, local 192.0.2.1") <
		    find_line(text, "  addresses: 10.10.0.1/24, fd00:10::1/64"));
	free(text);
	text = print_to_string(&f->ovs[1], 1);
	if (strstr(text, "addresses:") || strstr(text, "xdp mode:"))
		fail_because("addresses or xdp mode line for an overlay with none, native:\n%s",
			     text);
	free(text);
}

static char *output_to_string(const struct cli *cli, const struct xt_overlay_state *ovs, int n)
{
	char *text = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&text, &size);

	assert_non_null(m);
	output_overlays(cli, m, ovs, n);
	assert_int_equal(fclose(m), 0);
	return text;
}

/* -j: one line of JSON, as `ip -j`; -p (alone or with -j): indented, as `ip -j -p` and
 * `bpftool -jp`; the same JSON either way. Neither: the human form. */
static void output_is_compact_with_j_and_indented_with_p(void **state)
{
	struct fixture *f = *state;
	struct cli json = { .json = true }, pretty = { .json = true, .pretty = true }, human = {};
	char *compact = output_to_string(&json, f->ovs, 2);
	char *indented = output_to_string(&pretty, f->ovs, 2);
	char *text = output_to_string(&human, f->ovs, 2);
	json_object *a = json_tokener_parse(compact), *b = json_tokener_parse(indented);
	size_t len = strlen(compact);

	assert_true(len > 2 && compact[len - 1] == '\n');
	if (strchr(compact, '\n') != compact + len - 1 || strstr(compact, "\": ") ||
	    strstr(compact, "  "))
		fail_because("-j is not one compact line:\n%s", compact);
	if (!strstr(indented, "[\n") || !strstr(indented, "\n  {\n") ||
	    !strstr(indented, "\"dev\": \"xt0\""))
		fail_because("-p is not indented JSON:\n%.400s", indented);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(json_object_equal(a, b));
	assert_int_equal(strncmp(text, "overlay: xt0\n", 13), 0);
	json_object_put(a);
	json_object_put(b);
	free(compact);
	free(indented);
	free(text);
}

/* An L2 overlay: its mode, MAC and tables; no routes or forward-from, which it has not. */
static void json_l2_overlay_has_mode_mac_and_tables_and_no_routes(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(&f->ovs[4], 2), *o;

	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "mode"), "l3");
	assert_no_member(o, "mac");
	assert_no_member(o, "max_macs");
	assert_no_member(o, "fdb_entries");
	assert_int_equal(member_int(o, "max_routes"), 4);

	o = element(j, 1, json_type_object);
	assert_string_equal(member_string(o, "dev"), "xt5");
	assert_string_equal(member_string(o, "mode"), "l2");
	assert_string_equal(member_string(o, "encap"), "geneve");
	assert_int_equal(member_int(o, "vni"), 77);
	assert_string_equal(member_string(o, "mac"), "02:5e:00:ab:cd:ef");
	assert_int_equal(member_int(o, "mtu"), 1450);
	assert_int_equal(member_int(o, "max_peers"), 64);
	assert_int_equal(member_int(o, "max_macs"), 512);
	assert_int_equal(member_int(o, "ageing"), 300);
	assert_int_equal(member_int(o, "fdb_entries"), 12);
	assert_int_equal(member_int(o, "neigh_entries"), 3);
	assert_no_member(o, "max_routes");
	assert_no_member(o, "routes");
	assert_no_member(o, "forward_from");
	assert_int_equal(member_u64(member(o, "counters", json_type_object), "flood"), 4);
	assert_int_equal(member_u64(member(o, "counters", json_type_object), "arp_suppressed"), 6);
	json_object_put(j);
}

static void json_l2_peer_has_flood_and_no_allowed_ips(void **state)
{
	struct fixture *f = *state;
	json_object *j = json_overlays(&f->ovs[5], 1), *peers, *p;

	peers = member(element(j, 0, json_type_object), "peers", json_type_array);
	assert_int_equal(json_object_array_length(peers), 2);
	p = element(peers, 0, json_type_object);
	assert_string_equal(member_string(p, "name"), "echo");
	assert_string_equal(member_string(p, "endpoint"), "192.0.2.20");
	assert_int_equal(member_int(p, "port"), 6081);
	assert_true(json_object_get_boolean(member(p, "flood", json_type_boolean)));
	assert_no_member(p, "allowed_ips");
	p = element(peers, 1, json_type_object);
	assert_string_equal(member_string(p, "name"), "foxtrot");
	assert_false(json_object_get_boolean(member(p, "flood", json_type_boolean)));
	assert_int_equal(member_u64(p, "rx_packets"), 2);
	assert_no_member(p, "allowed_ips");
	json_object_put(j);
}

static void text_l2_overlay_shows_mode_mac_tables_and_flood(void **state)
{
	struct fixture *f = *state;
	char *text = print_to_string(&f->ovs[5], 1);

	assert_true(!strncmp(text, "overlay: xt5 (l2)\n", strlen("overlay: xt5 (l2)\n")));
	assert_has_line(text, "  encap: geneve, vni 77, port 6081, mtu 1450");
	assert_has_line(text, "  mac: 02:5e:00:ab:cd:ef; bridge ports and stations behind them: "
			      "MTU 1450 at most");
	assert_has_line(text, "  fdb entries: 12, neighbour entries: 3, max-macs 512 a peer, "
			      "ageing 300 s");
	assert_has_line(text, "  peers: 2 of 64");
	assert_has_line(text, "  endpoint: 192.0.2.20:6081");
	assert_has_line(text, "  flood: on");
	assert_has_line(text, "  flood: off");
	assert_null(strstr(text, "allowed ips"));
	assert_null(strstr(text, "routes"));
	assert_true(find_line(text, "  flood: on") < find_line(text, "peer: foxtrot"));
	free(text);
}

/* ageing 0: entries never age. */
static void text_l2_ageing_zero_is_never(void **state)
{
	struct fixture *f = *state;
	char *text;

	f->ovs[5].spec.ageing = 0;
	text = print_to_string(&f->ovs[5], 1);
	assert_has_line(text, "  fdb entries: 12, neighbour entries: 3, max-macs 512 a peer, "
			      "ageing never");
	free(text);
}

/* fdb show -j and neigh show -j: one object per entry; a static entry has no age. */
static void json_fdb_and_neigh_entries(void **state)
{
	struct xt_fdb_entry fdb[2] = {
		{ .mac = { 0x02, 0, 0, 0, 0, 0x0a }, .peer = "echo", .is_static = true, .age = 9 },
		{ .mac = { 0x0e, 0xff, 0, 0, 0, 0x0b }, .peer = "", .age = 42 },
	};
	struct xt_neigh_entry neigh[2] = {
		{ .ip = ip4(10, 1, 0, 5), .mac = { 0x02, 0, 0, 0, 0, 0x0a }, .is_static = true },
		{ .ip = ip6(0xfd00, 0, 0, 0, 0, 0, 0, 7),
		  .mac = { 0x02, 0, 0, 0, 0, 0x0c },
		  .peer = "foxtrot",
		  .age = 3 },
	};
	json_object *j, *o;

	(void)state;
	j = json_fdb(fdb, 2);
	assert_int_equal(json_object_array_length(j), 2);
	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "mac"), "02:00:00:00:00:0a");
	assert_string_equal(member_string(o, "peer"), "echo");
	assert_true(json_object_get_boolean(member(o, "static", json_type_boolean)));
	assert_true(json_object_is_type(member(o, "age", json_type_null), json_type_null));
	o = element(j, 1, json_type_object);
	assert_string_equal(member_string(o, "mac"), "0e:ff:00:00:00:0b");
	assert_true(json_object_is_type(member(o, "peer", json_type_null), json_type_null));
	assert_false(json_object_get_boolean(member(o, "static", json_type_boolean)));
	assert_int_equal(member_int(o, "age"), 42);
	assert_keys_are_identifiers(j, "fdb");
	json_object_put(j);

	j = json_neigh(neigh, 2);
	assert_int_equal(json_object_array_length(j), 2);
	o = element(j, 0, json_type_object);
	assert_string_equal(member_string(o, "address"), "10.1.0.5");
	assert_string_equal(member_string(o, "mac"), "02:00:00:00:00:0a");
	assert_true(json_object_is_type(member(o, "peer", json_type_null), json_type_null));
	assert_true(json_object_get_boolean(member(o, "static", json_type_boolean)));
	o = element(j, 1, json_type_object);
	assert_string_equal(member_string(o, "address"), "fd00::7");
	assert_string_equal(member_string(o, "peer"), "foxtrot");
	assert_int_equal(member_int(o, "age"), 3);
	assert_keys_are_identifiers(j, "neigh");
	json_object_put(j);
}

/* Every test gets a fresh copy of the overlays. */
#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(json_is_a_list_with_one_object_per_overlay),
		FIXTURE_TEST(json_peer_has_name_endpoint_port_allowed_ips_and_counters),
		FIXTURE_TEST(json_forward_from_lists_the_ports_or_is_empty),
		FIXTURE_TEST(json_overlay_without_peers_has_empty_peer_list),
		FIXTURE_TEST(json_of_no_overlays_is_an_empty_list),
		FIXTURE_TEST(json_counters_hold_every_reason_by_name),
		FIXTURE_TEST(json_pin_dir_is_null_when_not_pinned),
		FIXTURE_TEST(json_text_parses_back_with_64_bit_counters_intact),
		FIXTURE_TEST(json_device_names_that_are_not_utf8_get_replacement_characters),
		FIXTURE_TEST(text_peer_shows_name_endpoint_with_port_and_allowed_ips),
		FIXTURE_TEST(text_peer_lines_follow_their_peer),
		FIXTURE_TEST(text_transfer_and_drops_use_binary_units),
		FIXTURE_TEST(json_peer_drops_by_reason),
		FIXTURE_TEST(json_peer_liveness),
		FIXTURE_TEST(text_latest_packet_says_how_long_ago),
		FIXTURE_TEST(text_overlay_header_lines),
		FIXTURE_TEST(text_overlay_without_peers_prints_no_peer_block),
		FIXTURE_TEST(text_overlays_are_separated_by_one_blank_line),
		FIXTURE_TEST(text_peer_without_allowed_ips_says_none),
		FIXTURE_TEST(json_udp_encaps_have_vni_and_port_and_no_key),
		FIXTURE_TEST(json_gre_has_its_key_and_no_vni_or_port),
		FIXTURE_TEST(json_ipip_has_no_vni_port_or_key),
		FIXTURE_TEST(json_ipv6_local_endpoint_and_mixed_allowed_ips),
		FIXTURE_TEST(json_counters_include_segment),
		FIXTURE_TEST(text_encap_line_shows_what_each_encap_has),
		FIXTURE_TEST(text_endpoint_brackets_ipv6_with_port_and_omits_gre_s),
		FIXTURE_TEST(json_carries_every_setting),
		FIXTURE_TEST(json_keys_are_jq_identifiers_at_every_depth),
		FIXTURE_TEST(uplink_deleted_shows_its_name_its_state_and_the_fix),
		FIXTURE_TEST(text_shows_addresses_and_a_generic_xdp_mode),
		FIXTURE_TEST(output_is_compact_with_j_and_indented_with_p),
		FIXTURE_TEST(json_l2_overlay_has_mode_mac_and_tables_and_no_routes),
		FIXTURE_TEST(json_l2_peer_has_flood_and_no_allowed_ips),
		FIXTURE_TEST(text_l2_overlay_shows_mode_mac_tables_and_flood),
		FIXTURE_TEST(text_l2_ageing_zero_is_never),
		cmocka_unit_test(json_fdb_and_neigh_entries),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
