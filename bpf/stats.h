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

/* A packet from the peer passed every check. Its time is the peer's liveness (`latest
 * packet` in show): the coarse clock reads the time of the last tick and no clock source,
 * and the store goes to the cache line the counters above just wrote. */
static __always_inline void xt_count_rx(__u32 peer_id, __u32 packets, __u32 bytes)
{
	struct xt_peer_stats *s = xt_peer_stats_of(peer_id);

	if (s) {
		s->rx_packets += packets;
		s->rx_bytes += bytes;
		s->latest_rx_ns = bpf_ktime_get_coarse_ns();
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

/* The peer's entry in xt_peer_drops, made at its first drop. The zeros it starts from are
 * read from rodata, not built on a stack that the parser already fills. */
const volatile struct xt_peer_drops xt_no_drops = {};

static __always_inline void xt_count_peer_drop(__u32 peer_id, enum xt_reason reason)
{
	struct xt_peer_stats *s = xt_peer_stats_of(peer_id);
	__u32 i = reason - XT_FIRST_DROP;
	struct xt_peer_drops *d;

	if (s)
		s->drops += 1;
	if (i >= XT_DROP_COUNT)
		return;
	d = bpf_map_lookup_elem(&xt_peer_drops, &peer_id);
	if (!d) {
		/* Fails only without memory: the total above still counts the drop. */
		bpf_map_update_elem(&xt_peer_drops, &peer_id, (const void *)&xt_no_drops,
				    BPF_NOEXIST);
		d = bpf_map_lookup_elem(&xt_peer_drops, &peer_id);
		if (!d)
			return;
	}
	d->count[i] += 1;
}

#endif
