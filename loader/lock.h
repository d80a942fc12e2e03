/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* One lock for every command that changes an overlay: /run/xtunnel/lock. Taken again by
 * the process that holds it (a command inside a batch), it counts. The first time a
 * process takes it, stale pins are swept (xt_pins_sweep). */
#ifndef XT_LOCK_H
#define XT_LOCK_H

int xt_lock(void);
/* The lock if nobody else holds it (-EWOULDBLOCK otherwise): for show, which only reads
 * and never waits, to sweep stale pins under it (lock.c). */
int xt_lock_try(void);
void xt_unlock(int fd);

#endif
