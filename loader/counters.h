/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Per-CPU counters (counters.c), summed for the reader. */
#ifndef XT_COUNTERS_H
#define XT_COUNTERS_H

#include <stdint.h>
#include "xtunnel.h"

int xt_reasons_read(int fd, uint64_t *out);
/* Summed over CPUs, but latest_rx_ns: the latest of them. */
int xt_peer_stats_read(int fd, uint32_t id, struct xt_peer_stats *out);
/* The peer's drops by reason (out[reason - XT_FIRST_DROP]) from xt_peer_drops. */
int xt_peer_drops_read(int fd, uint32_t id, uint64_t out[XT_DROP_COUNT]);
int xt_peer_stats_reset(int stats_fd, int drops_fd, uint32_t id);

#endif
