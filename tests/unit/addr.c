// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the address, prefix, endpoint and number parsers in loader/addr.c, and of
 * xt_format_prefix. Expected addresses come from their octets through ip() (unit.h).
 */
#include <errno.h>
#include "unit.h"
#include "xtunnel.h"

/* The last error message must contain every one of the given fragments. */
static void assert_errmsg_has(const char *what, const char *fragment)
{
	if (!strstr(xt_errmsg(), fragment))
		fail_because("%s: error message \"%s\" lacks \"%s\"", what, xt_errmsg(), fragment);
}

/* xt_parse_ipv4 */

static void ipv4_accepts_dotted_quad(void **state)
{
	struct in_addr a;

	(void)state;
	assert_int_equal(xt_parse_ipv4("192.0.2.1", &a), 0);
	assert_int_equal(a.s_addr, ip(192, 0, 2, 1));
	assert_int_equal(xt_parse_ipv4("0.0.0.0", &a), 0);
	assert_int_equal(a.s_addr, ip(0, 0, 0, 0));
	assert_int_equal(xt_parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a.s_addr, ip(255, 255, 255, 255));
}

static void ipv4_refuses_short_hex_and_malformed_forms_naming_them(void **state)
{
	/* inet_aton would take "10.1" and "0x0a000001"; the CLI must not. */
	static const char *const bad[] = {
		"10.1",	      "0x0a000001", "10.0.0.256", "10.0.0.1 ", " 10.0.0.1",
		"10.0.0.1/8", "1.2.3.4.5",  "a.b.c.d",	  "",	       "-1.0.0.0",
	};
	char quoted[64];
	struct in_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_ipv4(bad[i], &a) != -EINVAL)
			fail_because("'%s' was accepted as an IPv4 address", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
	}
	assert_int_equal(xt_parse_ipv4(NULL, &a), -EINVAL);
}

/* xt_parse_prefix */

static void prefix_parses_network_and_length(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_prefix("10.20.0.0/16", &p), 0);
	assert_int_equal(p.addr.s_addr, ip(10, 20, 0, 0));
	assert_int_equal(p.len, 16);
	assert_int_equal(xt_parse_prefix("192.168.1.128/25", &p), 0);
	assert_int_equal(p.addr.s_addr, ip(192, 168, 1, 128));
	assert_int_equal(p.len, 25);
	assert_int_equal(xt_parse_prefix("0.0.0.0/0", &p), 0);
	assert_int_equal(p.addr.s_addr, 0);
	assert_int_equal(p.len, 0);
}

static void prefix_without_length_is_a_host_route(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_prefix("192.0.2.7", &p), 0);
	assert_int_equal(p.addr.s_addr, ip(192, 0, 2, 7));
	assert_int_equal(p.len, 32);
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

static void prefix_refuses_bad_length_naming_token(void **state)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "10.0.0.0/",   "10.0.0.0/-1",  "10.0.0.0/+8",
		"10.0.0.0/x",  "10.0.0.0/8x", "10.0.0.0/8/8", "10.0.0.0/4294967304",
	};
	struct xt_prefix p;
	char quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_prefix(bad[i], &p) != -EINVAL)
			fail_because("'%s' was accepted as a prefix", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
	}
}

static void prefix_refuses_bad_address_naming_token(void **state)
{
	static const char *const bad[] = {
		"10.0.0/8",    "300.0.0.0/8",		"a.b.c.d/8",   "", "/8",
		"1.2.3.4.5/8", "1234567890123456789/8", "10.0.0.0 /8",
	};
	struct xt_prefix p;
	char quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_prefix(bad[i], &p) != -EINVAL)
			fail_because("'%s' was accepted as a prefix", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
	}
}

/* xt_parse_address */

static void address_keeps_host_bits(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_address("10.20.3.4/16", &p), 0);
	assert_int_equal(p.addr.s_addr, ip(10, 20, 3, 4));
	assert_int_equal(p.len, 16);
	assert_int_equal(xt_parse_address("10.20.0.0/16", &p), 0);
	assert_int_equal(p.addr.s_addr, ip(10, 20, 0, 0));
	assert_int_equal(p.len, 16);
}

static void address_without_length_is_a_32(void **state)
{
	struct xt_prefix p;

	(void)state;
	assert_int_equal(xt_parse_address("192.0.2.9", &p), 0);
	assert_int_equal(p.addr.s_addr, ip(192, 0, 2, 9));
	assert_int_equal(p.len, 32);
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
	assert_int_equal(p[0].addr.s_addr, ip(10, 20, 0, 0));
	assert_int_equal(p[0].len, 16);
	assert_int_equal(p[1].addr.s_addr, ip(10, 30, 1, 0));
	assert_int_equal(p[1].len, 24);
	assert_int_equal(p[2].addr.s_addr, ip(192, 0, 2, 9));
	assert_int_equal(p[2].len, 32);
}

static void prefix_list_of_one_item(void **state)
{
	struct xt_prefix p[1];
	int n = -1;

	(void)state;
	assert_int_equal(xt_parse_prefix_list("0.0.0.0/0", p, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].addr.s_addr, 0);
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
	assert_int_equal(p[3].addr.s_addr, ip(10, 4, 0, 0));
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
	assert_int_equal(p[XT_MAX_ALLOWED - 1].addr.s_addr, ip(10, XT_MAX_ALLOWED - 1, 0, 0));
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
	struct in_addr a;
	uint16_t port = 1234;

	(void)state;
	assert_int_equal(xt_parse_endpoint("192.0.2.10", &a, &port), 0);
	assert_int_equal(a.s_addr, ip(192, 0, 2, 10));
	assert_int_equal(port, 0);
}

static void endpoint_with_port_from_1_to_65535(void **state)
{
	struct in_addr a;
	uint16_t port = 0;

	(void)state;
	assert_int_equal(xt_parse_endpoint("198.51.100.7:8472", &a, &port), 0);
	assert_int_equal(a.s_addr, ip(198, 51, 100, 7));
	assert_int_equal(port, 8472);
	assert_int_equal(xt_parse_endpoint("192.0.2.10:1", &a, &port), 0);
	assert_int_equal(port, 1);
	assert_int_equal(xt_parse_endpoint("192.0.2.10:65535", &a, &port), 0);
	assert_int_equal(port, 65535);
}

/* Each of bad[] is refused, and the message quotes it and (if why) says why. */
static void assert_endpoints_refused(const char *const *bad, size_t n, const char *why)
{
	struct in_addr a;
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
	struct in_addr a;
	uint16_t port;

	(void)state;
	assert_int_equal(xt_parse_endpoint("192.0.2.10:", &a, &port), -EINVAL);
	assert_errmsg_has("192.0.2.10:", "'192.0.2.10:'");
	assert_errmsg_has("192.0.2.10:", "port");
}

static void endpoint_refuses_non_numeric_port(void **state)
{
	static const char *const bad[] = {
		"192.0.2.10:vxlan", "192.0.2.10:80x",	"192.0.2.10:-1",
		"192.0.2.10:+80",   "192.0.2.10:80:81", "192.0.2.10:0x50"
	};

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
	struct in_addr a;
	uint16_t port;

	(void)state;
	assert_int_equal(xt_parse_endpoint("223.255.255.254", &a, &port), 0);
	assert_int_equal(a.s_addr, ip(223, 255, 255, 254));
}

static void endpoint_refuses_malformed_address(void **state)
{
	static const char *const bad[] = { "192.0.2:80", "peer.example:80", "",
					   ":4789",	 "1.2.3.4.5:80",    "192.0.2.10.:80" };
	struct in_addr a;
	uint16_t port;
	char quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_endpoint(bad[i], &a, &port) != -EINVAL)
			fail_because("'%s' was accepted as an endpoint", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_errmsg_has(bad[i], quoted);
		assert_errmsg_has(bad[i], "ADDR[:PORT]");
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
	struct xt_prefix p = { .addr.s_addr = ip(10, 20, 0, 0), .len = 16 };
	char buf[32];

	(void)state;
	assert_int_equal(xt_format_prefix(&p, buf, sizeof(buf)), (int)strlen("10.20.0.0/16"));
	assert_string_equal(buf, "10.20.0.0/16");
	p = (struct xt_prefix){ .addr.s_addr = 0, .len = 0 };
	xt_format_prefix(&p, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0/0");
	p = (struct xt_prefix){ .addr.s_addr = ip(255, 255, 255, 255), .len = 32 };
	assert_int_equal(xt_format_prefix(&p, buf, sizeof(buf)), (int)strlen("255.255.255.255/32"));
	assert_string_equal(buf, "255.255.255.255/32");
}

static void format_prefix_truncates_to_buffer_and_returns_full_length(void **state)
{
	struct xt_prefix p = { .addr.s_addr = ip(192, 168, 100, 200), .len = 29 };
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
		{ .addr.s_addr = ip(0, 0, 0, 0), .len = 0 },
		{ .addr.s_addr = ip(10, 0, 0, 0), .len = 8 },
		{ .addr.s_addr = ip(192, 168, 1, 128), .len = 25 },
		{ .addr.s_addr = ip(192, 0, 2, 10), .len = 32 },
	};
	struct xt_prefix out;
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		xt_format_prefix(&in[i], buf, sizeof(buf));
		if (xt_parse_prefix(buf, &out))
			fail_because("'%s' does not parse back: %s", buf, xt_errmsg());
		assert_int_equal(out.addr.s_addr, in[i].addr.s_addr);
		assert_int_equal(out.len, in[i].len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_accepts_dotted_quad),
		cmocka_unit_test(ipv4_refuses_short_hex_and_malformed_forms_naming_them),
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
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
