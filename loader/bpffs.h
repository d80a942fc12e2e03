/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* bpffs (bpffs.c): where pins go, mounting bpffs if needed. */
#ifndef XT_BPFFS_H
#define XT_BPFFS_H

#include <stdbool.h>
#include <stddef.h>

struct xt_overlay;

int xt_pin_dir(const char *dev, char *buf, size_t len, bool create);
int xt_pins_create(const struct xt_overlay *ov);
void xt_pins_remove(const char *dev);
bool xt_mount_ns_is_private(void);

#endif
