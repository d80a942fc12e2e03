/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * For the BPF tests that need real devices (the FIB of bpf_fib_lookup, a kernel receiver):
 * a network namespace of the test process's own, made with unshare(2) and named nowhere,
 * so it goes away with the process and nothing outside it is ever touched. Its devices
 * are made with ip(8), as a user would make them. A test that includes this defines
 * _GNU_SOURCE before any include, for unshare(2).
 */
#ifndef XT_TEST_NETNS_H
#define XT_TEST_NETNS_H

#include <sched.h>
#include <stdarg.h>
#include <net/if.h>

/* Runs a shell command in the test's namespace; a failing command fails the test. */
static inline void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		test_fail("'%s' failed (status %d)", cmd, rc);
}

/* A fresh, empty namespace for the rest of the process (each call: another one). */
static inline void netns_private(void)
{
	if (unshare(CLONE_NEWNET))
		test_fail("unshare(CLONE_NEWNET): %s", strerror(errno));
	sh("ip link set lo up");
}

static inline uint32_t ifindex_of(const char *name)
{
	uint32_t ifindex = if_nametoindex(name);

	if (!ifindex)
		test_fail("no device %s", name);
	return ifindex;
}

#endif /* XT_TEST_NETNS_H */
