// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Error and warning plumbing: the library never prints, the CLI decides. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "errmsg.h"
#include "xtunnel.h"

static __thread char errmsg[512];
static __thread bool err_input;
static xt_warn_fn warn_fn;

const char *xt_errmsg(void)
{
	return errmsg;
}

void xt_set_warn(xt_warn_fn fn)
{
	warn_fn = fn;
}

bool xt_err_is_input(void)
{
	return err_input;
}

int xt_err_input(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	err_input = true;
	return err;
}

int xt_err(int err, const char *fmt, ...)
{
	va_list ap;

	err_input = false;
	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return err;
}

void xt_warn(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!warn_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	warn_fn(buf);
}

/* libbpf and libxdp print to stderr by default; the library must not. Their messages are
 * shown only with XTUNNEL_DEBUG=1, whole (a verifier log runs to thousands of lines), on
 * stderr: the one thing the library prints, and only when asked to. */
static int lib_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("XTUNNEL_DEBUG") || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return lib_print((enum libbpf_print_level)level, fmt, ap);
}

void xt_libs_quiet(void)
{
	libbpf_set_print(lib_print);
	libxdp_set_print(libxdp_print);
}
