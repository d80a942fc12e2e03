/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Encapsulation of a frame to a peer in TC, for the overlay device's egress programs of
 * every overlay: the outer headers, GSO, the outer UDP checksum over IPv6, and the redirect
 * out of the uplink.
 */
#ifndef XT_BPF_ENCAP_H
#define XT_BPF_ENCAP_H

#include "common.h"
#include "csum.h"
#include "stats.h"
#include "tc.h"
#include "tunnel.h"

/*
 * bpf_skb_adjust_room and bpf_redirect_neigh accept only skbs whose skb->protocol is IP,
 * and no helper sets skb->protocol directly. bpf_skb_vlan_pop does, from the encapsulated
 * type of the tag it pops: push two tags (the second push moves the first into the frame
 * and makes skb->protocol 802.1Q), rewrite that inline tag's type to IPv4, pop both. The
 * frame ends as it began, [Ethernet][ARP], with the Ethernet type now 0x0800 (the inner
 * copy keeps 0x0806), and ARP takes the IPv4 path: the kernel resolves the underlay next
 * hop for it as for any packet. bpf_fib_lookup would need forwarding on the uplink. Any
 * other type goes the same way. A frame with an accelerated VLAN tag (skb->vlan_present,
 * from a VLAN-aware bridge) has that tag moved into the frame by the first push, where it
 * stays, behind the Ethernet header: the inner copy then takes the tag's type.
 */
static __always_inline int xt_skb_as_ipv4(struct __sk_buff *skb)
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

/* The skb's hash when it has one (a socket's, kept across its path changes, or the
 * receiving NIC's); else one of the inner headers, cheaper than the kernel's flow
 * dissection that bpf_get_hash_recalc would run. eth: the frame's Ethernet header. */
static __always_inline __u32 xt_skb_flow_hash(struct __sk_buff *skb, const struct ethhdr *eth,
					      __u16 inner_proto)
{
	if (skb->hash)
		return skb->hash;
	return xt_flow_hash((void *)(eth + 1), (void *)(long)skb->data_end, inner_proto);
}

/* The inner packet's sum for the outer UDP checksum over IPv6: known from its headers
 * (csum.h), or summed byte by byte. */
static __always_inline int xt_inner_sum(struct __sk_buff *skb, __u16 proto, __u64 *sum)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	int known = xt_inner_sum_known(data + ETH_HLEN, data_end, proto, sum);

	if (known <= 0)
		return known;
	return xt_csum_skb(skb, ETH_HLEN, skb->len, sum);
}

static __always_inline __u64 xt_encap_flags(void)
{
	/* FIXED_GSO: the overlay MTU already leaves room for the outer headers, which GSO
	 * replicates in every segment; without it the kernel also shrinks gso_size by the
	 * overhead and each segment carries that much less than the MSS allows. The ENCAP
	 * flags let GSO segment the result as a tunnel packet. */
	__u64 flags = BPF_F_ADJ_ROOM_FIXED_GSO;

	flags |= xt_cfg.family == XT_FAMILY_V6 ? BPF_F_ADJ_ROOM_ENCAP_L3_IPV6
					       : BPF_F_ADJ_ROOM_ENCAP_L3_IPV4;
	if (xt_encap_is_udp(xt_cfg.encap))
		flags |= BPF_F_ADJ_ROOM_ENCAP_L4_UDP | BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
			 ((__u64)ETH_HLEN << BPF_ADJ_ROOM_ENCAP_L2_SHIFT);
	else if (xt_cfg.encap == XT_ENCAP_GRE)
		flags |= BPF_F_ADJ_ROOM_ENCAP_L4_GRE;
	return flags;
}

/*
 * A GSO packet over an IPv6 UDP underlay, to a peer whose outer checksum is computed (not
 * udp6-zero-csum). bpf_skb_adjust_room marks a UDP tunnel GSO packet
 * SKB_GSO_UDP_TUNNEL, never SKB_GSO_UDP_TUNNEL_CSUM, so the kernel would copy one outer
 * checksum into every segment, and an IPv6 UDP checksum may not be left out (RFC 8200
 * section 8.1). Two ways out:
 * - VXLAN to a peer on the overlay's port, when the loader has the kernel's vxlan device in
 *   collect-metadata mode (loader/vxlan_dev.c): the packet goes there whole with its outer
 *   headers as a tunnel key, and the kernel encapsulates it as UDP-tunnel GSO with checksums,
 *   completed per segment where it is segmented (on a NIC, or not at all on a veth). The
 *   device has no per-packet destination port, hence the port condition.
 * - Otherwise the packet goes on to the overlay device, which has segmentation offloads off:
 *   the kernel segments it in software, and xt_encap_seg encapsulates each segment where
 *   they come out, on the ingress of the device's veth peer.
 */
static __always_inline int xt_encap_gso6(struct __sk_buff *skb, const struct xt_route *r,
					 __u32 hash, __u32 segs, __u32 len)
{
	struct bpf_tunnel_key key = {};

	if (!xt_cfg.vxlan_dev || xt_cfg.encap != XT_ENCAP_VXLAN || r->port != xt_cfg.port) {
		xt_encap_count(skb, XT_OK_SEGMENT, r->peer_id, XT_TRACE_HEAD_INNER);
		return TC_ACT_OK;
	}
	__builtin_memcpy(key.remote_ipv6, r->endpoint, XT_ADDR_LEN);
	xt_cfg_copy32(key.local_ipv6, xt_cfg.local, XT_ADDR_LEN / 4);
	key.tunnel_id = xt_cfg.vni;
	key.tunnel_ttl = XT_OUTER_TTL;
	key.tunnel_label = xt_flow_label(hash);
	/* The device derives the source port from the skb's hash as xt_src_port does. A hash
	 * set here also counts as a full one, which the kernel then takes as it is. */
	bpf_set_hash(skb, hash);
	if (bpf_skb_set_tunnel_key(skb, &key, sizeof(key), BPF_F_TUNINFO_IPV6))
		return xt_encap_fail(skb, r->peer_id, XT_TRACE_HEAD_INNER);
	xt_count_tx(r->peer_id, segs, len);
	xt_encap_count(skb, XT_OK_VXLAN_DEV, r->peer_id, XT_TRACE_HEAD_INNER);
	return bpf_redirect(xt_cfg.vxlan_dev_ifindex, 0);
}

/*
 * Encapsulates the frame for peer r and sends it out of the uplink (a GSO packet over an
 * IPv6 UDP underlay with a checksum: see xt_encap_gso6), counted under reason. inner: the Ethernet
 * header the L2 encapsulations carry. inner_proto: ETH_P_IP or ETH_P_IPV6 when that packet follows
 * the frame's Ethernet header; anything else makes the skb IPv4 first (xt_skb_as_ipv4).
 * hash: the flow's (xt_skb_flow_hash).
 */
static __always_inline int xt_encap_to(struct __sk_buff *skb, const struct xt_route *rp,
				       const struct ethhdr *inner, __u16 inner_proto, __u32 hash,
				       enum xt_reason reason)
{
	__u32 overhead = xt_encap_overhead(xt_cfg.encap, xt_cfg.family, xt_cfg.has_key);
	__u32 segs = xt_tc_segments(skb), len, n;
	struct xt_route r = *rp;
	union xt_outer b;
	__u64 inner_sum = 0;

	/* With a zero outer checksum a GSO packet is encapsulated whole, as over IPv4: each
	 * segment the kernel cuts of it gets the 0 it has (SKB_GSO_UDP_TUNNEL). */
	if (xt_udp6_csum(&r) && skb->gso_size)
		return xt_encap_gso6(skb, &r, hash, segs, skb->len);
	if (inner_proto != ETH_P_IP && inner_proto != ETH_P_IPV6 && xt_skb_as_ipv4(skb))
		return xt_encap_fail(skb, r.peer_id, XT_TRACE_HEAD_NONE);
	/* After: a VLAN tag taken into the frame makes it 4 bytes longer, and is summed. */
	len = skb->len;
	if (xt_udp6_csum(&r) && xt_inner_sum(skb, inner_proto, &inner_sum))
		return xt_encap_fail(skb, r.peer_id, XT_TRACE_HEAD_INNER);
	/* Room goes after the MAC header: the original Ethernet header stays in front and
	 * becomes the outer one; an L2 encapsulation writes the inner copy behind its own
	 * header, an L3 one leaves the inner Ethernet header out. */
	if (bpf_skb_adjust_room(skb, overhead, BPF_ADJ_ROOM_MAC, xt_encap_flags()))
		return xt_encap_fail(skb, r.peer_id, XT_TRACE_HEAD_NONE);
	/* Outer MACs stay zero (unicast): bpf_redirect_neigh fills them from the FIB and
	 * the neighbour table, resolving the next hop if needed. */
	n = xt_outer_build(&b, &r, len, inner_proto, inner, hash, inner_sum);
	if (bpf_skb_store_bytes(skb, 0, &b.v4.eth, n, 0))
		return xt_encap_fail(skb, r.peer_id, XT_TRACE_HEAD_NONE);
	xt_count_tx(r.peer_id, segs, len);
	xt_encap_count(skb, reason, r.peer_id, XT_TRACE_HEAD_OUTER);
	return bpf_redirect_neigh(xt_cfg.uplink_ifindex, NULL, 0, 0);
}

#endif
