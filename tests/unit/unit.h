/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What every unit test file uses: cmocka, and a way to say why a check failed. */
#ifndef XT_TESTS_UNIT_H
#define XT_TESTS_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "xtunnel.h"

/*
 * Expected addresses are built from their octets or 16-bit groups, written out here, so
 * that inet_pton and inet_ntop, which the code under test uses, are not also the oracle.
 * ip4() is a.b.c.d as the maps hold it: ::ffff:a.b.c.d (RFC 4291 section 2.5.5.2).
 */
static inline struct xt_ip ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct xt_ip ip = { .family = XT_FAMILY_V4,
			    .addr = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d } };

	return ip;
}

/* The eight 16-bit groups of an IPv6 address, as written without "::". */
static inline struct xt_ip ip6(uint16_t g0, uint16_t g1, uint16_t g2, uint16_t g3, uint16_t g4,
			       uint16_t g5, uint16_t g6, uint16_t g7)
{
	const uint16_t g[8] = { g0, g1, g2, g3, g4, g5, g6, g7 };
	struct xt_ip ip = { .family = XT_FAMILY_V6 };
	int i;

	for (i = 0; i < 8; i++) {
		ip.addr[2 * i] = (uint8_t)(g[i] >> 8);
		ip.addr[2 * i + 1] = (uint8_t)g[i];
	}
	return ip;
}

static inline struct xt_prefix pfx(struct xt_ip ip, uint8_t len)
{
	struct xt_prefix p = { .ip = ip, .len = len };

	return p;
}

/*
 * cmocka's fail_msg() writes "ERROR: ..." to stderr, outside TAP, so tests/run.sh (which
 * shows the '#' lines of a failed test) would not show why. This writes the reason as TAP
 * comment lines on stdout, "# " before each, and cuts long lines: print_message() formats
 * into a buffer of 1024 bytes and would drop the newline, gluing the next "not ok" to it.
 */
static inline void __attribute__((format(printf, 1, 2))) tap_note(const char *fmt, ...)
{
	char buf[8192], *line, *save = NULL;
	const int chunk = 960;
	va_list ap;
	int len, off;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		len = (int)strlen(line);
		for (off = 0; off < len; off += chunk)
			print_message("# %.*s\n", chunk, line + off);
	}
}

#define fail_because(...)                                                                          \
	do {                                                                                       \
		tap_note(__VA_ARGS__);                                                             \
		fail();                                                                            \
	} while (0)

/* Bytes in hex, for failure messages that must not go through the formatter under test. */
static inline const char *hex16(const uint8_t *b, char *buf)
{
	int i;

	for (i = 0; i < 16; i++)
		sprintf(buf + 2 * i, "%02x", b[i]);
	return buf;
}

#define assert_ip_equal(got, want)                                                                 \
	do {                                                                                       \
		const struct xt_ip _g = (got), _w = (want);                                        \
		char _hg[33], _hw[33];                                                             \
		if (_g.family != _w.family || memcmp(_g.addr, _w.addr, sizeof(_g.addr)))           \
			fail_because("%s: family %u bytes %s, expected family %u bytes %s", #got,  \
				     _g.family, hex16(_g.addr, _hg), _w.family,                    \
				     hex16(_w.addr, _hw));                                         \
	} while (0)

#define assert_prefix_equal(got, want)                                                             \
	do {                                                                                       \
		const struct xt_prefix _gp = (got), _wp = (want);                                  \
		assert_ip_equal(_gp.ip, _wp.ip);                                                   \
		if (_gp.len != _wp.len)                                                            \
			fail_because("%s: length %u, expected %u", #got, _gp.len, _wp.len);        \
	} while (0)

/* The encapsulation keywords as the man page spells them, and what each means. */
static const struct {
	const char *name;
	enum xt_encap encap;
} encap_keywords[] = {
	{ "vxlan", XT_ENCAP_VXLAN },
	{ "geneve", XT_ENCAP_GENEVE },
	{ "gre", XT_ENCAP_GRE },
	{ "ipip", XT_ENCAP_IPIP },
};

#endif /* XT_TESTS_UNIT_H */
