/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* bpffs (bpffs.c): where pins go, mounting bpffs if needed. */
#ifndef XT_BPFFS_H
#define XT_BPFFS_H

#include <stdbool.h>
#include <stddef.h>

#include "maps.h"

int xt_pin_dir(const char *dev, char *buf, size_t len, bool create);
/* The maps of overlay dev (fds by enum xt_map), pinned under its pin directory. */
int xt_pins_create(const char *dev, const int fd[XT_MAP_COUNT]);
void xt_pins_remove(const char *dev);
/* Removes, with a warning each, the pin directories of overlays of other network
 * namespaces whose maps no loaded program uses any more (their namespace was deleted).
 * Run under the lock, so that no attach pins meanwhile. */
void xt_pins_sweep(void);

#endif
