/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Per-CPU counters (counters.c), summed for the reader. */
#ifndef XT_COUNTERS_H
#define XT_COUNTERS_H

#include <stdint.h>
#include "xtunnel.h"

int xt_reasons_read(int fd, uint64_t *out);
int xt_peer_stats_read(int fd, uint32_t id, struct xt_peer_stats *out);
int xt_peer_stats_reset(int fd, uint32_t id);

#endif
