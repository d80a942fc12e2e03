/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Errors and warnings of the library (errmsg.c): it never prints, the caller decides.
 * xt_err, xt_err_input and xt_warn are public (xtunnel.h), for the rooms above the loader.
 */
#ifndef XT_ERRMSG_H
#define XT_ERRMSG_H

#include "xtunnel.h"

/* libbpf and libxdp print to stderr by default; after this, only with XTUNNEL_DEBUG=1. */
void xt_libs_quiet(void);

#endif
