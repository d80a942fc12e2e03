/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every program of an L2 overlay includes: its configuration, its maps, the peers by
 * id, and the counts of what each peer's frames taught us (include/xtunnel_l2.h says who
 * may change an entry that counts). The FDB (fdb.h), the neighbour table (neigh.h),
 * replication (flood.h) and ageing (ageing.h) build on it.
 */
#ifndef XT_BPF_L2_H
#define XT_BPF_L2_H

#include "common.h"
#include "xtunnel_l2.h"

#define ENOENT 2
#define E2BIG 7
#define EAGAIN 11
#define EEXIST 17
#define EINVAL 22

const volatile struct xt_l2_config xt_l2_cfg = {};

/* Capacities are placeholders: the loader sets them from `attach` before load. Hash maps,
 * not LRU: an entry that went without a word would leave its peer's count too high. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XT_L2_DEFAULT_MAX_FDB);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xt_fdb_key);
	__type(value, struct xt_fdb);
} xt_fdb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XT_L2_DEFAULT_MAX_NEIGH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xt_neigh_key);
	__type(value, struct xt_neigh);
} xt_neigh SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XT_DEFAULT_MAX_PEERS);
	__type(key, __u32);
	__type(value, struct xt_l2_peer);
} xt_l2_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XT_DEFAULT_MAX_PEERS);
	__type(key, __u32);
	__type(value, struct xt_l2_learned);
} xt_l2_learned SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xt_flood);
} xt_flood SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xt_l2_state);
} xt_l2_state SEC(".maps");

/* A peer by id, if the id is a peer's. */
static __always_inline struct xt_l2_peer *xt_l2_peer(__u32 peer_id)
{
	struct xt_l2_peer *p = bpf_map_lookup_elem(&xt_l2_peers, &peer_id);

	return p && (p->flags & XT_L2_PEER_ACTIVE) ? p : NULL;
}

/* Whether a learned entry last seen at seen is still there at now. The difference is
 * signed: another CPU may have written a time a little ahead of ours. */
static __always_inline bool xt_l2_fresh(__u64 seen, __u64 now)
{
	return !xt_l2_cfg.ageing_ns || (__s64)(now - seen) <= (__s64)xt_l2_cfg.ageing_ns;
}

/* One more learned entry against a peer's count (macs or neighs): false, and nothing
 * counted, if it has max_macs already. Atomic: CPUs learn for the same peer at once. */
static __always_inline bool xt_l2_count_take(__u32 *count)
{
	if (__sync_fetch_and_add(count, 1) < xt_l2_cfg.max_macs)
		return true;
	__sync_fetch_and_sub(count, 1);
	return false;
}

static __always_inline void xt_l2_count_give(__u32 *count)
{
	__sync_fetch_and_sub(count, 1);
}

static __always_inline struct xt_l2_learned *xt_l2_learned_of(__u32 peer_id)
{
	return bpf_map_lookup_elem(&xt_l2_learned, &peer_id);
}

/* Whether a MAC is a unicast station's: not broadcast or multicast (the I/G bit), not all
 * zeros. Only those are learned, as the kernel's bridge drops frames from others. */
static __always_inline bool xt_mac_is_station(const __u8 *mac)
{
	const __u16 *w = (const __u16 *)mac;

	return !(mac[0] & 1) && (w[0] | w[1] | w[2]);
}

static __always_inline bool xt_mac_eq(const __u8 *a, const __u8 *b)
{
	const __u16 *x = (const __u16 *)a, *y = (const __u16 *)b;

	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

#endif
