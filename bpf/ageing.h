/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ageing of an L2 overlay's learned entries. A learned FDB or neighbour entry older than
 * the ageing time counts as absent wherever it is looked up (fdb.h, neigh.h); the sweep
 * removes such entries and gives their peers' counts back, so that max-macs counts what is
 * there. The data path runs the sweep itself, from the decap of a peer's frame, at most
 * once a second (XT_L2_SWEEP_NS): the CPU that moves xt_l2_state's due time on does it.
 *
 * Not a bpf_timer: a timer lives only while a process holds the map or a pin keeps it (the
 * kernel cancels it, and refuses a new one, once the map's last user reference is gone),
 * and an overlay attached under `ip netns exec` has its pins in a bpffs that dies with the
 * command (docs/architecture.md). Checked on this kernel: a timer armed through a TC
 * program's map stopped when the loader's descriptors closed, and the data path's
 * bpf_timer_init then failed with EPERM. The loader sweeps too (XT_L2_SWEEP, xt_l2_ctl).
 */
#ifndef XT_BPF_AGEING_H
#define XT_BPF_AGEING_H

#include "l2.h"

struct xt_sweep {
	__u64 now;
	__u32 peer_id; /* xt_l2_forget: the peer whose entries go; else XT_L2_PEER_NONE */
	__u32 removed;
};

/* Takes a learned entry of owner for removal: only one CPU wins it, and only that one
 * deletes it and gives owner's count back. */
static __always_inline bool xt_l2_take(__u32 *peer_id, __u32 owner)
{
	return owner != XT_L2_PEER_NONE &&
	       __sync_val_compare_and_swap(peer_id, owner, XT_L2_PEER_NONE) == owner;
}

/* Whether the sweep s removes an entry of owner, static or learned at seen. */
static __always_inline bool xt_sweep_wants(const struct xt_sweep *s, __u32 owner, bool stat,
					   __u64 seen)
{
	if (s->peer_id != XT_L2_PEER_NONE)
		return owner == s->peer_id;
	return !stat && !xt_l2_fresh(seen, s->now);
}

static long xt_fdb_sweep_one(struct bpf_map *map, struct xt_fdb_key *key, struct xt_fdb *e,
			     struct xt_sweep *s)
{
	__u32 owner = e->peer_id;
	bool stat = e->flags & XT_L2_STATIC;
	struct xt_l2_learned *count;

	if (!xt_sweep_wants(s, owner, stat, e->seen_ns))
		return 0;
	if (!stat) {
		if (!xt_l2_take(&e->peer_id, owner))
			return 0;
		count = xt_l2_learned_of(owner);
		if (count)
			xt_l2_count_give(&count->macs);
	}
	bpf_map_delete_elem(&xt_fdb, key);
	s->removed++;
	return 0;
}

static long xt_neigh_sweep_one(struct bpf_map *map, struct xt_neigh_key *key, struct xt_neigh *n,
			       struct xt_sweep *s)
{
	__u32 owner = n->peer_id;
	bool stat = n->flags & XT_L2_STATIC;
	struct xt_l2_learned *count;

	/* A static entry has no peer: only the ageing sweep looks at it, and leaves it. */
	if (!xt_sweep_wants(s, owner, stat, n->seen_ns))
		return 0;
	if (!stat) {
		if (!xt_l2_take(&n->peer_id, owner))
			return 0;
		count = xt_l2_learned_of(owner);
		if (count)
			xt_l2_count_give(&count->neighs);
	}
	bpf_map_delete_elem(&xt_neigh, key);
	s->removed++;
	return 0;
}

/* Removes what the sweep s wants from both tables; how many it removed. */
static __always_inline __u32 xt_l2_sweep(struct xt_sweep *s)
{
	bpf_for_each_map_elem(&xt_fdb, xt_fdb_sweep_one, s, 0);
	bpf_for_each_map_elem(&xt_neigh, xt_neigh_sweep_one, s, 0);
	return s->removed;
}

/* The ageing sweep, if it is due: at most once every XT_L2_SWEEP_NS, on one CPU. */
static __always_inline void xt_l2_age(__u64 now)
{
	struct xt_sweep s = { .now = now, .peer_id = XT_L2_PEER_NONE };
	struct xt_l2_state *st;
	__u32 zero = 0;
	__u64 due;

	if (!xt_l2_cfg.ageing_ns)
		return;
	st = bpf_map_lookup_elem(&xt_l2_state, &zero);
	if (!st)
		return;
	due = st->next_sweep_ns;
	if ((__s64)(now - due) < 0 ||
	    __sync_val_compare_and_swap(&st->next_sweep_ns, due, now + XT_L2_SWEEP_NS) != due)
		return;
	xt_l2_sweep(&s);
}

#endif
