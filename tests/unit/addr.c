// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the address, prefix, endpoint and number parsers in loader/addr.c, the
 * formatters, and the route-key mapping of both families. Expected addresses come from
 * their octets or groups through ip4() and ip6() (unit.h), never from inet_pton.
 */
#include <errno.h>
#include "unit.h"
#include "addr.h"

/* The last error message must contain every one of the given fragments. */
static void assert_errmsg_has(const char *what, const char *fragment)
{
	if (!strstr(xt_errmsg(), fragment))
		fail_because("%s: error message \"%s\" lacks \"%s\"", what, xt_errmsg(), fragment);
}

/* xt_parse_ip */

static void ip_takes_ipv4_dotted_quad_as_mapped(void **state)
{
	struct xt_ip a;

	(void)state;
	assert_int_equal(xt_parse_ip("192.0.2.1", &a), 0);
	assert_ip_equal(a, ip4(192, 0, 2, 1));
	assert_int_equal(xt_parse_ip("0.0.0.0", &a), 0);
	assert_ip_equal(a, ip4(0, 0, 0, 0));
	assert_int_equal(xt_parse_ip("255.255.255.255", &a), 0);
	assert_ip_equal(a, ip4(255, 255, 255, 255));
}

static void ip_takes_every_ipv6_spelling(void **state)
{
	static const struct {
		const char *in;
		struct xt_ip want;
	} cases[] = {
		{ "2001:db8::1", { XT_FAMILY_V6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } },
		{ "2001:DB8::A", { XT_FAMILY_V6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a } } },
		{ "2001:0db8:0000:0000:0000:0000:0000:0001",
		  { XT_FAMILY_V6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } },
		{ "::1", { XT_FAMILY_V6, { [15] = 1 } } },
		{ "::", { XT_FAMILY_V6, { 0 } } },
		{ "fe80::1", { XT_FAMILY_V6, { 0xfe, 0x80, [15] = 1 } } },
		{ "fd00:10::2", { XT_FAMILY_V6, { 0xfd, 0x00, 0x00, 0x10, [15] = 2 } } },
		/* RFC 4291 section 2.2 form 3: the last 32 bits as a dotted quad. */
		{ "64:ff9b::192.0.2.33",
		  { XT_FAMILY_V6, { 0x00, 0x64, 0xff, 0x9b, [12] = 192, 0, 2, 33 } } },
	};
	struct xt_ip a;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (xt_parse_ip(cases[i].in, &a))
			fail_because("'%s' refused: %s", cases[i].in, xt_errmsg());
		assert_ip_equal(a, cases[i].want);
	}
	assert_int_equal(xt_parse_ip("2001:db8:1:2:3:4:5:6", &a), 0);
	assert_ip_equal(a, ip6(0x2001, 0xdb8, 1, 2, 3, 4, 5, 6));
}

static void ip_refuses_ipv6_malformed_forms_naming_them(void **state)
{
	static const char *const bad[] = {
		"2001:db8::1::2", "2001:db8::g",  "[2001:db8::1]",     "2001:db8::1/64",
		"fe80::1%eth0",	  ":::",	  "1:2:3:4:5:6:7:8:9", "12345::1",
		"2001:db8:::1",	  ":2001:db8::1", "2001:db8::1 ",      "1:2:3:4:5:6:7",
	};
	char quoted[64];
	struct xt_ip a;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_ip(bad[i], &a) != -EINVAL)
			fail_because("'%s' was accepted as an address", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
	}
}

/* ::ffff:a.b.c.d is the key of a.b.c.d: as an IPv6 address it would alias the IPv4 one. */
static void ip_refuses_ipv4_mapped_ipv6_saying_the_ipv4_spelling(void **state)
{
	struct xt_ip a;

	(void)state;
	assert_int_equal(xt_parse_ip("::ffff:192.0.2.1", &a), -EINVAL);
	assert_errmsg_has("::ffff:192.0.2.1", "'::ffff:192.0.2.1'");
	assert_errmsg_has("::ffff:192.0.2.1", "write it as 192.0.2.1");
	assert_int_equal(xt_parse_ip("::FFFF:c000:221", &a), -EINVAL);
	assert_errmsg_has("::FFFF:c000:221", "write it as 192.0.2.33");
	/* Next to the mapped range, plain IPv6. */
	assert_int_equal(xt_parse_ip("::fffe:c000:221", &a), 0);
	assert_ip_equal(a, ip6(0, 0, 0, 0, 0, 0xfffe, 0xc000, 0x221));
	assert_int_equal(xt_parse_ip("0:0:0:1:0:ffff:c000:221", &a), 0);
	assert_ip_equal(a, ip6(0, 0, 0, 1, 0, 0xffff, 0xc000, 0x221));
}

static void ip_refuses_short_hex_and_malformed_ipv4_naming_them(void **state)
{
	/* inet_aton would take "10.1" and "0x0a000001"; the CLI must not. */
	static const char *const bad[] = {
		"10.1",	      "0x0a000001", "10.0.0.256", "10.0.0.1 ", " 10.0.0.1",
		"10.0.0.1/8", "1.2.3.4.5",  "a.b.c.d",	  "",	       "-1.0.0.0",
	};
	char quoted[64];
	struct xt_ip a;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_ip(bad[i], &a) != -EINVAL)
			fail_because("'%s' was accepted as an address", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
	}
	assert_int_equal(xt_parse_ip(NULL, &a), -EINVAL);
}

/* xt_parse_prefix */

static void prefix_parses_network_and_length(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_prefix("10.20.0.0/16", &p), 0);
	assert_prefix_equal(p, pfx(ip4(10, 20, 0, 0), 16));
	assert_int_equal(xt_parse_prefix("192.168.1.128/25", &p), 0);
	assert_prefix_equal(p, pfx(ip4(192, 168, 1, 128), 25));
	assert_int_equal(xt_parse_prefix("0.0.0.0/0", &p), 0);
	assert_prefix_equal(p, pfx(ip4(0, 0, 0, 0), 0));
}

static void prefix_without_length_is_a_host_route(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_prefix("192.0.2.7", &p), 0);
	assert_prefix_equal(p, pfx(ip4(192, 0, 2, 7), 32));
	assert_int_equal(xt_parse_prefix("192.0.2.7/32", &p), 0);
	assert_int_equal(p.len, 32);
}

static void prefix_with_host_bits_names_token_and_suggests_network(void **state)
{
	static const struct {
		const char *in, *suggestion;
	} cases[] = {
		{ "10.20.3.4/16", "did you mean 10.20.0.0/16?" },
		{ "192.168.1.130/25", "did you mean 192.168.1.128/25?" },
		{ "10.0.0.1/0", "did you mean 0.0.0.0/0?" },
		{ "172.16.255.255/12", "did you mean 172.16.0.0/12?" },
		{ "10.0.0.1/31", "did you mean 10.0.0.0/31?" },
	};
	struct xt_prefix p;
	char quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (xt_parse_prefix(cases[i].in, &p) != -EINVAL)
			fail_because("'%s' with host bits was accepted", cases[i].in);
		snprintf(quoted, sizeof(quoted), "'%s'", cases[i].in);
		assert_errmsg_has(cases[i].in, quoted);
		assert_errmsg_has(cases[i].in, "host bits");
		assert_errmsg_has(cases[i].in, cases[i].suggestion);
	}
}

/* Each of bad is refused as a prefix, and the message quotes it. */
static void prefixes_refused_naming_token(const char *const *bad, size_t n)
{
	struct xt_prefix p;
	char quoted[64];
	size_t i;

	for (i = 0; i < n; i++) {
		if (xt_parse_prefix(bad[i], &p) != -EINVAL)
			fail_because("'%s' was accepted as a prefix", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
	}
}

static void prefix_refuses_bad_length_naming_token(void **state)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "10.0.0.0/",   "10.0.0.0/-1",  "10.0.0.0/+8",
		"10.0.0.0/x",  "10.0.0.0/8x", "10.0.0.0/8/8", "10.0.0.0/4294967304",
	};
	(void)state;
	prefixes_refused_naming_token(bad, ARRAY_SIZE(bad));
}

static void prefix_refuses_bad_address_naming_token(void **state)
{
	static const char *const bad[] = {
		"10.0.0/8",    "300.0.0.0/8",		"a.b.c.d/8",   "", "/8",
		"1.2.3.4.5/8", "1234567890123456789/8", "10.0.0.0 /8",
	};
	(void)state;
	prefixes_refused_naming_token(bad, ARRAY_SIZE(bad));
}

/* xt_parse_address */

static void address_keeps_host_bits(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_address("10.20.3.4/16", &p), 0);
	assert_prefix_equal(p, pfx(ip4(10, 20, 3, 4), 16));
	assert_int_equal(xt_parse_address("10.20.0.0/16", &p), 0);
	assert_prefix_equal(p, pfx(ip4(10, 20, 0, 0), 16));
}

static void address_without_length_is_a_32(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_address("192.0.2.9", &p), 0);
	assert_prefix_equal(p, pfx(ip4(192, 0, 2, 9), 32));
}

static void address_refuses_zero_length_naming_token(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_address("10.0.0.1/0", &p), -EINVAL);
	assert_errmsg_has("10.0.0.1/0", "'10.0.0.1/0'");
	assert_errmsg_has("10.0.0.1/0", "prefix length above 0");
}

static void address_refuses_malformed_naming_token(void **state)
{
	static const char *const bad[] = { "10.0.0.1/33", "bogus", "10.0.0.1/", "10.0.1/24" };
	struct xt_prefix p;
	char quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_address(bad[i], &p) != -EINVAL)
			fail_because("'%s' was accepted as an interface address", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
	}
}

/* xt_parse_prefix_list */

static void prefix_list_parses_items_in_order(void **state)
{
	struct xt_prefix p[8];
	int n = -1;

	(void)state;
	assert_int_equal(xt_parse_prefix_list("10.20.0.0/16,10.30.1.0/24,192.0.2.9", p, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_ip_equal(p[0].ip, ip4(10, 20, 0, 0));
	assert_int_equal(p[0].len, 16);
	assert_ip_equal(p[1].ip, ip4(10, 30, 1, 0));
	assert_int_equal(p[1].len, 24);
	assert_ip_equal(p[2].ip, ip4(192, 0, 2, 9));
	assert_int_equal(p[2].len, 32);
}

static void prefix_list_of_one_item(void **state)
{
	struct xt_prefix p[1];
	int n = -1;

	(void)state;
	assert_int_equal(xt_parse_prefix_list("0.0.0.0/0", p, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_ip_equal(p[0].ip, ip4(0, 0, 0, 0));
	assert_int_equal(p[0].len, 0);
}

static void prefix_list_refuses_duplicate_naming_it(void **state)
{
	struct xt_prefix p[8];
	int n = -1;

	(void)state;
	assert_int_equal(xt_parse_prefix_list("10.20.0.0/16,10.30.0.0/16,10.20.0.0/16", p, 8, &n),
			 -EINVAL);
	assert_errmsg_has("duplicate", "'10.20.0.0/16' is listed twice");
	/* Same prefix, different spelling: still the same route. */
	assert_int_equal(xt_parse_prefix_list("192.0.2.9,192.0.2.9/32", p, 8, &n), -EINVAL);
	assert_errmsg_has("duplicate host", "'192.0.2.9/32' is listed twice");
	assert_int_equal(n, -1);
}

static void prefix_list_same_address_other_length_is_not_a_duplicate(void **state)
{
	struct xt_prefix p[8];
	int n = -1;

	(void)state;
	assert_int_equal(xt_parse_prefix_list("10.20.0.0/16,10.20.0.0/24", p, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].len, 16);
	assert_int_equal(p[1].len, 24);
}

/* "a,,b" is a typo that would silently drop a prefix: refused, not skipped. */
static void prefix_list_refuses_an_empty_item(void **state)
{
	static const char *const lists[] = { "10.0.0.0/8,,10.1.0.0/16", ",10.0.0.0/8",
					     "10.0.0.0/8," };
	struct xt_prefix p[8];
	int n = -1;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		assert_int_equal(xt_parse_prefix_list(lists[i], p, 8, &n), -EINVAL);
		assert_errmsg_has("empty item", "empty item");
	}
	assert_int_equal(n, -1);
}

static void prefix_list_refuses_empty_list(void **state)
{
	static const char *const empty[] = { "", ",", ",,," };
	struct xt_prefix p[8];
	int n = -1;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(empty); i++) {
		if (xt_parse_prefix_list(empty[i], p, 8, &n) != -EINVAL)
			fail_because("'%s' was accepted as a prefix list", empty[i]);
		assert_errmsg_has(empty[i], "empty");
	}
	assert_int_equal(xt_parse_prefix_list(NULL, p, 8, &n), -EINVAL);
	assert_int_equal(n, -1);
}

static void prefix_list_refuses_more_than_max_without_writing_past_it(void **state)
{
	const int max = 4;
	struct xt_prefix p[5], guard;
	int n = -1;

	(void)state;
	memset(p, 0xab, sizeof(p));
	memcpy(&guard, &p[max], sizeof(guard));
	assert_int_equal(xt_parse_prefix_list("10.1.0.0/16,10.2.0.0/16,10.3.0.0/16,10.4.0.0/16,"
					      "10.5.0.0/16",
					      p, max, &n),
			 -E2BIG);
	assert_errmsg_has("five items", "more than 4");
	assert_memory_equal(&p[max], &guard, sizeof(guard));
	assert_int_equal(n, -1);
	assert_int_equal(
		xt_parse_prefix_list("10.1.0.0/16,10.2.0.0/16,10.3.0.0/16,10.4.0.0/16", p, max, &n),
		0);
	assert_int_equal(n, max);
	assert_ip_equal(p[3].ip, ip4(10, 4, 0, 0));
}

static void prefix_list_holds_exactly_xt_max_allowed(void **state)
{
	struct xt_prefix p[XT_MAX_ALLOWED];
	char list[XT_MAX_ALLOWED * 16 + 16];
	size_t off = 0;
	int i, n = -1;

	(void)state;
	for (i = 0; i < XT_MAX_ALLOWED; i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s10.%d.0.0/16",
					i ? "," : "", i);
	assert_int_equal(xt_parse_prefix_list(list, p, XT_MAX_ALLOWED, &n), 0);
	assert_int_equal(n, XT_MAX_ALLOWED);
	assert_ip_equal(p[XT_MAX_ALLOWED - 1].ip, ip4(10, XT_MAX_ALLOWED - 1, 0, 0));
	snprintf(list + off, sizeof(list) - off, ",10.%d.0.0/16", XT_MAX_ALLOWED);
	assert_int_equal(xt_parse_prefix_list(list, p, XT_MAX_ALLOWED, &n), -E2BIG);
}

static void prefix_list_bad_item_names_that_item(void **state)
{
	static const struct {
		const char *list, *item;
	} cases[] = {
		{ "10.20.0.0/16,10.30.0.1/16", "'10.30.0.1/16'" },
		{ "10.20.0.0/16,bogus", "'bogus'" },
		{ "10.20.0.0/16,10.30.0.0/40,10.40.0.0/16", "'10.30.0.0/40'" },
		{ "10.20.0.0/16, 10.30.0.0/16", "' 10.30.0.0/16'" },
	};
	struct xt_prefix p[8];
	int n = -1;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (xt_parse_prefix_list(cases[i].list, p, 8, &n) != -EINVAL)
			fail_because("'%s' was accepted as a prefix list", cases[i].list);
		assert_errmsg_has(cases[i].list, cases[i].item);
		/* The message is about the item, not the whole list. */
		if (strstr(xt_errmsg(), "10.20.0.0/16"))
			fail_because("'%s': message \"%s\" names a good item", cases[i].list,
				     xt_errmsg());
	}
	assert_int_equal(n, -1);
}

static void prefix_list_refuses_overlong_string(void **state)
{
	static char list[5000];
	struct xt_prefix p[XT_MAX_ALLOWED];
	int n = -1;

	(void)state;
	memset(list, '1', sizeof(list) - 1);
	assert_int_equal(xt_parse_prefix_list(list, p, XT_MAX_ALLOWED, &n), -EINVAL);
	assert_errmsg_has("5000 characters", "too long");
}

/* xt_parse_endpoint */

static void endpoint_without_port_gives_port_0(void **state)
{
	struct xt_ip a;
	uint16_t port = 1234;

	(void)state;
	assert_int_equal(xt_parse_endpoint("192.0.2.10", &a, &port), 0);
	assert_ip_equal(a, ip4(192, 0, 2, 10));
	assert_int_equal(port, 0);
}

static void endpoint_with_port_from_1_to_65535(void **state)
{
	struct xt_ip a;
	uint16_t port = 0;

	(void)state;
	assert_int_equal(xt_parse_endpoint("198.51.100.7:8472", &a, &port), 0);
	assert_ip_equal(a, ip4(198, 51, 100, 7));
	assert_int_equal(port, 8472);
	assert_int_equal(xt_parse_endpoint("192.0.2.10:1", &a, &port), 0);
	assert_int_equal(port, 1);
	assert_int_equal(xt_parse_endpoint("192.0.2.10:65535", &a, &port), 0);
	assert_int_equal(port, 65535);
}

/* Each of bad[] is refused, and the message quotes it and (if why) says why. */
static void assert_endpoints_refused(const char *const *bad, size_t n, const char *why)
{
	struct xt_ip a;
	uint16_t port;
	char quoted[64];
	size_t i;

	for (i = 0; i < n; i++) {
		if (xt_parse_endpoint(bad[i], &a, &port) != -EINVAL)
			fail_because("'%s' was accepted as an endpoint", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
		if (why)
			assert_errmsg_has(bad[i], why);
	}
}

static void endpoint_refuses_port_0_and_65536_naming_token(void **state)
{
	static const char *const bad[] = { "192.0.2.10:0", "192.0.2.10:65536",
					   "192.0.2.10:4294967297" };

	(void)state;
	assert_endpoints_refused(bad, ARRAY_SIZE(bad), "port must be 1 to 65535");
}

static void endpoint_refuses_colon_without_port(void **state)
{
	struct xt_ip a;
	uint16_t port;

	(void)state;
	assert_int_equal(xt_parse_endpoint("192.0.2.10:", &a, &port), -EINVAL);
	assert_errmsg_has("192.0.2.10:", "'192.0.2.10:'");
	assert_errmsg_has("192.0.2.10:", "port");
}

static void endpoint_refuses_non_numeric_port(void **state)
{
	static const char *const bad[] = { "192.0.2.10:vxlan", "192.0.2.10:80x",
					   "192.0.2.10:-1",    "192.0.2.10:+80",
					   "192.0.2.10:80:81", "192.0.2.10:0x50",
					   "192.0.2.10:[80]" };

	(void)state;
	assert_endpoints_refused(bad, ARRAY_SIZE(bad), NULL);
}

static void endpoint_refuses_zero_broadcast_and_multicast(void **state)
{
	static const char *const bad[] = { "0.0.0.0",	"0.0.0.0:4789",	   "255.255.255.255",
					   "224.0.0.1", "239.255.255.255", "230.1.2.3:8472" };

	(void)state;
	assert_endpoints_refused(bad, ARRAY_SIZE(bad), "unicast");
}

static void endpoint_accepts_unicast_next_to_multicast(void **state)
{
	struct xt_ip a;
	uint16_t port;

	(void)state;
	assert_int_equal(xt_parse_endpoint("223.255.255.254", &a, &port), 0);
	assert_ip_equal(a, ip4(223, 255, 255, 254));
}

static void endpoint_refuses_malformed_address(void **state)
{
	static const char *const bad[] = { "192.0.2:80", "peer.example:80", "",
					   ":4789",	 "1.2.3.4.5:80",    "192.0.2.10.:80" };
	struct xt_ip a;
	uint16_t port;
	char quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_endpoint(bad[i], &a, &port) != -EINVAL)
			fail_because("'%s' was accepted as an endpoint", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
		assert_errmsg_has(bad[i], "A.B.C.D[:PORT], [IPV6][:PORT] or IPV6");
	}
}

/* xt_parse_u32 */

static void u32_accepts_both_bounds(void **state)
{
	uint32_t v = 99;

	(void)state;
	assert_int_equal(xt_parse_u32("1", 1, 65535, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(xt_parse_u32("65535", 1, 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(xt_parse_u32("0", 0, 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(xt_parse_u32("4294967295", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
}

static void u32_refuses_outside_bounds_saying_the_range(void **state)
{
	uint32_t v = 99;

	(void)state;
	assert_int_equal(xt_parse_u32("0", 1, 65535, &v), -EINVAL);
	assert_errmsg_has("0", "'0' is not a number from 1 to 65535");
	assert_int_equal(xt_parse_u32("65536", 1, 65535, &v), -EINVAL);
	assert_errmsg_has("65536", "'65536' is not a number from 1 to 65535");
	assert_int_equal(xt_parse_u32("67", 68, 9000, &v), -EINVAL);
	assert_errmsg_has("67", "from 68 to 9000");
	assert_int_equal(v, 99);
}

static void u32_reads_decimal_not_octal(void **state)
{
	uint32_t v = 99;

	(void)state;
	assert_int_equal(xt_parse_u32("010", 0, 100, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(xt_parse_u32("0x10", 0, 100, &v), -EINVAL);
}

static void u32_refuses_signs(void **state)
{
	static const char *const bad[] = { "-1", "+1", "-0", "+0", "--1", "-4294967295" };
	uint32_t v = 99;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (xt_parse_u32(bad[i], 0, UINT32_MAX, &v) != -EINVAL)
			fail_because("'%s' was accepted as a number (read as %u)", bad[i], v);
	assert_int_equal(v, 99);
}

/*
 * strtoull skips leading white space and then takes a sign, so a check of the first
 * character alone lets " -0" or " +5" through, and " -18446744073709551615" wraps to 1.
 */
static void u32_refuses_leading_space_and_the_sign_it_hides(void **state)
{
	static const char *const bad[] = { " 5", "\t7", " +5", " -0", " -18446744073709551615" };
	uint32_t v = 99;
	int accepted = 0;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_u32(bad[i], 0, 65535, &v) == -EINVAL)
			continue;
		tap_note("'%s' was accepted as a number (read as %u)", bad[i], v);
		accepted++;
	}
	assert_int_equal(accepted, 0);
}

static void u32_refuses_garbage_naming_it(void **state)
{
	static const char *const bad[] = { "", "abc", "12abc", "1.5", "1e3", "5 ", "1,000" };
	uint32_t v = 99;
	char quoted[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_u32(bad[i], 0, UINT32_MAX, &v) != -EINVAL)
			fail_because("'%s' was accepted as a number (read as %u)", bad[i], v);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
	}
	assert_int_equal(xt_parse_u32(NULL, 0, UINT32_MAX, &v), -EINVAL);
	assert_int_equal(v, 99);
}

static void u32_refuses_overflow(void **state)
{
	static const char *const bad[] = {
		"4294967296",		/* UINT32_MAX + 1 */
		"18446744073709551615", /* ULLONG_MAX: strtoull does not flag it */
		"18446744073709551616", /* ERANGE */
		"99999999999999999999999999",
	};
	uint32_t v = 99;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (xt_parse_u32(bad[i], 0, UINT32_MAX, &v) != -EINVAL)
			fail_because("'%s' was accepted as a u32 (read as %u)", bad[i], v);
	assert_int_equal(v, 99);
}

/* xt_format_prefix */

static void format_prefix_writes_address_slash_length(void **state)
{
	struct xt_prefix p = { .ip = ip4(10, 20, 0, 0), .len = 16 };
	char buf[32];

	(void)state;
	assert_int_equal(xt_format_prefix(&p, buf, sizeof(buf)), (int)strlen("10.20.0.0/16"));
	assert_string_equal(buf, "10.20.0.0/16");
	p = (struct xt_prefix){ .ip = ip4(0, 0, 0, 0), .len = 0 };
	xt_format_prefix(&p, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0/0");
	p = (struct xt_prefix){ .ip = ip4(255, 255, 255, 255), .len = 32 };
	assert_int_equal(xt_format_prefix(&p, buf, sizeof(buf)), (int)strlen("255.255.255.255/32"));
	assert_string_equal(buf, "255.255.255.255/32");
}

static void format_prefix_truncates_to_buffer_and_returns_full_length(void **state)
{
	struct xt_prefix p = { .ip = ip4(192, 168, 100, 200), .len = 29 };
	char buf[12];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(xt_format_prefix(&p, buf, 8), (int)strlen("192.168.100.200/29"));
	assert_string_equal(buf, "192.168");
	assert_int_equal(buf[8], 'x');
}

static void format_prefix_output_parses_back_to_same_prefix(void **state)
{
	const struct xt_prefix in[] = {
		{ .ip = ip4(0, 0, 0, 0), .len = 0 },
		{ .ip = ip4(10, 0, 0, 0), .len = 8 },
		{ .ip = ip4(192, 168, 1, 128), .len = 25 },
		{ .ip = ip4(192, 0, 2, 10), .len = 32 },
	};
	struct xt_prefix out;
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		xt_format_prefix(&in[i], buf, sizeof(buf));
		if (xt_parse_prefix(buf, &out))
			fail_because("'%s' does not parse back: %s", buf, xt_errmsg());
		assert_prefix_equal(out, in[i]);
	}
}

/* IPv6 prefixes */

static void prefix_ipv6_parses_network_and_length(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_prefix("2001:db8::/32", &p), 0);
	assert_prefix_equal(p, pfx(ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32));
	assert_int_equal(xt_parse_prefix("fd00:10::/64", &p), 0);
	assert_prefix_equal(p, pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 0), 64));
	assert_int_equal(xt_parse_prefix("::/0", &p), 0);
	assert_prefix_equal(p, pfx(ip6(0, 0, 0, 0, 0, 0, 0, 0), 0));
	/* A length that is not a multiple of 8 or 16. */
	assert_int_equal(xt_parse_prefix("2001:db8:8000::/33", &p), 0);
	assert_prefix_equal(p, pfx(ip6(0x2001, 0xdb8, 0x8000, 0, 0, 0, 0, 0), 33));
	assert_int_equal(xt_parse_prefix("fe80::/10", &p), 0);
	assert_prefix_equal(p, pfx(ip6(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10));
}

static void prefix_ipv6_without_length_is_a_128(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_prefix("2001:db8::2", &p), 0);
	assert_prefix_equal(p, pfx(ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2), 128));
	assert_int_equal(xt_parse_prefix("2001:db8::2/128", &p), 0);
	assert_int_equal(p.len, 128);
}

static void prefix_ipv6_with_host_bits_suggests_network(void **state)
{
	static const struct {
		const char *in, *suggestion;
	} cases[] = {
		{ "2001:db8::1/64", "did you mean 2001:db8::/64?" },
		{ "2001:db8:ffff::/33", "did you mean 2001:db8:8000::/33?" },
		{ "::1/127", "did you mean ::/127?" },
		{ "fd00:10::2/0", "did you mean ::/0?" },
		{ "2001:db8::3/127", "did you mean 2001:db8::2/127?" },
	};
	struct xt_prefix p;
	char quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (xt_parse_prefix(cases[i].in, &p) != -EINVAL)
			fail_because("'%s' with host bits was accepted", cases[i].in);
		snprintf(quoted, sizeof(quoted), "'%s'", cases[i].in);
		assert_errmsg_has(cases[i].in, quoted);
		assert_errmsg_has(cases[i].in, cases[i].suggestion);
	}
}

static void prefix_length_range_is_the_family_s(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_prefix("2001:db8::/129", &p), -EINVAL);
	assert_errmsg_has("2001:db8::/129", "'2001:db8::/129': prefix length must be 0 to 128");
	assert_int_equal(xt_parse_prefix("10.0.0.0/33", &p), -EINVAL);
	assert_errmsg_has("10.0.0.0/33", "'10.0.0.0/33': prefix length must be 0 to 32");
	/* 33 to 128 are fine for IPv6 only. */
	assert_int_equal(xt_parse_prefix("2001:db8::/48", &p), 0);
	assert_int_equal(xt_parse_prefix("10.0.0.0/48", &p), -EINVAL);
}

static void prefix_ipv6_refuses_malformed_naming_token(void **state)
{
	static const char *const bad[] = { "2001:db8::/",    "2001:db8::/x",	"2001:db8::g/64",
					   "2001::db8::/64", "[2001:db8::]/64", "2001:db8::/64/64",
					   "::/-1" };
	(void)state;
	prefixes_refused_naming_token(bad, ARRAY_SIZE(bad));
}

/* In the trie, ::ffff:10.0.0.0/104 would be 10.0.0.0/8: only that spelling is taken. */
static void prefix_ipv4_mapped_is_refused_with_its_ipv4_spelling(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_prefix("::ffff:10.0.0.0/104", &p), -EINVAL);
	assert_errmsg_has("::ffff:10.0.0.0/104", "write it as 10.0.0.0/8");
	assert_int_equal(xt_parse_prefix("::ffff:0.0.0.0/96", &p), -EINVAL);
	assert_errmsg_has("::ffff:0.0.0.0/96", "write it as 0.0.0.0/0");
	assert_int_equal(xt_parse_prefix("::ffff:192.0.2.1", &p), -EINVAL);
	assert_errmsg_has("::ffff:192.0.2.1", "write it as 192.0.2.1/32");
	assert_int_equal(xt_parse_address("::ffff:192.0.2.1/120", &p), -EINVAL);
	assert_errmsg_has("address ::ffff:192.0.2.1/120", "write it as 192.0.2.1/24");
}

static void address_ipv6_keeps_host_bits_and_needs_a_length(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_address("fd00:10::1/64", &p), 0);
	assert_prefix_equal(p, pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 1), 64));
	assert_int_equal(xt_parse_address("fd00:10::1", &p), 0);
	assert_int_equal(p.len, 128);
	assert_int_equal(xt_parse_address("fd00:10::1/0", &p), -EINVAL);
	assert_errmsg_has("fd00:10::1/0", "prefix length above 0");
	assert_int_equal(xt_parse_address("fd00:10::1/129", &p), -EINVAL);
}

static void prefix_list_mixes_families_in_order(void **state)
{
	struct xt_prefix p[8];
	int n = -1;

	(void)state;
	assert_int_equal(
		xt_parse_prefix_list("10.20.0.0/16,fd00:10::/64,192.0.2.9,2001:db8::2", p, 8, &n),
		0);
	assert_int_equal(n, 4);
	assert_prefix_equal(p[0], pfx(ip4(10, 20, 0, 0), 16));
	assert_prefix_equal(p[1], pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 0), 64));
	assert_prefix_equal(p[2], pfx(ip4(192, 0, 2, 9), 32));
	assert_prefix_equal(p[3], pfx(ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2), 128));
}

static void prefix_list_ipv6_duplicates_are_found_whatever_the_spelling(void **state)
{
	struct xt_prefix p[8];
	int n = -1;

	(void)state;
	assert_int_equal(xt_parse_prefix_list("2001:db8::2,2001:db8::2/128", p, 8, &n), -EINVAL);
	assert_errmsg_has("v6 host twice", "'2001:db8::2/128' is listed twice");
	assert_int_equal(xt_parse_prefix_list("2001:db8::/32,2001:0DB8:0::/32", p, 8, &n), -EINVAL);
	assert_errmsg_has("v6 prefix twice", "'2001:0DB8:0::/32' is listed twice");
	assert_int_equal(n, -1);
	/* The two default routes are two prefixes, one per family. */
	assert_int_equal(xt_parse_prefix_list("0.0.0.0/0,::/0", p, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].ip.family, XT_FAMILY_V4);
	assert_int_equal(p[1].ip.family, XT_FAMILY_V6);
}

/* IPv6 endpoints */

static void endpoint_ipv6_in_brackets_with_and_without_port(void **state)
{
	struct xt_ip a;
	uint16_t port = 1234;

	(void)state;
	assert_int_equal(xt_parse_endpoint("[2001:db8::2]:4789", &a, &port), 0);
	assert_ip_equal(a, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2));
	assert_int_equal(port, 4789);
	assert_int_equal(xt_parse_endpoint("[2001:db8::2]", &a, &port), 0);
	assert_ip_equal(a, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2));
	assert_int_equal(port, 0);
	assert_int_equal(xt_parse_endpoint("[fe80::1]:1", &a, &port), 0);
	assert_ip_equal(a, ip6(0xfe80, 0, 0, 0, 0, 0, 0, 1));
	assert_int_equal(port, 1);
	assert_int_equal(xt_parse_endpoint("[2001:db8::2]:65535", &a, &port), 0);
	assert_int_equal(port, 65535);
}

/* Without brackets every colon belongs to the address: "...::2:4789" is a host, port 0. */
static void endpoint_bare_ipv6_has_no_port(void **state)
{
	struct xt_ip a;
	uint16_t port = 1234;

	(void)state;
	assert_int_equal(xt_parse_endpoint("2001:db8::2", &a, &port), 0);
	assert_ip_equal(a, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2));
	assert_int_equal(port, 0);
	port = 1234;
	assert_int_equal(xt_parse_endpoint("2001:db8::2:4789", &a, &port), 0);
	assert_ip_equal(a, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 2, 0x4789));
	assert_int_equal(port, 0);
}

static void endpoint_ipv6_refuses_bad_port_naming_token(void **state)
{
	static const char *const bad[] = { "[2001:db8::2]:0", "[2001:db8::2]:65536",
					   "[2001:db8::2]:", "[2001:db8::2]:x",
					   "[2001:db8::2]:80:81" };

	(void)state;
	assert_endpoints_refused(bad, ARRAY_SIZE(bad), "port must be 1 to 65535");
}

static void endpoint_ipv6_refuses_malformed_brackets(void **state)
{
	static const char *const bad[] = { "[2001:db8::2",     "2001:db8::2]",
					   "[2001:db8::2]x",   "[2001:db8::2]4789",
					   "[192.0.2.1]:4789", "[]:4789",
					   "[[2001:db8::2]]",  "[2001:db8::g]" };

	(void)state;
	assert_endpoints_refused(bad, ARRAY_SIZE(bad), "[IPV6][:PORT]");
}

static void endpoint_ipv6_refuses_unspecified_and_multicast(void **state)
{
	static const char *const bad[] = { "::", "[::]:4789", "ff02::1", "[ff05::2]:4789",
					   "ff00::" };
	struct xt_ip a;
	uint16_t port;

	(void)state;
	assert_endpoints_refused(bad, ARRAY_SIZE(bad), "unicast");
	/* fe.. and fc.. are unicast (link-local, unique local): only ff00::/8 is multicast. */
	assert_int_equal(xt_parse_endpoint("feff:ffff::1", &a, &port), 0);
	assert_int_equal(xt_parse_endpoint("[fd00::1]:4789", &a, &port), 0);
}

static void endpoint_refuses_ipv4_mapped_ipv6(void **state)
{
	static const char *const bad[] = { "::ffff:192.0.2.2", "[::ffff:192.0.2.2]:4789" };

	(void)state;
	assert_endpoints_refused(bad, ARRAY_SIZE(bad), "write it as 192.0.2.2");
}

/* Formatting */

static void format_ip_writes_each_family_in_its_own_notation(void **state)
{
	static const struct {
		struct xt_ip ip;
		const char *want;
	} cases[] = {
		{ { XT_FAMILY_V4, { [10] = 0xff, 0xff, 192, 0, 2, 1 } }, "192.0.2.1" },
		{ { XT_FAMILY_V4, { [10] = 0xff, 0xff, 0, 0, 0, 0 } }, "0.0.0.0" },
		{ { XT_FAMILY_V6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } }, "2001:db8::2" },
		{ { XT_FAMILY_V6, { [15] = 1 } }, "::1" },
		{ { XT_FAMILY_V6, { 0 } }, "::" },
		/* RFC 5952 section 4.2.3: the longest run of zeros is the one shortened. */
		{ { XT_FAMILY_V6, { 0x20, 0x01, 0x0d, 0xb8, [9] = 1, [15] = 1 } },
		  "2001:db8::1:0:0:1" },
		/* RFC 5952 section 4.3: lower case. */
		{ { XT_FAMILY_V6, { 0xfd, 0x00, 0xab, 0xcd, [15] = 0xef } }, "fd00:abcd::ef" },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(xt_format_ip(&cases[i].ip, buf, sizeof(buf)),
				 (int)strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
	}
}

static void format_prefix_writes_ipv6_address_slash_length(void **state)
{
	struct xt_prefix p = pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 0), 64);
	char buf[64];

	(void)state;
	assert_int_equal(xt_format_prefix(&p, buf, sizeof(buf)), (int)strlen("fd00:10::/64"));
	assert_string_equal(buf, "fd00:10::/64");
	p = pfx(ip6(0, 0, 0, 0, 0, 0, 0, 0), 0);
	xt_format_prefix(&p, buf, sizeof(buf));
	assert_string_equal(buf, "::/0");
	p = pfx(ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2), 128);
	xt_format_prefix(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::2/128");
}

static void format_endpoint_brackets_ipv6_only_with_a_port(void **state)
{
	struct xt_ip v4 = ip4(192, 0, 2, 2), v6 = ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
	char buf[64];

	(void)state;
	assert_int_equal(xt_format_endpoint(&v4, 4789, buf, sizeof(buf)),
			 (int)strlen("192.0.2.2:4789"));
	assert_string_equal(buf, "192.0.2.2:4789");
	assert_int_equal(xt_format_endpoint(&v6, 4789, buf, sizeof(buf)),
			 (int)strlen("[2001:db8::2]:4789"));
	assert_string_equal(buf, "[2001:db8::2]:4789");
	/* Port 0: GRE and IPIP have none, the address alone. */
	xt_format_endpoint(&v4, 0, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.2");
	xt_format_endpoint(&v6, 0, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::2");
}

static void format_endpoint_output_parses_back(void **state)
{
	const struct {
		struct xt_ip ip;
		uint16_t port;
	} in[] = {
		{ ip4(192, 0, 2, 2), 4789 },
		{ ip4(198, 51, 100, 7), 0 },
		{ ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2), 6081 },
		{ ip6(0x2001, 0xdb8, 0, 0, 0, 0, 2, 0x4789), 0 },
		{ ip6(0xfe80, 0, 0, 0, 0, 0, 0, 1), 65535 },
	};
	struct xt_ip a;
	uint16_t port;
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		xt_format_endpoint(&in[i].ip, in[i].port, buf, sizeof(buf));
		if (xt_parse_endpoint(buf, &a, &port))
			fail_because("'%s' does not parse back: %s", buf, xt_errmsg());
		assert_ip_equal(a, in[i].ip);
		assert_int_equal(port, in[i].port);
	}
}

static void format_prefix_ipv6_output_parses_back(void **state)
{
	const struct xt_prefix in[] = {
		pfx(ip6(0, 0, 0, 0, 0, 0, 0, 0), 0),
		pfx(ip6(0x2001, 0xdb8, 0x8000, 0, 0, 0, 0, 0), 33),
		pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 0), 64),
		pfx(ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2), 128),
	};
	struct xt_prefix out;
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		xt_format_prefix(&in[i], buf, sizeof(buf));
		if (xt_parse_prefix(buf, &out))
			fail_because("'%s' does not parse back: %s", buf, xt_errmsg());
		assert_prefix_equal(out, in[i]);
	}
}

/* Route keys (loader/addr.h): one trie for both families, IPv4 /N as /(96 + N). */

static void route_key_length_of_ipv4_is_96_plus_n(void **state)
{
	struct xt_prefix v4 = pfx(ip4(10, 20, 0, 0), 16), v4_default = pfx(ip4(0, 0, 0, 0), 0);
	struct xt_prefix v6 = pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 0), 64);

	(void)state;
	assert_int_equal(xt_prefix_key_len(&v4), 112);
	assert_int_equal(xt_prefix_key_len(&v4_default), 96);
	assert_int_equal(xt_prefix_key_len(&v6), 64);
}

static void route_key_maps_back_to_the_family_s_prefix(void **state)
{
	const uint8_t v4[16] = { [10] = 0xff, 0xff, 10, 20, 0, 0 };
	const uint8_t v6[16] = { 0xfd, 0x00, 0x00, 0x10 };
	const uint8_t mapped_zero[16] = { [10] = 0xff, 0xff };
	struct xt_prefix p;

	(void)state;
	xt_prefix_from_key(&p, 112, v4);
	assert_prefix_equal(p, pfx(ip4(10, 20, 0, 0), 16));
	xt_prefix_from_key(&p, 64, v6);
	assert_prefix_equal(p, pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 0), 64));
	xt_prefix_from_key(&p, 96, mapped_zero);
	assert_prefix_equal(p, pfx(ip4(0, 0, 0, 0), 0));
	xt_prefix_from_key(&p, 128, v4);
	assert_prefix_equal(p, pfx(ip4(10, 20, 0, 0), 32));
}

static void bits_equal_compares_only_the_first_n_bits(void **state)
{
	const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x80 };
	const uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xc0 };

	(void)state;
	assert_true(xt_bits_equal(a, b, 0));
	assert_true(xt_bits_equal(a, b, 32));
	assert_true(xt_bits_equal(a, b, 33));
	assert_false(xt_bits_equal(a, b, 34));
	assert_false(xt_bits_equal(a, b, 128));
	assert_true(xt_bits_equal(a, a, 128));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ip_takes_ipv4_dotted_quad_as_mapped),
		cmocka_unit_test(ip_takes_every_ipv6_spelling),
		cmocka_unit_test(ip_refuses_ipv6_malformed_forms_naming_them),
		cmocka_unit_test(ip_refuses_ipv4_mapped_ipv6_saying_the_ipv4_spelling),
		cmocka_unit_test(ip_refuses_short_hex_and_malformed_ipv4_naming_them),
		cmocka_unit_test(prefix_parses_network_and_length),
		cmocka_unit_test(prefix_without_length_is_a_host_route),
		cmocka_unit_test(prefix_with_host_bits_names_token_and_suggests_network),
		cmocka_unit_test(prefix_refuses_bad_length_naming_token),
		cmocka_unit_test(prefix_refuses_bad_address_naming_token),
		cmocka_unit_test(address_keeps_host_bits),
		cmocka_unit_test(address_without_length_is_a_32),
		cmocka_unit_test(address_refuses_zero_length_naming_token),
		cmocka_unit_test(address_refuses_malformed_naming_token),
		cmocka_unit_test(prefix_list_parses_items_in_order),
		cmocka_unit_test(prefix_list_of_one_item),
		cmocka_unit_test(prefix_list_refuses_duplicate_naming_it),
		cmocka_unit_test(prefix_list_refuses_an_empty_item),
		cmocka_unit_test(prefix_list_same_address_other_length_is_not_a_duplicate),
		cmocka_unit_test(prefix_list_refuses_empty_list),
		cmocka_unit_test(prefix_list_refuses_more_than_max_without_writing_past_it),
		cmocka_unit_test(prefix_list_holds_exactly_xt_max_allowed),
		cmocka_unit_test(prefix_list_bad_item_names_that_item),
		cmocka_unit_test(prefix_list_refuses_overlong_string),
		cmocka_unit_test(endpoint_without_port_gives_port_0),
		cmocka_unit_test(endpoint_with_port_from_1_to_65535),
		cmocka_unit_test(endpoint_refuses_port_0_and_65536_naming_token),
		cmocka_unit_test(endpoint_refuses_colon_without_port),
		cmocka_unit_test(endpoint_refuses_non_numeric_port),
		cmocka_unit_test(endpoint_refuses_zero_broadcast_and_multicast),
		cmocka_unit_test(endpoint_accepts_unicast_next_to_multicast),
		cmocka_unit_test(endpoint_refuses_malformed_address),
		cmocka_unit_test(u32_accepts_both_bounds),
		cmocka_unit_test(u32_refuses_outside_bounds_saying_the_range),
		cmocka_unit_test(u32_reads_decimal_not_octal),
		cmocka_unit_test(u32_refuses_signs),
		cmocka_unit_test(u32_refuses_leading_space_and_the_sign_it_hides),
		cmocka_unit_test(u32_refuses_garbage_naming_it),
		cmocka_unit_test(u32_refuses_overflow),
		cmocka_unit_test(format_prefix_writes_address_slash_length),
		cmocka_unit_test(format_prefix_truncates_to_buffer_and_returns_full_length),
		cmocka_unit_test(format_prefix_output_parses_back_to_same_prefix),
		cmocka_unit_test(prefix_ipv6_parses_network_and_length),
		cmocka_unit_test(prefix_ipv6_without_length_is_a_128),
		cmocka_unit_test(prefix_ipv6_with_host_bits_suggests_network),
		cmocka_unit_test(prefix_length_range_is_the_family_s),
		cmocka_unit_test(prefix_ipv6_refuses_malformed_naming_token),
		cmocka_unit_test(prefix_ipv4_mapped_is_refused_with_its_ipv4_spelling),
		cmocka_unit_test(address_ipv6_keeps_host_bits_and_needs_a_length),
		cmocka_unit_test(prefix_list_mixes_families_in_order),
		cmocka_unit_test(prefix_list_ipv6_duplicates_are_found_whatever_the_spelling),
		cmocka_unit_test(endpoint_ipv6_in_brackets_with_and_without_port),
		cmocka_unit_test(endpoint_bare_ipv6_has_no_port),
		cmocka_unit_test(endpoint_ipv6_refuses_bad_port_naming_token),
		cmocka_unit_test(endpoint_ipv6_refuses_malformed_brackets),
		cmocka_unit_test(endpoint_ipv6_refuses_unspecified_and_multicast),
		cmocka_unit_test(endpoint_refuses_ipv4_mapped_ipv6),
		cmocka_unit_test(format_ip_writes_each_family_in_its_own_notation),
		cmocka_unit_test(format_prefix_writes_ipv6_address_slash_length),
		cmocka_unit_test(format_endpoint_brackets_ipv6_only_with_a_port),
		cmocka_unit_test(format_endpoint_output_parses_back),
		cmocka_unit_test(format_prefix_ipv6_output_parses_back),
		cmocka_unit_test(route_key_length_of_ipv4_is_96_plus_n),
		cmocka_unit_test(route_key_maps_back_to_the_family_s_prefix),
		cmocka_unit_test(bits_equal_compares_only_the_first_n_bits),
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
