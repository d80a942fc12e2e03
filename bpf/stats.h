/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Counters: one per reason, and rx/tx/drops per peer. All per-CPU, so no atomics. */
#ifndef XT_BPF_STATS_H
#define XT_BPF_STATS_H

#include "common.h"

static __always_inline void xt_count(enum xt_reason reason)
{
	__u32 key = reason;
	__u64 *n = bpf_map_lookup_elem(&xt_reasons, &key);

	if (n)
		*n += 1;
}

static __always_inline struct xt_peer_stats *xt_peer_stats_of(__u32 peer_id)
{
	return bpf_map_lookup_elem(&xt_peer_stats, &peer_id);
}

static __always_inline void xt_count_rx(__u32 peer_id, __u32 packets, __u32 bytes)
{
	struct xt_peer_stats *s = xt_peer_stats_of(peer_id);

	if (s) {
		s->rx_packets += packets;
		s->rx_bytes += bytes;
	}
}

static __always_inline void xt_count_tx(__u32 peer_id, __u32 packets, __u32 bytes)
{
	struct xt_peer_stats *s = xt_peer_stats_of(peer_id);

	if (s) {
		s->tx_packets += packets;
		s->tx_bytes += bytes;
	}
}

static __always_inline void xt_count_peer_drop(__u32 peer_id)
{
	struct xt_peer_stats *s = xt_peer_stats_of(peer_id);

	if (s)
		s->drops += 1;
}

#endif
