/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Errors and warnings of the library (errmsg.c): it never prints, the caller decides. */
#ifndef XT_ERRMSG_H
#define XT_ERRMSG_H

/* Sets the message returned by xt_errmsg() and returns err (a negative errno). */
int xt_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a request that is wrong in itself (bad or inconsistent input). */
int xt_err_input(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* libbpf and libxdp print to stderr by default; after this, only with XTUNNEL_DEBUG=1. */
void xt_libs_quiet(void);

#endif
