/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Head-end replication of what an L2 overlay floods (broadcast, multicast, unknown
 * unicast): one copy to each peer with flood on. The frame is cloned back into the overlay
 * device's egress once for every flood peer but the last (bpf_clone_redirect), each clone
 * carrying its peer's id in skb->cb, and each clone then takes the unicast path to its peer
 * in its own run of the program: routed and resolved by bpf_redirect_neigh like any frame,
 * so a peer whose underlay neighbour is not resolved yet gets its copy all the same. The
 * frame itself goes to the last peer. docs/architecture.md says why this way and what a
 * copy costs.
 *
 * skb->cb belongs to the TC programs of the hook the skb is at, and a clone gets a copy of
 * it; nothing between bpf_clone_redirect and the egress hook writes it. What the stack left
 * there is not ours, so a copy is told apart by a 64-bit cookie that the loader draws at
 * random for each load (xt_l2_config.cookie), not by a value a frame could carry by chance.
 */
#ifndef XT_BPF_FLOOD_H
#define XT_BPF_FLOOD_H

#include "l2.h"
#include "stats.h"

#define XT_CB_COOKIE_LO 0 /* skb->cb words of a copy */
#define XT_CB_COOKIE_HI 1
#define XT_CB_PEER 2

/* Whether the frame is a copy made by xt_replicate, and for which peer. */
static __always_inline bool xt_flood_copy(struct __sk_buff *skb, __u32 *peer_id)
{
	__u64 cookie = xt_l2_cfg.cookie;

	if (!cookie || skb->cb[XT_CB_COOKIE_LO] != (__u32)cookie ||
	    skb->cb[XT_CB_COOKIE_HI] != (__u32)(cookie >> 32))
		return false;
	*peer_id = skb->cb[XT_CB_PEER];
	return true;
}

struct xt_flood_walk {
	struct __sk_buff *skb;
	const struct xt_flood_list *list;
};

static long xt_flood_clone(__u32 i, void *ctx)
{
	struct xt_flood_walk *w = ctx;
	__u64 cookie = xt_l2_cfg.cookie;
	__u32 id;

	if (i >= XT_L2_MAX_FLOOD)
		return 1;
	id = w->list->ids[i];
	w->skb->cb[XT_CB_COOKIE_LO] = (__u32)cookie;
	w->skb->cb[XT_CB_COOKIE_HI] = (__u32)(cookie >> 32);
	w->skb->cb[XT_CB_PEER] = id;
	/* Below 0: the clone never reached the device (above 0 is its own run's verdict,
	 * which it counted). */
	if (bpf_clone_redirect(w->skb, xt_cfg.overlay_ifindex, 0) < 0) {
		xt_count(XT_DROP_ENCAP_FAILED);
		xt_count_peer_drop(id, XT_DROP_ENCAP_FAILED);
	}
	return 0;
}

/* The flood peers now, and how many: the list in use (the loader flips lists, never
 * rewrites the one in use, as with xt_lens). */
static __always_inline const struct xt_flood_list *xt_flood_list(__u32 *n)
{
	struct xt_flood *f;
	__u32 zero = 0;

	f = bpf_map_lookup_elem(&xt_flood, &zero);
	if (!f)
		return NULL;
	*n = f->list[f->cur & 1].n;
	return &f->list[f->cur & 1];
}

/* Clones the frame once for each flood peer but the last, whose id goes to *last.
 * XT_OK_FLOOD; XT_DROP_NO_FLOOD_PEER when no peer has flood on; XT_DROP_ENCAP_FAILED when
 * there is no cookie to mark the copies with, which only a loader that forgot to draw one
 * leaves: each copy would be flooded again. */
static __always_inline enum xt_reason xt_replicate(struct __sk_buff *skb, __u32 *last)
{
	const struct xt_flood_list *list;
	struct xt_flood_walk w = { .skb = skb };
	__u32 n = 0;

	list = xt_flood_list(&n);
	if (!list || !n || n > XT_L2_MAX_FLOOD)
		return XT_DROP_NO_FLOOD_PEER;
	if (n > 1) {
		if (!xt_l2_cfg.cookie)
			return XT_DROP_ENCAP_FAILED;
		w.list = list;
		bpf_loop(n - 1, xt_flood_clone, &w, 0);
	}
	*last = list->ids[(n - 1) & (XT_L2_MAX_FLOOD - 1)];
	return XT_OK_FLOOD;
}

#endif
