/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* One lock for every command that changes an overlay: /run/xtunnel/lock. Taken again by
 * the process that holds it (a command inside a batch), it counts. */
#ifndef XT_LOCK_H
#define XT_LOCK_H

int xt_lock(void);
void xt_unlock(int fd);

#endif
