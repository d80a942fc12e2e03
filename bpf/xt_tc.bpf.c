// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * TC programs: encap on the overlay device's egress, decap on the uplink's ingress.
 * TC decap keeps the skb's GSO and checksum state, which XDP cannot see: on a veth uplink
 * (CHECKSUM_PARTIAL packets, no checksums on the wire) it is the only correct receive path.
 */
#include "common.h"
#include "stats.h"
#include "route.h"
#include "csum.h"
#include "tunnel.h"
#include "rx.h"
#include "fwd.h"
#include "trace.h"

/* What either direction parses in the linear area on every packet: outer Ethernet, IPv6
 * (or IPv4 with options), UDP and an 8-byte tunnel header, inner Ethernet and IPv4 with
 * options (or IPv6 with a neighbour solicitation's target); GENEVE options come on top, as
 * many as there are. A check that needs more (extension headers, an advertisement's target
 * behind the longest outer header) asks for it (XT_RX_NEED, xt_ns_route) and gets it: a
 * check never passes what it could not read. */
#define XT_PULL_LEN (ETH_HLEN + 60 + 8 + 8 + ETH_HLEN + 60)

/* The program that sends skb into the overlay: xt_encap on the overlay device, or
 * xt_encap_seg on its hidden end (both encapsulate through xt_encap_frame). */
static __always_inline enum xt_trace_prog xt_encap_prog(struct __sk_buff *skb)
{
	return skb->ifindex == xt_cfg.overlay_peer_ifindex ? XT_TRACE_ENCAP_SEG : XT_TRACE_ENCAP;
}

/* A packet on its way into the overlay is counted, and traced as the frame it is now. */
static __always_inline void xt_encap_count(struct __sk_buff *skb, enum xt_reason reason,
					   __u32 peer_id, enum xt_trace_head head)
{
	xt_count(reason);
	xt_trace_tc(skb, xt_encap_prog(skb), reason, peer_id, head);
}

/* Dropped before it was changed (the head is the frame the host sent), to no known peer. */
static __always_inline int xt_tc_drop(struct __sk_buff *skb, enum xt_reason reason)
{
	xt_encap_count(skb, reason, XT_TRACE_NO_PEER, XT_TRACE_HEAD_INNER);
	return TC_ACT_SHOT;
}

/* Encapsulation to the peer failed, maybe with the packet half changed. */
static __always_inline int xt_encap_fail(struct __sk_buff *skb, __u32 peer_id,
					 enum xt_trace_head head)
{
	xt_encap_count(skb, XT_DROP_ENCAP_FAILED, peer_id, head);
	return TC_ACT_SHOT;
}

/* Make sure the headers we parse are in the linear part of the skb. */
static __always_inline void xt_tc_pull(struct __sk_buff *skb, __u32 want)
{
	__u32 linear = skb->data_end - skb->data;

	if (linear < want && skb->len > linear)
		bpf_skb_pull_data(skb, skb->len < want ? skb->len : want);
	/* Keep clang from computing skb+offset once and reusing it for the later loads of
	 * data/data_end: the verifier refuses loads through a modified ctx pointer. */
	barrier_var(skb);
}

/* The length of a GENEVE packet's options, read before pulling: pulling the most options
 * could take (252 bytes) on every packet would copy payload into the linear area of every
 * super-packet, and cost GENEVE half its throughput. 0 for other encapsulations. */
static __always_inline __u32 xt_geneve_options_len(struct __sk_buff *skb)
{
	__u32 l3 = IPV6_HLEN;
	__u8 b;

	if (xt_cfg.encap != XT_ENCAP_GENEVE || bpf_skb_load_bytes(skb, ETH_HLEN, &b, 1))
		return 0;
	if (b >> 4 == 4)
		l3 = (b & 0xf) * 4;
	if (bpf_skb_load_bytes(skb, ETH_HLEN + l3 + sizeof(struct udphdr), &b, 1))
		return 0;
	return (b & GENEVE_OPT_LEN_MASK) * 4;
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
 * A GSO packet over an IPv6 UDP underlay. bpf_skb_adjust_room marks a UDP tunnel GSO packet
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

static __always_inline int xt_encap_to(struct __sk_buff *skb, struct xt_route *rp,
				       const struct ethhdr *eth, __u16 inner_proto)
{
	__u32 overhead = xt_encap_overhead(xt_cfg.encap, xt_cfg.family, xt_cfg.has_key);
	__u32 len = skb->len, segs = xt_tc_segments(skb), hash, n;
	struct xt_route r = *rp;
	union xt_outer b;
	struct ethhdr inner;
	__u64 inner_sum = 0;

	__builtin_memcpy(&inner, eth, ETH_HLEN);
	/* The skb's hash when it has one (a socket's, kept across its path changes, or the
	 * receiving NIC's); else one of the inner headers, cheaper than the kernel's flow
	 * dissection that bpf_get_hash_recalc would run. */
	hash = skb->hash;
	if (!hash)
		hash = xt_flow_hash((void *)(eth + 1), (void *)(long)skb->data_end, inner_proto);
	if (xt_udp6() && skb->gso_size)
		return xt_encap_gso6(skb, &r, hash, segs, len);
	if (xt_udp6() && xt_inner_sum(skb, inner_proto, &inner_sum))
		return xt_encap_fail(skb, r.peer_id, XT_TRACE_HEAD_INNER);
	if (inner_proto == ETH_P_ARP && xt_arp_as_ipv4(skb))
		return xt_encap_fail(skb, r.peer_id, XT_TRACE_HEAD_NONE);
	/* Room goes after the MAC header: the original Ethernet header stays in front and
	 * becomes the outer one; an L2 encapsulation writes the inner copy behind its own
	 * header, an L3 one leaves the inner Ethernet header out. */
	if (bpf_skb_adjust_room(skb, overhead, BPF_ADJ_ROOM_MAC, xt_encap_flags()))
		return xt_encap_fail(skb, r.peer_id, XT_TRACE_HEAD_NONE);
	/* Outer MACs stay zero (unicast): bpf_redirect_neigh fills them from the FIB and
	 * the neighbour table, resolving the next hop if needed. */
	n = xt_outer_build(&b, &r, len, inner_proto, &inner, hash, inner_sum);
	if (bpf_skb_store_bytes(skb, 0, &b.v4.eth, n, 0))
		return xt_encap_fail(skb, r.peer_id, XT_TRACE_HEAD_NONE);
	xt_count_tx(r.peer_id, segs, len);
	xt_encap_count(skb, XT_OK_ENCAP, r.peer_id, XT_TRACE_HEAD_OUTER);
	return bpf_redirect_neigh(xt_cfg.uplink_ifindex, NULL, 0, 0);
}

static __always_inline int xt_encap_ipv4(struct __sk_buff *skb, struct ethhdr *eth, void *data_end)
{
	struct iphdr *ip = (void *)(eth + 1);
	struct xt_route *r;

	if ((void *)(ip + 1) > data_end)
		return xt_tc_drop(skb, XT_DROP_MALFORMED);
	r = xt_route_lookup4(ip->daddr);
	if (!r)
		return xt_tc_drop(skb, XT_DROP_NO_ROUTE);
	return xt_encap_to(skb, r, eth, ETH_P_IP);
}

/*
 * The address a multicast IPv6 frame is routed by on an L2 overlay: a neighbour
 * solicitation goes to the peer that owns its target, never flooded, the one multicast
 * packet an L2 overlay must carry for IPv6 (RFC 4861 section 7.2.2); anything else by its
 * destination (and multicast has no route). The ICMPv6 header is found behind extension
 * headers as decap finds it (ipv6.h). Returns 0 with *by set, or the reason to drop for.
 * *need > 0: the headers run past the linear area to there; pull and ask again.
 */
static __always_inline int xt_ns_route(void *data, void *data_end, __u32 frame_len, __u8 *by,
				       __u32 *need)
{
	struct ipv6hdr *ip6 = data + ETH_HLEN;
	struct xt_ipv6_upper u;
	__u8 *icmp;
	int walk;

	*need = 0;
	if ((void *)(ip6 + 1) > data_end)
		return XT_DROP_MALFORMED;
	__builtin_memcpy(by, &ip6->daddr, XT_ADDR_LEN);
	walk = xt_ipv6_walk(data, data_end, ETH_HLEN, &u);
	if (walk == XT_IPV6_SHORT) {
		*need = u.off;
		return XT_DROP_EXT_HEADERS;
	}
	if (walk == XT_IPV6_TOO_LONG || (walk == XT_IPV6_UPPER && u.off > frame_len))
		return XT_DROP_EXT_HEADERS;
	if (walk == XT_IPV6_NO_UPPER || u.proto != IPPROTO_ICMPV6)
		return 0;
	icmp = data + (u.off & XT_OFF_MASK);
	if ((void *)(icmp + 24) > data_end) {
		*need = u.off + 24;
		return XT_DROP_MALFORMED;
	}
	if (icmp[0] == ICMPV6_NS)
		__builtin_memcpy(by, icmp + 8, XT_ADDR_LEN);
	return 0;
}

static __always_inline int xt_encap_ipv6(struct __sk_buff *skb, struct ethhdr *eth, void *data_end)
{
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	__u8 by[XT_ADDR_LEN];
	struct xt_route *r;
	__u32 need;
	int err;

	if ((void *)(ip6 + 1) > data_end)
		return xt_tc_drop(skb, XT_DROP_MALFORMED);
	if (!xt_encap_is_l2(xt_cfg.encap) || ip6->daddr.in6_u.u6_addr8[0] != 0xff) {
		r = xt_route_lookup((__u8 *)&ip6->daddr);
	} else {
		err = xt_ns_route(eth, data_end, skb->len, by, &need);
		if (err && need && need <= skb->len) {
			xt_tc_pull(skb, ETH_HLEN + XT_IPV6_CHAIN_MAX);
			err = xt_ns_route((void *)(long)skb->data, (void *)(long)skb->data_end,
					  skb->len, by, &need);
		}
		if (err)
			return xt_tc_drop(skb, err);
		r = xt_route_lookup(by);
		/* Read afresh, pulled or not: what the walk proved of the old pointers (as many
		 * lengths as ways out of it) would make the verifier go through the rest once
		 * for each. */
		eth = (void *)(long)skb->data;
		if ((void *)(eth + 1) > (void *)(long)skb->data_end)
			return xt_tc_drop(skb, XT_DROP_MALFORMED);
	}
	if (!r)
		return xt_tc_drop(skb, XT_DROP_NO_ROUTE);
	return xt_encap_to(skb, r, eth, ETH_P_IPV6);
}

/* ARP goes to the peer that owns the target address, never flooded. */
static __always_inline int xt_encap_arp(struct __sk_buff *skb, struct ethhdr *eth, void *data_end)
{
	struct xt_arp *arp = (void *)(eth + 1);
	struct xt_route *r;
	__be32 target;

	if ((void *)(arp + 1) > data_end || arp->hrd != bpf_htons(1) ||
	    arp->pro != bpf_htons(ETH_P_IP) || arp->hln != 6 || arp->pln != 4)
		return xt_tc_drop(skb, XT_DROP_MALFORMED);
	__builtin_memcpy(&target, arp->tpa, sizeof(target));
	r = xt_route_lookup4(target);
	if (!r)
		return xt_tc_drop(skb, XT_DROP_NO_ROUTE);
	return xt_encap_to(skb, r, eth, ETH_P_ARP);
}

static __always_inline int xt_encap_frame(struct __sk_buff *skb)
{
	struct ethhdr *eth;
	void *data_end;

	xt_tc_pull(skb, XT_PULL_LEN);
	eth = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if ((void *)(eth + 1) > data_end)
		return xt_tc_drop(skb, XT_DROP_MALFORMED);
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return xt_encap_ipv4(skb, eth, data_end);
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return xt_encap_ipv6(skb, eth, data_end);
	/* L3 overlays are NOARP devices: an ARP frame there is nobody's. */
	if (eth->h_proto == bpf_htons(ETH_P_ARP) && xt_encap_is_l2(xt_cfg.encap))
		return xt_encap_arp(skb, eth, data_end);
	return xt_tc_drop(skb, XT_DROP_INNER_PROTO);
}

/* Everything the host sends on the overlay device. Whatever we cannot send to a peer is
 * dropped: nothing leaves through the device's hidden veth end, with one exception below. */
SEC("tc")
int xt_encap(struct __sk_buff *skb)
{
	/* A packet that arrived on the overlay and is routed back out of it came from one
	 * peer and would go to another: never relay (the host may forward for others). */
	if (skb->ingress_ifindex == xt_cfg.overlay_ifindex)
		return xt_tc_drop(skb, XT_DROP_RELAY);
	return xt_encap_frame(skb);
}

/* The segments of what xt_encap left to the kernel (xt_encap_gso6). */
SEC("tc")
int xt_encap_seg(struct __sk_buff *skb)
{
	if (skb->gso_size)
		return xt_tc_drop(skb, XT_DROP_ENCAP_FAILED); /* offloads back on: fail closed */
	return xt_encap_frame(skb);
}

/*
 * A decapsulated IP packet the FIB routes out of a forward-from port (fwd.h) leaves there
 * directly, one hop less: 1, and the port in *ifindex. 0: not this way, nothing changed.
 * -1: changed half-way, drop. The stores keep a NIC's CHECKSUM_COMPLETE sum right. eth is
 * the frame's Ethernet header as decap wrote it (a copy on the stack).
 */
static __always_inline int xt_fwd_decap_tc(struct __sk_buff *skb, struct ethhdr *eth, __u16 proto,
					   __u32 *ifindex)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct bpf_fib_lookup fib, rev;
	union {
		struct iphdr ip;
		struct ipv6hdr ip6;
	} h = {};
	__u32 len = proto == ETH_P_IP ? sizeof(h.ip) : sizeof(h.ip6);
	/* The 4 bytes the hop changes: IPv4 TTL, protocol and checksum (8-11), IPv6 payload
	 * length, next header and hop limit (4-7). */
	__u32 off = proto == ETH_P_IP ? 8 : 4;
	__u8 dst[XT_ADDR_LEN];

	/* As if it had arrived on the overlay device (fwd.h): addressed to the device's MAC
	 * (which the L3 encapsulations write themselves), from a source routed back through it. */
	if (!xt_mac_is(eth->h_dest, xt_cfg.overlay_mac) ||
	    !xt_fwd_lookup(skb, data + ETH_HLEN, data_end, proto, xt_cfg.overlay_ifindex, &fib, dst,
			   true) ||
	    !xt_fwd_is_port(&fib) ||
	    !xt_fwd_reverse_ok(skb, data + ETH_HLEN, data_end, proto, xt_cfg.overlay_ifindex,
			       BPF_FIB_LOOKUP_SKIP_NEIGH, &rev))
		return 0;
	xt_fwd_macs(eth, &fib);
	if (bpf_skb_store_bytes(skb, 0, eth, ETH_ALEN * 2, 0))
		return -1;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &h, len))
		return -1;
	xt_fwd_ttl(&h, (void *)&h + len, proto);
	if (bpf_skb_store_bytes(skb, ETH_HLEN + off, (__u8 *)&h + off, 4, BPF_F_RECOMPUTE_CSUM))
		return -1;
	*ifindex = fib.ifindex;
	return 1;
}

/* The parser needed bytes beyond the linear area (rx->need): extension headers, or an
 * advertisement's target behind the longest outer header, or a NIC that built a small head.
 * Pull all that the inner checks could need, not only rx->need (a walk that goes on may
 * need more), and check the inner packet again; still short, the pull failed: drop. */
static __always_inline int xt_tc_check_again(struct __sk_buff *skb, struct xt_rx *rx)
{
	int verdict;

	xt_tc_pull(skb, rx->inner_off + XT_IPV6_CHAIN_MAX);
	verdict = xt_rx_recheck_upper6((void *)(long)skb->data, (void *)(long)skb->data_end, rx);
	if (verdict == XT_RX_NEED)
		verdict = xt_rx_peer_drop(rx, rx->reason);
	return verdict;
}

/* Counted, and traced as the packet was received. */
static __always_inline void xt_decap_tc_count(struct __sk_buff *skb, enum xt_reason reason,
					      __u32 peer_id)
{
	xt_count(reason);
	xt_trace_tc(skb, XT_TRACE_DECAP_TC, reason, peer_id, XT_TRACE_HEAD_OUTER);
}

SEC("tc")
int xt_decap_tc(struct __sk_buff *skb)
{
	__u64 flags = BPF_F_ADJ_ROOM_FIXED_GSO;
	struct xt_rx rx = {};
	struct ethhdr eth;
	__u32 segs, len, cut;
	bool traced;
	int verdict;

	/* The stack moves an outer VLAN tag out of the frame before TC ingress; XDP still sees
	 * it in the frame and passes the packet as not IP. Do the same here. */
	if (skb->vlan_present) {
		xt_decap_tc_count(skb, XT_PASS_NOT_IP, XT_TRACE_NO_PEER);
		return TC_ACT_UNSPEC;
	}
	/* Another host's frame: the stack drops it after us (ip_rcv), before its own vxlan
	 * could see it. Not ours. */
	if (skb->pkt_type == PACKET_OTHERHOST) {
		xt_decap_tc_count(skb, XT_PASS_OTHER_HOST, XT_TRACE_NO_PEER);
		return TC_ACT_UNSPEC;
	}
	xt_tc_pull(skb, XT_PULL_LEN + xt_geneve_options_len(skb));
	verdict = xt_rx_parse((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len, &rx);
	if (verdict == XT_RX_NEED)
		verdict = xt_tc_check_again(skb, &rx);
	if (verdict != XT_RX_DECAP)
		xt_decap_tc_count(skb, rx.reason, xt_rx_peer(&rx));
	if (verdict == XT_RX_PASS)
		return TC_ACT_UNSPEC; /* continue with the next filter, untouched */
	if (verdict == XT_RX_DROP)
		return TC_ACT_SHOT;
	/* The packet changes from here on: a trace keeps it as it came. */
	traced = xt_tracing() && xt_trace_keep_skb(skb);
	if (rx.trim && bpf_skb_change_tail(skb, skb->len - rx.trim, 0))
		goto fail;
	segs = xt_tc_segments(skb);
	if (xt_encap_is_l2(xt_cfg.encap)) {
		/* Remove the outer IP and tunnel headers and the inner Ethernet header right
		 * behind the outer one, then write the inner one over it. */
		if (bpf_skb_load_bytes(skb, rx.outer_len, &eth, sizeof(eth)))
			goto fail;
		cut = rx.outer_len;
		len = skb->len - rx.outer_len;
	} else {
		xt_overlay_eth(&eth, rx.inner_proto);
		cut = rx.outer_len - ETH_HLEN;
		len = skb->len - cut;
	}
	/* FIXED_GSO keeps gso_size as the sender set it; without it a forwarded super-packet
	 * would be resegmented too large. */
	/* The DECAP flag also sets how much must stay behind the MAC header: without one the
	 * outer family's base header (40 bytes for IPv6) would be asked of a 28-byte ARP
	 * packet. For ARP the IPv4 flag is a white lie: the redirect's eth_type_trans sets
	 * skb->protocol from the Ethernet header again. */
	if (rx.inner_proto == ETH_P_IPV6)
		flags |= BPF_F_ADJ_ROOM_DECAP_L3_IPV6;
	else
		flags |= BPF_F_ADJ_ROOM_DECAP_L3_IPV4;
	if (bpf_skb_adjust_room(skb, -(__s32)cut, BPF_ADJ_ROOM_MAC, flags))
		goto fail;
	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0))
		goto fail;
	if (xt_cfg.forward && rx.inner_proto != ETH_P_ARP) {
		__u32 port = 0;
		int fwd = xt_fwd_decap_tc(skb, &eth, rx.inner_proto, &port);

		if (fwd < 0)
			goto fail;
		if (fwd > 0) {
			xt_count(XT_OK_FWD_DECAP);
			xt_count_rx(rx.peer_id, segs, len);
			if (traced)
				xt_trace_kept(XT_TRACE_DECAP_TC, XT_OK_FWD_DECAP, rx.peer_id);
			return bpf_redirect(port, 0);
		}
	}
	xt_count(XT_OK_DECAP);
	xt_count_rx(rx.peer_id, segs, len);
	if (traced)
		xt_trace_kept(XT_TRACE_DECAP_TC, XT_OK_DECAP, rx.peer_id);
	return bpf_redirect(xt_cfg.overlay_ifindex, BPF_F_INGRESS);
fail:
	xt_count(XT_DROP_DECAP_FAILED);
	xt_count_peer_drop(rx.peer_id, XT_DROP_DECAP_FAILED);
	if (traced)
		xt_trace_kept(XT_TRACE_DECAP_TC, XT_DROP_DECAP_FAILED, rx.peer_id);
	return TC_ACT_SHOT;
}

/*
 * On the ingress of the kernel's vxlan device (loader/vxlan_dev.c): what its UDP socket
 * decapsulated. That socket listens on the overlay's port, IPv4 and IPv6, for the whole
 * namespace. Decap sends every packet of a known peer on before the socket sees it, so what
 * reaches it is what decap passed (an unknown sender, another VNI, ...), which the kernel
 * would deliver past every check of ours: it is dropped here. Each overlay that uses the
 * device has one such filter and counts what is addressed to it (its VNI, its local
 * address); the rest goes on to the next filter, and xt_sock_other (xt_sock.bpf.c) drops it.
 */
SEC("tc")
int xt_sock_drop(struct __sk_buff *skb)
{
	struct bpf_tunnel_key key = {};
	__u32 local[XT_ADDR_LEN / 4];
	int i;

	if (bpf_skb_get_tunnel_key(skb, &key, sizeof(key), BPF_F_TUNINFO_IPV6))
		return TC_ACT_UNSPEC; /* IPv4, or no tunnel: not this overlay's to count */
	xt_cfg_copy32(local, xt_cfg.local, XT_ADDR_LEN / 4);
	if (key.tunnel_id != xt_cfg.vni)
		return TC_ACT_UNSPEC;
	for (i = 0; i < XT_ADDR_LEN / 4; i++)
		if (key.local_ipv6[i] != local[i])
			return TC_ACT_UNSPEC;
	xt_count(XT_DROP_KERNEL_SOCKET);
	xt_trace_tc(skb, XT_TRACE_SOCK_DROP, XT_DROP_KERNEL_SOCKET, XT_TRACE_NO_PEER,
		    XT_TRACE_HEAD_INNER);
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
