/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What a command needs of the kernel's capabilities (privileges.c). */
#ifndef XT_PRIVILEGES_H
#define XT_PRIVILEGES_H

#include <stdbool.h>

/* 0 if this process has the capabilities a command needs: to read overlays (show), or,
 * with change, to change them too. Otherwise -EPERM and a message naming what it lacks. */
int xt_privileges_check(bool change);

#endif
