// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * TC programs: encap on the overlay device's egress, decap on the uplink's ingress.
 * TC decap keeps the skb's GSO and checksum state, which XDP cannot see: on a veth uplink
 * (CHECKSUM_PARTIAL packets, no checksums on the wire) it is the only correct receive path.
 */
#include "common.h"
#include "stats.h"
#include "route.h"
#include "vxlan.h"

/* FIXED_GSO: the overlay MTU already leaves room for the outer headers, which GSO
 * replicates in every segment; without it the kernel also shrinks gso_size by the
 * encapsulation overhead and each segment carries 50 bytes less than the MSS allows. */
#define XT_ENCAP_FLAGS                                                                             \
	(BPF_F_ADJ_ROOM_FIXED_GSO | BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L4_UDP |   \
	 BPF_F_ADJ_ROOM_ENCAP_L2_ETH | ((__u64)ETH_HLEN << BPF_ADJ_ROOM_ENCAP_L2_SHIFT))
/* The most either direction needs in the linear area: outer headers with IPv4 options,
 * inner Ethernet and an ARP body. */
#define XT_PULL_LEN (ETH_HLEN + 60 + 8 + 8 + ETH_HLEN + XT_ARP_LEN)

static __always_inline int xt_tc_drop(enum xt_reason reason)
{
	xt_count(reason);
	return TC_ACT_SHOT;
}

/* Make sure the headers we parse are in the linear part of the skb. */
static __always_inline void xt_tc_pull(struct __sk_buff *skb)
{
	__u32 linear = skb->data_end - skb->data;

	if (linear < XT_PULL_LEN && skb->len > linear)
		bpf_skb_pull_data(skb, skb->len < XT_PULL_LEN ? skb->len : XT_PULL_LEN);
	/* Keep clang from computing skb+offset once and reusing it for the later loads of
	 * data/data_end: the verifier refuses loads through a modified ctx pointer. */
	barrier_var(skb);
}

static __always_inline __u32 xt_tc_segments(struct __sk_buff *skb)
{
	return skb->gso_segs ? skb->gso_segs : 1;
}

/*
 * bpf_skb_adjust_room and bpf_redirect_neigh accept only skbs whose skb->protocol is IP,
 * and no helper sets skb->protocol directly. bpf_skb_vlan_pop does, from the encapsulated
 * type of the tag it pops: push two tags (the second push moves the first into the frame
 * and makes skb->protocol 802.1Q), rewrite that inline tag's type to IPv4, pop both. The
 * frame ends as it began, [Ethernet][ARP], with the Ethernet type now 0x0800 (the inner
 * copy keeps 0x0806), and ARP takes the IPv4 path: the kernel resolves the underlay next
 * hop for it as for any packet. bpf_fib_lookup would need forwarding on the uplink.
 */
static __always_inline int xt_arp_as_ipv4(struct __sk_buff *skb)
{
	__be16 ipv4 = bpf_htons(ETH_P_IP);

	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 0) ||
	    bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 0))
		return -1;
	if (bpf_skb_store_bytes(skb, ETH_HLEN + 2, &ipv4, sizeof(ipv4), 0))
		return -1;
	if (bpf_skb_vlan_pop(skb) || bpf_skb_vlan_pop(skb))
		return -1;
	return skb->protocol == bpf_htons(ETH_P_IP) ? 0 : -1;
}

static __always_inline int xt_encap_to(struct __sk_buff *skb, struct xt_route *r,
				       const struct ethhdr *inner, bool arp)
{
	struct xt_encap_buf b = {};
	struct xt_route route = *r;
	__u32 len = skb->len, segs = xt_tc_segments(skb), hash;

	__builtin_memcpy(&b.inner, inner, ETH_HLEN);
	hash = bpf_get_hash_recalc(skb);
	if (arp && xt_arp_as_ipv4(skb))
		return xt_tc_drop(XT_DROP_ENCAP_FAILED);
	/* Room goes after the MAC header: the original Ethernet header stays in front and
	 * becomes the outer one; the inner copy is written behind the VXLAN header. The
	 * ENCAP flags let GSO segment the result as a UDP tunnel. */
	if (bpf_skb_adjust_room(skb, XT_VXLAN_OVERHEAD, BPF_ADJ_ROOM_MAC, XT_ENCAP_FLAGS))
		return xt_tc_drop(XT_DROP_ENCAP_FAILED);
	/* Outer MACs stay zero (unicast): bpf_redirect_neigh fills them from the FIB and
	 * the neighbour table, resolving the next hop if needed. */
	xt_vxlan_build(&b, &route, len + XT_VXLAN_OVERHEAD, hash);
	if (bpf_skb_store_bytes(skb, 0, &b.eth, XT_VXLAN_OVERHEAD + ETH_HLEN, 0))
		return xt_tc_drop(XT_DROP_ENCAP_FAILED);
	xt_count_tx(route.peer_id, segs, len);
	xt_count(XT_OK_ENCAP);
	return bpf_redirect_neigh(xt_cfg.uplink_ifindex, NULL, 0, 0);
}

static __always_inline int xt_encap_ipv4(struct __sk_buff *skb, struct ethhdr *eth, void *data_end)
{
	struct iphdr *ip = (void *)(eth + 1);
	struct xt_route *r;

	if ((void *)(ip + 1) > data_end)
		return xt_tc_drop(XT_DROP_MALFORMED);
	r = xt_route_lookup(ip->daddr);
	if (!r)
		return xt_tc_drop(XT_DROP_NO_ROUTE);
	return xt_encap_to(skb, r, eth, false);
}

/* ARP goes to the peer that owns the target address, never flooded. */
static __always_inline int xt_encap_arp(struct __sk_buff *skb, struct ethhdr *eth, void *data_end)
{
	struct xt_arp *arp = (void *)(eth + 1);
	struct xt_route *r;
	__be32 target;

	if ((void *)(arp + 1) > data_end || arp->hrd != bpf_htons(1) ||
	    arp->pro != bpf_htons(ETH_P_IP) || arp->hln != 6 || arp->pln != 4)
		return xt_tc_drop(XT_DROP_MALFORMED);
	__builtin_memcpy(&target, arp->tpa, sizeof(target));
	r = xt_route_lookup(target);
	if (!r)
		return xt_tc_drop(XT_DROP_NO_ROUTE);
	return xt_encap_to(skb, r, eth, true);
}

/* Everything the host sends on the overlay device. Whatever we cannot send to a peer is
 * dropped: nothing leaves through the device's hidden veth end. */
SEC("tc")
int xt_encap(struct __sk_buff *skb)
{
	struct ethhdr *eth;

	/* A packet that arrived on the overlay and is routed back out of it came from one
	 * peer and would go to another: never relay (the host may forward for others). */
	if (skb->ingress_ifindex == xt_cfg.overlay_ifindex)
		return xt_tc_drop(XT_DROP_RELAY);
	xt_tc_pull(skb);
	eth = (void *)(long)skb->data;
	if ((void *)(eth + 1) > (void *)(long)skb->data_end)
		return xt_tc_drop(XT_DROP_MALFORMED);
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return xt_encap_ipv4(skb, eth, (void *)(long)skb->data_end);
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return xt_encap_arp(skb, eth, (void *)(long)skb->data_end);
	return xt_tc_drop(XT_DROP_INNER_PROTO);
}

SEC("tc")
int xt_decap_tc(struct __sk_buff *skb)
{
	struct xt_rx rx = {};
	struct ethhdr inner;
	__u64 flags = BPF_F_ADJ_ROOM_FIXED_GSO;
	__u32 segs, len;
	int verdict;

	/* The stack moves an outer VLAN tag out of the frame before TC ingress; XDP still sees
	 * it in the frame and passes the packet as not IPv4. Do the same here. */
	if (skb->vlan_present) {
		xt_count(XT_PASS_NOT_IPV4);
		return TC_ACT_UNSPEC;
	}
	xt_tc_pull(skb);
	verdict = xt_rx_parse((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len, &rx);
	if (verdict != XT_RX_DECAP)
		xt_count(rx.reason);
	if (verdict == XT_RX_PASS)
		return TC_ACT_UNSPEC; /* continue with the next filter, untouched */
	if (verdict == XT_RX_DROP)
		return TC_ACT_SHOT;
	segs = xt_tc_segments(skb);
	len = skb->len - rx.outer_len;
	if (bpf_skb_load_bytes(skb, rx.outer_len, &inner, sizeof(inner)))
		goto fail;
	/* Remove outer IPv4/UDP/VXLAN and the inner Ethernet header right behind the outer
	 * one, then write the inner one over it. FIXED_GSO keeps gso_size as the sender set
	 * it; without it a forwarded super-packet would be resegmented too large. */
	if (rx.inner_proto == ETH_P_IP)
		flags |= BPF_F_ADJ_ROOM_DECAP_L3_IPV4;
	if (bpf_skb_adjust_room(skb, -(__s32)rx.outer_len, BPF_ADJ_ROOM_MAC, flags))
		goto fail;
	if (bpf_skb_store_bytes(skb, 0, &inner, sizeof(inner), 0))
		goto fail;
	xt_count(XT_OK_DECAP);
	xt_count_rx(rx.peer_id, segs, len);
	return bpf_redirect(xt_cfg.overlay_ifindex, BPF_F_INGRESS);
fail:
	xt_count(XT_DROP_DECAP_FAILED);
	xt_count_peer_drop(rx.peer_id);
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
