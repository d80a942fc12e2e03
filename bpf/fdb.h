/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The FDB: which peer a MAC is behind. Encap looks a destination up (xt_fdb_peer); decap
 * learns the source of what a peer sends (xt_fdb_learn), moving a MAC that shows up behind
 * another peer, never a static one, and never more than max-macs per peer. An entry's time
 * is written when it changes, or when it is older than refresh_ns: not with every packet,
 * which would have every CPU write the same cache line.
 */
#ifndef XT_BPF_FDB_H
#define XT_BPF_FDB_H

#include "l2.h"

/* The peer a live FDB entry sends mac to; NULL: flood. An entry whose peer is gone counts
 * as no entry, as does a learned one older than the ageing time. */
static __always_inline struct xt_l2_peer *xt_fdb_peer(const __u8 *mac, __u32 *peer_id)
{
	struct xt_fdb_key key = {};
	struct xt_fdb *e;

	__builtin_memcpy(key.mac, mac, ETH_ALEN);
	e = bpf_map_lookup_elem(&xt_fdb, &key);
	if (!e)
		return NULL;
	if (!(e->flags & XT_L2_STATIC) && !xt_l2_fresh(e->seen_ns, bpf_ktime_get_ns()))
		return NULL;
	*peer_id = e->peer_id;
	return xt_l2_peer(*peer_id);
}

/* A MAC we have never seen, from peer_id: a new learned entry, if the peer may have one
 * more and the FDB has room. */
static __always_inline enum xt_reason xt_fdb_learn_new(const struct xt_fdb_key *key, __u32 peer_id,
						       __u64 now)
{
	struct xt_fdb e = { .peer_id = peer_id, .seen_ns = now };
	struct xt_l2_learned *count = xt_l2_learned_of(peer_id);
	long err;

	if (!count || !xt_l2_count_take(&count->macs))
		return XT_DROP_MAC_LIMIT;
	err = bpf_map_update_elem(&xt_fdb, key, &e, BPF_NOEXIST);
	if (!err)
		return XT_OK_DECAP;
	xt_l2_count_give(&count->macs);
	/* Another CPU learned it first: its entry will do. */
	return err == -EEXIST ? XT_OK_DECAP : XT_DROP_FDB_FULL;
}

/* A learned entry of another peer (or an aged one) takes a MAC that has moved: taken with
 * a compare-and-swap of its peer, so that only one CPU moves it and counts the move. */
static __always_inline enum xt_reason xt_fdb_move(struct xt_fdb *e, __u32 from, __u32 peer_id,
						  __u64 now)
{
	struct xt_l2_learned *count = xt_l2_learned_of(peer_id), *old;

	if (!count || !xt_l2_count_take(&count->macs))
		return XT_DROP_MAC_LIMIT;
	if (__sync_val_compare_and_swap(&e->peer_id, from, peer_id) != from) {
		xt_l2_count_give(&count->macs); /* someone else changed it: theirs */
		return XT_OK_DECAP;
	}
	e->seen_ns = now;
	old = xt_l2_learned_of(from);
	if (old)
		xt_l2_count_give(&old->macs);
	return XT_OK_DECAP;
}

/*
 * Learn mac, the inner source of a frame from peer peer_id. Returns XT_OK_DECAP (learned,
 * or nothing to learn), or the reason to drop the frame for: a MAC that is no station's,
 * a static entry of another peer (the kernel's vxlan drops those too, vxlan_snoop), a peer
 * at its max-macs, a full FDB. A frame whose MAC is not learned is not delivered either:
 * the bridge behind the overlay device would learn it, and its table has no limit.
 */
static __always_inline enum xt_reason xt_fdb_learn(const __u8 *mac, __u32 peer_id, __u64 now)
{
	struct xt_fdb_key key = {};
	struct xt_fdb *e;
	__u32 owner;

	if (!xt_mac_is_station(mac))
		return XT_DROP_SOURCE_MAC;
	__builtin_memcpy(key.mac, mac, ETH_ALEN);
	e = bpf_map_lookup_elem(&xt_fdb, &key);
	if (!e)
		return xt_fdb_learn_new(&key, peer_id, now);
	owner = e->peer_id;
	if (e->flags & XT_L2_STATIC)
		return owner == peer_id ? XT_OK_DECAP : XT_DROP_STATIC_MAC;
	if (owner == XT_L2_PEER_NONE)
		return XT_OK_DECAP; /* being removed: learned again with the next frame */
	if (owner != peer_id)
		return xt_fdb_move(e, owner, peer_id, now);
	if ((__s64)(now - e->seen_ns) >= (__s64)xt_l2_cfg.refresh_ns)
		e->seen_ns = now;
	return XT_OK_DECAP;
}

/* Whether mac is peer_id's in the FDB (learned or static): what a peer may claim in ARP
 * and neighbour advertisements. */
static __always_inline bool xt_fdb_owned_by(const __u8 *mac, __u32 peer_id)
{
	struct xt_fdb_key key = {};
	struct xt_fdb *e;

	__builtin_memcpy(key.mac, mac, ETH_ALEN);
	e = bpf_map_lookup_elem(&xt_fdb, &key);
	return e && e->peer_id == peer_id;
}

#endif
