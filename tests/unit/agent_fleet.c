// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the agent's pure parts (agent/): base64 as etcd's gateway speaks it (the
 * test vectors of RFC 4648 section 10), the JSON of node and config keys, and the desired
 * state a fleet makes: conflicts settled by who wrote first (create_revision), a later
 * node keeping its other prefixes, a duplicate endpoint and malformed keys skipped, each
 * logged once. Expected prefixes and addresses are built from their octets (unit.h).
 */
#include <errno.h>
#include <stdlib.h>
#include "unit.h"
#include "etcd.h"
#include "fleet.h"

static void test_base64_rfc4648_vectors(void **state)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const coded[] = { "",	 "Zg==",     "Zm8=",	"Zm9v",
					     "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	size_t i, len;
	char *out;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(plain); i++) {
		out = etcd_base64_encode(plain[i], strlen(plain[i]));
		assert_string_equal(out, coded[i]);
		free(out);
		assert_int_equal(etcd_base64_decode(coded[i], &out, &len), 0);
		assert_int_equal(len, strlen(plain[i]));
		assert_memory_equal(out, plain[i], len);
		assert_int_equal(out[len], 0);
		free(out);
	}
	/* bytes past 127, and a 0 inside */
	out = etcd_base64_encode("\xff\x00\xfe", 3);
	assert_string_equal(out, "/wD+");
	free(out);
	assert_int_equal(etcd_base64_decode("Zg=", &out, &len), -EINVAL);
	assert_int_equal(etcd_base64_decode("Zm9!", &out, &len), -EINVAL);
	assert_int_equal(etcd_base64_decode("Z===", &out, &len), -EINVAL);
	assert_int_equal(etcd_base64_decode("Zg==Zg==", &out, &len), -EINVAL);
}

static void test_node_parse(void **state)
{
	struct xt_node n = {};
	char why[256];

	(void)state;
	assert_int_equal(
		xt_node_parse("h1",
			      "{\"endpoint\": \"192.0.2.7\", \"port\": 4790, \"prefixes\": "
			      "[\"10.1.0.0/16\", \"fd00:1::/64\"], \"colour\": [1, {}]}",
			      &n, why, sizeof(why)),
		0);
	assert_true(n.valid);
	assert_ip_equal(n.endpoint, ip4(192, 0, 2, 7));
	assert_int_equal(n.port, 4790);
	assert_int_equal(n.n_prefixes, 2);
	assert_prefix_equal(n.prefixes[0], pfx(ip4(10, 1, 0, 0), 16));
	assert_prefix_equal(n.prefixes[1], pfx(ip6(0xfd00, 1, 0, 0, 0, 0, 0, 0), 64));
	/* endpoint alone: no port (the network's), no prefixes */
	assert_int_equal(
		xt_node_parse("h1", "{\"endpoint\": \"2001:db8::1\"}", &n, why, sizeof(why)), 0);
	assert_ip_equal(n.endpoint, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
	assert_int_equal(n.port, 0);
	assert_int_equal(n.n_prefixes, 0);
	free(n.prefixes);
}

static void test_node_parse_refuses(void **state)
{
	static const struct {
		const char *name, *json, *why;
	} bad[] = {
		{ "h1", "not json", "no JSON: " },
		{ "h1", "[1]", "no JSON object" },
		{ "h1", "{\"port\": 1}", "no endpoint" },
		{ "h1", "{\"endpoint\": 7}", "no endpoint" },
		{ "h1", "{\"endpoint\": \"192.0.2.300\"}", "endpoint: " },
		{ "h1", "{\"endpoint\": \"192.0.2.1\", \"port\": 0}", "port 0: not 1-65535" },
		{ "h1", "{\"endpoint\": \"192.0.2.1\", \"port\": 65536}",
		  "port 65536: not 1-65535" },
		{ "h1", "{\"endpoint\": \"192.0.2.1\", \"port\": \"1\"}",
		  "port \"1\": not 1-65535" },
		{ "h1", "{\"endpoint\": \"192.0.2.1\", \"prefixes\": \"10.0.0.0/8\"}",
		  "prefixes is no list" },
		{ "h1", "{\"endpoint\": \"192.0.2.1\", \"prefixes\": [\"10.0.0.1/8\"]}",
		  "prefix \"10.0.0.1\\/8\": " },
		{ "h1", "{\"endpoint\": \"192.0.2.1\", \"prefixes\": [8]}", "prefix 8: no string" },
		{ "a/b", "{\"endpoint\": \"192.0.2.1\"}", "" },
		{ "", "{\"endpoint\": \"192.0.2.1\"}", "" },
	};
	struct xt_node n = {};
	char why[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_node_parse(bad[i].name, bad[i].json, &n, why, sizeof(why)) != -EINVAL)
			fail_because("accepted %s = %s", bad[i].name, bad[i].json);
		if (strncmp(why, bad[i].why, strlen(bad[i].why)) || !why[0])
			fail_because("%s: said \"%s\", expected \"%s...\"", bad[i].json, why,
				     bad[i].why);
		assert_false(n.valid);
		assert_null(n.prefixes);
	}
}

static void test_network_config(void **state)
{
	struct xt_overlay_spec s = {};
	char why[256];

	(void)state;
	assert_int_equal(xt_network_config_parse("{\"encap\": \"geneve\", \"vni\": 100, \"port\": "
						 "\"6082\", \"mtu\": 1400, \"other\": true}",
						 &s, why, sizeof(why)),
			 0);
	assert_int_equal(s.encap, XT_ENCAP_GENEVE);
	assert_int_equal(s.vni, 100);
	assert_int_equal(s.port, 6082);
	assert_int_equal(s.mtu, 1400);
	assert_int_equal(s.has, XT_OV_ENCAP | XT_OV_VNI | XT_OV_PORT | XT_OV_MTU);
	memset(&s, 0, sizeof(s));
	assert_int_equal(xt_network_config_parse("{\"vni\": \"many\"}", &s, why, sizeof(why)),
			 -EINVAL);
	assert_true(!strncmp(why, "vni: ", 5));
	assert_int_equal(s.has, 0); /* nothing of a refused key is taken */
	assert_int_equal(xt_network_config_parse("{\"mtu\": [1]}", &s, why, sizeof(why)), -EINVAL);
	assert_int_equal(xt_network_config_parse("1400", &s, why, sizeof(why)), -EINVAL);
}

static char logged[16][512];
static int n_logged;

static void log_line(const char *msg)
{
	if (n_logged < (int)ARRAY_SIZE(logged))
		snprintf(logged[n_logged], sizeof(logged[0]), "%s", msg);
	n_logged++;
}

static void put(struct xt_fleet *f, const char *name, const char *json, int64_t rev)
{
	assert_int_equal(xt_fleet_put(f, name, json, rev, 0), 0);
}

/* The overlay of host c: its own address 10.3.0.1, local 192.0.2.3. */
static struct xt_overlay_spec overlay_c(void)
{
	struct xt_overlay_spec ov = {};

	ov.has = XT_OV_ENCAP | XT_OV_LOCAL | XT_OV_ADDRS;
	ov.encap = XT_ENCAP_VXLAN;
	ov.local = ip4(192, 0, 2, 3);
	ov.addrs[0] = pfx(ip4(10, 3, 0, 1), 24);
	ov.n_addrs = 1;
	return ov;
}

static const struct xt_peer_spec *peer_named(const struct xt_desired *d, const char *name)
{
	int i;

	for (i = 0; i < d->n_peers; i++)
		if (!strcmp(d->peers[i].name, name))
			return &d->peers[i];
	fail_because("no peer %s", name);
	return NULL;
}

static void test_fleet_first_writer_keeps(void **state)
{
	struct xt_overlay_spec ov = overlay_c();
	struct xt_fleet f = {};
	struct xt_desired d;
	const struct xt_peer_spec *p;

	(void)state;
	n_logged = 0;
	/* b wrote first (30), then c, this host (40), then a (50): a's 10.1.0.0/16 overlaps
	 * b's 10.1.2.0/24, and its 10.9.0.0/24 holds c's 10.9.0.0/25: a loses both, and stays
	 * a peer. */
	put(&f, "a",
	    "{\"endpoint\": \"192.0.2.1\", \"prefixes\": [\"10.1.0.0/16\", \"10.9.0.0/24\"]}", 50);
	put(&f, "b",
	    "{\"endpoint\": \"192.0.2.2\", \"prefixes\": [\"10.1.2.0/24\", \"10.2.0.0/24\"]}", 30);
	put(&f, "c",
	    "{\"endpoint\": \"192.0.2.3\", \"prefixes\": [\"10.3.0.0/24\", \"10.9.0.0/25\"]}", 40);
	assert_int_equal(xt_fleet_desired(&f, "c", &ov, "/n/", log_line, &d), 0);
	assert_int_equal(d.n_peers, 2); /* c is no peer of its own */
	p = peer_named(&d, "b");
	assert_int_equal(p->n_allowed, 2);
	assert_prefix_equal(p->allowed[0], pfx(ip4(10, 1, 2, 0), 24));
	assert_prefix_equal(p->allowed[1], pfx(ip4(10, 2, 0, 0), 24));
	assert_ip_equal(p->endpoint, ip4(192, 0, 2, 2));
	/* a lost both: 10.1.0.0/16 to b (30 < 50), 10.9.0.0/24 to c (40 < 50) */
	p = peer_named(&d, "a");
	assert_int_equal(p->n_allowed, 0);
	assert_int_equal(n_logged, 2);
	assert_string_equal(logged[0], "node /n/a: prefix 10.1.0.0/16 left out: it clashes with "
				       "node /n/b, which came first (create_revision 30 < 50)");
	assert_string_equal(logged[1], "node /n/a: prefix 10.9.0.0/24 left out: it clashes with "
				       "node /n/c, which came first (create_revision 40 < 50)");
	xt_desired_free(&d);
	/* the same again: nothing logged twice */
	assert_int_equal(xt_fleet_desired(&f, "c", &ov, "/n/", log_line, &d), 0);
	assert_int_equal(n_logged, 2);
	xt_desired_free(&d);
	/* a written anew (a new value): its conflicts are logged again */
	put(&f, "a", "{\"endpoint\": \"192.0.2.1\", \"prefixes\": [\"10.1.0.0/16\"]}", 50);
	assert_int_equal(xt_fleet_desired(&f, "c", &ov, "/n/", log_line, &d), 0);
	assert_int_equal(n_logged, 3);
	xt_desired_free(&d);
	xt_fleet_clear(&f);
}

static void test_fleet_skips(void **state)
{
	struct xt_overlay_spec ov = overlay_c();
	struct xt_fleet f = {};
	struct xt_desired d;
	const struct xt_peer_spec *p;

	(void)state;
	n_logged = 0;
	put(&f, "good", "{\"endpoint\": \"192.0.2.9\", \"prefixes\": [\"10.9.0.0/24\"]}", 10);
	put(&f, "twin", "{\"endpoint\": \"192.0.2.9\", \"prefixes\": [\"10.8.0.0/24\"]}", 11);
	put(&f, "bad", "{\"endpoint\": ", 12);
	put(&f, "mine", "{\"endpoint\": \"192.0.2.3\"}", 13); /* this host's endpoint */
	put(&f, "wide", "{\"endpoint\": \"192.0.2.10\", \"prefixes\": [\"10.0.0.0/8\"]}", 14);
	assert_int_equal(xt_fleet_desired(&f, "c", &ov, "/n/", log_line, &d), 0);
	assert_int_equal(d.n_peers, 2);
	p = peer_named(&d, "good");
	assert_int_equal(p->n_allowed, 1);
	/* wide's 10.0.0.0/8 overlaps good's (earlier) and holds this host's 10.3.0.1 */
	p = peer_named(&d, "wide");
	assert_int_equal(p->n_allowed, 0);
	assert_int_equal(n_logged, 4);
	assert_true(strstr(logged[0], "node /n/bad skipped: malformed: no JSON") == logged[0]);
	assert_true(strstr(logged[1], "node /n/twin skipped: ") == logged[1]);
	assert_true(strstr(logged[2], "node /n/wide: prefix 10.0.0.0/8 left out: it clashes with "
				      "node /n/good") == logged[2]);
	assert_true(strstr(logged[3], "node /n/mine skipped: ") == logged[3]);
	xt_desired_free(&d);
	/* removed nodes go, a node put back is found */
	xt_fleet_del(&f, "twin");
	xt_fleet_del(&f, "nothing");
	assert_null(xt_fleet_find(&f, "twin"));
	assert_non_null(xt_fleet_find(&f, "good"));
	assert_int_equal(f.n_nodes, 4);
	xt_fleet_clear(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_rfc4648_vectors),
		cmocka_unit_test(test_node_parse),
		cmocka_unit_test(test_node_parse_refuses),
		cmocka_unit_test(test_network_config),
		cmocka_unit_test(test_fleet_first_writer_keeps),
		cmocka_unit_test(test_fleet_skips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
