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

/* a.b.c.d in network order, as struct in_addr holds it: expected addresses are built from
 * their octets, so that inet_pton, which the code under test uses, is not also the oracle. */
static inline uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
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

#endif /* XT_TESTS_UNIT_H */
