// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * For bench/l2flood: the design of replication that xtunnel did not take, kept to measure
 * against the one it did (docs/architecture.md, "Flooding"). xt_flood_direct encapsulates
 * the frame once, then for every flood peer asks the FIB for the underlay next hop and its
 * MACs, writes that peer's outer headers over the frame and clones it straight out of the
 * uplink. It has no answer for a peer whose next hop is not resolved yet (the FIB says
 * BPF_FIB_LKUP_RET_NO_NEIGH, and nothing lets a clone wait for it): the bench's peers have
 * static neighbours. IPv4 underlays, UDP encapsulations only. xt_drop drops what reaches
 * the far end of the bench's uplink, so that receiving costs next to nothing.
 */
#include "../bpf/common.h"
#include "../bpf/encap.h"
#include "../bpf/flood.h"
#include "../bpf/l2.h"
#include "../bpf/tc.h"
#include "../bpf/tunnel.h"

#define AF_INET 2

struct direct_walk {
	struct __sk_buff *skb;
	const struct xt_flood_list *list;
	struct ethhdr inner;
	__u32 len;
	__u32 hash;
	__u32 missed;
};

static long xt_direct_one(__u32 i, void *ctx)
{
	struct direct_walk *w = ctx;
	struct bpf_fib_lookup fib = {};
	struct xt_l2_peer *p;
	struct xt_route r = {};
	union xt_outer b;
	__u32 id, n;

	if (i >= XT_L2_MAX_FLOOD)
		return 1;
	id = w->list->ids[i];
	p = xt_l2_peer(id);
	if (!p)
		return 0;
	r.peer_id = id;
	r.port = p->port;
	__builtin_memcpy(r.endpoint, p->endpoint, XT_ADDR_LEN);
	fib.family = AF_INET;
	fib.ifindex = xt_cfg.uplink_ifindex;
	fib.ipv4_src = xt_local4();
	__builtin_memcpy(&fib.ipv4_dst, p->endpoint + 12, 4);
	if (bpf_fib_lookup(w->skb, &fib, sizeof(fib), BPF_FIB_LOOKUP_OUTPUT) !=
	    BPF_FIB_LKUP_RET_SUCCESS) {
		w->missed++;
		return 0;
	}
	n = xt_outer_build(&b, &r, w->len, 0, &w->inner, w->hash, 0);
	__builtin_memcpy(b.v4.eth.h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(b.v4.eth.h_source, fib.smac, ETH_ALEN);
	if (bpf_skb_store_bytes(w->skb, 0, &b.v4.eth, n, 0))
		return 1;
	xt_count_tx(id, 1, w->len);
	bpf_clone_redirect(w->skb, xt_cfg.uplink_ifindex, 0);
	return 0;
}

SEC("tc")
int xt_flood_direct(struct __sk_buff *skb)
{
	__u32 overhead = xt_encap_overhead(xt_cfg.encap, xt_cfg.family, 0), n = 0;
	struct direct_walk w = { .skb = skb };
	const struct xt_flood_list *list;
	struct ethhdr *eth;

	xt_tc_pull(skb, XT_PULL_LEN);
	eth = (void *)(long)skb->data;
	if ((void *)(eth + 1) > (void *)(long)skb->data_end)
		return TC_ACT_SHOT;
	__builtin_memcpy(&w.inner, eth, ETH_HLEN);
	w.hash = xt_skb_flow_hash(skb, eth, bpf_ntohs(eth->h_proto));
	list = xt_flood_list(&n);
	if (!list || !n || n > XT_L2_MAX_FLOOD || xt_cfg.family != XT_FAMILY_V4)
		return TC_ACT_SHOT;
	if (eth->h_proto != bpf_htons(ETH_P_IP) && eth->h_proto != bpf_htons(ETH_P_IPV6) &&
	    xt_skb_as_ipv4(skb))
		return TC_ACT_SHOT;
	w.len = skb->len;
	if (bpf_skb_adjust_room(skb, overhead, BPF_ADJ_ROOM_MAC, xt_encap_flags()))
		return TC_ACT_SHOT;
	w.list = list;
	bpf_loop(n, xt_direct_one, &w, 0);
	return TC_ACT_SHOT;
}

SEC("tc")
int xt_drop(struct __sk_buff *skb)
{
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
