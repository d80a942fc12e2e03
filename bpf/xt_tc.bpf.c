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
#include "tc.h"
#include "encap.h"
#include "sock.h"

/* A frame of the host's routed to peer r, as it is. */
static __always_inline int xt_encap_routed(struct __sk_buff *skb, const struct xt_route *r,
					   const struct ethhdr *eth, __u16 inner_proto)
{
	__u32 hash = xt_skb_flow_hash(skb, eth, inner_proto);
	struct ethhdr inner;

	__builtin_memcpy(&inner, eth, ETH_HLEN);
	return xt_encap_to(skb, r, &inner, inner_proto, hash, XT_OK_ENCAP);
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
	return xt_encap_routed(skb, r, eth, ETH_P_IP);
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
	return xt_encap_routed(skb, r, eth, ETH_P_IPV6);
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
	return xt_encap_routed(skb, r, eth, ETH_P_ARP);
}

static __always_inline int xt_encap_frame(struct __sk_buff *skb)
{
	struct ethhdr *eth;
	void *data_end;

	xt_tc_pull(skb, XT_ENCAP_PULL_LEN);
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

/* The upper-layer checks needed bytes beyond XT_PULL_LEN (rx->need): extension headers, or
 * an advertisement's target behind the longest outer header. Pull all that they could need,
 * not only rx->need (a walk that goes on may need more), and check the inner packet again;
 * still short, the pull failed: drop. */
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
	/* Parsed as it comes first: on a veth, and from most NICs, every header is in the
	 * linear area. Pulling would copy the head of a packet that is a clone (a local
	 * sender's TCP keeps the original) and move payload into it, and a TCP receiver
	 * cannot coalesce such packets (TcpExt TCPRcvCoalesce stayed at 0). */
	verdict = xt_rx_parse((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len, &rx);
	if (verdict == XT_RX_NEED) {
		/* Some header runs past it: pull all that every check could read and parse
		 * again. Still short in front of the upper-layer checks, the pull failed (no
		 * memory): what cannot be read is dropped. */
		xt_tc_pull(skb, XT_PULL_LEN + xt_geneve_options_len(skb));
		__builtin_memset(&rx, 0, sizeof(rx));
		verdict = xt_rx_parse((void *)(long)skb->data, (void *)(long)skb->data_end,
				      skb->len, &rx);
		if (verdict == XT_RX_NEED && rx.need_upper)
			verdict = xt_tc_check_again(skb, &rx);
		else if (verdict == XT_RX_NEED)
			verdict = xt_tc_unreadable(&rx);
	}
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
	if (xt_tc_strip(skb, cut, &eth, rx.inner_proto))
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

char LICENSE[] SEC("license") = "Dual BSD/GPL";
